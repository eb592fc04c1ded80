import { parse } from 'yaml';
import { effectiveSettings, pythonSettings } from './netbox-docker-config';
import { answer, inRange, traefikStrippedHeaders, upstreamHeaders, wsgiMeta } from './pomerium-routes';
import { composeSpecErrors, dockerComposeV2, dockerStackConfig, writeTree } from './real-validators';
import { esc, refusal, SEED, synth, Synthesized } from './util';
import { ApiAccess } from '../src';
import { kubernetesPomeriumConfig } from '../src/kubernetes/render-pomerium';
import { FILES } from '../src/model/stack-names';
import { NETBOX_RELEASES } from '../src/netbox/netbox-releases';
import { compileDeployment } from '../src/plan/compile';
import { pomeriumImageVersion } from '../src/pomerium/pomerium-version';

const DOMAIN = 'https://netbox.example.org';
const PATHS = ['/api/dcim/devices/', '/graphql/', '/dcim/devices/', '/api/users/tokens/provision/'] as const;
const RANGE = '10.20.0.0/16';
const INSIDE = '10.20.3.4';
const OUTSIDE = '198.51.100.7';
const EXTRA_CONFIG = 'netbox/zz_netbox_pomerium.py';

/** NetBox's settings as netbox-docker's configuration.py derives them from the generated env file and extra file. */
function netboxSettingsOf(s: Synthesized, dockerRelease: string): Record<string, any> {
  const extra = s.files[EXTRA_CONFIG];
  return effectiveSettings(dockerRelease, s.env('netbox'), extra === undefined ? {} : { 'zz_netbox_pomerium.py': extra });
}

/** Go duration (h/m/s only, as Pomerium's config uses them) in seconds. */
function seconds(duration: string): number {
  const m = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(duration);
  if (!m || duration === '') throw new Error(`not a duration: ${duration}`);
  return Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0);
}

/** Where a request for `path` ends up: [which route (its prefix, or "catch-all"), kind, login needed, identity headers]. */
function summary(s: Synthesized, path: string, ip = OUTSIDE): [string, string, boolean, boolean] {
  const a = answer(s.pomerium, `${DOMAIN}${path}`, ip);
  return [a.route?.prefix ?? a.route?.path ?? (a.index < 0 ? 'none' : 'catch-all'), a.kind, a.loginNeeded, a.identityHeaders];
}

describe('the route matcher follows Pomerium\'s first-match order', () => {
  const config = {
    routes: [
      { from: 'https://a.example.org', path: '/exact', to: 'http://x' },
      { from: 'https://a.example.org', prefix: '/p/', to: 'http://x' },
      { from: 'https://a.example.org', regex: '/r/[0-9]+', to: 'http://x', allow_public_unauthenticated_access: true },
      { from: 'https://a.example.org', to: 'http://catch-all', pass_identity_headers: true },
      { from: 'https://a.example.org', prefix: '/p/never/', to: 'http://x' },
    ],
  };
  test.each([
    ['/exact', 0], ['/exact/', 3], ['/p/q', 1], ['/p/never/x', 1], ['/r/12', 2], ['/r/12/x', 3], ['/', 3],
  ])('%s -> route %d', (path, index) => {
    expect(answer(config, `https://a.example.org${path}`).index).toBe(index);
  });
  test('another host matches no route; public and login routes are told apart', () => {
    expect(answer(config, 'https://b.example.org/').index).toBe(-1);
    expect(answer(config, 'https://a.example.org/r/1').loginNeeded).toBe(false);
    expect(answer(config, 'https://a.example.org/').loginNeeded).toBe(true);
    expect(answer(config, 'https://a.example.org/').identityHeaders).toBe(true);
  });
  test('source ranges', () => {
    expect(inRange('10.20.3.4', '10.20.0.0/16')).toBe(true);
    expect(inRange('10.21.3.4', '10.20.0.0/16')).toBe(false);
    expect(inRange('192.0.2.7', '192.0.2.7')).toBe(true);
  });
});

