import type { ObjectMeta } from 'kubernetes-types/meta/v1';
import type { StackModel } from '../model/deployment-model';

/** The kustomize directory and the files in it that are not manifests. */
export const K8S_DIR = 'k8s';
export const K8S_FILES = {
  kustomization: `${K8S_DIR}/kustomization.yaml`,
  /** Git-ignored, written once: the secretGenerator reads it (kustomize refuses files outside the directory). */
  secrets: `${K8S_DIR}/secrets.env`,
} as const;

/** The Secret the kustomize secretGenerator makes from `secrets.env` (its name gets a content hash suffix). */
export const K8S_SECRET = 'stack-secrets';
/** Environment of NetBox (web, worker, housekeeping), without secrets. */
export const NETBOX_ENV_CONFIGMAP = 'netbox-env';
export const NETBOX_EXTRA_CONFIGMAP = 'netbox-extra-config';
export const POMERIUM_CONFIGMAP = 'pomerium-config';
/** Pomerium serves its health endpoints here once `health_check_addr` is set (default 127.0.0.1 only). */
export const POMERIUM_HEALTH_PORT = 28080;
/** Annotation holding a digest of the configuration a pod reads, so a change rolls the pods. */
export const CONFIG_DIGEST_ANNOTATION = 'netbox-pomerium.io/config-digest';

/** What a pod does; the network policies select by it. */
export enum PodRole {
  /** Pomerium: the only pod Traefik reaches. */
  PROXY = 'proxy',
  /** NetBox web, worker and housekeeping: NetBox's code, which reads the identity settings and the data services. */
  NETBOX = 'netbox',
  /** Postgres and both Redis/Valkey. */
  DATA = 'data',
  /** A protected app behind Pomerium. */
  APP = 'app',
}

export const LABELS = {
  name: 'app.kubernetes.io/name',
  component: 'app.kubernetes.io/component',
  partOf: 'app.kubernetes.io/part-of',
  managedBy: 'app.kubernetes.io/managed-by',
} as const;

/** The labels that select one workload's pods (a Service, a policy, the workload's own selector). */
export function selectorLabels(workload: string): Record<string, string> {
  return { [LABELS.name]: workload };
}

/** Pod labels: the selector labels plus the role the network policies select by. */
export function podLabels(model: StackModel, workload: string, role: PodRole): Record<string, string> {
  return { ...selectorLabels(workload), [LABELS.component]: role, [LABELS.partOf]: model.projectName };
}

/** Metadata of an object in the deployment's namespace. */
export function meta(model: StackModel, name: string, labels: Record<string, string> = {}): ObjectMeta {
  return { name, namespace: model.kubernetes.namespace, labels: { ...labels, [LABELS.partOf]: model.projectName, [LABELS.managedBy]: 'projen' } };
}

/** A Service's in-cluster DNS name. */
export function serviceDns(model: StackModel, service: string): string {
  return `${service}.${model.kubernetes.namespace}.svc.cluster.local`;
}
