import { checkIsolation } from '../checks/isolation';
import { ComposeObject, renderCompose } from '../compose/render-compose';
import type { StackModel } from '../model/deployment-model';
import { DeclarationProblems } from '../model/problems';
import { buildModel } from '../model/stack-model';
import { SERVICES } from '../model/stack-names';
import { NetboxPomeriumProjectOptions } from '../netbox-pomerium-options';
import { renderStack } from '../swarm/render-stack';

/**
 * A compiled deployment: the validated model and the renderings that several files, tasks and
 * checks share, each made exactly once.
 */
export interface DeploymentPlan {
  readonly model: StackModel;
  /** compose.yaml, overrides applied. */
  readonly compose: ComposeObject;
  /** stack.yaml (derived from `compose`), when `swarm` is on. */
  readonly swarmStack?: ComposeObject;
}

/**
 * options → validated model → renderings → checks on what was rendered → one error listing every
 * problem. Nothing here touches the disk; the project registers the plan's files afterwards.
 */
export function compileDeployment(options: NetboxPomeriumProjectOptions): DeploymentPlan {
  const p = new DeclarationProblems();
  const model = buildModel(p, options);
  let plan: DeploymentPlan | undefined;
  try {
    plan = planDeployment(model, p);
  } catch (e) {
    // Rendering a declaration that already has problems may fail; those problems are the news.
    if (p.isEmpty) throw e;
  }
  p.throwIfAny();
  return plan!;
}

/**
 * Renders what the files share and checks it. Isolation is judged on the rendered compose file
 * (overrides included) and on the Swarm stack, and reported with every other problem.
 */
function planDeployment(model: StackModel, p: DeclarationProblems): DeploymentPlan {
  for (const service of Object.values(SERVICES)) {
    if (model.composeOverrides[`services.${service}`] === null) {
      p.add(`composeOverrides["services.${service}"]`, 'removes a generated service', null,
        'Remove the override; the stack needs every generated service.');
    }
  }
  const compose = renderCompose(model);
  checkIsolation(p, model, compose);
  if (!model.swarm) return { model, compose };
  // The Swarm stack is derived from the compose file; what only it can get wrong is reported here too.
  const swarmStack = renderStack(model, compose, p);
  checkIsolation(p, model, swarmStack);
  return { model, compose, swarmStack };
}
