import { Project } from 'projen';
import { FILES } from '../compose/render-compose';
import { StackModel } from '../model/stack-model';

/**
 * `docker compose` with the project name fixed. compose.yaml pins it too (top-level `name:`); `-p`
 * stays because an exported COMPOSE_PROJECT_NAME (common among netbox-docker users) beats `name:`
 * but not `-p`, and both come from the same model value.
 */
export function composeCommand(model: StackModel): string {
  return `docker compose -p ${model.projectName} -f ${FILES.compose}`;
}

/** The day-to-day tasks of a deployment, each a thin wrapper around `docker compose`. */
export function addComposeTasks(project: Project, model: StackModel): void {
  const compose = composeCommand(model);
  const tasks: Array<[string, string, string, boolean]> = [
    ['up', 'Start or update the stack in the background (docker compose up -d)', `${compose} up -d`, true],
    ['down', 'Stop and remove the containers; volumes (the data) stay', `${compose} down`, true],
    ['logs', 'Follow the logs; pass service names to narrow them (npx projen logs -- netbox)', `${compose} logs -f`, true],
    ['ps', 'Show the containers and their health', `${compose} ps`, true],
    ['pull', 'Pull the pinned images', `${compose} pull`, true],
    ['config', 'Validate the compose file and .env (docker compose config -q)', `${compose} config -q`, false],
  ];
  for (const [name, description, exec, receiveArgs] of tasks) {
    project.addTask(name, { description, exec, receiveArgs });
  }
}
