import { execFileSync } from 'child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import * as https from 'https';
import { AddressInfo, createServer, Server, Socket } from 'net';
import { tmpdir } from 'os';
import * as path from 'path';
import { fakeDoctorDocker, traefikContainer } from './fake-doctor-docker';
import { synth, treeHash } from './util';
import {
  checkLastBackup, CheckLine, CheckStatus, DOCTOR_CHECKS, DoctorCheck, DoctorContext, DoctorOptions, formatLine, issuerDifference,
  parseComposePs, readDoctorFacts, runDoctor,
} from '../src/doctor/doctor';
import type { DoctorFacts } from '../src/doctor/doctor-facts';
import { NetboxPomeriumProjectOptions } from '../src/netbox-pomerium-options';
import { IdpProvider } from '../src/pomerium/idp-provider';

/**
 * `runDoctor` against a fake `docker` first on PATH (it records its calls), a local HTTPS
 * discovery endpoint on 127.0.0.1 signed by a test CA made here with openssl, and an injected
 * DNS lookup: no system file is touched, no outside network is needed.
 */

const work = mkdtempSync(path.join(tmpdir(), 'nbp-doctor-'));
const pem = (name: string) => readFileSync(path.join(work, name), 'utf-8');
function openssl(...args: string[]): void {
  execFileSync('openssl', args, { cwd: work, stdio: 'pipe' });
}
// A CA and a server certificate for 127.0.0.1 (EC keys: fast to make).
openssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem',
  '-days', '2', '-subj', '/CN=doctor test CA', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign');
