import { pythonSettings } from './netbox-docker-config';
import { SEED, synth, Synthesized } from './util';
import { DEFAULT_NETBOX_TAG, NETBOX_RELEASES } from '../src/netbox/netbox-releases';
import { compileDeployment } from '../src/plan/compile';

/** Where a NetBox setting ends up: netbox-docker's environment, the mounted .py file, or nowhere. */
type Place = 'env' | 'py' | '-';

interface Row {
  readonly user: string;
  readonly housekeeping: boolean;
  readonly postgres: string;
  readonly dataPath: string;
  readonly redis: string;
  readonly cli: string;
  readonly pepper: boolean;
  /** Group sync, superusers, separator, header, auto-created groups (REMOTE_AUTH_* "full" set). */
  readonly groupSync: Place;
  readonly autoCreateGroups: Place;
  /** REMOTE_AUTH_STAFF_USERS: NetBox 3.0.3 up to 4.4. */
  readonly staff: Place;
  /** REMOTE_AUTH_USER_EMAIL / _FIRST_NAME / _LAST_NAME: NetBox >= 3.4.9. */
  readonly profile: Place;
  readonly logout: Place;
  readonly csrf: Place;
  readonly csrfValue: string;
  readonly allowedHosts: string;
}

/**
 * The expected shape of every supported release (stack-facts §1.1-§1.8, checked against the
 * tagged netbox-docker files up to 3.0.2 and the release notes after it). Written out, not derived
 * from the table under test.
 */
const ROWS: Record<string, Row> = {
  'v3.0-1.4.1': {
    user: 'unit:root',
    housekeeping: true,
    postgres: 'postgres:13-alpine',
    dataPath: '/var/lib/postgresql/data',
    redis: 'redis:6-alpine',
    cli: 'redis-cli',
    pepper: false,
    groupSync: 'py',
    autoCreateGroups: '-',
    staff: 'py',
    profile: '-',
    logout: '-',
    csrf: 'py',
    csrfValue: 'netbox.example.org',
    allowedHosts: 'netbox.example.org localhost',
  },
  'v3.7-2.8.0': {
    user: 'unit:root',
    housekeeping: true,
    postgres: 'postgres:16-alpine',
    dataPath: '/var/lib/postgresql/data',
    redis: 'redis:7-alpine',
    cli: 'redis-cli',
    pepper: false,
    groupSync: 'py',
    autoCreateGroups: 'py',
    staff: 'py',
    profile: 'py',
    logout: 'py',
    csrf: 'env',
    csrfValue: 'https://netbox.example.org',
    allowedHosts: 'netbox.example.org',
  },
  'v4.1-3.0.2': {
    user: 'unit:root',
    housekeeping: true,
    postgres: 'postgres:16-alpine',
    dataPath: '/var/lib/postgresql/data',
    redis: 'valkey/valkey:8.0-alpine',
    cli: 'valkey-cli',
    pepper: false,
    groupSync: 'env',
    autoCreateGroups: 'env',
    staff: 'env',
    profile: 'env',
    logout: 'py',
    csrf: 'env',
    csrfValue: 'https://netbox.example.org',
    allowedHosts: 'netbox.example.org',
  },
  'v4.4-3.4.1': {
    user: 'unit:root',
    housekeeping: false,
    postgres: 'postgres:17-alpine',
    dataPath: '/var/lib/postgresql/data',
    redis: 'valkey/valkey:8.1-alpine',
    cli: 'valkey-cli',
    pepper: false,
    groupSync: 'env',
    autoCreateGroups: 'env',
    staff: 'env',
    profile: 'env',
    logout: 'py',
    csrf: 'env',
    csrfValue: 'https://netbox.example.org',
    allowedHosts: 'netbox.example.org',
  },
  'v4.5-4.0.0': {
    user: 'netbox:root',
    housekeeping: false,
    postgres: 'postgres:18-alpine',
    dataPath: '/var/lib/postgresql',
    redis: 'valkey/valkey:9.0-alpine',
    cli: 'valkey-cli',
    pepper: true,
    groupSync: 'env',
    autoCreateGroups: 'env',
    staff: '-',
    profile: 'env',
    logout: 'py',
    csrf: 'env',
    csrfValue: 'https://netbox.example.org',
    allowedHosts: 'netbox.example.org',
  },
  'v4.6-5.0.2': {
    user: 'netbox:root',
    housekeeping: false,
    postgres: 'postgres:18-alpine',
    dataPath: '/var/lib/postgresql',
    redis: 'valkey/valkey:9.1-alpine',
    cli: 'valkey-cli',
    pepper: true,
    groupSync: 'env',
    autoCreateGroups: 'env',
    staff: '-',
    profile: 'env',
    logout: 'env',
    csrf: 'env',
    csrfValue: 'https://netbox.example.org',
    allowedHosts: 'netbox.example.org',
  },
  'v4.7-5.1.1': {
    user: 'netbox:root',
    housekeeping: false,
    postgres: 'postgres:18-alpine',
    dataPath: '/var/lib/postgresql',
    redis: 'valkey/valkey:9.1-alpine',
    cli: 'valkey-cli',
    pepper: true,
    groupSync: 'env',
    autoCreateGroups: 'env',
    staff: '-',
    profile: 'env',
    logout: 'env',
    csrf: 'env',
    csrfValue: 'https://netbox.example.org',
    allowedHosts: 'netbox.example.org',
  },
};

