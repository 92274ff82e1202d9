#!/usr/bin/env bash
# Installs the Debian packages Cairn links against, if they are missing.
# As root apt-get runs directly; as a user through sudo (-E keeps DEBIAN_FRONTEND).
set -euo pipefail
missing=()
for pkg in libsecp256k1-dev libleveldb-dev; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0

as_root=()
if [ "$(id -u)" -ne 0 ]; then
  if ! command -v sudo >/dev/null 2>&1; then
    echo "error: ${missing[*]} must be installed, and sudo is not available to install them as $(id -un)." >&2
    echo "Run as root: apt-get update && apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
  as_root=(sudo -E)
fi
echo "Installing ${missing[*]}…"
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -qq
"${as_root[@]}" apt-get install -y -qq "${missing[@]}"
