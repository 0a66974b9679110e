// Preloaded with `node --import` by bench/front.mjs: reports the process's peak memory at exit.
import { writeSync } from 'node:fs';

process.on('exit', () => {
  const text = Buffer.from(`\nPEAK_RSS_KB=${process.resourceUsage().maxRSS}\n`);
  // stderr may be a non-blocking pipe a busy parent has not emptied yet: retry what EAGAIN refused.
  for (let rest = text; rest.length > 0; ) {
    try {
      rest = rest.subarray(writeSync(2, rest));
    } catch (caught) {
      if (caught.code !== 'EAGAIN') throw caught;
    }
  }
});
