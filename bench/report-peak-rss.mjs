// Preloaded with `node --import` by bench/front.mjs: reports the process's peak memory at exit.
import { writeSync } from 'node:fs';

process.on('exit', () => {
  writeSync(2, `\nPEAK_RSS_KB=${process.resourceUsage().maxRSS}\n`);
});
