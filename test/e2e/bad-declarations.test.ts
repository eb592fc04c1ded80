import { readFileSync, writeFileSync } from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { copySeedDeployment, git, projen, treeHash } from './context';
import { DEFAULT_NETBOX_TAG, findNetboxRelease } from '../../src/netbox/netbox-releases';

/**
 * A corpus of bad declarations, each written into `.projenrc.ts` of a real deployment (a copy of
 * the one `projen new` made): `npx projen` must exit non-zero, name the option in its message,
 * and leave every file of the deployment (`.env` included) exactly as it was.
 */
type Edit = (rc: string) => string;
const replace = (from: string, to: string): Edit => (rc) => {
  if (!rc.includes(from)) throw new Error(`.projenrc.ts has no ${from}`);
  return rc.replace(from, to);
};
/** Adds option lines to the declaration (after `domain`). */
const add = (lines: string): Edit => replace('  domain: "netbox.example.org",\n', `  domain: "netbox.example.org",\n  ${lines}\n`);
const APP = 'name: "grafana", image: "grafana/grafana:11.3.0", port: 3000';
/** Imports ApiAccess next to the seed's imports and adds option lines. */
const addWithApiAccess = (lines: string): Edit => (rc) => add(lines)(
  replace('import { IdpProvider, NetboxPomeriumProject }', 'import { ApiAccess, IdpProvider, NetboxPomeriumProject }')(rc));

