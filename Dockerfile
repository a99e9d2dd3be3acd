# syntax=docker/dockerfile:1
# One image for every Kvartirnsk process; docker-compose.yml (and deploy/kubernetes) picks the command per service:
#   node --import tsx --import ./lib/telemetry.ts api/<service>/server.ts | api/search/indexer.ts | workers/<pool>.ts
#   node web/build/index.js
# (lib/telemetry.ts is preloaded so OpenTelemetry patches http and express before they load; it stays off unless
# OTEL_EXPORTER_OTLP_ENDPOINT is set.)
ARG NODE_IMAGE=node:24-bookworm-slim

# --- manifests: only what `npm ci` reads, so the install layer below is reused until a manifest changes.
FROM ${NODE_IMAGE} AS manifests
WORKDIR /src
COPY . .
RUN mkdir /manifests \
 && find . -name node_modules -prune -o -type f \
      \( -name package.json -o -name package-lock.json -o -name .npmrc \) -print \
    | xargs -r cp --parents -t /manifests

# --- deps: the whole workspace tree, dev dependencies included (services run TypeScript through tsx).
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
ENV npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false
COPY --from=manifests /manifests/ ./
RUN --mount=type=cache,target=/root/.npm npm ci

# --- build: sources plus the SvelteKit production server (adapter-node writes web/build).
FROM deps AS build
COPY . .
RUN npm run build --workspace @kvartirnsk/web

# --- runtime
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app ./
USER node
# web, gateway, the services; internal metrics ports: gateway 9460, worker pools 9464-9468, search indexer 9469.
EXPOSE 3000 8080 4001 4002 4003 4004 4005 4006 4007 9460 9464 9465 9466 9467 9468 9469
CMD ["node", "web/build/index.js"]