describe('apiAccess: ApiAccess.LOGIN (the default): every path needs the login, output as before', () => {
  const s = synth();
  test.each(PATHS)('%s', (path) => {
    expect(summary(s, path)).toEqual(['catch-all', 'upstream', true, true]);
  });
  test('one route, no session lifetime, no login settings in NetBox\'s env', () => {
    expect(s.pomerium.routes).toHaveLength(1);
    expect(s.pomerium.cookie_expire).toBeUndefined();
    expect(s.env('netbox').LOGIN_TIMEOUT).toBeUndefined();
    expect(s.env('netbox').LOGIN_REQUIRED).toBeUndefined();
  });
  test('the runbook says how to switch to token access', () => {
    const readme = s.files['README.md'];
    expect(readme).toContain('## Automation (API clients)');
    expect(readme).toContain('apiAccess: ApiAccess.TOKEN,');
  });
});

describe('apiAccess: ApiAccess.TOKEN', () => {
  const s = synth({ apiAccess: ApiAccess.TOKEN });
  const labels = s.compose.services.pomerium.labels;
  const stripped = traefikStrippedHeaders(labels, 'netbox');

  test.each<[string, [string, string, boolean, boolean]]>([
    ['/api/dcim/devices/', ['/api/', 'upstream', false, false]],
    ['/graphql/', ['/graphql/', 'upstream', false, false]],
    ['/dcim/devices/', ['catch-all', 'upstream', true, true]],
    ['/api/users/tokens/provision/', ['/api/users/tokens/provision', 'response', false, false]],
    // The slash-less spelling is refused too, and no path outside the two prefixes is opened.
    ['/api/users/tokens/provision', ['/api/users/tokens/provision', 'response', false, false]],
    ['/api', ['catch-all', 'upstream', true, true]],
    ['/graphql', ['catch-all', 'upstream', true, true]],
    ['/admin/', ['catch-all', 'upstream', true, true]],
  ])('%s: route, kind, login needed, identity headers', (path, expected) => {
    expect(summary(s, path)).toEqual(expected);
  });

  test('the provisioning endpoint gets a 403 from Pomerium, for everyone', () => {
    const a = answer(s.pomerium, `${DOMAIN}/api/users/tokens/provision/`, INSIDE);
    expect(a.status).toBe(403);
    expect(a.route.to).toBeUndefined();
  });

  test('the token routes reach NetBox, with a long timeout, the host preserved and no bearer_token_format anywhere', () => {
    const netboxRoute = s.pomerium.routes[s.pomerium.routes.length - 1];
    for (const prefix of ['/api/', '/graphql/']) {
      const route = s.pomerium.routes.find((r: any) => r.prefix === prefix);
      expect(route.to).toBe(netboxRoute.to);
      expect(route.preserve_host_header).toBe(true);
      expect(route.pass_identity_headers).toBe(false);
      expect(seconds(route.timeout)).toBeGreaterThanOrEqual(300);
    }
    expect(s.files['pomerium/config.yaml']).not.toContain('bearer_token_format');
  });

  test('on Kubernetes the token routes go to the same Service DNS name as NetBox\'s own route', () => {
    const config = kubernetesPomeriumConfig(compileDeployment({
      ...SEED,
      apiAccess: ApiAccess.TOKEN,
      kubernetes: true,
      kubernetesOptions: { namespace: 'ipam' },
    }).model) as { routes: Array<{ prefix?: string; to?: string }> };
    const upstreams = config.routes.filter((r) => r.to !== undefined).map((r) => r.to);
    expect(upstreams).toEqual(['http://netbox.ipam.svc.cluster.local:8080', 'http://netbox.ipam.svc.cluster.local:8080',
      'http://netbox.ipam.svc.cluster.local:8080']);
  });

  test('the session lifetime is one value: Pomerium\'s cookie and NetBox\'s LOGIN_TIMEOUT; NetBox requires a login', () => {
    const settings = netboxSettingsOf(s, '5.1.1');
    expect(seconds(s.pomerium.cookie_expire)).toBe(14 * 3600);
    expect(settings.LOGIN_TIMEOUT).toBe(seconds(s.pomerium.cookie_expire));
    expect(settings.LOGIN_REQUIRED).toBe(true);
  });

  describe('what reaches NetBox from a client that forges identity headers', () => {
    const forged = {
      'Authorization': 'Bearer nbt_abc.def',
      'X-Pomerium-Claim-Email': 'admin@example.org',
      'x-pomerium-claim-given-name': 'Mallory',
      'X-Pomerium-Jwt-Assertion': 'forged',
      'Remote-User': 'admin@example.org',
    };
    const readHeaders = (settings: Record<string, any>) => ['REMOTE_AUTH_HEADER', 'REMOTE_AUTH_USER_EMAIL', 'REMOTE_AUTH_USER_FIRST_NAME',
      'REMOTE_AUTH_USER_LAST_NAME'].map((k) => settings[k]);
    const settings = netboxSettingsOf(s, '5.1.1');

    test.each(['/api/dcim/devices/', '/graphql/'])('%s: no identity META key, the token unchanged', (path) => {
      const a = answer(s.pomerium, `${DOMAIN}${path}`);
      const meta = wsgiMeta(upstreamHeaders(s.pomerium, stripped, a, forged) as Record<string, string>);
      for (const key of readHeaders(settings)) expect({ key, value: meta[key] }).toEqual({ key, value: undefined });
      expect(meta.HTTP_X_POMERIUM_JWT_ASSERTION).toBeUndefined();
      expect(meta.HTTP_AUTHORIZATION).toBe('Bearer nbt_abc.def');
    });

    test('/dcim/devices/ (login route): every header NetBox reads carries the logged-in user\'s claims', () => {
      const a = answer(s.pomerium, `${DOMAIN}/dcim/devices/`);
      const meta = wsgiMeta(upstreamHeaders(s.pomerium, stripped, a, forged,
        { email: 'alice@example.org', given_name: 'Alice', family_name: 'Liddell' }) as Record<string, string>);
      expect(readHeaders(settings).map((k) => meta[k])).toEqual(['alice@example.org', 'alice@example.org', 'Alice', 'Liddell']);
    });

    test('a header name with an underscore is refused by Pomerium (>= v0.33.0) on every path', () => {
      for (const path of PATHS) {
        const a = answer(s.pomerium, `${DOMAIN}${path}`);
        expect(upstreamHeaders(s.pomerium, stripped, a, { X_Pomerium_Claim_Email: 'admin@example.org' })).toBe('rejected');
      }
      expect(pomeriumImageVersion(s.compose.services.pomerium.image)!.version).toEqual([0, 33, 1]);
    });
  });

  test('the runbook\'s Automation section uses the deployment\'s URL and the release\'s token format', () => {
    const readme: string = s.files['README.md'];
    const section = readme.slice(readme.indexOf('## Automation'), readme.indexOf('## Upgrading NetBox'));
    expect(section).toContain(`curl -fsS -H "Authorization: Bearer $NETBOX_TOKEN" -H "Accept: application/json" "${DOMAIN}/api/dcim/devices/?limit=10"`);
    expect(section).toContain(`nb = pynetbox.api("${DOMAIN}", token=os.environ["NETBOX_TOKEN"])`);
    expect(section).toContain(`api_endpoint: ${DOMAIN}`);
    expect(section).toContain(`server_url = "${DOMAIN}"`);
    expect(section).toMatch(/Give every token an expiry/);
    expect(section).toMatch(/clear "Active" on their user/);
    expect(section).toContain('proxyProtocol.trustedIPs');
    expect(section).toContain('forwardedHeaders.trustedIPs');
    expect(section).toContain('ends after 14h');
  });

  test('an older release sends v1 tokens in the examples', () => {
    const readme: string = synth({ apiAccess: ApiAccess.TOKEN, netboxVersion: 'v4.4-3.4.1' }).files['README.md'];
    expect(readme).toContain('Authorization: Token $NETBOX_TOKEN');
    expect(readme).not.toContain('Authorization: Bearer $NETBOX_TOKEN');
  });
});