const EXTRA_CONFIG = 'netbox/zz_netbox_pomerium.py';
const EXTRA_CONFIG_MOUNT = `./${EXTRA_CONFIG}:/etc/netbox/config/zz_netbox_pomerium.py:ro`;

function placeOf(s: Synthesized, py: Record<string, unknown>, name: string): Place {
  const env = s.env('netbox');
  if (name in env && name in py) throw new Error(`${name} is emitted twice`);
  return name in env ? 'env' : name in py ? 'py' : '-';
}

test('the table under test has exactly the rows this test expects, the newest last (the default)', () => {
  expect(NETBOX_RELEASES.map((r) => r.tag)).toEqual(Object.keys(ROWS));
  expect(DEFAULT_NETBOX_TAG).toBe('v4.7-5.1.1');
});

describe.each(Object.entries(ROWS))('netbox-docker %s, with superusers', (tag, row) => {
  const s = synth({ netboxVersion: tag, superusers: ['admin@example.org'] });
  const services = s.compose.services;
  const env = s.env('netbox');
  const py = pythonSettings(s.files[EXTRA_CONFIG]);

  test('image and container user of the release, on web and worker', () => {
    expect(services.netbox.image).toBe(`netboxcommunity/netbox:${tag}`);
    expect(services.netbox.user).toBe(row.user);
    expect(services['netbox-worker'].user).toBe(row.user);
  });

  test('the housekeeping service only before NetBox 4.4', () => {
    expect(services['netbox-housekeeping'] !== undefined).toBe(row.housekeeping);
    expect('HOUSEKEEPING_INTERVAL' in env).toBe(row.housekeeping);
    if (row.housekeeping) {
      expect(services['netbox-housekeeping'].user).toBe(row.user);
      expect(services['netbox-housekeeping'].command).toEqual(['/opt/netbox/housekeeping.sh']);
    }
  });

  test('Postgres image and data mount', () => {
    expect(services.postgres.image).toBe(row.postgres);
    expect(services.postgres.volumes).toEqual([`netbox-postgres-data:${row.dataPath}`]);
  });

  test('Redis/Valkey image, server and cli', () => {
    for (const name of ['redis', 'redis-cache']) {
      expect(services[name].image).toBe(row.redis);
      expect(services[name].command[2]).toMatch(new RegExp(`^${row.cli.replace('-cli', '-server')} `));
      expect(services[name].healthcheck.test[1]).toContain(`${row.cli} --no-auth-warning`);
    }
  });

  test('API_TOKEN_PEPPER_1 only from netbox-docker 4.0.0', () => {
    expect('API_TOKEN_PEPPER_1' in services.netbox.environment).toBe(row.pepper);
    expect(/^NETBOX_API_TOKEN_PEPPER_1=/m.test(s.dotenv)).toBe(row.pepper);
  });

  test('each identity setting where the release reads it: environment, mounted .py, or not at all', () => {
    expect({
      groupSync: placeOf(s, py, 'REMOTE_AUTH_GROUP_SYNC_ENABLED'),
      groupHeader: placeOf(s, py, 'REMOTE_AUTH_GROUP_HEADER'),
      separator: placeOf(s, py, 'REMOTE_AUTH_GROUP_SEPARATOR'),
      superusers: placeOf(s, py, 'REMOTE_AUTH_SUPERUSERS'),
      autoCreateGroups: placeOf(s, py, 'REMOTE_AUTH_AUTO_CREATE_GROUPS'),
      staff: placeOf(s, py, 'REMOTE_AUTH_STAFF_USERS'),
      email: placeOf(s, py, 'REMOTE_AUTH_USER_EMAIL'),
      firstName: placeOf(s, py, 'REMOTE_AUTH_USER_FIRST_NAME'),
      lastName: placeOf(s, py, 'REMOTE_AUTH_USER_LAST_NAME'),
      logout: placeOf(s, py, 'LOGOUT_REDIRECT_URL'),
      csrf: placeOf(s, py, 'CSRF_TRUSTED_ORIGINS'),
      header: placeOf(s, py, 'REMOTE_AUTH_HEADER'),
      enabled: placeOf(s, py, 'REMOTE_AUTH_ENABLED'),
    }).toEqual({
      groupSync: row.groupSync,
      groupHeader: row.groupSync,
      separator: row.groupSync,
      superusers: row.groupSync,
      autoCreateGroups: row.autoCreateGroups,
      staff: row.staff,
      email: row.profile,
      firstName: row.profile,
      lastName: row.profile,
      logout: row.logout,
      csrf: row.csrf,
      header: 'env',
      enabled: 'env',
    });
  });

  test('the values, as netbox-docker parses them (env: space lists, "True"; .py: Python literals)', () => {
    const value = (name: string): unknown => (name in env ? env[name] : py[name]);
    const list = (values: string[]) => (row.groupSync === 'env' ? values.join(' ') : values);
    const bool = row.groupSync === 'env' ? 'True' : true;
    expect(value('REMOTE_AUTH_GROUP_SYNC_ENABLED')).toEqual(bool);
    expect(value('REMOTE_AUTH_SUPERUSERS')).toEqual(list(['admin@example.org']));
    expect(value('REMOTE_AUTH_GROUP_SEPARATOR')).toBe(',');
    expect(value('REMOTE_AUTH_GROUP_HEADER')).toBe('HTTP_X_POMERIUM_CLAIM_GROUPS');
    expect(env.REMOTE_AUTH_HEADER).toBe('HTTP_X_POMERIUM_CLAIM_EMAIL');
    expect(env.ALLOWED_HOSTS).toBe(row.allowedHosts);
    expect(value('CSRF_TRUSTED_ORIGINS')).toEqual(row.csrf === 'env' ? row.csrfValue : [row.csrfValue]);
    if (row.logout !== '-') expect(value('LOGOUT_REDIRECT_URL')).toBe('https://netbox.example.org/.pomerium/sign_out');
    if (row.profile !== '-') {
      expect(value('REMOTE_AUTH_USER_FIRST_NAME')).toBe('HTTP_X_POMERIUM_CLAIM_GIVEN_NAME');
      expect(value('REMOTE_AUTH_USER_LAST_NAME')).toBe('HTTP_X_POMERIUM_CLAIM_FAMILY_NAME');
    }
  });

  test('the header NetBox reads is one Pomerium sends, under a dash-only name', () => {
    const headers: Record<string, string> = s.pomerium.jwt_claims_headers;
    const metaOf = (header: string) => `HTTP_${header.toUpperCase().replace(/-/g, '_')}`;
    const groupHeader = Object.keys(headers).find((h) => headers[h] === 'groups')!;
    expect(groupHeader).toBe('X-Pomerium-Claim-Groups');
    expect(env.REMOTE_AUTH_GROUP_HEADER ?? py.REMOTE_AUTH_GROUP_HEADER).toBe(metaOf(groupHeader));
    for (const header of Object.keys(headers)) expect(header).toMatch(/^[A-Za-z0-9]+(-[A-Za-z0-9]+)*$/);
    expect(Object.values(headers).sort()).toEqual(row.profile === '-' ? ['email', 'groups'] : ['email', 'family_name', 'given_name', 'groups']);
  });

  test('the .py file exists and is mounted into /etc/netbox/config/ exactly when something lives in it', () => {
    const needed = Object.keys(py).length > 0;
    expect(s.files[EXTRA_CONFIG] !== undefined).toBe(needed);
    for (const name of ['netbox', 'netbox-worker']) {
      expect(services[name].volumes.includes(EXTRA_CONFIG_MOUNT)).toBe(needed);
    }
  });
});

