/**
 * The fixed names of the stack: services, volumes, the internal network, the database, the
 * secrets file. A leaf module (it imports nothing), so every renderer and the deployment's
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
 * The stack's named volumes and where they are mounted. Postgres's data path depends on the
 * release (NetBoxRelease.postgresDataPath).
 */
export const VOLUMES = {
  media: { name: 'netbox-media-files', mount: '/opt/netbox/netbox/media' },
  reports: { name: 'netbox-reports-files', mount: '/opt/netbox/netbox/reports' },
  scripts: { name: 'netbox-scripts-files', mount: '/opt/netbox/netbox/scripts' },
  postgres: { name: 'netbox-postgres-data' },
  redis: { name: 'netbox-redis-data', mount: '/data' },
  redisCache: { name: 'netbox-redis-cache-data', mount: '/data' },
} as const;

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
