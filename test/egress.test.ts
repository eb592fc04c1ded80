import { mkdirSync, mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { parse } from 'yaml';
import { effectiveEgressSettings, egressFromEnvironment } from './netbox-docker-config';
import { dockerComposeV2, writeTree } from './real-validators';
import { esc, parseEnv, refusal, SEED, synth, withoutPostSynthesis } from './util';
import { EmailSecurity, NetboxPomeriumProject } from '../src';
import { checkTimeZone } from '../src/egress/egress-resolve';
import { DeclarationProblems } from '../src/model/problems';
import { NETBOX_RELEASES } from '../src/netbox/netbox-releases';
import { compileDeployment } from '../src/plan/compile';

const EMAIL = { emailServer: 'smtp.example.org', emailFrom: 'netbox@example.org', emailUsername: 'netbox' };
const PROXY = 'http://proxy.example.org:3128';

/** What netbox-docker's configuration.py makes of a service's env file, compose environment and mounted extra file. */
function netboxDockerView(s: ReturnType<typeof synth>, service: string, dockerRelease: string, dotenv: Record<string, string> = {}) {
  const environment: Record<string, string> = { ...s.env('netbox') };
  for (const [name, value] of Object.entries<string>(s.compose.services[service].environment ?? {})) {
    // `${NAME:?hint}` resolves from .env the way Compose does.
    const ref = /^\$\{([A-Z0-9_]+):\?[^}]*\}$/.exec(value);
    environment[name] = ref ? dotenv[ref[1]] ?? '' : value;
  }
  const extra = s.files['netbox/zz_netbox_pomerium.py'];
  return effectiveEgressSettings(dockerRelease, environment, extra ? { 'zz_netbox_pomerium.py': extra } : {});
}

describe('the egress network', () => {
  test('default: web and worker on the internal and the egress network; nothing else on it; no ports; Traefik\'s network never', () => {
    const s = synth();
    const services = s.compose.services;
    expect(services.netbox.networks).toEqual(['netbox', 'netbox-egress']);
    expect(services['netbox-worker'].networks).toEqual(['netbox', 'netbox-egress']);
    for (const name of ['postgres', 'redis', 'redis-cache']) expect(services[name].networks).toEqual(['netbox']);
    expect(services.pomerium.networks).toEqual(['traefik-proxy', 'netbox']);
    expect(s.compose.networks['netbox-egress']).toEqual({ internal: false });
    for (const svc of Object.values<any>(services)) expect(svc.ports).toBeUndefined();
  });

  test('a release with the housekeeping container keeps it internal-only', () => {
    const s = synth({ netboxVersion: 'v4.1-3.0.2' });
    expect(s.compose.services['netbox-housekeeping'].networks).toEqual(['netbox']);
  });

  test('isolated: no egress network at all, and the runbook says what that turns off', () => {
    const s = synth({ isolated: true });
    expect(s.compose.networks['netbox-egress']).toBeUndefined();
    for (const name of ['netbox', 'netbox-worker', 'postgres', 'redis', 'redis-cache']) expect(s.compose.services[name].networks).toEqual(['netbox']);
    expect(s.files['README.md']).toContain('`isolated` is set');
    expect(s.files['README.md']).toContain('The release check is off');
  });

  test('compose accepts both layouts (docker compose config)', () => {
    for (const overrides of [{}, { isolated: true }]) {
      const s = synth(overrides);
      const dir = writeTree({ ...s.files, '.env': `${s.dotenv}IDP_CLIENT_SECRET='x'\n` });
      expect(dockerComposeV2(dir)).toEqual({ status: 0, output: '' });
    }
  });
});