describe('apiAccess: ApiAccess.TOKEN with apiSourceRanges', () => {
  const s = synth({ apiAccess: ApiAccess.TOKEN, apiSourceRanges: [RANGE, '2001:db8::/32'] });

  test.each<[string, string, [string, string, boolean, boolean]]>([
    ['/api/dcim/devices/', INSIDE, ['/api/', 'upstream', false, false]],
    ['/api/dcim/devices/', OUTSIDE, ['/api/', 'upstream', true, false]],
    ['/graphql/', INSIDE, ['/graphql/', 'upstream', false, false]],
    ['/graphql/', OUTSIDE, ['/graphql/', 'upstream', true, false]],
    ['/dcim/devices/', INSIDE, ['catch-all', 'upstream', true, true]],
    ['/api/users/tokens/provision/', INSIDE, ['/api/users/tokens/provision', 'response', false, false]],
    ['/api/users/tokens/provision/', OUTSIDE, ['/api/users/tokens/provision', 'response', false, false]],
  ])('%s from %s', (path, ip, expected) => {
    expect(summary(s, path, ip)).toEqual(expected);
  });

  test('clients outside the ranges get the NetBox policy and its login', () => {
    const route = s.pomerium.routes.find((r: any) => r.prefix === '/api/');
    const netboxRoute = s.pomerium.routes[s.pomerium.routes.length - 1];
    expect(route.allow_public_unauthenticated_access).toBeUndefined();
    expect(route.policy).toEqual([{ allow: { or: [{ source_ip: [RANGE, '2001:db8::/32'] }] } }, ...netboxRoute.policy]);
  });
});

