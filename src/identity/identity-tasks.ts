import { Project } from 'projen';
import { renderUsersScript } from './users-script';
import type { ComposeObject } from '../compose/render-compose';
import type { StackModel } from '../model/deployment-model';
import { BREAK_GLASS, FILES, TASKS } from '../model/stack-names';
import { addScriptTasks, ExecutableScriptFile } from '../projen/generated-files';

/**
 * `users`, `offboard -- <user>` and `break-glass`, all running the generated
 * `scripts/netbox-users.sh`; with Swarm also `stack-users` and `stack-offboard`, which run in this
 * node's NetBox task. Break glass keeps its lock, runtime compose file and log in a git-ignored directory.
 */
export function addUserTasks(project: Project, model: () => StackModel, compose: () => ComposeObject): void {
  new ExecutableScriptFile(project, FILES.usersScript, (marker) => renderUsersScript(model(), compose(), marker));
  project.gitignore.exclude(`/${BREAK_GLASS.dir}/`);
  addScriptTasks(project, FILES.usersScript, [
    { name: TASKS.users, description: 'List NetBox users: active, superuser, last login, API tokens (the periodic access review)', args: ['users'] },
    {
      name: TASKS.offboard,
      description: 'Deactivate a NetBox user, delete their API tokens and end their sessions (npx projen offboard -- <user>)',
      args: ['offboard'],
      receiveArgs: true,
    },
    {
      name: TASKS.breakGlass,
      description: 'IdP or Pomerium down: NetBox on 127.0.0.1 of this host for a limited time with a one-time superuser, '
        + 'logged; closes on timeout or Ctrl-C (flags after --: --minutes <n>, --port <port>, close)',
      args: ['break-glass'],
      receiveArgs: true,
    },
    ...(model().swarm ? [
      { name: TASKS.stackUsers, description: 'Like users, in the NetBox task of the Swarm stack on this node', args: ['--swarm', 'users'] },
      {
        name: TASKS.stackOffboard,
        description: 'Like offboard, in the NetBox task of the Swarm stack on this node (npx projen stack-offboard -- <user>)',
        args: ['--swarm', 'offboard'],
        receiveArgs: true,
      },
    ] : []),
  ]);
}
