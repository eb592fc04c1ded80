import { parseDocument } from 'yaml';
import { isNetboxImage, isPostgresImage, normalizePostgresImage, VolumeRole } from './adoption-model';
import { BuildSpec, buildSpec, OldImageBuild, readImageBuild } from './old-image';

/**
 * Reading an existing (hand-written or netbox-docker) compose deployment the way Compose v2 does:
 * its project name, each service's environment (env files, then `environment:`), and which named
 * volume holds which data. Pure: files are read through the `read` callback.
 */

/** Compose's project name from a folder name or `name:` (compose-go NormalizeProjectName). */
export function normalizeProjectName(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9_-]/g, '').replace(/^[_-]+/, '');
}

/**
 * Compose interpolation: `$$`, `$VAR`, `${VAR}`, `${VAR:-d}`, `${VAR-d}`, `${VAR:?e}`, `${VAR?e}`,
 * `${VAR:+r}`, `${VAR+r}`. Unknown variables become empty, as in Compose.
 */
export function interpolate(text: string, vars: Readonly<Record<string, string>>): string {
  return text.replace(/\$(\$|\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])((?:[^{}]|\{[^{}]*\})*))?\}|([A-Za-z_][A-Za-z0-9_]*))/g,
    (_all, dollar: string, braced?: string, op?: string, arg?: string, bare?: string) => {
      if (dollar === '$') return '$';
      const name = braced ?? bare!;
      const value = vars[name];
      const set = value !== undefined;
      const nonEmpty = set && value !== '';
      switch (op) {
        case ':-': return nonEmpty ? value : interpolate(arg ?? '', vars);
        case '-': return set ? value : interpolate(arg ?? '', vars);
        case ':+': return nonEmpty ? interpolate(arg ?? '', vars) : '';
        case '+': return set ? interpolate(arg ?? '', vars) : '';
        default: return value ?? '';
      }
    });
}

/**
 * An env file as Compose v2 reads it: `KEY=value` (optionally `export KEY=...`); single quotes are
 * literal, double quotes take `\n`-style escapes and interpolation, unquoted values lose a ` #comment`
 * and surrounding blanks and are interpolated. Interpolation sees earlier lines and `vars`.
 */
export function parseEnvFile(content: string, vars: Readonly<Record<string, string>> = {}): Record<string, string> {
  const out: Record<string, string> = {};
  const lookup = () => ({ ...vars, ...out });
  for (const line of content.split(/\r?\n/)) {
    const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(.*)$/.exec(line);
    if (!m) continue;
    const raw = m[2];
    let value: string;
    let q: RegExpExecArray | null;
    if ((q = /^'([^']*)'/.exec(raw))) {
      value = q[1];
    } else if ((q = /^"((?:[^"\\]|\\.)*)"/.exec(raw))) {
      value = interpolate(q[1].replace(/\\(.)/g, (_a, c: string) => ({ n: '\n', t: '\t', r: '\r' } as Record<string, string>)[c] ?? c), lookup());
    } else {
      value = interpolate(raw.replace(/(^|\s)#.*$/, '').trim(), lookup());
    }
    out[m[1]] = value;
  }
  return out;
}

/** What a service mounts: a named volume (`volume`) or a bind mount (`bind`), at `target`. */
export interface Mount {
  readonly type: 'volume' | 'bind';
  readonly source: string;
  readonly target: string;
}

export function parseMount(mount: unknown): Mount | undefined {
  if (typeof mount === 'string') {
    const [source, target] = mount.split(':');
    if (target === undefined) return undefined; // an anonymous volume
    const bind = /^[./~]/.test(source);
    return { type: bind ? 'bind' : 'volume', source, target: target.replace(/\/+$/, '') || '/' };
  }
  if (typeof mount === 'object' && mount !== null) {
    const m = mount as Record<string, unknown>;
    if (typeof m.target !== 'string' || typeof m.source !== 'string') return undefined;
    return { type: m.type === 'bind' ? 'bind' : 'volume', source: m.source, target: m.target.replace(/\/+$/, '') || '/' };
  }
  return undefined;
}

/** One service of the old file, with its environment resolved. */
export interface OldService {
  readonly name: string;
  readonly image: string;
  readonly hasCommand: boolean;
  readonly environment: Readonly<Record<string, string>>;
  readonly mounts: readonly Mount[];
  /** Its `build:`, if it builds its image. */
  readonly build?: BuildSpec;
}

/** The NetBox image the old stack builds itself (netbox-docker's plugin pattern). */
export interface OldNetboxBuild extends OldImageBuild {
  /** The service whose `build:` makes it. */
  readonly service: string;
  /** The local image name the NetBox services run. */
  readonly localImage: string;
  /** `configuration/plugins.py` next to the old compose file, when there is one (its PLUGINS_CONFIG is Python). */
  readonly pluginsPy?: string;
}

