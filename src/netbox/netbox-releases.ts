import { compareVersions } from '../model/versions';

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
  /**
   * The oldest NetBox version the pinned image can contain, [major, minor, patch]: a pinned tag
   * carries the newest NetBox X.Y patch at build time, so the patch is a lower bound.
   */
  readonly netbox: readonly [number, number, number];
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
  /** Whether configuration.py adds `localhost` to ALLOWED_HOSTS for the healthcheck (netbox-docker >= 2.5.0). */
  readonly allowedHostsAddsLocalhost: boolean;
  /** Whether configuration.py reads `CENSUS_REPORTING_ENABLED` from the environment (netbox-docker #1133, in 3.0.2). */
  readonly censusEnv: boolean;
  /** Whether configuration.py reads `ISOLATED_DEPLOYMENT` from the environment (netbox-docker #1377, 2025-01, after 3.0.2). */
  readonly isolatedDeploymentEnv: boolean;
  /** Whether configuration.py maps `HTTP_PROXY`/`HTTPS_PROXY` to `HTTP_PROXIES` (3.0.2; 2.8.0 only has it commented out). */
  readonly httpProxiesEnv: boolean;
  /** Whether the venv is built with uv, installed as /usr/local/bin/uv, and has no pip (netbox-docker >= 3.2.0, #1386). */
  readonly uvInstaller: boolean;
  /** Whether configuration.py defines `DATABASES` rather than `DATABASE` (netbox-docker >= 3.4.0, #1495). */
  readonly databasesSetting: boolean;
}

const REDIS_BINARIES = { redisServer: 'redis-server', redisCli: 'redis-cli' };
const VALKEY_BINARIES = { redisServer: 'valkey-server', redisCli: 'valkey-cli' };

/** Oldest first; the last row is the default. */
export const NETBOX_RELEASES: readonly NetboxRelease[] = [
  {
    // The seed's release, tagged 2021-10-14: its NetBox 3.0 is at least 3.0.3 (2021-09-20), the
    // first with group sync.
    tag: 'v3.0-1.4.1',
    dockerRelease: '1.4.1',
    netbox: [3, 0, 3],
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
    allowedHostsAddsLocalhost: false,
    censusEnv: false,
    isolatedDeploymentEnv: false,
    httpProxiesEnv: false,
    uvInstaller: false,
    databasesSetting: false,
  },
  {
    tag: 'v3.7-2.8.0',
    dockerRelease: '2.8.0',
    netbox: [3, 7, 0],
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
    allowedHostsAddsLocalhost: true,
    censusEnv: false,
    isolatedDeploymentEnv: false,
    httpProxiesEnv: false,
    uvInstaller: false,
    databasesSetting: false,
  },
  {
    tag: 'v4.1-3.0.2',
    dockerRelease: '3.0.2',
    netbox: [4, 1, 0],
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
    allowedHostsAddsLocalhost: true,
    censusEnv: true,
    isolatedDeploymentEnv: false,
    httpProxiesEnv: true,
    uvInstaller: false,
    databasesSetting: false,
  },
  {
    tag: 'v4.4-3.4.1',
    dockerRelease: '3.4.1',
    netbox: [4, 4, 0],
    containerUser: 'unit:root',
    // PostgreSQL 17 since netbox-docker 3.1.0 (#1326), Valkey 8.1 since 3.3.0 (#1406).
    postgresImage: 'postgres:17-alpine',
    postgresDataPath: '/var/lib/postgresql/data',
    redisImage: 'valkey/valkey:8.1-alpine',
    ...VALKEY_BINARIES,
    housekeeping: false,
    apiTokenPepper: false,
    remoteAuthEnv: RemoteAuthEnvSupport.FULL,
    csrfTrustedOriginsEnv: true,
    logoutRedirectEnv: false,
    reportsAndScriptsVolumes: true,
    allowedHostsAddsLocalhost: true,
    censusEnv: true,
    isolatedDeploymentEnv: true,
    httpProxiesEnv: true,
    uvInstaller: true,
    databasesSetting: true,
  },
  {
    tag: 'v4.5-4.0.0',
    dockerRelease: '4.0.0',
    netbox: [4, 5, 0],
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
    allowedHostsAddsLocalhost: true,
    censusEnv: true,
    isolatedDeploymentEnv: true,
    httpProxiesEnv: true,
    uvInstaller: true,
    databasesSetting: true,
  },
  {
    tag: 'v4.6-5.0.2',
    dockerRelease: '5.0.2',
    netbox: [4, 6, 0],
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
    allowedHostsAddsLocalhost: true,
    censusEnv: true,
    isolatedDeploymentEnv: true,
    httpProxiesEnv: true,
    uvInstaller: true,
    databasesSetting: true,
  },
  {
    tag: 'v4.7-5.1.1',
    dockerRelease: '5.1.1',
    netbox: [4, 7, 0],
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
    allowedHostsAddsLocalhost: true,
    censusEnv: true,
    isolatedDeploymentEnv: true,
    httpProxiesEnv: true,
    uvInstaller: true,
    databasesSetting: true,
  },
];

