import { isIP } from 'net';

/**
 * A small model of how Pomerium (v0.33, file-configured routes) answers a request, for tests:
 * routes become Envoy routes in the order listed and the first match answers
 * (pomerium config/envoyconfig/routes.go: the host of `from`, then `regex` (full match), else
 * `path` (exact), else `prefix`, else every path). Written from Pomerium's source, not from the
 * code under test.
 */

export interface RouteAnswer {
  /** Index of the answering route in `routes`, or -1 when none matches (Pomerium answers 404). */
  readonly index: number;
  readonly route?: any;
  /** What the route does: proxy to `to`, a direct `response`, or a `redirect`. */
  readonly kind: 'upstream' | 'response' | 'redirect' | 'none';
  /** The direct response's status, for kind "response". */
  readonly status?: number;
  /** Whether a client without a Pomerium session is sent to the login instead of being let through. */
  readonly loginNeeded: boolean;
  /** Whether Pomerium sends the identity headers (claim headers, JWT) upstream on this route. */
  readonly identityHeaders: boolean;
}

/** The route that answers `url` from `clientIp`, and what it means for a client without a login. */
export function answer(config: any, url: string, clientIp = '198.51.100.7'): RouteAnswer {
  const { hostname, pathname } = new URL(url);
  const routes: any[] = config.routes ?? [];
  const index = routes.findIndex((r) => new URL(r.from).hostname.toLowerCase() === hostname.toLowerCase() && pathMatches(r, pathname));
  if (index < 0) return { index, kind: 'none', loginNeeded: false, identityHeaders: false };
  const route = routes[index];
  const kind = route.response ? 'response' : route.redirect ? 'redirect' : 'upstream';
  return {
    index,
    route,
    kind,
    status: route.response?.status,
    loginNeeded: !route.allow_public_unauthenticated_access && !allowsAnonymous(route.policy ?? [], clientIp),
    identityHeaders: kind === 'upstream' && (route.pass_identity_headers ?? config.pass_identity_headers ?? false) === true,
  };
}

function pathMatches(route: any, path: string): boolean {
  if (route.regex) return new RegExp(`^(?:${route.regex})$`).test(path);
  if (route.path) return path === route.path;
  if (route.prefix) return path.startsWith(route.prefix);
  return true;
}

/**
 * Whether the PPL lets a request without a session in: some allow rule holds using only what an
 * anonymous request has (its address), and no deny rule does. Criteria about the user never hold.
 */
function allowsAnonymous(policy: any[], ip: string): boolean {
  const holds = (rule: any): boolean => {
    const [op, children] = Object.entries(rule)[0] as [string, any[]];
    const results = (children ?? []).map(criterionHolds);
    switch (op) {
      case 'and': return results.every(Boolean);
      case 'or': return results.some(Boolean);
      // PPL: `not` = none holds, `nor` = not all hold.
      case 'not': return !results.some(Boolean);
      case 'nor': return !results.every(Boolean);
      default: return criterionHolds(rule);
    }
  };
  const criterionHolds = (c: any): boolean => {
    const [key, value] = Object.entries(c)[0];
    if (key === 'accept') return value === true;
    if (key === 'source_ip') return (Array.isArray(value) ? value : [value]).some((r: string) => inRange(ip, r));
    return false;
  };
  const allow = policy.filter((r) => r.allow).some((r) => holds(r.allow));
  const deny = policy.filter((r) => r.deny).some((r) => holds(r.deny));
  return allow && !deny;
}

/** Whether an IPv4 address lies in an IPv4 address or CIDR range (IPv6 ranges never hold here). */
export function inRange(ip: string, range: string): boolean {
  const [base, bits = '32'] = range.split('/');
  if (isIP(ip) !== 4 || isIP(base) !== 4) return false;
  // The addresses as 32-character bit strings; the range holds when the first `bits` characters agree.
  const toBits = (a: string) => a.split('.').map((o) => Number(o).toString(2).padStart(8, '0')).join('');
  return toBits(ip).slice(0, Number(bits)) === toBits(base).slice(0, Number(bits));
}

/**
 * The request headers that reach the upstream after Traefik and Pomerium, for a client request
 * with `headers` on a route that `answer` found (a logged-in user's `claims` on login routes).
 * - Traefik's header middleware deletes every header the router's middlewares set to "".
 * - Pomerium (>= v0.33.0) rejects requests with an underscore in a header name.
 * - On a route with identity headers, Pomerium overwrites every `jwt_claims_headers` header with the
 *   claim (empty when missing); otherwise it removes them and the JWT assertion. `remove_request_headers`
 *   is removed on every route.
 * Header names are compared case-insensitively, as HTTP does.
 */
export function upstreamHeaders(config: any, traefikStripped: readonly string[], route: RouteAnswer,
  headers: Record<string, string>, claims: Record<string, string> = {}): Record<string, string> | 'rejected' {
  if (Object.keys(headers).some((h) => h.includes('_'))) return 'rejected';
  const lower = (h: string) => h.toLowerCase();
  const stripped = new Set(traefikStripped.map(lower));
  const out = new Map<string, [string, string]>();
  for (const [name, value] of Object.entries(headers)) if (!stripped.has(lower(name))) out.set(lower(name), [name, value]);
  const claimHeaders: Record<string, string> = config.jwt_claims_headers ?? {};
  if (route.identityHeaders) {
    for (const [header, claim] of Object.entries(claimHeaders)) out.set(lower(header), [header, claims[claim] ?? '']);
  } else {
    for (const header of [...Object.keys(claimHeaders), 'x-pomerium-jwt-assertion', 'x-pomerium-jwt-assertion-for']) out.delete(lower(header));
  }
  for (const header of route.route?.remove_request_headers ?? []) out.delete(lower(header));
  return Object.fromEntries([...out.values()]);
}

/** The headers a Traefik router's middlewares delete (header middleware entries set to ""). */
export function traefikStrippedHeaders(labels: Record<string, string>, router: string): string[] {
  const middlewares = String(labels[`traefik.http.routers.${router}.middlewares`] ?? '').split(',').map((m) => m.trim()).filter(Boolean);
  const stripped: string[] = [];
  for (const m of middlewares) {
    const prefix = `traefik.http.middlewares.${m}.headers.customrequestheaders.`;
    for (const [key, value] of Object.entries(labels)) if (key.startsWith(prefix) && value === '') stripped.push(key.slice(prefix.length));
  }
  return stripped;
}

/** Django's request.META for the headers a WSGI server (Granian) builds: `HTTP_` + upper case, `-` → `_`. */
export function wsgiMeta(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([h, v]) => [`HTTP_${h.toUpperCase().replace(/-/g, '_')}`, v]));
}
