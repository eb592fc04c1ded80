import { nearestRelease, netboxVersionOfImage, postgresImageMajor, VOLUME_OPTIONS } from './adoption-model';
import type { AdoptionOptions } from './adoption-options';
import type { OldDeployment, OldNetboxBuild } from './old-compose';
import type { AdoptedPlugin } from './old-image';
import { metaKey } from '../model/identity-headers';
import type { NetboxRelease } from '../netbox/netbox-releases';
import { isPlaceholderSecret } from '../secrets/placeholders';
import { SECRET_NAMES } from '../secrets/secret-specs';

/** What adopt takes over, before anything is written. */
export interface Derived {
  readonly adoption: AdoptionOptions;
  /** The netbox-docker tag the new deployment runs. */
  readonly netboxVersion: string;
  /** `.env` name → old value. */
  readonly secrets: Readonly<Record<string, string>>;
  /** Lines for the report: what was found. */
  readonly found: readonly string[];
  /** What the user must still do or check. */
  readonly todo: readonly string[];
  /** The plugins of a locally built old image; undefined when the old stack ran the stock image. */
  readonly plugins?: readonly AdoptedPlugin[];
}

export type DeriveResult = { readonly derived: Derived } | { readonly refusal: string };

/**
 * The claim NetBox's REMOTE_AUTH_HEADER carries: Pomerium's JWT_CLAIMS_HEADERS maps claims to
 * headers (list form `email,groups` → `X-Pomerium-Claim-<claim>`; map form `Header=claim`), and
 * Django reads a header as `HTTP_<HEADER>`.
 */
export function claimOfHeader(remoteAuthHeader: string, jwtClaimsHeaders: string | undefined): string | undefined {
  for (const item of (jwtClaimsHeaders ?? '').split(',').map((s) => s.trim()).filter((s) => s)) {
    const eq = item.indexOf('=');
    const [header, claim] = eq > 0 ? [item.slice(0, eq), item.slice(eq + 1)] : [`X-Pomerium-Claim-${item}`, item];
    if (metaKey(header) === remoteAuthHeader.toUpperCase()) return claim;
  }
  const m = /^HTTP_X_POMERIUM_CLAIM_([A-Z0-9_]+)$/.exec(remoteAuthHeader.toUpperCase());
  return m ? m[1].toLowerCase() : undefined;
}

export interface DeriveOptions {
  /** The old compose file as the user named it (recorded in the declaration). */
  readonly composeFile: string;
  /** NetBox X.Y to assume when the image tag does not say (`latest`). */
  readonly netboxVersion?: string;
}