/** [case, edit, option path the message must name, more text it must contain] */
const CORPUS: Array<[string, Edit, string, string]> = [
  ['host name with a space', replace('domain: "netbox.example.org"', 'domain: "netbox example.org"'),
    'domain', 'is not a fully qualified host name (got "netbox example.org")'],
  ['host name closing the Traefik rule', replace('domain: "netbox.example.org"', 'domain: "netbox.example.org`) || Host(`evil.example.org"'),
    'domain', '(got "netbox.example.org`) || Host(`evil.example.org")'],
  ['host name with a newline', replace('domain: "netbox.example.org"', 'domain: "netbox.example.org\\nevil.example.org"'),
    'domain', '(got "netbox.example.org\\nevil.example.org")'],
  ['authenticate host with parentheses', add('authenticateHost: "auth(1).example.org",'),
    'authenticateHost', '(got "auth(1).example.org")'],
  ['IdP URL over http', replace('idpProviderUrl: "https://', 'idpProviderUrl: "http://'), 'idpProviderUrl', 'must be an https URL'],
  ['e-mail address without @', replace('allowedEmails: ["user@example.com"]', 'allowedEmails: ["user.example.com"]'),
    'allowedEmails[0]', 'is not an e-mail address (got "user.example.com")'],
  ['domain with @', replace('allowedDomains: ["example.org"]', 'allowedDomains: ["@example.org"]'),
    'allowedDomains[0]', '(got "@example.org")'],
  ['group id with a space', replace('allowedGroups: ["62f8f72a-3e06-11ec-9bbc-0242ac130002"]', 'allowedGroups: ["NetBox Users"]'),
    'allowedGroups[0]', '(got "NetBox Users")'],
  ['Docker network name with a space', replace('traefikNetwork: "traefik-proxy"', 'traefikNetwork: "traefik proxy"'),
    'traefikNetwork', 'is not a valid Docker network name'],
  ['proxy network named like NetBox\'s internal one', replace('traefikNetwork: "traefik-proxy"', 'traefikNetwork: "netbox"'),
    'traefikNetwork', 'the generated internal networks must stay separate'],
  ['Traefik entrypoint with a space', replace('traefikEntrypoint: "websecure"', 'traefikEntrypoint: "web secure"'),
    'traefikEntrypoint', 'is not a valid Traefik name (got "web secure")'],
  ['unknown NetBox image tag', add('netboxVersion: "v9.9-9.9.9",'), 'netboxVersion', 'is not a supported netbox-docker image tag'],
  ['duplicate host', add(`apps: [{ ${APP}, host: "netbox.example.org" }],`), 'apps[0].host', 'repeats the host of domain'],
  ['port conflict inside Pomerium', add('pomeriumPort: 5443,'), 'pomeriumPort', 'conflicts with a port Pomerium uses itself'],
  ['env variable name with a dash', add('netboxEnvironment: { "MY-VAR": "1" },'), 'netboxEnvironment.MY-VAR',
    'is not a valid environment variable name'],
  ['env value injecting a line', add('netboxEnvironment: { BANNER_TOP: "hi\\nREMOTE_AUTH_HEADER=HTTP_REMOTE_USER" },'),
    'netboxEnvironment.BANNER_TOP', 'contains a line break'],
  ['identity setting in netboxEnvironment', add('netboxEnvironment: { REMOTE_AUTH_HEADER: "HTTP_REMOTE_USER" },'),
    'netboxEnvironment.REMOTE_AUTH_HEADER', 'changes which identity header NetBox trusts'],
  ['superuser that is no e-mail address', add('superusers: ["admin"],'), 'superusers[0]', 'is not an e-mail address'],
  ['group name Compose would expand', add('defaultGroups: ["$HOME"],'), 'defaultGroups[0]', 'is not a valid group name (got "$HOME")'],
  ['published NetBox port', add('composeOverrides: { "services.netbox.ports": ["8000:8080"] },'),
    'composeOverrides["services.netbox.ports"]', 'NetBox logs in whoever the identity header names'],
  ['Pomerium older than v0.33.0 (lets underscore headers through)', add('pomeriumImage: "pomerium/pomerium:v0.32.9",'),
    'pomeriumImage', 'is older than Pomerium v0.33.0 (got "pomerium/pomerium:v0.32.9")'],
  ['invalid CIDR in apiSourceRanges', addWithApiAccess('apiAccess: ApiAccess.TOKEN,\n  apiSourceRanges: ["10.0.0.0/33"],'),
    'apiSourceRanges[0]', 'is not an IP address or CIDR range (got "10.0.0.0/33")'],
  ['IP address as domain', replace('domain: "netbox.example.org"', 'domain: "192.0.2.10"'),
    'domain', 'is an IP address, not a DNS host name (got "192.0.2.10")'],
  ['override that lets underscore headers through Pomerium',
    add('composeOverrides: { "services.pomerium.environment.HEADERS_WITH_UNDERSCORES_ACTION": "allow" },'),
    'composeOverrides["services.pomerium.environment.HEADERS_WITH_UNDERSCORES_ACTION"]', 'lets request headers with underscores through Pomerium'],
  ['Traefik label on NetBox', add('composeOverrides: { "services.netbox.labels": { "traefik.enable": "true" } },'),
    'composeOverrides["services.netbox.labels"]', 'dangerouslyAllowNetboxBypassingPomerium: true'],
];

describe('npx projen refuses a bad declaration and changes nothing', () => {
  const dir = copySeedDeployment();
  const rcPath = path.join(dir, '.projenrc.ts');
  const original = readFileSync(rcPath, 'utf-8');
  const pristine = treeHash(dir);
  afterEach(() => writeFileSync(rcPath, original));
  afterAll(() => {
    // The corpus left the deployment as it found it.
    expect(treeHash(dir)).toBe(pristine);
    expect(git(dir, 'status', '--porcelain')).toBe('');
  });

  test.each(CORPUS)('%s', (_name, edit, optionPath, text) => {
    writeFileSync(rcPath, edit(original));
    const before = treeHash(dir);
    const r = projen(dir);
    const output = `${r.stdout}${r.stderr}`;
    expect(r.status).not.toBe(0);
    expect(output).toMatch(/netbox-pomerium: the declaration has \d+ problems?; nothing was written\./);
    const line = output.split('\n').find((l) => l.startsWith(`  - ${optionPath}: `));
    expect({ optionPath, line }).toEqual({ optionPath, line: expect.stringContaining(text) });
    expect(treeHash(dir)).toBe(before);
    expect(git(dir, 'status', '--porcelain')).toBe(' M .projenrc.ts\n');
  });

  test('several problems at once are reported together, each with its option', () => {
    writeFileSync(rcPath, replace('allowedEmails: ["user@example.com"]', 'allowedEmails: ["nobody"]')(
      replace('domain: "netbox.example.org"', 'domain: "netbox example.org"')(
        replace('traefikEntrypoint: "websecure"', 'traefikEntrypoint: ""')(original))));
    const before = treeHash(dir);
    const r = projen(dir);
    const output = `${r.stdout}${r.stderr}`;
    expect(r.status).not.toBe(0);
    expect(output).toContain('netbox-pomerium: the declaration has 3 problems; nothing was written.');
    for (const option of ['domain', 'traefikEntrypoint', 'allowedEmails[0]']) expect(output).toContain(`  - ${option}: `);
    expect(treeHash(dir)).toBe(before);
  });
});

