# One image for every foryou app (home-mixer now; thunder, phoenix, workers and the CLI's loadgen use
# the same image with a different command). Built by docker-compose.yml (`build: .`).

# ── build: install all workspaces, compile with project references, drop dev dependencies ──────────
FROM node:20-bookworm-slim AS build
# Toolchain for native addons that have no prebuilt binary (node-gyp: python3, make, g++).
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
# The whole context (see .dockerignore): workspaces are globbed (apps/*, libs/*), so copying only the
# manifests first would silently miss a new workspace. `npm install`, not `npm ci` (npm 11.19 issue).
COPY . .
RUN npm install --no-audit --no-fund \
  && npm run build \
  && npm prune --omit=dev --no-audit --no-fund

# ── runtime ─────────────────────────────────────────────────────────────────────────────────────────
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build --chown=node:node /app /app
USER node
EXPOSE 8080
CMD ["node", "apps/home-mixer/dist/main.js"]
