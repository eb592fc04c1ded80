import { spawnSync } from 'child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { parse } from 'yaml';
import { dockerComposeV2, dockerStackConfig, writeTree } from './real-validators';
import { refusal, SEED, synth, withoutPostSynthesis } from './util';
import { ApiAccess, NetboxPomeriumProject, NetboxPomeriumProjectOptions } from '../src';
import { namesSecret } from '../src/secrets/user-secrets';

const DIODE = { name: 'DIODE_CLIENT_SECRET', description: 'Client secret of the Diode plugin (Diode UI, Clients)' };
const GRAFANA = { name: 'grafana', image: 'grafana/grafana:11.3.0', port: 3000, host: 'grafana.example.org' };

describe('which variable names say they hold a secret', () => {
  test.each([
    ['EMAIL_PASSWORD', true], ['GF_SECURITY_SECRET_KEY', true], ['API_TOKEN_PEPPER_1', true], ['PLUGIN_API_TOKEN', true],
    ['AWS_CREDENTIALS', true], ['MY_KEY', true], ['DB_PASSWD', true],
    ['EMAIL_SSL_KEYFILE', false], ['EMAIL_SSL_CERTFILE', false], ['SECRET_KEY_FILE', false], ['TOKEN_PATH', false],
    ['NETBOX_TO_DIODE_CLIENT_SECRET_NAME', false],
    ['BANNER_TOP', false], ['KEYCLOAK_REALM', false], ['MONKEY', false], ['LOGIN_TIMEOUT', false],
  ])('%s: %s', (name, secret) => {
    expect(namesSecret(name)).toBe(secret);
  });

  test('netboxEnvironment and an app environment refuse them, pointing to userSecrets, without showing the value', () => {
    const message = refusal({
      netboxEnvironment: { PLUGIN_API_TOKEN: 'tok-123', EMAIL_SSL_KEYFILE: '/etc/ssl/key.pem' },
      apps: [{ ...GRAFANA, environment: { GF_SECURITY_ADMIN_PASSWORD: 'hunter2' } }],
    });
    expect(message).toMatch(/^ {2}- netboxEnvironment\.PLUGIN_API_TOKEN: names a secret value.*\(got "PLUGIN_API_TOKEN"\)\. Declare it in userSecrets \(\{ name: "PLUGIN_API_TOKEN", services: \["netbox", "netbox-worker"\] \}\)/m);
    expect(message).toMatch(/^ {2}- apps\[0\]\.environment\.GF_SECURITY_ADMIN_PASSWORD: names a secret value.*services: \["grafana"\]/m);
    expect(message).not.toMatch(/EMAIL_SSL_KEYFILE/);
    expect(message).not.toContain('tok-123');
    expect(message).not.toContain('hunter2');
  });
});

describe('netboxEnvironment: one problem per entry, and a fix that can be followed', () => {
  test('a generated secret\'s name is reported as set in the compose file, never pointed to userSecrets (which refuses it), never with its value', () => {
    const message = refusal({ netboxEnvironment: { DB_PASSWORD: 'pw-123' } });
    expect(message).toMatch(/the declaration has 1 problem;/);
    expect(message).toContain('netboxEnvironment.DB_PASSWORD: is set in the compose file (a secret or an override), which wins over env/netbox.env (got "<hidden>").');
    expect(message).not.toContain('userSecrets');
    expect(message).not.toContain('pw-123');
  });

  test('a setting with an option of its own gets that option\'s message only', () => {
    const message = refusal({ timeZone: 'Europe/Berlin', netboxEnvironment: { TIME_ZONE: 'UTC' } });
    expect(message).toMatch(/the declaration has 1 problem;/);
    expect(message).toContain('netboxEnvironment.TIME_ZONE: is set by the timeZone option (got "UTC"). Remove it and declare timeZone instead.');
  });
});

