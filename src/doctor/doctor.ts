import { execFile } from 'child_process';
import { promises as dns } from 'dns';
import { existsSync, readFileSync, statSync } from 'fs';
import * as http from 'http';
import * as https from 'https';
import * as path from 'path';
import { rootCertificates } from 'tls';
import { DOCTOR_FACTS_FORMAT } from './doctor-facts';
import type { DoctorFacts } from './doctor-facts';
import { backupSyslogIdentifier } from '../backup/backup-units';
import { BACKUP_STATUS_FILE, FILES, TASKS } from '../model/stack-names';
import { IdpProvider } from '../pomerium/idp-provider';
import { isPlaceholderSecret } from '../secrets/placeholders';
import { parseDotEnv } from '../secrets/secrets-dotenv';

/**
 * `npx projen doctor`: checks the live host against the deployment's facts (`.projen/doctor.json`,
 * rendered from the model) and prints one line per check. It only reads: no `docker` call it
 * makes changes anything, and it writes no file. Every network step is bounded by a timeout.
 */

export enum CheckStatus {
  PASS = 'pass',
  FAIL = 'fail',
  /** Could not be judged (not visible, not running yet); does not fail the run. */
  SKIP = 'skip',
  /** Something to act on that is not a check (the redirect URI to register). */
  INFO = 'info',
}

const MARK: Record<CheckStatus, string> = {
  [CheckStatus.PASS]: '✓',
  [CheckStatus.FAIL]: '✗',
  [CheckStatus.SKIP]: '–',
  [CheckStatus.INFO]: '•',
};

export interface CheckLine {
  readonly status: CheckStatus;
  /** What was checked, e.g. "DNS netbox.example.org". */
  readonly what: string;
  readonly detail: string;
  /** For a failure: the exact fix. */
  readonly fix?: string;
}

export function formatLine(line: CheckLine): string {
  return `${MARK[line.status]} ${line.what}: ${line.detail}${line.fix ? ` Fix: ${line.fix}` : ''}`;
}

/** Resolves a host name to its addresses (injectable: tests answer without touching system files). */
export type HostLookup = (host: string) => Promise<string[]>;

export interface DoctorOptions {
  /** The deployment directory (holds `.env` and compose.yaml). */
  readonly dir: string;
  readonly facts: DoctorFacts;
  /** Environment of the `docker` calls (its PATH finds `docker`). @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  /** @default the system resolver (getaddrinfo, /etc/hosts included) */
  readonly lookup?: HostLookup;
  /** A CA certificate (PEM) trusted for the IdP besides the system's. @default none (NODE_EXTRA_CA_CERTS still applies) */
  readonly ca?: string;
  /** The bound of each network step (a docker call, a DNS lookup, the IdP request). @default 5000 */
  readonly timeoutMs?: number;
  /** Called with each line as soon as it is known. @default nothing */
  readonly print?: (line: CheckLine) => void;
}

/** What a check sees: the options plus what earlier checks learned. */
export interface DoctorContext extends DoctorOptions {
  readonly timeoutMs: number;
  readonly docker: (args: readonly string[]) => Promise<CommandResult>;
  /** Set by the engine check; later docker checks skip when the engine is down. */
  engineReachable?: boolean;
}

/** One check: reads the context, returns its lines. */
export type DoctorCheck = (ctx: DoctorContext) => Promise<CheckLine[]>;

export interface CommandResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** Why the command did not run or was stopped (not found, timed out). */
  readonly failure?: string;
}

function runCommand(cmd: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv, timeoutMs: number): Promise<CommandResult> {
  return new Promise((resolve) => {
    execFile(cmd, [...args], { cwd, env, timeout: timeoutMs, maxBuffer: 8 * 1024 * 1024, encoding: 'utf-8' }, (error, stdout, stderr) => {
      if (!error) return resolve({ code: 0, stdout, stderr });
      const e = error as NodeJS.ErrnoException & { killed?: boolean; code?: number | string };
      let failure: string | undefined;
      if (e.code === 'ENOENT') failure = `${cmd} is not installed (not found on PATH)`;
      else if (e.killed) failure = `no answer within ${timeoutMs / 1000} s`;
      resolve({ code: typeof e.code === 'number' ? e.code : null, stdout: stdout ?? '', stderr: stderr ?? '', failure });
    });
  });
}

