import { spawnSync } from 'child_process';
import { createHash } from 'crypto';
import { readdirSync, readFileSync, statSync } from 'fs';
import * as path from 'path';
import { Testing } from 'projen';
import { parse } from 'yaml';
import { IdpProvider, NetboxPomeriumProject, NetboxPomeriumProjectOptions } from '../src';

/** `command -v`, failing loudly: a real tool the suite relies on must be installed (.ci/install-tools.sh installs it). */
export function requireTool(name: string): string {
  const found = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf-8' }).stdout.trim();
  if (!found) throw new Error(`${name} is not installed; .ci/install-tools.sh installs it`);
  return found;
}

/** The seed's deployment (shared/seed), as a declaration. */
export const SEED: NetboxPomeriumProjectOptions = {
  name: 'netbox',
  defaultReleaseBranch: 'main',
  domain: 'netbox.example.org',
  idpProvider: IdpProvider.AZURE,
  idpProviderUrl: 'https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000/v2.0',
  idpClientId: '11111111-2222-3333-4444-555555555555',
  allowedDomains: ['example.org'],
  allowedGroups: ['62f8f72a-3e06-11ec-9bbc-0242ac130002'],
  allowedEmails: ['user@example.com'],
  traefikNetwork: 'traefik-proxy',
  traefikCertResolver: 'le',
  traefikEntrypoint: 'websecure',
};

export interface Synthesized {
  /** Every file but the secrets file, by path. */
  readonly files: Record<string, any>;
  /** The git-ignored secrets file, kept out of `files` so no snapshot holds a secret. */
  readonly dotenv: string;
  readonly compose: any;
  readonly pomerium: any;
  /** env/<name>.env parsed into a map. */
  env(name: string): Record<string, string>;
}

export function synth(overrides: Partial<NetboxPomeriumProjectOptions> = {}): Synthesized {
  return synthProject(new NetboxPomeriumProject({ ...SEED, ...overrides }));
}

export function synthProject(project: NetboxPomeriumProject): Synthesized {
  const all = Testing.synth(project);
  const { ['.env']: dotenv, ...files } = all;
  return {
    files,
    dotenv,
    compose: parse(files['compose.yaml']),
    pomerium: parse(files['pomerium/config.yaml']),
    env: (name: string) => parseEnv(files[`env/${name}.env`]),
  };
}

export function parseEnv(content: string | undefined): Record<string, string> {
  if (content === undefined) throw new Error('no such env file');
  return Object.fromEntries(content.split('\n').filter((l) => l && !l.startsWith('#')).map((l) => {
    const i = l.indexOf('=');
    return [l.slice(0, i), l.slice(i + 1)];
  }));
}

/** A file's permission bits in octal, e.g. "600". */
export function fileMode(file: string): string {
  return (statSync(file).mode % 0o1000).toString(8);
}

/** A hash of every file below `dir` (path, mode, content), skipping the named entries. */
export function treeHash(dir: string, skip: readonly string[] = ['node_modules', '.git']): string {
  const hash = createHash('sha256');
  const walk = (rel: string) => {
    for (const entry of readdirSync(path.join(dir, rel)).sort()) {
      if (skip.includes(entry)) continue;
      const relPath = path.join(rel, entry);
      const stat = statSync(path.join(dir, relPath));
      if (stat.isDirectory()) {
        walk(relPath);
      } else {
        hash.update(`${relPath}\0${stat.mode}\0`);
        hash.update(readFileSync(path.join(dir, relPath)));
      }
    }
  };
  walk('.');
  return hash.digest('hex');
}

/** The error a declaration raises when its project is constructed (fails the test when it raises none). */
export function refusal(overrides: Partial<NetboxPomeriumProjectOptions>): string {
  try {
    new NetboxPomeriumProject({ ...SEED, ...overrides });
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error(`not refused: ${JSON.stringify(overrides)}`);
}

/** `s` as a literal inside a regular expression. */
export const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * For a describe block whose tests synthesize real projects on disk: no post-synthesis step (under
 * CI=true projen would run `npm ci` in a directory without a lockfile).
 */
export function withoutPostSynthesis(): void {
  const saved = process.env.PROJEN_DISABLE_POST;
  beforeAll(() => { process.env.PROJEN_DISABLE_POST = 'true'; });
  afterAll(() => {
    if (saved === undefined) delete process.env.PROJEN_DISABLE_POST;
    else process.env.PROJEN_DISABLE_POST = saved;
  });
}
