import { execFileSync } from 'child_process';
import { existsSync, readFileSync, writeFileSync } from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { copySeedDeployment, git, projen, treeHash } from './context';
import { ADOPTED_PLUGINS, ND_SECRETS, netboxDockerFiles, netboxDockerPluginFiles, PLUGIN_RELEASE, SEED_COMPOSE, SEED_SECRETS, writeOldDeployment } from '../adopt-fixtures';
import { readSecret } from '../netbox-docker-config';
import { dockerComposeV2Resolved } from '../real-validators';

/**
 * `npx projen adopt -- <old compose file>` in a real deployment (a copy of the one `projen new` made,
 * in a folder named differently from the old one), then `npx projen`: Compose v2's resolved model of
 * the new deployment must name the old volumes and carry the old secrets and Postgres major.
 */
const adoptIn = (dir: string, ...args: string[]) => projen(dir, 'adopt', '--', ...args);
const output = (r: { stdout: string; stderr: string }) => `${r.stdout}${r.stderr}`;

function resolved(dir: string): any {
  // The IdP client secret is the one value adopt cannot take from the seed (a placeholder there).
  const env = readFileSync(path.join(dir, '.env'), 'utf-8');
  if (!/^IDP_CLIENT_SECRET=/m.test(env)) writeFileSync(path.join(dir, '.env'), `${env}IDP_CLIENT_SECRET='client-secret'\n`);
  return dockerComposeV2Resolved(dir);
}

describe.each([
  ['the seed\'s compose file', 'netbox', { 'docker-compose.yml': SEED_COMPOSE }, {
    project: 'netbox',
    tag: 'v3.0-1.4.1',
    pg: '13',
    pgPath: '/var/lib/postgresql/data',
    secrets: SEED_SECRETS,
    volumes: { 'netbox-postgres-data': 'netbox_netbox-postgres-data', 'netbox-media-files': 'netbox_netbox-media-files', 'netbox-redis-data': 'netbox_netbox-redis-data' },
  }],
  ['a netbox-docker 3.0.2 checkout', 'netbox-docker', netboxDockerFiles(), {
    project: 'netbox-docker',
    tag: 'v4.1-3.0.2',
    pg: '16',
    pgPath: '/var/lib/postgresql/data',
    secrets: ND_SECRETS,
    volumes: Object.fromEntries(['netbox-postgres-data', 'netbox-media-files', 'netbox-reports-files', 'netbox-scripts-files', 'netbox-redis-data',
      'netbox-redis-cache-data'].map((v) => [v, `netbox-docker_${v}`])),
  }],
])('adopting %s', (_name, folder, files, expected) => {
  const old = writeOldDeployment(folder, files);
  const dir = copySeedDeployment();
  const envBefore = readFileSync(path.join(dir, '.env'), 'utf-8');
  let adoptOutput = '';
  let model: any;

  beforeAll(() => {
    expect(path.basename(dir)).not.toBe(folder);
    const r = adoptIn(dir, path.join(old, 'docker-compose.yml'));
    adoptOutput = output(r);
    expect({ status: r.status, adoptOutput }).toEqual({ status: 0, adoptOutput: expect.stringContaining('adopt: took over') });
    const s = projen(dir);
    expect({ status: s.status, out: output(s) }).toEqual({ status: 0, out: expect.any(String) });
    model = resolved(dir);
  });

  test('it says what it found, what it changed and what is left to do', () => {
    expect(adoptOutput).toContain(`Compose project: ${expected.project}`);
    expect(adoptOutput).toContain(`netboxVersion ${expected.tag}`);
    expect(adoptOutput).toMatch(/Changed:\n.*kept the previous \.env as \.env\.before-adopt/);
    expect(adoptOutput).toContain(`docker compose -p ${expected.project} down`);
  });

  test('the replaced .env is kept (0600, git-ignored)', () => {
    expect(readFileSync(path.join(dir, '.env.before-adopt'), 'utf-8')).toBe(envBefore);
    expect((execFileSync('stat', ['-c', '%a', path.join(dir, '.env.before-adopt')], { encoding: 'utf-8' })).trim()).toBe('600');
    expect(git(dir, 'status', '--porcelain', '--ignored', '.env.before-adopt')).toBe('!! .env.before-adopt\n');
  });

  test('docker compose config names the old project and the old volumes', () => {
    expect(model.name).toBe(expected.project);
    for (const [key, name] of Object.entries(expected.volumes)) {
      expect({ key, volume: model.volumes[key] }).toEqual({ key, volume: expect.objectContaining({ name, external: true }) });
    }
  });

  test('Postgres gets the old password and keeps its major version and data path', () => {
    expect(model.services.postgres.environment.POSTGRES_PASSWORD).toBe(expected.secrets.db);
    expect(model.services.netbox.environment.DB_PASSWORD).toBe(expected.secrets.db);
    expect(model.services.postgres.image).toMatch(new RegExp(`^postgres:${expected.pg}-`));
    expect(model.services.postgres.volumes[0]).toMatchObject({ source: 'netbox-postgres-data', target: expected.pgPath });
  });

  test('NetBox reads the old SECRET_KEY and Redis passwords as netbox-docker\'s configuration.py does', () => {
    // Compose's JSON output doubles a `$` so the value can be read back as a compose file.
    const env = Object.fromEntries(Object.entries<string>(model.services.netbox.environment).map(([k, v]) => [k, v.replace(/\$\$/g, '$')]));
    expect(readSecret('secret_key', 'SECRET_KEY', env)).toBe(expected.secrets.secretKey);
    expect(readSecret('redis_password', 'REDIS_PASSWORD', env)).toBe(expected.secrets.redis);
    expect(readSecret('redis_cache_password', 'REDIS_CACHE_PASSWORD', env)).toBe(expected.secrets.redisCache);
    expect(model.services['redis-cache'].environment.REDIS_PASSWORD.replace(/\$\$/g, '$')).toBe(expected.secrets.redisCache);
  });

  test('three resyntheses change nothing; adopting the same file again changes nothing', () => {
    const hash = treeHash(dir);
    for (let i = 0; i < 3; i++) expect(projen(dir).status).toBe(0);
    expect(treeHash(dir)).toBe(hash);
    const again = adoptIn(dir, path.join(old, 'docker-compose.yml'));
    expect({ status: again.status, out: output(again) }).toEqual({ status: 0, out: expect.stringContaining('nothing was changed') });
    expect(treeHash(dir)).toBe(hash);
  });
});

