#!/usr/bin/env bash
# CPU per request of bench/experiments/fastify-features.ts with each feature
# alone and all together, under autocannon (32 connections, 5 s after 2 s warm-up).
cd "$(dirname "$0")/../.."
run() {
  FEAT=$1 PORT=4559 node --import tsx bench/experiments/fastify-features.ts >/dev/null 2>&1 &
  local pid=$!
  for _ in $(seq 1 50); do curl -sf -o /dev/null http://127.0.0.1:4559/json && break; sleep 0.1; done
  node_modules/.bin/autocannon -c 32 -d 2 http://127.0.0.1:4559/json >/dev/null 2>&1
  read -r u0 s0 < <(awk '{print $14, $15}' "/proc/$pid/stat")
  local n
  n=$(node_modules/.bin/autocannon -c 32 -d 5 -j http://127.0.0.1:4559/json 2>/dev/null | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).requests.total))')
  read -r u1 s1 < <(awk '{print $14, $15}' "/proc/$pid/stat")
  echo "[${1:-bare}] $((n / 5)) req/s, $(( (u1 - u0 + s1 - s0) * 10000000 / n / 1000 )) µs CPU per request"
  kill "$pid"; wait "$pid" 2>/dev/null
}
for f in "" cookie uuid hooks headers body logger "" cookie,uuid,hooks,headers,body,logger; do run "$f"; done
