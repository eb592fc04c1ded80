import { K8S_DIR, K8S_FILES } from './k8s-names';
import type { K8sManifest } from './k8s-objects';
import { podTemplates } from './kubernetes-checks';
import type { StackModel } from '../model/deployment-model';
import { SECRET_NAMES } from '../secrets/secret-specs';

/**
 * The Kubernetes section of the runbook, for a deployment with `kubernetes` on. Names, namespace,
 * replicas and storage are read from the model and the rendered manifests.
 */
export function kubernetesRunbookSection(model: StackModel, manifests: readonly K8sManifest[]): string[] {
  const k = model.kubernetes;
  const code = (s: string) => `\`${s}\``;
  const workloads = podTemplates(manifests.map((m) => m.object));
  const replicasOf = (name: string) => (manifests.find((m) => m.object.metadata?.name === name && m.object.kind === workloadKind(workloads, name))
    ?.object as any)?.spec?.replicas ?? 1;
  const traefikLabels = Object.entries(k.traefikPodLabels).map(([key, v]) => `${key}=${v}`).join(',');
  return [
    '## Kubernetes',
    '',
    `${code(`${K8S_DIR}/`)} is a kustomize directory with the same services as ${code('compose.yaml')}, in the namespace ${code(k.namespace)}.`,
    'It is generated from the same declaration: edit `.projenrc.ts`, run `npx projen`, apply again.',
    '',
    '### Before the first apply',
    '',
    `1. Traefik runs in the namespace ${code(k.traefikNamespace)} with the kubernetesCRD provider (\`traefik.io/v1alpha1\`), the entrypoint `
      + `${code(model.traefik.entrypoint)} and the certificate resolver ${code(model.traefik.certResolver)}. Its pods carry ${code(traefikLabels)} `
      + '(`kubernetesOptions.traefikNamespace` and `traefikPodLabels` otherwise); they are the only pods that may reach Pomerium.',
    '2. The cluster\'s network plugin enforces NetworkPolicies (Calico, Cilium, ...); without that the policies are ignored and '
      + 'NetBox is reachable from any pod. '
      + (model.egress.members.length > 0
        ? `${model.egress.members.map(code).join(' and ')} may open connections to any address (webhooks, e-mail, data sources), as on Compose's egress network; set \`isolated: true\` to close that.`
        : 'NetBox is isolated (`isolated: true`): none of its pods may open a connection out of the namespace.'),
    `3. Storage: ${k.storageClass ? `the storage class ${code(k.storageClass)}` : 'the cluster\'s default storage class'} for Postgres and Redis; `
      + (k.readWriteManyStorageClass
        ? `${code(k.readWriteManyStorageClass)} (ReadWriteMany) for NetBox's files.`
        : 'NetBox\'s files are ReadWriteOnce, so the worker runs on the node of the NetBox web pod.'),
    `4. ${code(K8S_FILES.secrets)} is git-ignored and holds every secret (\`npx projen\` created them and never changes them). Paste `
      + `${code(`${SECRET_NAMES.idpClientSecret}=<value>`)} into it (no quotes). Keep a backup: the passwords also live in the volumes.`,
    '',
    '### Apply, check',
    '',
    `- \`npx projen k8s-diff\` shows what would change; \`npx projen k8s-apply\` runs \`kubectl apply -k ${K8S_DIR}\` against the current context.`,
    `- \`kubectl -n ${k.namespace} get pods\`: NetBox's first start runs every migration (up to 20 minutes before it is ready).`,
    '- The Secret is named after a digest of its values: a changed value creates a new Secret at the next apply and the pods roll over to it.',
    '',
    '| Workload | Kind | Replicas |',
    '|---|---|---|',
    ...workloads.map((w) => `| ${w.name} | ${w.kind} | ${replicasOf(w.name)} |`),
    ...(k.sharedSessions ? ['', `Pomerium runs ${k.replicas.pomerium} replicas and keeps its sessions in Postgres (databroker storage), so every replica knows every session.`] : []),
  ];
}

function workloadKind(workloads: ReadonlyArray<{ name: string; kind: string }>, name: string): string | undefined {
  return workloads.find((w) => w.name === name)?.kind;
}
