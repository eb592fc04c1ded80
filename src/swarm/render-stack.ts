import { keyValueMap } from '../compose/compose-shape';
import type { ComposeObject } from '../compose/render-compose';
import type { StackModel } from '../model/deployment-model';
import type { DeclarationProblems } from '../model/problems';
import { DATA_SERVICES, SERVICES } from '../model/stack-names';
import { clusterImage, pluginImage } from '../plugins/plugin-image';
import { sortKeys } from '../traefik/traefik-labels';
import { TraefikProvider } from '../traefik/traefik-provider';

/** Swarm keeps secrets and configs under this directory inside a container. */
const SECRETS_DIR = '/run/secrets';

/** A compose value of the form `${NAME:?hint}` (or `${NAME}`): a secret from `.env`. */
const SECRET_REF = /^\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?[?-][^}]*)?\}$/;

/**
 * Swarm secrets and configs cannot change their content, so each gets a versioned name (the
 * digest of its content) that the deploy task computes and passes in this variable. A changed
 * value becomes a new object, and the services roll over to it.
 */
export interface StackObject {
  /** Key under the top-level `secrets:` / `configs:`. */
  readonly key: string;
  /** The environment variable that carries the versioned Swarm name at deploy time. */
  readonly nameVariable: string;
}

/** A Swarm secret made from one `.env` variable. */
export interface StackSecret extends StackObject {
  readonly envName: string;
}

/** A Swarm config made from one generated file that compose.yaml bind-mounts. */
export interface StackConfig extends StackObject {
  /** Path relative to the deployment root. */
  readonly file: string;
}

/** The message `docker stack deploy` prints when a versioned name is missing (the docker CLI's template parser stops at `-`). */
const NAME_MISSING = 'is set by the projen task that deploys the stack';

/** The secrets compose.yaml interpolates from `.env`, in first-use order. */
export function stackSecrets(compose: ComposeObject): StackSecret[] {
  const byEnv = new Map<string, StackSecret>();
  for (const svc of Object.values<any>(compose.services ?? {})) {
    for (const value of Object.values(svc.environment ?? {})) {
      const envName = SECRET_REF.exec(String(value))?.[1];
      if (envName && !byEnv.has(envName)) {
        byEnv.set(envName, { key: envName.toLowerCase(), envName, nameVariable: `SWARM_SECRET_${envName}` });
      }
    }
  }
  return [...byEnv.values()];
}

/** The files compose.yaml bind-mounts from the deployment directory (relative paths), in first-use order. */
export function stackConfigs(compose: ComposeObject): StackConfig[] {
  const byFile = new Map<string, StackConfig>();
  for (const svc of Object.values<any>(compose.services ?? {})) {
    for (const volume of svc.volumes ?? []) {
      const bind = relativeBind(volume);
      if (bind && !byFile.has(bind.file)) {
        const key = bind.file.replace(/[^A-Za-z0-9]+/g, '_').replace(/^_+|_+$/g, '').toLowerCase();
        byFile.set(bind.file, { key, file: bind.file, nameVariable: `SWARM_CONFIG_${key.toUpperCase()}` });
      }
    }
  }
  return [...byFile.values()];
}

/** How a service reads a secret from a file instead of its environment variable. */
type FileDelivery =
  /** The image reads `/run/secrets/<target>` itself (netbox-docker's configuration.py). */
  | { readonly kind: 'native'; readonly target: string }
  /** The image reads `<VAR>_FILE` (Pomerium, the Postgres image). */
  | { readonly kind: 'file-variable' }
  /** The service's own shell command and healthcheck read the file into the variable. */
  | { readonly kind: 'shell' };

/** netbox-docker's configuration.py: `/run/secrets/<name>` replaces the environment variable (stack-facts §1.6). */
const NETBOX_DOCKER_SECRET_FILES: Readonly<Record<string, string>> = {
  DB_PASSWORD: 'db_password',
  REDIS_PASSWORD: 'redis_password',
  REDIS_CACHE_PASSWORD: 'redis_cache_password',
  SECRET_KEY: 'secret_key',
  API_TOKEN_PEPPER_1: 'api_token_pepper_1',
  EMAIL_PASSWORD: 'email_password',
};
/**
 * Variables whose `<VAR>_FILE` twin the image reads: Pomerium (cookie_secret_file,
 * shared_secret_file, idp_client_secret_file) and the postgres image's entrypoint (file_env).
 * A function, not a constant: the model imports this module while SERVICES is being defined.
 */
