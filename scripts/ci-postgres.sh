#!/usr/bin/env bash
# Installs (if missing) and starts Debian's PostgreSQL, and creates the throwaway role + database the
# database tests use (TEST_POSTGRES_URL, see test/db/helpers.ts):
#   postgresql://inburgering_test:inburgering_test@127.0.0.1:5432/inburgering_test
# The role may create databases: each test file creates and drops one of its own. Also the role of a
# local real Temporal server (`npm run temporal:cluster`, default TEMPORAL_CLUSTER_POSTGRES_URL
# postgresql://temporal:temporal@127.0.0.1:5432/temporal), which creates its two databases itself.
# Idempotent; needs root (or sudo) for apt-get and to act as the postgres user. Called by .ci/run.
set -euo pipefail

ROLE=inburgering_test
DB=inburgering_test
PASSWORD=inburgering_test
TEMPORAL_ROLE=temporal

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
as_postgres() { as_root runuser -u postgres -- "$@"; }

if ! command -v pg_lsclusters >/dev/null 2>&1; then
  echo "ci-postgres: installing Debian's postgresql (apt-get)"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql >/dev/null
fi
# The package creates a cluster; a machine where it was dropped gets a new one.
if [ -z "$(pg_lsclusters -h 2>/dev/null)" ]; then
  VERSION="$(ls /usr/lib/postgresql | sort -V | tail -n1)"
  echo "ci-postgres: creating cluster $VERSION/main"
  as_root pg_createcluster "$VERSION" main >/dev/null
fi

# The first cluster (e.g. "15 main"); start it unless it runs already.
read -r VERSION CLUSTER PORT STATUS _ < <(pg_lsclusters -h | head -n1)
if [ "$STATUS" != "online" ]; then
  echo "ci-postgres: starting cluster $VERSION/$CLUSTER on port $PORT"
  as_root pg_ctlcluster "$VERSION" "$CLUSTER" start
fi
for _ in $(seq 1 30); do
  as_postgres psql -p "$PORT" -qAtc 'select 1' >/dev/null 2>&1 && break
  sleep 1
done

as_postgres psql -p "$PORT" -v ON_ERROR_STOP=1 -q <<SQL
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$ROLE') THEN
    CREATE ROLE $ROLE LOGIN CREATEDB PASSWORD '$PASSWORD';
  END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$TEMPORAL_ROLE') THEN
    CREATE ROLE $TEMPORAL_ROLE LOGIN CREATEDB PASSWORD '$TEMPORAL_ROLE';
  END IF;
END \$\$;
SQL
if [ -z "$(as_postgres psql -p "$PORT" -qAtc "select 1 from pg_database where datname = '$DB'")" ]; then
  as_postgres createdb -p "$PORT" -O "$ROLE" "$DB"
fi
echo "ci-postgres: ready: postgresql://$ROLE:$PASSWORD@127.0.0.1:$PORT/$DB"