/** The image tag used when `netboxVersion` is not set: the newest supported release. */
export const DEFAULT_NETBOX_TAG = NETBOX_RELEASES[NETBOX_RELEASES.length - 1].tag;

export function findNetboxRelease(tag: string): NetboxRelease | undefined {
  return NETBOX_RELEASES.find((r) => r.tag === tag);
}

/** Whether the release's NetBox is at least major.minor.patch (compared on the lower bound). */
export function netboxAtLeast(release: NetboxRelease, major: number, minor: number, patch = 0): boolean {
  return compareVersions(release.netbox, [major, minor, patch]) >= 0;
}

/**
 * Before a major NetBox step the database must be at the previous major's last minor release
 * (NetBox docs/installation/upgrading.md: 2.x goes through 2.11, 3.x through 3.7).
 */
export const NETBOX_LAST_MINOR: Readonly<Record<number, number>> = { 2: 11, 3: 7 };

/** The supported release with NetBox <major>.<last minor>, the step a database of that major goes through. */
export function lastMinorRelease(major: number): NetboxRelease | undefined {
  return NETBOX_RELEASES.find((r) => r.netbox[0] === major && r.netbox[1] === NETBOX_LAST_MINOR[major]);
}

/** The NetBox version as text, e.g. `3.0.3+` (a lower bound). */
export function netboxVersionText(release: NetboxRelease): string {
  return `${release.netbox.join('.')}+`;
}

/**
 * Which remote-auth and related settings the release's NetBox knows
 * (netbox-community/netbox docs/configuration/remote-authentication.md; stack-facts §2.1, §2.2).
 */
export interface NetboxFeatures {
  /** REMOTE_AUTH_GROUP_SYNC_ENABLED, _GROUP_HEADER, _GROUP_SEPARATOR, _SUPERUSERS, _SUPERUSER_GROUPS (3.0.3). */
  readonly groupSync: boolean;
  /** REMOTE_AUTH_STAFF_USERS / _STAFF_GROUPS (3.0.3, removed in 4.5.0). */
  readonly staffSettings: boolean;
  /** REMOTE_AUTH_USER_EMAIL / _FIRST_NAME / _LAST_NAME (3.4.9). */
  readonly userProfileHeaders: boolean;
  /** REMOTE_AUTH_AUTO_CREATE_GROUPS (3.5.2). */
  readonly autoCreateGroups: boolean;
  /** LOGOUT_REDIRECT_URL (3.3.10). */
  readonly logoutRedirect: boolean;
  /** CSRF_TRUSTED_ORIGINS takes origins with a scheme (Django 4, NetBox 3.2); before, bare hosts. */
  readonly csrfOriginsWithScheme: boolean;
  /** CENSUS_REPORTING_ENABLED (3.4.9, netbox#12337; netbox-docker#999). */
  readonly census: boolean;
  /** ISOLATED_DEPLOYMENT (4.1.0, netbox#17051). */
  readonly isolatedDeployment: boolean;
}

export function netboxFeatures(release: NetboxRelease): NetboxFeatures {
  return {
    groupSync: netboxAtLeast(release, 3, 0, 3),
    staffSettings: netboxAtLeast(release, 3, 0, 3) && !netboxAtLeast(release, 4, 5),
    userProfileHeaders: netboxAtLeast(release, 3, 4, 9),
    autoCreateGroups: netboxAtLeast(release, 3, 5, 2),
    logoutRedirect: netboxAtLeast(release, 3, 3, 10),
    csrfOriginsWithScheme: netboxAtLeast(release, 3, 2),
    census: netboxAtLeast(release, 3, 4, 9),
    isolatedDeployment: netboxAtLeast(release, 4, 1),
  };
}

/** Whether netbox-docker reads the full REMOTE_AUTH_* set from the environment (>= 3.0.0). */
export function remoteAuthFromEnv(release: NetboxRelease): boolean {
  return release.remoteAuthEnv === RemoteAuthEnvSupport.FULL;
}

/** The major version of a postgres image tag (`postgres:18-alpine` → 18). */
export function postgresMajor(image: string): number {
  const m = /^postgres:(\d+)/.exec(image);
  return m ? Number(m[1]) : NaN;
}
