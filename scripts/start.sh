#!/bin/sh
# `npm start`, the Docker image and the benchmarks all run the server this way:
# the bundle, with process settings measured in bench/ (see README, Performance).
# - UV_THREADPOOL_SIZE = the cores (at least 2): argon2id runs on libuv's pool,
#   and more hashing threads than cores only fight over them. On 2 cores, 2
#   threads verify 84/s against 74/s for node's default of 4, and hold half the
#   memory (every hash allocates 19 MiB on its thread; see the next line).
# - MALLOC_ARENA_MAX=2: with glibc's default of one malloc arena per thread,
#   each thread keeps its 19 MiB block after the hash, for good.
# - --heap-growing-percent=35: after each full collection V8 lets the old space
#   grow to 4x the live heap on a host with GBs to spare; 1.35x here. Latchkey's
#   live heap is tens of MB. Not --max-old-space-size=384, which set the same
#   factor: any limit below V8's default made every request dearer, with the
#   same collections (a fresh process's JWKS answer 35.6-37 µs of CPU, sometimes
#   41-44, against 32.8-34.1 without a limit; bench/experiments/node-flags.ts).
# - --max-semi-space-size=8: a young generation of 16 MB instead of 32 MB. Now
#   that start-up compiles less (--liftoff-only below, route schemas on first
#   use), its extra collections cost no measurable start-up CPU.
# - --liftoff-only: Prisma's query compiler is a 3.4 MB WebAssembly module.
#   V8 compiles it with its baseline compiler (Liftoff) and then again with
#   TurboFan on background threads, whose working memory glibc keeps: 45-60 MB
#   of RSS for good, and about half a second of start-up CPU. The hot paths send SQL without
#   it (db.sql), so the optimised build buys nothing there (bench/RESULTS.md).
# - --no-memory-reducer: when the process goes idle, V8's memory reducer runs
#   full collections that shrink the heap (about 35 MB of RSS back after 20 s
#   idle) and leave the process dearer once requests come back. A process
#   that sat idle 20 s after start-up answered the JWK Set with 10 µs more CPU
#   per request (median 9; about a quarter) than one started that moment, in
#   13 rounds of 14; without the reducer, idle was cheaper in 10 of 14 (median
#   -2 µs) (bench/experiments/idle-penalty.ts). A full collection forced while
#   idle did the same without the reducer, so it is the idle-time collection.
#   What the server needs under load must be there anyway; it keeps it.
# Each can be overridden: set UV_THREADPOOL_SIZE, MALLOC_ARENA_MAX, or LATCHKEY_NODE_FLAGS.
# Arguments are passed to node as extra flags (the benchmarks' --cpu-prof);
# LATCHKEY_ENTRY runs another script under the same settings (the benchmarks' argon2id floor).
cd "$(dirname "$0")/.." || exit 1
cores=$(nproc 2>/dev/null || echo 2)
[ "$cores" -ge 2 ] 2>/dev/null || cores=2
exec env UV_THREADPOOL_SIZE="${UV_THREADPOOL_SIZE:-$cores}" MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}" \
  node --enable-source-maps ${LATCHKEY_NODE_FLAGS:---heap-growing-percent=35 --liftoff-only --max-semi-space-size=8 --no-memory-reducer} "$@" "${LATCHKEY_ENTRY:-dist/main.mjs}"
