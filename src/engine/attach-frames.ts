// Stage 5, execute: the output stream of an attached container (engine API, no TTY): frames of
// stdout and stderr bytes, turned into lines per stream as the CLI prints them.

import type { OutputStream } from './process.js';

const TAIL_LINES = 40;
/** Each frame: stream (1 stdout, 2 stderr), three zero bytes, payload size (big-endian), payload. */
const FRAME_HEADER_BYTES = 8;

/** Splits the attach stream's frames into lines per stream, keeping the last lines for the result. */
export function createDemuxer(onLine: (line: string, stream: OutputStream) => void) {
  let pending: Buffer = Buffer.alloc(0);
  const partial: Record<OutputStream, string> = { stdout: '', stderr: '' };
  const tail: string[] = [];
  const decoders = { stdout: new TextDecoder(), stderr: new TextDecoder() };
  const note = (text: string) => {
    tail.push(text);
    if (tail.length > TAIL_LINES) tail.shift();
  };
  const line = (text: string, stream: OutputStream) => {
    note(text);
    onLine(text, stream);
  };
  const text = (stream: OutputStream, bytes: Uint8Array) => {
    const lines = (partial[stream] + decoders[stream].decode(bytes, { stream: true })).split('\n');
    partial[stream] = lines.pop() ?? '';
    for (const each of lines) line(each.endsWith('\r') ? each.slice(0, -1) : each, stream);
  };
  return {
    push(chunk: Buffer) {
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      while (pending.length >= FRAME_HEADER_BYTES) {
        const size = pending.readUInt32BE(4);
        if (pending.length < FRAME_HEADER_BYTES + size) break;
        const stream: OutputStream = pending[0] === 2 ? 'stderr' : 'stdout';
        text(stream, pending.subarray(FRAME_HEADER_BYTES, FRAME_HEADER_BYTES + size));
        pending = pending.subarray(FRAME_HEADER_BYTES + size);
      }
    },
    /** The last line of each stream, when it had no newline. */
    end(): string {
      for (const stream of ['stdout', 'stderr'] as const) {
        const rest = partial[stream] + decoders[stream].decode();
        partial[stream] = '';
        if (rest !== '') line(rest, stream);
      }
      return tail.join('\n');
    },
    line,
    /** A line for the result's tail only. */
    note,
  };
}

