/**
 * The fixed names of the stack: services, volumes, the internal network, the database, every
 * generated file and folder. A leaf module (it imports nothing), so every renderer and the deployment's
 * command-line helpers can read them without loading the model.
 */

/** Service names of the stack: one place, every file derives from them. */
export const SERVICES = {
  pomerium: 'pomerium',
  netbox: 'netbox',
  worker: 'netbox-worker',
  housekeeping: 'netbox-housekeeping',
  postgres: 'postgres',
  redis: 'redis',
  redisCache: 'redis-cache',
} as const;

/**
 * Postgres and both Redis services: they hold the data, never run twice (two servers on one volume
 * corrupt it), never reach outside, and no user secret reaches them.
 */
export const DATA_SERVICES: readonly string[] = [SERVICES.postgres, SERVICES.redis, SERVICES.redisCache];

/** The services that run NetBox's code and read its settings (housekeeping only on releases before NetBox 4.4). */
export const NETBOX_CODE_SERVICES: readonly string[] = [SERVICES.netbox, SERVICES.worker, SERVICES.housekeeping];

/**
 * The stack's named volumes and where they are mounted. Postgres's data path depends on the
 * release (NetBoxRelease.postgresDataPath).
 *
 * Rows with `netboxData` are the files NetBox writes: they are mounted on the NetBox services and
 * archived in every backup set, so a row added here is mounted and backed up with no other edit.
 * `netboxData` names the release flag the volume needs (`always`, or a NetboxRelease field).
 */
export const VOLUMES = {
  media: { name: 'netbox-media-files', mount: '/opt/netbox/netbox/media', netboxData: 'always' },
  reports: { name: 'netbox-reports-files', mount: '/opt/netbox/netbox/reports', netboxData: 'reportsAndScriptsVolumes' },
  scripts: { name: 'netbox-scripts-files', mount: '/opt/netbox/netbox/scripts', netboxData: 'reportsAndScriptsVolumes' },
  postgres: { name: 'netbox-postgres-data' },
  redis: { name: 'netbox-redis-data', mount: '/data' },
  redisCache: { name: 'netbox-redis-cache-data', mount: '/data' },
} as const;

/** A volume NetBox writes its files to. */
export interface NetboxDataVolume {
  readonly name: string;
  readonly mount: string;
}

/**
 * The NetBox data volumes a release has, in table order. `release` is any object with the
 * release flags (a NetboxRelease); typed loosely so this module stays a leaf.
 */
export function netboxDataVolumes(release: object): NetboxDataVolume[] {
  const flags = release as Record<string, unknown>;
  return Object.values(VOLUMES as Record<string, { name: string; mount?: string; netboxData?: string }>)
    .filter((v) => v.netboxData !== undefined && v.mount !== undefined && (v.netboxData === 'always' || flags[v.netboxData] === true))
    .map((v) => ({ name: v.name, mount: v.mount! }));
}

/** Where backup sets go, next to compose.yaml (git-ignored). */
export const BACKUP_DIR = 'backups';
/** The status of the last backup (`key=value` lines), for people and the doctor task. */
export const BACKUP_STATUS_FILE = `${BACKUP_DIR}/last-backup.status`;
/** The status of the last verify-backup. */
export const VERIFY_STATUS_FILE = `${BACKUP_DIR}/last-verify.status`;

/** The port netbox-docker's web server listens on inside the container. */
export const NETBOX_PORT = 8080;
/** The network NetBox and its data services share; internal, so nothing outside Docker reaches it. */
export const NETBOX_NETWORK = 'netbox';
/**
 * The network that lets NetBox's web service and worker reach outside (webhooks, mail, data
 * sources): not internal, no published ports, no other member.
 */
export const EGRESS_NETWORK = 'netbox-egress';
/** The NetBox database and role name. */
export const NETBOX_DB = 'netbox';

/** The git-ignored secrets file next to compose.yaml; Compose reads it for `${VAR}` interpolation. */
export const SECRETS_FILE = '.env';

