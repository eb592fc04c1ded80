import { chmodSync, copyFileSync, existsSync, readFileSync, statSync, writeFileSync } from 'fs';
import * as path from 'path';
import { resolveAdoption } from './adoption-model';
import { deriveAdoption, Derived } from './derive-adoption';
import { readOldDeployment } from './old-compose';
import { adoptionDifferences, declaredNetboxVersion, readAdoptionBlock, readPluginsList, samePlugins, writeAdoption, writePlugins } from './projenrc-edit';
import { DeclarationProblems } from '../model/problems';
import { DOTENV_BACKUP, SECRETS_FILE } from '../model/stack-names';
import { findNetboxRelease, NetboxRelease } from '../netbox/netbox-releases';
import type { NetboxPomeriumProjectOptions } from '../netbox-pomerium-options';
import { resolvePlugins } from '../plugins/plugins-resolve';
import { DOTENV_HEADER, dotEnvLine, parseDotEnv } from '../secrets/secrets-dotenv';

/**
 * `npx projen adopt -- <old compose file> [--project-name <name>] [--netbox-version X.Y]`: takes
 * over an existing NetBox deployment into this (new) one. Runs inside a deployment, from the
 * package's compiled `lib/`. Every check runs before anything is written.
 */

const PROJENRC = '.projenrc.ts';

export interface AdoptOptions {
  /** The deployment directory. */
  readonly dir: string;
  readonly composeFile: string | undefined;
  readonly projectName?: string;
  readonly netboxVersion?: string;
}

export interface AdoptResult {
  readonly exitCode: number;
  readonly message: string;
}

const refused = (why: string): AdoptResult => ({ exitCode: 1, message: `adopt: refused, nothing was changed: ${why}` });

export function adopt(options: AdoptOptions): AdoptResult {
  const file = readComposeFile(options);
  if ('exitCode' in file) return file;
  const { composePath, composeText, oldDir } = file;

  const read = readOldDeployment({
    composeText,
    dirName: path.basename(oldDir),
    projectName: options.projectName,
    read: (rel) => {
      try {
        return readFileSync(path.resolve(oldDir, rel), 'utf-8');
      } catch {
        return undefined;
      }
    },
  });
  if ('refusal' in read) return refused(`${options.composeFile}: ${read.refusal}`);
  const result = deriveAdoption(read.deployment, { composeFile: composePath, netboxVersion: options.netboxVersion });
  if ('refusal' in result) return refused(`${options.composeFile}: ${result.refusal}`);
  const { derived } = result;

  // The declaration this adoption goes into.
  const rcPath = path.join(options.dir, PROJENRC);
  if (!existsSync(rcPath)) return refused(`no ${PROJENRC} here: run adopt in a deployment made by projen new`);
  const rc = readFileSync(rcPath, 'utf-8');
  const block = readAdoptionBlock(rc);
  if ('error' in block) return refused(`${PROJENRC}: ${block.error}`);
  const dotenvPath = path.join(options.dir, SECRETS_FILE);
  const dotenvText = existsSync(dotenvPath) ? readFileSync(dotenvPath, 'utf-8') : undefined;
  const current = new Map(parseDotEnv(dotenvText ?? '').map((e) => [e.name, e.value]));
  const declared = readPluginsList(rc);
  if ('error' in declared) return refused(`${PROJENRC}: ${declared.error}`);
  // Plugins count only when the old stack built its image; then they must match what is declared.
  const pluginsDiffer = derived.plugins !== undefined && declared.plugins !== undefined && !samePlugins(declared.plugins, derived.plugins);
  if (block.adoption) {
    const differs = adoptionDifferences(block.adoption, derived.adoption as unknown as Record<string, unknown>);
    const secretsDiffer = Object.entries(derived.secrets).filter(([name, value]) => current.get(name) !== value).map(([name]) => name);
    const versionDiffers = declaredNetboxVersion(rc) !== derived.netboxVersion ? ['netboxVersion'] : [];
    const missingPlugins = derived.plugins !== undefined && derived.plugins.length > 0 && declared.plugins === undefined;
    const others = [...versionDiffers, ...(pluginsDiffer || missingPlugins ? ['plugins'] : [])];
    if (differs.length + secretsDiffer.length + others.length > 0) {
      return refused(`this deployment already holds different adopted values (${[...differs.map((k) => `adoption.${k}`), ...others,
        ...secretsDiffer.map((s) => `${s} in ${SECRETS_FILE}`)].join(', ')}). One deployment adopts one old stack; `
        + 'make a new deployment for another one, or remove the adoption block by hand if you mean to start over');
    }
    return { exitCode: 0, message: `adopt: this deployment already adopted ${options.composeFile}; nothing was changed.` };
  }
  if (pluginsDiffer) {
    return refused(`${PROJENRC} already declares other plugins (${declared.plugins!.map((p) => `${p.package}==${p.version}`).join(', ') || 'none'}) `
      + `than the old image installs (${derived.plugins!.map((p) => `${p.package}==${p.version}`).join(', ') || 'none'}). The adopted database has `
      + 'the old plugins\' tables: declare exactly those (remove the plugins option and adopt again), or make a new deployment');
  }

  // The declaration must synthesize with what adopt found; check it like the synthesis will.
  const release = findNetboxRelease(derived.netboxVersion)!;
  const checked = checkAdopted(derived, release);
  if (typeof checked === 'string') return refused(checked);
  let newRc = writeAdoption(rc, derived.adoption, derived.netboxVersion);
  if (newRc !== undefined && derived.plugins !== undefined && declared.plugins === undefined) newRc = writePlugins(newRc, derived.plugins);
  if (newRc === undefined) return refused(`${PROJENRC} has no \`new NetboxPomeriumProject({\` to add the adoption to`);

  const changed = writeAdoptedFiles(options, { rcPath, rc, newRc, dotenvPath, dotenvText }, derived);

  return { exitCode: 0, message: adoptedMessage(options.composeFile!, { ...derived, todo: [...derived.todo, ...checked] }, changed) };
}