openssl('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'srv.key', '-out', 'srv.csr', '-subj', '/CN=127.0.0.1');
writeFileSync(path.join(work, 'ext.cnf'), 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
openssl('x509', '-req', '-in', 'srv.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'srv.pem', '-days', '2', '-extfile', 'ext.cnf');
const CA = pem('ca.pem');

const TENANT_PATH = '/tenant-1/v2.0';
/** What the discovery endpoint reports as its issuer; a test may change it. */
let reportedIssuer = '';
const discoveryRequests: string[] = [];
let idp: https.Server;
let idpUrl = '';
/** Accepts TCP connections and never answers: an IdP behind a black hole. */
let silent: Server;
let silentUrl = '';
const silentSockets: Socket[] = [];

beforeAll(async () => {
  idp = https.createServer({ key: pem('srv.key'), cert: pem('srv.pem') }, (req, res) => {
    discoveryRequests.push(req.url ?? '');
    if (req.url === `${TENANT_PATH}/.well-known/openid-configuration`) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ issuer: reportedIssuer, authorization_endpoint: `${idpUrl}/authorize` }));
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise<void>((resolve) => idp.listen(0, '127.0.0.1', resolve));
  idpUrl = `https://127.0.0.1:${(idp.address() as AddressInfo).port}${TENANT_PATH}`;
  silent = createServer((socket) => silentSockets.push(socket));
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  silentUrl = `https://127.0.0.1:${(silent.address() as AddressInfo).port}${TENANT_PATH}`;
});

afterAll(async () => {
  for (const s of silentSockets) s.destroy();
  await Promise.all([new Promise((r) => idp.close(r)), new Promise((r) => silent.close(r))]);
});

const docker = fakeDoctorDocker();

/** A deployment directory holding the synthesized facts and a complete `.env` (mode 0600). */
function deployment(overrides: Partial<NetboxPomeriumProjectOptions> = {},
  dotenv?: (names: readonly string[]) => string): { dir: string; facts: DoctorFacts } {
  const s = synth({ idpProviderUrl: idpUrl, ...overrides });
  const dir = mkdtempSync(path.join(tmpdir(), 'nbp-doctor-deploy-'));
  mkdirSync(path.join(dir, '.projen'));
  writeFileSync(path.join(dir, '.projen/doctor.json'), JSON.stringify(s.files['.projen/doctor.json']));
  const facts = readDoctorFacts(dir);
  const content = dotenv ? dotenv(facts.requiredSecrets) : facts.requiredSecrets.map((n) => `${n}='value-of-${n.toLowerCase()}'`).join('\n');
  writeFileSync(path.join(dir, '.env'), `${content}\n`, { mode: 0o600 });
  chmodSync(path.join(dir, '.env'), 0o600);
  return { dir, facts };
}

const RESOLVES: DoctorOptions['lookup'] = async (host) => (host.endsWith('.example.org') ? ['203.0.113.10'] : []);

/** A host where everything is in place: Traefik on its network, the stack running and healthy. */
function greenHost(facts: DoctorFacts): void {
  for (const file of ['engine-down', 'compose-refuses']) rmSync(path.join(docker.state, file), { force: true });
  docker.set(`network-${facts.traefik.network}`, JSON.stringify({ aaaa1111: { Name: 'traefik' }, bbbb2222: { Name: 'netbox-pomerium-1' } }));
  docker.set('inspect', JSON.stringify([
    { Id: 'bbbb2222', Name: '/netbox-pomerium-1', Config: { Image: 'pomerium/pomerium:v0.33.1', Labels: { 'traefik.enable': 'true' } } },
    traefikContainer([facts.traefik.entrypoint, 'web'], [facts.traefik.certResolver]),
  ]));
  // Compose >= 2.21 prints one JSON object per line.
  docker.set('compose-ps', facts.services.map((service) => JSON.stringify({ Service: service, State: 'running', Health: service === 'redis' ? '' : 'healthy', ExitCode: 0 })).join('\n'));
  docker.reset();
}

async function doctor(dir: string, facts: DoctorFacts, options: Partial<DoctorOptions> = {}, checks?: readonly DoctorCheck[]) {
  const started = Date.now();
  const result = await runDoctor({
    dir,
    facts,
    ca: CA,
    lookup: RESOLVES,
    timeoutMs: 1500,
    env: { ...process.env, PATH: `${docker.bin}:${process.env.PATH}`, FAKE_DOCKER_DIR: docker.state },
    ...options,
  }, checks);
  return { ...result, ms: Date.now() - started, line: (what: string) => result.lines.find((l) => l.what === what) };
}

/** Every call the doctor made is a read: version, inspect, ps. */
function expectOnlyReads(calls: string[][]): void {
  for (const call of calls) {
    const words = call.filter((a) => !a.startsWith('-') && !/^(compose\.yaml|\{\{.*\}\}|json)$/.test(a));
    expect([
      ['version'], ['compose', 'version'], ['network', 'inspect'], ['inspect'], ['compose', 'ps'], ['ps'],
    ]).toContainEqual(words.filter((w) => ['version', 'compose', 'network', 'inspect', 'ps'].includes(w)).slice(0, 2));
    expect(call.join(' ')).not.toMatch(/\b(up|down|rm|create|start|stop|restart|pull|exec|run|kill)\b/);
  }
}

describe('npx projen doctor against a fake docker and a local IdP', () => {
  test('all green: every check passes, exit code 0, the callback URL to register is printed', async () => {
    const { dir, facts } = deployment();
    reportedIssuer = idpUrl;
    greenHost(facts);
    const before = treeHash(dir);
    const r = await doctor(dir, facts);
    expect(r.lines.filter((l) => l.status === CheckStatus.FAIL)).toEqual([]);
    expect(r.exitCode).toBe(0);
    expect(r.line('Docker engine')).toMatchObject({ status: CheckStatus.PASS, detail: 'reachable (server 27.3.1)' });
    expect(r.line('Compose v2')).toMatchObject({ status: CheckStatus.PASS, detail: 'present (2.29.7)' });
    expect(r.line('Traefik network traefik-proxy')?.detail).toBe('exists; Traefik runs on it (container traefik, image traefik:v3.7.9)');
    expect(r.line('Traefik entrypoint websecure')).toMatchObject({ status: CheckStatus.PASS, detail: 'defined by traefik' });
    expect(r.line('Traefik certificate resolver le')).toMatchObject({ status: CheckStatus.PASS });
    expect(r.line('DNS netbox.example.org (NetBox)')).toMatchObject({ status: CheckStatus.PASS, detail: 'resolves to 203.0.113.10' });
    expect(r.line('DNS authenticate.netbox.example.org (authenticate)')?.status).toBe(CheckStatus.PASS);
    expect(r.line('IdP discovery')).toMatchObject({ status: CheckStatus.PASS, detail: expect.stringContaining(`issuer equals idpProviderUrl (${idpUrl})`) });
    expect(r.line('IdP redirect URI')?.detail).toBe(
      'register https://authenticate.netbox.example.org/oauth2/callback in your IdP app (client id 11111111-2222-3333-4444-555555555555)');
    expect(r.line('.env')).toMatchObject({ status: CheckStatus.PASS, detail: 'present, mode 0600' });
    expect(r.line('.env secrets')?.detail).toMatch(/^all 8 set \(.*IDP_CLIENT_SECRET\)$/);
    for (const service of ['pomerium', 'netbox', 'netbox-worker', 'postgres', 'redis', 'redis-cache']) {
      expect(r.line(`service ${service}`)?.status).toBe(CheckStatus.PASS);
    }
    expect(r.line('service netbox')?.detail).toBe('running, healthy');
    expect(r.text.split('\n').pop()).toBe('doctor: no check failed.');
    expect(r.text).toContain('✓ Docker engine: reachable (server 27.3.1)');
    // Read only: the calls are reads and the directory is unchanged.
    const calls = docker.calls();
    expect(calls).toContainEqual(['compose', '-p', 'netbox', '-f', 'compose.yaml', 'ps', '--all', '--format', 'json']);
    expect(calls).toContainEqual(['network', 'inspect', 'traefik-proxy', '--format', '{{json .Containers}}']);
    expectOnlyReads(calls);
    expect(treeHash(dir)).toBe(before);
  });

  test('issuer mismatch (a trailing slash): says how they differ, gives the exact fix, exit code 1', async () => {
    const { dir, facts } = deployment();
    reportedIssuer = `${idpUrl}/`;
    greenHost(facts);
    const r = await doctor(dir, facts);
    expect(r.exitCode).toBe(1);
    const line = r.line('IdP discovery')!;
    expect(line.status).toBe(CheckStatus.FAIL);
    expect(line.detail).toContain(`the issuer is "${idpUrl}/", idpProviderUrl is "${idpUrl}": the IdP's issuer has a trailing slash that idpProviderUrl lacks.`);
    expect(line.fix).toBe(`set idpProviderUrl: '${idpUrl}/' in .projenrc.ts and run npx projen.`);
    expect(r.text).toContain(`✗ IdP discovery: the issuer is "${idpUrl}/"`);
    expect(r.text.split('\n').pop()).toBe('doctor: 1 check failed.');
  });

  test('a configured trailing slash is trimmed for the discovery URL (as Pomerium does) and reported as the difference', async () => {
    const { dir, facts } = deployment({ idpProviderUrl: `${idpUrl}/` });
    reportedIssuer = idpUrl;
    greenHost(facts);
    discoveryRequests.length = 0;
    const r = await doctor(dir, facts);
    expect(discoveryRequests).toEqual([`${TENANT_PATH}/.well-known/openid-configuration`]);
    expect(r.line('IdP discovery')?.detail).toContain('idpProviderUrl has a trailing slash that the IdP\'s issuer lacks');
    expect(r.exitCode).toBe(1);
  });

  test('unreachable IdP: the check gives up within its bound, says what it could not reach, exit code 1', async () => {
    const { dir, facts } = deployment({ idpProviderUrl: silentUrl });
    greenHost(facts);
    const r = await doctor(dir, facts, { timeoutMs: 1000 });
    expect(r.exitCode).toBe(1);
    const line = r.line('IdP discovery')!;
    expect(line).toMatchObject({ status: CheckStatus.FAIL, detail: `could not reach ${silentUrl}/.well-known/openid-configuration (no answer within 1 s).` });
    expect(line.fix).toMatch(/outbound network/);
    // Bounded: the whole run (six docker calls, DNS, the IdP) well under the sum of a few bounds.
    expect(r.ms).toBeLessThan(4000);
    // The other checks still ran and passed.
    expect(r.lines.filter((l) => l.status === CheckStatus.FAIL)).toEqual([line]);
  });

  test('an IdP whose certificate is not trusted is reported as unreachable, naming the TLS error', async () => {
    const { dir, facts } = deployment();
    reportedIssuer = idpUrl;
    greenHost(facts);
    const r = await doctor(dir, facts, { ca: undefined });
    expect(r.line('IdP discovery')?.detail).toMatch(/^could not reach .*\((self[- ]signed|unable to get local issuer certificate|unable to verify)/i);
    expect(r.exitCode).toBe(1);
  });

  test('missing client secret: names it and the line to add, exit code 1', async () => {
    const { dir, facts } = deployment({}, (names) => [
      ...names.filter((n) => n !== 'IDP_CLIENT_SECRET').map((n) => `${n}='v-${n}'`),
      "# IDP_CLIENT_SECRET='<paste the client secret value (not its id) from your IdP here>'",
    ].join('\n'));
    reportedIssuer = idpUrl;
    greenHost(facts);
    const r = await doctor(dir, facts);
    expect(r.exitCode).toBe(1);
    expect(r.line('.env secrets')).toEqual({
      status: CheckStatus.FAIL,
      what: '.env secrets',
      detail: 'not set: IDP_CLIENT_SECRET.',
      fix: "add IDP_CLIENT_SECRET='<the client secret value from your IdP>' to .env.",
    });
    expect(r.lines.filter((l) => l.status === CheckStatus.FAIL)).toHaveLength(1);
  });

  test('a placeholder left as a value, an empty generated secret and a readable .env are each named', async () => {
    const { dir, facts } = deployment({}, (names) => names.map((n) => {
      if (n === 'IDP_CLIENT_SECRET') return `${n}='<the client secret value>'`;
      if (n === 'REDIS_PASSWORD') return `${n}=`;
      return `${n}='v-${n}'`;
    }).join('\n'));
    chmodSync(path.join(dir, '.env'), 0o644);
    reportedIssuer = idpUrl;
    greenHost(facts);
    const r = await doctor(dir, facts);
    expect(r.line('.env')).toMatchObject({ status: CheckStatus.FAIL, detail: 'present, but mode 0644: others can read the secrets.', fix: 'chmod 600 .env' });
    expect(r.line('.env secrets')?.detail).toBe('not set: REDIS_PASSWORD; still a placeholder: IDP_CLIENT_SECRET.');
    expect(r.line('.env secrets')?.fix).toContain('delete the line of REDIS_PASSWORD from .env and run npx projen');
  });

  test('missing Traefik network: names it and the command that creates it, exit code 1', async () => {
    const { dir, facts } = deployment({ traefikNetwork: 'edge' });
    reportedIssuer = idpUrl;
    greenHost(facts);
    rmSync(path.join(docker.state, 'network-edge'));
    const r = await doctor(dir, facts);
    expect(r.exitCode).toBe(1);
    expect(r.line('Traefik network edge')).toEqual({
      status: CheckStatus.FAIL,
      what: 'Traefik network edge',
      detail: 'does not exist (Error response from daemon: network edge not found).',
      fix: 'docker network create edge, then start Traefik attached to it (or set traefikNetwork in .projenrc.ts to the network Traefik uses and run npx projen).',
    });
    expect(r.text).toContain('✗ Traefik network edge: does not exist (Error response from daemon: network edge not found). Fix: docker network create edge');
    expect(docker.calls()).toContainEqual(['network', 'inspect', 'edge', '--format', '{{json .Containers}}']);
  });

  test('a Traefik without the declared entrypoint; a network with no Traefik on it', async () => {
    const { dir, facts } = deployment();
    reportedIssuer = idpUrl;
    greenHost(facts);
    docker.set('inspect', JSON.stringify([traefikContainer(['web', 'https'], ['le'])]));
    let r = await doctor(dir, facts);
    expect(r.line('Traefik entrypoint websecure')).toMatchObject({
      status: CheckStatus.FAIL, detail: 'traefik defines https, web, not websecure.', fix: expect.stringContaining('set traefikEntrypoint in .projenrc.ts'),
    });
    // A static configuration file shows nothing: not judged, not failed.
    docker.set('inspect', JSON.stringify([{ ...traefikContainer([], []), Args: ['--configFile=/etc/traefik/traefik.yml'] }]));
    r = await doctor(dir, facts);
    expect(r.line('Traefik entrypoint websecure')?.status).toBe(CheckStatus.SKIP);
    expect(r.exitCode).toBe(0);
    docker.set('inspect', JSON.stringify([{ Id: 'b', Name: '/whoami', Config: { Image: 'traefik/whoami:v1.10' } }]));
    r = await doctor(dir, facts);
    expect(r.line('Traefik network traefik-proxy')).toMatchObject({ status: CheckStatus.FAIL, detail: expect.stringMatching(/no container on it looks like Traefik/) });
  });

  test('engine down: says so with the fix, skips what needs the engine, still checks the rest', async () => {
    const { dir, facts } = deployment();
    reportedIssuer = idpUrl;
    greenHost(facts);
    docker.set('engine-down', '');
    const r = await doctor(dir, facts);
    expect(r.line('Docker engine')).toMatchObject({ status: CheckStatus.FAIL, detail: expect.stringContaining('Cannot connect to the Docker daemon'), fix: expect.stringContaining('systemctl start docker') });
    expect(r.line('Traefik network traefik-proxy')?.status).toBe(CheckStatus.SKIP);
    expect(r.line('stack')?.status).toBe(CheckStatus.SKIP);
    expect(r.line('IdP discovery')?.status).toBe(CheckStatus.PASS);
    expect(r.exitCode).toBe(1);
  });

  test('no network at all: DNS and the IdP say what could not be reached, within the bound', async () => {
    const { dir, facts } = deployment({ idpProviderUrl: 'https://login.example.invalid/tenant/v2.0' });
    greenHost(facts);
    const noNetwork = async () => {
      throw Object.assign(new Error('getaddrinfo EAI_AGAIN'), { code: 'EAI_AGAIN' });
    };
    const hanging = () => new Promise<string[]>(() => undefined);
    let r = await doctor(dir, facts, { lookup: noNetwork });
    expect(r.line('DNS netbox.example.org (NetBox)')).toMatchObject({
      status: CheckStatus.FAIL, detail: 'does not resolve (EAI_AGAIN; no network or no DNS server reachable?).', fix: expect.stringContaining('A/AAAA'),
    });
    expect(r.line('IdP discovery')?.detail).toMatch(/^could not reach https:\/\/login\.example\.invalid\/tenant\/v2\.0\/\.well-known\/openid-configuration \(/);
    r = await doctor(dir, facts, { lookup: hanging, timeoutMs: 800 });
    expect(r.line('DNS netbox.example.org (NetBox)')?.detail).toBe('does not resolve (no answer within 0.8 s; no network or no DNS server reachable?).');
    expect(r.ms).toBeLessThan(4000);
    expect(r.exitCode).toBe(1);
  });

  test('the stack: exited and unhealthy services fail with the log command, a starting one waits, none running is not a failure', async () => {
    const { dir, facts } = deployment({ apps: [{ name: 'grafana', image: 'grafana/grafana:11.3.0', port: 3000, host: 'grafana.example.org' }] });
    reportedIssuer = idpUrl;
    greenHost(facts);
    // Compose < 2.21 prints one JSON array.
    docker.set('compose-ps', JSON.stringify([
      { Service: 'pomerium', State: 'running', Health: 'healthy' },
      { Service: 'netbox', State: 'running', Health: 'starting' },
      { Service: 'postgres', State: 'exited', Health: '', ExitCode: 1 },
      { Service: 'redis', State: 'running', Health: 'unhealthy' },
      { Service: 'redis-cache', State: 'running', Health: 'healthy' },
      { Service: 'netbox-worker', State: 'created', Health: '' },
    ]));
    const r = await doctor(dir, facts);
    expect(r.line('DNS grafana.example.org (app grafana)')?.status).toBe(CheckStatus.PASS);
    expect(r.line('service netbox')).toMatchObject({ status: CheckStatus.SKIP, detail: expect.stringMatching(/^running, starting: wait/) });
    expect(r.line('service postgres')).toEqual({
      status: CheckStatus.FAIL, what: 'service postgres', detail: 'exited (exit code 1).', fix: 'npx projen logs -- postgres shows why; npx projen up starts it again.',
    });
    expect(r.line('service redis')?.detail).toBe('running, unhealthy.');
    expect(r.line('service grafana')).toMatchObject({ status: CheckStatus.FAIL, detail: 'has no container.', fix: 'npx projen up' });
    docker.set('compose-ps', '');
    const stopped = await doctor(dir, facts);
    expect(stopped.line('stack')).toMatchObject({ status: CheckStatus.SKIP, detail: expect.stringMatching(/^not running \(no containers of project netbox\)/) });
    expect(stopped.exitCode).toBe(0);
  });

  test('placeholders from a bare declaration: named as options to set, and the placeholder IdP is not contacted', async () => {
    const { dir, facts } = deployment({ idpProvider: undefined, idpProviderUrl: undefined, idpClientId: undefined });
    greenHost(facts);
    discoveryRequests.length = 0;
    const r = await doctor(dir, facts);
    expect(r.line('IdP settings')).toEqual({
      status: CheckStatus.FAIL,
      what: 'IdP settings',
      detail: 'idpProviderUrl and idpClientId still hold a placeholder.',
      fix: 'set idpProviderUrl and idpClientId in .projenrc.ts to your IdP app\'s values and run npx projen.',
    });
    expect(r.line('IdP discovery')).toBeUndefined();
    expect(r.exitCode).toBe(1);
    // GitHub has no discovery document: not judged, even with a URL (GitHub Enterprise).
    const github = deployment({ idpProvider: IdpProvider.GITHUB, idpProviderUrl: undefined, allowedGroups: undefined });
    greenHost(github.facts);
    const g = await doctor(github.dir, github.facts);
    expect(g.line('IdP discovery')).toMatchObject({ status: CheckStatus.SKIP, detail: expect.stringMatching(/OAuth2, not OpenID Connect/) });
  });

  test('when Compose refuses the file (a secret missing from .env), the containers are read with docker ps by project label', async () => {
    const { dir, facts } = deployment();
    reportedIssuer = idpUrl;
    greenHost(facts);
    docker.set('compose-refuses', 'required variable IDP_CLIENT_SECRET is missing a value: paste the IdP client secret into .env');
    const row = (service: string, state: string, status: string) => JSON.stringify({
      Names: `netbox-${service}-1`, State: state, Status: status, Labels: `com.docker.compose.project=netbox,com.docker.compose.service=${service},x=y`,
    });
    docker.set('docker-ps', [
      row('pomerium', 'running', 'Up 2 minutes (healthy)'), row('netbox', 'running', 'Up 2 minutes (unhealthy)'), row('postgres', 'exited', 'Exited (1) 1 minute ago'),
    ].join('\n'));
    const r = await doctor(dir, facts);
    expect(docker.calls()).toContainEqual(['ps', '--all', '--filter', 'label=com.docker.compose.project=netbox', '--format', 'json']);
    expect(r.line('service pomerium')).toMatchObject({ status: CheckStatus.PASS, detail: 'running, healthy' });
    expect(r.line('service netbox')).toMatchObject({ status: CheckStatus.FAIL, detail: 'running, unhealthy.' });
    expect(r.line('service postgres')).toMatchObject({ status: CheckStatus.FAIL, detail: 'exited.' });
    expect(r.line('service redis')).toMatchObject({ status: CheckStatus.FAIL, detail: 'has no container.' });
    expectOnlyReads(docker.calls());
  });

  test('a check that throws is reported as not run and fails the run, without hiding the checks before it', async () => {
    const { dir, facts } = deployment();
    reportedIssuer = idpUrl;
    greenHost(facts);
    const broken: DoctorCheck = async () => {
      throw new Error('boom');
    };
    const r = await doctor(dir, facts, {}, [...DOCTOR_CHECKS, broken]);
    expect(r.lines.map(formatLine).slice(-1)).toEqual(['✗ broken: could not run (boom).']);
    expect(r.lines.length).toBeGreaterThan(DOCTOR_CHECKS.length);
    expect(r.exitCode).toBe(1);
  });
});

describe('the last backup, as the backup task recorded it', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'nbp-doctor-backup-'));
  const ctx = { dir, facts: { projectName: 'ipam' } } as DoctorContext;
  const statusFile = path.join(dir, 'backups', 'last-backup.status');

  test('none yet: said, not failed', async () => {
    const [line] = await checkLastBackup(ctx);
    expect(line.status).toBe(CheckStatus.SKIP);
    expect(line.detail).toContain('run npx projen backup');
  });

  test('a successful backup names its set and time', async () => {
    mkdirSync(path.dirname(statusFile), { recursive: true });
    writeFileSync(statusFile, 'status=ok\nexit=0\nset=backups/20261201T020000Z\nstarted=2026-12-01T02:00:00Z\nfinished=2026-12-01T02:03:10Z\nmessage=\n');
    const [line] = await checkLastBackup(ctx);
    expect(line).toEqual({ status: CheckStatus.PASS, what: 'last backup', detail: 'backups/20261201T020000Z finished 2026-12-01T02:03:10Z' });
  });

  test('a failed backup fails the doctor with its message and a fix', async () => {
    writeFileSync(statusFile, 'status=failed\nexit=3\nset=\nstarted=2026-12-01T02:00:00Z\nfinished=2026-12-01T02:00:04Z\nmessage=pg_dump: connection refused\n');
    const [line] = await checkLastBackup(ctx);
    expect(line.status).toBe(CheckStatus.FAIL);
    expect(line.detail).toBe('failed at 2026-12-01T02:00:04Z (exit 3): pg_dump: connection refused');
    expect(line.fix).toBe('Read the backup log (journalctl -t ipam-backup for the scheduled runs, or the output of npx projen backup), '
      + 'fix the cause, run npx projen backup again.');
    expect(DOCTOR_CHECKS).toContain(checkLastBackup);
  });
});

describe('pieces', () => {
  test('issuerDifference names the difference', () => {
    expect(issuerDifference('https://a.example/x', 'https://a.example/x/')).toBe('the IdP\'s issuer has a trailing slash that idpProviderUrl lacks');
    expect(issuerDifference('https://A.example/x', 'https://a.example/x')).toBe('they differ in letter case');
    expect(issuerDifference('https://login.microsoftonline.com/t1/v2.0', 'https://sts.windows.net/t1/'))
      .toBe('they differ in host login.microsoftonline.com vs sts.windows.net, path /t1/v2.0 vs /t1/ (configured vs reported)');
  });

  test('compose ps output: one array (old Compose) or one object per line (Compose >= 2.21)', () => {
    const row = { Service: 'netbox', State: 'running', Health: 'healthy' };
    expect(parseComposePs(JSON.stringify([row]))).toEqual(parseComposePs(JSON.stringify(row)));
    expect(parseComposePs('')).toEqual([]);
  });

  test('the facts follow the declaration: hosts, URLs, Traefik names, secrets, services (overrides included)', () => {
    const s = synth({
      domain: 'ipam.example.net',
      authenticateHost: 'login.example.net',
      traefikEntrypoint: 'https',
      apps: [{ name: 'grafana', image: 'grafana/grafana:11.3.0', port: 3000, host: 'grafana.example.net' }],
    });
    const facts: DoctorFacts & { '//': string } = s.files['.projen/doctor.json'];
    expect(facts['//']).toMatch(/Generated by projen/);
    expect(facts.hosts).toEqual([
      { role: 'NetBox', host: 'ipam.example.net' }, { role: 'authenticate', host: 'login.example.net' }, { role: 'app grafana', host: 'grafana.example.net' },
    ]);
    expect(facts.callbackUrl).toBe('https://login.example.net/oauth2/callback');
    expect(facts.callbackUrl).toBe(`${s.pomerium.authenticate_service_url}/oauth2/callback`);
    expect(facts.idp.providerUrl).toBe(s.pomerium.idp_provider_url);
    expect(facts.traefik).toEqual({ network: 'traefik-proxy', entrypoint: 'https', certResolver: 'le' });
    expect(facts.services).toEqual(Object.keys(s.compose.services));
    const up: string = s.files['.projen/tasks.json'].tasks.up.steps[0].exec;
    expect(`${facts.composeArgv.join(' ')} up -d`).toBe(up);
    for (const name of facts.requiredSecrets.filter((n) => n !== 'IDP_CLIENT_SECRET')) expect(s.dotenv).toMatch(new RegExp(`^${name}='`, 'm'));
    expect(facts.requiredSecrets).toContain('IDP_CLIENT_SECRET');
    expect(facts.idp.placeholders).toEqual([]);
    const bare = synth({ idpProviderUrl: undefined, idpClientId: undefined, idpProvider: undefined });
    expect(bare.files['.projen/doctor.json'].idp.placeholders).toEqual(['idpProviderUrl', 'idpClientId']);
    expect(s.files['.projen/tasks.json'].tasks.doctor.steps[0].exec).toBe('node -e "require(\'projen-netbox-pomerium/lib/doctor/doctor\').main()"');
  });

  test('formatLine: mark, what, detail, fix', () => {
    const line: CheckLine = { status: CheckStatus.FAIL, what: 'x', detail: 'broken.', fix: 'mend it' };
    expect(formatLine(line)).toBe('✗ x: broken. Fix: mend it');
    expect(formatLine({ status: CheckStatus.INFO, what: 'y', detail: 'note' })).toBe('• y: note');
  });
});
