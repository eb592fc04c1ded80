import { TraefikProvider } from './traefik-provider';
import type { StackModel } from '../model/deployment-model';
import { JWT_ASSERTION_HEADER } from '../model/identity-headers';

/**
 * The Traefik labels of the Pomerium service: one router per public host (NetBox, the
 * authenticate host, each protected app), all pointing at Pomerium's port.
 *
 * Each router strips the identity headers NetBox trusts from client requests before they reach
 * Pomerium: Pomerium overwrites the configured ones anyway, this is a second layer.
 */
export function renderTraefikLabels(model: StackModel): Record<string, string> {
  const service = model.routes[0].routerName;
  const stripMiddleware = `${service}-strip-identity-headers`;
  const labels: Record<string, string> = {
    'traefik.enable': 'true',
    // Docker provider names; the Swarm stack renames them (render-stack's providerKey).
    [`traefik.${TraefikProvider.DOCKER}.network`]: model.traefik.network,
    [`traefik.http.services.${service}.loadbalancer.server.port`]: String(model.pomerium.port),
  };
  for (const header of Object.values(model.identity.claimHeaders)) {
    labels[`traefik.http.middlewares.${stripMiddleware}.headers.customrequestheaders.${header}`] = '';
  }
  labels[`traefik.http.middlewares.${stripMiddleware}.headers.customrequestheaders.${JWT_ASSERTION_HEADER}`] = '';

  const hostsByRouter = new Map<string, string[]>();
  for (const route of model.routes) hostsByRouter.set(route.routerName, [route.host]);
  // The authenticate host (IdP callback, sign-in pages) reaches Pomerium through NetBox's router.
  hostsByRouter.get(service)!.push(model.authenticateHost);

  for (const [router, hosts] of hostsByRouter) {
    const prefix = `traefik.http.routers.${router}`;
    labels[`${prefix}.rule`] = hosts.map(hostRule).join(' || ');
    labels[`${prefix}.entrypoints`] = model.traefik.entrypoint;
    labels[`${prefix}.tls.certresolver`] = model.traefik.certResolver;
    labels[`${prefix}.service`] = service;
    labels[`${prefix}.middlewares`] = stripMiddleware;
  }
  return sortKeys(labels);
}

/** A Traefik v2/v3 host matcher. Host names are validated, so no backtick can reach the rule. */
export function hostRule(host: string): string {
  return `Host(\`${host}\`)`;
}

export function sortKeys<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