const firstLine = (s: string) => s.trim().split('\n')[0] ?? '';
const why = (r: CommandResult) => r.failure ?? (firstLine(r.stderr) || `exit code ${r.code}`);

// --- The checks, in the order they print. ---

export const checkDockerEngine: DoctorCheck = async (ctx) => {
  const r = await ctx.docker(['version', '--format', '{{.Server.Version}}']);
  ctx.engineReachable = r.code === 0 && r.stdout.trim() !== '';
  if (ctx.engineReachable) return [{ status: CheckStatus.PASS, what: 'Docker engine', detail: `reachable (server ${r.stdout.trim()})` }];
  const fix = r.failure?.includes('not installed')
    ? 'install Docker Engine (https://docs.docker.com/engine/install/).'
    : 'start the Docker engine (sudo systemctl start docker); if it runs, let this user reach its socket (sudo usermod -aG docker $USER, then log in again) or check DOCKER_HOST.';
  return [{ status: CheckStatus.FAIL, what: 'Docker engine', detail: `not reachable (${why(r)}).`, fix }];
};

export const checkCompose: DoctorCheck = async (ctx) => {
  const r = await ctx.docker(['compose', 'version', '--short']);
  const version = /^v?(\d+)\.(\d+)\S*/.exec(r.stdout.trim());
  if (r.code === 0 && version && Number(version[1]) >= 2) {
    return [{ status: CheckStatus.PASS, what: 'Compose v2', detail: `present (${version[0]})` }];
  }
  const got = r.code === 0 ? `version ${r.stdout.trim() || '(none printed)'}` : why(r);
  return [{
    status: CheckStatus.FAIL,
    what: 'Compose v2',
    detail: `not available as \`docker compose\` (${got}).`,
    fix: 'install the Compose v2 plugin (Debian/Ubuntu: sudo apt-get install docker-compose-plugin); the tasks run `docker compose`, not docker-compose 1.x.',
  }];
};

interface ContainerInfo {
  readonly Name?: string;
  readonly Path?: string;
  readonly Args?: string[];
  readonly Config?: { Image?: string; Labels?: Record<string, string>; Cmd?: string[]; Entrypoint?: string[]; Env?: string[] };
}

/** The entrypoints and certificate resolvers a Traefik container shows in its flags, env and labels. */
export function traefikNamesOf(c: ContainerInfo): { entrypoints: Set<string>; certResolvers: Set<string> } {
  const entrypoints = new Set<string>();
  const certResolvers = new Set<string>();
  const args = [...(c.Config?.Entrypoint ?? []), ...(c.Config?.Cmd ?? []), ...(c.Args ?? [])];
  for (const arg of args) {
    const ep = /^--entry[pP]oints\.([^.=\s]+)[.=]/i.exec(arg);
    if (ep) entrypoints.add(ep[1].toLowerCase());
    const cr = /^--certificates[rR]esolvers\.([^.=\s]+)[.=]/i.exec(arg);
    if (cr) certResolvers.add(cr[1].toLowerCase());
  }
  // Traefik also reads its static configuration from TRAEFIK_* variables.
  for (const env of c.Config?.Env ?? []) {
    const ep = /^TRAEFIK_ENTRYPOINTS_([A-Za-z0-9-]+?)_[A-Z]/.exec(env);
    if (ep) entrypoints.add(ep[1].toLowerCase());
    const cr = /^TRAEFIK_CERTIFICATESRESOLVERS_([A-Za-z0-9-]+?)_[A-Z]/.exec(env);
    if (cr) certResolvers.add(cr[1].toLowerCase());
  }
  // Routers of Traefik's own labels (its dashboard, say) name entrypoints and resolvers that exist.
  for (const [key, value] of Object.entries(c.Config?.Labels ?? {})) {
    if (/^traefik\.http\.routers\.[^.]+\.entrypoints$/.test(key)) value.split(',').forEach((v) => v.trim() && entrypoints.add(v.trim().toLowerCase()));
    if (/^traefik\.http\.routers\.[^.]+\.tls\.certresolver$/.test(key) && value.trim()) certResolvers.add(value.trim().toLowerCase());
  }
  return { entrypoints, certResolvers };
}

