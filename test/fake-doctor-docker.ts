import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'fs';
import * as path from 'path';
import { writeTree } from './real-validators';

/**
 * A `docker` for `npx projen doctor`: it records each call (one line, arguments separated by tabs)
 * in `$FAKE_DOCKER_DIR/calls` and answers from files in that directory, so a test sets up a host
 * by writing files:
 *   engine-down            `docker version` fails like a stopped daemon
 *   network-<name>         `docker network inspect <name>` prints it (absent: "not found")
 *   inspect                `docker inspect <ids>` prints it
 *   compose-ps             `docker compose ... ps` prints it
 *   compose-refuses        `docker compose ... ps` fails with it on stderr (a secret missing from .env)
 *   docker-ps              `docker ps ...` prints it
 * Anything else exits 64, so an unexpected (say, changing) call shows up as a failure.
 */
export const FAKE_DOCTOR_DOCKER = `#!/usr/bin/env bash
line=""
for a in "$@"; do line+="$a"$'\\t'; done
printf '%s\\n' "\${line%$'\\t'}" >> "$FAKE_DOCKER_DIR/calls"
d="$FAKE_DOCKER_DIR"
case "$1" in
  version)
    if [ -f "$d/engine-down" ]; then echo "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?" >&2; exit 1; fi
    echo 27.3.1 ;;
  compose)
    if [ "$2" = version ]; then echo 2.29.7; exit 0; fi
    case " $* " in *" ps "*)
      if [ -f "$d/compose-refuses" ]; then cat "$d/compose-refuses" >&2; exit 1; fi
      cat "$d/compose-ps" 2>/dev/null; exit 0 ;;
    esac
    echo "fake docker: unexpected compose call" >&2; exit 64 ;;
  network)
    if [ "$2" = inspect ] && [ -f "$d/network-$3" ]; then cat "$d/network-$3"; exit 0; fi
    echo "Error response from daemon: network $3 not found" >&2; exit 1 ;;
  inspect) cat "$d/inspect" ;;
  ps) cat "$d/docker-ps" 2>/dev/null ;;
  *) echo "fake docker: unexpected call" >&2; exit 64 ;;
esac
`;

export interface FakeDoctorDocker {
  /** Put first on PATH. */
  readonly bin: string;
  /** FAKE_DOCKER_DIR: the answers and the recorded calls. */
  readonly state: string;
  /** The calls since the last reset, each split into arguments. */
  calls(): string[][];
  reset(): void;
  set(file: string, content: string): void;
}

export function fakeDoctorDocker(): FakeDoctorDocker {
  const root = writeTree({});
  const bin = path.join(root, 'bin');
  const state = path.join(root, 'state');
  mkdirSync(bin);
  mkdirSync(state);
  writeFileSync(path.join(bin, 'docker'), FAKE_DOCTOR_DOCKER);
  chmodSync(path.join(bin, 'docker'), 0o755);
  const callsFile = path.join(state, 'calls');
  writeFileSync(callsFile, '');
  return {
    bin,
    state,
    calls: () => readFileSync(callsFile, 'utf-8').split('\n').filter(Boolean).map((l) => l.split('\t')),
    reset: () => writeFileSync(callsFile, ''),
    set: (file, content) => writeFileSync(path.join(state, file), content),
  };
}

/** A running Traefik as `docker inspect` shows it, with the given entrypoints and resolvers on its command line. */
export function traefikContainer(entrypoints: string[], resolvers: string[]): Record<string, unknown> {
  return {
    Id: 'aaaa1111',
    Name: '/traefik',
    Path: '/entrypoint.sh',
    Args: [
      '--providers.docker=true', '--providers.docker.exposedbydefault=false',
      ...entrypoints.map((e, i) => `--entryPoints.${e}.address=:${i === 0 ? 443 : 80 + i}`),
      ...resolvers.map((r) => `--certificatesresolvers.${r}.acme.tlschallenge=true`),
    ],
    Config: { Image: 'traefik:v3.7.9', Labels: { 'org.opencontainers.image.title': 'Traefik' }, Cmd: [], Env: ['PATH=/usr/bin'] },
  };
}
