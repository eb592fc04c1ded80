import { renderStack } from './render-stack';
import { swarmRunbookSection } from './swarm-runbook';
import { renderStackScript, swarmTasks } from './swarm-tasks';
import { checkIsolation } from '../checks/isolation';
import { FILES } from '../model/stack-names';
import type { DeploymentTarget } from '../targets/deployment-target';

/**
 * Docker Swarm: stack.yaml derived from the compose file (overrides included), the script that
 * creates the Swarm secrets and deploys, its tasks and the runbook section. On with `swarm: true`.
 */
export const swarmTarget: DeploymentTarget = {
  id: 'swarm',
  plan(model, shared, p) {
    if (!model.swarm) return undefined;
    // What only the stack can get wrong (a secret no service can read from a file, long names) is reported here.
    const stack = renderStack(model, shared.compose, p);
    checkIsolation(p, model, stack);
    return {
      files: [
        { path: FILES.stack, format: 'yaml', content: stack },
        { path: FILES.stackScript, format: 'commented-text', content: renderStackScript(model, shared.compose) },
      ],
      tasks: swarmTasks(model),
      runbook: swarmRunbookSection(model, stack),
    };
  },
};