function fileVariables(service: string): readonly string[] {
  if (service === SERVICES.pomerium) return ['COOKIE_SECRET', 'SHARED_SECRET', 'IDP_CLIENT_SECRET'];
  if (service === SERVICES.postgres) return ['POSTGRES_PASSWORD'];
  return [];
}

function fileDelivery(service: string, svc: any, variable: string, userSecret: boolean): FileDelivery | undefined {
  if ([SERVICES.netbox, SERVICES.worker, SERVICES.housekeeping].includes(service as any)) {
    const target = NETBOX_DOCKER_SECRET_FILES[variable];
    if (target) return { kind: 'native', target };
    // A secret the user supplies: its reader (a plugin's configuration, say) reads <VAR>_FILE.
    return userSecret ? { kind: 'file-variable' } : undefined;
  }
  if (userSecret) return { kind: 'file-variable' };
  if (fileVariables(service).includes(variable)) return { kind: 'file-variable' };
  const shellCommand = Array.isArray(svc.command) && svc.command[0] === 'sh' && svc.command[1] === '-c';
  if (shellCommand && String(svc.command[2]).includes(`$$${variable}`)) return { kind: 'shell' };
  return undefined;
}

/**
 * The stack object for `docker stack deploy -c stack.yaml <project>`, derived from the compose
 * object (after `composeOverrides`), not rendered a second time from the model: what
 * `docker stack deploy` rejects or ignores is translated, everything else is kept. Problems (a secret no service can read from a file, names too long for Swarm) go to `p`.
 */
export function renderStack(model: StackModel, compose: ComposeObject, p: DeclarationProblems): ComposeObject {
  const source = structuredClone(compose);
  const context: StackContext = {
    model, p, secrets: stackSecrets(source), configs: stackConfigs(source), nodeLocal: nodeLocalVolumes(source),
  };
  const services: ComposeObject = {};
  for (const [name, svc] of Object.entries<any>(source.services ?? {})) services[name] = stackService(context, name, svc);

  const networks: ComposeObject = {};
  for (const [name, net] of Object.entries<any>(source.networks ?? {})) {
    // External networks are created outside the stack (the Traefik network: an attachable overlay).
    networks[name] = net?.external ? { external: true, name: net.name ?? name } : { driver: 'overlay', ...(net ?? {}) };
  }

  // No top-level `name:` (docker stack deploy rejects it); the stack name is the project name.
  const { name: _name, version: _version, services: _services, networks: _networks, ...topLevel } = source;
  const stack: ComposeObject = { services, networks, ...topLevel };
  const { secrets, configs } = context;
  if (secrets.length > 0) {
    stack.secrets = Object.fromEntries(secrets.map((s) => [s.key, { external: true, name: versionedName(s) }]));
  }
  if (configs.length > 0) {
    stack.configs = Object.fromEntries(configs.map((c) => [c.key, { file: `./${c.file}`, name: versionedName(c) }]));
  }
  checkSwarmNameLength(p, model, [...secrets, ...configs]);
  return stack;
}

/** What converting one service needs to know about the whole stack. */
interface StackContext {
  readonly model: StackModel;
  readonly p: DeclarationProblems;
  readonly secrets: readonly StackSecret[];
  readonly configs: readonly StackConfig[];
  readonly nodeLocal: ReadonlySet<string>;
}

/**
 * Swarm cannot build: the services on the locally built NetBox image with plugins run the image
 * `npx projen push` pushed (swarmOptions.pluginImageRepository; the model refuses plugins without it).
 */
function runPushedImage(model: StackModel, out: ComposeObject): void {
  if (out.image === pluginImage(model)?.local) {
    delete out.build;
    delete out.pull_policy;
  }
  if (out.image !== undefined) out.image = clusterImage(model, out.image, 'swarm');
}