/** The adoption and plugins checked as the synthesis checks them: its warnings, or the refusal. */
function checkAdopted(derived: Derived, release: NetboxRelease): string[] | string {
  const p = new DeclarationProblems();
  const warnings: string[] = [];
  resolveAdoption(p, derived.adoption, release);
  if (derived.plugins !== undefined) {
    resolvePlugins(p, { plugins: [...derived.plugins] } as NetboxPomeriumProjectOptions, release, [], warnings);
  }
  if (!p.isEmpty) return `the adopted values would be refused by the synthesis:\n${p.messages.map((m) => `  - ${m}`).join('\n')}`;
  return warnings;
}

/** `.env` with the adopted values: existing lines replaced in place, missing ones appended. */
export function mergeSecrets(dotenvText: string | undefined, secrets: Readonly<Record<string, string>>): string {
  const lines = dotenvText === undefined ? [...DOTENV_HEADER, ''] : dotenvText.replace(/\n$/, '').split('\n');
  const rest = new Map(Object.entries(secrets));
  const out = lines.map((line) => {
    const name = parseDotEnv(line)[0]?.name;
    if (name === undefined || !rest.has(name)) return line;
    const value = rest.get(name)!;
    rest.delete(name);
    return dotEnvLine(name, value);
  });
  for (const [name, value] of rest) out.push(dotEnvLine(name, value));
  return `${out.join('\n')}\n`;
}

/** Entry point: `node -e "require('projen-netbox-pomerium/lib/adopt/adopt-command').main()" -- <file> [options]`. */
export function main(argv: string[] = process.argv.slice(1)): void {
  const args = argv.filter((a) => a !== '--');
  const value = (flag: string) => {
    const i = args.indexOf(flag);
    return i >= 0 ? args.splice(i, 2)[1] : undefined;
  };
  const projectName = value('--project-name');
  const netboxVersion = value('--netbox-version');
  const result = adopt({ dir: process.cwd(), composeFile: args.find((a) => !a.startsWith('--')), projectName, netboxVersion });
  (result.exitCode === 0 ? process.stdout : process.stderr).write(`${result.message}\n`);
  process.exitCode = result.exitCode;
}

