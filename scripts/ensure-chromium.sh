#!/usr/bin/env bash
# The browser tests drive Debian's Chromium; never a downloaded browser. Installs it when
# missing (root, or sudo without a password), otherwise says exactly what to run.
set -euo pipefail
[ -x /usr/bin/chromium ] && exit 0
as_root=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then as_root=(sudo -n); else
    echo "Chromium is missing: run 'apt-get install -y chromium' as root, then npm test again." >&2
    exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -q
"${as_root[@]}" apt-get install -y -q --no-install-recommends chromium
