import { proxyEnvironment } from '../egress/egress-settings';
import type { StackModel } from '../model/deployment-model';
import {
  FILES, NETBOX_DB, NETBOX_MANAGE, NETBOX_NETWORK, NETBOX_PORT, NETBOX_PYTHON, netboxDataVolumes, PLUGINS_CONFIG_MOUNT, SECRETS_FILE,
  SERVICES, VOLUMES,
} from '../model/stack-names';
import { NETBOX_EXTRA_CONFIG_MOUNT, renderNetboxExtraConfig } from '../netbox/netbox-settings';
import { pluginImage } from '../plugins/plugin-image';
import { POMERIUM_CONFIG_PATH } from '../pomerium/pomerium-config';
import { SECRET_NAMES } from '../secrets/secret-specs';
import { userSecretVariables } from '../secrets/user-secrets';
import { renderTraefikLabels } from '../traefik/traefik-labels';

export type ComposeObject = Record<string, any>;

/** `${NAME:?...}`: Compose refuses to start when the secret is missing or empty. */
export function secretRef(name: string): string {
  const hint = name === SECRET_NAMES.idpClientSecret
    ? `paste the IdP client secret into ${SECRETS_FILE}`
    : `run npx projen to create it in ${SECRETS_FILE}`;
  return `\${${name}:?${hint}}`;
}

/** `${NAME:?...}` for a secret the user supplies: Compose names it when it is still empty. */
export function userSecretRef(name: string): string {
  return `\${${name}:?put the value of this secret you supply into ${SECRETS_FILE}}`;
}

/** The environment entries a service gets from user secrets. */
function userSecretEnvironment(model: StackModel, service: string): Record<string, string> {
  return Object.fromEntries(userSecretVariables(model.userSecrets, service).map(([variable, secret]) => [variable, userSecretRef(secret)]));
}

const RESTART = 'unless-stopped';

/**
 * The Compose file for `docker compose` (Compose spec, no obsolete `version:`), derived from the
 * model. NetBox and its data services sit on an internal network; only Pomerium also joins the
 * external Traefik network and carries Traefik labels.
 */
export function renderCompose(model: StackModel): ComposeObject {
  const { release } = model.netbox;
  const services: ComposeObject = {
    [SERVICES.pomerium]: pomeriumService(model),
    ...netboxServices(model),
    [SERVICES.postgres]: postgresService(model),
    [SERVICES.redis]: redisService(model, SECRET_NAMES.redis, mountOf(VOLUMES.redis), true),
    [SERVICES.redisCache]: redisService(model, SECRET_NAMES.redisCache, mountOf(VOLUMES.redisCache), false),
  };
  for (const app of model.apps) {
    services[app.name] = {
      image: app.image,
      restart: RESTART,
      ...(Object.keys(app.environment).length > 0 ? { env_file: [FILES.appEnv(app.name)] } : {}),
      ...withEnvironment(userSecretEnvironment(model, app.name)),
      networks: [app.network],
    };
  }

  const networks: ComposeObject = {
    [NETBOX_NETWORK]: { internal: true },
    // A fixed name: Compose would otherwise prefix it with the project name.
    [model.traefik.network]: { external: true, name: model.traefik.network },
  };
  for (const app of model.apps) networks[app.network] = { internal: true };
  // Not internal, so NetBox reaches outside; no published port and no other member (checks/isolation.ts).
  if (model.egress.network) networks[model.egress.network] = { internal: false };

  const dataVolumes = new Set(netboxDataVolumes(release).map((v) => v.name));
  const roles = (Object.keys(VOLUMES) as Array<keyof typeof VOLUMES>)
    .filter((role) => !('netboxData' in VOLUMES[role]) || dataVolumes.has(VOLUMES[role].name));
  const volumes = Object.fromEntries(roles.map((role) => [VOLUMES[role].name, volumeEntry(model, role)])
    .sort(([a], [b]) => (a < b ? -1 : 1)));

  // The project name is pinned in the file, so volume names (`<project>_<volume>`) do not depend
  // on the folder the deployment is cloned into, with or without the tasks. The Swarm stack drops it
  // (`docker stack deploy` rejects it).
  return applyOverrides(structuredClone({ name: model.projectName, services, networks, volumes }), model.composeOverrides);
}

/**
 * A volume of the stack. An adopted one names the old Docker volume and is external: Compose then
 * refuses to start when it is missing instead of creating an empty one NetBox would initialise.
 */
