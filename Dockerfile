# wxbridge production image (house-style §12 #10): Node 24 base, production dependencies only,
# non-root, configuration only from the environment. Migrations are a separate step:
#   docker run --rm -e DATABASE_URL=… -e WXBRIDGE_MASTER_KEY=… wxbridge node src/cli.ts migrate
FROM node:24-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# --omit=optional drops the embedded PostgreSQL binaries (production requires DATABASE_URL);
# the npm `node` package only exists for Node 20 dev machines: the image has its own Node 24.
# --ignore-scripts: no production dependency needs an install script at run time: the `node` package's
# would download a Node binary only for it to be removed below, protobufjs's is not allowed (package.json
# allowScripts), and the root `prepare` (building packages/*/dist for npm publishing) has neither its
# script nor TypeScript here. The workspaces (packages/*, examples/*) are not copied: npm ci skips their
# links. test/deploy/image-start-path.test.ts replays these steps.
RUN npm ci --omit=dev --omit=optional --ignore-scripts --no-audit --no-fund \
 && rm -rf node_modules/node node_modules/node-linux-* node_modules/.bin/node

FROM node:24-bookworm-slim
# NODE_COMPILE_CACHE: Node's compile cache, warmed below (relative to WORKDIR; ADR 0033).
ENV NODE_ENV=production PORT=3000 NODE_COMPILE_CACHE=.compile-cache
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json ./
COPY bin ./bin
COPY config ./config
COPY migrations ./migrations
COPY src ./src
# The admin API verifies its bearer tokens with @wxbridge/verifier's core, run from source like src/.
COPY packages/verifier/package.json ./packages/verifier/
COPY packages/verifier/src ./packages/verifier/src
COPY scripts/warm-compile-cache.ts ./scripts/
# 1000: the base image's node user.
RUN mkdir .compile-cache && chown 1000 .compile-cache
USER node
# The cache is kept per user and per V8 flags: warmed as the image's user with the CMD's flags, so the
# server strips no type at start and never loads the stripper (≈ 18 MiB less RSS per process). A
# read-only root filesystem at run time only stops Node adding to it, silently.
RUN node --max-semi-space-size=4 --max-old-space-size=128 --no-allocation-site-pretenuring scripts/warm-compile-cache.ts
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# V8 heap bounds (docs/decisions/0012) and no allocation-site pretenuring (ADR 0033: after the first slow
# requests V8 would allocate every later request's objects in the old generation); bench/README.md.
CMD ["node", "--max-semi-space-size=4", "--max-old-space-size=128", "--no-allocation-site-pretenuring", "src/main.ts"]
