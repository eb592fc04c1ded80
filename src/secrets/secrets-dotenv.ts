import { chmodSync, existsSync, readFileSync, writeFileSync } from 'fs';
import { generateSecret, SECRET_NAMES, SecretSpec } from './secret-specs';
import { userSecretPlaceholders } from './user-secrets';
import type { UserSecretModel } from '../model/deployment-model';

/**
 * The git-ignored `.env` next to compose.yaml: Compose reads it for `${VAR}` interpolation.
 *
 * A secret is created once, when missing, and its line is never rewritten afterwards, so a
 * resynthesis leaves every value byte-identical. Lines the user added are kept as they are.
 */
export const DOTENV_HEADER = [
  '# Secrets of this deployment. Never commit this file (it is git-ignored) and keep a backup of it:',
  '# the passwords are also stored inside the Postgres and Redis volumes.',
  '# `npx projen` adds missing secrets and never changes existing ones; `npx projen rotate-secret <id>` does.',
];

const CLIENT_SECRET_PLACEHOLDER = `# ${SECRET_NAMES.idpClientSecret}='<paste the client secret value (not its id) from your IdP here>'`;

export interface DotEnvEntry {
  readonly name: string;
  readonly value: string;
  /** The line as written, kept byte for byte. */
  readonly raw: string;
}

/** Parses `NAME=value`, `NAME='literal'` and `NAME="value"` lines; comments and blanks are skipped. */
export function parseDotEnv(content: string): DotEnvEntry[] {
  const entries: DotEnvEntry[] = [];
  for (const raw of content.split('\n')) {
    const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(raw);
    if (!m) continue;
    let value = m[2];
    if (/^'.*'$/.test(value) || /^".*"$/.test(value)) value = value.slice(1, -1);
    entries.push({ name: m[1], value, raw });
  }
  return entries;
}

/** A `.env` line Compose reads back unchanged: single quotes make the value literal (no `$` expansion). */
export function dotEnvLine(name: string, value: string): string {
  return `${name}='${value}'`;
}

export interface EnsureSecretsResult {
  /** Names of the secrets created by this call. */
  readonly created: string[];
  /** Whether the IdP client secret is still missing or empty. */
  readonly clientSecretMissing: boolean;
  /** User secrets still empty (their placeholder not filled in). */
  readonly emptyUserSecrets: string[];
}

/** Creates missing secrets in `filePath` (mode 0600) and leaves existing lines alone. */
export function ensureSecrets(filePath: string, specs: readonly SecretSpec[], userSecrets: readonly UserSecretModel[] = []): EnsureSecretsResult {
  const existing = existsSync(filePath) ? readFileSync(filePath, 'utf-8') : undefined;
  const entries = parseDotEnv(existing ?? '');
  const names = new Set(entries.map((e) => e.name));
  const missing = specs.filter((s) => !names.has(s.envName));
  // A user secret gets its placeholder once; from then on its line is the user's.
  const placeholders = userSecretPlaceholders(userSecrets, names);

  let content = existing;
  if (content === undefined) {
    content = [...DOTENV_HEADER, '', ...missing.map((s) => dotEnvLine(s.envName, generateSecret(s))), '', CLIENT_SECRET_PLACEHOLDER, '',
      ...(placeholders.length > 0 ? [...placeholders, ''] : [])].join('\n');
  } else if (missing.length > 0 || placeholders.length > 0) {
    content = content.replace(/\n*$/, '\n') + [...missing.map((s) => dotEnvLine(s.envName, generateSecret(s))), ...placeholders].join('\n') + '\n';
  }
  if (content !== existing) writeFileSync(filePath, content, { mode: 0o600 });
  chmodSync(filePath, 0o600);

  const clientSecret = entries.find((e) => e.name === SECRET_NAMES.idpClientSecret);
  const values = new Map(parseDotEnv(content).map((e) => [e.name, e.value]));
  return {
    created: missing.map((s) => s.envName),
    clientSecretMissing: !clientSecret || clientSecret.value.trim() === '',
    emptyUserSecrets: userSecrets.filter((s) => (values.get(s.name) ?? '').trim() === '').map((s) => s.name),
  };
}

/** Replaces the value of one secret, keeping every other byte of the file. */
export function replaceSecret(filePath: string, name: string, value: string): void {
  const content = readFileSync(filePath, 'utf-8');
  const lines = content.split('\n');
  const index = lines.findIndex((l) => parseDotEnv(l)[0]?.name === name);
  if (index < 0) throw new Error(`${filePath} has no ${name}`);
  lines[index] = dotEnvLine(name, value);
  writeFileSync(filePath, lines.join('\n'), { mode: 0o600 });
  chmodSync(filePath, 0o600);
}