describe('isolated: what NetBox is told, per release', () => {
  test.each(NETBOX_RELEASES.map((r) => [r.tag, r.dockerRelease, r.netbox] as const))('%s', (tag, dockerRelease, netbox) => {
    const s = synth({ netboxVersion: tag, isolated: true });
    const env = s.env('netbox');
    const settings = netboxDockerView(s, 'netbox', dockerRelease);
    const knowsIsolated = netbox[0] > 4 || (netbox[0] === 4 && netbox[1] >= 1);
    const knowsCensus = netbox[0] > 3 || (netbox[0] === 3 && netbox[1] >= 5) || (netbox[0] === 3 && netbox[1] === 4 && netbox[2] >= 9);
    expect(settings.ISOLATED_DEPLOYMENT).toBe(knowsIsolated ? true : dockerRelease >= '3.1' ? false : undefined);
    expect(settings.CENSUS_REPORTING_ENABLED).toBe(knowsCensus ? false : undefined);
    // A setting goes to the env file only where the release reads it there, otherwise to the mounted file.
    const py = s.files['netbox/zz_netbox_pomerium.py'] ?? '';
    if (knowsIsolated) expect(env.ISOLATED_DEPLOYMENT === 'True' || /^ISOLATED_DEPLOYMENT = True$/m.test(py)).toBe(true);
    else expect(`${JSON.stringify(env)}${py}`).not.toContain('ISOLATED_DEPLOYMENT');
    // No release check: RELEASE_CHECK_URL is never set.
    expect(env.RELEASE_CHECK_URL).toBeUndefined();
  });

  test('the newest release reads all of it from the environment', () => {
    const env = synth({ isolated: true }).env('netbox');
    expect(env.ISOLATED_DEPLOYMENT).toBe('True');
    expect(env.CENSUS_REPORTING_ENABLED).toBe('False');
  });

  test('isolated refuses a proxy and a release check; it warns about an SMTP server outside', () => {
    const message = refusal({ isolated: true, outboundProxy: PROXY, netboxEnvironment: { RELEASE_CHECK_URL: 'https://api.github.com/repos/netbox-community/netbox/releases' } });
    expect(message).toMatch(/^ {2}- outboundProxy: cannot be reached by an isolated NetBox/m);
    expect(message).toMatch(/^ {2}- netboxEnvironment\.RELEASE_CHECK_URL: turns the release check on, which isolated: true turns off/m);
    expect(compileDeployment({ ...SEED, isolated: true, ...EMAIL }).model.warnings.some((w) => w.startsWith('isolated is set: NetBox has no network'))).toBe(true);
  });
});

