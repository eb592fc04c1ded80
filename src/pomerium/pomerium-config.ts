import { upstreamUrl } from './upstream';
import { renderApiPomeriumSettings, renderApiRoutes } from '../api/api-routes';
import type { StackModel } from '../model/deployment-model';

/** Where the generated config is mounted; the image's default arguments read this path. */
export const POMERIUM_CONFIG_PATH = '/pomerium/config.yaml';

/**
 * Pomerium's config.yaml (all-in-one, behind Traefik). It holds no secret: the cookie secret,
 * shared secret and IdP client secret reach the container as environment variables from `.env`.
 *
 * We mount a config file instead of the seed's base64 `ROUTES` variable: it is readable in a
 * review, diffs line by line, and allows the map form of `jwt_claims_headers`, which lets us pick
 * dash-only header names.
 *
 * `upstreamHost` names the host of each route's upstream from its service name (Compose: the
 * service name itself; Kubernetes: the Service's cluster DNS name).
 */
export function renderPomeriumConfig(model: StackModel, upstreamHost: (service: string) => string = (service) => service): Record<string, unknown> {
  return {
    // Traefik terminates TLS; Pomerium speaks plain HTTP on an explicit port (its default is :443
    // even with insecure_server).
    address: `:${model.pomerium.port}`,
    insecure_server: true,
    // Trust the one proxy in front (Traefik) so X-Forwarded-Proto stays https for NetBox.
    xff_num_trusted_hops: 1,
    authenticate_service_url: model.authenticateUrl,
    idp_provider: model.idp.provider,
    ...(model.idp.providerUrl ? { idp_provider_url: model.idp.providerUrl } : {}),
    idp_client_id: model.idp.clientId,
    // A private CA for the IdP's certificate; it adds to the system's trust store.
    ...(model.egress.idpCa ? { certificate_authority_file: model.egress.idpCa.mount } : {}),
    jwt_claims_headers: invert(model.identity.claimHeaders),
    ...renderApiPomeriumSettings(model),
    // Pomerium matches file-configured routes in order: the token paths come before NetBox's catch-all.
    routes: [...renderApiRoutes(model, upstreamHost), ...model.routes.map((route) => ({
      from: route.from,
      to: upstreamUrl(route, upstreamHost),
      pass_identity_headers: route.passIdentityHeaders,
      preserve_host_header: true,
      policy: route.policy,
    }))],
  };
}

/** `jwt_claims_headers` map form: header name → claim. */
function invert(claimToHeader: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(claimToHeader).map(([claim, header]) => [header, claim]));
}
