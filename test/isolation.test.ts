import { parse } from 'yaml';
import { esc, refusal, SEED, synth } from './util';
import { checkIsolation, HEADER_SPOOFING_RISK } from '../src/checks/isolation';
import { renderCompose } from '../src/compose/render-compose';
import { metaKey } from '../src/model/identity-headers';
import { DeclarationProblems } from '../src/model/problems';
import { SERVICES } from '../src/model/stack-names';
import { compileDeployment } from '../src/plan/compile';

const OPT_OUT = 'dangerouslyAllowNetboxBypassingPomerium: true';
const APP = { name: 'grafana', image: 'grafana/grafana:11.3.0', port: 3000, host: 'grafana.example.org' };


describe('isolation by construction', () => {
  const BACKENDS = [SERVICES.netbox, SERVICES.worker, SERVICES.postgres, SERVICES.redis, SERVICES.redisCache];

  test.each([
    ['the seed', {}, BACKENDS],
    ['a release with the housekeeping container', { netboxVersion: 'v4.1-3.0.2' }, [...BACKENDS, SERVICES.housekeeping]],
    ['a protected app', { apps: [APP] }, [...BACKENDS, 'grafana']],
  ])('%s: no service behind Pomerium publishes a port, carries a label or joins the proxy network', (_name, overrides, backends) => {
    const s = synth(overrides);
    const services = s.compose.services;
    expect(Object.keys(services).sort()).toEqual([...backends, SERVICES.pomerium].sort());
    for (const name of backends) {
      const svc = services[name];
      expect({ name, ports: svc.ports, labels: svc.labels, networkMode: svc.network_mode }).toEqual({ name });
      expect(svc.networks).not.toContain('traefik-proxy');
      expect({ name, network: s.compose.networks[svc.networks[0]] }).toEqual({ name, network: { internal: true } });
      // Only NetBox's web service and worker have a second network: the egress network, which nothing else joins.
      const egress = name === SERVICES.netbox || name === SERVICES.worker;
      expect({ name, rest: svc.networks.slice(1) }).toEqual({ name, rest: egress ? ['netbox-egress'] : [] });
    }
    expect(s.compose.networks.netbox).toEqual({ internal: true });
    expect(s.compose.networks['netbox-egress']).toEqual({ internal: false });
    const onEgress = Object.entries<any>(services).filter(([, svc]) => (svc.networks ?? []).includes('netbox-egress')).map(([n]) => n);
    expect(onEgress.sort()).toEqual([SERVICES.netbox, SERVICES.worker].sort());
    // Pomerium is the only bridge: on the proxy network and every internal one, no published port.
    expect(services.pomerium.networks.sort()).toEqual(['traefik-proxy', ...new Set(backends.map((b) => services[b].networks[0]))].sort());
    expect(services.pomerium.ports).toBeUndefined();
    // Traefik routes only to Pomerium.
    for (const [name, svc] of Object.entries<any>(services)) {
      const traefik = Object.keys(svc.labels ?? {}).filter((k) => k.startsWith('traefik.'));
      expect({ name, routed: traefik.length > 0 }).toEqual({ name, routed: name === SERVICES.pomerium });
    }
  });
});