function volumeEntry(model: StackModel, role: keyof typeof VOLUMES): ComposeObject {
  const adopted = model.adoption?.volumes[role];
  return adopted ? { external: true, name: adopted } : { driver: 'local' };
}

const mountOf = (v: { name: string; mount: string }) => `${v.name}:${v.mount}`;
const withEnvironment = (environment: Record<string, string>) => (Object.keys(environment).length > 0 ? { environment } : {});

/** Pomerium: the only service on the Traefik network, and the only one with Traefik labels. */
function pomeriumService(model: StackModel): ComposeObject {
  return {
    image: model.pomerium.image,
    restart: RESTART,
    environment: {
      COOKIE_SECRET: secretRef(SECRET_NAMES.cookie),
      SHARED_SECRET: secretRef(SECRET_NAMES.shared),
      IDP_CLIENT_SECRET: secretRef(SECRET_NAMES.idpClientSecret),
      // Where every outbound connection must use the proxy, Pomerium's calls to the IdP too.
      ...(model.egress.proxy?.forPomerium ? proxyEnvironment(model) : {}),
      ...userSecretEnvironment(model, SERVICES.pomerium),
    },
    volumes: [`./${FILES.pomeriumConfig}:${POMERIUM_CONFIG_PATH}:ro`,
      ...(model.egress.idpCa ? [`./${model.egress.idpCa.file}:${model.egress.idpCa.mount}:ro`] : [])],
    networks: [model.traefik.network, NETBOX_NETWORK, ...model.apps.map((a) => a.network)],
    labels: renderTraefikLabels(model),
    healthcheck: { test: ['CMD', 'pomerium', 'health'], start_period: '30s', interval: '15s', timeout: '5s' },
    depends_on: { [SERVICES.netbox]: { condition: 'service_started' } },
  };
}

/** NetBox's web service, its worker and (on releases that have it) the housekeeping container: one image, one configuration. */
function netboxServices(model: StackModel): ComposeObject {
  const { release } = model.netbox;
  const netboxVolumes = netboxDataVolumes(release).map(mountOf);
  if (renderNetboxExtraConfig(model)) netboxVolumes.push(`./${FILES.netboxExtraConfig}:${NETBOX_EXTRA_CONFIG_MOUNT}:ro`);
  // With plugins, every NetBox service runs the one locally built image (a worker left on the stock
  // image fails the plugins' jobs); only the web service builds it, the others never pull it.
  const plugins = pluginImage(model);
  if (plugins) netboxVolumes.push(`./${FILES.pluginsConfig}:${PLUGINS_CONFIG_MOUNT}:ro`);
  const netboxEnvironment: Record<string, string> = {
    DB_PASSWORD: secretRef(SECRET_NAMES.db),
    REDIS_PASSWORD: secretRef(SECRET_NAMES.redis),
    REDIS_CACHE_PASSWORD: secretRef(SECRET_NAMES.redisCache),
    SECRET_KEY: secretRef(SECRET_NAMES.secretKey),
    ...(release.apiTokenPepper ? { API_TOKEN_PEPPER_1: secretRef(SECRET_NAMES.pepper) } : {}),
  };
  const netboxBase = {
    image: plugins?.local ?? `netboxcommunity/netbox:${release.tag}`,
    ...(plugins ? { pull_policy: 'never' } : {}),
    restart: RESTART,
    user: release.containerUser,
    env_file: [FILES.netboxEnv],
    environment: netboxEnvironment,
    volumes: netboxVolumes,
    networks: [NETBOX_NETWORK],
  };
  // The web service and the worker reach outside (webhooks, mail, data sources) unless isolated;
  // user secrets reach only the services they name.
  const own = (service: string) => ({
    environment: { ...netboxEnvironment, ...userSecretEnvironment(model, service) },
    ...(model.egress.members.includes(service) ? { networks: [NETBOX_NETWORK, model.egress.network!] } : {}),
  });
  const services: ComposeObject = {};
  services[SERVICES.netbox] = {
    ...netboxBase,
    ...(plugins ? { build: { context: `./${FILES.pluginBuildContext}` } } : {}),
    ...own(SERVICES.netbox),
    depends_on: {
      [SERVICES.postgres]: { condition: 'service_healthy' },
      [SERVICES.redis]: { condition: 'service_healthy' },
      [SERVICES.redisCache]: { condition: 'service_healthy' },
    },
    // First boot runs every migration; 90 s (netbox-docker's value) is often too short.
    healthcheck: {
      test: ['CMD-SHELL', `curl -f http://localhost:${NETBOX_PORT}/login/ || exit 1`],
      start_period: '300s',
      timeout: '3s',
      interval: '15s',
    },
  };
  // The worker's command replaces the image's entrypoint script, so it must wait for the web
  // container to have migrated the database.
  services[SERVICES.worker] = {
    ...netboxBase,
    ...own(SERVICES.worker),
    command: [NETBOX_PYTHON, NETBOX_MANAGE, 'rqworker'],
    depends_on: { [SERVICES.netbox]: { condition: 'service_healthy' } },
    healthcheck: processHealthcheck('rqworker'),
  };
  if (release.housekeeping) {
    services[SERVICES.housekeeping] = {
      ...netboxBase,
      ...own(SERVICES.housekeeping),
      command: ['/opt/netbox/housekeeping.sh'],
      depends_on: { [SERVICES.netbox]: { condition: 'service_healthy' } },
      healthcheck: processHealthcheck('housekeeping'),
    };
  }
  return services;
}

