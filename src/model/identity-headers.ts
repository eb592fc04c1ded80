/**
 * Header names Pomerium sets for JWT claims, and the Django META keys NetBox reads them from.
 *
 * Pomerium's list form would name the header `x-pomerium-claim-<claim>` verbatim, so `given_name`
 * keeps its underscore, and gunicorn >= 22 and nginx silently drop headers with underscores. We
 * always use the map form with a dash-only name instead.
 */
export function claimHeader(claim: string): string {
  const words = claim.split(/[^A-Za-z0-9]+/).filter((w) => w.length > 0);
  return ['X', 'Pomerium', 'Claim', ...words].map((w) => w.charAt(0).toUpperCase() + w.slice(1).toLowerCase()).join('-');
}

/** Django's META key for a request header: upper case, dashes to underscores, `HTTP_` prefix. */
export function metaKey(header: string): string {
  return `HTTP_${header.toUpperCase().replace(/-/g, '_')}`;
}

/** The signed identity JWT Pomerium sends upstream with `pass_identity_headers`. */
export const JWT_ASSERTION_HEADER = 'X-Pomerium-Jwt-Assertion';
