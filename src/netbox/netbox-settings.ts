import { NETBOX_DB, netboxFeatures, remoteAuthFromEnv, SERVICES, StackModel } from '../model/stack-model';

/** The extra configuration file netbox-docker loads after configuration.py (last file wins). */
export const NETBOX_EXTRA_CONFIG_NAME = 'zz_netbox_pomerium.py';
export const NETBOX_EXTRA_CONFIG_MOUNT = `/etc/netbox/config/${NETBOX_EXTRA_CONFIG_NAME}`;

/** One NetBox setting: where netbox-docker can read it from decides where we emit it. */
interface Setting {
  readonly name: string;
  /** The value as netbox-docker's env parsing expects it (lists space-separated, bools True/False). */
  readonly env: string;
  /** The value as a Python literal, for the extra configuration file. */
  readonly python: string;
  readonly fromEnv: boolean;
}

/**
 * NetBox's settings, split between `env/netbox.env` (what netbox-docker reads from the
 * environment for this release) and the extra Python configuration file (everything else).
 */
export function netboxSettings(model: StackModel): { env: Record<string, string>; python: Record<string, string> } {
  const { release } = model.netbox;
  const features = netboxFeatures(release);
  const fullEnv = remoteAuthFromEnv(release);
  const settings: Setting[] = [];
  const add = (name: string, value: string | boolean | readonly string[], fromEnv: boolean) => {
    settings.push({ name, env: envValue(value), python: pythonValue(value), fromEnv });
  };

  add('ALLOWED_HOSTS', [model.domain], true);
  // Django < 4 (NetBox < 3.2) wants bare hosts here, later versions full origins.
  add('CSRF_TRUSTED_ORIGINS', [features.djangoCsrfOriginsWithScheme ? model.publicUrl : model.domain], release.csrfTrustedOriginsEnv);

  add('REMOTE_AUTH_ENABLED', true, true);
  add('REMOTE_AUTH_BACKEND', ['netbox.authentication.RemoteUserBackend'], true);
  add('REMOTE_AUTH_HEADER', model.identity.userMetaKey, true);
  add('REMOTE_AUTH_AUTO_CREATE_USER', true, true);
  if (model.netbox.defaultGroups.length > 0) add('REMOTE_AUTH_DEFAULT_GROUPS', model.netbox.defaultGroups, true);
  if (model.netbox.groupSync) {
    add('REMOTE_AUTH_GROUP_SYNC_ENABLED', true, fullEnv);
    add('REMOTE_AUTH_GROUP_HEADER', model.identity.groupMetaKey!, fullEnv);
    // Pomerium comma-joins multi-valued claims.
    add('REMOTE_AUTH_GROUP_SEPARATOR', ',', fullEnv);
    if (model.netbox.superusers.length > 0) add('REMOTE_AUTH_SUPERUSERS', model.netbox.superusers, fullEnv);
    if (model.netbox.superuserGroups.length > 0) add('REMOTE_AUTH_SUPERUSER_GROUPS', model.netbox.superuserGroups, fullEnv);
    if (features.autoCreateGroups) add('REMOTE_AUTH_AUTO_CREATE_GROUPS', true, fullEnv);
  }
  if (features.userEmailHeader) add('REMOTE_AUTH_USER_EMAIL', model.identity.userMetaKey, fullEnv);
  add('LOGOUT_REDIRECT_URL', model.netbox.logoutRedirectUrl, release.logoutRedirectEnv);

  const env: Record<string, string> = {
    DB_HOST: SERVICES.postgres,
    DB_NAME: NETBOX_DB,
    DB_USER: NETBOX_DB,
    REDIS_HOST: SERVICES.redis,
    REDIS_DATABASE: '0',
    REDIS_SSL: 'false',
    REDIS_CACHE_HOST: SERVICES.redisCache,
    REDIS_CACHE_DATABASE: '1',
    REDIS_CACHE_SSL: 'false',
    // No built-in admin with a known password: admins come from the IdP (superusers).
    SKIP_SUPERUSER: 'true',
    MEDIA_ROOT: '/opt/netbox/netbox/media',
    METRICS_ENABLED: 'false',
    WEBHOOKS_ENABLED: 'true',
    GRAPHQL_ENABLED: 'true',
    ...(release.housekeeping ? { HOUSEKEEPING_INTERVAL: '86400' } : {}),
  };
  const python: Record<string, string> = {};
  for (const s of settings) {
    if (s.fromEnv) env[s.name] = s.env;
    else python[s.name] = s.python;
  }
  Object.assign(env, model.netbox.extraEnvironment);
  return { env, python };
}

/** The extra configuration file, or undefined when every setting comes from the environment. */
export function renderNetboxExtraConfig(model: StackModel): string[] | undefined {
  const { python } = netboxSettings(model);
  const names = Object.keys(python);
  if (names.length === 0) return undefined;
  return [
    `# Settings netbox-docker ${model.netbox.release.dockerRelease} cannot read from the environment.`,
    '# Loaded after configuration.py; the alphabetically last file wins.',
    ...names.map((n) => `${n} = ${python[n]}`),
  ];
}

function envValue(value: string | boolean | readonly string[]): string {
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  // netbox-docker splits lists on single spaces, never commas.
  if (Array.isArray(value)) return value.join(' ');
  return value as string;
}

function pythonValue(value: string | boolean | readonly string[]): string {
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  // Values are validated tokens; JSON string literals are valid Python string literals.
  if (Array.isArray(value)) return `[${value.map((v) => JSON.stringify(v)).join(', ')}]`;
  return JSON.stringify(value);
}
