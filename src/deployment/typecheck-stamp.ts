import { createHash } from 'crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'fs';
import * as path from 'path';

/**
 * Issue 17: `npx projen` type-checks `.projenrc.ts` only when something the check read has changed.
 *
 * After a successful `tsc --noEmit --listFiles`, a stamp records a key (the compiler's arguments and
 * version, the tsconfig and every file it `extends`, the names of the files in the projenrc code
 * directory) and a fingerprint of every file tsc read: a sha256 of the content for the project's own
 * files (`.projenrc.ts`, the helpers it imports, wherever they are), size and times for files under
 * `node_modules` (projen's, this library's and `@types/node`'s declarations; an install rewrites them).
 * The next run skips tsc only when the key and every fingerprint are the same. A failed check writes no
 * stamp, so an edit that introduces a type error always reaches tsc.
 *
 * This module is loaded before projen on every `npx projen`: it imports Node built-ins only.
 */

/** Bump when what a stamp holds changes, so old stamps are ignored. */
const STAMP_FORMAT = 'nbp-typecheck-1';

/** Where stamps live: git-ignored with node_modules, per project directory (deployments may share a node_modules). */
export const STAMP_DIR = path.join('node_modules', '.cache', 'projen-netbox-pomerium');

/** The projenrc tsconfig when the runner's environment names none (projen's default projenCodeDir). */
export const DEFAULT_PROJENRC_TSCONFIG = 'projenrc/tsconfig.json';

/** The environment variable by which the default task tells the check which tsconfig to use. */
export const TSCONFIG_ENV = 'NBP_PROJENRC_TSCONFIG';

/** The compiler arguments of the check (without `--listFiles`, which only feeds the stamp). */
export function tscArgs(tsconfig: string): string[] {
  return ['--noEmit', '-p', tsconfig, '--skipLibCheck'];
}

export interface TypecheckStamp {
  readonly key: string;
  /** Absolute path -> fingerprint of every file the successful check read. */
  readonly files: Readonly<Record<string, string>>;
}

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

/** The stamp file of the project at `root`. */
export function stampPath(root: string): string {
  return path.join(root, STAMP_DIR, `typecheck-${sha256(path.resolve(root)).slice(0, 16)}.json`);
}

/**
 * A file's fingerprint: its content hash, or for files under node_modules (hundreds of declaration
 * files, megabytes) size, mtime and ctime, which any install or edit changes. Missing: 'missing'.
 */
export function fingerprint(file: string): string {
  try {
    if (file.split(/[\\/]/).includes('node_modules')) {
      const s = statSync(file);
      return `stat:${s.size}:${s.mtimeMs}:${s.ctimeMs}`;
    }
    return `sha256:${sha256(readFileSync(file))}`;
  } catch {
    return 'missing';
  }
}

/** The tsconfig and every tsconfig it extends (relative paths and packages), nearest first. */
export function tsconfigChain(root: string, tsconfig: string): string[] {
  const chain: string[] = [];
  let queue = [path.resolve(root, tsconfig)];
  while (queue.length > 0) {
    const file = queue.shift()!;
    if (chain.includes(file) || !existsSync(file)) continue;
    chain.push(file);
    // Only `extends` is needed, and tsconfig is JSON with comments: read it with a pattern.
    const text = readFileSync(file, 'utf-8');
    const match = /"extends"\s*:\s*("(?:[^"\\]|\\.)*"|\[[^\]]*\])/.exec(text);
    if (!match) continue;
    const targets: string[] = match[1].startsWith('[') ? [...match[1].matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => m[1]) : [JSON.parse(match[1])];
    queue = queue.concat(targets.map((target) => resolveExtends(path.dirname(file), target)).filter((t): t is string => t !== undefined));
  }
  return chain;
}

function resolveExtends(dir: string, target: string): string | undefined {
  if (target.startsWith('.') || path.isAbsolute(target)) {
    const file = path.resolve(dir, target);
    return existsSync(file) || file.endsWith('.json') ? file : `${file}.json`;
  }
  for (const candidate of [target, `${target}.json`, `${target}/tsconfig.json`]) {
    try {
      return require.resolve(candidate, { paths: [dir] });
    } catch {
      // try the next form
    }
  }
  return undefined;
}

/** Files in the projenrc code directory, relative and sorted: a new file there may join the program. */
export function localFileNames(root: string, codeDir: string): string[] {
  const names: string[] = [];
  const walk = (rel: string) => {
    let entries: string[];
    try {
      entries = readdirSync(path.join(root, rel));
    } catch {
      return;
    }
    for (const entry of entries) {
      if (entry === 'node_modules' || entry.startsWith('.')) continue;
      const relPath = path.join(rel, entry);
      if (statSync(path.join(root, relPath)).isDirectory()) walk(relPath);
      else names.push(relPath.split(path.sep).join('/'));
    }
  };
  walk(codeDir);
  return names.sort();
}

/** The installed version of `name` as seen from `root`, or 'none'. */
function installedVersion(root: string, name: string): string {
  try {
    return JSON.parse(readFileSync(require.resolve(`${name}/package.json`, { paths: [root] }), 'utf-8')).version;
  } catch {
    return 'none';
  }
}

