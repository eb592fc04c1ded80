#!/usr/bin/env bash
# Installs the real validators the test suite runs against the generated files:
#   - Compose v2 (`docker compose config`), taken from Debian trixie's docker-compose package
#     with a private apt sources list, so the bookworm system itself is left alone;
#   - the docker CLI (`docker stack config`) when the machine lacks it;
#   - systemd-analyze (`systemd-analyze verify` of the backup units; Debian package systemd) and
#     age (the backup tests encrypt and decrypt .env) and python3 (it runs the generated Python)
#     when they are missing.
set -euo pipefail

plugin_dir=/usr/local/lib/docker/cli-plugins
export DEBIAN_FRONTEND=noninteractive

need_apt_update=1
apt_update() {
  if [[ $need_apt_update == 1 ]]; then apt-get update -qq; need_apt_update=0; fi
}

if ! command -v docker >/dev/null 2>&1; then
  apt_update
  apt-get install -y -qq docker.io >/dev/null
fi

if ! command -v systemd-analyze >/dev/null 2>&1; then
  apt_update
  apt-get install -y -qq --no-install-recommends systemd >/dev/null
fi

if ! command -v age >/dev/null 2>&1; then
  apt_update
  apt-get install -y -qq age >/dev/null
fi

# python3 runs the generated Python (plugins.py, the users script's snippets) in the tests.
if ! command -v python3 >/dev/null 2>&1; then
  apt_update
  apt-get install -y -qq --no-install-recommends python3 >/dev/null
fi

if ! docker compose version >/dev/null 2>&1; then
  work=$(mktemp -d)
  mkdir -p "$work/lists/partial" "$work/archives/partial"
  echo 'deb http://deb.debian.org/debian trixie main' > "$work/trixie.list"
  apt_opts=(-oDir::Etc::SourceList="$work/trixie.list" -oDir::Etc::SourceParts=/dev/null
            -oDir::State::Lists="$work/lists" -oDir::Cache::Archives="$work/archives"
            -oAPT::Get::List-Cleanup=0 -oAPT::Sandbox::User=root)
  apt-get "${apt_opts[@]}" update -qq
  (cd "$work" && apt-get "${apt_opts[@]}" download docker-compose >/dev/null)
  dpkg -x "$work"/docker-compose_*.deb "$work/root"
  mkdir -p "$plugin_dir"
  cp "$work/root/usr/libexec/docker/cli-plugins/docker-compose" "$plugin_dir/docker-compose"
  chmod 755 "$plugin_dir/docker-compose"
  rm -rf "$work"
fi

docker compose version
systemd-analyze --version | head -n 1
age --version

# kubectl for `kubectl kustomize k8s` (test/kubernetes.test.ts): Debian's kubernetes-client when the
# machine has no kubectl. Its kustomize is old (v2), which is why the kustomization uses
# `secretGenerator[].env` rather than `envs`.
if ! command -v kubectl >/dev/null 2>&1; then
  apt_update
  apt-get install -y -qq kubernetes-client >/dev/null
fi
kubectl version --client 2>/dev/null | head -1 || true
