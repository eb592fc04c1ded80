import { goDuration, TOKEN_PATH_PREFIXES, TOKEN_PROVISION_PREFIX } from './api-access';
import { ApiAccess } from './api-access-mode';
import type { StackModel } from '../model/deployment-model';
import { JWT_ASSERTION_HEADER } from '../model/identity-headers';
import { upstreamUrl } from '../pomerium/upstream';

/** The body of the proxy's refusal of token provisioning. */
export const TOKEN_PROVISION_REFUSAL = 'Token provisioning with a password is disabled here: create tokens in NetBox after logging in.';

/**
 * The Pomerium routes of the token paths (ApiAccess.TOKEN), to be listed before NetBox's catch-all
 * route: Pomerium turns file-configured routes into Envoy routes in the order given, and the first
 * match answers. Empty with ApiAccess.LOGIN.
 *
 * - The provisioning endpoint gets a direct 403 for everyone.
 * - `/api/` and `/graphql/` go to NetBox without a login (or, with source ranges, without a login
 *   only from those ranges; other clients get the NetBox policy and its login), never with identity
 *   headers: Pomerium removes the claim headers and the JWT, and `Authorization` passes unchanged
 *   (no `bearer_token_format`, so Pomerium leaves `Bearer nbt_…` to NetBox).
 */
export function renderApiRoutes(model: StackModel, upstreamHost: (service: string) => string): Record<string, unknown>[] {
  const { api } = model;
  if (api.access !== ApiAccess.TOKEN) return [];
  const netbox = model.routes[0];
  // Any allow rule lets a request in (unless a deny rule matches): the ranges without a login, or the NetBox policy.
  // Fresh objects per route, so the YAML writer emits no anchors and aliases.
  const access = () => (api.sourceRanges.length === 0
    ? { allow_public_unauthenticated_access: true }
    : { policy: structuredClone([{ allow: { or: [{ source_ip: [...api.sourceRanges] }] } }, ...netbox.policy]) });
  const identityHeaders = () => [...Object.values(model.identity.claimHeaders), JWT_ASSERTION_HEADER];
  return [
    {
      from: netbox.from,
      prefix: TOKEN_PROVISION_PREFIX,
      response: { status: 403, body: TOKEN_PROVISION_REFUSAL },
      allow_public_unauthenticated_access: true,
    },
    ...TOKEN_PATH_PREFIXES.map((prefix) => ({
      from: netbox.from,
      prefix,
      // The same upstream as NetBox's own route (on Kubernetes, the Service's cluster DNS name).
      to: upstreamUrl(netbox, upstreamHost),
      pass_identity_headers: false,
      remove_request_headers: identityHeaders(),
      preserve_host_header: true,
      timeout: goDuration(api.timeoutSeconds!),
      ...access(),
    })),
  ];
}

/** Pomerium settings the token paths need: the cookie lifetime NetBox's session lifetime follows. */
export function renderApiPomeriumSettings(model: StackModel): Record<string, unknown> {
  return model.api.sessionLifetimeSeconds === undefined ? {} : { cookie_expire: goDuration(model.api.sessionLifetimeSeconds) };
}