/** Derives the adoption, the release and the secrets from a read old deployment. */
export function deriveAdoption(old: OldDeployment, options: DeriveOptions): DeriveResult {
  const found: string[] = [];
  const todo: string[] = [];
  const refuse = (refusal: string): DeriveResult => ({ refusal });

  // NetBox release.
  let netbox = netboxVersionOfImage(old.netbox.image);
  if (options.netboxVersion !== undefined) {
    const m = /^v?(\d+)\.(\d+)/.exec(options.netboxVersion);
    if (!m) return refuse(`--netbox-version ${options.netboxVersion} is not a NetBox version such as 3.4`);
    netbox = [Number(m[1]), Number(m[2])];
  }
  if (!netbox) {
    return refuse(`the NetBox image ${old.netbox.image} does not say which NetBox version the data is at; `
      + 'pass --netbox-version X.Y (docker exec <netbox container> cat /opt/netbox/netbox/release.yaml shows it)');
  }
  // A floating tag (`latest`) names no version: record the image at the minor the user named (netbox-docker tags `vX.Y` too),
  // so the adoption keeps the version its data is at.
  const netboxImage = netboxVersionOfImage(old.netbox.image) ? old.netbox.image : old.netbox.image.replace(/:[^:/]+$/, `:v${netbox.join('.')}`);
  const pgMajor = postgresImageMajor(old.postgresImage)!;
  const choice = nearestRelease(netbox, pgMajor);
  if (!choice.release) return refuse(choice.refusal!);
  const release = choice.release;
  found.push(`NetBox ${netbox.join('.')} (${old.netbox.image}${netboxImage !== old.netbox.image ? `, recorded as ${netboxImage}` : ''}) -> netboxVersion ${release.tag}`
    + (release.netbox[0] !== netbox[0] || release.netbox[1] !== netbox[1] ? ` (NetBox migrates to ${release.netbox.slice(0, 2).join('.')} at its first start)` : ''));
  found.push(`Postgres ${pgMajor} (${old.postgresImage}), data at ${old.postgresDataPath}: kept`);
  found.push(`Compose project: ${old.projectName} (from ${old.projectNameSource})`);
  for (const [role] of VOLUME_OPTIONS) {
    if (old.volumes[role]) found.push(`volume ${role}: ${old.volumes[role]} (${old.volumeKeys[role]} in the old file)`);
  }
  if (!old.volumes.media) todo.push('The old stack had no media volume: image attachments start empty.');
  if (old.build) noteBuild(old.build, found, todo);

  const taken = takeSecrets(old, release, found, todo);
  if ('refusal' in taken) return taken;
  const { secrets } = taken;
  const userClaim = adoptedUserClaim(old, found, todo);

  const adoption: AdoptionOptions = {
    composeFile: options.composeFile,
    projectName: old.projectName,
    netboxImage,
    postgresImage: old.postgresImage,
    postgresDataPath: old.postgresDataPath,
    ...Object.fromEntries(VOLUME_OPTIONS.filter(([role]) => old.volumes[role]).map(([role, key]) => [key, old.volumes[role]])),
    ...(userClaim ? { userClaim } : {}),
  } as AdoptionOptions;
  return { derived: { adoption, netboxVersion: release.tag, secrets, found, todo, ...(old.build ? { plugins: old.build.plugins } : {}) } };
}

