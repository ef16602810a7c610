# Aftershock: one image for every app, the app chosen by command.
#   aftershock:<version>             service image: `run ingest|correlator|recorder|problems|api`,
#                                     `migrate [--cluster NAME]`, `assess`, `replay`, `templates`;
#                                     talks to a ClickHouse server (CLICKHOUSE_URL), no chDB inside
#   aftershock:<version>-all-in-one  the same plus the embedded ClickHouse engine (chDB) for
#                                     `start` (every app in one process, nothing else to run)
# Build: `podman build --target all-in-one -t aftershock:all-in-one .` (or docker build);
# deploy/image/build.sh builds both here from a base assembled from Debian packages.
# Runs as the unprivileged `node` user (uid 1000) and writes only to /data and /tmp, so it runs
# with a read-only root filesystem (`--read-only`, `readOnlyRootFilesystem: true`).
ARG NODE_IMAGE=node:24-bookworm-slim

# --- build: every dependency, compile TypeScript, keep only what runs -----------------------
FROM ${NODE_IMAGE} AS build
# Where npm reaches the registry through a TLS-inspecting proxy: its CA bundle, mounted for the
# build only (deploy/image/build.sh passes the host's), never kept in a layer.
ARG NODE_EXTRA_CA_CERTS
WORKDIR /src
COPY package.json package-lock.json ./
# --ignore-scripts: the root package's `prepare` would compile before the sources are here;
# no dependency needs an install script (package.json allowScripts).
RUN npm install --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY apps ./apps
COPY libs ./libs
# Tests and their harness (#testing, #core/testing) are not part of the image (and some import
# test/, which is not copied).
RUN find apps libs \( -name '*.spec.ts' -o -name '*.int-spec.ts' -o -name '*.spec-support.ts' \) -delete \
 && npm run build \
 && rm -rf dist/libs/testing dist/libs/core/src/testing dist/.tsbuildinfo

# --- production dependencies only -----------------------------------------------------------
FROM ${NODE_IMAGE} AS deps
ARG NODE_EXTRA_CA_CERTS
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm install --omit=dev --ignore-scripts --no-audit --no-fund \
 && npm cache clean --force

# The service image talks to a ClickHouse server: drop chDB's engine (about 540 MB).
FROM deps AS service-deps
RUN rm -rf node_modules/@chdb

# --- service image --------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS service
ENV NODE_ENV=production \
    HTTP_HOST=0.0.0.0 \
    HTTP_PORT=8080 \
    AFTERSHOCK_DATA_DIR=/data \
    TMPDIR=/tmp
WORKDIR /app
COPY --from=service-deps /app/node_modules ./node_modules
COPY --from=build /src/dist ./dist
COPY package.json LICENSE README.md ./
COPY bin ./bin
COPY schemas ./schemas
COPY libs/storage/migrations ./libs/storage/migrations
COPY libs/storage/src/queries/sql ./libs/storage/src/queries/sql
COPY libs/ingestion/proto ./libs/ingestion/proto
COPY apps/api/ui ./apps/api/ui
COPY deploy/policy ./deploy/policy
# /data is the only place the apps write (the all-in-one's embedded chDB and durable log in
# /data/bus, AFTERSHOCK_BUS=embedded); owned by node.
RUN mkdir -p /data && chown 1000:1000 /data
USER 1000:1000
VOLUME ["/data"]
EXPOSE 8080
ENTRYPOINT ["node", "--enable-source-maps", "/app/bin/aftershock.js"]
CMD ["--help"]

# --- all-in-one: the service image plus the embedded engine ---------------------------------
FROM service AS all-in-one
COPY --from=deps /app/node_modules/@chdb ./node_modules/@chdb
CMD ["start"]
