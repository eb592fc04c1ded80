import { spawnSync } from 'child_process';
import { existsSync, readFileSync } from 'fs';
import * as path from 'path';
import { generateSecret, SecretSpec, secretSpecsFor } from './secret-specs';
import { parseDotEnv, replaceSecret } from './secrets-dotenv';
import { NETBOX_DB, SECRETS_FILE, SERVICES } from '../model/stack-names';
import { NETBOX_RELEASES } from '../netbox/netbox-releases';

/**
 * `npx projen rotate-secret <id> [--apply]`: replaces one secret in `.env` on purpose and says what
 * else must happen. Runs inside a deployment, from the package's compiled `lib/`.
 */

/** Every secret any supported release uses; a deployment's `.env` holds its own subset. */
function knownSpecs(): SecretSpec[] {
  const byId = new Map<string, SecretSpec>();
  for (const release of NETBOX_RELEASES) for (const spec of secretSpecsFor(release)) byId.set(spec.id, spec);
  return [...byId.values()];
}

export interface RotateResult {
  readonly exitCode: number;
  readonly message: string;
}

export interface RotateOptions {
  /** The deployment directory (holds `.env` and compose.yaml). */
  readonly dir: string;
  readonly secretId: string | undefined;
  /** Perform the step inside a running service that the rotation needs (the Postgres ALTER ROLE). */
  readonly apply: boolean;
  /** `docker compose -p <project> -f compose.yaml`, split into argv. */
  readonly composeArgv: readonly string[];
}

export function rotateSecret(options: RotateOptions): RotateResult {
  const dotenv = path.join(options.dir, SECRETS_FILE);
  const specs = knownSpecs();
  const present = new Set(existsSync(dotenv) ? parseDotEnv(readFileSync(dotenv, 'utf-8')).map((e) => e.name) : []);
  const usable = specs.filter((s) => present.has(s.envName));
  const list = usable.map((s) => `  ${s.id.padEnd(22)} ${s.description}`).join('\n');
  const spec = specs.find((s) => s.id === options.secretId);
  if (!options.secretId || !spec) {
    return { exitCode: 1, message: `rotate-secret: name one secret (got ${JSON.stringify(options.secretId ?? null)}). Known here:\n${list}` };
  }
  if (!present.has(spec.envName)) {
    return { exitCode: 1, message: `rotate-secret: ${spec.id} (${spec.envName}) is not in .env, so this deployment does not use it. Known here:\n${list}` };
  }
  const value = generateSecret(spec);
  if (spec.rotationNeedsServiceStep) {
    if (!options.apply) {
      return {
        exitCode: 1,
        message: `rotate-secret: refusing to change ${spec.envName} in .env alone. ${spec.rotation}\n`
          + 'With the stack running, run `npx projen rotate-secret -- db-password --apply`: it sets the new password in Postgres, '
          + 'then writes it to .env. Then run `npx projen up` to recreate netbox and its worker.',
      };
    }
    const sql = `ALTER ROLE ${NETBOX_DB} WITH PASSWORD '${value}';\n`;
    const [cmd, ...args] = options.composeArgv;
    const r = spawnSync(cmd, [...args, 'exec', '-T', SERVICES.postgres, 'psql', '-v', 'ON_ERROR_STOP=1', '-U', NETBOX_DB, '-d', NETBOX_DB, '-f', '-'],
      { cwd: options.dir, input: sql, encoding: 'utf-8' });
    if (r.status !== 0) {
      return { exitCode: 1, message: `rotate-secret: Postgres did not take the new password; .env is unchanged.\n${r.stderr ?? ''}${r.error ?? ''}` };
    }
  }
  replaceSecret(dotenv, spec.envName, value);
  return { exitCode: 0, message: `rotate-secret: ${spec.envName} has a new value in .env. Next: ${spec.rotation}` };
}

/** Entry point: `node -e "require('projen-netbox-pomerium/lib/secrets/rotate-secret').main()" <compose argv...> -- <id> [--apply]`. */
export function main(argv: string[] = process.argv.slice(1)): void {
  const sep = argv.indexOf('--');
  const composeArgv = sep >= 0 ? argv.slice(0, sep) : [];
  const rest = (sep >= 0 ? argv.slice(sep + 1) : argv).filter((a) => a !== '--');
  const result = rotateSecret({
    dir: process.cwd(),
    secretId: rest.find((a) => !a.startsWith('--')),
    apply: rest.includes('--apply'),
    composeArgv,
  });
  (result.exitCode === 0 ? process.stdout : process.stderr).write(`${result.message}\n`);
  process.exitCode = result.exitCode;
}