describe('a declaration or override that would expose NetBox around Pomerium is refused', () => {
  const CASES: Array<[string, Record<string, unknown>, string, RegExp]> = [
    ['a published NetBox port', { 'services.netbox.ports': ['8000:8080'] }, 'composeOverrides["services.netbox.ports"]', /publishes a port/],
    ['a published worker port', { 'services.netbox-worker.ports': ['8001:8080'] }, 'composeOverrides["services.netbox-worker.ports"]', /publishes a port/],
    ['a published Postgres port', { 'services.postgres.ports': ['5432:5432'] }, 'composeOverrides["services.postgres.ports"]', /publishes a port/],
    ['a published Redis port', { 'services.redis.ports': ['6379:6379'] }, 'composeOverrides["services.redis.ports"]', /publishes a port/],
    ['a Traefik label on NetBox', { 'services.netbox.labels': { 'traefik.enable': 'true' } }, 'composeOverrides["services.netbox.labels"]',
      /lets Traefik route straight to a service behind Pomerium/],
    ['a Traefik router label on NetBox (list form)', { 'services.netbox.labels': ['traefik.http.routers.nb.rule=Host(`nb.example.org`)'] },
      'composeOverrides["services.netbox.labels"]', /lets Traefik route straight/],
    ['a Swarm Traefik label on NetBox', { 'services.netbox.deploy.labels': { 'traefik.enable': 'true' } },
      'composeOverrides["services.netbox.deploy.labels"]', /lets Traefik route straight/],
    ['NetBox joining the proxy network', { 'services.netbox.networks': ['netbox', 'traefik-proxy'] },
      'composeOverrides["services.netbox.networks"]', /joins the Traefik network "traefik-proxy"/],
    ['NetBox on the host network', { 'services.netbox.network_mode': 'host' }, 'composeOverrides["services.netbox.network_mode"]',
      /takes the service off its internal network/],
    ['NetBox on Compose\'s default network', { 'services.netbox.networks': null }, 'composeOverrides["services.netbox.networks"]',
      /joins the network "default", which is not internal/],
    ['a non-internal NetBox network', { 'networks.netbox.internal': false }, 'composeOverrides["networks.netbox.internal"]',
      /reachable from outside Docker/],
    ['an external NetBox network', { 'networks.netbox.external': true }, 'composeOverrides["networks.netbox.external"]',
      /one Compose does not control/],
    ['the NetBox network renamed to the proxy network', { 'networks.netbox.name': 'traefik-proxy' },
      'composeOverrides["networks.netbox.name"]', /makes the internal network the Traefik network/],
    ['a new service bridging the NetBox network to a published port', {
      'services.socat': { image: 'alpine/socat:1.8.0.0', networks: ['netbox'], ports: ['8000:8000'] },
    }, 'composeOverrides["services.socat.ports"]', /publishes a port/],
    ['a sidecar in NetBox\'s network namespace with a Traefik label', {
      'services.sidecar': { image: 'nginx:1.27', network_mode: 'service:netbox', labels: { 'traefik.enable': 'true' } },
    }, 'composeOverrides["services.sidecar.labels"]', /lets Traefik route straight/],
    ['NetBox told to trust another header', { 'services.netbox.environment.REMOTE_AUTH_HEADER': 'HTTP_REMOTE_USER' },
      'composeOverrides["services.netbox.environment"]', /changes which identity header NetBox trusts/],
    ['a router without the header-stripping middleware', { 'services.pomerium.labels.traefik\\.http\\.routers\\.netbox\\.middlewares': null },
      'composeOverrides["services.pomerium.labels"]', /leaves Traefik router "netbox" passing client-sent identity headers \(X-Pomerium-Claim-Email, X-Pomerium-Claim-Given-Name, X-Pomerium-Claim-Family-Name\)/],
    ['a published app port', { 'services.grafana.ports': ['3000:3000'] }, 'composeOverrides["services.grafana.ports"]', /publishes a port/],
    ['Postgres on the egress network', { 'services.postgres.networks': ['netbox', 'netbox-egress'] }, 'composeOverrides["services.postgres.networks"]',
      /joins the egress network "netbox-egress", which only netbox and netbox-worker may join: .*a data service would reach outside/],
    ['Redis on the egress network', { 'services.redis.networks': ['netbox', 'netbox-egress'] }, 'composeOverrides["services.redis.networks"]',
      /joins the egress network "netbox-egress", which only netbox and netbox-worker may join/],
    ['the Redis cache on the egress network', { 'services.redis-cache.networks': ['netbox-egress', 'netbox'] },
      'composeOverrides["services.redis-cache.networks"]', /joins the egress network "netbox-egress"/],
    ['another service joining the egress network', { 'services.socks': { image: 'serjs/go-socks5-proxy:v0.0.3', networks: ['netbox-egress'] } },
      'composeOverrides["services.socks.networks"]', /joins the egress network "netbox-egress", which only netbox and netbox-worker may join/],
    ['an app joining the egress network', { 'services.grafana.networks': ['grafana-internal', 'netbox-egress'] },
      'composeOverrides["services.grafana.networks"]', /joins the egress network "netbox-egress"/],
    ['Pomerium joining the egress network', { 'services.pomerium.networks': ['traefik-proxy', 'netbox', 'grafana-internal', 'netbox-egress'] },
      'composeOverrides["services.pomerium.networks"]', /joins the egress network "netbox-egress"/],
    ['the egress network renamed to the Traefik network', { 'networks.netbox-egress.name': 'traefik-proxy' },
      'composeOverrides["networks.netbox-egress.name"]', /makes the egress network the Traefik network/],
    ['an external egress network', { 'networks.netbox-egress.external': true }, 'composeOverrides["networks.netbox-egress.external"]',
      /replaces the egress network by one Compose does not control/],
  ];

  test.each(CASES)('%s', (_name, composeOverrides, path, what) => {
    const message = refusal({ composeOverrides, apps: [APP] });
    const line = message.split('\n').find((l) => l.startsWith(`  - ${path}: `));
    expect(line).toBeDefined();
    expect(line).toMatch(what);
    // The explanation of the risk and the way out, in the one template.
    expect(line).toMatch(/ \(got .+\)\. /);
    if (!/leaves Traefik router/.test(line!)) expect(line).toContain(HEADER_SPOOFING_RISK);
    expect(line).toContain(OPT_OUT);
  });

  test.each(CASES)('opt-out: %s is let through, with a warning at every synthesis', (_name, composeOverrides) => {
    const options = { ...SEED, apps: [APP], composeOverrides, dangerouslyAllowNetboxBypassingPomerium: true };
    const model = compileDeployment(options).model;
    expect(model.warnings.filter((w) => w.startsWith('dangerouslyAllowNetboxBypassingPomerium is set: the isolation checks are off.'))).toHaveLength(1);
    const compose = parse(synth(options).files['compose.yaml']);
    const [firstPath, value] = Object.entries(composeOverrides)[0];
    const keys = firstPath.split(/(?<!\\)\./).map((k) => k.replace(/\\\./g, '.'));
    const written = keys.reduce((node: any, k) => node?.[k], compose);
    expect(written).toEqual(value === null ? undefined : value);
  });

  test('the declaration-level ways in are refused too: the proxy network named like NetBox\'s, an app named like NetBox', () => {
    expect(refusal({ traefikNetwork: 'netbox' })).toMatch(/^ {2}- traefikNetwork: repeats the name of \(internal network netbox\)/m);
    expect(refusal({ apps: [{ ...APP, name: 'netbox' }] })).toMatch(/^ {2}- apps\[0\]\.name: repeats the name of \(service netbox\)/m);
    expect(refusal({ traefikNetwork: 'netbox-egress' })).toMatch(/^ {2}- traefikNetwork: repeats the name of \(egress network netbox-egress\)/m);
  });

  test('a published Pomerium port is refused (it would skip Traefik\'s TLS and header stripping)', () => {
    expect(refusal({ composeOverrides: { 'services.pomerium.ports': ['8080:8080'] } }))
      .toMatch(/^ {2}- composeOverrides\["services\.pomerium\.ports"\]: publishes Pomerium around Traefik.*\(got \["8080:8080"\]\)\. Let Traefik reach Pomerium/m);
  });

  test('harmless overrides pass: an extra NetBox variable, an extra middleware after the stripping one, an unpublished expose', () => {
    const s = synth({
      composeOverrides: {
        'services.netbox.environment.TZ': 'Europe/Berlin',
        'services.pomerium.labels.traefik\\.http\\.routers\\.netbox\\.middlewares': 'netbox-strip-identity-headers,compress@file',
        'services.postgres.expose': ['5432'],
      },
    });
    expect(s.compose.services.netbox.environment.TZ).toBe('Europe/Berlin');
    expect(s.compose.services.pomerium.labels['traefik.http.routers.netbox.middlewares']).toBe('netbox-strip-identity-headers,compress@file');
  });

  test('without the opt-out there is no bypass warning', () => {
    expect(compileDeployment(SEED).model.warnings.filter((w) => w.includes('dangerouslyAllowNetboxBypassingPomerium'))).toEqual([]);
  });
});

