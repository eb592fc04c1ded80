import * as path from 'path';
import { composeSpecErrors, dockerComposeV2, dockerComposeV2Resolved, writeTree } from './real-validators';
import { synth } from './util';
import { NETBOX_RELEASES } from '../src/netbox/netbox-releases';

/** A deployment directory as a user has it: generated files plus a complete `.env`. */
function deploymentDir(overrides = {}): { dir: string; composeText: string } {
  const s = synth(overrides);
  const dir = writeTree({ ...s.files, '.env': `${s.dotenv}\nIDP_CLIENT_SECRET='client-secret-value'\n` });
  return { dir, composeText: s.files['compose.yaml'] };
}

const DECLARATIONS: Array<[string, object]> = [
  ['the seed', {}],
  ...NETBOX_RELEASES.map((r): [string, object] => [`netbox-docker ${r.tag} with superusers`, { netboxVersion: r.tag, superusers: ['admin@example.org'] }]),
  ['an extra app and a separate authenticate host', {
    authenticateHost: 'auth.example.org',
    apps: [{ name: 'grafana', image: 'grafana/grafana:11.3.0', port: 3000, host: 'grafana.example.org', environment: { GF_AUTH_PROXY_ENABLED: 'true' } }],
  }],
];

describe.each(DECLARATIONS)('real validators accept the compose file: %s', (_name, overrides) => {
  const { dir, composeText } = deploymentDir(overrides);

  test('compose-spec JSON schema', () => {
    expect(composeSpecErrors(composeText)).toEqual([]);
  });

  test('docker compose config (Compose v2)', () => {
    expect(dockerComposeV2(dir)).toEqual({ status: 0, output: '' });
  });
});

describe('Compose v2\'s resolved model', () => {
  const { dir } = deploymentDir();
  const resolved = dockerComposeV2Resolved(dir);

  test('env files and secrets reach the containers, one value where two services must agree', () => {
    const netbox = resolved.services.netbox.environment;
    expect(netbox.REMOTE_AUTH_HEADER).toBe('HTTP_X_POMERIUM_CLAIM_EMAIL');
    expect(netbox.DB_PASSWORD).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(netbox.DB_PASSWORD).toBe(resolved.services.postgres.environment.POSTGRES_PASSWORD);
    expect(netbox.REDIS_PASSWORD).toBe(resolved.services.redis.environment.REDIS_PASSWORD);
    expect(netbox.REDIS_CACHE_PASSWORD).toBe(resolved.services['redis-cache'].environment.REDIS_PASSWORD);
    expect(resolved.services.pomerium.environment.IDP_CLIENT_SECRET).toBe('client-secret-value');
  });

  test('the project name comes from compose.yaml, not from the folder: volumes are <project>_<volume>', () => {
    // writeTree's folder is nbp-files-<random>; without `name:` Compose would name the project after it.
    expect(path.basename(dir)).not.toBe('netbox');
    expect(resolved.name).toBe('netbox');
    expect(resolved.volumes['netbox-postgres-data'].name).toBe('netbox_netbox-postgres-data');
    expect(resolved.volumes['netbox-media-files'].name).toBe('netbox_netbox-media-files');
  });

  test('each container gets only the secrets it needs', () => {
    expect(Object.keys(resolved.services.postgres.environment).sort()).toEqual(['POSTGRES_DB', 'POSTGRES_PASSWORD', 'POSTGRES_USER']);
    expect(Object.keys(resolved.services.redis.environment)).toEqual(['REDIS_PASSWORD']);
    expect(Object.keys(resolved.services.pomerium.environment).sort()).toEqual(['COOKIE_SECRET', 'IDP_CLIENT_SECRET', 'SHARED_SECRET']);
  });
});
