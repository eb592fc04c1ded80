import { execFileSync, spawnSync, SpawnSyncReturns } from 'child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import type { NetboxPomeriumProjectOptions } from '../../src';
import { SEED } from '../util';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
/**
 * Each test run gets its own directory (set by the global setup and inherited by the workers), so
 * runs side by side do not clobber each other's packed library and seed deployment.
 */
export function e2eDir(): string {
  const dir = process.env.NBP_E2E_DIR;
  if (!dir) throw new Error('NBP_E2E_DIR is not set: run the tests through jest, whose global setup prepares it');
  return dir;
}
export const contextFile = () => path.join(e2eDir(), 'context.json');
export const PACKAGE_NAME = 'projen-netbox-pomerium';

/**
 * The seed's deployment (test/util.ts SEED) as `projen new` flags: `--kebab-case-option value`, so
 * the in-process and the end-to-end tests declare the same deployment.
 */
export const SEED_FLAGS = asNewFlags(SEED);

export function asNewFlags(declaration: Partial<NetboxPomeriumProjectOptions>): string[] {
  const skip = new Set(['name', 'defaultReleaseBranch']);
  return Object.entries(declaration).filter(([key]) => !skip.has(key)).flatMap(([key, value]) => {
    const values = Array.isArray(value) ? value : [value];
    if (values.length !== 1) throw new Error(`${key}: projen new takes one value per flag here`);
    return [`--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`, String(values[0])];
  });
}

export interface E2eContext {
  /** The packed library. */
  readonly tarball: string;
  /** A deployment made by `projen new` with SEED_FLAGS (with node_modules). Never modify it. */
  readonly seedDeployment: string;
  /** What `projen new` printed. */
  readonly newOutput: string;
}

export function e2eContext(): E2eContext {
  return JSON.parse(readFileSync(contextFile(), 'utf-8'));
}

/** Runs `projen new --from <packed library>` in a fresh directory. */
export function projenNew(dir: string, tarball: string, flags: string[]): string {
  return execFileSync('npx', ['-y', 'projen@0.103.25', 'new', '--from', `${PACKAGE_NAME}@file:${tarball}`, 'netbox-pomerium', '--no-git', ...flags], {
    cwd: dir, encoding: 'utf-8', stdio: ['ignore', 'pipe', 'pipe'], env: cleanEnv(),
  });
}

/**
 * A private copy of the seed deployment (node_modules linked, not copied), as a git repository
 * with everything committed.
 */
export function copySeedDeployment(): string {
  const source = e2eContext().seedDeployment;
  const dir = mkdtempSync(path.join(tmpdir(), 'nbp-deploy-'));
  for (const entry of readdirSync(source)) {
    if (entry === 'node_modules') symlinkSync(path.join(source, entry), path.join(dir, entry));
    else cpSync(path.join(source, entry), path.join(dir, entry), { recursive: true, preserveTimestamps: true });
  }
  git(dir, 'init', '-q', '-b', 'main');
  // The linked node_modules is a symlink, which the deployment's `node_modules/` pattern does not match.
  writeFileSync(path.join(dir, '.git', 'info', 'exclude'), 'node_modules\n');
  git(dir, 'add', '-A');
  git(dir, '-c', 'user.name=e2e', '-c', 'user.email=e2e@example.org', 'commit', '-qm', 'deployment');
  return dir;
}

export function git(dir: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd: dir, encoding: 'utf-8' });
}

/** `npx projen [task...]` in a deployment, without the post-synthesis npm install. */
export function projen(dir: string, ...args: string[]): SpawnSyncReturns<string> {
  return projenWithEnv(dir, {}, ...args);
}

/** Like `projen()`, with extra environment variables (e.g. a PATH with a fake `docker` first). */
export function projenWithEnv(dir: string, env: NodeJS.ProcessEnv, ...args: string[]): SpawnSyncReturns<string> {
  // A synthesis runs with --no-post: no npm install afterwards (projen's CLI overwrites
  // PROJEN_DISABLE_POST from this flag). Before a task name the flag would reach the task as an argument.
  return spawnSync('npx', ['projen', ...(args.length === 0 ? ['--no-post'] : args)], {
    cwd: dir, encoding: 'utf-8', env: { ...cleanEnv(), ...env },
  });
}

/**
 * Replaces `from` with `to` in a deployment's `.projenrc.ts`. Throws when `from` is not there, so a
 * test cannot pass on a declaration it never changed.
 */
export function editProjenrc(dir: string, from: string, to: string): void {
  const file = path.join(dir, '.projenrc.ts');
  const rc = readFileSync(file, 'utf-8');
  if (!rc.includes(from)) throw new Error(`.projenrc.ts has no ${JSON.stringify(from)}`);
  writeFileSync(file, rc.replace(from, to));
}

/** Tree hashes skip node_modules and .git. */
export { treeHash } from '../util';

/** The test runner's environment less what would make projen think it runs under jest. */
export function cleanEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.NODE_ENV;
  delete env.JEST_WORKER_ID;
  // Under CI=true projen installs with `npm ci`, which needs a lockfile a fresh deployment lacks.
  delete env.CI;
  return env;
}

export function exists(dir: string, file: string): boolean {
  return existsSync(path.join(dir, file));
}
