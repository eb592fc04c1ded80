import { keyValueMap } from '../compose/compose-shape';
import type { DeclarationProblems } from '../model/problems';
import { compareVersions } from '../model/versions';

/**
 * Pomerium rejects request headers with underscores from v0.33.0 on (`headers_with_underscores_action`,
 * default REJECT_REQUEST; pomerium#6398). netbox-docker >= 4.0.0 serves NetBox with Granian, which
 * maps `X_Pomerium_Claim_Email` to the same WSGI key as `X-Pomerium-Claim-Email`, while Pomerium's
 * header overwrite and Traefik's strip only match the dashed name.
 */
export const MIN_POMERIUM_VERSION: readonly [number, number, number] = [0, 33, 0];

const IMPERSONATION = 'A client could then send the identity header with underscores instead of dashes '
  + '(X_Pomerium_Claim_Email), which passes Pomerium and Traefik untouched and which NetBox\'s web server reads as the '
  + 'real header: anyone could log in as anyone.';

/** The Pomerium version an image reference names by its tag, or undefined when the tag does not tell it. */
export function pomeriumImageVersion(image: string): { version: [number, number, number]; prerelease: boolean } | undefined {
  // [registry/]path:tag[@digest]; the tag follows the last ':' after the last '/'.
  const withoutDigest = String(image).split('@')[0];
  const lastSegment = withoutDigest.slice(withoutDigest.lastIndexOf('/') + 1);
  const colon = lastSegment.indexOf(':');
  if (colon < 0) return undefined;
  const m = /^v?(\d+)\.(\d+)\.(\d+)(-[A-Za-z0-9.-]+)?$/.exec(lastSegment.slice(colon + 1));
  if (!m) return undefined;
  return { version: [Number(m[1]), Number(m[2]), Number(m[3])], prerelease: /^-(rc|alpha|beta|pre|dev)/i.test(m[4] ?? '') };
}

/** Refuses a Pomerium image older than v0.33.0, or one whose tag does not tell its version. */
export function checkPomeriumImageVersion(p: DeclarationProblems, path: string, image: string): boolean {
  const parsed = pomeriumImageVersion(image);
  const min = MIN_POMERIUM_VERSION.join('.');
  if (parsed === undefined) {
    p.add(path, `does not tell its Pomerium version, which must be v${min} or newer`, image,
      `Pomerium rejects headers with underscores only from v${min}. ${IMPERSONATION} Name the version in the tag, `
      + 'optionally with the digest: "pomerium/pomerium:v0.33.1" or "pomerium/pomerium:v0.33.1@sha256:<digest>".');
    return false;
  }
  const cmp = compareVersions(parsed.version, MIN_POMERIUM_VERSION);
  if (cmp < 0 || (cmp === 0 && parsed.prerelease)) {
    p.add(path, `is older than Pomerium v${min}`, image,
      `Pomerium rejects headers with underscores only from v${min}. ${IMPERSONATION} Use "pomerium/pomerium:v0.33.1" or newer.`);
    return false;
  }
  return true;
}

/** Values of `headers_with_underscores_action` that keep underscore headers away from NetBox. */
const SAFE_UNDERSCORE_ACTIONS = ['reject_request', 'drop_header', 'headers_with_underscores_action_reject_request',
  'headers_with_underscores_action_drop_header'];

/**
 * Refuses a Pomerium environment (after `composeOverrides`) that lets headers with underscores
 * through: `HEADERS_WITH_UNDERSCORES_ACTION` other than reject_request or drop_header (Pomerium
 * maps unknown and empty values to ALLOW).
 */
export function checkUnderscoreHeaders(p: DeclarationProblems, pomeriumService: string, environment: unknown): void {
  const env = keyValueMap(environment);
  for (const [name, value] of Object.entries(env)) {
    if (name.toUpperCase() !== 'HEADERS_WITH_UNDERSCORES_ACTION') continue;
    if (SAFE_UNDERSCORE_ACTIONS.includes(String(value ?? '').toLowerCase())) continue;
    p.add(`composeOverrides["services.${pomeriumService}.environment.${name}"]`, 'lets request headers with underscores through Pomerium',
      value, `${IMPERSONATION} Remove it (Pomerium's default rejects such requests), or set "reject_request" or "drop_header".`);
  }
}
