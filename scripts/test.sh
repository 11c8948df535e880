#!/usr/bin/env bash
# `npm test`: installs what is missing, then runs every test (unit, integration
# against real Postgres and Redis, and Playwright end-to-end in Chromium).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh
[ -d node_modules ] || npm install --no-audit --no-fund
node scripts/prisma-generate.mjs
exec node --import tsx scripts/run-tests.ts "$@"
