import type { ObjectMeta } from 'kubernetes-types/meta/v1';

/** A manifest: one Kubernetes object and the file under `k8s/` that holds it. */
export interface K8sManifest {
  /** Relative to the deployment root, e.g. `k8s/netbox/deployment-netbox.yaml`. */
  readonly path: string;
  readonly object: K8sObject;
}

/** The fields every object has; the renderers type the rest with kubernetes-types. */
export interface K8sObject {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly metadata?: ObjectMeta;
}

/** Traefik's CRDs (traefik.io/v1alpha1), the fields we emit. kubernetes-types has no CRDs. */
export interface TraefikIngressRoute extends K8sObject {
  readonly apiVersion: 'traefik.io/v1alpha1';
  readonly kind: 'IngressRoute';
  readonly spec: {
    readonly entryPoints: string[];
    readonly routes: Array<{
      readonly kind: 'Rule';
      readonly match: string;
      readonly middlewares: Array<{ readonly name: string }>;
      readonly services: Array<{ readonly name: string; readonly port: number }>;
    }>;
    readonly tls: { readonly certResolver: string };
  };
}

export interface TraefikMiddleware extends K8sObject {
  readonly apiVersion: 'traefik.io/v1alpha1';
  readonly kind: 'Middleware';
  readonly spec: { readonly headers: { readonly customRequestHeaders: Record<string, string> } };
}

/** The manifest file of an object: `k8s/<group>/<kind>-<name>.yaml`. */
export function manifest(group: string, object: K8sObject): K8sManifest {
  return { path: `k8s/${group}/${object.kind!.toLowerCase()}-${object.metadata!.name}.yaml`, object };
}
