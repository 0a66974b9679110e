#!/usr/bin/env bash
# Test entry point (`npm test`): compile, type-check the tests too, bring the container lab up,
# then run vitest and close with one plain `N passed, N failed` line.
# Arguments go to vitest, e.g. `npm test -- test/plan`.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
npm run build
npm run typecheck
bash scripts/lab.sh up >/dev/null
results="dist/vitest-results.json"
rm -f "$results"
status=0
npx vitest run --reporter=default --reporter=json --outputFile="$results" "$@" || status=$?
if [[ -f "$results" ]]; then
  node -e '
const r = JSON.parse(require("node:fs").readFileSync(process.argv[1], "utf8"));
console.log(`tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed`);' "$results"
fi
exit "$status"
