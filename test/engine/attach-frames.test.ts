import { describe, expect, it } from 'vitest';
import { createDemuxer } from '../../src/engine/attach-frames.js';

function frame(stream: 1 | 2, text: string): Buffer {
  const payload = Buffer.from(text);
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

describe('createDemuxer', () => {
  it('splits frames cut anywhere into lines per stream, the last line without its newline too', () => {
    const lines: string[] = [];
    const demuxer = createDemuxer((line, stream) => lines.push(`${stream}:${line}`));
    const bytes = Buffer.concat([frame(1, 'one\r\ntw'), frame(2, 'err\n'), frame(1, 'o\nü'), frame(1, 'nfinished')]);
    // One byte at a time: headers, payloads and a two-byte character all arrive cut.
    for (const byte of bytes) demuxer.push(Buffer.from([byte]));
    expect(demuxer.end()).toBe('one\nerr\ntwo\nünfinished');
    expect(lines).toEqual(['stdout:one', 'stderr:err', 'stdout:two', 'stdout:ünfinished']);
  });
});