describe('without superusers, no group sync anywhere; the name headers NetBox reads are still Pomerium\'s', () => {
  test.each(Object.keys(ROWS))('%s', (tag) => {
    const s = synth({ netboxVersion: tag });
    const py = pythonSettings(s.files[EXTRA_CONFIG]);
    const all: Record<string, unknown> = { ...s.env('netbox'), ...py };
    expect(Object.keys(all).filter((k) => /^REMOTE_AUTH_(GROUP|SUPERUSER|STAFF|AUTO_CREATE_GROUPS)/.test(k))).toEqual([]);
    // NetBox >= 3.4.9 copies the first and last name at every login, group sync or not: they must
    // come from headers Pomerium sets, never from netbox-docker's client-settable Remote-User-* defaults.
    // NetBox 3.4.9 added the name headers: every supported release but the seed's NetBox 3.0 reads them (a literal, not the code's threshold).
    const readsNames = tag !== 'v3.0-1.4.1';
    expect(s.pomerium.jwt_claims_headers).toEqual(readsNames
      ? { 'X-Pomerium-Claim-Email': 'email', 'X-Pomerium-Claim-Given-Name': 'given_name', 'X-Pomerium-Claim-Family-Name': 'family_name' }
      : { 'X-Pomerium-Claim-Email': 'email' });
    expect([all.REMOTE_AUTH_USER_FIRST_NAME, all.REMOTE_AUTH_USER_LAST_NAME]).toEqual(readsNames
      ? ['HTTP_X_POMERIUM_CLAIM_GIVEN_NAME', 'HTTP_X_POMERIUM_CLAIM_FAMILY_NAME'] : [undefined, undefined]);
  });
});

