#!/usr/bin/env bash
# The main job end to end: bring the local lab up (podman + a registry on localhost:5000)
# and run the multi-architecture sample for real: two images built for linux/amd64 and
# linux/arm64, pushed, combined into a manifest list, pushed and inspected.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f dist/cli/main.js ] || npm run build
bash scripts/lab.sh up
node bin/taskrun.cjs run samples/multi-arch/acr-task.yaml --registry localhost:5000 "$@"
