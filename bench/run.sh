#!/usr/bin/env bash
# `npm run bench`: installs what is missing (redis-server, npm packages, the
# oidc-provider peer), then runs bench/main.ts. See bench/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."
# redis-server only: the benchmarks need no browser
command -v redis-server >/dev/null 2>&1 || bash scripts/ensure-deps.sh
[ -d node_modules ] || npm install --no-audit --no-fund
[ -d bench/peers/node_modules/oidc-provider ] || npm ci --prefix bench/peers --no-audit --no-fund
node scripts/prisma-generate.mjs && node scripts/build.mjs
exec node --import tsx bench/main.ts "$@"
