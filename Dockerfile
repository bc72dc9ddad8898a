# syntax=docker/dockerfile:1.7-labs
#
# One image recipe for every Kanary process; the build argument SERVICE picks which:
# router, model-worker, evaluator, decision, console (services/<name>) or cli (packages/cli, the
# `kanary` command, used to create topics and register schemas).
#
#   docker build --build-arg SERVICE=router -t kanary/router:0.1.0 .
#
# The build stage installs the workspace from the lockfile and compiles the chosen package and
# the workspace packages it depends on (tsc project references) to dist/; `pnpm deploy` then
# copies that package with its production dependencies only (workspace packages included, as
# built) into /out. The runtime stage is node:20-slim with /out, running as the unprivileged
# `node` user.

ARG NODE_IMAGE=node:20-slim

FROM ${NODE_IMAGE} AS build
ARG SERVICE
RUN test -n "$SERVICE" || (echo "build with --build-arg SERVICE=<router|model-worker|evaluator|decision|console|cli>" >&2; exit 1)
RUN npm install --global --no-fund --no-audit pnpm@10.34.8
WORKDIR /src
# Manifests first: the dependency layer is reused until a manifest or the lockfile changes.
COPY package.json pnpm-lock.yaml pnpm-workspace.yaml .npmrc ./
# Dependency patches pnpm applies on install (patchedDependencies in pnpm-workspace.yaml).
COPY patches ./patches
COPY --parents packages/*/package.json services/*/package.json ./
RUN pnpm install --frozen-lockfile
COPY tsconfig.base.json ./
COPY schemas ./schemas
COPY packages ./packages
COPY services ./services
RUN DIR="services/$SERVICE"; [ -d "$DIR" ] || DIR="packages/$SERVICE"; \
    [ -f "$DIR/tsconfig.json" ] || { echo "unknown SERVICE $SERVICE" >&2; exit 1; }; \
    pnpm exec tsc -b "$DIR" \
 && pnpm --filter "./$DIR" deploy --prod --legacy /out \
 && test -f /out/dist/main.js

FROM ${NODE_IMAGE} AS runtime
ARG SERVICE
LABEL org.opencontainers.image.title="kanary-${SERVICE}" \
      org.opencontainers.image.source="https://github.com/kanary/kanary" \
      org.opencontainers.image.licenses="Apache-2.0"
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /out /app
# The image's own `node` user (uid 1000): no process in the container runs as root.
USER node
ENTRYPOINT ["node", "dist/main.js"]