describe('userSecrets', () => {
  test('a placeholder with its description in .env; the variable reaches only the named services', () => {
    const s = synth({ userSecrets: [DIODE, { name: 'GF_DATABASE_PASSWORD', services: ['grafana'] }], apps: [GRAFANA] });
    expect(s.dotenv).toContain(`# ${DIODE.description}: a secret you supply for netbox, netbox-worker; docker compose refuses to start while it is empty.\nDIODE_CLIENT_SECRET=''\n`);
    expect(s.dotenv).toMatch(/^GF_DATABASE_PASSWORD=''$/m);
    const reached = (variable: string) => Object.entries<any>(s.compose.services)
      .filter(([, svc]) => svc.environment?.[variable] !== undefined).map(([name]) => name).sort();
    expect(reached('DIODE_CLIENT_SECRET')).toEqual(['netbox', 'netbox-worker']);
    expect(reached('GF_DATABASE_PASSWORD')).toEqual(['grafana']);
    expect(s.compose.services.netbox.environment.DIODE_CLIENT_SECRET).toBe('${DIODE_CLIENT_SECRET:?put the value of this secret you supply into .env}');
    expect(s.files['README.md']).toMatch(/\| `DIODE_CLIENT_SECRET` \| `netbox`, `netbox-worker` \| Client secret of the Diode plugin/);
  });

  test.each([
    ['a lower-case name', [{ name: 'diode' }], /userSecrets\[0\]\.name: is not an upper-case environment variable name/],
    ['a generated secret\'s name', [{ name: 'POSTGRES_PASSWORD' }], /userSecrets\[0\]\.name: is already used by a generated secret or setting/],
    ['a name twice', [DIODE, DIODE], /userSecrets\[1\]\.name: is already used by userSecrets\[0\]/],
    ['an unknown service', [{ name: 'X_TOKEN', services: ['postgres'] }], /userSecrets\[0\]\.services\[0\]: is not a service a secret can reach \(got "postgres"\)/],
    ['a description with a line break', [{ name: 'X_TOKEN', description: 'a\nB=1' }], /userSecrets\[0\]\.description: is not one line/],
    ['a generated NetBox setting', [{ name: 'ALLOWED_HOSTS' }],
      /userSecrets\[0\]\.name: would replace the setting ALLOWED_HOSTS of env\/netbox\.env \(the compose environment wins over it\) \(got "ALLOWED_HOSTS"\)\. Choose another name/],
    ['an identity setting', [{ name: 'REMOTE_AUTH_HEADER' }], /userSecrets\[0\]\.name: would replace an identity setting NetBox trusts\./],
  ])('refused: %s', (_name, userSecrets, what) => {
    expect(refusal({ userSecrets })).toMatch(what);
  });

  test('an identity setting is reported once, under userSecrets, not as an override the user never wrote', () => {
    const message = refusal({ userSecrets: [{ name: 'REMOTE_AUTH_HEADER' }] });
    expect(message).toMatch(/the declaration has 1 problem;/);
    expect(message).not.toContain('composeOverrides');
  });

  test('under token access, LOGIN_REQUIRED cannot come back as a secret', () => {
    expect(refusal({ apiAccess: ApiAccess.TOKEN, userSecrets: [{ name: 'LOGIN_REQUIRED' }] }))
      .toContain('userSecrets[0].name: would replace the setting LOGIN_REQUIRED of env/netbox.env');
  });

  test('a secret for an app only may share a NetBox setting\'s name', () => {
    expect(() => synth({ apps: [GRAFANA], userSecrets: [{ name: 'ALLOWED_HOSTS', services: ['grafana'] }] })).not.toThrow();
  });

  test('EMAIL_PASSWORD is declared for the user; declaring it again is refused', () => {
    expect(refusal({ emailServer: 'smtp.example.org', emailFrom: 'nb@example.org', emailUsername: 'nb', userSecrets: [{ name: 'EMAIL_PASSWORD' }] }))
      .toMatch(/userSecrets\[0\]\.name: is already used by the declaration \(it is added for you\)/);
  });
});