/** One compose service as a Swarm service: secrets and configs as files, service labels, deploy settings. */
function stackService(context: StackContext, name: string, svc: any): ComposeObject {
  const settings = context.model.swarmSettings;
  // `docker stack deploy` rejects long-form depends_on and ignores ordering; container_name and
  // restart are ignored (restart becomes the restart policy).
  const { depends_on: _dependsOn, container_name: _containerName, restart, labels, deploy, ...rest } = svc;
  // compose.yaml's services may share nested objects (the NetBox services share one environment).
  const out: ComposeObject = structuredClone(rest);

  if (out.env_file !== undefined) {
    // Plain strings: the long form is not known to work under Swarm.
    out.env_file = [out.env_file].flat().map((e: any) => (typeof e === 'string' ? e : e.path));
  }
  runPushedImage(context.model, out);
  deliverSecrets(context, name, out);
  mountConfigs(context, out);

  // Traefik reads only service labels (deploy.labels) under Swarm; the provider's own keys are renamed.
  const containerLabels: Record<string, string> = {};
  const serviceLabels: Record<string, string> = { ...keyValueMap(deploy?.labels) };
  for (const [key, value] of Object.entries(keyValueMap(labels))) {
    if (key.startsWith('traefik.')) serviceLabels[providerKey(key, settings.traefikProvider)] = value;
    else containerLabels[key] = value;
  }
  if (Object.keys(containerLabels).length > 0) out.labels = containerLabels;

  const replicas = DATA_SERVICES.includes(name) ? 1 : settings.replicas[name];
  const lbPort = Object.keys(serviceLabels).find((k) => /^traefik\.http\.services\.[^.]+\.loadbalancer\.server\.port$/.test(k));
  if (lbPort && (replicas ?? 1) > 1) {
    // Each Pomerium replica holds its sessions in memory: keep a user on one replica.
    const prefix = lbPort.replace(/\.server\.port$/, '.sticky.cookie');
    Object.assign(serviceLabels, { [prefix]: 'true', [`${prefix}.httponly`]: 'true', [`${prefix}.secure`]: 'true' });
  }

  const pinned = DATA_SERVICES.includes(name) || namedVolumes(out).some((v) => context.nodeLocal.has(v));
  out.deploy = {
    ...(deploy ?? {}),
    ...(replicas !== undefined ? { replicas } : {}),
    ...(pinned ? { placement: { ...(deploy?.placement ?? {}), constraints: [settings.dataNodeConstraint] } } : {}),
    restart_policy: restartPolicy(restart),
    ...(Object.keys(serviceLabels).length > 0 ? { labels: sortKeys(serviceLabels) } : {}),
  };
  return out;
}

/** Secrets: a file under /run/secrets instead of an interpolated environment variable. */
function deliverSecrets(context: StackContext, name: string, out: ComposeObject): void {
  const mounts: ComposeObject[] = [];
  for (const [variable, value] of Object.entries<any>(out.environment ?? {})) {
    const envName = SECRET_REF.exec(String(value))?.[1];
    if (!envName) continue;
    const secret = context.secrets.find((s) => s.envName === envName)!;
    const delivery = fileDelivery(name, out, variable, context.model.userSecrets.some((u) => u.name === envName && u.variables.includes(variable)));
    if (!delivery) {
      context.p.add(`composeOverrides["services.${name}.environment.${variable}"]`,
        'passes a secret from .env that the Swarm stack cannot deliver: the service has no known way to read it from a file',
        value, `Remove it, or turn swarm off; Swarm services get secrets only as files under ${SECRETS_DIR}.`);
      continue;
    }
    delete out.environment[variable];
    const target = delivery.kind === 'native' ? delivery.target : secret.key;
    const path = `${SECRETS_DIR}/${target}`;
    if (delivery.kind === 'file-variable') out.environment[`${variable}_FILE`] = path;
    if (delivery.kind === 'shell') {
      const read = `${variable}="$$(cat ${path})" && `;
      out.command = [out.command[0], out.command[1], read + out.command[2]];
      if (Array.isArray(out.healthcheck?.test) && out.healthcheck.test[0] === 'CMD-SHELL') {
        out.healthcheck = { ...out.healthcheck, test: ['CMD-SHELL', read + out.healthcheck.test[1]] };
      }
    }
    mounts.push({ source: secret.key, target, ...fileOwnership(out.user) });
  }
  if (out.environment && Object.keys(out.environment).length === 0) delete out.environment;
  if (mounts.length > 0) out.secrets = mounts;
}

