import { SEED, synth } from './util';
import { claimHeader, metaKey } from '../src/model/identity-headers';
import { SERVICES } from '../src/model/stack-names';

const HEADER_NAME = /^[A-Za-z0-9]+(-[A-Za-z0-9]+)*$/;

describe('the seed deployment', () => {
  const s = synth();
  const services = s.compose.services;
  const pomerium = services.pomerium;
  const labels: Record<string, string> = pomerium.labels;
  const route = s.pomerium.routes[0];
  const netboxEnv = s.env('netbox');

  test('compose.yaml has the stack\'s services, with no obsolete version key', () => {
    expect(Object.keys(services).sort()).toEqual(['netbox', 'netbox-worker', 'pomerium', 'postgres', 'redis', 'redis-cache']);
    expect(s.compose.version).toBeUndefined();
    for (const svc of Object.values<any>(services)) {
      expect(svc.restart).toBe('unless-stopped');
      expect(svc.image).toMatch(/:[^:]+$/);
      expect(svc.image).not.toMatch(/:latest$/);
    }
  });

  test('Traefik labels sit on Pomerium and say what the seed\'s labels say', () => {
    expect(labels['traefik.enable']).toBe('true');
    expect(labels['traefik.http.routers.netbox.rule']).toBe('Host(`netbox.example.org`) || Host(`authenticate.netbox.example.org`)');
    expect(labels['traefik.http.routers.netbox.entrypoints']).toBe('websecure');
    expect(labels['traefik.http.routers.netbox.tls.certresolver']).toBe('le');
    expect(labels['traefik.docker.network']).toBe('traefik-proxy');
    expect(labels['traefik.http.services.netbox.loadbalancer.server.port']).toBe('8080');
    // Client-sent identity headers are stripped before Pomerium (a second layer to its overwrite).
    expect(labels['traefik.http.routers.netbox.middlewares']).toBe('netbox-strip-identity-headers');
    for (const header of ['X-Pomerium-Claim-Email', 'X-Pomerium-Jwt-Assertion']) {
      expect(labels[`traefik.http.middlewares.netbox-strip-identity-headers.headers.customrequestheaders.${header}`]).toBe('');
    }
  });

  test('Pomerium: behind Traefik, self-hosted authenticate, claim header, trusted hop', () => {
    expect(s.pomerium.insecure_server).toBe(true);
    expect(s.pomerium.address).toBe(':8080');
    expect(s.pomerium.authenticate_service_url).toBe('https://authenticate.netbox.example.org');
    expect(s.pomerium.xff_num_trusted_hops).toBe(1);
    expect(s.pomerium.idp_provider).toBe('azure');
    expect(s.pomerium.idp_provider_url).toBe(SEED.idpProviderUrl);
    expect(s.pomerium.idp_client_id).toBe(SEED.idpClientId);
    // NetBox 4.7 reads the user's names at every login: from headers Pomerium sets, not client-settable ones.
    expect(s.pomerium.jwt_claims_headers).toEqual({
      'X-Pomerium-Claim-Email': 'email', 'X-Pomerium-Claim-Given-Name': 'given_name', 'X-Pomerium-Claim-Family-Name': 'family_name',
    });
    expect(pomerium.volumes).toEqual(['./pomerium/config.yaml:/pomerium/config.yaml:ro']);
  });

  test('the route is the seed\'s route, with the policy in current PPL (claim/groups, not groups)', () => {
    expect(s.pomerium.routes).toHaveLength(1);
    expect(route.from).toBe('https://netbox.example.org');
    expect(route.to).toBe('http://netbox:8080');
    expect(route.pass_identity_headers).toBe(true);
    expect(route.policy).toEqual([{
      allow: {
        or: [
          { domain: { is: 'example.org' } },
          { 'claim/groups': { has: '62f8f72a-3e06-11ec-9bbc-0242ac130002' } },
          { email: { is: 'user@example.com' } },
        ],
      },
    }]);
  });

  test('NetBox remote auth, hosts and CSRF origins come from the model', () => {
    expect(netboxEnv.REMOTE_AUTH_ENABLED).toBe('True');
    expect(netboxEnv.REMOTE_AUTH_AUTO_CREATE_USER).toBe('True');
    expect(netboxEnv.REMOTE_AUTH_HEADER).toBe('HTTP_X_POMERIUM_CLAIM_EMAIL');
    expect(netboxEnv.ALLOWED_HOSTS).toBe('netbox.example.org');
    expect(netboxEnv.CSRF_TRUSTED_ORIGINS).toBe('https://netbox.example.org');
    expect(netboxEnv.DB_HOST).toBe(SERVICES.postgres);
    expect(netboxEnv.REDIS_HOST).toBe(SERVICES.redis);
    expect(netboxEnv.REDIS_CACHE_HOST).toBe(SERVICES.redisCache);
    expect(netboxEnv.SKIP_SUPERUSER).toBe('true');
    expect(s.env('postgres')).toEqual({ POSTGRES_DB: 'netbox', POSTGRES_USER: 'netbox' });
  });

  describe('cross-file invariants', () => {
    test('Traefik load-balancer port = the port in Pomerium\'s address', () => {
      const port = s.pomerium.address.replace(/^:/, '');
      expect(labels['traefik.http.services.netbox.loadbalancer.server.port']).toBe(port);
    });

    test('route `to` = the NetBox service and the port its healthcheck probes', () => {
      const to = new URL(route.to);
      expect(services[to.hostname]).toBeDefined();
      expect(to.hostname).toBe(SERVICES.netbox);
      expect(services.netbox.healthcheck.test[1]).toContain(`localhost:${to.port}/`);
    });

    test('REMOTE_AUTH_HEADER = the META key of the header Pomerium sends; the header has dashes only', () => {
      const [header] = Object.keys(s.pomerium.jwt_claims_headers);
      expect(header).toMatch(HEADER_NAME);
      expect(netboxEnv.REMOTE_AUTH_HEADER).toBe(metaKey(header));
      expect(netboxEnv.REMOTE_AUTH_HEADER).toBe('HTTP_' + header.toUpperCase().split('-').join('_'));
    });

    test('the Host rule names the route `from` host (= ALLOWED_HOSTS, CSRF origin) and the authenticate URL host', () => {
      const ruleHosts = labels['traefik.http.routers.netbox.rule'].split(' || ').map((m) => /^Host\(`([^`]+)`\)$/.exec(m)![1]);
      expect(ruleHosts).toEqual([new URL(route.from).host, new URL(s.pomerium.authenticate_service_url).host]);
      expect(netboxEnv.ALLOWED_HOSTS).toBe(ruleHosts[0]);
      expect(netboxEnv.CSRF_TRUSTED_ORIGINS).toBe(`https://${ruleHosts[0]}`);
      // Pomerium serves `/` of its authenticate host itself: it must not be NetBox's host.
      expect(ruleHosts[1]).not.toBe(ruleHosts[0]);
    });

    test('Traefik network = the network Pomerium joins = the external network', () => {
      expect(pomerium.networks).toContain(labels['traefik.docker.network']);
      expect(s.compose.networks[labels['traefik.docker.network']]).toEqual({ external: true, name: 'traefik-proxy' });
    });

    test('NetBox is not on the Traefik network, publishes no port and has no Traefik label', () => {
      for (const name of ['netbox', 'netbox-worker', 'postgres', 'redis', 'redis-cache']) {
        // NetBox's web service and worker also reach outside through the egress network; the data services do not.
        expect({ name, networks: services[name].networks })
          .toEqual({ name, networks: ['netbox-worker', 'netbox'].includes(name) ? ['netbox', 'netbox-egress'] : ['netbox'] });
        expect(services[name].ports).toBeUndefined();
        expect(services[name].labels).toBeUndefined();
      }
      expect(s.compose.networks.netbox).toEqual({ internal: true });
      expect(s.compose.networks['netbox-egress']).toEqual({ internal: false });
      expect(pomerium.ports).toBeUndefined();
    });

    test('passwords two services share come from one secret', () => {
      expect(services.netbox.environment.DB_PASSWORD).toBe(services.postgres.environment.POSTGRES_PASSWORD);
      expect(services.netbox.environment.REDIS_PASSWORD).toBe(services.redis.environment.REDIS_PASSWORD);
      expect(services.netbox.environment.REDIS_CACHE_PASSWORD).toBe(services['redis-cache'].environment.REDIS_PASSWORD);
      expect(services.netbox.environment.REDIS_PASSWORD).not.toBe(services.netbox.environment.REDIS_CACHE_PASSWORD);
    });
  });

  test('no secret value in any generated file but .env', () => {
    const values = s.dotenv.split('\n').filter((l) => /^[A-Z_0-9]+='/.test(l)).map((l) => l.split('=').slice(1).join('=').slice(1, -1));
    expect(values.length).toBeGreaterThanOrEqual(6);
    for (const [file, content] of Object.entries(s.files)) {
      const text = typeof content === 'string' ? content : JSON.stringify(content);
      for (const value of values) expect({ file, leaks: text.includes(value) }).toEqual({ file, leaks: false });
    }
    expect(s.files['.gitignore']).toMatch(/^\/\.env$/m);
  });

  test('snapshot of the generated deployment files', () => {
    for (const file of ['compose.yaml', 'pomerium/config.yaml', 'env/netbox.env', 'env/postgres.env']) {
      expect(s.files[file]).toMatchSnapshot(file);
    }
  });
});

describe('changing one option moves every file that derives from it', () => {
  test('domain', () => {
    const s = synth({ domain: 'ipam.corp.example' });
    expect(s.compose.services.pomerium.labels['traefik.http.routers.netbox.rule']).toBe('Host(`ipam.corp.example`) || Host(`authenticate.ipam.corp.example`)');
    expect(s.pomerium.routes[0].from).toBe('https://ipam.corp.example');
    expect(s.pomerium.authenticate_service_url).toBe('https://authenticate.ipam.corp.example');
    expect(s.env('netbox').ALLOWED_HOSTS).toBe('ipam.corp.example');
    expect(s.env('netbox').CSRF_TRUSTED_ORIGINS).toBe('https://ipam.corp.example');
    for (const [file, content] of Object.entries(s.files)) {
      expect({ file, old: String(typeof content === 'string' ? content : JSON.stringify(content)).includes('netbox.example.org') })
        .toEqual({ file, old: false });
    }
  });

  test('pomeriumPort', () => {
    const s = synth({ pomeriumPort: 9443 });
    expect(s.pomerium.address).toBe(':9443');
    expect(s.compose.services.pomerium.labels['traefik.http.services.netbox.loadbalancer.server.port']).toBe('9443');
  });

  test('traefikNetwork', () => {
    const s = synth({ traefikNetwork: 'edge' });
    expect(s.compose.services.pomerium.networks).toContain('edge');
    expect(s.compose.services.pomerium.networks).not.toContain('traefik-proxy');
    expect(s.compose.networks.edge).toEqual({ external: true, name: 'edge' });
    expect(s.compose.services.pomerium.labels['traefik.docker.network']).toBe('edge');
  });

  test('a separate authenticate host gets its own Host matcher and the callback URL', () => {
    const s = synth({ authenticateHost: 'auth.example.org' });
    expect(s.pomerium.authenticate_service_url).toBe('https://auth.example.org');
    expect(s.compose.services.pomerium.labels['traefik.http.routers.netbox.rule'])
      .toBe('Host(`netbox.example.org`) || Host(`auth.example.org`)');
  });
});

describe('identity headers', () => {
  test.each([
    ['email', 'X-Pomerium-Claim-Email', 'HTTP_X_POMERIUM_CLAIM_EMAIL'],
    ['groups', 'X-Pomerium-Claim-Groups', 'HTTP_X_POMERIUM_CLAIM_GROUPS'],
    ['given_name', 'X-Pomerium-Claim-Given-Name', 'HTTP_X_POMERIUM_CLAIM_GIVEN_NAME'],
  ])('claim %s → header %s → META %s', (claim, header, meta) => {
    expect(claimHeader(claim)).toBe(header);
    expect(claimHeader(claim)).toMatch(HEADER_NAME);
    expect(metaKey(header)).toBe(meta);
  });
});

describe('a zero-flag declaration', () => {
  test('synthesizes with placeholders and says so', () => {
    const s = synth({
      idpProvider: undefined,
      idpProviderUrl: undefined,
      idpClientId: undefined,
      allowedDomains: undefined,
      allowedGroups: undefined,
      allowedEmails: undefined,
    });
    expect(s.pomerium.idp_provider).toBe('oidc');
    expect(s.pomerium.idp_provider_url).toBe('https://idp.example.org');
    expect(s.pomerium.routes[0].policy).toEqual([]);
  });
});

describe('the authenticate host', () => {
  test('may not be a route\'s host: Pomerium answers `/` there itself', () => {
    expect(() => synth({ authenticateHost: 'netbox.example.org' }))
      .toThrow(/authenticateHost: is also the host of a route \(got "netbox\.example\.org"\)\. Pomerium answers `\/` on its authenticate host itself.*"authenticate\.netbox\.example\.org"/);
  });
});

describe('composeOverrides', () => {
  test('cannot remove a generated service', () => {
    expect(() => synth({ composeOverrides: { 'services.postgres': null } }))
      .toThrow(/composeOverrides\["services\.postgres"\]: removes a generated service \(got null\)\. Remove the override/);
  });
});
