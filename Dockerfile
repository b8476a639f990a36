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
ENV NODE_ENV=production PORT=3000
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
USER node
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# V8 heap bounds: a process stays under ~200 MB RSS at full load (bench/README.md, docs/decisions/0012).
CMD ["node", "--max-semi-space-size=4", "--max-old-space-size=128", "src/main.ts"]
