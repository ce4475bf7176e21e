# Tessera's image (docs/deploy.md): `docker build -t tessera .`
# Two stages: the build stage has the compilers better-sqlite3 needs and every devDependency; the
# runtime stage gets only dist/ (the compiled server and CLI, and the integration catalog under
# dist/providers), the built web console (console/dist), the workspaces' package.json and dist/ (node_modules/@tessera-api/* link to
# them: the server's CLI is @tessera-api/cli), the production node_modules and package.json, and
# runs as a non-root user.
ARG NODE_VERSION=20

FROM node:${NODE_VERSION}-bookworm-slim AS build
# better-sqlite3 downloads its prebuilt binary for this platform when GitHub is reachable and is
# compiled from source otherwise (docs/deploy.md), which needs python3, make and a C++ compiler.
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
# node-gyp compiles against this image's own Node headers instead of downloading them.
ENV npm_config_nodedir=/usr/local
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
# Install scripts off: `prepare` compiles the workspaces (packages/), which are not copied yet (this
# layer is cached until the lockfile changes; their links dangle until then). The two packages with
# an install step get it from rebuild.
RUN npm ci --ignore-scripts && npm rebuild better-sqlite3 esbuild
COPY tsconfig.json tsconfig.build.json ./
COPY scripts ./scripts
COPY packages ./packages
COPY src ./src
# The web console (docs/console.md): Vite builds it into console/dist during npm run build.
COPY console ./console
# The same commands as outside Docker (test/ops/build.test.ts runs the build and its output), then
# devDependencies (tsx, typescript, the simulators' API clients) are dropped.
RUN npm run build && npm prune --omit=dev

FROM node:${NODE_VERSION}-bookworm-slim
# 0.0.0.0: reachable from outside the container (the default, 127.0.0.1, is for a laptop).
# /data: the SQLite database and generated key when no TESSERA_DATABASE_URL is given.
ENV NODE_ENV=production \
  TESSERA_HOST=0.0.0.0 \
  PORT=8080 \
  TESSERA_DATA_DIR=/data
WORKDIR /app
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# Served at /console: the server finds it at ../console/dist from dist/ (routes/console/console.ts).
COPY --from=build /app/console/dist ./console/dist
COPY --from=build /app/packages/sdk/package.json ./packages/sdk/package.json
COPY --from=build /app/packages/sdk/dist ./packages/sdk/dist
COPY --from=build /app/packages/cli/package.json ./packages/cli/package.json
COPY --from=build /app/packages/cli/dist ./packages/cli/dist
RUN mkdir -p /data && chown node:node /data
# The official image's unprivileged user (uid 1000).
USER node
VOLUME ["/data"]
EXPOSE 8080
# /ready: the database answers, its migrations ran, the key opens what is stored, and the replica
# is not draining (Redis is reported but never fails it). No curl in the image: Node's fetch probes.
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 8080) + '/ready').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# SIGTERM drains requests in flight (TESSERA_SHUTDOWN_GRACE_MS); node runs as PID 1 and handles it.
STOPSIGNAL SIGTERM
CMD ["node", "dist/main.js", "serve"]