describe('every header NetBox\'s remote auth reads is one Pomerium controls and Traefik strips, on every release', () => {
  const cases = NETBOX_RELEASES.flatMap((r) => [
    [r.tag, r.dockerRelease, false] as const,
    [r.tag, r.dockerRelease, true] as const,
  ]);
  test.each(cases)('%s (netbox-docker %s), group sync %s', (tag, dockerRelease, groupSync) => {
    const s = synth({ netboxVersion: tag, apiAccess: ApiAccess.TOKEN, ...(groupSync ? { superusers: ['admin@example.org'] } : {}) });
    const settings = netboxSettingsOf(s, dockerRelease);
    const claimMetaKeys = Object.keys(s.pomerium.jwt_claims_headers).map((h) => `HTTP_${h.toUpperCase().replace(/-/g, '_')}`);
    const stripped = traefikStrippedHeaders(s.compose.services.pomerium.labels, 'netbox').map((h) => `HTTP_${h.toUpperCase().replace(/-/g, '_')}`);
    // NetBox reads the group header only with group sync; the name and e-mail headers from 3.4.9 on.
    const read = ['REMOTE_AUTH_HEADER', 'REMOTE_AUTH_USER_EMAIL', 'REMOTE_AUTH_USER_FIRST_NAME', 'REMOTE_AUTH_USER_LAST_NAME',
      ...(settings.REMOTE_AUTH_GROUP_SYNC_ENABLED ? ['REMOTE_AUTH_GROUP_HEADER'] : [])];
    const netbox = NETBOX_RELEASES.find((r) => r.tag === tag)!.netbox;
    const readsProfile = netbox[0] > 3 || (netbox[0] === 3 && (netbox[1] > 4 || (netbox[1] === 4 && netbox[2] >= 9)));
    for (const setting of read.filter((k) => readsProfile || !/USER_(EMAIL|FIRST_NAME|LAST_NAME)$/.test(k))) {
      expect({ setting, controlled: claimMetaKeys.includes(settings[setting]) }).toEqual({ setting, controlled: true });
      expect({ setting, stripped: stripped.includes(settings[setting]) }).toEqual({ setting, stripped: true });
    }
    expect(settings.REMOTE_AUTH_GROUP_SYNC_ENABLED).toBe(groupSync);
    // LOGIN_REQUIRED is False by default before netbox-docker 3.0.0: token access sets it everywhere.
    expect(settings.LOGIN_REQUIRED).toBe(true);
    expect(settings.LOGIN_TIMEOUT).toBe(14 * 3600);
    expect(pythonSettings(s.files[EXTRA_CONFIG]).LOGIN_REQUIRED).toBeUndefined();
  });

  test('without token access the oldest releases keep netbox-docker\'s LOGIN_REQUIRED default (Pomerium guards every path)', () => {
    const settings = netboxSettingsOf(synth({ netboxVersion: 'v3.0-1.4.1' }), '1.4.1');
    expect(settings.LOGIN_REQUIRED).toBe(false);
    expect(settings.LOGIN_TIMEOUT).toBe(1209600);
  });
});

