import { isIP } from 'net';
import { ApiAccess } from './api-access-mode';
import type { DeclarationProblems } from '../model/problems';
import type { NetboxPomeriumProjectOptions } from '../netbox-pomerium-options';

/** The API paths that NetBox authenticates itself with ApiAccess.TOKEN (Pomerium `prefix` matches). */
export const TOKEN_PATH_PREFIXES = ['/api/', '/graphql/'] as const;

/**
 * Issues a token for a local user name and password (NetBox's TokenProvisionView): refused at the
 * proxy, or a local account could bypass the IdP. A prefix without the trailing slash, so the
 * slash-less spelling is refused too.
 */
export const TOKEN_PROVISION_PREFIX = '/api/users/tokens/provision';

/**
 * Pomerium's upstream timeout on the token paths. Its default (`default_upstream_timeout`) is
 * 30 s, which large exports (a full `?limit=0`-style page walk, a wide GraphQL query) exceed.
 */
export const TOKEN_PATH_TIMEOUT_SECONDS = 300;

/**
 * How long a login lasts: Pomerium's cookie (`cookie_expire`, its default) and, with token access,
 * NetBox's session (`LOGIN_TIMEOUT`). With ApiAccess.TOKEN a NetBox session reaches `/api/`
 * without Pomerium, so it must not outlive the Pomerium session of a user the IdP removed.
 */
export const SESSION_LIFETIME_SECONDS = 14 * 3600;

/** The API access part of the stack model. */
export interface ApiModel {
  readonly access: ApiAccess;
  /** Client addresses (IP or CIDR) that get token access; empty: every address. */
  readonly sourceRanges: readonly string[];
  /** Set with ApiAccess.TOKEN: Pomerium's cookie lifetime and NetBox's LOGIN_TIMEOUT, in seconds. */
  readonly sessionLifetimeSeconds?: number;
  /** Set with ApiAccess.TOKEN: the upstream timeout of the token paths, in seconds. */
  readonly timeoutSeconds?: number;
}

/** Validates `apiAccess`, `apiSourceRanges` and what they rule out, and returns the model slice. */
export function resolveApiAccess(p: DeclarationProblems, options: NetboxPomeriumProjectOptions): ApiModel {
  const access = options.apiAccess ?? ApiAccess.LOGIN;
  if (!Object.values(ApiAccess).includes(access)) {
    p.add('apiAccess', 'is not an API access mode', access, `Use one of ${Object.keys(ApiAccess).map((k) => `ApiAccess.${k}`).join(', ')}.`);
  }
  const sourceRanges = options.apiSourceRanges ?? [];
  sourceRanges.forEach((range, i) => checkRange(p, `apiSourceRanges[${i}]`, range));
  if (options.apiSourceRanges !== undefined && access !== ApiAccess.TOKEN) {
    p.add('apiSourceRanges', 'has no effect without token access', sourceRanges,
      'Set apiAccess: ApiAccess.TOKEN as well, or remove apiSourceRanges.');
  } else if (options.apiSourceRanges !== undefined && sourceRanges.length === 0) {
    p.add('apiSourceRanges', 'is empty, so no address would get token access', sourceRanges,
      'Name the ranges your automation runs from, e.g. ["10.20.0.0/16"], or remove the option to allow every address.');
  }
  if (access !== ApiAccess.TOKEN) return { access, sourceRanges };

  // A persistent NetBox session is renewed on every request and would outlive the Pomerium session.
  const persistence = options.netboxEnvironment?.LOGIN_PERSISTENCE;
  if (persistence !== undefined && persistence.toLowerCase() === 'true') {
    p.add('netboxEnvironment.LOGIN_PERSISTENCE', 'keeps NetBox sessions alive past the Pomerium session while `/api/` needs no Pomerium login',
      persistence, 'Remove it: with apiAccess: ApiAccess.TOKEN a user removed from the IdP must lose API access when the session ends.');
  }
  return {
    access,
    sourceRanges,
    sessionLifetimeSeconds: SESSION_LIFETIME_SECONDS,
    timeoutSeconds: TOKEN_PATH_TIMEOUT_SECONDS,
  };
}

/** An IP address or CIDR range as Pomerium's `source_ip` parses it (Go's net.ParseIP / ParseCIDR). */
function checkRange(p: DeclarationProblems, path: string, range: string): boolean {
  const [address, prefix, ...rest] = String(range).split('/');
  const family = isIP(address);
  const bits = family === 4 ? 32 : 128;
  if (family !== 0 && rest.length === 0 && (prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= bits))) return true;
  p.add(path, 'is not an IP address or CIDR range', range, 'Use e.g. "10.20.0.0/16", "192.0.2.7" or "2001:db8::/32".');
  return false;
}

/** A duration as Pomerium reads it (Go's time.ParseDuration): whole hours as `14h`, else seconds. */
export function goDuration(seconds: number): string {
  return seconds % 3600 === 0 ? `${seconds / 3600}h` : `${seconds}s`;
}
