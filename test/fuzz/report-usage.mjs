// Preloaded with `node --import` by the fuzz test: reports the process's peak memory and CPU time at exit.
import { writeSync } from 'node:fs';

process.on('exit', () => {
  const usage = process.resourceUsage();
  writeSync(2, `\nPEAK_RSS_KB=${usage.maxRSS}\nCPU_MS=${Math.round((usage.userCPUTime + usage.systemCPUTime) / 1000)}\n`);
});
