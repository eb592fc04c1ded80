import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { parse } from 'yaml';
import { e2eContext, git, projen, projenNew, SEED_FLAGS } from './context';
import { effectiveEgressSettings, mountedConfigFiles } from '../netbox-docker-config';
import { dockerComposeV2, dockerComposeV2Resolved } from '../real-validators';

/**
 * `projen new` deployments with the egress flags: which networks each service is on (as
 * `docker compose config` resolves them), and what netbox-docker's configuration.py makes of the
 * environment (the tests' model of it, fed Compose's resolved environment and the `.env` values).
 */

const NEWEST_DOCKER_RELEASE = '5.1.1';
const EMAIL_FLAGS = ['--email-server', 'smtp.example.org', '--email-from', 'netbox@example.org', '--email-username', 'netbox'];
const PROXY = 'http://proxy.example.org:3128';
const SMTP_PASSWORD = 'smtp-password-e2e-7f3a';

interface Deployment {
  readonly dir: string;
  read(file: string): string;
}

function newDeployment(prefix: string, flags: string[]): Deployment {
  const dir = mkdtempSync(path.join(tmpdir(), `nbp-egress-${prefix}-`));
  projenNew(dir, e2eContext().tarball, [...SEED_FLAGS, ...flags]);
  const read = (file: string) => readFileSync(path.join(dir, file), 'utf-8');
  // The one secret projen cannot create.
  writeFileSync(path.join(dir, '.env'), `${read('.env')}\nIDP_CLIENT_SECRET='client-secret-value'\n`);
  return { dir, read };
}

/** service → the networks Compose puts it on. */
function networksOf(resolved: any): Record<string, string[]> {
  return Object.fromEntries(Object.entries<any>(resolved.services).map(([name, svc]) => [name, Object.keys(svc.networks ?? {}).sort()]));
}

const settingsOf = (resolved: any, service: string) => effectiveEgressSettings(NEWEST_DOCKER_RELEASE,
  resolved.services[service].environment, mountedConfigFiles(resolved.services[service])) as any;

const DATA = ['postgres', 'redis', 'redis-cache'];

describe('projen new with the seed\'s flags: the egress network by default', () => {
  let resolved: any;
  beforeAll(() => {
    const dir = mkdtempSync(path.join(tmpdir(), 'nbp-egress-default-'));
    const seed = e2eContext().seedDeployment;
    writeFileSync(path.join(dir, 'compose.yaml'), readFileSync(path.join(seed, 'compose.yaml')));
    for (const f of ['env/netbox.env', 'env/postgres.env']) {
      const target = path.join(dir, f);
      mkdirSync(path.dirname(target), { recursive: true });
      writeFileSync(target, readFileSync(path.join(seed, f)));
    }
    writeFileSync(path.join(dir, '.env'), `${readFileSync(path.join(seed, '.env'), 'utf-8')}\nIDP_CLIENT_SECRET='x'\n`);
    resolved = dockerComposeV2Resolved(dir);
  });

  test('docker compose config: web and worker on netbox and netbox-egress; data services internal only; Pomerium on Traefik\'s and netbox', () => {
    const networks = networksOf(resolved);
    expect(networks.netbox).toEqual(['netbox', 'netbox-egress']);
    expect(networks['netbox-worker']).toEqual(['netbox', 'netbox-egress']);
    for (const name of DATA) expect(networks[name]).toEqual(['netbox']);
    expect(networks.pomerium).toEqual(['netbox', 'traefik-proxy']);
    expect(Object.entries(networks).filter(([, n]) => n.includes('netbox-egress')).map(([s]) => s).sort()).toEqual(['netbox', 'netbox-worker']);
    expect(resolved.networks['netbox-egress'].internal ?? false).toBe(false);
    expect(resolved.networks.netbox.internal).toBe(true);
    for (const svc of Object.values<any>(resolved.services)) expect(svc.ports).toBeUndefined();
  });

  test('netbox-docker\'s configuration: not isolated, no proxy, UTC, no mail server', () => {
    const settings = settingsOf(resolved, 'netbox');
    expect(settings.ISOLATED_DEPLOYMENT).toBe(false);
    expect(settings.HTTP_PROXIES).toEqual({ http: null, https: null });
    expect(settings.TIME_ZONE).toBe('UTC');
    expect(settings.EMAIL.SERVER).toBe('localhost');
    expect(settings.CENSUS_REPORTING_ENABLED).toBeUndefined();
  });
});