function looksLikeTraefik(c: ContainerInfo): boolean {
  const image = c.Config?.Image ?? '';
  const labels = c.Config?.Labels ?? {};
  return /(^|\/)traefik([:@]|$)/i.test(image)
    || /traefik/i.test(labels['org.opencontainers.image.title'] ?? '')
    || /^traefik$/i.test(path.basename(c.Path ?? ''));
}

export const checkTraefik: DoctorCheck = async (ctx) => {
  const { network, entrypoint, certResolver } = ctx.facts.traefik;
  const what = `Traefik network ${network}`;
  if (!ctx.engineReachable) return [{ status: CheckStatus.SKIP, what, detail: 'not checked: the Docker engine is not reachable.' }];
  const net = await ctx.docker(['network', 'inspect', network, '--format', '{{json .Containers}}']);
  if (net.code !== 0) {
    return [{
      status: CheckStatus.FAIL,
      what,
      detail: `does not exist (${why(net)}).`,
      fix: `docker network create ${network}, then start Traefik attached to it (or set traefikNetwork in .projenrc.ts to the network Traefik uses and run npx projen).`,
    }];
  }
  const ids = Object.keys(JSON.parse(net.stdout.trim() || 'null') ?? {});
  const inspected = ids.length > 0 ? await ctx.docker(['inspect', ...ids]) : undefined;
  const containers: ContainerInfo[] = inspected?.code === 0 ? JSON.parse(inspected.stdout) : [];
  const traefik = containers.find(looksLikeTraefik);
  if (!traefik) {
    return [{
      status: CheckStatus.FAIL,
      what,
      detail: `exists, but no container on it looks like Traefik (image or labels; ${ids.length} container(s) attached).`,
      fix: `start Traefik with the Docker provider attached to ${network} (networks: [${network}] in its compose file).`,
    }];
  }
  const name = (traefik.Name ?? '').replace(/^\//, '');
  const lines: CheckLine[] = [{ status: CheckStatus.PASS, what, detail: `exists; Traefik runs on it (container ${name}, image ${traefik.Config?.Image})` }];
  const shown = traefikNamesOf(traefik);
  const visible = (kind: string, option: string, declared: string, names: Set<string>, flag: string): CheckLine => {
    const w = `Traefik ${kind} ${declared}`;
    if (names.size === 0) {
      return { status: CheckStatus.SKIP, what: w, detail: `not visible in ${name}'s command line, environment or labels (a static configuration file?); make sure Traefik defines it.` };
    }
    if (names.has(declared.toLowerCase())) return { status: CheckStatus.PASS, what: w, detail: `defined by ${name}` };
    return {
      status: CheckStatus.FAIL,
      what: w,
      detail: `${name} defines ${[...names].sort().join(', ')}, not ${declared}.`,
      fix: `set ${option} in .projenrc.ts to one of them and run npx projen, or add ${flag} to Traefik.`,
    };
  };
  lines.push(visible('entrypoint', 'traefikEntrypoint', entrypoint, shown.entrypoints, `--entrypoints.${entrypoint}.address=:443`));
  lines.push(visible('certificate resolver', 'traefikCertResolver', certResolver, shown.certResolvers, `--certificatesresolvers.${certResolver}.acme...`));
  return lines;
};

/** Bounds a promise: rejects with "no answer within N s" when it takes longer. */
function within<T>(ms: number, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export const systemLookup: HostLookup = async (host) => (await dns.lookup(host, { all: true })).map((a) => a.address);

export const checkDns: DoctorCheck = async (ctx) => {
  const lookup = ctx.lookup ?? systemLookup;
  return Promise.all(ctx.facts.hosts.map(async ({ role, host }): Promise<CheckLine> => {
    const what = `DNS ${host} (${role})`;
    try {
      const addresses = await within(ctx.timeoutMs, lookup(host));
      if (addresses.length > 0) return { status: CheckStatus.PASS, what, detail: `resolves to ${addresses.join(', ')}` };
      throw new Error('no addresses');
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      return {
        status: CheckStatus.FAIL,
        what,
        detail: `does not resolve (${err.code ?? err.message}${err.code === 'EAI_AGAIN' || /within/.test(err.message) ? '; no network or no DNS server reachable?' : ''}).`,
        fix: `create an A/AAAA (or CNAME) record for ${host} pointing at the host Traefik runs on.`,
      };
    }
  }));
};

interface HttpAnswer {
  readonly status: number;
  readonly body: string;
}

function httpGet(url: string, timeoutMs: number, ca?: string): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const client = u.protocol === 'http:' ? http : https;
    // Passing `ca` replaces the system roots, so keep them next to the extra one.
    const options: https.RequestOptions = { headers: { accept: 'application/json' }, ...(ca ? { ca: [...rootCertificates, ca] } : {}) };
    const req = client.get(u, options, (res) => {
      let body = '';
      res.setEncoding('utf-8');
      res.on('data', (chunk: string) => {
        body += chunk;
        if (body.length > 1_000_000) req.destroy(new Error('answer larger than 1 MB'));
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    // One deadline for connect, TLS and body.
    const timer = setTimeout(() => req.destroy(new Error(`no answer within ${timeoutMs / 1000} s`)), timeoutMs);
    req.on('close', () => clearTimeout(timer));
    req.on('error', reject);
  });
}

/** How the issuer the IdP reports differs from the configured URL, in words. */
export function issuerDifference(configured: string, reported: string): string {
  if (reported === `${configured}/`) return 'the IdP\'s issuer has a trailing slash that idpProviderUrl lacks';
  if (configured === `${reported}/`) return 'idpProviderUrl has a trailing slash that the IdP\'s issuer lacks';
  if (configured.toLowerCase() === reported.toLowerCase()) return 'they differ in letter case';
  try {
    const a = new URL(configured);
    const b = new URL(reported);
    const parts: string[] = [];
    if (a.protocol !== b.protocol) parts.push(`scheme ${a.protocol.replace(':', '')} vs ${b.protocol.replace(':', '')}`);
    if (a.host !== b.host) parts.push(`host ${a.host} vs ${b.host}`);
    if (a.pathname !== b.pathname) parts.push(`path ${a.pathname} vs ${b.pathname}`);
    if (parts.length > 0) return `they differ in ${parts.join(', ')} (configured vs reported)`;
  } catch {
    // Not URLs: the plain comparison below says enough.
  }
  return 'they are not the same string';
}

export const checkIdp: DoctorCheck = async (ctx) => {
  const { idp, callbackUrl } = ctx.facts;
  const what = 'IdP discovery';
  const lines: CheckLine[] = [];
  if (idp.placeholders.length > 0) {
    lines.push({
      status: CheckStatus.FAIL,
      what: 'IdP settings',
      detail: `${idp.placeholders.join(' and ')} still hold${idp.placeholders.length === 1 ? 's' : ''} a placeholder.`,
      fix: `set ${idp.placeholders.join(' and ')} in .projenrc.ts to your IdP app's values and run npx projen.`,
    });
  }
  if (idp.provider === IdpProvider.GITHUB) {
    lines.push({ status: CheckStatus.SKIP, what, detail: 'not checked: GitHub signs in with OAuth2, not OpenID Connect, so it has no discovery document.' });
  } else if (idp.providerUrl === undefined) {
    lines.push({ status: CheckStatus.SKIP, what, detail: `not checked: Pomerium uses ${idp.provider}'s built-in issuer (no idpProviderUrl).` });
  } else if (!idp.placeholders.includes('idpProviderUrl')) {
    // Pomerium's OIDC library trims one trailing slash for the discovery URL, then wants the issuer verbatim.
    const url = `${idp.providerUrl.replace(/\/$/, '')}/.well-known/openid-configuration`;
    try {
      const answer = await httpGet(url, ctx.timeoutMs, ctx.ca);
      let issuer: unknown;
      try {
        issuer = JSON.parse(answer.body).issuer;
      } catch {
        issuer = undefined;
      }
      if (answer.status !== 200 || typeof issuer !== 'string') {
        lines.push({
          status: CheckStatus.FAIL,
          what,
          detail: `${url} answered HTTP ${answer.status}${typeof issuer === 'string' ? '' : ' without an issuer'}.`,
          fix: 'set idpProviderUrl in .projenrc.ts to the issuer URL of your IdP (the URL before /.well-known/openid-configuration) and run npx projen.',
        });
      } else if (issuer !== idp.providerUrl) {
        lines.push({
          status: CheckStatus.FAIL,
          what,
          detail: `the issuer is ${JSON.stringify(issuer)}, idpProviderUrl is ${JSON.stringify(idp.providerUrl)}: ${issuerDifference(idp.providerUrl, issuer)}. `
            + 'Pomerium refuses to log anyone in ("issuer did not match").',
          fix: `set idpProviderUrl: '${issuer}' in .projenrc.ts and run npx projen.`,
        });
      } else {
        lines.push({ status: CheckStatus.PASS, what, detail: `${url} answers; issuer equals idpProviderUrl (${issuer})` });
      }
    } catch (e) {
      lines.push({
        status: CheckStatus.FAIL,
        what,
        detail: `could not reach ${url} (${(e as Error).message}).`,
        fix: 'check this host\'s outbound network and DNS (Pomerium needs the same route to the IdP); if the IdP uses a private CA, Pomerium must trust it too.',
      });
    }
  }
  lines.push({ status: CheckStatus.INFO, what: 'IdP redirect URI', detail: `register ${callbackUrl} in your IdP app (client id ${idp.clientId})` });
  return lines;
};


export const checkSecrets: DoctorCheck = async (ctx) => {
  const file = ctx.facts.secretsFile;
  const full = path.join(ctx.dir, file);
  if (!existsSync(full)) {
    return [{ status: CheckStatus.FAIL, what: file, detail: 'missing.', fix: `run npx projen (it creates ${file} with every generated secret), then add IDP_CLIENT_SECRET.` }];
  }
  const lines: CheckLine[] = [];
  const mode = statSync(full).mode % 0o1000;
  lines.push(mode === 0o600
    ? { status: CheckStatus.PASS, what: file, detail: 'present, mode 0600' }
    : { status: CheckStatus.FAIL, what: file, detail: `present, but mode 0${mode.toString(8)}: others can read the secrets.`, fix: `chmod 600 ${file}` });
  const values = new Map(parseDotEnv(readFileSync(full, 'utf-8')).map((e) => [e.name, e.value]));
  const missing = ctx.facts.requiredSecrets.filter((n) => (values.get(n) ?? '').trim() === '');
  const placeholders = ctx.facts.requiredSecrets.filter((n) => !missing.includes(n) && isPlaceholderSecret(values.get(n)!));
  if (missing.length === 0 && placeholders.length === 0) {
    lines.push({ status: CheckStatus.PASS, what: `${file} secrets`, detail: `all ${ctx.facts.requiredSecrets.length} set (${ctx.facts.requiredSecrets.join(', ')})` });
    return lines;
  }
  const problems = [
    ...(missing.length > 0 ? [`not set: ${missing.join(', ')}`] : []),
    ...(placeholders.length > 0 ? [`still a placeholder: ${placeholders.join(', ')}`] : []),
  ];
  const fixes: string[] = [];
  const clientSecret = [...missing, ...placeholders].includes('IDP_CLIENT_SECRET');
  if (clientSecret) fixes.push(`add IDP_CLIENT_SECRET='<the client secret value from your IdP>' to ${file}`);
  const generated = [...missing, ...placeholders].filter((n) => n !== 'IDP_CLIENT_SECRET');
  if (generated.length > 0) fixes.push(`delete the line${generated.length > 1 ? 's' : ''} of ${generated.join(', ')} from ${file} and run npx projen to generate ${generated.length > 1 ? 'them' : 'it'} (on a running stack use npx projen rotate-secret instead)`);
  lines.push({ status: CheckStatus.FAIL, what: `${file} secrets`, detail: `${problems.join('; ')}.`, fix: `${fixes.join('; ')}.` });
  return lines;
};

interface ServiceState {
  readonly service: string;
  readonly state: string;
  readonly health: string;
  readonly exitCode?: number;
}

/** `docker compose ps --format json` prints one JSON array (Compose < 2.21) or one object per line. */
export function parseComposePs(stdout: string): ServiceState[] {
  const text = stdout.trim();
  if (text === '') return [];
  const rows: any[] = text.startsWith('[') ? JSON.parse(text) : text.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));
  return rows.map((r) => ({ service: r.Service, state: String(r.State ?? '').toLowerCase(), health: String(r.Health ?? '').toLowerCase(), exitCode: r.ExitCode }));
}

/** `docker ps` rows of the project, for when Compose refuses to read the file (a secret missing from .env). */
function parseDockerPs(stdout: string): ServiceState[] {
  return stdout.trim().split('\n').filter((l) => l.trim()).map((l) => {
    const r = JSON.parse(l);
    const service = /(?:^|,)com\.docker\.compose\.service=([^,]*)/.exec(r.Labels ?? '')?.[1] ?? r.Names;
    const health = /\((healthy|unhealthy|health: starting)\)/.exec(r.Status ?? '')?.[1].replace('health: ', '') ?? '';
    return { service, state: String(r.State ?? '').toLowerCase(), health };
  });
}

export const checkStack: DoctorCheck = async (ctx) => {
  const what = 'stack';
  if (!ctx.engineReachable) return [{ status: CheckStatus.SKIP, what, detail: 'not checked: the Docker engine is not reachable.' }];
  const [, ...composeArgs] = ctx.facts.composeArgv;
  let ps = await ctx.docker([...composeArgs, 'ps', '--all', '--format', 'json']);
  let states: ServiceState[];
  if (ps.code === 0) {
    states = parseComposePs(ps.stdout);
  } else {
    ps = await ctx.docker(['ps', '--all', '--filter', `label=com.docker.compose.project=${ctx.facts.projectName}`, '--format', 'json']);
    if (ps.code !== 0) return [{ status: CheckStatus.FAIL, what, detail: `could not list its containers (${why(ps)}).`, fix: 'run npx projen ps to see the error.' }];
    states = parseDockerPs(ps.stdout);
  }
  if (states.length === 0) {
    return [{ status: CheckStatus.SKIP, what, detail: `not running (no containers of project ${ctx.facts.projectName}); after npx projen up, run doctor again.` }];
  }
  return ctx.facts.services.map((service): CheckLine => {
    const s = states.find((x) => x.service === service);
    const w = `service ${service}`;
    if (!s) return { status: CheckStatus.FAIL, what: w, detail: 'has no container.', fix: 'npx projen up' };
    const shown = `${s.state}${s.health ? `, ${s.health}` : ''}`;
    if (s.state === 'running' && (s.health === '' || s.health === 'healthy')) return { status: CheckStatus.PASS, what: w, detail: shown };
    if (s.state === 'running' && s.health === 'starting') {
      return { status: CheckStatus.SKIP, what: w, detail: `${shown}: wait (a first start runs every migration, up to 5 minutes), then run doctor again.` };
    }
    return {
      status: CheckStatus.FAIL,
      what: w,
      detail: `${shown}${s.exitCode ? ` (exit code ${s.exitCode})` : ''}.`,
      fix: `npx projen logs -- ${service} shows why; npx projen up starts it again.`,
    };
  });
};

/**
 * The last backup, from the status file `npx projen backup` writes (also when it fails): a failed
 * one fails the doctor; none yet is said, not failed (a new deployment has nothing to back up).
 */
export const checkLastBackup: DoctorCheck = async (ctx) => {
  const what = 'last backup';
  const file = path.join(ctx.dir, BACKUP_STATUS_FILE);
  if (!existsSync(file)) {
    return [{ status: CheckStatus.SKIP, what, detail: `none yet (${BACKUP_STATUS_FILE} is missing): run npx projen backup, and schedule it with the backups option.` }];
  }
  const status = Object.fromEntries(readFileSync(file, 'utf-8').split('\n').map((l) => l.split('=')).filter((kv) => kv.length >= 2)
    .map(([k, ...v]) => [k, v.join('=')]));
  if (status.status === 'ok') {
    return [{ status: CheckStatus.PASS, what, detail: `${status.set ?? '?'} finished ${status.finished ?? '?'}` }];
  }
  return [{
    status: CheckStatus.FAIL,
    what,
    detail: `failed at ${status.finished ?? '?'} (exit ${status.exit ?? '?'}): ${status.message || 'no message'}`,
    fix: `Read the backup log (journalctl -t ${backupSyslogIdentifier(ctx.facts.projectName)} for the scheduled runs, or the output of `
      + `npx projen ${TASKS.backup}), fix the cause, run npx projen ${TASKS.backup} again.`,
  }];
};

/**
 * The checks in the order they print. A feature's check is one more DoctorCheck here, reading the
 * facts it needs from a field the feature adds to DoctorFacts.
 */
export const DOCTOR_CHECKS: readonly DoctorCheck[] = [
  checkDockerEngine, checkCompose, checkTraefik, checkDns, checkIdp, checkSecrets, checkStack, checkLastBackup,
];

export interface DoctorResult {
  readonly exitCode: number;
  readonly lines: readonly CheckLine[];
  /** Every line and the summary, as printed. */
  readonly text: string;
}

export async function runDoctor(options: DoctorOptions, checks: readonly DoctorCheck[] = DOCTOR_CHECKS): Promise<DoctorResult> {
  const timeoutMs = options.timeoutMs ?? 5000;
  const env = options.env ?? process.env;
  const ctx: DoctorContext = {
    ...options,
    timeoutMs,
    docker: (args) => runCommand('docker', args, options.dir, env, timeoutMs),
  };
  const lines: CheckLine[] = [];
  for (const check of checks) {
    let result: CheckLine[];
    try {
      result = await check(ctx);
    } catch (e) {
      // A check that breaks must not hide the others.
      result = [{ status: CheckStatus.FAIL, what: check.name || 'check', detail: `could not run (${(e as Error).message}).` }];
    }
    for (const line of result) {
      lines.push(line);
      options.print?.(line);
    }
  }
  const failed = lines.filter((l) => l.status === CheckStatus.FAIL).length;
  const summary = failed === 0 ? 'doctor: no check failed.' : `doctor: ${failed} check${failed > 1 ? 's' : ''} failed.`;
  return { exitCode: failed === 0 ? 0 : 1, lines, text: [...lines.map(formatLine), summary].join('\n') };
}

/** Reads `.projen/doctor.json`; throws a message that says what to do. */
export function readDoctorFacts(dir: string): DoctorFacts {
  const file = path.join(dir, FILES.doctorFacts);
  if (!existsSync(file)) throw new Error(`${FILES.doctorFacts} is missing: run npx projen first (it renders the facts doctor checks).`);
  const facts = JSON.parse(readFileSync(file, 'utf-8'));
  if (facts.formatVersion !== DOCTOR_FACTS_FORMAT) {
    throw new Error(`${FILES.doctorFacts} has format ${facts.formatVersion}, this doctor reads ${DOCTOR_FACTS_FORMAT}: run npx projen to render it again.`);
  }
  return facts;
}

/** Entry point: `node -e "require('projen-netbox-pomerium/lib/doctor/doctor').main()"` in a deployment. */
export async function main(dir: string = process.cwd()): Promise<void> {
  let exitCode: number;
  try {
    const result = await runDoctor({ dir, facts: readDoctorFacts(dir), print: (line) => process.stdout.write(`${formatLine(line)}\n`) });
    process.stdout.write(`${result.text.split('\n').pop()}\n`);
    exitCode = result.exitCode;
  } catch (e) {
    process.stderr.write(`doctor: ${(e as Error).message}\n`);
    exitCode = 2;
  }
  // A DNS lookup that timed out may still hold a resolver thread; it must not keep the process alive.
  process.stdout.write('', () => process.exit(exitCode));
}