describe('refusals', () => {
  const line = (message: string, path: string) => message.split('\n').find((l) => l.startsWith(`  - ${path}: `));
  test.each<[string, object, string, RegExp]>([
    ['an old Pomerium image', { pomeriumImage: 'pomerium/pomerium:v0.32.9' }, 'pomeriumImage',
      /is older than Pomerium v0\.33\.0 \(got "pomerium\/pomerium:v0\.32\.9"\)\. .*X_Pomerium_Claim_Email.*anyone could log in as anyone/],
    ['a release candidate of v0.33.0', { pomeriumImage: 'pomerium/pomerium:v0.33.0-rc.1' }, 'pomeriumImage', /is older than Pomerium v0\.33\.0/],
    ['a digest only', { pomeriumImage: `pomerium/pomerium@sha256:${'a'.repeat(64)}` }, 'pomeriumImage', /does not tell its Pomerium version/],
    ['a tag without a version', { pomeriumImage: 'pomerium/pomerium:stable' }, 'pomeriumImage', /does not tell its Pomerium version/],
    ['an override allowing underscore headers', { composeOverrides: { 'services.pomerium.environment.HEADERS_WITH_UNDERSCORES_ACTION': 'allow' } },
      'composeOverrides["services.pomerium.environment.HEADERS_WITH_UNDERSCORES_ACTION"]',
      /lets request headers with underscores through Pomerium \(got "allow"\)\. .*anyone could log in as anyone/],
    ['an empty underscore action (Pomerium reads it as allow)', { composeOverrides: { 'services.pomerium.environment.HEADERS_WITH_UNDERSCORES_ACTION': '' } },
      'composeOverrides["services.pomerium.environment.HEADERS_WITH_UNDERSCORES_ACTION"]', /lets request headers with underscores through/],
    ['an invalid CIDR', { apiAccess: ApiAccess.TOKEN, apiSourceRanges: ['10.0.0.0/33'] }, 'apiSourceRanges[0]',
      /is not an IP address or CIDR range \(got "10\.0\.0\.0\/33"\)/],
    ['a host name as a range', { apiAccess: ApiAccess.TOKEN, apiSourceRanges: [RANGE, 'ci.example.org'] }, 'apiSourceRanges[1]',
      /is not an IP address or CIDR range/],
    ['ranges without token access', { apiSourceRanges: [RANGE] }, 'apiSourceRanges', /has no effect without token access/],
    ['an empty range list', { apiAccess: ApiAccess.TOKEN, apiSourceRanges: [] }, 'apiSourceRanges', /is empty, so no address would get token access/],
    ['an IP address as domain', { domain: '192.0.2.10' }, 'domain', /is an IP address, not a DNS host name \(got "192\.0\.2\.10"\)/],
    ['an IP address as authenticate host', { authenticateHost: '192.0.2.11' }, 'authenticateHost', /is an IP address, not a DNS host name/],
    ['an authenticate host that is no DNS name', { authenticateHost: 'auth_1.example.org' }, 'authenticateHost', /is not a fully qualified host name/],
    ['persistent NetBox sessions with token access', { apiAccess: ApiAccess.TOKEN, netboxEnvironment: { LOGIN_PERSISTENCE: 'True' } },
      'netboxEnvironment.LOGIN_PERSISTENCE', /keeps NetBox sessions alive past the Pomerium session/],
    ['LOGIN_TIMEOUT in netboxEnvironment next to token access', { apiAccess: ApiAccess.TOKEN, netboxEnvironment: { LOGIN_TIMEOUT: '1209600' } },
      'netboxEnvironment.LOGIN_TIMEOUT', /is generated from the declaration/],
  ])('%s', (_name, overrides, path, text) => {
    const l = line(refusal(overrides), path);
    expect({ path, line: l }).toEqual({ path, line: expect.stringMatching(text) });
  });

  test.each([
    ['the default', 'pomerium/pomerium:v0.33.1'],
    ['tag and digest', `pomerium/pomerium:v0.33.1@sha256:${'b'.repeat(64)}`],
    ['a registry with a port', 'registry.example.org:5000/pomerium/pomerium:v0.34.0'],
    ['a variant suffix', 'pomerium/pomerium:v0.33.1-nonroot'],
  ])('accepted Pomerium image: %s', (_name, image) => {
    expect(() => compileDeployment({ ...SEED, pomeriumImage: image })).not.toThrow();
  });

  test.each(['reject_request', 'DROP_HEADER'])('accepted underscore action %s', (value) => {
    expect(() => compileDeployment({ ...SEED, composeOverrides: { 'services.pomerium.environment.HEADERS_WITH_UNDERSCORES_ACTION': value } })).not.toThrow();
  });

  test('the override is refused in list form too', () => {
    const message = refusal({ composeOverrides: { 'services.pomerium.environment': ['HEADERS_WITH_UNDERSCORES_ACTION=ALLOW'] } });
    expect(message).toMatch(new RegExp(esc('composeOverrides["services.pomerium.environment.HEADERS_WITH_UNDERSCORES_ACTION"]: lets request headers')));
  });
});

