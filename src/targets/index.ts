import type { DeploymentTarget } from './deployment-target';
import { composeTarget } from '../compose/compose-target';
import { kubernetesTarget } from '../kubernetes/kubernetes-target';
import { swarmTarget } from '../swarm/swarm-target';

/** Every deployment target, in the order their files are registered and their runbook sections appear. */
export const TARGETS: readonly DeploymentTarget[] = [composeTarget, swarmTarget, kubernetesTarget];
