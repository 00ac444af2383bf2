# The opencc app: `docker compose up` builds it (docker-compose.yml), or
# `docker build -t opencc .`. Official Node.js image, Debian bookworm slim, Node 22 LTS.
ARG NODE_IMAGE=node:22-bookworm-slim

# ---- build: all dependencies, TypeScript compiled to dist/ ----
FROM ${NODE_IMAGE} AS build
WORKDIR /app
# patches/ before the install: its postinstall (patch-package) patches esl-lite's parser.
COPY package.json package-lock.json ./
COPY patches ./patches
# `npm install`, not `npm ci`: the lock file can lack msgpackr-extract's prebuilt packages
# for other platforms, and `npm ci` then refuses it as out of sync (see .ci/run). It still
# installs the versions the lock file pins.
RUN npm install --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
# Then drop the dev dependencies, which the runtime does not need. --ignore-scripts: nothing
# is installed anew, and the esl-lite patch applied above stays in place.
RUN npm run build \
 && npm prune --omit=dev --ignore-scripts --no-audit --no-fund

# ---- runtime ----
FROM ${NODE_IMAGE}
ENV NODE_ENV=production
WORKDIR /app
# What the app reads at run time: compiled code, production node_modules, and the data it
# loads at start: prompts (checked against the flows), flows, queues, campaign scripts,
# database migrations (dist/db/database.js looks for ../../drizzle).
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY prompts ./prompts
COPY flows ./flows
COPY queues ./queues
COPY campaigns/scripts ./campaigns/scripts
COPY drizzle ./drizzle
# The pages' CSS, scripts and dictionaries (src/web/i18n), beside the compiled routes that serve them (dist/web/routes.js),
# and the Redis Lua scripts beside the modules that load them (dist/calls/conversations.js, dist/queue/scripts.js, dist/auth/sessions.js).
COPY src/web/static ./dist/web/static
COPY src/web/i18n ./dist/web/i18n
COPY src/calls/lua ./dist/calls/lua
COPY src/queue/lua ./dist/queue/lua
COPY src/auth/lua ./dist/auth/lua
COPY src/lines/lua ./dist/lines/lua
# Files stay root-owned (the app cannot change its own code); it writes only to data/ (the
# embedded database when no DATABASE_URL is set) and reads the recordings FreeSWITCH writes.
RUN mkdir -p /app/data /var/lib/opencc/recordings \
 && chown node:node /app/data /var/lib/opencc/recordings
# The official image's unprivileged user (uid 1000).
USER node
# 3000: HTTP API and /health. 8084: where FreeSWITCH's socket application connects.
EXPOSE 3000 8084
# /health answers 200 when the database and Redis answer, 503 otherwise.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.HTTP_PORT || 3000) + '/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/main.js"]
