import { spawnSync } from 'child_process';
import { Testing } from 'projen';
import { writeTree } from './real-validators';
import { esc, SEED, synth, Synthesized } from './util';
import { IdpProvider, NetboxPomeriumProject, NetboxPomeriumProjectOptions } from '../src';
import { envValueProblem } from '../src/model/validators';
import { compileDeployment } from '../src/plan/compile';

/** The error a declaration raises (fails the test when it raises none). */
function problemsOf(overrides: Partial<NetboxPomeriumProjectOptions>): string {
  try {
    compileDeployment({ ...SEED, ...overrides }).model;
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error(`no problem reported for ${JSON.stringify(overrides)}`);
}

/** One line of the template `<option path>: <what is wrong> (got <value>). <how to fix>`. */
const PROBLEM_LINE = /^ {2}- (\S[^:]*|composeOverrides\["[^"]+"\]): .+ \(got .+\)\. \S.*$/;

/** A regex for one problem line: the option path, the value as shown (JSON), then the fix. */
const problem = (path: string, value: unknown, fix: RegExp | string) =>
  new RegExp(`^ {2}- ${esc(path)}: .*\\(got ${esc(JSON.stringify(value))}\\)\\. .*${typeof fix === 'string' ? esc(fix) : fix.source}`, 'm');

type Case = [string, Partial<NetboxPomeriumProjectOptions>, string, unknown, RegExp | string];

const HOST_FIX = 'Use a DNS name such as "netbox.example.org"';
const CASES: Case[] = [
  // Host names: anything that could leave the Traefik rule Host(`...`) or is no DNS name.
  ['host with a space', { domain: 'netbox example.org' }, 'domain', 'netbox example.org', HOST_FIX],
  ['empty host', { domain: '' }, 'domain', '', HOST_FIX],
  ['host with a newline', { domain: 'netbox.example.org\nevil.org' }, 'domain', 'netbox.example.org\nevil.org', HOST_FIX],
  ['host closing the Traefik rule', { domain: 'netbox.example.org`) || Host(`evil.org' }, 'domain', 'netbox.example.org`) || Host(`evil.org', HOST_FIX],
  ['host with parentheses', { domain: 'netbox(1).example.org' }, 'domain', 'netbox(1).example.org', HOST_FIX],
  ['host with a scheme', { domain: 'https://netbox.example.org' }, 'domain', 'https://netbox.example.org', 'no scheme, port, path'],
  ['host with a port', { domain: 'netbox.example.org:443' }, 'domain', 'netbox.example.org:443', HOST_FIX],
  ['single-label host', { domain: 'netbox' }, 'domain', 'netbox', HOST_FIX],
  ['authenticate host with a backtick', { authenticateHost: 'auth`.example.org' }, 'authenticateHost', 'auth`.example.org', HOST_FIX],
  // URLs.
  ['http IdP URL', { idpProviderUrl: 'http://login.example.org/tenant' }, 'idpProviderUrl', 'http://login.example.org/tenant', 'e.g. "https://'],
  ['IdP URL that is no URL', { idpProviderUrl: 'login.example.org' }, 'idpProviderUrl', 'login.example.org', 'issuer URL'],
  ['IdP URL with a newline', { idpProviderUrl: 'https://login.example.org/\nx' }, 'idpProviderUrl', 'https://login.example.org/\nx', 'issuer URL'],
  // E-mail addresses and domains.
  ['e-mail without @', { allowedEmails: ['user.example.com'] }, 'allowedEmails[0]', 'user.example.com', 'such as "user@example.org"'],
  ['e-mail with a space', { allowedEmails: ['ok@example.com', 'us er@example.com'] }, 'allowedEmails[1]', 'us er@example.com', 'no spaces'],
  ['superuser e-mail with $', { superusers: ['$admin@example.org'] }, 'superusers[0]', '$admin@example.org', '"$"'],
  ['superuser that is no e-mail', { superusers: ['admin'] }, 'superusers[0]', 'admin', 'such as "user@example.org"'],
  ['domain with @', { allowedDomains: ['@example.org'] }, 'allowedDomains[0]', '@example.org', 'bare domain such as "example.org"'],
  ['domain with a path', { allowedDomains: ['example.org/x'] }, 'allowedDomains[0]', 'example.org/x', 'bare domain'],
  // Group ids.
  ['group id with a space', { allowedGroups: ['Net Box'] }, 'allowedGroups[0]', 'Net Box', 'without spaces, commas'],
  ['group id with a comma', { superuserGroups: ['a,b'] }, 'superuserGroups[0]', 'a,b', 'without spaces, commas'],
  ['group name with $', { defaultGroups: ['$HOME'] }, 'defaultGroups[0]', '$HOME', '"$"'],
  ['group name starting a comment', { defaultGroups: ['#admins'] }, 'defaultGroups[0]', '#admins', '"#"'],
  // Docker and Traefik names.
  ['network name with a space', { traefikNetwork: 'traefik proxy' }, 'traefikNetwork', 'traefik proxy', 'docker network ls'],
  ['proxy network = NetBox\'s internal network', { traefikNetwork: 'netbox' }, 'traefikNetwork', 'netbox', 'must stay separate'],
  ['entrypoint with a space', { traefikEntrypoint: 'web secure' }, 'traefikEntrypoint', 'web secure', 'Traefik static configuration'],
  ['resolver with a dot', { traefikCertResolver: 'le.prod' }, 'traefikCertResolver', 'le.prod', 'letters, digits, "_" and "-" only'],
  ['project name with nothing usable', { name: '@@@' }, 'name', '', 'lower-case letters'],
  // Images and versions.
  ['unknown NetBox image tag', { netboxVersion: 'v9.9-9.9.9' }, 'netboxVersion', 'v9.9-9.9.9', /Use one of: .*v4\.7-5\.1\.1/],
  ['floating NetBox tag', { netboxVersion: 'latest' }, 'netboxVersion', 'latest', 'Use one of:'],
  ['Pomerium image "latest"', { pomeriumImage: 'pomerium/pomerium:latest' }, 'pomeriumImage', 'pomerium/pomerium:latest', 'never "latest"'],
  ['Pomerium image without a tag', { pomeriumImage: 'pomerium/pomerium' }, 'pomeriumImage', 'pomerium/pomerium', 'explicit version tag'],
  ['image with a variable', { pomeriumImage: 'pomerium/${X}:1.0' }, 'pomeriumImage', 'pomerium/${X}:1.0', 'explicit version tag'],
  // Ports.
  ['port taken inside Pomerium', { pomeriumPort: 5443 }, 'pomeriumPort', 5443, 'Choose another port'],
  ['port out of range', { pomeriumPort: 70000 }, 'pomeriumPort', 70000, 'from 1 to 65535'],
  ['fractional port', { pomeriumPort: 80.5 }, 'pomeriumPort', 80.5, 'whole number'],
  // Apps.
  ['duplicate host', { apps: [{ name: 'grafana', image: 'grafana/grafana:11.3.0', port: 3000, host: 'netbox.example.org' }] },
    'apps[0].host', 'netbox.example.org', 'its own host name'],
  ['two apps on one host', {
    apps: [{ name: 'a', image: 'a/a:1', port: 1, host: 'a.example.org' }, { name: 'b', image: 'b/b:1', port: 1, host: 'A.example.org' }],
  }, 'apps[1].host', 'A.example.org', 'its own host name'],
  ['app on the authenticate host', {
    authenticateHost: 'auth.example.org', apps: [{ name: 'a', image: 'a/a:1', port: 1, host: 'auth.example.org' }],
  }, 'authenticateHost', 'auth.example.org', 'answers `/` on its authenticate host'],
  ['app named like a generated service', { apps: [{ name: 'postgres', image: 'a/a:1', port: 1, host: 'a.example.org' }] },
    'apps[0].name', 'postgres', 'Rename the app'],
  ['app name with a dot (breaks Traefik label keys)', { apps: [{ name: 'my.app', image: 'a/a:1', port: 1, host: 'a.example.org' }] },
    'apps[0].name', 'my.app', 'Traefik router'],
  ['app image "latest"', { apps: [{ name: 'a', image: 'grafana/grafana:latest', port: 1, host: 'a.example.org' }] },
    'apps[0].image', 'grafana/grafana:latest', 'never "latest"'],
  ['app port 0', { apps: [{ name: 'a', image: 'a/a:1', port: 0, host: 'a.example.org' }] }, 'apps[0].port', 0, 'from 1 to 65535'],
  ['app env value with a newline', {
    apps: [{ name: 'a', image: 'a/a:1', port: 1, host: 'a.example.org', environment: { X: '1\nGF_AUTH_DISABLE=true' } }],
  }, 'apps[0].environment.X', '1\nGF_AUTH_DISABLE=true', 'on one line'],
  // Env variables of NetBox.
  ['env name with a dash', { netboxEnvironment: { 'MY-VAR': '1' } }, 'netboxEnvironment.MY-VAR', 'MY-VAR', 'letters, digits and "_"'],
  ['env name starting with a digit', { netboxEnvironment: { '1X': '1' } }, 'netboxEnvironment.1X', '1X', 'not starting with a digit'],
  ['env value injecting a second variable', { netboxEnvironment: { BANNER_TOP: 'hi\nREMOTE_AUTH_HEADER=HTTP_REMOTE_USER' } },
    'netboxEnvironment.BANNER_TOP', 'hi\nREMOTE_AUTH_HEADER=HTTP_REMOTE_USER', 'on one line'],
  ['env value with a carriage return', { netboxEnvironment: { BANNER_TOP: 'hi\rthere' } }, 'netboxEnvironment.BANNER_TOP', 'hi\rthere', 'on one line'],
  ['env value Compose would expand', { netboxEnvironment: { BANNER_TOP: 'costs $5' } }, 'netboxEnvironment.BANNER_TOP', 'costs $5', '"$$" is a literal "$"'],
  ['env value Compose would unquote', { netboxEnvironment: { BANNER_TOP: '"hi"' } }, 'netboxEnvironment.BANNER_TOP', '"hi"', 'leading quotes'],
  ['env value Compose would cut', { netboxEnvironment: { BANNER_TOP: 'a #b' } }, 'netboxEnvironment.BANNER_TOP', 'a #b', '" #"'],
  ['env value Compose would trim', { netboxEnvironment: { BANNER_TOP: 'a ' } }, 'netboxEnvironment.BANNER_TOP', 'a ', 'on one line'],
  ['env variable the generator sets', { netboxEnvironment: { ALLOWED_HOSTS: '*' } }, 'netboxEnvironment.ALLOWED_HOSTS', '*',
    'composeOverrides ("services.netbox.environment.ALLOWED_HOSTS")'],
  // The value of a secret-named variable is never shown.
  ['a secret declared in the open', { netboxEnvironment: { DB_PASSWORD: 'hunter2' } }, 'netboxEnvironment.DB_PASSWORD', '<hidden>',
    'secrets live in .env'],
  ['identity setting behind the declaration\'s back', { netboxEnvironment: { REMOTE_AUTH_HEADER: 'HTTP_REMOTE_USER' } },
    'netboxEnvironment.REMOTE_AUTH_HEADER', 'HTTP_REMOTE_USER', 'derive from the declaration'],
  ['IdP provider outside the enum', { idpProvider: 'bogus' as IdpProvider }, 'idpProvider', 'bogus', 'Use one of:'],
];

describe('each bad option is reported with its path, the value and the fix', () => {
  test.each(CASES)('%s', (_name, overrides, path, value, fix) => {
    const message = problemsOf(overrides);
    expect(message).toMatch(/^netbox-pomerium: the declaration has \d+ problems?; nothing was written\.\n/);
    expect(message).toMatch(problem(path, value, fix));
    for (const line of message.split('\n').slice(1)) expect(line).toMatch(PROBLEM_LINE);
  });

  test('a defaulted option is not blamed for another one: a bad domain is reported once, not again as authenticateHost', () => {
    const message = problemsOf({ domain: 'bad domain' });
    expect(message).toMatch(/has 1 problem;/);
    expect(message).not.toMatch(/authenticateHost/);
  });
});

describe('several problems at once', () => {
  test('are collected from every part of the declaration and reported in one error', () => {
    const message = problemsOf({
      domain: 'netbox example.org',
      idpProviderUrl: 'http://login.example.org',
      allowedEmails: ['nobody'],
      traefikEntrypoint: 'web secure',
      netboxVersion: 'v0.0-0.0.0',
      pomeriumPort: 0,
      netboxEnvironment: { 'BAD-NAME': 'x\ny' },
      composeOverrides: { 'services.netbox.ports': ['8000:8080'] },
    });
    expect(message).toMatch(/^netbox-pomerium: the declaration has 9 problems; nothing was written\./);
    const lines = message.split('\n').slice(1);
    expect(lines.map((l) => /^ {2}- (\S+?): /.exec(l)?.[1])).toEqual([
      'domain', 'idpProviderUrl', 'traefikEntrypoint', 'pomeriumPort', 'netboxVersion',
      'netboxEnvironment.BAD-NAME', 'netboxEnvironment.BAD-NAME', 'allowedEmails[0]', 'composeOverrides["services.netbox.ports"]',
    ]);
    for (const line of lines) expect(line).toMatch(PROBLEM_LINE);
  });

  test('the project constructor throws before projen creates anything', () => {
    expect(() => new NetboxPomeriumProject({ ...SEED, domain: 'a b', traefikNetwork: 'x y' })).toThrow(
      /has 2 problems;[\s\S]*- domain: [\s\S]*- traefikNetwork: /);
  });
});

describe('an empty policy is not an error, but allows nobody', () => {
  const EMPTY = { allowedDomains: undefined, allowedEmails: undefined, allowedGroups: undefined, policy: undefined };
  const WARNING = /policy is empty, so Pomerium lets nobody in\. Set allowedDomains, allowedEmails, allowedGroups or policy/;

  test('the model carries the warning and the route an empty policy', () => {
    const model = compileDeployment({ ...SEED, ...EMPTY }).model;
    expect(model.warnings.filter((w) => WARNING.test(w))).toHaveLength(1);
    expect(model.routes[0].policy).toEqual([]);
  });

  test('the warning is printed at every synthesis, and not when there is a policy', () => {
    const warned = (options: NetboxPomeriumProjectOptions) => {
      const project = new NetboxPomeriumProject(options);
      const warn = jest.spyOn(project.logger, 'warn');
      Testing.synth(project);
      return warn.mock.calls.map((c) => c.join(' ')).filter((m) => WARNING.test(m)).length;
    };
    expect(warned({ ...SEED, ...EMPTY })).toBe(1);
    expect(warned({ ...SEED, ...EMPTY })).toBe(1);
    expect(warned(SEED)).toBe(0);
  });
});

/**
 * Every value a user can declare that reaches an env file or the NetBox Python file is either
 * refused (naming the option) or written so that it cannot add a line, a variable or a statement.
 */
describe('no declared value can inject into a generated file', () => {
  const NASTY = ['a\nB=c', 'a\rb', 'a\u0000b', 'a$b', '${HOME}', '\'quoted\'', '"dq"', 'a #b', ' lead', 'trail ', 'a`b',
    'a)b', 'a"b', 'a\\b', 'a,b', 'a|b', 'a b', '#x', 'x=y', 'é'];
  const app = (environment: Record<string, string>) => [{ name: 'app', image: 'a/a:1', port: 1, host: 'app.example.org', environment }];
  /** Where a value goes, and the option path a refusal must name. */
  const SINKS: Array<[string, (v: string) => Partial<NetboxPomeriumProjectOptions>, string]> = [
    ['netboxEnvironment', (v) => ({ netboxEnvironment: { BANNER_TOP: v } }), 'netboxEnvironment.BANNER_TOP'],
    ['apps[].environment', (v) => ({ apps: app({ X: v }) }), 'apps[0].environment.X'],
    ['superusers', (v) => ({ superusers: [`${v}@example.org`] }), 'superusers[0]'],
    ['superuserGroups', (v) => ({ superuserGroups: [v] }), 'superuserGroups[0]'],
    ['defaultGroups', (v) => ({ defaultGroups: ['ok', v] }), 'defaultGroups[1]'],
    ['domain', (v) => ({ domain: `${v}.example.org` }), 'domain'],
  ];
  // The newest release reads everything from env files; v3.7-2.8.0 puts group sync and superusers into the Python file.
  const RELEASES = ['v4.7-5.1.1', 'v3.7-2.8.0'];

  function assertSafe(s: Synthesized): void {
    for (const [file, content] of Object.entries(s.files)) {
      if (file.startsWith('env/')) {
        for (const line of String(content).split('\n').filter((l) => l && !l.startsWith('#'))) {
          const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
          expect({ file, line, ok: m !== null && envValueProblem(m[2]) === undefined }).toEqual({ file, line, ok: true });
        }
      }
      if (file.endsWith('.py')) {
        for (const line of String(content).split('\n').filter((l) => l && !l.startsWith('#'))) {
          const m = /^([A-Z_][A-Z0-9_]*) = (.*)$/.exec(line);
          // A Python literal we emit is True/False or JSON (strings and lists of strings).
          const literal = m?.[2] ?? '';
          const parses = literal === 'True' || literal === 'False' || (() => {
            try { JSON.parse(literal); return true; } catch { return false; }
          })();
          expect({ file, line, ok: m !== null && parses && !/[\r\u2028\u2029]/.test(line) }).toEqual({ file, line, ok: true });
        }
      }
    }
  }

  for (const netboxVersion of RELEASES) {
    test.each(SINKS)(`${netboxVersion}: %s`, (_sink, declare, path) => {
      let accepted = 0;
      for (const value of NASTY) {
        let s: Synthesized | undefined;
        try {
          s = synth({ netboxVersion, ...declare(value) });
        } catch (e) {
          expect({ value, message: (e as Error).message }).toEqual({ value, message: expect.stringContaining(`  - ${path}: `) });
        }
        if (s) {
          accepted++;
          assertSafe(s);
        }
      }
      // The sink is exercised: with a strict validator everything nasty is refused, else some values are written.
      expect(accepted).toBeLessThan(NASTY.length);
    });
  }

  test('values that are accepted are read back unchanged by Compose v2', () => {
    const values = { A_QUOTE: 'o\'brien', B_HASH: 'a#b', C_EQUALS: 'x=y', D_UNICODE: 'grüße', E_BACKSLASH: 'back\\slash', F_HASH_START: '#top' };
    const s = synth({ netboxEnvironment: values });
    const dir = writeTree({ ...s.files, '.env': `${s.dotenv}\nIDP_CLIENT_SECRET='x'\n` });
    const v2 = spawnSync('docker', ['compose', '-f', 'compose.yaml', 'config', '--format', 'json'], { cwd: dir, encoding: 'utf-8' });
    expect(v2.status).toBe(0);
    const env = JSON.parse(v2.stdout).services.netbox.environment;
    for (const [k, v] of Object.entries(values)) expect({ k, v: env[k] }).toEqual({ k, v });
  });
});
