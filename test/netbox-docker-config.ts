import { spawnSync } from 'child_process';

/**
 * A model of how netbox-docker builds NetBox's REMOTE_AUTH_* configuration, for tests: the
 * environment variables its configuration.py reads (stack-facts §1.1, §1.6: the "basic" five
 * before 3.0.0, the full set after), then every extra `*.py` in /etc/netbox/config/, sorted by
 * name, the last one winning (§1.7). Written from the facts, not from the code under test.
 */

/** Read from the environment by every release. Value type: b = bool, l = space-separated list, s = string. */
const BASIC: Record<string, 'b' | 'l' | 's'> = {
  REMOTE_AUTH_ENABLED: 'b',
  REMOTE_AUTH_BACKEND: 'l',
  REMOTE_AUTH_HEADER: 's',
  REMOTE_AUTH_AUTO_CREATE_USER: 'b',
  REMOTE_AUTH_DEFAULT_GROUPS: 'l',
};
/** Read from the environment from netbox-docker 3.0.0. */
const FULL: Record<string, 'b' | 'l' | 's'> = {
  ...BASIC,
  REMOTE_AUTH_AUTO_CREATE_GROUPS: 'b',
  REMOTE_AUTH_GROUP_SYNC_ENABLED: 'b',
  REMOTE_AUTH_GROUP_HEADER: 's',
  REMOTE_AUTH_GROUP_SEPARATOR: 's',
  REMOTE_AUTH_SUPERUSER_GROUPS: 'l',
  REMOTE_AUTH_SUPERUSERS: 'l',
  REMOTE_AUTH_STAFF_GROUPS: 'l',
  REMOTE_AUTH_STAFF_USERS: 'l',
  REMOTE_AUTH_USER_EMAIL: 's',
  REMOTE_AUTH_USER_FIRST_NAME: 's',
  REMOTE_AUTH_USER_LAST_NAME: 's',
};

/** The REMOTE_AUTH_* settings netbox-docker `dockerRelease` takes from a container environment. */
export function remoteAuthFromEnvironment(dockerRelease: string, environment: Record<string, string>): Record<string, unknown> {
  const read = Number(dockerRelease.split('.')[0]) >= 3 ? FULL : BASIC;
  const settings: Record<string, unknown> = {};
  for (const [name, type] of Object.entries(read)) {
    const value = environment[name];
    if (value === undefined) continue;
    settings[name] = type === 'b' ? value.toLowerCase() === 'true' : type === 'l' ? value.split(' ').filter((v) => v) : value;
  }
  return settings;
}

/** Runs a generated configuration file in Python and returns its upper-case names: it must be valid Python. */
export function pythonSettings(source: string | undefined): Record<string, unknown> {
  if (source === undefined) return {};
  const r = spawnSync('python3', ['-c',
    'import json, sys\nns = {}\nexec(sys.stdin.read(), ns)\nprint(json.dumps({k: v for k, v in ns.items() if k.isupper()}))'],
  { input: source, encoding: 'utf-8' });
  if (r.status !== 0) throw new Error(`python3 rejected the file: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

/**
 * NetBox's effective settings: the environment first, then the extra files in name order (a later
 * file overrides an earlier one, and every file overrides configuration.py).
 */
export function effectiveSettings(dockerRelease: string, environment: Record<string, string>,
  extraFiles: Record<string, string>): Record<string, unknown> {
  const settings = remoteAuthFromEnvironment(dockerRelease, environment);
  for (const name of Object.keys(extraFiles).sort()) Object.assign(settings, pythonSettings(extraFiles[name]));
  return settings;
}

/** Django's META key for a request header. */
export function metaKeyOf(header: string): string {
  return `HTTP_${header.toUpperCase().replace(/-/g, '_')}`;
}

/** netbox-docker's release as [major, minor, patch]. */
function releaseOf(dockerRelease: string): [number, number, number] {
  const [a, b, c] = dockerRelease.split('.').map(Number);
  return [a, b ?? 0, c ?? 0];
}
const atLeast = (dockerRelease: string, major: number, minor: number, patch = 0) => {
  const [a, b, c] = releaseOf(dockerRelease);
  return a !== major ? a > major : b !== minor ? b > minor : c >= patch;
};

/**
 * The outbound settings netbox-docker's configuration.py builds from the environment and
 * /run/secrets (operations-facts §2.2), as read in its released files:
 * - `EMAIL` (every release; PORT default 25, TIMEOUT 10, USE_SSL/USE_TLS `'true'` case-insensitive,
 *   PASSWORD from /run/secrets/email_password first, then EMAIL_PASSWORD) and `TIME_ZONE` (default UTC):
 *   1.4.1, 2.8.0, 3.0.2 and later.
 * - `HTTP_PROXIES` from HTTP_PROXY/HTTPS_PROXY: from 3.0.2 (2.8.0 has it commented out, 1.4.1 lacks it).
 * - `CENSUS_REPORTING_ENABLED`, only when the variable is present: from 3.0.2 (netbox-docker#1133).
 * - `ISOLATED_DEPLOYMENT` (default False): after 3.0.2 (netbox-docker#1377, merged 2025-01).
 * `secretFiles` maps a name under /run/secrets to its content (the file's first line, stripped).
 */
export function egressFromEnvironment(dockerRelease: string, environment: Record<string, string>,
  secretFiles: Record<string, string> = {}): Record<string, unknown> {
  const env = (name: string, fallback: string) => environment[name] ?? fallback;
  const bool = (name: string, fallback: string) => env(name, fallback).toLowerCase() === 'true';
  const secret = (file: string, fallback: string) => (file in secretFiles ? secretFiles[file].split('\n')[0].trim() : fallback);
  const settings: Record<string, unknown> = {
    EMAIL: {
      SERVER: env('EMAIL_SERVER', 'localhost'),
      PORT: parseInt(env('EMAIL_PORT', '25'), 10),
      USERNAME: env('EMAIL_USERNAME', ''),
      PASSWORD: secret('email_password', env('EMAIL_PASSWORD', '')),
      USE_SSL: bool('EMAIL_USE_SSL', 'False'),
      USE_TLS: bool('EMAIL_USE_TLS', 'False'),
      SSL_CERTFILE: env('EMAIL_SSL_CERTFILE', ''),
      SSL_KEYFILE: env('EMAIL_SSL_KEYFILE', ''),
      TIMEOUT: parseInt(env('EMAIL_TIMEOUT', '10'), 10),
      FROM_EMAIL: env('EMAIL_FROM', ''),
    },
    TIME_ZONE: env('TIME_ZONE', 'UTC'),
  };
  if (atLeast(dockerRelease, 3, 0, 2)) {
    settings.HTTP_PROXIES = { http: environment.HTTP_PROXY ?? null, https: environment.HTTPS_PROXY ?? null };
    if ('CENSUS_REPORTING_ENABLED' in environment) settings.CENSUS_REPORTING_ENABLED = bool('CENSUS_REPORTING_ENABLED', 'False');
  }
  if (atLeast(dockerRelease, 3, 1)) settings.ISOLATED_DEPLOYMENT = bool('ISOLATED_DEPLOYMENT', 'False');
  return settings;
}

/** The outbound settings after the extra configuration files (each file overrides what came before). */
export function effectiveEgressSettings(dockerRelease: string, environment: Record<string, string>, extraFiles: Record<string, string>,
  secretFiles: Record<string, string> = {}): Record<string, unknown> {
  const settings = egressFromEnvironment(dockerRelease, environment, secretFiles);
  for (const name of Object.keys(extraFiles).sort()) Object.assign(settings, pythonSettings(extraFiles[name]));
  return settings;
}
