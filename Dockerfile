# syntax=docker/dockerfile:1
# One image for every Kvartirnsk process; docker-compose.yml picks the command per service:
#   node_modules/.bin/tsx api/bookings/server.ts | api/gateway/server.ts | workers/booking.ts | workers/payment.ts
#   node web/build/index.js
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
EXPOSE 3000 4002 8080
CMD ["node", "web/build/index.js"]