describe('real validators accept token access, with and without source ranges, Compose and Swarm', () => {
  test.each<[string, object]>([
    ['token access', { apiAccess: ApiAccess.TOKEN }],
    ['token access from ranges, oldest release', { apiAccess: ApiAccess.TOKEN, apiSourceRanges: [RANGE], netboxVersion: 'v3.0-1.4.1' }],
  ])('%s', (_name, overrides) => {
    const s = synth({ ...overrides, swarm: true });
    const dir = writeTree({ ...s.files, '.env': `${s.dotenv}\nIDP_CLIENT_SECRET='client-secret-value'\n` });
    expect(composeSpecErrors(s.files['compose.yaml'])).toEqual([]);
    expect(dockerComposeV2(dir)).toEqual({ status: 0, output: '' });
    const stack = parse(s.files[FILES.stack]);
    const env: Record<string, string> = {};
    for (const [key, entry] of [...Object.entries<any>(stack.secrets ?? {}), ...Object.entries<any>(stack.configs ?? {})]) {
      env[/^\$\{(SWARM_[A-Z0-9_]+):\?/.exec(entry.name)![1]] = `netbox_${key}_0123456789ab`;
    }
    const r = dockerStackConfig(dir, FILES.stack, env);
    expect(r.status).toBe(0);
    // The Swarm stack mounts the same Pomerium config (routes included) and keeps the header strip.
    const resolved = parse(r.output);
    expect(resolved.services.pomerium.configs.map((c: any) => c.target)).toContain('/pomerium/config.yaml');
    expect(Object.keys(resolved.services.pomerium.deploy.labels).filter((k) => k.endsWith('customrequestheaders.X-Pomerium-Claim-Email')))
      .toHaveLength(1);
    expect(resolved.services.netbox.environment ?? {}).not.toHaveProperty('HEADERS_WITH_UNDERSCORES_ACTION');
  });
});
