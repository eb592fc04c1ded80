import { spawnSync } from 'child_process';
import { readFileSync } from 'fs';
import * as path from 'path';

/**
 * A model of how netbox-docker builds NetBox's REMOTE_AUTH_* and login configuration, for tests:
 * the defaults its configuration.py falls back to, the environment variables it reads
 * (stack-facts §1.1, §1.6: the "basic" five before 3.0.0, the full set after; LOGIN_REQUIRED and
 * LOGIN_TIMEOUT in every release), then every extra `*.py` in /etc/netbox/config/, sorted by
 * name, the last one winning (§1.7). Written from the released files (configuration/configuration.py
 * at the tags 1.4.1, 2.8.0, 3.0.2 and a 4.x/5.x copy), not from the code under test.
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

/** Read from the environment by every release (`LOGIN_TIMEOUT` as an int). */
const LOGIN: Record<string, 'b' | 'i'> = { LOGIN_REQUIRED: 'b', LOGIN_TIMEOUT: 'i' };

const HEADER_DEFAULTS = {
  REMOTE_AUTH_HEADER: 'HTTP_REMOTE_USER',
  REMOTE_AUTH_USER_EMAIL: 'HTTP_REMOTE_USER_EMAIL',
  REMOTE_AUTH_USER_FIRST_NAME: 'HTTP_REMOTE_USER_FIRST_NAME',
  REMOTE_AUTH_USER_LAST_NAME: 'HTTP_REMOTE_USER_LAST_NAME',
  REMOTE_AUTH_GROUP_HEADER: 'HTTP_REMOTE_USER_GROUP',
};

/**
 * What NetBox ends up with when nothing is set: configuration.py's fallbacks, and NetBox's own
 * settings.py defaults for the header names a basic (< 3.0.0) configuration.py does not define.
 * LOGIN_REQUIRED defaulted to False before netbox-docker 3.0.0 (anonymous read access).
 */
export function configurationDefaults(dockerRelease: string): Record<string, unknown> {
  const full = Number(dockerRelease.split('.')[0]) >= 3;
  return {
    ...HEADER_DEFAULTS,
    REMOTE_AUTH_ENABLED: false,
    REMOTE_AUTH_GROUP_SYNC_ENABLED: false,
    REMOTE_AUTH_GROUP_SEPARATOR: '|',
    LOGIN_REQUIRED: full,
    LOGIN_TIMEOUT: 1209600,
  };
}

/** The REMOTE_AUTH_* and LOGIN_* settings netbox-docker `dockerRelease` takes from a container environment. */
export function remoteAuthFromEnvironment(dockerRelease: string, environment: Record<string, string>): Record<string, unknown> {
  const [major, minor] = dockerRelease.split('.').map(Number);
  const read: Record<string, 'b' | 'l' | 's' | 'i'> = { ...(major >= 3 ? FULL : BASIC), ...LOGIN };
  // A plain string before netbox-docker 2.7.0 (NetBox < 3.4.7 takes one backend), a space-separated list after.
  if (major < 2 || (major === 2 && minor < 7)) read.REMOTE_AUTH_BACKEND = 's';
  const settings: Record<string, unknown> = {};
  for (const [name, type] of Object.entries(read)) {
    const value = environment[name];
    if (value === undefined) continue;
    settings[name] = type === 'b' ? value.toLowerCase() === 'true' : type === 'l' ? value.split(' ').filter((v) => v)
      : type === 'i' ? parseInt(value, 10) : value;
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
 * NetBox's effective settings: configuration.py's defaults, the environment over them, then the
 * extra files in name order (a later file overrides an earlier one, and every file overrides
 * configuration.py).
 */
export function effectiveSettings(dockerRelease: string, environment: Record<string, string>,
  extraFiles: Record<string, string>): Record<string, unknown> {
  const settings = { ...configurationDefaults(dockerRelease), ...remoteAuthFromEnvironment(dockerRelease, environment) };
  for (const name of Object.keys(extraFiles).sort()) Object.assign(settings, pythonSettings(extraFiles[name]));
  return settings;
}

/** Django's META key for a request header. */
export function metaKeyOf(header: string): string {
  return `HTTP_${header.toUpperCase().replace(/-/g, '_')}`;
}

/**
 * A secret as netbox-docker's configuration.py reads it (stack-facts §1.6): the first line of
 * `/run/secrets/<name>` when that file exists, else the environment variable.
 */
export function readSecret(secretName: string, envName: string, environment: Record<string, string>,
  secretFiles: Record<string, string> = {}): string | undefined {
  const file = secretFiles[secretName];
  if (file !== undefined) return file.split('\n')[0].trim();
  return environment[envName];
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

/** The .py files a resolved compose service mounts into /etc/netbox/config/, by file name, read from the deployment. */
export function mountedConfigFiles(service: any): Record<string, string> {
  const files: Record<string, string> = {};
  for (const volume of service.volumes ?? []) {
    if (volume.type === 'bind' && /^\/etc\/netbox\/config\/[^/]+\.py$/.test(volume.target)) {
      files[path.basename(volume.target)] = readFileSync(volume.source, 'utf-8');
    }
  }
  return files;
}
