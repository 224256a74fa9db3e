# syntax=docker/dockerfile:1
# Gatehouse image: runs the TypeScript sources with tsx (no separate build step).
#   docker build -t gatehouse .
#   docker run -e MASTER_KEY=... -e DATABASE_URL=... -e REDIS_URL=... -e BASE_URL=... -p 3000:3000 gatehouse
# The pinned embedded-PostgreSQL package is linux-x64 only: build for linux/amd64.

# ---- deps: install dependencies (argon2 may compile from source) and generate the Prisma client
FROM node:22-bookworm-slim AS deps
WORKDIR /app
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
ENV CHECKPOINT_DISABLE=1 \
    NPM_CONFIG_UPDATE_NOTIFIER=false \
    NPM_CONFIG_FUND=false \
    NPM_CONFIG_AUDIT=false
# The postinstall script runs `prisma generate`, which needs the schema and prisma.config.ts.
COPY package.json package-lock.json prisma.config.ts ./
COPY prisma ./prisma
RUN npm ci
# Nothing at runtime imports a devDependency (vitest, typescript, ...): drop them.
RUN npm prune --omit=dev

# ---- runtime
FROM node:22-bookworm-slim AS runtime
WORKDIR /app
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    DATA_DIR=/app/.data \
    MIGRATE_ON_START=false \
    CHECKPOINT_DISABLE=1 \
    NPM_CONFIG_UPDATE_NOTIFIER=false
# Code and dependencies stay root-owned (read-only for the app); only DATA_DIR is writable.
COPY --from=deps /app/node_modules ./node_modules
COPY --from=deps /app/src/generated ./src/generated
COPY package.json tsconfig.json prisma.config.ts ./
COPY prisma ./prisma
COPY views ./views
COPY bin ./bin
COPY src ./src
RUN mkdir -p /app/.data && chown node:node /app/.data
# The `node` user (uid 1000) ships with the official image.
USER node
EXPOSE 3000
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"
# Migrations run here (MIGRATE_ON_START=false above); exec hands PID 1 to node so SIGTERM
# reaches Gatehouse's graceful shutdown.
CMD ["sh", "-c", "npm run db:migrate && exec node --import tsx src/main.ts"]
