#!/usr/bin/env bash
# bench/experiments/fastify-features.ts with each feature alone and all together.
exec bash "$(dirname "$0")/compare.sh" fastify-features "" cookie uuid hooks headers body logger "" cookie,uuid,hooks,headers,body,logger
