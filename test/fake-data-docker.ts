import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';

/**
 * A fake `docker` for the backup script: it records every call (`$FAKE_STATE/calls`, one line,
 * arguments separated by tabs) and serves the stack's data from directories:
 *
 * - a database is a file `db/<name>` holding what pg_dump would print, as SQL text with COPY
 *   blocks (so `pg_restore --file=-` prints it back, and `psql` counts the rows of each COPY block);
 * - a Compose volume is the directory `mounts/<mount path>`, a Docker (Swarm or scratch) volume the
 *   directory `volumes/<name>`; a command run in a container with `-w <mount>` runs in that directory.
 *
 * Swarm mode is on while `$FAKE_STATE/swarm` exists. `FAKE_DOCKER_FAIL=<word>` makes any call with
 * that argument fail.
 */
const FAKE_DOCKER = readFileSync(path.join(__dirname, 'fake-data-docker.sh'), 'utf-8');

/** A small NetBox database: what the fake pg_dump prints. */
export const FAKE_DATABASE = [
  '--',
  '-- PostgreSQL database dump (fake)',
  '--',
  'COPY public.dcim_site (id, name, slug) FROM stdin;',
  '1\tAlpha\talpha',
  '2\tBeta\tbeta',
  '3\tGamma\tgamma',
  '\\.',
  'COPY public.extras_scriptmodule (id, file_path) FROM stdin;',
  '1\tscripts/inventory.py',
  '\\.',
  'COPY public.users_token (id, key) FROM stdin;',
  '\\.',
  '',
].join('\n');

export interface FakeDataDocker {
  /** Directory to put first on PATH. */
  readonly bin: string;
  /** FAKE_STATE. */
  readonly state: string;
  /** The calls since the last `resetCalls()`, each as its arguments. */
  calls(): string[][];
  resetCalls(): void;
  /** The directory serving a Compose volume mounted at `mount`. */
  mountDir(mount: string): string;
  /** The directory serving a Docker volume. */
  volumeDir(name: string): string;
  /** The fake database's content. */
  database(name: string): string | undefined;
  setDatabase(name: string, content: string): void;
  /** Turns Swarm mode on or off. */
  swarm(on: boolean): void;
}

export function fakeDataDocker(): FakeDataDocker {
  const root = mkdtempSync(path.join(tmpdir(), 'nbp-fake-data-docker-'));
  const bin = path.join(root, 'bin');
  const state = path.join(root, 'state');
  for (const dir of [bin, path.join(state, 'db'), path.join(state, 'mounts'), path.join(state, 'volumes')]) mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(bin, 'docker'), FAKE_DOCKER);
  chmodSync(path.join(bin, 'docker'), 0o755);
  writeFileSync(path.join(state, 'calls'), '');
  const db = (name: string) => path.join(state, 'db', name);
  return {
    bin,
    state,
    calls: () => readFileSync(path.join(state, 'calls'), 'utf-8').split('\n').filter(Boolean).map((l) => l.split('\t')),
    resetCalls: () => writeFileSync(path.join(state, 'calls'), ''),
    mountDir: (mount) => path.join(state, 'mounts', mount),
    volumeDir: (name) => path.join(state, 'volumes', name),
    database: (name) => (existsSync(db(name)) ? readFileSync(db(name), 'utf-8') : undefined),
    setDatabase: (name, content) => writeFileSync(db(name), content),
    swarm: (on) => (on ? writeFileSync(path.join(state, 'swarm'), '') : rmSync(path.join(state, 'swarm'), { force: true })),
  };
}

/** Writes files (relative path -> content) below `dir`. */
export function writeFiles(dir: string, files: Record<string, string>): void {
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), content);
  }
}

/** Every regular file below `dir` (relative path -> content), or {} when it does not exist. */
export function readFiles(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (!existsSync(dir)) return out;
  const walk = (rel: string) => {
    for (const entry of readdirSync(path.join(dir, rel)).sort()) {
      const relPath = rel ? `${rel}/${entry}` : entry;
      if (statSync(path.join(dir, relPath)).isDirectory()) walk(relPath);
      else out[relPath] = readFileSync(path.join(dir, relPath), 'utf-8');
    }
  };
  walk('');
  return out;
}
