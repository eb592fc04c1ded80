/**
 * The netbox-docker releases this product can deploy, and what each one changes.
 *
 * Each row is one pinned netbox-docker release: the image tag, the compose layout and the
 * configuration it reads come from that same release (stack-facts §1.1). Rows are internal data;
 * users pick a row with the `netboxVersion` option (the image tag).
 */

/** Which REMOTE_AUTH_* settings netbox-docker's configuration.py reads from the environment. */
export enum RemoteAuthEnvSupport {
  /** ENABLED, BACKEND, HEADER, AUTO_CREATE_USER, DEFAULT_GROUPS (netbox-docker < 3.0.0). */
  BASIC = 'basic',
  /** Basic plus group sync, superusers, staff and user e-mail/name headers (netbox-docker >= 3.0.0). */
  FULL = 'full',
}

/** One supported netbox-docker release. Internal: users name a release by its image tag. */
export interface NetboxRelease {
  /** Image tag of netboxcommunity/netbox, e.g. `v4.7-5.1.1`. */
  readonly tag: string;
  /** netbox-docker release, e.g. `5.1.1`. */
  readonly dockerRelease: string;
  /** NetBox major.minor, e.g. [4, 7]. */
  readonly netbox: readonly [number, number];
  /** The `user:` the image runs as. */
  readonly containerUser: string;
  readonly postgresImage: string;
  readonly postgresDataPath: string;
  /** Redis or Valkey image for both the task queue and the cache. */
  readonly redisImage: string;
  /** The server and CLI binaries inside `redisImage`. */
  readonly redisServer: string;
  readonly redisCli: string;
  /** Whether the release ships the `netbox-housekeeping` container (NetBox < 4.4). */
  readonly housekeeping: boolean;
  /** Whether v2 API tokens need `API_TOKEN_PEPPER_1` (netbox-docker >= 4.0.0). */
  readonly apiTokenPepper: boolean;
  readonly remoteAuthEnv: RemoteAuthEnvSupport;
  /** Whether `CSRF_TRUSTED_ORIGINS` is read from the environment (netbox-docker >= 2.0.0). */
  readonly csrfTrustedOriginsEnv: boolean;
  /** Whether `LOGOUT_REDIRECT_URL` is read from the environment (netbox-docker >= 4.0.2). */
  readonly logoutRedirectEnv: boolean;
  /** Whether the release has the reports/scripts media volumes (netbox-docker >= 2.6.0). */
  readonly reportsAndScriptsVolumes: boolean;
}

const REDIS_BINARIES = { redisServer: 'redis-server', redisCli: 'redis-cli' };
const VALKEY_BINARIES = { redisServer: 'valkey-server', redisCli: 'valkey-cli' };