/** Where `npx projen adopt` keeps the `.env` it replaced (git-ignored). */
export const DOTENV_BACKUP = `${SECRETS_FILE}.before-adopt`;

/** The extra configuration file netbox-docker loads after configuration.py (last file wins). */
export const NETBOX_EXTRA_CONFIG_NAME = 'zz_netbox_pomerium.py';

/** Every generated file and folder of a deployment, relative to its root. */
export const FILES = {
  compose: 'compose.yaml',
  pomeriumConfig: 'pomerium/config.yaml',
  netboxEnv: 'env/netbox.env',
  postgresEnv: 'env/postgres.env',
  netboxExtraConfig: `netbox/${NETBOX_EXTRA_CONFIG_NAME}`,
  secrets: SECRETS_FILE,
  appEnv: (app: string) => `env/${app}.env`,
  /** The deployment's runbook. */
  runbook: 'README.md',
  /** The drift check for the deployment repository's CI. */
  workflow: '.github/workflows/deployment.yml',
  /** The script behind the backup and restore tasks. */
  dataScript: 'scripts/netbox-data.sh',
  /** The script behind the users, offboard and break-glass tasks. */
  usersScript: 'scripts/netbox-users.sh',
  /**
   * The facts `npx projen doctor` checks the host against, rendered from the model at every
   * synthesis (committed, read-only). Next to projen's own machine-read files (tasks.json).
   */
  doctorFacts: '.projen/doctor.json',
  /** With plugins: the build context of the NetBox image with the plugins, and its three files. */
  pluginBuildContext: 'netbox-plugins',
  pluginDockerfile: 'netbox-plugins/Dockerfile',
  pluginRequirements: 'netbox-plugins/plugin_requirements.txt',
  pluginsConfig: 'netbox-plugins/plugins.py',
  /** With swarm: the stack file and the script behind stack-deploy / stack-rm. */
  stack: 'stack.yaml',
  stackScript: 'swarm/stack.sh',
} as const;

/** netbox-docker's configuration directory: configuration.py, then every other .py in name order. */
export const NETBOX_CONFIG_DIR = '/etc/netbox/config';
/** Where netbox-docker reads plugins.py; the image with plugins has it there too. */
export const PLUGINS_CONFIG_MOUNT = `${NETBOX_CONFIG_DIR}/plugins.py`;

/** This library's package name: a deployment's tasks run its commands from node_modules. */
export const LIBRARY_PACKAGE = 'projen-netbox-pomerium';

/** The shell command that runs `main()` of one of the library's compiled modules (`lib/<module>.js`). */
export function libraryMain(module: string): string {
  return `node -e "require('${LIBRARY_PACKAGE}/lib/${module}').main()"`;
}

/** NetBox's venv Python and its Django management script inside the netbox-docker image. */
export const NETBOX_PYTHON = '/opt/netbox/venv/bin/python';
export const NETBOX_MANAGE = '/opt/netbox/netbox/manage.py';

/**
 * The temporary NetBox the `break-glass` task runs on 127.0.0.1: its compose service, the bridge
 * network it publishes through (suffixed to the project name), and the git-ignored directory of its
 * lock, its runtime compose file and its log.
 */
export const BREAK_GLASS = {
  service: 'netbox-break-glass',
  networkSuffix: 'break-glass',
  dir: 'break-glass',
} as const;

/**
 * The deployment's task names that messages, runbook sections and the doctor refer to
 * (`npx projen <name>`).
 */
export const TASKS = {
  up: 'up',
  down: 'down',
  logs: 'logs',
  ps: 'ps',
  pull: 'pull',
  config: 'config',
  rotateSecret: 'rotate-secret',
  backup: 'backup',
  restore: 'restore',
  verifyBackup: 'verify-backup',
  doctor: 'doctor',
  users: 'users',
  offboard: 'offboard',
  breakGlass: 'break-glass',
  stackUsers: 'stack-users',
  stackOffboard: 'stack-offboard',
  build: 'build',
  push: 'push',
} as const;
