#!/usr/bin/env bash
# Server CPU per request of an experiment server (bench/experiments/<script>.ts,
# which reads VARIANT and PORT) for each variant given, under autocannon
# (32 connections, 3 s measured after a 1 s warm-up).
# Usage: bash bench/experiments/compare.sh <script> <variant>...  ("" is the plain server)
cd "$(dirname "$0")/../.."
script=$1
shift
for variant in "$@"; do
  VARIANT=$variant PORT=4559 node --import tsx "bench/experiments/$script.ts" >/dev/null 2>&1 &
  pid=$!
  for _ in $(seq 1 50); do curl -sf -o /dev/null http://127.0.0.1:4559/json && break; sleep 0.1; done
  node_modules/.bin/autocannon -c 32 -d 1 http://127.0.0.1:4559/json >/dev/null 2>&1
  read -r u0 s0 < <(awk '{print $14, $15}' "/proc/$pid/stat")
  n=$(node_modules/.bin/autocannon -c 32 -d 3 -j http://127.0.0.1:4559/json 2>/dev/null | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).requests.total))')
  read -r u1 s1 < <(awk '{print $14, $15}' "/proc/$pid/stat")
  echo "[${variant:-plain}] $((n / 3)) req/s, $(( (u1 - u0 + s1 - s0) * 10000000 / n / 1000 )) µs CPU per request"
  kill "$pid"; wait "$pid" 2>/dev/null
done
