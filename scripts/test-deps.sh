#!/usr/bin/env bash
# Installs and starts what the PostgreSQL and browser tests need, from Debian's packages:
# PostgreSQL (server on 127.0.0.1:5432, a throwaway role for tests) and Chromium.
# Without them `npm test` still runs, and says loudly which tests it skipped; CI (CI=true) fails instead.
# Needs root (CI and these machines run as root); on a developer machine run it with sudo once.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v pg_ctlcluster >/dev/null 2>&1 || missing+=(postgresql)
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
if [ -f "$here/ci-postgres.sh" ]; then
  bash "$here/ci-postgres.sh"
fi
