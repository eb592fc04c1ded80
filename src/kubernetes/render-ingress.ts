import { meta } from './k8s-names';
import { K8sManifest, manifest, TraefikIngressRoute, TraefikMiddleware } from './k8s-objects';
import type { StackModel } from '../model/deployment-model';
import { SERVICES } from '../model/stack-names';
import { hostRule, renderTraefikLabels } from '../traefik/traefik-labels';

/**
 * The identity headers Traefik empties before a request reaches Pomerium: exactly the ones the
 * Compose router's middleware strips, read from those labels so the two cannot differ.
 */
export function strippedIdentityHeaders(model: StackModel): string[] {
  return Object.keys(renderTraefikLabels(model))
    .map((label) => /^traefik\.http\.middlewares\.[^.]+\.headers\.customrequestheaders\.(.+)$/.exec(label)?.[1])
    .filter((h): h is string => h !== undefined);
}

/**
 * Traefik (kubernetesCRD provider): one IngressRoute whose routes send NetBox's and the
 * authenticate host, and each app's host, to the Pomerium Service only, through a Middleware in
 * the same namespace that empties the identity headers.
 */
export function renderIngress(model: StackModel): K8sManifest[] {
  const base = model.routes[0].routerName;
  const middlewareName = `${base}-strip-identity-headers`;
  const middleware: TraefikMiddleware = {
    apiVersion: 'traefik.io/v1alpha1',
    kind: 'Middleware',
    metadata: meta(model, middlewareName),
    spec: { headers: { customRequestHeaders: Object.fromEntries(strippedIdentityHeaders(model).map((h) => [h, ''])) } },
  };
  const hostsByRoute = new Map<string, string[]>();
  for (const route of model.routes) hostsByRoute.set(route.routerName, [...(hostsByRoute.get(route.routerName) ?? []), route.host]);
  // The authenticate host (IdP callback, sign-in pages) reaches Pomerium through NetBox's route.
  hostsByRoute.get(base)!.push(model.authenticateHost);
  const ingressRoute: TraefikIngressRoute = {
    apiVersion: 'traefik.io/v1alpha1',
    kind: 'IngressRoute',
    metadata: meta(model, base),
    spec: {
      entryPoints: [model.traefik.entrypoint],
      routes: [...hostsByRoute.values()].map((hosts) => ({
        kind: 'Rule',
        match: hosts.map(hostRule).join(' || '),
        middlewares: [{ name: middlewareName }],
        services: [{ name: SERVICES.pomerium, port: model.pomerium.port }],
      })),
      tls: { certResolver: model.traefik.certResolver },
    },
  };
  return [manifest('traefik', middleware), manifest('traefik', ingressRoute)];
}
