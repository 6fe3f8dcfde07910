#!/usr/bin/env bash
# Installs and starts what the PostgreSQL and browser tests need, from Debian's packages:
# PostgreSQL (server on 127.0.0.1:5432, a throwaway role for tests), Chromium, and fonts for
# every script of the personal page's languages (Noto).
# Without them `npm test` still runs, and says loudly which tests it skipped; CI (CI=true) fails instead.
# Needs root (CI and these machines run as root); on a developer machine run it with sudo once.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v pg_ctlcluster >/dev/null 2>&1 || missing+=(postgresql)
# The personal page's languages need fonts for their scripts (Ethiopic for Tigrinya, Arabic):
# without them Chromium draws empty boxes in the screenshots. Phones have these fonts.
{ command -v fc-list >/dev/null 2>&1 && [ -n "$(fc-list :lang=ti family)" ]; } || missing+=(fonts-noto-core)
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
if [ -f "$here/ci-postgres.sh" ]; then
  bash "$here/ci-postgres.sh"
fi
