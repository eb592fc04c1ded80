import type { Namespace } from 'kubernetes-types/core/v1';
import { K8S_DIR, K8S_FILES, K8S_SECRET, meta } from './k8s-names';
import type { K8sManifest } from './k8s-objects';
import { renderIngress } from './render-ingress';
import { renderNetworkPolicies } from './render-network-policies';
import { renderPomerium } from './render-pomerium';
import { renderApps, renderNetbox, renderPostgres, renderRedis } from './render-workloads';
import type { ComposeObject } from '../compose/render-compose';
import type { StackModel } from '../model/deployment-model';

/** Every manifest of the Kubernetes target, the Namespace first. */
export function renderManifests(model: StackModel, compose: ComposeObject): K8sManifest[] {
  const { namespace: name } = model.kubernetes;
  const namespace: Namespace = { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: meta(model, name).labels } };
  return [
    { path: `${K8S_DIR}/namespace.yaml`, object: namespace },
    ...renderNetbox(model, compose),
    ...renderPostgres(model, compose),
    ...renderRedis(model, compose),
    ...renderPomerium(model, compose),
    ...renderApps(model, compose),
    ...renderIngress(model),
    ...renderNetworkPolicies(model),
  ];
}

/**
 * k8s/kustomization.yaml: the manifests, the namespace, and one Secret generated from the
 * git-ignored secrets file. The generator appends a digest of the values to the Secret's name and
 * rewrites every reference, so a rotated secret rolls the pods that read it.
 */
export function renderKustomization(model: StackModel, manifests: readonly K8sManifest[]): Record<string, unknown> {
  const relative = (p: string) => p.slice(K8S_DIR.length + 1);
  return {
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    namespace: model.kubernetes.namespace,
    resources: manifests.map((m) => relative(m.path)),
    // `env` (one file), not `envs`: the kustomize inside Debian's kubectl 1.20 knows only `env`; kustomize 5 reads both.
    secretGenerator: [{ name: K8S_SECRET, env: relative(K8S_FILES.secrets) }],
  };
}
