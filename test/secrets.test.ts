import { mkdtempSync, readFileSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { dockerComposeV2, dockerComposeV2Resolved, writeTree } from './real-validators';
import { fileMode, synth } from './util';
import { NETBOX_RELEASES } from '../src/netbox/netbox-releases';
import { generateSecret, SecretFormat, secretSpecsFor } from '../src/secrets/secret-specs';
import { dotEnvLine, ensureSecrets, parseDotEnv } from '../src/secrets/secrets-dotenv';

const newest = NETBOX_RELEASES[NETBOX_RELEASES.length - 1];
const tmp = () => mkdtempSync(path.join(tmpdir(), 'nbp-secrets-'));

describe('secret generation', () => {
  test.each(secretSpecsFor(newest).map((s) => [s.id, s] as const))('%s has its format', (_id, spec) => {
    const a = generateSecret(spec);
    const b = generateSecret(spec);
    expect(a).not.toBe(b);
    if (spec.format === SecretFormat.BASE64_32_BYTES) {
      expect(Buffer.from(a, 'base64')).toHaveLength(32);
      expect(Buffer.from(a, 'base64').toString('base64')).toBe(a);
    } else {
      expect(a).toMatch(new RegExp(`^[A-Za-z0-9]{${spec.length}}$`));
    }
  });

  test('NetBox SECRET_KEY and the API token pepper are at least 50 characters', () => {
    const specs = secretSpecsFor(newest);
    expect(specs.find((s) => s.envName === 'NETBOX_SECRET_KEY')!.length).toBeGreaterThanOrEqual(50);
    expect(specs.find((s) => s.envName === 'NETBOX_API_TOKEN_PEPPER_1')!.length).toBeGreaterThanOrEqual(50);
  });

  test('the pepper exists only for releases that need it', () => {
    for (const release of NETBOX_RELEASES) {
      const names = secretSpecsFor(release).map((s) => s.envName);
      expect({ tag: release.tag, pepper: names.includes('NETBOX_API_TOKEN_PEPPER_1') }).toEqual({ tag: release.tag, pepper: release.apiTokenPepper });
    }
  });

  test('characters are spread evenly over the alphabet (no modulo bias to speak of)', () => {
    const spec = { envName: 'X', id: 'x', format: SecretFormat.ALPHANUMERIC, length: 62_000, description: '', rotation: '' };
    const counts = new Map<string, number>();
    for (const c of generateSecret(spec)) counts.set(c, (counts.get(c) ?? 0) + 1);
    expect(counts.size).toBe(62);
    for (const n of counts.values()) expect(Math.abs(n - 1000)).toBeLessThan(200);
  });
});

describe('the .env file', () => {
  const specs = secretSpecsFor(newest);

  test('is created with mode 0600 and every secret, and is never rewritten', () => {
    const file = path.join(tmp(), '.env');
    const first = ensureSecrets(file, specs);
    expect(first.created).toEqual(specs.map((s) => s.envName));
    expect(first.clientSecretMissing).toBe(true);
    expect(fileMode(file)).toBe('600');
    const content = readFileSync(file, 'utf-8');
    expect(ensureSecrets(file, specs).created).toEqual([]);
    expect(readFileSync(file, 'utf-8')).toBe(content);
  });

  test('adds only what is missing and keeps the user\'s lines byte for byte', () => {
    const file = path.join(tmp(), '.env');
    const userLines = "# mine\nPOSTGRES_PASSWORD='kept'\nIDP_CLIENT_SECRET='a$b\"c'\nMY_SETTING=1\n";
    writeFileSync(file, userLines, { mode: 0o644 });
    const result = ensureSecrets(file, specs);
    expect(result.created).not.toContain('POSTGRES_PASSWORD');
    expect(result.created).toContain('REDIS_PASSWORD');
    expect(result.clientSecretMissing).toBe(false);
    const content = readFileSync(file, 'utf-8');
    expect(content.startsWith(userLines)).toBe(true);
    expect(fileMode(file)).toBe('600');
    expect(parseDotEnv(content).find((e) => e.name === 'POSTGRES_PASSWORD')!.value).toBe('kept');
  });

  test('an empty client secret counts as missing', () => {
    const file = path.join(tmp(), '.env');
    writeFileSync(file, "IDP_CLIENT_SECRET=''\n");
    expect(ensureSecrets(file, specs).clientSecretMissing).toBe(true);
  });
});

describe('secrets reach the containers through Compose unchanged', () => {
  const s = synth();

  test('values with $ and quotes survive single-quoted .env lines', () => {
    const tricky = 'a$b"c\\d${X}e';
    const dir = writeTree({ ...s.files, '.env': `${s.dotenv}\n${dotEnvLine('IDP_CLIENT_SECRET', tricky)}\n` });
    const resolved: string = dockerComposeV2Resolved(dir).services.pomerium.environment.IDP_CLIENT_SECRET;
    // `config` prints a compose file again, so a literal $ comes back escaped as $$.
    expect(resolved).toBe(tricky.replace(/\$/g, '$$$$'));
  });

  test('docker compose refuses to start without the IdP client secret, naming it', () => {
    const dir = writeTree({ ...s.files, '.env': s.dotenv });
    const r = dockerComposeV2(dir);
    expect(r.status).not.toBe(0);
    expect(r.output).toMatch(/IDP_CLIENT_SECRET/);
    expect(r.output).toMatch(/paste the IdP client secret into \.env/);
  });

  test('docker compose refuses to start when a generated secret is missing', () => {
    const dotenv = s.dotenv.split('\n').filter((l) => !l.startsWith('POSTGRES_PASSWORD=')).join('\n');
    const dir = writeTree({ ...s.files, '.env': `${dotenv}\nIDP_CLIENT_SECRET='x'\n` });
    const r = dockerComposeV2(dir);
    expect(r.status).not.toBe(0);
    expect(r.output).toMatch(/POSTGRES_PASSWORD/);
  });
});
