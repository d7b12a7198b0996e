# One image for every process of the platform; the arguments after the entrypoint pick
# which one runs (docker-compose.yml and deploy/k8s do):
#   router:    dist/router/main.js                      (the default)
#   subgraph:  dist/scripts/start-subgraph.js <name>
# Node 26 is the current LTS (since 2026-10-28); the code also runs on Node 20.19+.
ARG NODE_IMAGE=node:26-trixie-slim

# 1. Compile: every dependency, then TypeScript to dist/ (scripts/build.ts).
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json .swcrc ./
COPY schema ./schema
COPY platform ./platform
COPY subgraphs ./subgraphs
COPY router ./router
COPY scripts ./scripts
COPY sdk ./sdk
RUN npm run build

# 2. Production dependencies only (no compiler, test tools or playground bundle).
FROM ${NODE_IMAGE} AS runtime-deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force

# 3. What runs: node behind tini (PID 1 reaps children and passes SIGTERM on, so the
#    router drains its sockets), as the unprivileged `node` user, files owned by root.
FROM ${NODE_IMAGE}
RUN apt-get update \
  && apt-get install -y --no-install-recommends tini \
  && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production
WORKDIR /app
COPY package.json ./
COPY --from=runtime-deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
USER node
EXPOSE 4000
# /health answers while the process runs; orchestrators use /ready for traffic.
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.ROUTER_PORT||process.env.PORT||4000)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["/usr/bin/tini", "--", "node"]
CMD ["dist/router/main.js"]
