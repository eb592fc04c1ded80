import { mkdirSync, readFileSync, writeFileSync } from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { copySeedDeployment, e2eContext, editProjenrc, projen, treeHash } from './context';

/**
 * Issue 8: a deployment runs `.projenrc.ts` with `tsc --noEmit` (TypeScript 7), then `node` with
 * sucrase's type-stripping hook. Fast, but the declaration stays typed: a type error stops
 * `npx projen` with the compiler's message before anything is synthesized.
 */
describe('the projenrc runner of a deployment', () => {
  const read = (dir: string, file: string) => readFileSync(path.join(dir, file), 'utf-8');
  const output = (r: { stdout: string; stderr: string }) => `${r.stdout}${r.stderr}`;

  test('the default task type-checks with tsc, then runs .projenrc.ts with node and the sucrase hook', () => {
    const { seedDeployment } = e2eContext();
    const tasks = JSON.parse(read(seedDeployment, '.projen/tasks.json'));
    expect(tasks.tasks.default.steps).toEqual([
      { name: 'typecheck', execArgs: ['tsc', '--noEmit', '-p', 'projenrc/tsconfig.json', '--skipLibCheck'] },
      { execArgs: ['node', '-r', 'sucrase/register/ts', '.projenrc.ts'] },
    ]);
    // Tools reach the PATH of every task through node, not a second npx.
    expect(tasks.env.PATH).toMatch(/^\$\(node --print ".*node_modules.*\.bin.*process\.env\.PATH.*"\)$/);
    const devDeps = JSON.parse(read(seedDeployment, 'package.json')).devDependencies;
    expect({ typescript: devDeps.typescript, sucrase: devDeps.sucrase }).toEqual({ typescript: '~7.0.0', sucrase: '^3.35.0' });
    expect(Object.keys(devDeps)).not.toContain('ts-node');
    expect(Object.keys(devDeps)).not.toContain('tsx');
  });

  test('an option the JavaScript would silently ignore is a type error: npx projen fails with TS2561 and writes nothing', () => {
    const dir = copySeedDeployment();
    // Misspelled: at run time the e-mail rule would just be missing from the policy.
    editProjenrc(dir, 'allowedEmails: [', 'allowedEmail: [');
    const before = treeHash(dir);
    const r = projen(dir);
    expect(r.status).not.toBe(0);
    expect(output(r)).toMatch(/\.projenrc\.ts\(\d+,\d+\): error TS2561: .*'allowedEmail' does not exist in type 'NetboxPomeriumProjectOptions'/);
    expect(output(r)).toContain('Synthesis failed');
    // The declaration never ran: its own validation message is absent, and no file changed.
    expect(output(r)).not.toContain('netbox-pomerium: the declaration has');
    expect(treeHash(dir)).toBe(before);
  });

  test('a value of the wrong type fails with TS2322 "is not assignable" before the declaration runs', () => {
    const dir = copySeedDeployment();
    editProjenrc(dir, 'domain: "netbox.example.org",', 'domain: "netbox.example.org",\n  pomeriumPort: "8443",');
    const before = treeHash(dir);
    const r = projen(dir);
    expect(r.status).not.toBe(0);
    expect(output(r)).toMatch(/\.projenrc\.ts\(\d+,\d+\): error TS2322: Type 'string' is not assignable to type 'number'/);
    expect(output(r)).not.toContain('netbox-pomerium: the declaration has');
    expect(treeHash(dir)).toBe(before);
  });

  test('a type error in a helper under projenrc/ is caught too', () => {
    const dir = copySeedDeployment();
    mkdirSync(path.join(dir, 'projenrc'), { recursive: true });
    writeFileSync(path.join(dir, 'projenrc/apps.ts'), 'import { ProtectedAppOptions } from "projen-netbox-pomerium";\n'
      + 'export const APPS: ProtectedAppOptions[] = [{ name: "grafana", image: "grafana/grafana:11.3.0", port: 3000 }];\n');
    const rc = read(dir, '.projenrc.ts');
    writeFileSync(path.join(dir, '.projenrc.ts'), `import { APPS } from "./projenrc/apps";\n${rc.replace('domain: "netbox.example.org",', 'domain: "netbox.example.org",\n  apps: APPS,')}`);
    const r = projen(dir);
    expect(r.status).not.toBe(0);
    expect(output(r)).toMatch(/projenrc\/apps\.ts\(2,\d+\): error TS2741: Property 'host' is missing/);
  });

  test('a valid edit, with a helper under projenrc/, succeeds and every file follows it', () => {
    const dir = copySeedDeployment();
    mkdirSync(path.join(dir, 'projenrc'), { recursive: true });
    writeFileSync(path.join(dir, 'projenrc/apps.ts'), 'import { ProtectedAppOptions } from "projen-netbox-pomerium";\n'
      + 'export const APPS: ProtectedAppOptions[] = [{ name: "grafana", image: "grafana/grafana:11.3.0", port: 3000, host: "grafana.example.org" }];\n');
    const rc = read(dir, '.projenrc.ts');
    writeFileSync(path.join(dir, '.projenrc.ts'), `import { APPS } from "./projenrc/apps";\n${rc
      .replace('domain: "netbox.example.org",', 'domain: "netbox2.example.org",\n  apps: APPS,')}`);
    const r = projen(dir);
    expect({ status: r.status, output: output(r) }).toEqual({ status: 0, output: expect.stringContaining('tsc --noEmit -p projenrc/tsconfig.json') });
    const pomerium = parse(read(dir, 'pomerium/config.yaml'));
    expect(pomerium.routes.map((route: { from: string }) => route.from)).toEqual(['https://netbox2.example.org', 'https://grafana.example.org']);
    const compose = parse(read(dir, 'compose.yaml'));
    expect(compose.services.grafana.image).toBe('grafana/grafana:11.3.0');
    expect(compose.services.pomerium.labels['traefik.http.routers.seed-deployment.rule']).toBe('Host(`netbox2.example.org`) || Host(`authenticate.netbox2.example.org`)');
  });
});
