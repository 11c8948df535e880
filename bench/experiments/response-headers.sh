#!/usr/bin/env bash
# bench/experiments/response-headers.ts, each variant three times.
exec bash "$(dirname "$0")/compare.sh" response-headers "" literal spread body "" literal spread body "" literal spread body
