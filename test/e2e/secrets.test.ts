import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { parseDotEnv } from '../../src/secrets/secrets-dotenv';
import { dockerComposeV2 } from '../real-validators';
import { fileMode } from '../util';
import { copySeedDeployment, git, projen, projenWithEnv } from './context';

const dotenvOf = (dir: string) => readFileSync(path.join(dir, '.env'), 'utf-8');
const valuesOf = (dir: string) => Object.fromEntries(parseDotEnv(dotenvOf(dir)).map((e) => [e.name, e.value]));

/** Issue 3's checks, on a deployment made by `projen new` from the packed library. */
describe('secrets of a deployment made by projen new', () => {
  const dir = copySeedDeployment();

  test('(1) no generated secret value appears in any git-tracked file; .env is not tracked', () => {
    const values = Object.values(valuesOf(dir));
    expect(values.length).toBe(7);
    const tracked = git(dir, 'ls-files').trim().split('\n');
    expect(tracked).not.toContain('.env');
    expect(tracked).toContain('compose.yaml');
    for (const file of tracked) {
      const content = readFileSync(path.join(dir, file), 'utf-8');
      for (const value of values) expect({ file, leaks: content.includes(value) }).toEqual({ file, leaks: false });
    }
  });

  test('(2) three consecutive npx projen runs leave every secret byte-identical', () => {
    const before = dotenvOf(dir);
    for (let i = 0; i < 3; i++) {
      expect(projen(dir).status).toBe(0);
      expect(dotenvOf(dir)).toBe(before);
    }
  });

  test('(3) formats and file mode', () => {
    expect(fileMode(path.join(dir, '.env'))).toBe('600');
    const v = valuesOf(dir);
    expect(Buffer.from(v.POMERIUM_COOKIE_SECRET, 'base64')).toHaveLength(32);
    expect(Buffer.from(v.POMERIUM_SHARED_SECRET, 'base64')).toHaveLength(32);
    expect(v.NETBOX_SECRET_KEY).toMatch(/^[A-Za-z0-9]{64}$/);
    expect(v.NETBOX_API_TOKEN_PEPPER_1).toMatch(/^[A-Za-z0-9]{64}$/);
    for (const name of ['POSTGRES_PASSWORD', 'REDIS_PASSWORD', 'REDIS_CACHE_PASSWORD']) expect(v[name]).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(new Set(Object.values(v)).size).toBe(Object.keys(v).length);
  });

  test('(4) without the client secret: the message, and docker compose config fails naming it; with it, it passes', () => {
    const r = projen(dir);
    expect(r.status).toBe(0);
    expect(r.stdout + r.stderr).toContain('IDP_CLIENT_SECRET is not set');
    expect(r.stdout + r.stderr).toContain('https://authenticate.netbox.example.org/oauth2/callback');
    const without = dockerComposeV2(dir);
    expect(without.status).not.toBe(0);
    expect(without.output).toMatch(/IDP_CLIENT_SECRET/);

    const copy = copySeedDeployment();
    writeFileSync(path.join(copy, '.env'), `${dotenvOf(copy)}IDP_CLIENT_SECRET='s3cr3t$value'\n`);
    expect(dockerComposeV2(copy)).toEqual({ status: 0, output: '' });
    const after = projen(copy);
    expect(after.stdout + after.stderr).not.toContain('IDP_CLIENT_SECRET is not set');
  });

  describe('(5) rotate-secret changes exactly the named secret', () => {
    test('cookie-secret', () => {
      const copy = copySeedDeployment();
      const before = valuesOf(copy);
      const r = projen(copy, 'rotate-secret', 'cookie-secret');
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(/POMERIUM_COOKIE_SECRET has a new value/);
      const after = valuesOf(copy);
      expect(after.POMERIUM_COOKIE_SECRET).not.toBe(before.POMERIUM_COOKIE_SECRET);
      expect(Buffer.from(after.POMERIUM_COOKIE_SECRET, 'base64')).toHaveLength(32);
      expect({ ...after, POMERIUM_COOKIE_SECRET: 'x' }).toEqual({ ...before, POMERIUM_COOKIE_SECRET: 'x' });
      expect(fileMode(path.join(copy, '.env'))).toBe('600');
    });

    test('db-password refuses without --apply and leaves .env alone', () => {
      const copy = copySeedDeployment();
      const before = dotenvOf(copy);
      const r = projen(copy, 'rotate-secret', 'db-password');
      expect(r.status).not.toBe(0);
      expect(r.stderr).toMatch(/ALTER ROLE/);
      expect(r.stderr).toMatch(/--apply/);
      expect(dotenvOf(copy)).toBe(before);
    });

    test('db-password --apply sets the password in Postgres first, then in .env', () => {
      const copy = copySeedDeployment();
      const before = valuesOf(copy);
      const fakeBin = mkdtempSync(path.join(tmpdir(), 'nbp-fake-docker-'));
      const log = path.join(fakeBin, 'calls.log');
      writeFileSync(path.join(fakeBin, 'docker'), `#!/bin/sh\necho "$@" >> ${log}\ncat >> ${log}\n`);
      chmodSync(path.join(fakeBin, 'docker'), 0o755);
      const r = projenWithEnv(copy, { PATH: `${fakeBin}:${process.env.PATH}` }, 'rotate-secret', '--', 'db-password', '--apply');
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(/POSTGRES_PASSWORD has a new value/);
      const after = valuesOf(copy);
      expect(after.POSTGRES_PASSWORD).not.toBe(before.POSTGRES_PASSWORD);
      expect({ ...after, POSTGRES_PASSWORD: 'x' }).toEqual({ ...before, POSTGRES_PASSWORD: 'x' });
      const calls = readFileSync(log, 'utf-8');
      expect(calls).toContain('compose -p seed-deployment -f compose.yaml exec -T postgres psql');
      expect(calls).toContain(`ALTER ROLE netbox WITH PASSWORD '${after.POSTGRES_PASSWORD}';`);
    });

    test('an unknown id is refused with the list of known ones', () => {
      const copy = copySeedDeployment();
      const before = dotenvOf(copy);
      const r = projen(copy, 'rotate-secret', 'nope');
      expect(r.status).not.toBe(0);
      expect(r.stderr).toMatch(/cookie-secret/);
      expect(r.stderr).toMatch(/db-password/);
      expect(dotenvOf(copy)).toBe(before);
    });
  });
});
