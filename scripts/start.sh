#!/bin/sh
# `npm start`, the Docker image and the benchmarks all run the server this way:
# the bundle, with process settings measured in bench/ (see README, Performance).
# - MALLOC_ARENA_MAX=2: every argon2id hash allocates 19 MiB on a libuv thread;
#   with glibc's default of one malloc arena per thread, each thread keeps its
#   block after the hash (about 20 MB of resident memory per thread for good).
# - --max-old-space-size=384: V8 lets its old space grow by a factor that
#   depends on the heap limit; with Node's default limit (GBs) it keeps about 4x
#   the live heap, with 384 MB about 2x. Latchkey's live heap is tens of MB.
#   (A smaller young generation saved another 24 MB but cost cold start CPU.)
# Each can be overridden: set MALLOC_ARENA_MAX, or LATCHKEY_NODE_FLAGS.
# Arguments are passed to node as extra flags (the benchmarks' --cpu-prof).
cd "$(dirname "$0")/.." || exit 1
exec env MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}" node --enable-source-maps ${LATCHKEY_NODE_FLAGS:---max-old-space-size=384} "$@" dist/main.mjs