describe('an empty policy is not an error, but a warning at every synthesis', () => {
  test('npx projen succeeds twice and warns twice; the route allows nobody', () => {
    const dir = copySeedDeployment();
    const rcPath = path.join(dir, '.projenrc.ts');
    writeFileSync(rcPath, readFileSync(rcPath, 'utf-8').replace(/\n {2}allowed(Domains|Emails|Groups): .*,/g, ''));
    expect(readFileSync(rcPath, 'utf-8')).not.toMatch(/allowed/);
    for (let i = 0; i < 2; i++) {
      const r = projen(dir);
      expect(r.status).toBe(0);
      expect(`${r.stdout}${r.stderr}`).toContain('The policy is empty, so Pomerium lets nobody in.');
    }
    expect(parse(readFileSync(path.join(dir, 'pomerium/config.yaml'), 'utf-8')).routes[0].policy).toEqual([]);
  });
});

describe('a version bump that would orphan the Postgres data is refused on a real deployment', () => {
  const OLD = 'v4.4-3.4.1';
  test(`${OLD} -> ${DEFAULT_NETBOX_TAG}: refused with the upgrade steps, tree unchanged; allowPostgresUpgrade lets it through`, () => {
    const dir = copySeedDeployment();
    const rcPath = path.join(dir, '.projenrc.ts');
    const newest = readFileSync(rcPath, 'utf-8');
    const compose = () => parse(readFileSync(path.join(dir, 'compose.yaml'), 'utf-8'));

    // The seed deployment runs the newest release; going back to the older one is a layout change too, so it needs the opt-in.
    writeFileSync(rcPath, add(`netboxVersion: "${OLD}",\n  allowPostgresUpgrade: true,`)(newest));
    expect(projen(dir).status).toBe(0);
    expect(compose().services.postgres.image).toBe(findNetboxRelease(OLD)!.postgresImage);
    git(dir, 'add', '-A');
    git(dir, '-c', 'user.name=e2e', '-c', 'user.email=e2e@example.org', 'commit', '-qm', `deployment on ${OLD}`);

    // Edited to the newest release.
    writeFileSync(rcPath, newest);
    const before = treeHash(dir);
    const refused = projen(dir);
    const output = `${refused.stdout}${refused.stderr}`;
    expect(refused.status).not.toBe(0);
    expect(output).toContain('  - netboxVersion: would move the existing database (Postgres ');
    expect(output).toMatch(/To upgrade: \(1\) .*npx projen backup; \(2\) npx projen down; \(3\) .*docker volume rm seed-deployment_netbox-postgres-data; .*\(5\) npx projen restore -- backups\/<set>/);
    expect(treeHash(dir)).toBe(before);

    writeFileSync(rcPath, add('allowPostgresUpgrade: true,')(newest));
    expect(projen(dir).status).toBe(0);
    expect(compose().services.postgres.image).toBe(findNetboxRelease(DEFAULT_NETBOX_TAG)!.postgresImage);
  });
});