/** netbox-docker's plugin pattern: the new deployment declares the old image's plugins and builds its own image from them. */
describe('adopting a netbox-docker checkout that builds its image with plugins', () => {
  const old = writeOldDeployment('netbox-docker', netboxDockerPluginFiles());
  const dir = copySeedDeployment();
  let adoptOutput = '';
  let compose: any;
  let model: any;

  beforeAll(() => {
    const r = adoptIn(dir, path.join(old, 'docker-compose.yml'));
    adoptOutput = output(r);
    expect({ status: r.status, adoptOutput }).toEqual({ status: 0, adoptOutput: expect.stringContaining('adopt: took over') });
    const s = projen(dir);
    expect({ status: s.status, out: output(s) }).toEqual({ status: 0, out: expect.any(String) });
    compose = parse(readFileSync(path.join(dir, 'compose.yaml'), 'utf-8'));
    model = resolved(dir);
  });

  test('.projenrc.ts declares the release of the old FROM and the pinned plugins; the output says what to port by hand', () => {
    const rc = readFileSync(path.join(dir, '.projenrc.ts'), 'utf-8');
    expect(rc).toContain(`netboxVersion: "${PLUGIN_RELEASE}"`);
    expect(rc).toContain(`  plugins: [\n${ADOPTED_PLUGINS.map((p) => `    { package: "${p.package}", version: "${p.version}" },\n`).join('')}  ],\n`);
    expect(adoptOutput).toContain('plugins (plugin_requirements.txt): netbox-inventory==2.5.1, netbox-topology-views==4.5.1');
    expect(adoptOutput).toContain('configuration/plugins.py is Python, which adopt does not port');
  });

  test('NetBox and its worker run the new built image; the plugin requirements pin the adopted releases', () => {
    const image = compose.services.netbox.image;
    expect(image).toMatch(new RegExp(`^netbox-docker-netbox:${PLUGIN_RELEASE}-plugins-`));
    expect(compose.services['netbox-worker'].image).toBe(image);
    expect(readFileSync(path.join(dir, 'netbox-plugins', 'plugin_requirements.txt'), 'utf-8'))
      .toContain(ADOPTED_PLUGINS.map((p) => `${p.package}==${p.version}`).join('\n'));
  });

  test('docker compose config: the old project, the old volumes external under their old names, the built image', () => {
    expect(compose.name).toBe('netbox-docker');
    expect(model.name).toBe('netbox-docker');
    for (const key of ['netbox-postgres-data', 'netbox-media-files', 'netbox-reports-files', 'netbox-scripts-files', 'netbox-redis-data', 'netbox-redis-cache-data']) {
      expect({ key, volume: compose.volumes[key] }).toEqual({ key, volume: { external: true, name: `netbox-docker_${key}` } });
      expect({ key, volume: model.volumes[key] }).toEqual({ key, volume: expect.objectContaining({ name: `netbox-docker_${key}`, external: true }) });
    }
    expect(model.services['netbox-worker'].image).toBe(compose.services.netbox.image);
    expect(model.services.postgres.environment.POSTGRES_PASSWORD).toBe(ND_SECRETS.db);
  });

  test('resyntheses change nothing; adopting the same file again changes nothing', () => {
    const hash = treeHash(dir);
    for (let i = 0; i < 2; i++) expect(projen(dir).status).toBe(0);
    expect(treeHash(dir)).toBe(hash);
    const again = adoptIn(dir, path.join(old, 'docker-compose.yml'));
    expect({ status: again.status, out: output(again) }).toEqual({ status: 0, out: expect.stringContaining('nothing was changed') });
    expect(treeHash(dir)).toBe(hash);
  });
});