/** The report lines of a locally built old image: where it comes from, its plugins, what adopt cannot port. */
function noteBuild(build: OldNetboxBuild, found: string[], todo: string[]): void {
  found.push(`NetBox image: built by service ${build.service} as ${build.localImage} from ${build.dockerfile} (FROM ${build.from}); `
    + 'the new deployment builds its own image from the plugins');
  const from = build.requirementsFiles.length > 0 ? build.requirementsFiles.join(', ') : build.dockerfile;
  found.push(build.plugins.length > 0
    ? `plugins (${from}): ${build.plugins.map((p) => `${p.package}==${p.version}`).join(', ')}`
    : `plugins: none (${build.dockerfile} installs no pinned packages)`);
  if (build.pluginsPy) {
    todo.push(`${build.pluginsPy} is Python, which adopt does not port: move each plugin's PLUGINS_CONFIG into the config of its `
      + 'plugins entry in .projenrc.ts (secrets into userSecrets, with .env values, and the entry\'s secrets), then npx projen.');
  }
  if (build.otherRuns.length > 0) {
    todo.push(`${build.dockerfile} also runs ${build.otherRuns.map((r) => `\`${r}\``).join(', ')}, which adopt does not port: add what a plugin needs `
      + 'to its entry\'s buildSteps.');
  }
}

/** The old stack's secrets for `.env`, each noted in `found`; or why they cannot be carried. */
function takeSecrets(old: OldDeployment, release: NetboxRelease, found: string[], todo: string[]):
{ readonly secrets: Record<string, string> } | { readonly refusal: string } {
  const refuse = (refusal: string) => ({ refusal });
  const secrets: Record<string, string> = {};
  const env = old.netbox.environment;
  const take = (name: string, value: string | undefined, what: string): void => {
    if (value === undefined || value === '') {
      found.push(`${what}: not set in the old stack (a new one is generated)`);
      return;
    }
    secrets[name] = value;
    found.push(`${what}: taken over into .env as ${name}`);
  };
  const dbPassword = env.DB_PASSWORD ?? old.postgres.environment.POSTGRES_PASSWORD;
  if (env.DB_PASSWORD !== undefined && old.postgres.environment.POSTGRES_PASSWORD !== undefined
    && env.DB_PASSWORD !== old.postgres.environment.POSTGRES_PASSWORD) {
    todo.push('NetBox\'s DB_PASSWORD and Postgres\'s POSTGRES_PASSWORD differ in the old file; adopt took DB_PASSWORD, the one NetBox logged in '
      + 'with (Postgres applies POSTGRES_PASSWORD only when it creates the database).');
  }
  take(SECRET_NAMES.db, dbPassword, 'Postgres password');
  take(SECRET_NAMES.redis, env.REDIS_PASSWORD ?? old.redis?.environment.REDIS_PASSWORD, 'Redis password');
  // configuration.py falls back to REDIS_PASSWORD for the cache.
  take(SECRET_NAMES.redisCache, env.REDIS_CACHE_PASSWORD ?? old.redisCache?.environment.REDIS_PASSWORD ?? env.REDIS_PASSWORD,
    'Redis cache password');
  take(SECRET_NAMES.secretKey, env.SECRET_KEY, 'NetBox SECRET_KEY');
  if (env.SECRET_KEY !== undefined && env.SECRET_KEY.length < 50) {
    todo.push(`The old SECRET_KEY has ${env.SECRET_KEY.length} characters; NetBox refuses keys under 50 (settings.py), so the running `
      + 'container may use another one: compare with `docker exec <old netbox container> printenv SECRET_KEY`.');
  }
  if (env.API_TOKEN_PEPPER_1 !== undefined) {
    if (release.apiTokenPepper) take(SECRET_NAMES.pepper, env.API_TOKEN_PEPPER_1, 'API token pepper 1');
    else return refuse(`the old NetBox has API_TOKEN_PEPPER_1, which ${release.tag} does not read`);
  }
  const pomeriumEnv = old.pomerium?.environment ?? {};
  const clientSecret = pomeriumEnv.IDP_CLIENT_SECRET;
  if (clientSecret !== undefined && clientSecret !== '' && !isPlaceholderSecret(clientSecret)) {
    take(SECRET_NAMES.idpClientSecret, clientSecret, 'IdP client secret');
  } else if (clientSecret !== undefined) {
    found.push(`IdP client secret: a placeholder (${clientSecret}) in the old file, not taken`);
  }
  const cookie = pomeriumEnv.COOKIE_SECRET;
  if (cookie !== undefined && Buffer.from(cookie, 'base64').length === 32) {
    take(SECRET_NAMES.cookie, cookie, 'Pomerium cookie secret (keeps users logged in)');
  }
  for (const [name, value] of Object.entries(secrets)) {
    if (/['\r\n]/.test(value)) {
      return refuse(`the old ${name} contains a single quote or a line break, which .env cannot carry literally; `
        + 'change it in the old stack first (npx projen rotate-secret can do it afterwards)');
    }
  }
  if (!secrets[SECRET_NAMES.idpClientSecret]) todo.push('Paste the IdP client secret into .env (IDP_CLIENT_SECRET=\'...\').');

  return { secrets };
}

/** The claim the old NetBox took the user name from, when a Pomerium claim header carried it. */
function adoptedUserClaim(old: OldDeployment, found: string[], todo: string[]): string | undefined {
  const env = old.netbox.environment;
  const pomeriumEnv = old.pomerium?.environment ?? {};
  let userClaim: string | undefined;
  if ((env.REMOTE_AUTH_ENABLED ?? '').toLowerCase() === 'true') {
    const header = env.REMOTE_AUTH_HEADER ?? 'HTTP_REMOTE_USER';
    userClaim = claimOfHeader(header, pomeriumEnv.JWT_CLAIMS_HEADERS);
    if (userClaim) found.push(`user name: the ${userClaim} claim (REMOTE_AUTH_HEADER=${header})`);
    else todo.push(`NetBox took the user name from ${header}, which no Pomerium claim header names: new users are named by their e-mail; rename the old ones to match.`);
  } else {
    todo.push('The old NetBox had no remote authentication: its users are local. Pomerium logins create users named by their e-mail; '
      + 'rename the old users to their e-mail address before they log in to keep their permissions.');
  }

  return userClaim;
}
