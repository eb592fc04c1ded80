import type { StackModel } from '../model/deployment-model';
import { FILES, SERVICES, TASKS } from '../model/stack-names';
import { pluginTasks } from '../plugins/plugin-tasks';
import type { PlannedTask } from '../targets/deployment-target';

/**
 * `docker compose` with the project name fixed. compose.yaml pins it too (top-level `name:`); `-p`
 * stays because an exported COMPOSE_PROJECT_NAME (common among netbox-docker users) beats `name:`
 * but not `-p`, and both come from the same model value.
 */
export function composeCommand(model: StackModel): string {
  return `docker compose -p ${model.projectName} -f ${FILES.compose}`;
}

/** The day-to-day tasks of a deployment, each a thin wrapper around `docker compose`. */
export function composeTasks(model: StackModel): PlannedTask[] {
  const compose = composeCommand(model);
  return [
    { name: TASKS.up, description: 'Start or update the stack in the background (docker compose up -d)', exec: `${compose} up -d`, receiveArgs: true },
    { name: TASKS.down, description: 'Stop and remove the containers; volumes (the data) stay', exec: `${compose} down`, receiveArgs: true },
    { name: TASKS.logs, description: `Follow the logs; pass service names to narrow them (npx projen ${TASKS.logs} -- ${SERVICES.netbox})`, exec: `${compose} logs -f`, receiveArgs: true },
    { name: TASKS.ps, description: 'Show the containers and their health', exec: `${compose} ps`, receiveArgs: true },
    { name: TASKS.pull, description: 'Pull the pinned images', exec: `${compose} pull`, receiveArgs: true },
    { name: TASKS.config, description: 'Validate the compose file and .env (docker compose config -q)', exec: `${compose} config -q`, receiveArgs: false },
    ...pluginTasks(model),
  ];
}