/** The old compose file, read; or why adopt refuses it. */
function readComposeFile(options: AdoptOptions): { composePath: string; composeText: string; oldDir: string } | AdoptResult {
  if (!options.composeFile) {
    return refused('name the old compose file: npx projen adopt -- <path to the old docker-compose.yml>');
  }
  const composePath = path.resolve(options.dir, options.composeFile);
  let composeText: string;
  try {
    if (!statSync(composePath).isFile()) return refused(`${options.composeFile} is not a file`);
    composeText = readFileSync(composePath, 'utf-8');
  } catch (e) {
    return refused(`cannot read ${options.composeFile}: ${(e as Error).message}`);
  }
  const oldDir = path.dirname(composePath);
  if (path.resolve(oldDir) === path.resolve(options.dir)) {
    return refused(`${options.composeFile} is in this deployment's folder; run adopt in a new deployment next to the old one`);
  }

  return { composePath, composeText, oldDir };
}

interface DeclarationFiles {
  readonly rcPath: string;
  readonly rc: string;
  readonly newRc: string;
  readonly dotenvPath: string;
  readonly dotenvText: string | undefined;
}

/** Writes the old `.env` kept, then `.env`, then the declaration; returns what changed. */
function writeAdoptedFiles(options: AdoptOptions, files: DeclarationFiles, derived: Derived): string[] {
  const { rcPath, rc, newRc, dotenvPath, dotenvText } = files;
  const changed: string[] = [];
  let backup: string | undefined;
  if (dotenvText !== undefined) {
    backup = existsSync(path.join(options.dir, DOTENV_BACKUP))
      ? `${DOTENV_BACKUP}-${new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}` : DOTENV_BACKUP;
    copyFileSync(dotenvPath, path.join(options.dir, backup));
    chmodSync(path.join(options.dir, backup), 0o600);
    changed.push(`kept the previous ${SECRETS_FILE} as ${backup}`);
  }
  writeFileSync(dotenvPath, mergeSecrets(dotenvText, derived.secrets), { mode: 0o600 });
  chmodSync(dotenvPath, 0o600);
  changed.push(`${SECRETS_FILE}: ${Object.keys(derived.secrets).join(', ') || 'nothing'} set to the old values`);
  writeFileSync(rcPath, newRc);
  const oldVersion = declaredNetboxVersion(rc);
  const plugins = derived.plugins?.length ? `; plugins: ${derived.plugins.length} entries` : '';
  changed.push(`${PROJENRC}: adoption block added; netboxVersion ${oldVersion ? `${oldVersion} -> ` : ''}${derived.netboxVersion}${plugins}`);

  return changed;
}

/** What adopt found, changed, and what the user still has to do. */
function adoptedMessage(composeFile: string, derived: Derived, changed: readonly string[]): string {
  const project = derived.adoption.projectName;
  return [
    `adopt: took over ${composeFile}`,
    'Found:',
    ...derived.found.map((l) => `  - ${l}`),
    'Changed:',
    ...changed.map((l) => `  - ${l}`),
    'Still to do:',
    '  1. npx projen   (regenerates compose.yaml with the old project name, volumes and Postgres; git diff shows it)',
    '  2. npx projen config   (docker compose config -q: checks compose.yaml and .env)',
    `  3. Back up the old stack, then stop it in its folder: docker compose -p ${project} down (never run both stacks: `
        + 'two Postgres servers on one volume corrupt it)',
    '  4. npx projen up',
    ...derived.todo.map((l, i) => `  ${i + 5}. ${l}`),
  ].join('\n');
}
