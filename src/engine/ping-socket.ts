// Stage 5, execute: whether an engine API answers on a unix socket (`GET /_ping`).

import http from 'node:http';

/** True once the socket answers 200 within `timeoutMs`; false on any error, other answer or silence. */
export function pingSocket(socketPath: string, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const request = http.get({ socketPath, path: '/_ping', timeout: timeoutMs, agent: false }, (response) => {
      response.resume();
      resolve(response.statusCode === 200);
    });
    request.on('timeout', () => request.destroy());
    request.on('error', () => resolve(false));
  });
}
