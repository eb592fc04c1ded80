import { DIGEST_LENGTH, StackConfig, stackConfigs, StackSecret, stackSecrets, swarmObjectName } from './render-stack';
import { ComposeObject } from '../compose/render-compose';
import type { StackModel } from '../model/deployment-model';
import { FILES } from '../model/stack-names';
import { pluginImage } from '../plugins/plugin-image';
import type { PlannedTask } from '../targets/deployment-target';


/** Label on the Swarm secrets the script creates, so `stack-rm` finds them. */
export const SECRET_LABEL = 'netbox-pomerium.stack';

/**
 * A POSIX sh script derived from the stack: `deploy` creates each Swarm secret from its `.env`
 * variable (named after a digest of the value, so a rotated value becomes a new secret), sets the
 * versioned config names, then runs `docker stack deploy`; `rm` removes the stack and those
 * secrets. The volumes, and with them the data, stay.
 *
 * `.env` is read with the shell's `.`: the values projen writes are single-quoted literals.
 * Secrets go to `docker secret create` on stdin, without a trailing newline (Pomerium reads the
 * IdP client secret file verbatim).
 */
export function renderStackScript(model: StackModel, compose: ComposeObject): string[] {
  const secrets = stackSecrets(compose);
  const configs = stackConfigs(compose);
  const up = '../'.repeat(FILES.stackScript.split('/').length - 1) || '.';
  const example = swarmObjectName(model, '<key>', '<digest>');
  return [
    `# Deploys (deploy) and removes (rm) the Docker Swarm stack ${FILES.stack}. Run it through projen:`,
    '#   npx projen stack-deploy [-- <docker stack deploy flags>]',
    '#   npx projen stack-rm',
    `# Swarm secrets and configs cannot change, so each version is named ${example}.`,
    'set -eu',
    `cd "$(dirname "$0")/${up}"`,
    `STACK='${model.projectName}'`,
    `LABEL='${SECRET_LABEL}'`,
    '',
    'if command -v sha256sum >/dev/null 2>&1; then sha() { sha256sum; }; else sha() { shasum -a 256; }; fi',
    `digest() { sha | cut -c1-${DIGEST_LENGTH}; }`,
    '',
    '# secret <key> <.env variable> <name variable>',
    'secret() {',
    '  eval "value=\\${$2:-}"',
    `  if [ -z "$value" ]; then echo "stack-deploy: $2 is missing or empty in ${FILES.secrets}" >&2; exit 1; fi`,
    '  name="${STACK}_$1_$(printf \'%s\' "$value" | digest)"',
    '  if ! docker secret inspect "$name" >/dev/null 2>&1; then',
    '    printf \'%s\' "$value" | docker secret create --label "$LABEL=$STACK" "$name" - >/dev/null',
    '    echo "stack-deploy: created the Swarm secret $name"',
    '  fi',
    '  export "$3=$name"',
    '}',
    '',
    '# config <key> <file> <name variable>',
    'config() {',
    '  export "$3=${STACK}_$1_$(digest < "$2")"',
    '}',
    '',
    'deploy() {',
    `  if [ ! -f ${FILES.secrets} ]; then echo "stack-deploy: ${FILES.secrets} is missing; run npx projen first" >&2; exit 1; fi`,
    `  . ./${FILES.secrets}`,
    ...secrets.map((s: StackSecret) => `  secret ${s.key} ${s.envName} ${s.nameVariable}`),
    ...configs.map((c: StackConfig) => `  config ${c.key} ${c.file} ${c.nameVariable}`),
    // The nodes pull the pushed NetBox image with the manager's registry login.
    `  docker stack deploy -c ${FILES.stack}${pluginImage(model)?.swarm ? ' --with-registry-auth' : ''} "$@" "$STACK"`,
    '}',
    '',
    'remove() {',
    '  docker stack rm "$STACK"',
    '  ids="$(docker secret ls -q --filter "label=$LABEL=$STACK")"',
    '  if [ -n "$ids" ]; then docker secret rm $ids >/dev/null; fi',
    '}',
    '',
    'case "${1:-}" in',
    // `npx projen stack-deploy -- --prune` passes the `--` on.
    '  deploy) shift; if [ "${1:-}" = -- ]; then shift; fi; deploy "$@" ;;',
    '  rm) shift; remove ;;',
    `  *) echo "usage: sh ${FILES.stackScript} deploy|rm" >&2; exit 2 ;;`,
    'esac',
  ];
}

/** The Swarm tasks, both running the generated script. */
export function swarmTasks(model: StackModel): PlannedTask[] {
  const name = model.projectName;
  return [
    {
      name: 'stack-deploy',
      description: `Deploy to Docker Swarm: create the Swarm secrets from ${FILES.secrets}, then docker stack deploy -c ${FILES.stack} ${name} `
        + '(flags after --)',
      exec: `sh ${FILES.stackScript} deploy`,
      receiveArgs: true,
    },
    {
      name: 'stack-rm',
      description: `Remove the Swarm stack ${name} and the secrets stack-deploy created; volumes (the data) stay`,
      exec: `sh ${FILES.stackScript} rm`,
    },
  ];
}
