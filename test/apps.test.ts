import { Criteria, NetboxPomeriumProject, Policy, ProtectedAppOptions } from '../src';
import { SEED, synth, synthProject } from './util';

const GRAFANA: ProtectedAppOptions = {
  name: 'grafana',
  image: 'grafana/grafana:11.3.0',
  port: 3000,
  host: 'grafana.example.org',
  environment: { GF_AUTH_PROXY_ENABLED: 'true', GF_AUTH_PROXY_HEADER_NAME: 'X-Pomerium-Claim-Email' },
};
const WIKI: ProtectedAppOptions = {
  name: 'wiki',
  image: 'requarks/wiki:2.5.300',
  port: 3001,
  host: 'wiki.example.org',
  policy: Policy.allow(Criteria.email('editor@example.org')),
  passIdentityHeaders: false,
};

/** The seed's policy, as NetBox's route renders it. */
const SEED_POLICY = [{
  allow: {
    or: [
      { domain: { is: 'example.org' } },
      { 'claim/groups': { has: '62f8f72a-3e06-11ec-9bbc-0242ac130002' } },
      { email: { is: 'user@example.com' } },
    ],
  },
}];

describe('two more apps behind the same Pomerium', () => {
  const s = synth({ apps: [GRAFANA, WIKI] });
  const services = s.compose.services;
  const labels: Record<string, string> = services.pomerium.labels;

  test.each([
    ['netbox-grafana', 'grafana.example.org'],
    ['netbox-wiki', 'wiki.example.org'],
  ])('Traefik router %s: its own host rule, entrypoint, cert resolver, and Pomerium\'s service', (router, host) => {
    expect(labels[`traefik.http.routers.${router}.rule`]).toBe(`Host(\`${host}\`)`);
    expect(labels[`traefik.http.routers.${router}.entrypoints`]).toBe('websecure');
    expect(labels[`traefik.http.routers.${router}.tls.certresolver`]).toBe('le');
    // Every router ends at Pomerium's one port; Pomerium routes by host.
    expect(labels[`traefik.http.routers.${router}.service`]).toBe('netbox');
    expect(labels['traefik.http.services.netbox.loadbalancer.server.port']).toBe('8080');
    expect(labels[`traefik.http.routers.${router}.middlewares`]).toBe(labels['traefik.http.routers.netbox.middlewares']);
  });

  test('one router per host and no other', () => {
    const routers = Object.keys(labels).filter((k) => k.endsWith('.rule')).map((k) => k.split('.')[3]).sort();
    expect(routers).toEqual(['netbox', 'netbox-grafana', 'netbox-wiki']);
  });

  test('Pomerium routes: from the app host to the app service and port, with its policy', () => {
    expect(s.pomerium.routes.map((r: any) => [r.from, r.to])).toEqual([
      ['https://netbox.example.org', 'http://netbox:8080'],
      ['https://grafana.example.org', 'http://grafana:3000'],
      ['https://wiki.example.org', 'http://wiki:3001'],
    ]);
    const [, grafana, wiki] = s.pomerium.routes;
    // No policy of its own: the deployment's policy.
    expect(grafana.policy).toEqual(SEED_POLICY);
    expect(grafana.pass_identity_headers).toBe(true);
    expect(wiki.policy).toEqual([{ allow: { and: [{ email: { is: 'editor@example.org' } }] } }]);
    expect(wiki.pass_identity_headers).toBe(false);
    expect(wiki.preserve_host_header).toBe(true);
  });

  test('each app has its own internal network, joined by Pomerium and the app only', () => {
    expect(s.compose.networks['grafana-internal']).toEqual({ internal: true });
    expect(s.compose.networks['wiki-internal']).toEqual({ internal: true });
    expect(services.grafana.networks).toEqual(['grafana-internal']);
    expect(services.wiki.networks).toEqual(['wiki-internal']);
    expect(services.pomerium.networks).toEqual(expect.arrayContaining(['traefik-proxy', 'netbox', 'grafana-internal', 'wiki-internal']));
    for (const [name, svc] of Object.entries<any>(services)) {
      if (['pomerium', 'grafana'].includes(name)) continue;
      expect({ name, joins: svc.networks.includes('grafana-internal') }).toEqual({ name, joins: false });
    }
    // NetBox is not on an app's network, and an app not on NetBox's.
    expect(services.netbox.networks).toEqual(['netbox', 'netbox-egress']);
  });

  test('the apps publish no port and carry no Traefik label', () => {
    for (const name of ['grafana', 'wiki']) {
      expect(services[name].ports).toBeUndefined();
      expect(services[name].labels).toBeUndefined();
      expect(services[name].deploy?.labels).toBeUndefined();
      expect(services[name].image).toBe(name === 'grafana' ? 'grafana/grafana:11.3.0' : 'requarks/wiki:2.5.300');
    }
  });

  test('app environment goes to its own env file; an app without environment gets none', () => {
    expect(services.grafana.env_file).toEqual(['env/grafana.env']);
    expect(s.env('grafana')).toEqual({ GF_AUTH_PROXY_ENABLED: 'true', GF_AUTH_PROXY_HEADER_NAME: 'X-Pomerium-Claim-Email' });
    expect(services.wiki.env_file).toBeUndefined();
    expect(s.files['env/wiki.env']).toBeUndefined();
  });
});

