#!/usr/bin/env node
// The CLI, bundled by `npm run build` (scripts/bundle.mjs); its entry is src/cli/entry.ts.
import '../dist/bundle/taskrun.mjs';