test('the seed\'s release warns that NetBox 3.0 cannot redirect its logout to Pomerium', () => {
  expect(compileDeployment({ ...SEED, netboxVersion: 'v3.0-1.4.1' }).model.warnings).toContainEqual(expect.stringMatching(
    /^NetBox 3\.0\.3\+ has no LOGOUT_REDIRECT_URL: .* Sign out at https:\/\/netbox\.example\.org\/\.pomerium\/sign_out instead\./));
  expect(compileDeployment({ ...SEED }).model.warnings).not.toContainEqual(expect.stringMatching(/LOGOUT_REDIRECT_URL/));
});

test('defaultGroups apply without group sync, and are dropped (with a warning) under it', () => {
  expect(synth({ defaultGroups: ['Readers'] }).env('netbox').REMOTE_AUTH_DEFAULT_GROUPS).toBe('Readers');
  const model = compileDeployment({ ...SEED, defaultGroups: ['Readers'], superusers: ['admin@example.org'] }).model;
  expect(model.warnings).toContainEqual(expect.stringMatching(/^defaultGroups has no effect/));
  expect(synth({ defaultGroups: ['Readers'], superusers: ['admin@example.org'] }).env('netbox').REMOTE_AUTH_DEFAULT_GROUPS).toBeUndefined();
});

test('superuser groups, with auto-created groups and staff where the release has them', () => {
  const s = synth({ netboxVersion: 'v4.1-3.0.2', superuserGroups: ['62f8f72a-3e06-11ec-9bbc-0242ac130002'] });
  const env = s.env('netbox');
  expect(env.REMOTE_AUTH_GROUP_SYNC_ENABLED).toBe('True');
  expect(env.REMOTE_AUTH_SUPERUSER_GROUPS).toBe('62f8f72a-3e06-11ec-9bbc-0242ac130002');
  expect(env.REMOTE_AUTH_STAFF_GROUPS).toBe('62f8f72a-3e06-11ec-9bbc-0242ac130002');
  expect(env.REMOTE_AUTH_AUTO_CREATE_GROUPS).toBe('True');
  expect(env.REMOTE_AUTH_SUPERUSERS).toBeUndefined();
});

test('an unknown tag is refused with the list of known ones', () => {
  expect(() => compileDeployment({ ...SEED, netboxVersion: 'v4.2-3.2.0' }).model).toThrow(
    'netboxVersion: is not a supported netbox-docker image tag (got "v4.2-3.2.0"). '
    + 'Use one of: v3.0-1.4.1, v3.7-2.8.0, v4.1-3.0.2, v4.4-3.4.1, v4.5-4.0.0, v4.6-5.0.2, v4.7-5.1.1.');
});
