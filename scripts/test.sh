#!/usr/bin/env bash
# Test entry point (`npm test`): compile, type-check the tests too, bring the container lab up,
# then run vitest.
# Arguments go to vitest, e.g. `npm test -- test/plan`.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
npm run build
npm run typecheck
bash scripts/lab.sh up >/dev/null
npx vitest run "$@"
