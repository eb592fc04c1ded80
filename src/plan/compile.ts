import { ComposeObject, renderCompose } from '../compose/render-compose';
import type { StackModel } from '../model/deployment-model';
import { DeclarationProblems } from '../model/problems';
import { buildModel } from '../model/stack-model';
import { SERVICES } from '../model/stack-names';
import type { NetboxPomeriumProjectOptions } from '../netbox-pomerium-options';
import { TARGETS } from '../targets';
import type { TargetOutput } from '../targets/deployment-target';

/**
 * A compiled deployment: the validated model, the compose file every target builds on, and the
 * output of each enabled target, each rendered exactly once.
 */
export interface DeploymentPlan {
  readonly model: StackModel;
  /** compose.yaml, overrides applied (the Postgres guard compares it with the file on disk). */
  readonly compose: ComposeObject;
  /** The enabled targets' files, tasks and runbook sections, in target order. */
  readonly targets: ReadonlyArray<{ readonly id: string; readonly output: TargetOutput }>;
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

/** Renders the compose file once, then lets each target plan its output (and check it) from it. */
function planDeployment(model: StackModel, p: DeclarationProblems): DeploymentPlan {
  for (const service of Object.values(SERVICES)) {
    if (model.composeOverrides[`services.${service}`] === null) {
      p.add(`composeOverrides["services.${service}"]`, 'removes a generated service', null,
        'Remove the override; the stack needs every generated service.');
    }
  }
  const compose = renderCompose(model);
  const targets = TARGETS.flatMap((target) => {
    const output = target.plan(model, { compose }, p);
    return output ? [{ id: target.id, output }] : [];
  });
  return { model, compose, targets };
}