describe('.env with user secrets on disk', () => {
  withoutPostSynthesis();
  function projectIn(dir: string, overrides: Partial<NetboxPomeriumProjectOptions>) {
    return new NetboxPomeriumProject({ ...SEED, outdir: dir, ...overrides });
  }

  test('created once, filled in by the user, byte-identical over three resyntheses; a new secret is appended', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'nbp-usersecrets-'));
    const options = { userSecrets: [DIODE], emailServer: 'smtp.example.org', emailFrom: 'nb@example.org', emailUsername: 'nb' };
    projectIn(dir, options).synth();
    const file = path.join(dir, '.env');
    const filled = readFileSync(file, 'utf-8').replace("DIODE_CLIENT_SECRET=''", "DIODE_CLIENT_SECRET='diode-value'");
    writeFileSync(file, filled);
    for (let i = 0; i < 3; i++) {
      projectIn(dir, options).synth();
      expect(readFileSync(file, 'utf-8')).toBe(filled);
    }
    // No user-supplied value in any file projen generated.
    const generated = (JSON.parse(readFileSync(path.join(dir, '.projen/files.json'), 'utf-8')).files as string[])
      .filter((f) => existsSync(path.join(dir, f)));
    expect(generated).toEqual(expect.arrayContaining(['compose.yaml', 'env/netbox.env', 'README.md']));
    for (const f of generated) expect({ f, leaks: readFileSync(path.join(dir, f), 'utf-8').includes('diode-value') }).toEqual({ f, leaks: false });
    projectIn(dir, { ...options, userSecrets: [DIODE, { name: 'NEW_TOKEN' }] }).synth();
    const after = readFileSync(file, 'utf-8');
    expect(after.startsWith(filled)).toBe(true);
    expect(after.slice(filled.length)).toMatch(/^# NEW_TOKEN: a secret you supply for netbox, netbox-worker;.*\nNEW_TOKEN=''\n$/);
  });

  test('docker compose refuses to start while a user secret is empty, naming it', () => {
    const s = synth({ userSecrets: [DIODE] });
    const dir = writeTree({ ...s.files, '.env': `${s.dotenv}IDP_CLIENT_SECRET='x'\n` });
    const empty = dockerComposeV2(dir);
    expect(empty.status).not.toBe(0);
    expect(empty.output).toMatch(/DIODE_CLIENT_SECRET/);
    writeFileSync(path.join(dir, '.env'), `${s.dotenv.replace("DIODE_CLIENT_SECRET=''", "DIODE_CLIENT_SECRET='v'")}IDP_CLIENT_SECRET='x'\n`);
    expect(dockerComposeV2(dir)).toEqual({ status: 0, output: '' });
  });
});

describe('the deployment\'s CI workflow', () => {
  test('fills the empty user-secret placeholders of its throw-away .env, so Compose accepts the stack there', () => {
    const s = synth({ userSecrets: [DIODE], emailServer: 'smtp.example.org', emailFrom: 'nb@example.org', emailUsername: 'nb' });
    const workflow = parse(s.files['.github/workflows/deployment.yml']);
    const step = workflow.jobs.check.steps.find((st: any) => st.name === 'Compose accepts the stack');
    const dir = writeTree({ ...s.files, '.env': s.dotenv });
    const script = String(step.run).replace('npx projen config', 'docker compose -f compose.yaml config -q');
    const r = spawnSync('sh', ['-ec', script], { cwd: dir, encoding: 'utf-8' });
    expect({ status: r.status, output: `${r.stdout}${r.stderr}` }).toEqual({ status: 0, output: '' });
    // Without the step's edits Compose refuses (the test is not vacuous).
    const untouched = writeTree({ ...s.files, '.env': `${s.dotenv}IDP_CLIENT_SECRET='x'\n` });
    expect(dockerComposeV2(untouched).status).not.toBe(0);
  });
});

describe('user secrets in the Swarm stack', () => {
  test('Swarm secrets like the generated ones: EMAIL_PASSWORD where netbox-docker reads it, the others as <NAME>_FILE', () => {
    const s = synth({ swarm: true, userSecrets: [DIODE], emailServer: 'smtp.example.org', emailFrom: 'nb@example.org', emailUsername: 'nb' });
    const stack = parse(s.files['stack.yaml']);
    expect(stack.secrets.diode_client_secret).toEqual({ external: true, name: expect.stringMatching(/^\$\{SWARM_SECRET_DIODE_CLIENT_SECRET:\?/) });
    expect(stack.secrets.email_password.external).toBe(true);
    for (const name of ['netbox', 'netbox-worker']) {
      const svc = stack.services[name];
      expect(svc.environment?.DIODE_CLIENT_SECRET).toBeUndefined();
      expect(svc.environment?.EMAIL_PASSWORD).toBeUndefined();
      expect(svc.environment.DIODE_CLIENT_SECRET_FILE).toBe('/run/secrets/diode_client_secret');
      const targets = svc.secrets.map((m: any) => m.target);
      expect(targets).toEqual(expect.arrayContaining(['email_password', 'diode_client_secret']));
    }
    expect(stack.services.postgres.secrets.map((m: any) => m.source)).not.toContain('diode_client_secret');
    expect(s.files['swarm/stack.sh']).toContain('secret diode_client_secret DIODE_CLIENT_SECRET SWARM_SECRET_DIODE_CLIENT_SECRET');
    const env = Object.fromEntries(Object.keys(stack.secrets).map((k) => [`SWARM_SECRET_${k.toUpperCase()}`, `x_${k}`]));
    const configs = Object.fromEntries(Object.keys(stack.configs ?? {}).map((k) => [`SWARM_CONFIG_${k.toUpperCase()}`, `x_${k}`]));
    const dir = writeTree(s.files);
    expect(dockerStackConfig(dir, 'stack.yaml', { ...env, ...configs }).status).toBe(0);
  });
});