describe('projen new --isolated', () => {
  let d: Deployment;
  let resolved: any;
  beforeAll(() => {
    d = newDeployment('isolated', ['--isolated', '--time-zone', 'Europe/Berlin']);
    resolved = dockerComposeV2Resolved(d.dir);
  });

  test('.projenrc.ts holds the flags as typed options', () => {
    expect(d.read('.projenrc.ts')).toContain('isolated: true,');
    expect(d.read('.projenrc.ts')).toContain('timeZone: "Europe/Berlin",');
  });

  test('docker compose config: no egress network, every backend on netbox only', () => {
    const networks = networksOf(resolved);
    expect(resolved.networks['netbox-egress']).toBeUndefined();
    for (const name of ['netbox', 'netbox-worker', ...DATA]) expect({ name, networks: networks[name] }).toEqual({ name, networks: ['netbox'] });
  });

  test.each(['netbox', 'netbox-worker'])('netbox-docker\'s configuration of %s: ISOLATED_DEPLOYMENT, census off, no release check, TIME_ZONE', (name) => {
    const settings = settingsOf(resolved, name);
    expect(settings.ISOLATED_DEPLOYMENT).toBe(true);
    expect(settings.CENSUS_REPORTING_ENABLED).toBe(false);
    expect(settings.TIME_ZONE).toBe('Europe/Berlin');
    expect(resolved.services[name].environment.RELEASE_CHECK_URL).toBeUndefined();
  });
});

describe('projen new --email-server smtp.example.org --email-from netbox@example.org --email-username netbox', () => {
  let d: Deployment;
  beforeAll(() => {
    d = newDeployment('email', EMAIL_FLAGS);
  });

  test('.projenrc.ts holds the flags; .env has an empty EMAIL_PASSWORD placeholder; compose refuses to start, naming it', () => {
    const rc = d.read('.projenrc.ts');
    expect(rc).toContain('emailServer: "smtp.example.org",');
    expect(rc).toContain('emailUsername: "netbox",');
    expect(d.read('.env')).toMatch(/^EMAIL_PASSWORD=''$/m);
    const refused = dockerComposeV2(d.dir);
    expect(refused.status).not.toBe(0);
    expect(refused.output).toMatch(/EMAIL_PASSWORD/);
  });

  test('filled in: netbox-docker\'s EMAIL for web and worker, the password only from .env, never in a tracked file', () => {
    writeFileSync(path.join(d.dir, '.env'), d.read('.env').replace("EMAIL_PASSWORD=''", `EMAIL_PASSWORD='${SMTP_PASSWORD}'`));
    const resolved = dockerComposeV2Resolved(d.dir);
    for (const name of ['netbox', 'netbox-worker']) {
      expect(settingsOf(resolved, name).EMAIL).toEqual({
        SERVER: 'smtp.example.org',
        PORT: 587,
        USERNAME: 'netbox',
        PASSWORD: SMTP_PASSWORD,
        USE_SSL: false,
        USE_TLS: true,
        SSL_CERTFILE: '',
        SSL_KEYFILE: '',
        TIMEOUT: 10,
        FROM_EMAIL: 'netbox@example.org',
      });
    }
    for (const name of ['pomerium', ...DATA]) expect(resolved.services[name].environment?.EMAIL_PASSWORD).toBeUndefined();
    expect(networksOf(resolved).netbox).toEqual(['netbox', 'netbox-egress']);

    // Three resyntheses leave .env byte-identical.
    const dotenv = d.read('.env');
    for (let i = 0; i < 3; i++) {
      const r = projen(d.dir);
      expect(r.status).toBe(0);
      expect(d.read('.env')).toBe(dotenv);
    }
    git(d.dir, 'init', '-q', '-b', 'main');
    git(d.dir, 'add', '-A');
    const tracked = git(d.dir, 'ls-files').split('\n').filter((f) => f && !f.startsWith('node_modules/'));
    expect(tracked).not.toContain('.env');
    expect(tracked).toEqual(expect.arrayContaining(['compose.yaml', 'env/netbox.env', 'README.md', '.projenrc.ts']));
    for (const f of tracked) expect({ f, leaks: readFileSync(path.join(d.dir, f), 'utf-8').includes(SMTP_PASSWORD) }).toEqual({ f, leaks: false });
    // The runbook says how to send a test mail.
    expect(d.read('README.md')).toContain('manage.py sendtestemail');
  });
});

describe(`projen new --outbound-proxy ${PROXY}`, () => {
  let d: Deployment;
  let resolved: any;
  beforeAll(() => {
    d = newDeployment('proxy', ['--outbound-proxy', PROXY]);
    resolved = dockerComposeV2Resolved(d.dir);
  });

  test('.projenrc.ts holds the flag', () => {
    expect(d.read('.projenrc.ts')).toContain(`outboundProxy: "${PROXY}",`);
  });

  test.each(['netbox', 'netbox-worker'])('%s: HTTP_PROXIES through the proxy, NO_PROXY covering every service', (name) => {
    expect(settingsOf(resolved, name).HTTP_PROXIES).toEqual({ http: PROXY, https: PROXY });
    const noProxy = String(resolved.services[name].environment.NO_PROXY).split(',');
    for (const service of Object.keys(resolved.services)) expect(noProxy).toContain(service);
  });

  test('Pomerium is not sent through the proxy unless declared; the services stay on their networks', () => {
    expect(resolved.services.pomerium.environment.HTTP_PROXY).toBeUndefined();
    expect(networksOf(resolved)['netbox-worker']).toEqual(['netbox', 'netbox-egress']);
    expect(parse(d.read('compose.yaml')).networks['netbox-egress']).toEqual({ internal: false });
  });
});
