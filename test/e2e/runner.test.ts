import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { copySeedDeployment, e2eContext, editProjenrc, projen, treeHash } from './context';
import { SKIP_MESSAGE } from '../../src/deployment/typecheck-stamp';

/**
 * Gives a copied deployment its own node_modules (each entry linked to the seed's) whose `.bin/tsc`
 * records every call in a log and then runs the real compiler. Returns a reader of the recorded calls.
 */
function recordTscCalls(dir: string): () => string[] {
  const seedModules = path.join(e2eContext().seedDeployment, 'node_modules');
  rmSync(path.join(dir, 'node_modules'));
  mkdirSync(path.join(dir, 'node_modules', '.bin'), { recursive: true });
  for (const entry of readdirSync(seedModules)) {
    // The seed's stamps stay out: this copy starts with none.
    if (entry !== '.bin' && entry !== '.cache') symlinkSync(path.join(seedModules, entry), path.join(dir, 'node_modules', entry));
  }
  for (const bin of readdirSync(path.join(seedModules, '.bin'))) {
    if (bin !== 'tsc') symlinkSync(path.join(seedModules, '.bin', bin), path.join(dir, 'node_modules', '.bin', bin));
  }
  // Under node_modules, which tree hashes skip.
  const log = path.join(dir, 'node_modules', 'tsc-calls.log');
  const fake = path.join(dir, 'node_modules', '.bin', 'tsc');
  writeFileSync(fake, `#!/bin/sh\necho "$*" >> '${log}'\nexec '${path.join(seedModules, '.bin', 'tsc')}' "$@"\n`);
  chmodSync(fake, 0o755);
  return () => (existsSync(log) ? readFileSync(log, 'utf-8').split('\n').filter((l) => l !== '') : []);
}

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
      { name: 'typecheck and synthesize', execArgs: ['node', '-r', 'projen-netbox-pomerium/lib/deployment/typecheck', '-r', 'sucrase/register/ts', '.projenrc.ts'] },
    ]);
    // The default task keeps its inherited PATH (no node start to compute one) and, with the default
    // tsconfig, needs no variable naming it.
    expect(tasks.tasks.default.env).toEqual({ PATH: '$(echo "$PATH")' });
    // Tools reach the PATH of every task through node, not a second npx.
    expect(tasks.env.PATH).toMatch(/^\$\(node --print ".*node_modules.*\.bin.*process\.env\.PATH.*"\)$/);
    const devDeps = JSON.parse(read(seedDeployment, 'package.json')).devDependencies;
    expect({ typescript: devDeps.typescript, sucrase: devDeps.sucrase }).toEqual({ typescript: '~7.0.0', sucrase: '^3.35.0' });
    expect(Object.keys(devDeps)).not.toContain('ts-node');
    expect(Object.keys(devDeps)).not.toContain('tsx');
  });

  test('issue 17: an unchanged second run skips tsc; a type error right after that cached success still stops npx projen with the compiler\'s message and writes nothing', () => {
    const dir = copySeedDeployment();
    const tscCalls = recordTscCalls(dir);
    const first = projen(dir);
    expect({ status: first.status, calls: tscCalls() }).toEqual({ status: 0, calls: ['--noEmit -p projenrc/tsconfig.json --skipLibCheck --listFiles'] });
    expect(output(first)).not.toContain(SKIP_MESSAGE);
    const afterFirst = treeHash(dir);

    const second = projen(dir);
    expect({ status: second.status, calls: tscCalls().length }).toEqual({ status: 0, calls: 1 });
    expect(output(second)).toContain(SKIP_MESSAGE);
    expect(treeHash(dir)).toBe(afterFirst);

    editProjenrc(dir, 'allowedEmails: [', 'allowedEmail: [');
    const before = treeHash(dir);
    const broken = projen(dir);
    expect(broken.status).not.toBe(0);
    expect(tscCalls()).toHaveLength(2);
    expect(output(broken)).toMatch(/\.projenrc\.ts\(\d+,\d+\): error TS2561: .*'allowedEmail' does not exist in type 'NetboxPomeriumProjectOptions'/);
    expect(output(broken)).not.toContain(SKIP_MESSAGE);
    expect(output(broken)).not.toContain('netbox-pomerium: the declaration has');
    expect(treeHash(dir)).toBe(before);

    // Still broken, still checked: a failure never becomes a stamp.
    expect(projen(dir).status).not.toBe(0);
    expect(tscCalls()).toHaveLength(3);

    // Undoing the error restores content that passed: known good, no compiler run.
    editProjenrc(dir, 'allowedEmail: [', 'allowedEmails: [');
    const undone = projen(dir);
    expect({ status: undone.status, calls: tscCalls().length, skipped: output(undone).includes(SKIP_MESSAGE) })
      .toEqual({ status: 0, calls: 3, skipped: true });
    expect(treeHash(dir)).toBe(afterFirst);

    // A new valid one-line edit is checked once, then cached.
    editProjenrc(dir, 'domain: "netbox.example.org",', 'domain: "netbox2.example.org",');
    expect(projen(dir).status).toBe(0);
    expect(tscCalls()).toHaveLength(4);
    expect(parse(read(dir, 'pomerium/config.yaml')).routes[0].from).toBe('https://netbox2.example.org');
    expect(output(projen(dir))).toContain(SKIP_MESSAGE);
    expect(tscCalls()).toHaveLength(4);
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
