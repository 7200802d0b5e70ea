#!/usr/bin/env bash
# Debian packages the full test suite needs beyond pip: a PostgreSQL server to start in a temp dir,
# Chromium for the browser tests (Playwright drives Debian's build; it cannot download its own), and
# nginx and openssl for the deployment tests (deploy/'s proxy configuration with a test certificate).
set -euo pipefail
missing=()
compgen -G "/usr/lib/postgresql/*/bin/initdb" > /dev/null || missing+=(postgresql)
[ -x /usr/bin/chromium ] || missing+=(chromium fonts-liberation)
[ -x /usr/sbin/nginx ] || missing+=(nginx)
command -v openssl > /dev/null || missing+=(openssl)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
    echo "note: 'sudo apt-get install ${missing[*]}' to run every test; tests that need them will skip." >&2
    exit 0
fi
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" > /dev/null
