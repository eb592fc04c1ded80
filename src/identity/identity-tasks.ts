import { Project } from 'projen';
import { renderUsersScript } from './users-script';
import type { ComposeObject } from '../compose/render-compose';
import type { StackModel } from '../model/deployment-model';
import { BREAK_GLASS, FILES } from '../model/stack-names';
import { ExecutableScriptFile } from '../projen/generated-files';

/** The task names; the runbook refers to them. */
export const USER_TASKS = {
  users: 'users',
  offboard: 'offboard',
  breakGlass: 'break-glass',
  stackUsers: 'stack-users',
  stackOffboard: 'stack-offboard',
} as const;

/**
 * `users`, `offboard -- <user>` and `break-glass`, all running the generated
 * `scripts/netbox-users.sh`; with Swarm also `stack-users` and `stack-offboard`, which run in this
 * node's NetBox task. Break glass keeps its lock, runtime compose file and log in a git-ignored directory.
 */
export function addUserTasks(project: Project, model: () => StackModel, compose: () => ComposeObject): void {
  new ExecutableScriptFile(project, FILES.usersScript, (marker) => renderUsersScript(model(), compose(), marker));
  project.gitignore.exclude(`/${BREAK_GLASS.dir}/`);
  project.addTask(USER_TASKS.users, {
    description: 'List NetBox users: active, superuser, last login, API tokens (the periodic access review)',
    execArgs: ['bash', FILES.usersScript, 'users'],
  });
  project.addTask(USER_TASKS.offboard, {
    description: 'Deactivate a NetBox user, delete their API tokens and end their sessions (npx projen offboard -- <user>)',
    execArgs: ['bash', FILES.usersScript, 'offboard'],
    receiveArgs: true,
  });
  project.addTask(USER_TASKS.breakGlass, {
    description: 'IdP or Pomerium down: NetBox on 127.0.0.1 of this host for a limited time with a one-time superuser, '
      + 'logged; closes on timeout or Ctrl-C (flags after --: --minutes <n>, --port <port>, close)',
    execArgs: ['bash', FILES.usersScript, 'break-glass'],
    receiveArgs: true,
  });
  if (model().swarm) {
    project.addTask(USER_TASKS.stackUsers, {
      description: 'Like users, in the NetBox task of the Swarm stack on this node',
      execArgs: ['bash', FILES.usersScript, '--swarm', 'users'],
    });
    project.addTask(USER_TASKS.stackOffboard, {
      description: 'Like offboard, in the NetBox task of the Swarm stack on this node (npx projen stack-offboard -- <user>)',
      execArgs: ['bash', FILES.usersScript, '--swarm', 'offboard'],
      receiveArgs: true,
    });
  }
}
