import { spawnSync } from 'child_process';
import { chmodSync, mkdirSync, writeFileSync } from 'fs';
import * as path from 'path';
import { writeTree } from './real-validators';

/** The real docker CLI, which the fake calls for `docker stack config`. */
export const DOCKER = spawnSync('sh', ['-c', 'command -v docker'], { encoding: 'utf-8' }).stdout.trim();

/**
 * A `docker` that records its calls in `$FAKE_STATE/calls` and keeps Swarm secrets as files; a
 * `stack deploy` validates the stack file with the real CLI.
 */
export function fakeSwarmDocker(): { bin: string; state: string } {
  const root = writeTree({});
  const bin = path.join(root, 'bin');
  const state = path.join(root, 'state');
  mkdirSync(bin);
  mkdirSync(path.join(state, 'secrets'), { recursive: true });
  writeFileSync(path.join(bin, 'docker'), [
    '#!/bin/sh',
    'printf "%s\\n" "$*" >> "$FAKE_STATE/calls"',
    'case "$1 $2" in',
    '  "secret inspect") [ -f "$FAKE_STATE/secrets/$3" ] ;;',
    '  "secret create") cat > "$FAKE_STATE/secrets/$5"; printf "%s\\n" "$4" > "$FAKE_STATE/secrets/$5.label" ;;',
    '  "secret ls") ls "$FAKE_STATE/secrets" | grep -v "\\.label$" ;;',
    '  "stack deploy") env > "$FAKE_STATE/deploy-env"; "$REAL_DOCKER" stack config -c "$4" > "$FAKE_STATE/stack-config" 2>&1 ;;',
    'esac',
    '',
  ].join('\n'));
  chmodSync(path.join(bin, 'docker'), 0o755);
  return { bin, state };
}