/** The bad-input corpus of adopt: each refused with its reason, and the deployment left byte-identical. */
describe('npx projen adopt refuses bad input and changes nothing', () => {
  const dir = copySeedDeployment();
  const seedOld = writeOldDeployment('netbox', { 'docker-compose.yml': SEED_COMPOSE });
  const CORPUS: Array<[string, () => string, RegExp]> = [
    ['no file named', () => '', /name the old compose file/],
    ['a file that does not exist', () => path.join(seedOld, 'missing.yml'), /cannot read .*missing\.yml: ENOENT/],
    ['a directory', () => seedOld, /is not a file/],
    ['not YAML', () => path.join(writeOldDeployment('x', { 'docker-compose.yml': 'services: [' }), 'docker-compose.yml'), /not valid YAML/],
    ['not a NetBox compose file', () => path.join(writeOldDeployment('web', { 'docker-compose.yml': 'services:\n  web:\n    image: nginx:1.27\n' }),
      'docker-compose.yml'), /not a NetBox compose file/],
    ['an ambiguous volume role', () => path.join(writeOldDeployment('amb', {
      'docker-compose.yml': SEED_COMPOSE.replace(/(netbox-worker:\n(?: {4}.*\n)*)/, '$1    volumes:\n      - other-media:/opt/netbox/netbox/media\n'),
    }), 'docker-compose.yml'), /media volume role is ambiguous/],
    ['a NetBox older than every supported release (2.11)', () => path.join(writeOldDeployment('old2', {
      'docker-compose.yml': SEED_COMPOSE.replace('netboxcommunity/netbox:v3.0-1.4.1', 'netboxcommunity/netbox:v2.11-1.2.0'),
    }), 'docker-compose.yml'), /NetBox 2\.11 is older than the oldest supported release/],
    ['an unpinned plugin requirement', () => path.join(writeOldDeployment('netbox-docker', netboxDockerPluginFiles('netbox-inventory==2.5.1\nnetbox-topology-views')),
      'docker-compose.yml'), /plugin_requirements\.txt line 3 \("netbox-topology-views"\) is not pinned to one release: pin it as name==version/],
  ];
  const pristine = treeHash(dir);

  test.each(CORPUS)('%s', (_name, file, message) => {
    const r = adoptIn(dir, ...(file() ? [file()] : []));
    expect(r.status).not.toBe(0);
    expect(output(r)).toMatch(/adopt: refused, nothing was changed: /);
    expect(output(r)).toMatch(message);
    expect(treeHash(dir)).toBe(pristine);
  });

  test('a deployment that already holds different adopted values', () => {
    const other = copySeedDeployment();
    expect(adoptIn(other, path.join(seedOld, 'docker-compose.yml')).status).toBe(0);
    const adopted = treeHash(other);
    const nd = writeOldDeployment('netbox-docker', netboxDockerFiles());
    const r = adoptIn(other, path.join(nd, 'docker-compose.yml'));
    expect(r.status).not.toBe(0);
    expect(output(r)).toMatch(/already holds different adopted values \(.*adoption\.netboxImage, adoption\.postgresDataVolume.*NETBOX_SECRET_KEY in \.env\)/);
    expect(treeHash(other)).toBe(adopted);
    expect(existsSync(path.join(other, '.env.before-adopt'))).toBe(true);
  });
});
