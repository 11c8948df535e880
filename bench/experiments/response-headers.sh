#!/usr/bin/env bash
# Server CPU per request of bench/experiments/response-headers.ts for each
# variant, three rounds (autocannon, 32 connections, 3 s after 1 s warm-up).
cd "$(dirname "$0")/../.."
run() {
  VARIANT=$1 PORT=4559 node --import tsx bench/experiments/response-headers.ts >/dev/null 2>&1 &
  local pid=$!
  for _ in $(seq 1 50); do curl -sf -o /dev/null http://127.0.0.1:4559/json && break; sleep 0.1; done
  node_modules/.bin/autocannon -c 32 -d 1 http://127.0.0.1:4559/json >/dev/null 2>&1
  read -r u0 s0 < <(awk '{print $14, $15}' "/proc/$pid/stat")
  local n
  n=$(node_modules/.bin/autocannon -c 32 -d 3 -j http://127.0.0.1:4559/json 2>/dev/null | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).requests.total))')
  read -r u1 s1 < <(awk '{print $14, $15}' "/proc/$pid/stat")
  echo "[${1:-bare}] $((n / 3)) req/s, $(( (u1 - u0 + s1 - s0) * 10000000 / n / 1000 )) µs CPU per request"
  kill "$pid"; wait "$pid" 2>/dev/null
}
for _ in 1 2 3; do for v in "" literal spread body; do run "$v"; done; done
