import { mkdtempSync, readFileSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { parse } from 'yaml';
import { e2eContext, editProjenrc, projen, projenNew, SEED_FLAGS } from './context';
import { effectiveSettings } from '../netbox-docker-config';
import { answer, traefikStrippedHeaders, upstreamHeaders, wsgiMeta } from '../pomerium-routes';
import { composeSpecErrors, dockerComposeV2, dockerComposeV2Resolved, dockerStackConfig } from '../real-validators';

const DOMAIN = 'https://netbox.example.org';
const RANGE = '10.20.0.0/16';
const INSIDE = '10.20.3.4';
const OUTSIDE = '198.51.100.7';
/** The netbox-docker release of the default tag; written out so a new default must be looked at here. */
const DOCKER_RELEASE = '5.1.1';

interface Deployment {
  readonly dir: string;
  readonly pomerium: any;
  readonly compose: any;
  /** Compose v2's resolved model (env files merged). */
  readonly resolved: any;
  read(file: string): string;
}

/** `projen new --from <packed library> netbox-pomerium <seed flags> <flags>` in a fresh directory, plus the IdP secret. */
function newDeployment(flags: string[]): Deployment {
  const dir = mkdtempSync(path.join(tmpdir(), 'nbp-api-'));
  projenNew(dir, e2eContext().tarball, [...SEED_FLAGS, ...flags]);
  const read = (file: string) => readFileSync(path.join(dir, file), 'utf-8');
  writeFileSync(path.join(dir, '.env'), `${read('.env')}\nIDP_CLIENT_SECRET='client-secret-value'\n`);
  return { dir, read, pomerium: parse(read('pomerium/config.yaml')), compose: parse(read('compose.yaml')), resolved: dockerComposeV2Resolved(dir) };
}

/** NetBox's settings as netbox-docker's configuration.py derives them from the container environment and mounted files. */
function netboxSettings(d: Deployment): Record<string, any> {
  const service = d.resolved.services.netbox;
  const files: Record<string, string> = {};
  for (const volume of service.volumes ?? []) {
    if (volume.type === 'bind' && /^\/etc\/netbox\/config\/[^/]+\.py$/.test(volume.target)) {
      files[path.basename(volume.target)] = readFileSync(volume.source, 'utf-8');
    }
  }
  return effectiveSettings(DOCKER_RELEASE, service.environment, files);
}

/** [route prefix or "catch-all", kind, login needed, identity headers] for a request from `ip`. */
function where(d: Deployment, urlPath: string, ip = OUTSIDE): [string, string, boolean, boolean] {
  const a = answer(d.pomerium, `${DOMAIN}${urlPath}`, ip);
  return [a.route?.prefix ?? (a.index < 0 ? 'none' : 'catch-all'), a.kind, a.loginNeeded, a.identityHeaders];
}

describe.each<[string, string[], string | undefined]>([
  ['--api-access token', ['--api-access', 'token'], undefined],
  ['--api-access token --api-source-ranges', ['--api-access', 'token', '--api-source-ranges', RANGE], RANGE],
])('projen new %s', (_name, flags, range) => {
  let d: Deployment;
  beforeAll(() => {
    d = newDeployment(flags);
  });

  test('.projenrc.ts holds the flags as typed options', () => {
    const rc = d.read('.projenrc.ts');
    expect(rc).toMatch(/^import \{ .*ApiAccess.* \} from "projen-netbox-pomerium";$/m);
    expect(rc).toContain('apiAccess: ApiAccess.TOKEN,');
    if (range) expect(rc).toContain(`apiSourceRanges: ["${range}"],`);
    else expect(rc).not.toContain('apiSourceRanges');
  });

  test.each<[string, string, [string, string, boolean, boolean]]>([
    ['/api/dcim/devices/', INSIDE, ['/api/', 'upstream', false, false]],
    ['/graphql/', INSIDE, ['/graphql/', 'upstream', false, false]],
    ['/dcim/devices/', INSIDE, ['catch-all', 'upstream', true, true]],
    ['/api/users/tokens/provision/', INSIDE, ['/api/users/tokens/provision', 'response', false, false]],
    ['/api/users/tokens/provision/', OUTSIDE, ['/api/users/tokens/provision', 'response', false, false]],
  ])('%s from %s: route, kind, login needed, identity headers', (urlPath, ip, expected) => {
    expect(where(d, urlPath, ip)).toEqual(expected);
  });

  test('from outside the ranges the token paths need the login (without ranges: nobody needs it)', () => {
    expect(where(d, '/api/dcim/devices/', OUTSIDE)).toEqual(['/api/', 'upstream', range !== undefined, false]);
    expect(where(d, '/graphql/', OUTSIDE)).toEqual(['/graphql/', 'upstream', range !== undefined, false]);
  });

  test('identity headers reach NetBox only on the login route; a token reaches it unchanged', () => {
    const labels = d.compose.services.pomerium.labels;
    // NetBox's router (named after the project, i.e. the directory) is the one whose rule names the domain.
    const router = Object.keys(labels).map((k) => /^traefik\.http\.routers\.([^.]+)\.rule$/.exec(k)?.[1])
      .find((r) => r && labels[`traefik.http.routers.${r}.rule`].includes('Host(`netbox.example.org`)'))!;
    const stripped = traefikStrippedHeaders(labels, router);
    expect(stripped).toContain('X-Pomerium-Claim-Email');
    const settings = netboxSettings(d);
    const client = { 'Authorization': 'Token 0123456789abcdef0123456789abcdef01234567', 'X-Pomerium-Claim-Email': 'admin@example.org' };
    for (const urlPath of ['/api/dcim/devices/', '/graphql/']) {
      const meta = wsgiMeta(upstreamHeaders(d.pomerium, stripped, answer(d.pomerium, `${DOMAIN}${urlPath}`, INSIDE), client) as any);
      expect({ urlPath, user: meta[settings.REMOTE_AUTH_HEADER] }).toEqual({ urlPath, user: undefined });
      expect(meta.HTTP_AUTHORIZATION).toBe(client.Authorization);
    }
    const ui = wsgiMeta(upstreamHeaders(d.pomerium, stripped, answer(d.pomerium, `${DOMAIN}/dcim/devices/`), client,
      { email: 'alice@example.org' }) as any);
    expect(ui[settings.REMOTE_AUTH_HEADER]).toBe('alice@example.org');
  });

  test('NetBox requires a login and its session ends with Pomerium\'s cookie; header names are Pomerium\'s', () => {
    const settings = netboxSettings(d);
    expect(settings.LOGIN_REQUIRED).toBe(true);
    expect(d.pomerium.cookie_expire).toBe('14h');
    expect(settings.LOGIN_TIMEOUT).toBe(14 * 3600);
    const claimMetaKeys = Object.keys(d.pomerium.jwt_claims_headers).map((h) => `HTTP_${h.toUpperCase().replace(/-/g, '_')}`);
    for (const setting of ['REMOTE_AUTH_HEADER', 'REMOTE_AUTH_USER_EMAIL', 'REMOTE_AUTH_USER_FIRST_NAME', 'REMOTE_AUTH_USER_LAST_NAME']) {
      expect({ setting, controlled: claimMetaKeys.includes(settings[setting]) }).toEqual({ setting, controlled: true });
    }
  });

  test('docker compose config and the compose-spec schema accept the deployment', () => {
    expect(dockerComposeV2(d.dir)).toEqual({ status: 0, output: '' });
    expect(composeSpecErrors(d.read('compose.yaml'))).toEqual([]);
  });

  test('the runbook\'s Automation section speaks of this deployment', () => {
    const readme = d.read('README.md');
    expect(readme).toContain('## Automation (API clients)');
    expect(readme).toContain(`pynetbox.api("${DOMAIN}"`);
    if (range) expect(readme).toContain(`from \`${range}\` (\`apiSourceRanges\`)`);
  });
});

describe('switching an existing deployment to token access, on Swarm too', () => {
  test('editing .projenrc.ts adds the token routes; docker stack config accepts stack.yaml', () => {
    const d = newDeployment([]);
    expect(parse(d.read('pomerium/config.yaml')).routes).toHaveLength(1);
    editProjenrc(d.dir, 'domain: "netbox.example.org",',
      `domain: "netbox.example.org",\n  apiAccess: ApiAccess.TOKEN,\n  apiSourceRanges: ["${RANGE}"],\n  swarm: true,`);
    editProjenrc(d.dir, 'import { IdpProvider, NetboxPomeriumProject }', 'import { ApiAccess, IdpProvider, NetboxPomeriumProject }');
    const r = projen(d.dir);
    expect({ status: r.status, output: r.status === 0 ? '' : `${r.stdout}${r.stderr}` }).toEqual({ status: 0, output: '' });
    const routes = parse(d.read('pomerium/config.yaml')).routes;
    expect(routes.map((route: any) => route.prefix ?? 'catch-all')).toEqual(['/api/users/tokens/provision', '/api/', '/graphql/', 'catch-all']);
    const stack = parse(d.read('stack.yaml'));
    const env: Record<string, string> = {};
    for (const [key, entry] of [...Object.entries<any>(stack.secrets ?? {}), ...Object.entries<any>(stack.configs ?? {})]) {
      env[/^\$\{(SWARM_[A-Z0-9_]+):\?/.exec(entry.name)![1]] = `netbox_${key}_0123456789ab`;
    }
    const config = dockerStackConfig(d.dir, 'stack.yaml', env);
    expect(config.status).toBe(0);
    // The stack mounts the same Pomerium config file (as a Swarm config) and reads the same env file.
    expect(stack.services.pomerium.configs.map((c: any) => c.target)).toContain('/pomerium/config.yaml');
    expect(stack.services.netbox.env_file).toContain('env/netbox.env');
    expect(d.read('env/netbox.env')).toMatch(/^LOGIN_TIMEOUT=50400$/m);
  });
});
