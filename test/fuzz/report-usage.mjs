// Preloaded with `node --import` by the fuzz test: reports the process's peak memory and CPU time at exit.
import { writeSync } from 'node:fs';

// stderr may be a non-blocking pipe that a busy parent has not emptied yet: retry what EAGAIN refused.
function writeAll(fd, text) {
  let rest = Buffer.from(text);
  while (rest.length > 0) {
    try {
      rest = rest.subarray(writeSync(fd, rest));
    } catch (caught) {
      if (caught.code !== 'EAGAIN') throw caught;
    }
  }
}

process.on('exit', () => {
  const usage = process.resourceUsage();
  writeAll(2, `\nPEAK_RSS_KB=${usage.maxRSS}\nCPU_MS=${Math.round((usage.userCPUTime + usage.systemCPUTime) / 1000)}\n`);
});