describe('defence in depth', () => {
  /** Every identity header NetBox reads (REMOTE_AUTH_* settings whose value is a META key), by setting. */
  function headersNetboxReads(s: ReturnType<typeof synth>): Record<string, string> {
    const settings: Record<string, string> = { ...s.env('netbox') };
    const py = s.files['netbox/zz_netbox_pomerium.py'];
    for (const line of String(py ?? '').split('\n')) {
      const m = /^(REMOTE_AUTH_[A-Z_]+) = "(HTTP_[A-Z0-9_]+)"$/.exec(line);
      if (m) settings[m[1]] = m[2];
    }
    return Object.fromEntries(Object.entries(settings).filter(([k, v]) => /^REMOTE_AUTH_/.test(k) && /^HTTP_/.test(v)));
  }

  test.each([
    ['the seed', {}, ['REMOTE_AUTH_HEADER', 'REMOTE_AUTH_USER_EMAIL']],
    ['group sync on', { superusers: ['admin@example.org'] }, ['REMOTE_AUTH_HEADER', 'REMOTE_AUTH_GROUP_HEADER', 'REMOTE_AUTH_USER_EMAIL']],
    ['an older release (settings in the Python file)', { netboxVersion: 'v3.7-2.8.0', superusers: ['admin@example.org'] },
      ['REMOTE_AUTH_HEADER', 'REMOTE_AUTH_GROUP_HEADER', 'REMOTE_AUTH_USER_EMAIL']],
    ['a separate authenticate host and an app', { authenticateHost: 'auth.example.org', apps: [APP] }, ['REMOTE_AUTH_HEADER', 'REMOTE_AUTH_USER_EMAIL']],
  ])('%s: NetBox reads only headers Pomerium overwrites, and every router strips them from clients', (_name, overrides, expected) => {
    const s = synth(overrides);
    const reads = headersNetboxReads(s);
    for (const setting of expected) expect(Object.keys(reads)).toContain(setting);

    // Pomerium sets (overwrites) each of them on the NetBox route.
    const claimHeaders = Object.keys(s.pomerium.jwt_claims_headers);
    const netboxRoute = s.pomerium.routes.find((r: any) => r.to === `http://${SERVICES.netbox}:8080`);
    expect(netboxRoute.pass_identity_headers).toBe(true);
    const overwritten = new Map(claimHeaders.map((h) => [metaKey(h), h]));
    for (const [setting, key] of Object.entries(reads)) {
      expect({ setting, header: overwritten.get(key) }).toEqual({ setting, header: expect.stringMatching(/^X-Pomerium-Claim-/) });
    }

    // Every Traefik router (NetBox, authenticate host, apps) strips each of them from client requests.
    const labels: Record<string, string> = s.compose.services.pomerium.labels;
    const routers = Object.keys(labels).map((k) => /^traefik\.http\.routers\.([^.]+)\.rule$/.exec(k)?.[1]).filter(Boolean) as string[];
    expect(routers.length).toBe(1 + ((overrides as any).apps?.length ?? 0));
    for (const router of routers) {
      const middlewares = labels[`traefik.http.routers.${router}.middlewares`].split(',');
      for (const key of Object.values(reads)) {
        const header = overwritten.get(key)!;
        const strippedBy = middlewares.filter((m) => labels[`traefik.http.middlewares.${m}.headers.customrequestheaders.${header}`] === '');
        expect({ router, header, stripped: strippedBy.length > 0 }).toEqual({ router, header, stripped: true });
      }
    }
  });

  test('Pomerium keeps the forwarded scheme https: it trusts exactly the one hop in front of it (Traefik)', () => {
    const s = synth();
    expect(s.pomerium.xff_num_trusted_hops).toBe(1);
    expect(s.pomerium.insecure_server).toBe(true);
    expect(s.compose.services.pomerium.labels['traefik.http.routers.netbox.tls.certresolver']).toBe('le');
  });

  test('the isolation check catches a removed stripping middleware on a rendered compose file (the check is not vacuous)', () => {
    const model = compileDeployment(SEED).model;
    const compose = renderCompose(model);
    const clean = new DeclarationProblems();
    checkIsolation(clean, model, compose);
    expect(clean.messages).toEqual([]);

    const labels = compose.services.pomerium.labels;
    const strip = Object.keys(labels).find((k) => k.endsWith('.headers.customrequestheaders.X-Pomerium-Claim-Email'))!;
    delete labels[strip];
    const p = new DeclarationProblems();
    checkIsolation(p, model, compose);
    expect(p.messages).toEqual([expect.stringMatching(new RegExp(`^${esc('composeOverrides["services.pomerium.labels"]')}: leaves Traefik router "netbox"`))]);
  });
  test('with swarm on, the stack file passes the same isolation check and its routers strip the headers too', () => {
    const options = { ...SEED, swarm: true };
    const model = compileDeployment(options).model;
    const stack = parse(synth(options).files['stack.yaml']);
    const clean = new DeclarationProblems();
    checkIsolation(clean, model, stack);
    expect(clean.messages).toEqual([]);
    expect(stack.networks.netbox.internal).toBe(true);
    const labels: Record<string, string> = stack.services.pomerium.deploy.labels;
    const middlewares = labels['traefik.http.routers.netbox.middlewares'].split(',');
    expect(middlewares.some((m) => labels[`traefik.http.middlewares.${m}.headers.customrequestheaders.X-Pomerium-Claim-Email`] === '')).toBe(true);
    for (const name of [SERVICES.netbox, SERVICES.worker, SERVICES.postgres, SERVICES.redis, SERVICES.redisCache]) {
      expect({ name, ports: stack.services[name].ports }).toEqual({ name });
      expect(Object.keys(stack.services[name].deploy?.labels ?? {}).filter((k) => k.startsWith('traefik.'))).toEqual([]);
    }
    // The check reads Swarm's deploy.labels: a router there without the stripping middleware is caught.
    delete labels['traefik.http.routers.netbox.middlewares'];
    const p = new DeclarationProblems();
    checkIsolation(p, model, stack);
    expect(p.messages).toEqual([expect.stringMatching(/^composeOverrides\["services\.pomerium\.deploy\.labels"\]: leaves Traefik router "netbox"/)]);
  });
});