/** Mounted files become configs, which exist on every node. */
function mountConfigs(context: StackContext, out: ComposeObject): void {
  const volumes: unknown[] = [];
  const configMounts: ComposeObject[] = [];
  for (const volume of out.volumes ?? []) {
    const bind = relativeBind(volume);
    const config = bind && context.configs.find((c) => c.file === bind.file);
    if (bind && config) configMounts.push({ source: config.key, target: bind.target, mode: 0o444 });
    else volumes.push(volume);
  }
  if (out.volumes !== undefined) {
    if (volumes.length > 0) out.volumes = volumes;
    else delete out.volumes;
  }
  if (configMounts.length > 0) out.configs = configMounts;
}

/** Swarm object names have at most 64 characters; the project name is the part the user chooses. */
function checkSwarmNameLength(p: DeclarationProblems, model: StackModel, objects: readonly StackObject[]): void {
  const longest = objects.map((o) => swarmObjectName(model, o.key, '0'.repeat(DIGEST_LENGTH)))
    .sort((a, b) => b.length - a.length)[0];
  if (longest !== undefined && longest.length > SWARM_NAME_MAX) {
    p.add('name', `makes the Swarm object name "${longest}" longer than ${SWARM_NAME_MAX} characters`, model.projectName,
      `Use a project name of at most ${model.projectName.length - (longest.length - SWARM_NAME_MAX)} characters; `
      + 'Swarm secrets and configs are named <project>_<key>_<digest>.');
  }
}

/** Length of the content digest in a versioned Swarm name. */
export const DIGEST_LENGTH = 12;
const SWARM_NAME_MAX = 64;

/** The Swarm name of a secret or config version: `<project>_<key>_<digest>`. */
export function swarmObjectName(model: StackModel, key: string, digest: string): string {
  return `${model.projectName}_${key}_${digest}`;
}

function versionedName(object: StackObject): string {
  return `\${${object.nameVariable}:?${NAME_MISSING}}`;
}

/** `./file:/target[:ro]` → the file and the target; named volumes and absolute paths are not configs. */
function relativeBind(volume: unknown): { file: string; target: string } | undefined {
  if (typeof volume !== 'string') return undefined;
  const m = /^\.\/([^:]+):([^:]+)(?::ro)?$/.exec(volume);
  return m ? { file: m[1], target: m[2] } : undefined;
}

function namedVolumes(svc: any): string[] {
  return (svc.volumes ?? []).filter((v: unknown) => typeof v === 'string' && /^[A-Za-z0-9]/.test(v) && v.includes(':'))
    .map((v: string) => v.split(':')[0]);
}

/** Named volumes that live on one node: the local driver without options (an NFS mount, say, is shared). */
function nodeLocalVolumes(compose: ComposeObject): Set<string> {
  return new Set(Object.entries<any>(compose.volumes ?? {})
    .filter(([, v]) => (v?.driver ?? 'local') === 'local' && v?.driver_opts === undefined)
    .map(([name]) => name));
}

/**
 * Secret files are root-owned and must be readable by the container's user (netbox-docker#1159).
 * netbox-docker runs as `netbox:root` / `unit:root`, so group read access is enough. When the
 * compose file names no group, the image's user decides (Pomerium's `-nonroot` images run as
 * 65532, for one), so the file is readable by every user inside that one container.
 */
function fileOwnership(user: string | undefined): ComposeObject {
  const group = user === undefined ? undefined : String(user).split(':')[1];
  if (group === 'root' || group === '0') return { uid: '0', gid: '0', mode: 0o440 };
  if (group !== undefined && /^\d+$/.test(group)) return { uid: '0', gid: group, mode: 0o440 };
  return { uid: '0', gid: '0', mode: 0o444 };
}

/** Compose `restart` → Swarm `deploy.restart_policy`. */
function restartPolicy(restart: string | undefined): ComposeObject {
  const value = String(restart ?? 'unless-stopped');
  const onFailure = /^on-failure(?::(\d+))?$/.exec(value);
  if (onFailure) return { condition: 'on-failure', ...(onFailure[1] ? { max_attempts: Number(onFailure[1]) } : {}) };
  return { condition: value === 'no' ? 'none' : 'any' };
}

/** `traefik.docker.network` → `traefik.swarm.network` (or kept, for Traefik before 3.2.2). */
function providerKey(key: string, provider: TraefikProvider): string {
  const dockerPrefix = `traefik.${TraefikProvider.DOCKER}.`;
  return key.startsWith(dockerPrefix) ? `traefik.${provider}.${key.slice(dockerPrefix.length)}` : key;
}

