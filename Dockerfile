# syntax=docker/dockerfile:1
# The image of inburgering-regie: one image, three roles (deploy/image/entrypoint.sh):
#   docker run IMAGE api | worker | migrate
# Build:  docker build -t registry.gemeente.example/inburgering-regie:0.1.0 .
# Runs as the numeric non-root user 10001 on a read-only root filesystem; only /tmp must be writable.
# Nothing is downloaded at run time; no secret is in the image (they come from the environment).
# deploy/README.md has the whole story; test/deploy/dockerfile.test.ts checks this file.

# Exact Node release (the one the tests run on). Pin the digest too in your registry's mirror:
# FROM node:20.20.2-bookworm-slim@sha256:<digest> (docker buildx imagetools inspect node:20.20.2-bookworm-slim).
ARG NODE_VERSION=20.20.2

# ---- build: dependencies, Prisma client, the pages' bundles --------------------------------------
FROM node:${NODE_VERSION}-bookworm AS build
WORKDIR /app
ENV CI=true NPM_CONFIG_UPDATE_NOTIFIER=false NPM_CONFIG_FUND=false NPM_CONFIG_AUDIT=false
# Dependencies first (cached while package*.json and the Prisma schemas stay the same); the
# postinstall script generates the Prisma clients (prisma/generated) from prisma/.
COPY package.json package-lock.json ./
COPY prisma ./prisma
RUN npm ci
COPY . .
# The pages' bundles are built in memory when the API starts; building them here fails the image
# build early when they do not compile.
RUN npm run build:web && rm -rf dist
# The workflow code bundled once, with the worker's own options (worker/bundle.ts): every worker
# replica runs the same bundle and starts without webpack (WORKFLOW_BUNDLE_PATH below).
RUN npm run build:workflows -- /app/workflow-bundle/workflow-bundle.js
# Only what runs in production stays (tsx, the TypeScript loader, is a production dependency).
RUN npm prune --omit=dev && npm cache clean --force

# ---- runtime -------------------------------------------------------------------------------------
FROM node:${NODE_VERSION}-bookworm-slim AS runtime
# CA certificates for TLS to Temporal (the SDK's Rust core reads the system's trust store).
RUN apt-get update \
  && apt-get install -y --no-install-recommends ca-certificates \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
# Owned by root and not writable by the app's user: the code cannot be changed at run time.
COPY --from=build /app/package.json /app/package-lock.json /app/tsconfig.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/prisma ./prisma
COPY --from=build /app/activities ./activities
COPY --from=build /app/api ./api
COPY --from=build /app/application ./application
COPY --from=build /app/config ./config
COPY --from=build /app/domain ./domain
COPY --from=build /app/locales ./locales
COPY --from=build /app/scripts ./scripts
COPY --from=build /app/web ./web
COPY --from=build /app/worker ./worker
COPY --from=build /app/workflows ./workflows
COPY --from=build /app/deploy/image ./deploy/image
COPY --from=build /app/workflow-bundle ./workflow-bundle
# Production defaults; everything else (DATABASE_URL, Temporal, keys) comes from the environment.
# HOME and TMPDIR point at /tmp, the one writable place (an emptyDir volume in Kubernetes).
ENV NODE_ENV=production \
  HOST=0.0.0.0 \
  PORT=3000 \
  TEMPORAL_DEV_SERVER=false \
  WORKFLOW_BUNDLE_PATH=/app/workflow-bundle/workflow-bundle.js \
  HOME=/tmp \
  TMPDIR=/tmp
USER 10001:10001
EXPOSE 3000
# Docker only; Kubernetes uses the chart's probes (deploy/helm). The role is read from the main process.
HEALTHCHECK --interval=30s --timeout=5s --start-period=90s --retries=3 \
  CMD ["node", "deploy/image/healthcheck.mjs"]
ENTRYPOINT ["/app/deploy/image/entrypoint.sh"]
CMD ["api"]
