import { ADOPTION, ND_SECRETS, netboxDockerFiles, SEED_COMPOSE, SEED_SECRETS } from './adopt-fixtures';
import { refusal, synth } from './util';
import { mergeSecrets } from '../src/adopt/adopt-command';
import { nearestRelease, netboxVersionOfImage, postgresImageMajor, resolveAdoption } from '../src/adopt/adoption-model';
import { claimOfHeader, deriveAdoption } from '../src/adopt/derive-adoption';
import { interpolate, normalizeProjectName, parseEnvFile, parseMount, readOldDeployment, ReadOldOptions } from '../src/adopt/old-compose';
import { adoptionDifferences, readAdoptionBlock, writeAdoption } from '../src/adopt/projenrc-edit';
import { DeclarationProblems } from '../src/model/problems';
import { findNetboxRelease } from '../src/netbox/netbox-releases';
import { isPlaceholderSecret } from '../src/secrets/placeholders';

const read = (files: Record<string, string>, dirName: string, extra: Partial<ReadOldOptions> = {}) => readOldDeployment({
  composeText: files['docker-compose.yml'], dirName, read: (rel) => files[rel.replace(/^\.\//, '')], ...extra,
});
const deployment = (files: Record<string, string>, dirName: string) => {
  const r = read(files, dirName);
  if ('refusal' in r) throw new Error(r.refusal);
  return r.deployment;
};
const refusalOf = (files: Record<string, string>, dirName = 'old') => {
  const r = read(files, dirName);
  return 'refusal' in r ? r.refusal : undefined;
};
const SEED_FILES = { 'docker-compose.yml': SEED_COMPOSE };

describe('Compose v2 rules adopt reads by', () => {
  test.each([
    ['netbox', 'netbox'], ['NetBox-Docker', 'netbox-docker'], ['netbox-docker-0.27.0', 'netbox-docker-0270'],
    ['_old stack!', 'oldstack'], ['My_App', 'my_app'],
  ])('project name of folder %s is %s', (dir, name) => {
    expect(normalizeProjectName(dir)).toBe(name);
  });

  test('interpolation: defaults, set-but-empty, $$, bare names', () => {
    const vars = { A: 'a', EMPTY: '' };
    expect(interpolate('${A}-${B:-b}-${EMPTY:-e}-${EMPTY-e}-${B-x}-$$A-$A', vars)).toBe('a-b-e--x-$A-a');
    expect(interpolate('img:${VERSION-v4.1-3.0.2}', {})).toBe('img:v4.1-3.0.2');
    expect(interpolate('${A:+set}${B:+unset}', vars)).toBe('set');
  });

  test('env files: single quotes are literal, double quotes escape, unquoted values lose comments', () => {
    expect(parseEnvFile([
      "SECRET_KEY='r(m)9n$(_q#x'", 'PLAIN=abc # comment', 'HASH=a#b', 'export EXP=1', 'DQ="x\\"y ${PLAIN}"', '# COMMENT=1', 'REF=${PLAIN}-z',
    ].join('\n'))).toEqual({ SECRET_KEY: 'r(m)9n$(_q#x', PLAIN: 'abc', HASH: 'a#b', EXP: '1', DQ: 'x"y abc', REF: 'abc-z' });
  });

  test('mounts: short and long syntax, named and bind', () => {
    expect(parseMount('netbox-media-files:/opt/netbox/netbox/media:z')).toEqual({ type: 'volume', source: 'netbox-media-files', target: '/opt/netbox/netbox/media' });
    expect(parseMount('./pg:/var/lib/postgresql/data')).toEqual({ type: 'bind', source: './pg', target: '/var/lib/postgresql/data' });
    expect(parseMount({ type: 'volume', source: 'pg', target: '/var/lib/postgresql/' })).toEqual({ type: 'volume', source: 'pg', target: '/var/lib/postgresql' });
    expect(parseMount('/anonymous')).toBeUndefined();
  });

  test('image tags: NetBox version and Postgres major', () => {
    expect(netboxVersionOfImage('netboxcommunity/netbox:v3.0-1.4.1')).toEqual([3, 0]);
    expect(netboxVersionOfImage('docker.io/netboxcommunity/netbox:v4.1.11-3.0.2')).toEqual([4, 1]);
    expect(netboxVersionOfImage('ghcr.io/netbox-community/netbox:v3.4')).toEqual([3, 4]);
    expect(netboxVersionOfImage('netboxcommunity/netbox:latest')).toBeUndefined();
    expect(netboxVersionOfImage('example/netbox:v3.0')).toBeUndefined();
    expect(postgresImageMajor('postgres:13-alpine')).toBe(13);
    expect(postgresImageMajor('docker.io/library/postgres:16.4-bookworm')).toBe(16);
    expect(postgresImageMajor('bitnami/postgresql:16')).toBeUndefined();
  });

  test('claims: the Pomerium claim behind REMOTE_AUTH_HEADER', () => {
    expect(claimOfHeader('HTTP_X_POMERIUM_CLAIM_EMAIL', 'email')).toBe('email');
    expect(claimOfHeader('HTTP_X_USER', 'X-User=preferred_username,groups')).toBe('preferred_username');
    expect(claimOfHeader('HTTP_X_POMERIUM_CLAIM_SUB', undefined)).toBe('sub');
    expect(claimOfHeader('HTTP_REMOTE_USER', 'email')).toBeUndefined();
  });
});

describe('reading the seed\'s compose file', () => {
  const old = deployment(SEED_FILES, 'netbox');

  test('project from the folder name, volumes by role, Postgres 13 at the old path', () => {
    expect(old.projectName).toBe('netbox');
    expect(old.volumes).toEqual({ postgres: 'netbox_netbox-postgres-data', media: 'netbox_netbox-media-files', redis: 'netbox_netbox-redis-data' });
    expect(old.postgresImage).toBe('postgres:13-alpine');
    expect(old.postgresDataPath).toBe('/var/lib/postgresql/data');
    expect(old.netbox.name).toBe('netbox');
    expect(old.netboxHelpers.map((s) => s.name)).toEqual(['netbox-worker', 'netbox-housekeeping']);
  });

  test('derivation: release v3.0-1.4.1, every secret, the email claim; the client secret placeholder is left', () => {
    const r = deriveAdoption(old, { composeFile: 'old/docker-compose.yml' });
    if (!('derived' in r)) throw new Error(r.refusal);
    expect(r.derived.netboxVersion).toBe('v3.0-1.4.1');
    expect(r.derived.secrets).toEqual({
      POSTGRES_PASSWORD: SEED_SECRETS.db,
      REDIS_PASSWORD: SEED_SECRETS.redis,
      REDIS_CACHE_PASSWORD: SEED_SECRETS.redisCache,
      NETBOX_SECRET_KEY: SEED_SECRETS.secretKey,
      POMERIUM_COOKIE_SECRET: SEED_SECRETS.cookie,
    });
    expect(r.derived.adoption.userClaim).toBe('email');
    expect(r.derived.found.join('\n')).toContain('a placeholder (<azure-secret-id-here>)');
    // The seed's key is 46 characters, below NetBox's minimum: the user is told to check it.
    expect(r.derived.todo.join('\n')).toContain('The old SECRET_KEY has 46 characters');
  });

  test.each(['replace-me', 'TODO', 'placeholder'])('a client secret the doctor would call a placeholder (%s) is not taken over either', (value) => {
    const withValue = { ...old, pomerium: { ...old.pomerium!, environment: { ...old.pomerium!.environment, IDP_CLIENT_SECRET: value } } };
    const r = deriveAdoption(withValue, { composeFile: 'old/docker-compose.yml' });
    if (!('derived' in r)) throw new Error(r.refusal);
    expect(r.derived.secrets.IDP_CLIENT_SECRET).toBeUndefined();
    expect(isPlaceholderSecret(value)).toBe(true);
  });

  test('the project name: --project-name, then COMPOSE_PROJECT_NAME in the old .env, then name:, then the folder', () => {
    const named = { 'docker-compose.yml': `name: Old_Stack\n${SEED_COMPOSE}` };
    expect(deployment(named, 'netbox').projectName).toBe('old_stack');
    expect(deployment({ ...named, '.env': 'COMPOSE_PROJECT_NAME=fromenv\n' }, 'netbox').projectName).toBe('fromenv');
    const r = read(named, 'netbox', { projectName: 'cli' });
    expect('deployment' in r && r.deployment.projectName).toBe('cli');
    expect('deployment' in r && r.deployment.volumes.postgres).toBe('cli_netbox-postgres-data');
  });

  test('a volume with its own name: or external keeps that name', () => {
    const files = {
      'docker-compose.yml': SEED_COMPOSE.replace('  netbox-postgres-data:\n', '  netbox-postgres-data:\n    name: pgdata\n')
        .replace('  netbox-media-files:\n', '  netbox-media-files:\n    external: true\n'),
    };
    expect(deployment(files, 'netbox').volumes).toMatchObject({ postgres: 'pgdata', media: 'netbox-media-files' });
  });
});

describe('reading a netbox-docker deployment', () => {
  const old = deployment(netboxDockerFiles(), 'netbox-docker');

  test('env files, the VERSION default, six volumes with netbox-docker\'s names', () => {
    expect(old.projectName).toBe('netbox-docker');
    expect(old.netbox.image).toBe('docker.io/netboxcommunity/netbox:v4.1-3.0.2');
    expect(old.postgresImage).toBe('postgres:16-alpine');
    expect(old.volumes).toEqual({
      postgres: 'netbox-docker_netbox-postgres-data',
      media: 'netbox-docker_netbox-media-files',
      reports: 'netbox-docker_netbox-reports-files',
      scripts: 'netbox-docker_netbox-scripts-files',
      redis: 'netbox-docker_netbox-redis-data',
      redisCache: 'netbox-docker_netbox-redis-cache-data',
    });
  });

  test('derivation: v4.1-3.0.2, the single-quoted SECRET_KEY literally, no remote auth (local users)', () => {
    const r = deriveAdoption(old, { composeFile: 'x' });
    if (!('derived' in r)) throw new Error(r.refusal);
    expect(r.derived.netboxVersion).toBe('v4.1-3.0.2');
    expect(r.derived.secrets.NETBOX_SECRET_KEY).toBe(ND_SECRETS.secretKey);
    expect(r.derived.secrets.POSTGRES_PASSWORD).toBe(ND_SECRETS.db);
    expect(r.derived.secrets.REDIS_CACHE_PASSWORD).toBe(ND_SECRETS.redisCache);
    expect(r.derived.adoption.userClaim).toBeUndefined();
    expect(r.derived.todo.join('\n')).toContain('The old NetBox had no remote authentication');
  });
});

describe('refusals while reading', () => {
  test.each<[string, Record<string, string>, RegExp]>([
    ['not YAML', { 'docker-compose.yml': 'services: [unclosed' }, /not valid YAML/],
    ['no services', { 'docker-compose.yml': 'volumes: {}\n' }, /not a compose file/],
    ['not NetBox', { 'docker-compose.yml': 'services:\n  web:\n    image: nginx:1.27\n' }, /not a NetBox compose file: no service runs the netboxcommunity\/netbox image/],
    ['ambiguous media role', {
      'docker-compose.yml': SEED_COMPOSE.replace(
        /(netbox-worker:\n(?: {4}.*\n)*)/, '$1    volumes:\n      - other-media:/opt/netbox/netbox/media\n'),
    }, /media volume role is ambiguous: netbox-media-files .* and other-media/],
    ['Postgres data as a bind mount', { 'docker-compose.yml': SEED_COMPOSE.replace('- netbox-postgres-data:/var/lib', '- ./pgdata:/var/lib') },
      /Postgres data is a bind mount \(\.\/pgdata\)/],
    ['missing env file', { 'docker-compose.yml': netboxDockerFiles()['docker-compose.yml'] }, /reads the env file env\/netbox.env, which cannot be read/],
  ])('%s', (_name, files, message) => {
    expect(refusalOf(files)).toMatch(message);
  });
});

describe('choosing the release', () => {
  test.each<[[number, number], number, string]>([
    [[3, 0], 13, 'v3.0-1.4.1'], [[3, 4], 15, 'v3.7-2.8.0'], [[3, 7], 16, 'v3.7-2.8.0'], [[4, 1], 16, 'v4.1-3.0.2'],
    [[4, 2], 16, 'v4.4-3.4.1'], [[4, 7], 18, 'v4.7-5.1.1'],
  ])('NetBox %j on Postgres %d -> %s', (netbox, pg, tag) => {
    expect(nearestRelease(netbox, pg).release?.tag).toBe(tag);
  });

  test.each<[[number, number], number, RegExp]>([
    [[2, 11], 13, /upgrade the old stack to a NetBox 3.x release first/],
    [[4, 8], 18, /newer than every supported release/],
    [[4, 2], 13, /Postgres 13 is older than NetBox 4.4 .* accepts \(14 or newer\).*pg_dump/],
  ])('NetBox %j on Postgres %d is refused', (netbox, pg, message) => {
    expect(nearestRelease(netbox, pg).refusal).toMatch(message);
  });
});

describe('the adoption option', () => {
  const s = synth({ name: 'netbox-pomerium', netboxVersion: 'v3.0-1.4.1', adoption: ADOPTION });

  test('compose.yaml: the old project name, the old volumes (external), the old Postgres image and path', () => {
    expect(s.compose.name).toBe('netbox');
    expect(s.compose.volumes['netbox-postgres-data']).toEqual({ external: true, name: 'netbox_netbox-postgres-data' });
    expect(s.compose.volumes['netbox-media-files']).toEqual({ external: true, name: 'netbox_netbox-media-files' });
    expect(s.compose.volumes['netbox-redis-data']).toEqual({ driver: 'local' });
    expect(s.compose.services.postgres.image).toBe('postgres:13-alpine');
    expect(s.compose.services.postgres.volumes).toEqual(['netbox-postgres-data:/var/lib/postgresql/data']);
    expect(JSON.stringify(s.files['.projen/tasks.json'].tasks.up)).toContain('docker compose -p netbox -f compose.yaml up -d');
  });

  test('the adopted claim names the header Pomerium sends and NetBox reads', () => {
    const sub = synth({ netboxVersion: 'v3.0-1.4.1', adoption: { ...ADOPTION, userClaim: 'sub' } });
    expect(sub.pomerium.jwt_claims_headers).toEqual({ 'X-Pomerium-Claim-Sub': 'sub' });
    expect(sub.env('netbox').REMOTE_AUTH_HEADER).toBe('HTTP_X_POMERIUM_CLAIM_SUB');
  });

  test.each<[string, object, RegExp]>([
    ['a downgrade below the adopted NetBox', { netboxVersion: 'v3.0-1.4.1', adoption: { ...ADOPTION, netboxImage: 'netboxcommunity/netbox:v3.7-2.8.0' } },
      /netboxVersion: would downgrade the adopted NetBox 3\.7 to 3\.0 \(got "v3\.0-1\.4\.1"\)/],
    ['skipping 3.7', { netboxVersion: 'v4.1-3.0.2' }, /netboxVersion: skips NetBox 3\.7 on the way from the adopted NetBox 3\.0 to 4\.x/],
    ['Postgres too old for the release', { netboxVersion: 'v4.7-5.1.1', adoption: { ...ADOPTION, netboxImage: 'netboxcommunity/netbox:v4.6-5.0.2' } },
      /adoption\.postgresImage: is older than NetBox 4\.7 accepts \(Postgres 15 or newer\)/],
    ['a volume name with a space', { netboxVersion: 'v3.0-1.4.1', adoption: { ...ADOPTION, mediaVolume: 'my media' } },
      /adoption\.mediaVolume: is not a Docker volume name \(got "my media"\)/],
    ['one volume for two roles', { netboxVersion: 'v3.0-1.4.1', adoption: { ...ADOPTION, mediaVolume: ADOPTION.postgresDataVolume } },
      /adoption\.mediaVolume: names the same volume as the postgres role/],
    ['an image with a registry', { netboxVersion: 'v3.0-1.4.1', adoption: { ...ADOPTION, postgresImage: 'docker.io/postgres:13' } },
      /adoption\.postgresImage: is not an official Postgres image/],
  ])('refused: %s', (_name, overrides, message) => {
    expect(refusal({ adoption: ADOPTION, ...overrides })).toMatch(message);
  });

  test('resolveAdoption reports nothing for a valid adoption', () => {
    const p = new DeclarationProblems();
    expect(resolveAdoption(p, ADOPTION, findNetboxRelease('v3.0-1.4.1'))?.volumes).toEqual({
      postgres: 'netbox_netbox-postgres-data', media: 'netbox_netbox-media-files',
    });
    expect(p.messages).toEqual([]);
  });
});

describe('.projenrc.ts and .env edits', () => {
  const RC = 'import { NetboxPomeriumProject } from "projen-netbox-pomerium";\nconst project = new NetboxPomeriumProject({\n  name: "netbox",\n  domain: "d.example.org",\n});\nproject.synth();\n';

  test('the adoption block is written, read back unchanged, and netboxVersion set', () => {
    const rc = writeAdoption(RC, ADOPTION, 'v3.0-1.4.1')!;
    expect(rc).toContain('  adoption: {\n    projectName: "netbox",\n');
    expect(rc).toContain('  netboxVersion: "v3.0-1.4.1",\n');
    const back = readAdoptionBlock(rc);
    expect(back).toEqual({ adoption: ADOPTION });
    expect(adoptionDifferences(ADOPTION as any, { ...ADOPTION, mediaVolume: 'x' })).toEqual(['mediaVolume']);
    // Writing again replaces the block and the version, never duplicates them.
    const again = writeAdoption(rc, { ...ADOPTION, projectName: 'other' }, 'v3.7-2.8.0')!;
    expect(again.match(/adoption: \{/g)).toHaveLength(1);
    expect(again.match(/netboxVersion:/g)).toHaveLength(1);
    expect(again).toContain('netboxVersion: "v3.7-2.8.0"');
  });

  test('an adoption block adopt cannot read is an error, not a silent overwrite', () => {
    expect(readAdoptionBlock(RC.replace('  name:', '  adoption: { projectName: someVariable },\n  name:'))).toHaveProperty('error');
    expect(readAdoptionBlock(RC)).toEqual({});
  });

  test('.env: adopted values replace lines in place and are appended when missing; other lines stay', () => {
    const before = "# header\nPOSTGRES_PASSWORD='new'\nMY_OWN=1\n";
    expect(mergeSecrets(before, { POSTGRES_PASSWORD: 'old', NETBOX_SECRET_KEY: 'k$#' }))
      .toBe("# header\nPOSTGRES_PASSWORD='old'\nMY_OWN=1\nNETBOX_SECRET_KEY='k$#'\n");
  });
});
