import { K8S_DIR, K8S_FILES, POMERIUM_HEALTH_PORT } from './k8s-names';
import { checkKubernetesIsolation } from './kubernetes-checks';
import { kubernetesRunbookSection } from './kubernetes-runbook';
import { renderKustomization, renderManifests } from './render-kustomization';
import { POSTGRES_CLAIM } from './render-workloads';
import type { StackModel } from '../model/deployment-model';
import { postgresLayoutOf } from '../model/postgres-guard';
import { libraryMain, NETBOX_DB, SERVICES } from '../model/stack-names';
import type { DeploymentTarget, PlannedTask } from '../targets/deployment-target';

/** The tasks of the Kubernetes target: kubectl with the kustomize directory. */
export function kubernetesTasks(): PlannedTask[] {
  // The IdP client secret is the one value npx projen cannot create (k8s-preflight.ts checks it).
  const requireClientSecret = libraryMain('kubernetes/k8s-preflight');
  return [
    {
      name: 'k8s-apply',
      description: `Apply the manifests to the current kubectl context (kubectl apply -k ${K8S_DIR})`,
      exec: `${requireClientSecret} && kubectl apply -k ${K8S_DIR}`,
      receiveArgs: true,
    },
    {
      name: 'k8s-diff',
      description: `Show what k8s-apply would change (kubectl diff -k ${K8S_DIR}; exits 1 when something differs)`,
      exec: `kubectl diff -k ${K8S_DIR}`,
      receiveArgs: true,
    },
  ];
}

/** What a Postgres upgrade takes on the cluster; the guard's refusal prints it. */
function upgradeSteps(model: StackModel): string {
  const kubectl = `kubectl -n ${model.kubernetes.namespace}`;
  const pod = `${SERVICES.postgres}-0`;
  return `(1) with the current declaration applied, ${kubectl} exec ${pod} -- pg_dump -U ${NETBOX_DB} -Fc ${NETBOX_DB} > netbox.pgdump; `
    + `(2) ${kubectl} delete statefulset ${SERVICES.postgres}, then, after checking the dump, ${kubectl} delete pvc ${POSTGRES_CLAIM}-${pod}; `
    + '(3) set the new netboxVersion and allowPostgresUpgrade: true, then npx projen and npx projen k8s-apply; '
    + `(4) ${kubectl} exec -i ${pod} -- pg_restore -U ${NETBOX_DB} -d ${NETBOX_DB} --clean --if-exists < netbox.pgdump; `
    + '(5) remove allowPostgresUpgrade. Or keep the previous netboxVersion.';
}

/**
 * Kubernetes: a kustomize directory of plain manifests derived from the same model and compose
 * services (each container mirrors its compose service), the secrets env file its generator
 * reads, the kubectl tasks and the runbook section. On with `kubernetes: true`.
 */
export const kubernetesTarget: DeploymentTarget = {
  id: 'kubernetes',
  plan(model, shared, p) {
    if (!model.kubernetes.enabled) return undefined;
    if (model.pomerium.port === POMERIUM_HEALTH_PORT) {
      p.add('pomeriumPort', 'is the port of Pomerium\'s health endpoints on Kubernetes', model.pomerium.port,
        `Choose another port; ${POMERIUM_HEALTH_PORT} serves /readyz and /startupz for the kubelet.`);
    }
    const manifests = renderManifests(model, shared.compose);
    checkKubernetesIsolation(p, model, manifests);
    const statefulSet = manifests.find((m) => m.object.kind === 'StatefulSet' && m.object.metadata?.name === SERVICES.postgres)!;
    return {
      files: [
        { path: K8S_FILES.kustomization, format: 'yaml', content: renderKustomization(model, manifests) },
        ...manifests.map((m) => ({ path: m.path, format: 'yaml' as const, content: m.object })),
        { path: K8S_FILES.secrets, format: 'write-once-secrets', content: model.secrets },
      ],
      tasks: kubernetesTasks(),
      runbook: kubernetesRunbookSection(model, manifests),
      postgresGuard: { file: statefulSet.path, layout: postgresLayoutOf(statefulSet.object)!, upgradeSteps: upgradeSteps(model) },
    };
  },
};
