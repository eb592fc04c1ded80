import { execFileSync, spawn } from 'child_process';
import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'fs';
import * as https from 'https';
import { AddressInfo } from 'net';
import { tmpdir } from 'os';
import * as path from 'path';
import { cleanEnv, copySeedDeployment, editProjenrc, git, projen, treeHash } from './context';
import { fakeDoctorDocker, traefikContainer } from '../fake-doctor-docker';

/**
 * `npx projen doctor` in a deployment made by `projen new`, with a fake `docker` first on PATH and
 * the IdP served from 127.0.0.1 by a test CA trusted through NODE_EXTRA_CA_CERTS. DNS is the
 * real resolver: the example hosts do not resolve here, which is the "no network" case.
 */
describe('npx projen doctor in a projen-new deployment', () => {
  const work = mkdtempSync(path.join(tmpdir(), 'nbp-doctor-e2e-'));
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: work, stdio: 'pipe' });
  openssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem',
    '-days', '2', '-subj', '/CN=doctor e2e CA', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign');
  openssl('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'srv.key', '-out', 'srv.csr', '-subj', '/CN=127.0.0.1');
  writeFileSync(path.join(work, 'ext.cnf'), 'subjectAltName=IP:127.0.0.1\n');
  openssl('x509', '-req', '-in', 'srv.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'srv.pem', '-days', '2', '-extfile', 'ext.cnf');

  let issuer = '';
  const server = https.createServer({ key: readFileSync(path.join(work, 'srv.key')), cert: readFileSync(path.join(work, 'srv.pem')) }, (req, res) => {
    res.writeHead(req.url === '/tenant/v2.0/.well-known/openid-configuration' ? 200 : 404, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ issuer }));
  });
  beforeAll(() => new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve)));
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  const docker = fakeDoctorDocker();

  /** Runs the task without blocking this process's event loop (the IdP answers from here). */
  function doctor(dir: string): Promise<{ status: number | null; stdout: string; stderr: string; ms: number }> {
    const started = Date.now();
    return new Promise((resolve) => {
      const child = spawn('npx', ['projen', 'doctor'], {
        cwd: dir,
        env: {
          ...cleanEnv(),
          PROJEN_DISABLE_POST: 'true',
          PATH: `${docker.bin}:${process.env.PATH}`,
          FAKE_DOCKER_DIR: docker.state,
          NODE_EXTRA_CA_CERTS: path.join(work, 'ca.pem'),
        },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      child.on('close', (status) => resolve({ status, stdout, stderr, ms: Date.now() - started }));
    });
  }

  test('synthesis writes the facts and the task; doctor prints one line per check and fails on what is missing', async () => {
    const dir = copySeedDeployment();
    const port = (server.address() as AddressInfo).port;
    issuer = `https://127.0.0.1:${port}/tenant/v2.0`;
    editProjenrc(dir, 'https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000/v2.0', issuer);
    expect(projen(dir).status).toBe(0);
    const facts = JSON.parse(readFileSync(path.join(dir, '.projen/doctor.json'), 'utf-8'));
    expect(facts.idp.providerUrl).toBe(issuer);
    expect(git(dir, 'status', '--porcelain')).toMatch(/\.projen\/doctor\.json/);

    docker.set('network-traefik-proxy', JSON.stringify({ aaaa1111: { Name: 'traefik' } }));
    docker.set('inspect', JSON.stringify([traefikContainer(['websecure'], ['le'])]));
    docker.set('compose-ps', '');
    docker.reset();
    const before = treeHash(dir);
    const r = await doctor(dir);
    const out = r.stdout;
    expect(out).toContain('✓ Docker engine: reachable (server 27.3.1)');
    expect(out).toContain('✓ Compose v2: present (2.29.7)');
    expect(out).toContain('✓ Traefik network traefik-proxy: exists; Traefik runs on it (container traefik, image traefik:v3.7.9)');
    expect(out).toContain('✓ Traefik entrypoint websecure: defined by traefik');
    expect(out).toContain(`✓ IdP discovery: ${issuer}/.well-known/openid-configuration answers; issuer equals idpProviderUrl (${issuer})`);
    expect(out).toContain('• IdP redirect URI: register https://authenticate.netbox.example.org/oauth2/callback in your IdP app');
    expect(out).toContain('✓ .env: present, mode 0600');
    // projen new left the client secret for the user to paste.
    expect(out).toContain("✗ .env secrets: not set: IDP_CLIENT_SECRET. Fix: add IDP_CLIENT_SECRET='<the client secret value from your IdP>' to .env.");
    expect(out).toMatch(/^– stack: not running \(no containers of project seed-deployment\)/m);
    // The example hosts do not resolve on this machine: said plainly, not hung.
    expect(out).toMatch(/^[✓✗] DNS netbox\.example\.org \(NetBox\): /m);
    expect(out).toMatch(/^[✓✗] DNS authenticate\.netbox\.example\.org \(authenticate\): /m);
    expect(out).toMatch(/^doctor: \d+ checks? failed\.$/m);
    expect(r.status).toBe(1);
    expect(r.ms).toBeLessThan(60_000);
    expect(docker.calls()).toContainEqual(['compose', '-p', 'seed-deployment', '-f', 'compose.yaml', 'ps', '--all', '--format', 'json']);
    // Read only.
    expect(treeHash(dir)).toBe(before);

    // With the client secret the .env line turns green.
    appendFileSync(path.join(dir, '.env'), "IDP_CLIENT_SECRET='s3cr3t-value'\n");
    const again = await doctor(dir);
    expect(again.stdout).toMatch(/^✓ \.env secrets: all 8 set/m);
  });

  test('a declaration change reaches the checks: a new Traefik network name is what doctor looks for', async () => {
    const dir = copySeedDeployment();
    editProjenrc(dir, 'traefikNetwork: "traefik-proxy"', 'traefikNetwork: "edge"');
    expect(projen(dir).status).toBe(0);
    docker.reset();
    const r = await doctor(dir);
    expect(r.stdout).toContain('✗ Traefik network edge: does not exist (Error response from daemon: network edge not found). Fix: docker network create edge');
    expect(r.status).toBe(1);
    expect(readFileSync(path.join(dir, 'README.md'), 'utf-8')).toContain('subgraph net_edge["network edge (external)"]');
  });
});
