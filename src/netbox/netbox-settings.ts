import { netboxFeatures, remoteAuthFromEnv } from './netbox-releases';
import { apiNetboxSettings } from '../api/api-netbox-settings';
import { egressSettings, proxyEnvironment } from '../egress/egress-settings';
import type { StackModel } from '../model/deployment-model';
import { NETBOX_CONFIG_DIR, NETBOX_DB, NETBOX_EXTRA_CONFIG_NAME, SERVICES, VOLUMES } from '../model/stack-names';

export const NETBOX_EXTRA_CONFIG_MOUNT = `${NETBOX_CONFIG_DIR}/${NETBOX_EXTRA_CONFIG_NAME}`;

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
 * A setting the release's NetBox does not know is not emitted at all (stack-facts §1.1, §1.6,
 * §1.7, §2.1).
 */
export function netboxSettings(model: StackModel): { env: Record<string, string>; python: Record<string, string> } {
  const { release } = model.netbox;
  const { identity } = model;
  const features = netboxFeatures(release);
  // netbox-docker >= 3.0.0 reads the whole REMOTE_AUTH_* set from env; before, only the basic five.
  const fullEnv = remoteAuthFromEnv(release);
  const settings: Setting[] = [];
  const add = (name: string, value: string | boolean | readonly string[], fromEnv: boolean) => {
    settings.push({ name, env: envValue(value), python: pythonValue(value), fromEnv });
  };

  // netbox-docker < 2.5.0 does not add `localhost` itself, and the healthcheck asks for it.
  add('ALLOWED_HOSTS', release.allowedHostsAddsLocalhost ? [model.domain] : [model.domain, 'localhost'], true);
  // Django < 4 (NetBox < 3.2) wants bare hosts here, later versions full origins.
  add('CSRF_TRUSTED_ORIGINS', [features.csrfOriginsWithScheme ? model.publicUrl : model.domain], release.csrfTrustedOriginsEnv);

  add('REMOTE_AUTH_ENABLED', true, true);
  add('REMOTE_AUTH_BACKEND', ['netbox.authentication.RemoteUserBackend'], true);
  add('REMOTE_AUTH_HEADER', identity.userMetaKey, true);
  add('REMOTE_AUTH_AUTO_CREATE_USER', true, true);
  // NetBox ignores default groups once group sync is on.
  if (!model.netbox.groupSync && model.netbox.defaultGroups.length > 0) add('REMOTE_AUTH_DEFAULT_GROUPS', model.netbox.defaultGroups, true);
  if (model.netbox.groupSync && features.groupSync) {
    add('REMOTE_AUTH_GROUP_SYNC_ENABLED', true, fullEnv);
    add('REMOTE_AUTH_GROUP_HEADER', identity.groupMetaKey!, fullEnv);
    // Pomerium comma-joins multi-valued claims.
    add('REMOTE_AUTH_GROUP_SEPARATOR', ',', fullEnv);
    if (model.netbox.superusers.length > 0) add('REMOTE_AUTH_SUPERUSERS', model.netbox.superusers, fullEnv);
    if (model.netbox.superuserGroups.length > 0) add('REMOTE_AUTH_SUPERUSER_GROUPS', model.netbox.superuserGroups, fullEnv);
    // Before NetBox 4.5, users and permissions are managed in the admin site, which needs is_staff.
    if (features.staffSettings && model.netbox.superusers.length > 0) add('REMOTE_AUTH_STAFF_USERS', model.netbox.superusers, fullEnv);
    if (features.staffSettings && model.netbox.superuserGroups.length > 0) {
      add('REMOTE_AUTH_STAFF_GROUPS', model.netbox.superuserGroups, fullEnv);
    }
    if (features.autoCreateGroups) add('REMOTE_AUTH_AUTO_CREATE_GROUPS', true, fullEnv);
  }
  if (features.userProfileHeaders) {
    add('REMOTE_AUTH_USER_EMAIL', identity.userMetaKey, fullEnv);
    if (identity.firstNameMetaKey) add('REMOTE_AUTH_USER_FIRST_NAME', identity.firstNameMetaKey, fullEnv);
    if (identity.lastNameMetaKey) add('REMOTE_AUTH_USER_LAST_NAME', identity.lastNameMetaKey, fullEnv);
  }
  // NetBox's own logout would be undone by the next request's header: end the Pomerium session.
  if (features.logoutRedirect) add('LOGOUT_REDIRECT_URL', model.netbox.logoutRedirectUrl, release.logoutRedirectEnv);
  for (const [name, value] of apiNetboxSettings(model.api, release)) add(name, value, true);
  for (const setting of egressSettings(model)) add(setting.name, setting.value, setting.fromEnv);

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
    MEDIA_ROOT: VOLUMES.media.mount,
    METRICS_ENABLED: 'false',
    WEBHOOKS_ENABLED: 'true',
    GRAPHQL_ENABLED: 'true',
    ...(release.housekeeping ? { HOUSEKEEPING_INTERVAL: '86400' } : {}),
    ...proxyEnvironment(model),
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