/** Everything adopt reads from an old deployment. */
export interface OldDeployment {
  readonly projectName: string;
  /** Where the project name came from, for the report. */
  readonly projectNameSource: string;
  readonly netbox: OldService;
  /** The other services running the NetBox image (worker, housekeeping). */
  readonly netboxHelpers: readonly OldService[];
  readonly postgres: OldService;
  readonly redis?: OldService;
  readonly redisCache?: OldService;
  readonly pomerium?: OldService;
  readonly postgresImage: string;
  readonly postgresDataPath: string;
  /** Docker volume names by role (only the roles the old stack had). */
  readonly volumes: Readonly<Partial<Record<VolumeRole, string>>>;
  /** Compose keys of the old volumes, for the report. */
  readonly volumeKeys: Readonly<Partial<Record<VolumeRole, string>>>;
  /** Set when NetBox runs a locally built image. */
  readonly build?: OldNetboxBuild;
}

export interface ReadOldOptions {
  readonly composeText: string;
  /** Name of the folder holding the old compose file (the project name when nothing else sets it). */
  readonly dirName: string;
  /** Reads a file relative to the old compose file's folder; undefined when it is missing. */
  readonly read: (relativePath: string) => string | undefined;
  /** `-p` / COMPOSE_PROJECT_NAME the old stack was started with. */
  readonly projectName?: string;
}

export type ReadOldResult = { readonly deployment: OldDeployment } | { readonly refusal: string };

const NETBOX_MOUNTS: ReadonlyArray<readonly [VolumeRole, string]> = [
  ['media', '/opt/netbox/netbox/media'],
  ['reports', '/opt/netbox/netbox/reports'],
  ['scripts', '/opt/netbox/netbox/scripts'],
];

/** Reads an old deployment, or says why it cannot be adopted. */
export function readOldDeployment(options: ReadOldOptions): ReadOldResult {
  const refuse = (refusal: string): ReadOldResult => ({ refusal });
  const compose = parseCompose(options.composeText);
  if (typeof compose === 'string') return refuse(compose);

  // Compose's own .env next to the file feeds interpolation (the shell's environment is not read).
  const dotenvText = options.read('.env');
  const vars = dotenvText === undefined ? {} : parseEnvFile(dotenvText);
  const sub = (v: unknown) => (typeof v === 'string' ? interpolate(v, vars) : v);

  const { projectName, projectNameSource } = oldProjectName(options, vars, compose, sub);
  if (projectName === '') return refuse(`no Compose project name can be derived (from ${projectNameSource}); pass --project-name <name>`);

  const listed = oldServices(options, vars, compose, sub);
  if (typeof listed === 'string') return refuse(listed);
  const built = builtNetbox(listed, projectName, options.read);
  if (typeof built === 'string') return refuse(built);
  const { services, build } = built;

  const netboxServices = services.filter((s) => isNetboxImage(s.image));
  if (netboxServices.length === 0) {
    return refuse('it is not a NetBox compose file: no service runs the netboxcommunity/netbox image'
      + built.notNetbox.map((why) => `, and service ${why}`).join('')
      + (built.notNetbox.length > 0 ? '. A NetBox image built here is adopted from its Dockerfile (read relative to the compose file\'s folder and '
        + 'the build context), which needs one FROM of netboxcommunity/netbox:<tag>; make it readable there, then adopt again' : ''));
  }
  const web = netboxServices.filter((s) => !s.hasCommand);
  const netbox = web.length === 1 ? web[0] : web.find((s) => s.name === 'netbox');
  if (!netbox) {
    return refuse(`it is ambiguous which service is the NetBox web server: ${web.map((s) => s.name).join(', ') || '(every NetBox service has a command:)'}`);
  }
  const byName = (host: string | undefined) => services.find((s) => s.name === host);

  const postgresCandidates = services.filter((s) => isPostgresImage(s.image));
  const postgres = byName(netbox.environment.DB_HOST) ?? (postgresCandidates.length === 1 ? postgresCandidates[0] : undefined);
  if (!postgres || !isPostgresImage(postgres.image)) {
    return refuse(`it is not a NetBox compose file adopt can take over: NetBox's database (DB_HOST=${netbox.environment.DB_HOST ?? 'unset'}) is not an official postgres service in it`);
  }
  const redis = byName(netbox.environment.REDIS_HOST ?? 'redis');
  const redisCache = byName(netbox.environment.REDIS_CACHE_HOST ?? 'redis-cache');
  const pomerium = services.find((s) => /(^|\/)pomerium\/pomerium(:|@|$)/.test(s.image));

  const found = oldVolumes(compose, projectName, sub, { netbox, netboxServices, postgres, redis, redisCache });
  if (typeof found === 'string') return refuse(found);
  const { volumes, volumeKeys, postgresDataPath } = found;

  return {
    deployment: {
      projectName,
      projectNameSource,
      netbox,
      netboxHelpers: netboxServices.filter((s) => s !== netbox),
      postgres,
      redis,
      redisCache,
      pomerium,
      postgresImage: normalizePostgresImage(postgres.image),
      postgresDataPath,
      volumes,
      volumeKeys,
      ...(build ? { build } : {}),
    },
  };
}