test('addApp() gives the same files as the apps option', () => {
  const declared = synth({ apps: [GRAFANA, WIKI] });
  const project = new NetboxPomeriumProject({ ...SEED, apps: [GRAFANA] });
  project.addApp(WIKI);
  const imperative = synthProject(project);
  for (const file of ['compose.yaml', 'pomerium/config.yaml', 'env/netbox.env', 'env/grafana.env']) {
    expect({ file, same: imperative.files[file] === declared.files[file] }).toEqual({ file, same: true });
  }
});

describe('refused app declarations', () => {
  const refusal = (apps: ProtectedAppOptions[], extra: object = {}) => {
    try {
      synth({ apps, ...extra });
    } catch (e) {
      return (e as Error).message;
    }
    throw new Error('the declaration was accepted');
  };

  test('a per-app policy is checked under the app\'s path', () => {
    expect(refusal([{ ...WIKI, policy: Policy.allow(Criteria.or()) }])).toMatch(/apps\[0\]\.policy\[0\]\.allow\.or: "or" has no criteria/);
  });

  test('an app on NetBox\'s host or on another app\'s host', () => {
    expect(refusal([{ ...GRAFANA, host: 'netbox.example.org' }])).toMatch(/apps\[0\]\.host: repeats the host of domain \(got "netbox\.example\.org"\)/);
    expect(refusal([GRAFANA, { ...WIKI, host: 'grafana.example.org' }])).toMatch(/apps\[1\]\.host: repeats the host of apps\[0\]\.host/);
  });

  test('an app named like a generated service', () => {
    expect(refusal([{ ...GRAFANA, name: 'postgres' }])).toMatch(/apps\[0\]\.name: repeats the name of \(service postgres\) \(got "postgres"\)/);
  });

  test('an unpinned image', () => {
    expect(refusal([{ ...GRAFANA, image: 'grafana/grafana:latest' }])).toMatch(/apps\[0\]\.image: is not a pinned image \(got "grafana\/grafana:latest"\)/);
  });

  test('a published port or a Traefik label added to an app through composeOverrides', () => {
    expect(refusal([GRAFANA], { composeOverrides: { 'services.grafana.ports': ['3000:3000'] } }))
      .toMatch(/services\.grafana\.ports"\].*publishes a port of a service behind Pomerium/);
    expect(refusal([GRAFANA], { composeOverrides: { 'services.grafana.labels': { 'traefik.enable': 'true' } } }))
      .toMatch(/services\.grafana\.labels"\].*Traefik/);
  });
});
