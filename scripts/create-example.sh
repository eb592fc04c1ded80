#!/usr/bin/env bash
# Creates an example deployment from this checkout, the way a user would from npm: build and pack
# the library, then `projen new --from <tarball> netbox-pomerium` with the seed's values
# (shared/seed: netbox.example.org, Entra ID, domain/group/e-mail policy) into example/netbox.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

[[ -d node_modules ]] || npm ci --no-audit --no-fund
rm -rf example
mkdir -p example/netbox
npx jsii --silence-warnings=reserved-word
tarball=$(npm pack --pack-destination example --silent | tail -n 1)

cd example/netbox
npx -y projen@0.103.25 new --from "projen-netbox-pomerium@file:$root/example/$tarball" netbox-pomerium \
  --domain netbox.example.org \
  --idp-provider azure \
  --idp-provider-url "https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000/v2.0" \
  --idp-client-id 11111111-2222-3333-4444-555555555555 \
  --allowed-domains example.org \
  --allowed-groups 62f8f72a-3e06-11ec-9bbc-0242ac130002 \
  --allowed-emails user@example.com \
  --superusers admin@example.org

echo
echo "Example deployment created in $PWD"
echo "Files (node_modules left out):"
find . -path ./node_modules -prune -o -path ./.git -prune -o -type f -print | sed 's|^\./|  |' | sort
echo
echo "Next: cd example/netbox; edit .projenrc.ts; npx projen; put IDP_CLIENT_SECRET into .env; npx projen up"