/**
 * The services with a locally built NetBox image given the image of its `FROM` (so the release
 * is read from its tag), and that build; `notNetbox` says why other builds are not NetBox's.
 */
function builtNetbox(services: readonly OldService[], projectName: string, read: ReadOldOptions['read']):
{ services: OldService[]; build?: OldNetboxBuild; notNetbox: string[] } | string {
  const notNetbox: string[] = [];
  const builds: OldNetboxBuild[] = [];
  for (const s of services.filter((x) => x.build)) {
    const r = readImageBuild(s.build!, read);
    if (typeof r === 'string') return r;
    if ('notNetbox' in r) {
      notNetbox.push(`${s.name} builds an image, but ${r.notNetbox}`);
      continue;
    }
    // Compose names an image without `image:` after the project and service.
    const localImage = s.image || `${projectName}-${s.name}`;
    builds.push({ ...r, service: s.name, localImage });
  }
  if (builds.length === 0) return { services: [...services], notNetbox };
  const differing = builds.filter((b) => b.from !== builds[0].from || JSON.stringify(b.plugins) !== JSON.stringify(builds[0].plugins));
  if (differing.length > 0) {
    return `services ${builds[0].service} and ${differing[0].service} build different NetBox images (${builds[0].dockerfile}, ${differing[0].dockerfile}): `
      + 'adopt takes over one image; build it once and run it in every NetBox service, then adopt again';
  }
  const images = new Set(builds.map((b) => b.localImage));
  const pluginsPy = read('configuration/plugins.py') !== undefined ? 'configuration/plugins.py' : undefined;
  return {
    services: services.map((s) => (images.has(s.image) || builds.some((b) => b.service === s.name) ? { ...s, image: builds[0].from } : s)),
    build: { ...builds[0], ...(pluginsPy ? { pluginsPy } : {}) },
    notNetbox,
  };
}

/** The compose file as data, or (a string) why it is none. */
function parseCompose(composeText: string): any {
  let compose: any;
  try {
    const doc = parseDocument(composeText, { merge: true, uniqueKeys: false });
    if (doc.errors.length > 0) return `it is not valid YAML: ${doc.errors[0].message.split('\n')[0]}`;
    compose = doc.toJS({ maxAliasCount: 1000 });
  } catch (e) {
    return `it is not valid YAML: ${(e as Error).message.split('\n')[0]}`;
  }
  if (typeof compose !== 'object' || compose === null || typeof compose.services !== 'object' || compose.services === null) {
    return 'it is not a compose file (no services:)';
  }
  return compose;
}

type Interpolate = (v: unknown) => unknown;

/** The Compose project name the old stack runs under, as Compose v2 derives it, and where it came from. */
function oldProjectName(options: ReadOldOptions, vars: Record<string, string>, compose: any, sub: Interpolate):
{ projectName: string; projectNameSource: string } {
  let projectName: string;
  let projectNameSource: string;
  if (options.projectName !== undefined) {
    projectName = normalizeProjectName(options.projectName);
    projectNameSource = '--project-name';
  } else if (vars.COMPOSE_PROJECT_NAME) {
    projectName = normalizeProjectName(vars.COMPOSE_PROJECT_NAME);
    projectNameSource = 'COMPOSE_PROJECT_NAME in the old .env';
  } else if (typeof compose.name === 'string' && compose.name !== '') {
    projectName = normalizeProjectName(String(sub(compose.name)));
    projectNameSource = 'the old file\'s name:';
  } else {
    projectName = normalizeProjectName(options.dirName);
    projectNameSource = `the old folder's name "${options.dirName}"`;
  }
  return { projectName, projectNameSource };
}

