// The process entry point (bundled into dist/bundle/taskrun.mjs, which bin/taskrun.js loads).

import { main } from './main.js';

process.exitCode = await main(process.argv.slice(2));