/**
 * What decides the check's result besides the files tsc reads: its arguments, the compiler's version,
 * the tsconfig chain (content) and which files the projenrc code directory holds.
 */
export function stampKey(root: string, tsconfig: string): string {
  const parts = [STAMP_FORMAT, JSON.stringify(tscArgs(tsconfig)), `typescript@${installedVersion(root, 'typescript')}`];
  for (const file of tsconfigChain(root, tsconfig)) parts.push(`${file}\n${fingerprint(file)}`);
  parts.push(localFileNames(root, path.dirname(tsconfig)).join('\n'));
  return sha256(parts.join('\0'));
}

export function readStamp(file: string): TypecheckStamp | undefined {
  try {
    const stamp = JSON.parse(readFileSync(file, 'utf-8'));
    return typeof stamp?.key === 'string' && typeof stamp.files === 'object' && stamp.files !== null ? stamp : undefined;
  } catch {
    return undefined;
  }
}

/** Whether the stamp still describes the project: same key, every recorded file unchanged. */
export function isCurrent(stamp: TypecheckStamp | undefined, key: string): boolean {
  if (stamp === undefined || stamp.key !== key) return false;
  const files = Object.entries(stamp.files);
  return files.length > 0 && files.every(([file, print]) => fingerprint(file) === print);
}

/** Written to a temporary file and renamed, so a reader never sees half a stamp. */
export function writeStamp(file: string, stamp: TypecheckStamp): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(stamp)}\n`);
  renameSync(tmp, file);
}

/**
 * Splits what `tsc --listFiles` printed into the files it read (absolute paths that exist) and
 * everything else (the diagnostics, shown to the user as tsc wrote them).
 */
export function splitListFiles(stdout: string, exists: (file: string) => boolean = existsSync): { files: string[]; diagnostics: string } {
  const files: string[] = [];
  const rest: string[] = [];
  for (const line of stdout.split(/\r?\n/)) {
    if (line !== '' && path.isAbsolute(line) && exists(line)) files.push(line);
    else rest.push(line);
  }
  const diagnostics = rest.join('\n').replace(/\n+$/, '');
  return { files, diagnostics: diagnostics === '' ? '' : `${diagnostics}\n` };
}

/**
 * The compiler the check runs: `node_modules/.bin/tsc` of the project or of a directory above it
 * (where npm puts it in a workspace), else `tsc` from the PATH. Looked up here rather than through a
 * task PATH, so the default task needs no PATH lookup of its own.
 */
export function findTsc(root: string, platform: NodeJS.Platform = process.platform): string {
  const bin = platform === 'win32' ? 'tsc.cmd' : 'tsc';
  for (let dir = path.resolve(root); ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'node_modules', '.bin', bin);
    if (existsSync(candidate)) return candidate;
    if (path.dirname(dir) === dir) return bin;
  }
}

export interface TscResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly error?: Error;
}

export interface TypecheckIo {
  /** Runs the compiler with these arguments in `root`. */
  readonly runTsc: (args: string[]) => TscResult;
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

/** Logged when tsc is skipped; tests look for it. */
export const SKIP_MESSAGE = 'typecheck: .projenrc.ts, its tsconfig, the files it imports and the installed packages are unchanged since the last successful check; tsc skipped';

/**
 * Type-checks the projenrc unless the stamp says nothing changed since the last success. Returns the
 * exit code: 0 when the check passed or was skipped, else tsc's (its diagnostics already printed).
 */
export function checkProjenrc(root: string, tsconfig: string, io: TypecheckIo): number {
  const file = stampPath(root);
  const key = stampKey(root, tsconfig);
  if (isCurrent(readStamp(file), key)) {
    io.stdout(`${SKIP_MESSAGE}\n`);
    return 0;
  }
  const args = tscArgs(tsconfig);
  io.stdout(`typecheck: tsc ${args.join(' ')}\n`);
  // The project's own files are fingerprinted before tsc reads them: an edit while tsc runs must not
  // be recorded as checked.
  const before = new Map<string, string>();
  for (const name of ['.projenrc.ts', ...localFileNames(root, path.dirname(tsconfig))]) {
    const abs = path.resolve(root, name);
    before.set(abs, fingerprint(abs));
  }
  const r = io.runTsc([...args, '--listFiles']);
  const { files, diagnostics } = splitListFiles(r.stdout ?? '');
  if (diagnostics) io.stdout(diagnostics);
  if (r.stderr) io.stderr(r.stderr);
  if (r.error) {
    io.stderr(`typecheck: could not run tsc (${r.error.message}). Run npm install in ${root}.\n`);
    return 1;
  }
  if (r.status !== 0) return r.status ?? 1;
  if (files.length > 0 && stampKey(root, tsconfig) === key) {
    const prints: Record<string, string> = {};
    for (const f of files) prints[f] = before.get(f) ?? fingerprint(f);
    try {
      writeStamp(file, { key, files: prints });
    } catch {
      // A stamp that cannot be written only costs the next run a check.
    }
  }
  return 0;
}
