#!/usr/bin/env bash
# Installs every Debian package in debian-packages.txt that is not installed
# yet. Idempotent: when everything is present it changes nothing and does not
# touch the network. Exits non-zero with a clear message when it cannot.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
mapfile -t wanted < <(sed -e 's/#.*//' -e 's/[[:space:]]//g' "$here/debian-packages.txt" | grep -v '^$')

if ! command -v dpkg-query >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
  echo "fleet: this set-up needs Debian bookworm (dpkg and apt-get were not found)." >&2
  exit 1
fi

missing=()
for pkg in "${wanted[@]}"; do
  # A node and npm from elsewhere (NodeSource bundles npm into its nodejs,
  # which conflicts with Debian's npm) are used as they are.
  case "$pkg" in
    nodejs) command -v node >/dev/null 2>&1 && continue ;;
    npm) command -v npm >/dev/null 2>&1 && continue ;;
  esac
  status="$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null || true)"
  [[ "$status" == "installed" ]] || missing+=("$pkg")
done
if ((${#missing[@]} == 0)); then
  exit 0
fi

echo "fleet: installing ${#missing[@]} Debian package(s): ${missing[*]}" >&2
sudo_cmd=()
if [[ "$(id -u)" != 0 ]]; then
  if command -v sudo >/dev/null 2>&1; then
    sudo_cmd=(sudo)
  else
    echo "fleet: missing packages (${missing[*]}) and not root and no sudo;" \
         "install them as root: apt-get install ${missing[*]}" >&2
    exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
if ! "${sudo_cmd[@]}" apt-get update -qq; then
  echo "fleet: 'apt-get update' failed; check the network and /etc/apt/sources.list." >&2
  exit 1
fi
if ! "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"; then
  echo "fleet: 'apt-get install ${missing[*]}' failed (see above)." >&2
  exit 1
fi