/** The old services with their environment (env files, then `environment:`) and mounts; or why an env file is missing. */
function oldServices(options: ReadOldOptions, vars: Record<string, string>, compose: any, sub: Interpolate): OldService[] | string {
  const services: OldService[] = [];
  for (const [name, raw] of Object.entries<any>(compose.services)) {
    if (typeof raw !== 'object' || raw === null) continue;
    const environment: Record<string, string> = {};
    const envFiles = raw.env_file === undefined ? [] : Array.isArray(raw.env_file) ? raw.env_file : [raw.env_file];
    for (const entry of envFiles) {
      const file = String(sub(typeof entry === 'object' && entry !== null ? entry.path : entry));
      const required = !(typeof entry === 'object' && entry !== null && entry.required === false);
      const text = options.read(file);
      if (text === undefined) {
        if (required) return `service ${name} reads the env file ${file}, which cannot be read`;
        continue;
      }
      Object.assign(environment, parseEnvFile(text, vars));
    }
    if (Array.isArray(raw.environment)) {
      for (const item of raw.environment) {
        const text = String(sub(item));
        const i = text.indexOf('=');
        if (i > 0) environment[text.slice(0, i)] = text.slice(i + 1);
      }
    } else if (typeof raw.environment === 'object' && raw.environment !== null) {
      for (const [k, v] of Object.entries(raw.environment)) if (v !== null && v !== undefined) environment[k] = String(sub(String(v)));
    }
    const mounts = (Array.isArray(raw.volumes) ? raw.volumes : []).map((m: unknown) => parseMount(sub(m)))
      .filter((m: Mount | undefined): m is Mount => !!m);
    const build = buildSpec(raw.build, sub);
    services.push({ name, image: String(sub(raw.image ?? '')), hasCommand: raw.command !== undefined, environment, mounts, ...(build ? { build } : {}) });
  }

  return services;
}

interface RoleServices {
  readonly netbox: OldService;
  readonly netboxServices: readonly OldService[];
  readonly postgres: OldService;
  readonly redis?: OldService;
  readonly redisCache?: OldService;
}

/** The Docker volume of each role (Postgres data, media, reports, scripts, Redis), or (a string) why one is not adoptable. */
function oldVolumes(compose: any, projectName: string, sub: Interpolate, roles: RoleServices):
{ volumes: Partial<Record<VolumeRole, string>>; volumeKeys: Partial<Record<VolumeRole, string>>; postgresDataPath: string } | string {
  const { netbox, netboxServices, postgres, redis, redisCache } = roles;
  // Volumes: the Docker name of a compose key, as Compose v2 names it.
  const topVolumes = typeof compose.volumes === 'object' && compose.volumes !== null ? compose.volumes : {};
  const dockerName = (key: string): string => {
    const v = topVolumes[key];
    if (v && typeof v === 'object' && typeof v.name === 'string') return String(sub(v.name));
    if (v && typeof v === 'object' && (v.external === true || v.external?.name)) return String(v.external?.name ?? key);
    return `${projectName}_${key}`;
  };
  const volumes: Partial<Record<VolumeRole, string>> = {};
  const volumeKeys: Partial<Record<VolumeRole, string>> = {};
  const take = (role: VolumeRole, what: string, found: Mount[]): string | undefined => {
    const distinct = [...new Map(found.map((m) => [`${m.type}:${m.source}`, m])).values()];
    if (distinct.length === 0) return undefined;
    if (distinct.length > 1) {
      return `the ${what} volume role is ambiguous: ${distinct.map((m) => `${m.source} at ${m.target}`).join(' and ')}; keep one volume per role in the old file, then adopt it`;
    }
    const [mount] = distinct;
    if (mount.type === 'bind') {
      return `the ${what} is a bind mount (${mount.source}), not a named volume: adopt carries named volumes only; copy the data into a named volume first`;
    }
    volumes[role] = dockerName(mount.source);
    volumeKeys[role] = mount.source;
    return undefined;
  };

  const pgMounts = postgres.mounts.filter((m) => m.target === '/var/lib/postgresql' || m.target.startsWith('/var/lib/postgresql/'));
  const pgProblem = take('postgres', 'Postgres data', pgMounts);
  if (pgProblem) return pgProblem;
  if (!volumes.postgres) return `the Postgres service ${postgres.name} mounts no volume under /var/lib/postgresql: there is no data to adopt`;
  const postgresDataPath = pgMounts[0].target;

  for (const [role, defaultTarget] of NETBOX_MOUNTS) {
    const target = role === 'media' ? (netbox.environment.MEDIA_ROOT ?? defaultTarget).replace(/\/+$/, '') : defaultTarget;
    const problem = take(role, role, [netbox, ...netboxServices].flatMap((s) => s.mounts.filter((m) => m.target === target)));
    if (problem) return problem;
  }
  for (const [role, svc, what] of [['redis', redis, 'Redis data'], ['redisCache', redisCache, 'Redis cache data']] as const) {
    if (!svc) continue;
    const problem = take(role, what, svc.mounts.filter((m) => m.target === '/data'));
    if (problem) return problem;
  }

  return { volumes, volumeKeys, postgresDataPath };
}
