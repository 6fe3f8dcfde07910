#!/bin/sh
# The image's entry point: one image, one role per container.
#   api      the HTTP API and the pages (package.json "api")
#   worker   the Temporal worker (package.json "worker"; its flags: worker/node-flags.ts)
#   migrate  apply the database migrations and exit (package.json "db:migrate")
#   anything else runs as given, e.g. `node --import tsx scripts/temporal-search-attributes.ts`.
# `exec` keeps Node as the container's main process, so SIGTERM reaches it (graceful shutdown).
set -eu
role="${1:-api}"
[ "$#" -gt 0 ] && shift
case "$role" in
  api) exec node --import tsx api/server.ts "$@" ;;
  worker) exec node --require ./worker/workflow-thread-preload.cjs --import tsx worker/main.ts "$@" ;;
  migrate) exec node --import tsx scripts/db-migrate.ts "$@" ;;
  *) exec "$role" "$@" ;;
esac