function postgresService(model: StackModel): ComposeObject {
  const { release } = model.netbox;
  return {
    image: release.postgresImage,
    restart: RESTART,
    env_file: [FILES.postgresEnv],
    environment: { POSTGRES_PASSWORD: secretRef(SECRET_NAMES.db) },
    volumes: [`${VOLUMES.postgres.name}:${release.postgresDataPath}`],
    networks: [NETBOX_NETWORK],
    healthcheck: {
      test: ['CMD-SHELL', 'pg_isready -q -t 2 -d $$POSTGRES_DB -U $$POSTGRES_USER'],
      start_period: '20s',
      timeout: '30s',
      interval: '10s',
      retries: 5,
    },
  };
}

function processHealthcheck(processName: string): ComposeObject {
  return {
    test: ['CMD-SHELL', `ps -aux | grep -v grep | grep -q ${processName} || exit 1`],
    start_period: '20s',
    timeout: '3s',
    interval: '15s',
  };
}

function redisService(model: StackModel, passwordVar: string, volumeMount: string, appendOnly: boolean): ComposeObject {
  const { redisServer, redisCli, redisImage } = model.netbox.release;
  // `sh -c` so that $$REDIS_PASSWORD expands inside the container, not from the compose file.
  const server = `${redisServer}${appendOnly ? ' --appendonly yes' : ''} --requirepass $$REDIS_PASSWORD`;
  return {
    image: redisImage,
    restart: RESTART,
    command: ['sh', '-c', server],
    environment: { REDIS_PASSWORD: secretRef(passwordVar) },
    volumes: [volumeMount],
    networks: [NETBOX_NETWORK],
    healthcheck: {
      test: ['CMD-SHELL', `[ "$$(${redisCli} --no-auth-warning -a "$$REDIS_PASSWORD" ping)" = 'PONG' ]`],
      start_period: '5s',
      timeout: '3s',
      interval: '1s',
      retries: 5,
    },
  };
}

/**
 * Merges `composeOverrides` (dot paths, `\.` for a literal dot) into the rendered object.
 * `null` deletes the key.
 */
export function applyOverrides(obj: ComposeObject, overrides: Readonly<Record<string, unknown>>): ComposeObject {
  for (const [path, value] of Object.entries(overrides)) {
    const keys = path.split(/(?<!\\)\./).map((k) => k.replace(/\\\./g, '.'));
    let node: any = obj;
    for (const key of keys.slice(0, -1)) {
      if (typeof node[key] !== 'object' || node[key] === null || Array.isArray(node[key])) node[key] = {};
      node = node[key];
    }
    const last = keys[keys.length - 1];
    if (value === null) delete node[last];
    else node[last] = value;
  }
  return obj;
}

/** The NetBox env file and the Postgres env file (no secrets). */
export function renderPostgresEnv(): Record<string, string> {
  return { POSTGRES_DB: NETBOX_DB, POSTGRES_USER: NETBOX_DB };
}

/** `KEY=value` lines, sorted by key; values are checked to be single-line when the model is built. */
export function envLines(vars: Readonly<Record<string, string>>): string[] {
  return Object.keys(vars).sort().map((k) => `${k}=${vars[k]}`);
}
