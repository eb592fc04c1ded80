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

/** How a secrets file is written: its header, one secret's line, the line that asks for the IdP client secret. */
export interface SecretsFileFormat {
  readonly header: readonly string[];
  readonly clientSecretPlaceholder: string;
  line(name: string, value: string): string;
}

/** `.env` for Compose. */
export const DOTENV_FORMAT: SecretsFileFormat = { header: DOTENV_HEADER, line: dotEnvLine, clientSecretPlaceholder: CLIENT_SECRET_PLACEHOLDER };

/**
 * An env file for kustomize's secretGenerator: `NAME=value` with no quotes (older kustomize
 * releases keep quotes as part of the value). Generated values are letters, digits and base64.
 */
export const KUSTOMIZE_ENV_FORMAT: SecretsFileFormat = {
  header: [
    '# Secrets of the Kubernetes deployment: the kustomize secretGenerator (k8s/kustomization.yaml) makes a Secret of them.',
    '# Never commit this file (it is git-ignored) and keep a backup of it: the passwords are also stored in the volumes.',
    '# `npx projen` adds missing secrets and never changes existing ones. A changed value rolls the pods at the next k8s-apply.',
  ],
  line: (name, value) => `${name}=${value}`,
  clientSecretPlaceholder: `# ${SECRET_NAMES.idpClientSecret}=<paste the client secret value (not its id) from your IdP here, without quotes>`,
};

/** Creates missing secrets in `filePath` (mode 0600) and leaves existing lines alone. */
export function ensureSecrets(filePath: string, specs: readonly SecretSpec[], userSecrets: readonly UserSecretModel[] = [],
  format: SecretsFileFormat = DOTENV_FORMAT): EnsureSecretsResult {
  const existing = existsSync(filePath) ? readFileSync(filePath, 'utf-8') : undefined;
  const entries = parseDotEnv(existing ?? '');
  const names = new Set(entries.map((e) => e.name));
  const missing = specs.filter((s) => !names.has(s.envName));
  // A user secret gets its placeholder once; from then on its line is the user's.
  const placeholders = userSecretPlaceholders(userSecrets, names, format.line);

  let content = existing;
  if (content === undefined) {
    content = [...format.header, '', ...missing.map((s) => format.line(s.envName, generateSecret(s))), '', format.clientSecretPlaceholder, '',
      ...(placeholders.length > 0 ? [...placeholders, ''] : [])].join('\n');
  } else if (missing.length > 0 || placeholders.length > 0) {
    content = content.replace(/\n*$/, '\n') + [...missing.map((s) => format.line(s.envName, generateSecret(s))), ...placeholders].join('\n') + '\n';
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