describe('outbound proxy', () => {
  test('HTTP(S)_PROXY for NetBox and its worker, NO_PROXY covering every service and app; Pomerium untouched by default', () => {
    const s = synth({ outboundProxy: PROXY, apps: [{ name: 'grafana', image: 'grafana/grafana:11.3.0', port: 3000, host: 'grafana.example.org' }] });
    const env = s.env('netbox');
    expect(env.HTTP_PROXY).toBe(PROXY);
    expect(env.HTTPS_PROXY).toBe(PROXY);
    const noProxy = env.NO_PROXY.split(',');
    for (const name of [...Object.keys(s.compose.services), 'localhost']) expect(noProxy).toContain(name);
    for (const name of ['netbox', 'netbox-worker']) {
      expect(netboxDockerView(s, name, '5.1.1').HTTP_PROXIES).toEqual({ http: PROXY, https: PROXY });
    }
    expect(s.compose.services.pomerium.environment.HTTP_PROXY).toBeUndefined();
  });

  test('outboundProxyForPomerium gives Pomerium the same variables', () => {
    const s = synth({ outboundProxy: PROXY, outboundProxyForPomerium: true });
    const env = s.compose.services.pomerium.environment;
    expect(env.HTTP_PROXY).toBe(PROXY);
    expect(env.NO_PROXY).toBe(s.env('netbox').NO_PROXY);
  });

  test('credentials: the URL comes from .env (OUTBOUND_PROXY_URL) and appears in no generated file', () => {
    const s = synth({ outboundProxy: PROXY, outboundProxyCredentials: true, outboundProxyForPomerium: true });
    for (const name of ['netbox', 'netbox-worker', 'pomerium']) {
      expect(s.compose.services[name].environment.HTTP_PROXY).toMatch(/^\$\{OUTBOUND_PROXY_URL:\?/);
      expect(s.compose.services[name].environment.HTTPS_PROXY).toMatch(/^\$\{OUTBOUND_PROXY_URL:\?/);
    }
    expect(s.env('netbox').HTTP_PROXY).toBeUndefined();
    expect(s.dotenv).toMatch(/^OUTBOUND_PROXY_URL=''$/m);
    const withValue = { OUTBOUND_PROXY_URL: 'http://u:p@proxy.example.org:3128' };
    expect(netboxDockerView(s, 'netbox', '5.1.1', withValue).HTTP_PROXIES).toEqual({ http: withValue.OUTBOUND_PROXY_URL, https: withValue.OUTBOUND_PROXY_URL });
  });

  test.each([
    ['credentials in the URL', { outboundProxy: 'http://user:hunter2@proxy.example.org:3128' }, /outboundProxy: contains credentials.*\(got "http:\/\/<credentials>@proxy\.example\.org:3128"\)\. Declare "http:\/\/proxy\.example\.org:3128" and set outboundProxyCredentials: true/],
    ['another scheme', { outboundProxy: 'socks5://proxy.example.org:1080' }, /outboundProxy: is not an http\(s\) URL/],
    ['a path', { outboundProxy: 'http://proxy.example.org:3128/x' }, /outboundProxy: has a path, query or fragment/],
    ['credentials without a proxy', { outboundProxyCredentials: true }, /outboundProxyCredentials: needs a proxy/],
    ['Pomerium without a proxy', { outboundProxyForPomerium: true }, /outboundProxyForPomerium: needs a proxy/],
    ['credentials next to isolated', { isolated: true, outboundProxy: 'http://user:hunter2@proxy.example.org:3128' }, /outboundProxy: cannot be reached by an isolated NetBox.*\(got "http:\/\/<credentials>@proxy\.example\.org:3128"\)/],
    ['credentials with swarm', { outboundProxy: PROXY, outboundProxyCredentials: true, swarm: true }, /outboundProxyCredentials: cannot reach NetBox in the Swarm stack/],
    ['HTTP_PROXY through netboxEnvironment', { netboxEnvironment: { HTTP_PROXY: PROXY } }, /netboxEnvironment\.HTTP_PROXY: is set by the outboundProxy option/],
  ])('refused: %s', (_name, overrides, what) => {
    const message = refusal(overrides);
    expect(message).toMatch(what);
    expect(message).not.toContain('hunter2');
  });
});

describe('e-mail', () => {
  test('the flags\' shorthands: EMAIL_* as netbox-docker reads them, STARTTLS on 587, EMAIL_PASSWORD a user secret', () => {
    const s = synth(EMAIL);
    const settings = netboxDockerView(s, 'netbox-worker', '5.1.1', { EMAIL_PASSWORD: 'smtp-pass' });
    expect(settings.EMAIL).toEqual({
      SERVER: 'smtp.example.org',
      PORT: 587,
      USERNAME: 'netbox',
      PASSWORD: 'smtp-pass',
      USE_SSL: false,
      USE_TLS: true,
      SSL_CERTFILE: '',
      SSL_KEYFILE: '',
      TIMEOUT: 10,
      FROM_EMAIL: 'netbox@example.org',
    });
    expect(s.env('netbox').EMAIL_PASSWORD).toBeUndefined();
    expect(s.dotenv).toMatch(/^# The SMTP password of netbox at smtp\.example\.org: a secret you supply for netbox, netbox-worker;.*\nEMAIL_PASSWORD=''$/m);
    expect(s.files['README.md']).toContain('manage.py sendtestemail');
  });

  test('the struct: TLS on 465, no user (no password secret), a timeout', () => {
    const s = synth({ email: { server: 'smtp.example.org', port: 465, security: EmailSecurity.TLS, fromAddress: 'nb@example.org', timeoutSeconds: 30 } });
    const email: any = netboxDockerView(s, 'netbox', '5.1.1').EMAIL;
    expect([email.PORT, email.USE_SSL, email.USE_TLS, email.TIMEOUT, email.USERNAME]).toEqual([465, true, false, 30, '']);
    expect(s.dotenv).not.toContain('EMAIL_PASSWORD');
    expect(s.compose.services.netbox.environment.EMAIL_PASSWORD).toBeUndefined();
  });

  test('every release reads EMAIL_* from the environment', () => {
    for (const release of NETBOX_RELEASES) {
      const s = synth({ netboxVersion: release.tag, ...EMAIL, email: { security: EmailSecurity.NONE } });
      const email: any = netboxDockerView(s, 'netbox', release.dockerRelease).EMAIL;
      expect({ tag: release.tag, server: email.SERVER, tls: email.USE_TLS, ssl: email.USE_SSL })
        .toEqual({ tag: release.tag, server: 'smtp.example.org', tls: false, ssl: false });
    }
  });

  test.each([
    ['a server without a sender', { emailServer: 'smtp.example.org' }, /email\.fromAddress: is missing/],
    ['a user without a server', { emailUsername: 'netbox', emailFrom: 'nb@example.org' }, /email\.server: is missing/],
    ['a shorthand that disagrees with the struct', { ...EMAIL, email: { server: 'mail.example.org' } }, /emailServer: conflicts with email\.server \(got "smtp\.example\.org"\)/],
    ['a bad port', { ...EMAIL, emailPort: 0 }, /emailPort: is not a TCP port/],
    ['a bad sender', { ...EMAIL, emailFrom: 'netbox' }, /emailFrom: is not an e-mail address/],
    ['EMAIL_SERVER through netboxEnvironment', { netboxEnvironment: { EMAIL_SERVER: 'smtp.example.org' } }, /netboxEnvironment\.EMAIL_SERVER: is set by the email\.server option/],
  ])('refused: %s', (_name, overrides, what) => {
    expect(refusal(overrides)).toMatch(what);
  });
});

describe('time zone', () => {
  test('timeZone sets TIME_ZONE; without it netbox-docker keeps UTC', () => {
    expect(netboxDockerView(synth({ timeZone: 'Europe/Berlin' }), 'netbox', '5.1.1').TIME_ZONE).toBe('Europe/Berlin');
    expect(netboxDockerView(synth(), 'netbox', '5.1.1').TIME_ZONE).toBe('UTC');
  });

  test.each(['Europe/Berlin', 'UTC', 'America/Argentina/Buenos_Aires', 'Etc/GMT+1', 'America/Port-au-Prince'])('%s is accepted', (tz) => {
    const p = new DeclarationProblems();
    expect(checkTimeZone(p, 'timeZone', tz)).toBe(true);
  });

  test.each(['europe/berlin', 'Mars/Olympus', '+01:00', 'CET; rm', ''])('%j is refused', (tz) => {
    expect(refusal({ timeZone: tz })).toMatch(new RegExp(`timeZone: is not an IANA time zone name \\(got ${esc(JSON.stringify(tz))}\\)`));
  });
});

describe('Pomerium and a private IdP CA', () => {
  test('idpCertificateAuthorityFile is mounted and named certificate_authority_file', () => {
    const s = synth({ idpCertificateAuthorityFile: 'pomerium/idp-ca.pem' });
    expect(s.compose.services.pomerium.volumes).toContain('./pomerium/idp-ca.pem:/pomerium/idp-ca.pem:ro');
    expect(parse(s.files['pomerium/config.yaml']).certificate_authority_file).toBe('/pomerium/idp-ca.pem');
  });

  test('a path outside the deployment is refused', () => {
    expect(refusal({ idpCertificateAuthorityFile: '../ca.pem' })).toMatch(/idpCertificateAuthorityFile: is not a path inside the deployment/);
    expect(refusal({ idpCertificateAuthorityFile: '/etc/ssl/ca.pem' })).toMatch(/idpCertificateAuthorityFile: is not a path inside the deployment/);
  });
});

describe('the tests\' model of netbox-docker (not vacuous)', () => {
  test('defaults as in the released configuration.py; /run/secrets/email_password wins over EMAIL_PASSWORD', () => {
    const settings: any = egressFromEnvironment('5.1.1', { EMAIL_PASSWORD: 'env' }, { email_password: 'file\n' });
    expect(settings.EMAIL.PORT).toBe(25);
    expect(settings.EMAIL.PASSWORD).toBe('file');
    expect(settings.ISOLATED_DEPLOYMENT).toBe(false);
    expect(egressFromEnvironment('2.8.0', {}).HTTP_PROXIES).toBeUndefined();
    expect(egressFromEnvironment('3.0.2', {}).ISOLATED_DEPLOYMENT).toBeUndefined();
    expect(parseEnv('A=1\n')).toEqual({ A: '1' });
  });
});

describe('the IdP CA file on disk', () => {
  withoutPostSynthesis();
  test('a missing file is a warning at synthesis, naming the option; once there, no warning', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'nbp-ca-'));
    const warningsOf = () => {
      const project = new NetboxPomeriumProject({ ...SEED, outdir: dir, idpCertificateAuthorityFile: 'pomerium/idp-ca.pem' });
      const warnings: string[] = [];
      const spy = jest.spyOn(project.logger, 'warn').mockImplementation((...text: any[]) => { warnings.push(text.join(' ')); });
      try {
        project.synth();
      } finally {
        spy.mockRestore();
      }
      return warnings.filter((w) => w.startsWith('idpCertificateAuthorityFile:'));
    };
    expect(warningsOf()).toEqual([expect.stringContaining('pomerium/idp-ca.pem is not in the deployment yet')]);
    mkdirSync(path.join(dir, 'pomerium'), { recursive: true });
    writeFileSync(path.join(dir, 'pomerium/idp-ca.pem'), '-----BEGIN CERTIFICATE-----\n');
    expect(warningsOf()).toEqual([]);
  });
});
