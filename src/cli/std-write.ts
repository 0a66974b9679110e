// CLI: what validate, render, commander and the error boundary print, written straight to file
// descriptors 1 and 2. process.stdout and process.stderr are streams Node builds on first use, and
// building one loads some 25 of Node's own modules (streams; net for a pipe): more time than a
// small file's whole render. Anything a descriptor does not take at once (a full non-blocking
// pipe: EAGAIN; …) goes to the stream instead, and so does every later write to it, to keep the
// order: the stream then waits, or reports, as it always has. A reader that has gone (EPIPE:
// `taskrun render big.yaml | head -1`) wants nothing more: the rest is dropped, as other tools do.

import { writeSync } from 'node:fs';

export type StdWrite = (data: string | Uint8Array) => void;

const streaming = new Set<1 | 2>();
const readerGone = new Set<1 | 2>();

function descriptorWriter(fd: 1 | 2, stream: () => NodeJS.WriteStream): StdWrite {
  const toStream = (data: string | Uint8Array) => {
    const target = stream();
    if (target.listenerCount('error') === 0) {
      target.on('error', (caught: NodeJS.ErrnoException) => {
        if (caught.code !== 'EPIPE') throw caught;
        readerGone.add(fd);
      });
    }
    target.write(data);
  };
  return (data) => {
    if (readerGone.has(fd)) return;
    if (streaming.has(fd)) {
      toStream(data);
      return;
    }
    let rest = typeof data === 'string' ? Buffer.from(data) : data;
    while (rest.length > 0) {
      try {
        rest = rest.subarray(writeSync(fd, rest));
      } catch (caught) {
        if ((caught as NodeJS.ErrnoException).code === 'EPIPE') {
          readerGone.add(fd);
          return;
        }
        streaming.add(fd);
        toStream(rest);
        return;
      }
    }
  };
}

export const writeStdout: StdWrite = descriptorWriter(1, () => process.stdout);
export const writeStderr: StdWrite = descriptorWriter(2, () => process.stderr);

/** Everything these writers were given is written: none of it went to a stream that may still hold some. */
export function isOutputWritten(): boolean {
  return streaming.size === 0;
}