/** Oldest first; the last row is the default. */
export const NETBOX_RELEASES: readonly NetboxRelease[] = [
  {
    // The seed's release (2021-10).
    tag: 'v3.0-1.4.1',
    dockerRelease: '1.4.1',
    netbox: [3, 0],
    containerUser: 'unit:root',
    postgresImage: 'postgres:13-alpine',
    postgresDataPath: '/var/lib/postgresql/data',
    redisImage: 'redis:6-alpine',
    ...REDIS_BINARIES,
    housekeeping: true,
    apiTokenPepper: false,
    remoteAuthEnv: RemoteAuthEnvSupport.BASIC,
    csrfTrustedOriginsEnv: false,
    logoutRedirectEnv: false,
    reportsAndScriptsVolumes: false,
  },
  {
    tag: 'v3.7-2.8.0',
    dockerRelease: '2.8.0',
    netbox: [3, 7],
    containerUser: 'unit:root',
    postgresImage: 'postgres:16-alpine',
    postgresDataPath: '/var/lib/postgresql/data',
    redisImage: 'redis:7-alpine',
    ...REDIS_BINARIES,
    housekeeping: true,
    apiTokenPepper: false,
    remoteAuthEnv: RemoteAuthEnvSupport.BASIC,
    csrfTrustedOriginsEnv: true,
    logoutRedirectEnv: false,
    reportsAndScriptsVolumes: true,
  },
  {
    tag: 'v4.1-3.0.2',
    dockerRelease: '3.0.2',
    netbox: [4, 1],
    containerUser: 'unit:root',
    postgresImage: 'postgres:16-alpine',
    postgresDataPath: '/var/lib/postgresql/data',
    redisImage: 'valkey/valkey:8.0-alpine',
    ...VALKEY_BINARIES,
    housekeeping: true,
    apiTokenPepper: false,
    remoteAuthEnv: RemoteAuthEnvSupport.FULL,
    csrfTrustedOriginsEnv: true,
    logoutRedirectEnv: false,
    reportsAndScriptsVolumes: true,
  },
  {
    tag: 'v4.4-3.4.1',
    dockerRelease: '3.4.1',
    netbox: [4, 4],
    containerUser: 'unit:root',
    postgresImage: 'postgres:16-alpine',
    postgresDataPath: '/var/lib/postgresql/data',
    redisImage: 'valkey/valkey:8.0-alpine',
    ...VALKEY_BINARIES,
    housekeeping: false,
    apiTokenPepper: false,
    remoteAuthEnv: RemoteAuthEnvSupport.FULL,
    csrfTrustedOriginsEnv: true,
    logoutRedirectEnv: false,
    reportsAndScriptsVolumes: true,
  },
  {
    tag: 'v4.5-4.0.0',
    dockerRelease: '4.0.0',
    netbox: [4, 5],
    containerUser: 'netbox:root',
    postgresImage: 'postgres:18-alpine',
    postgresDataPath: '/var/lib/postgresql',
    redisImage: 'valkey/valkey:9.0-alpine',
    ...VALKEY_BINARIES,
    housekeeping: false,
    apiTokenPepper: true,
    remoteAuthEnv: RemoteAuthEnvSupport.FULL,
    csrfTrustedOriginsEnv: true,
    logoutRedirectEnv: false,
    reportsAndScriptsVolumes: true,
  },
  {
    tag: 'v4.6-5.0.2',
    dockerRelease: '5.0.2',
    netbox: [4, 6],
    containerUser: 'netbox:root',
    postgresImage: 'postgres:18-alpine',
    postgresDataPath: '/var/lib/postgresql',
    redisImage: 'valkey/valkey:9.1-alpine',
    ...VALKEY_BINARIES,
    housekeeping: false,
    apiTokenPepper: true,
    remoteAuthEnv: RemoteAuthEnvSupport.FULL,
    csrfTrustedOriginsEnv: true,
    logoutRedirectEnv: true,
    reportsAndScriptsVolumes: true,
  },
  {
    tag: 'v4.7-5.1.1',
    dockerRelease: '5.1.1',
    netbox: [4, 7],
    containerUser: 'netbox:root',
    postgresImage: 'postgres:18-alpine',
    postgresDataPath: '/var/lib/postgresql',
    redisImage: 'valkey/valkey:9.1-alpine',
    ...VALKEY_BINARIES,
    housekeeping: false,
    apiTokenPepper: true,
    remoteAuthEnv: RemoteAuthEnvSupport.FULL,
    csrfTrustedOriginsEnv: true,
    logoutRedirectEnv: true,
    reportsAndScriptsVolumes: true,
  },
];

/** The image tag used when `netboxVersion` is not set: the newest supported release. */
export const DEFAULT_NETBOX_TAG = NETBOX_RELEASES[NETBOX_RELEASES.length - 1].tag;

export function findNetboxRelease(tag: string): NetboxRelease | undefined {
  return NETBOX_RELEASES.find((r) => r.tag === tag);
}

/** NetBox version as one comparable number (4.7 → 407). */
export function netboxAtLeast(release: NetboxRelease, major: number, minor: number): boolean {
  return release.netbox[0] * 100 + release.netbox[1] >= major * 100 + minor;
}

/** The major version of a postgres image tag (`postgres:18-alpine` → 18). */
export function postgresMajor(image: string): number {
  const m = /^postgres:(\d+)/.exec(image);
  return m ? Number(m[1]) : NaN;
}
