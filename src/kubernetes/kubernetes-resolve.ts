import type { KubernetesModel } from '../model/deployment-model';
import type { DeclarationProblems } from '../model/problems';
import type { NetboxPomeriumProjectOptions } from '../netbox-pomerium-options';

/** Defaults of `kubernetesOptions` (each option's `@default` documents the same value). */
export const KUBERNETES_DEFAULTS = {
  traefikNamespace: 'traefik',
  traefikPodLabels: { 'app.kubernetes.io/name': 'traefik' },
  postgresStorageSize: '10Gi',
  redisStorageSize: '1Gi',
  mediaStorageSize: '5Gi',
  scriptsStorageSize: '1Gi',
  replicas: 1,
} as const;

/** RFC 1123 label: names of namespaces and Services (63 characters at most). */
const DNS_LABEL_RE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** RFC 1123 subdomain: names of storage classes. */
const DNS_SUBDOMAIN_RE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** A binary or decimal storage quantity such as 10Gi or 500M. */
const QUANTITY_RE = /^[1-9][0-9]*(\.[0-9]+)?(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$/;
/** Label keys (optional DNS prefix) and values. */
const LABEL_KEY_RE = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const LABEL_VALUE_RE = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;

/**
 * Validates `kubernetesOptions` (always, so a typo is reported before `kubernetes` is turned on)
 * and applies the defaults. The replica rules that follow from storage and sessions are refused
 * here, with the reason.
 */
export function resolveKubernetes(p: DeclarationProblems, options: NetboxPomeriumProjectOptions, projectName: string,
  warnings: string[]): KubernetesModel {
  const o = options.kubernetesOptions ?? {};
  const at = (name: string) => `kubernetesOptions.${name}`;
  if (options.kubernetesOptions !== undefined && !options.kubernetes) {
    warnings.push('kubernetesOptions has no effect while kubernetes is off. Set kubernetes: true to emit k8s/.');
  }

  const namespace = o.namespace ?? projectName;
  // A project name that is no namespace name matters only once the manifests are emitted.
  const checkNamespace = o.namespace !== undefined || options.kubernetes === true;
  if (checkNamespace && (typeof namespace !== 'string' || namespace.length > 63 || !DNS_LABEL_RE.test(namespace))) {
    p.add(o.namespace === undefined ? 'name' : at('namespace'), 'is not a Kubernetes namespace name', namespace,
      `Use at most 63 lower-case letters, digits and inner "-"${o.namespace === undefined ? ', or set kubernetesOptions.namespace' : ''}.`);
  }
  const traefikNamespace = o.traefikNamespace ?? KUBERNETES_DEFAULTS.traefikNamespace;
  if (typeof traefikNamespace !== 'string' || traefikNamespace.length > 63 || !DNS_LABEL_RE.test(traefikNamespace)) {
    p.add(at('traefikNamespace'), 'is not a Kubernetes namespace name', traefikNamespace,
      'Use the namespace Traefik runs in (`kubectl get pods -A -l app.kubernetes.io/name=traefik`).');
  }
  const traefikPodLabels = o.traefikPodLabels ?? KUBERNETES_DEFAULTS.traefikPodLabels;
  if (Object.keys(traefikPodLabels).length === 0) {
    p.add(at('traefikPodLabels'), 'is empty, which would let every pod of the Traefik namespace reach Pomerium', traefikPodLabels,
      'Name the labels of the Traefik pods, e.g. { "app.kubernetes.io/name": "traefik" }.');
  }
  for (const [key, value] of Object.entries(traefikPodLabels)) {
    if (!LABEL_KEY_RE.test(key) || typeof value !== 'string' || !LABEL_VALUE_RE.test(value)) {
      p.add(`${at('traefikPodLabels')}["${key}"]`, 'is not a Kubernetes label', value,
        'Use a label key such as "app.kubernetes.io/name" and a value of letters, digits, "-", "_" and ".".');
    }
  }

  for (const name of ['storageClass', 'readWriteManyStorageClass'] as const) {
    const value = o[name];
    if (value !== undefined && (typeof value !== 'string' || value.length > 253 || !DNS_SUBDOMAIN_RE.test(value))) {
      p.add(at(name), 'is not a storage class name', value, 'Use a name `kubectl get storageclass` lists.');
    }
  }
  const sizes = {
    postgres: o.postgresStorageSize ?? KUBERNETES_DEFAULTS.postgresStorageSize,
    redis: o.redisStorageSize ?? KUBERNETES_DEFAULTS.redisStorageSize,
    media: o.mediaStorageSize ?? KUBERNETES_DEFAULTS.mediaStorageSize,
    scripts: o.scriptsStorageSize ?? KUBERNETES_DEFAULTS.scriptsStorageSize,
  };
  for (const [name, value] of [['postgresStorageSize', sizes.postgres], ['redisStorageSize', sizes.redis],
    ['mediaStorageSize', sizes.media], ['scriptsStorageSize', sizes.scripts]] as const) {
    if (typeof value !== 'string' || !QUANTITY_RE.test(value)) {
      p.add(at(name), 'is not a storage size', value, 'Use a Kubernetes quantity such as "10Gi" or "500Mi".');
    }
  }

  const replicas = {
    netbox: replicaCount(p, at('netboxReplicas'), o.netboxReplicas),
    worker: replicaCount(p, at('workerReplicas'), o.workerReplicas),
    pomerium: replicaCount(p, at('pomeriumReplicas'), o.pomeriumReplicas),
  };
  // ReadWriteOnce volumes attach to one node: every pod that mounts the NetBox files must run there.
  if (o.readWriteManyStorageClass === undefined) {
    for (const [name, count] of [['netboxReplicas', replicas.netbox], ['workerReplicas', replicas.worker]] as const) {
      if (count > 1) {
        p.add(at(name), 'needs the NetBox media, reports and scripts volumes on several nodes, which a ReadWriteOnce volume '
          + 'cannot do', count, 'Set kubernetesOptions.readWriteManyStorageClass to a storage class with ReadWriteMany volumes '
          + '(NFS, CephFS, ...), or use 1 replica.');
      }
    }
  }

  return {
    enabled: options.kubernetes ?? false,
    namespace,
    traefikNamespace,
    traefikPodLabels: { ...traefikPodLabels },
    storageClass: o.storageClass,
    readWriteManyStorageClass: o.readWriteManyStorageClass,
    sizes,
    replicas,
    // Pomerium keeps sessions per process; several replicas share them through the databroker.
    sharedSessions: replicas.pomerium > 1,
  };
}

function replicaCount(p: DeclarationProblems, path: string, value: number | undefined): number {
  const count = value ?? KUBERNETES_DEFAULTS.replicas;
  if (!Number.isInteger(count) || count < 1) {
    p.add(path, 'is not a replica count', value, 'Use a whole number of 1 or more (leave it out for 1).');
    return KUBERNETES_DEFAULTS.replicas;
  }
  return count;
}
