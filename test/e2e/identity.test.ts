import { mkdtempSync, readFileSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { parse } from 'yaml';
import { e2eContext, projenNew, SEED_FLAGS } from './context';
import { effectiveSettings, metaKeyOf, mountedConfigFiles } from '../netbox-docker-config';
import { dockerComposeV2, dockerComposeV2Resolved } from '../real-validators';

/** The netbox-docker release of the newest supported tag; written out so a new default must be looked at here. */
const NEWEST = { tag: 'v4.7-5.1.1', dockerRelease: '5.1.1' };
const SEED_RELEASE = { tag: 'v3.0-1.4.1', dockerRelease: '1.4.1' };
const ADMIN = 'admin@example.org';

interface Deployment {
  readonly dir: string;
  readonly compose: any;
  readonly pomerium: any;
  /** Compose v2's fully resolved model (env_file and environment merged, paths absolute). */
  readonly resolved: any;
  read(file: string): string;
}

const deployments = new Map<string, Deployment>();

/**
 * `projen new --from <packed library> netbox-pomerium <seed flags> --netbox-version <tag> --superusers admin@example.org`
 * in a fresh directory, once per tag and test file.
 */
function newDeployment(tag: string): Deployment {
  if (!deployments.has(tag)) deployments.set(tag, createDeployment(tag));
  return deployments.get(tag)!;
}

function createDeployment(tag: string): Deployment {
  const dir = mkdtempSync(path.join(tmpdir(), 'nbp-identity-'));
  projenNew(dir, e2eContext().tarball, [...SEED_FLAGS, '--netbox-version', tag, '--superusers', ADMIN]);
  const read = (file: string) => readFileSync(path.join(dir, file), 'utf-8');
  // The one secret projen cannot create; Compose refuses to run without it.
  writeFileSync(path.join(dir, '.env'), `${read('.env')}\nIDP_CLIENT_SECRET='client-secret-value'\n`);
  return {
    dir,
    read,
    compose: parse(read('compose.yaml')),
    pomerium: parse(read('pomerium/config.yaml')),
    resolved: dockerComposeV2Resolved(dir),
  };
}

describe.each([
  ['the seed\'s release', SEED_RELEASE],
  ['the newest release', NEWEST],
])('projen new on %s with --superusers', (_name, release) => {
  let d: Deployment;
  beforeAll(() => {
    d = newDeployment(release.tag);
  });

  test('.projenrc.ts holds the release and the superuser as typed options', () => {
    const rc = d.read('.projenrc.ts');
    expect(rc).toContain(`netboxVersion: "${release.tag}",`);
    expect(rc).toContain(`superusers: ["${ADMIN}"],`);
  });

  test('docker compose config -q accepts the deployment', () => {
    expect(dockerComposeV2(d.dir)).toEqual({ status: 0, output: '' });
  });

  test.each(['netbox', 'netbox-worker'])('netbox-docker\'s configuration of %s turns group sync on and makes the user a superuser', (name) => {
    const service = d.resolved.services[name];
    expect(service.image).toBe(`netboxcommunity/netbox:${release.tag}`);
    const settings = effectiveSettings(release.dockerRelease, service.environment, mountedConfigFiles(service));
    expect(settings.REMOTE_AUTH_ENABLED).toBe(true);
    expect(settings.REMOTE_AUTH_GROUP_SYNC_ENABLED).toBe(true);
    expect(settings.REMOTE_AUTH_SUPERUSERS).toEqual([ADMIN]);
    // Pomerium comma-joins the values of a multi-valued claim.
    expect(settings.REMOTE_AUTH_GROUP_SEPARATOR).toBe(',');
  });

  test('NetBox reads the user and groups headers Pomerium sends', () => {
    const headers: Record<string, string> = d.pomerium.jwt_claims_headers;
    const headerOf = (claim: string) => Object.keys(headers).find((h) => headers[h] === claim)!;
    const service = d.resolved.services.netbox;
    const settings = effectiveSettings(release.dockerRelease, service.environment, mountedConfigFiles(service));
    expect(headerOf('groups')).toBe('X-Pomerium-Claim-Groups');
    expect(settings.REMOTE_AUTH_GROUP_HEADER).toBe(metaKeyOf(headerOf('groups')));
    expect(settings.REMOTE_AUTH_HEADER).toBe(metaKeyOf(headerOf('email')));
    // The route to NetBox passes them, and Traefik strips client copies before Pomerium.
    expect(d.pomerium.routes[0].to).toBe('http://netbox:8080');
    expect(d.pomerium.routes[0].pass_identity_headers).toBe(true);
    const labels = d.compose.services.pomerium.labels;
    expect(Object.keys(labels).filter((k) => k.endsWith('.customrequestheaders.X-Pomerium-Claim-Groups'))).toHaveLength(1);
  });
});

describe('the seed\'s release has netbox-docker 1.4.1\'s shape', () => {
  let d: Deployment;
  beforeAll(() => {
    d = newDeployment(SEED_RELEASE.tag);
  });

  test('user unit:root, the housekeeping service, postgres 13 at /var/lib/postgresql/data, redis 6', () => {
    const services = d.compose.services;
    expect(services.netbox.user).toBe('unit:root');
    expect(services['netbox-worker'].user).toBe('unit:root');
    expect(services['netbox-housekeeping'].user).toBe('unit:root');
    expect(services['netbox-housekeeping'].command).toEqual(['/opt/netbox/housekeeping.sh']);
    expect(services.postgres.image).toBe('postgres:13-alpine');
    expect(services.postgres.volumes).toEqual(['netbox-postgres-data:/var/lib/postgresql/data']);
    expect(services.redis.image).toBe('redis:6-alpine');
    expect(services.netbox.environment.API_TOKEN_PEPPER_1).toBeUndefined();
  });

  test('what 1.4.1 cannot read from the environment lives in the mounted file, and only there', () => {
    const netboxEnv = d.read('env/netbox.env');
    expect(netboxEnv).not.toMatch(/^REMOTE_AUTH_GROUP_SYNC_ENABLED=/m);
    expect(netboxEnv).toMatch(/^ALLOWED_HOSTS=netbox\.example\.org localhost$/m);
    const py = d.read('netbox/zz_netbox_pomerium.py');
    expect(py).toMatch(/^REMOTE_AUTH_GROUP_SYNC_ENABLED = True$/m);
    expect(py).toMatch(/^REMOTE_AUTH_SUPERUSERS = \["admin@example\.org"\]$/m);
    expect(d.compose.services.netbox.volumes).toContain('./netbox/zz_netbox_pomerium.py:/etc/netbox/config/zz_netbox_pomerium.py:ro');
  });
});
