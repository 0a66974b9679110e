// Test support: a token server for a registry configured with `auth: token:`. It signs
// RS256 JWTs whose `x5c` header carries a self-signed certificate that the registry
// trusts through `rootcertbundle` (distribution's registry/auth/token rules).

import { execa } from 'execa';
import { createPrivateKey, randomUUID, sign, X509Certificate, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';

export const TOKEN_SERVICE = 'taskrun-test-registry';
export const TOKEN_ISSUER = 'taskrun-test-issuer';

export interface TokenIssuer {
  readonly realm: string;
  readonly certPath: string;
  /** Every scope list asked for, one entry per token request. */
  readonly requests: string[][];
  /** A token with pull/push on a repository, for test fixtures. */
  issue(scopes: readonly string[]): string;
  stop(): Promise<void>;
}

function base64Url(data: Buffer | string): string {
  return Buffer.from(data).toString('base64url');
}

export async function startTokenIssuer(options: { folder: string; user: string; password: string }): Promise<TokenIssuer> {
  const keyPath = join(options.folder, 'token-key.pem');
  const certPath = join(options.folder, 'token-cert.pem');
  await execa('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyPath, '-out', certPath, '-days', '2', '-subj', '/CN=taskrun-test-issuer']);
  const key: KeyObject = createPrivateKey(await readFile(keyPath));
  const certificate = new X509Certificate(await readFile(certPath));
  const requests: string[][] = [];

  const issue = (scopes: readonly string[]): string => {
    const now = Math.floor(Date.now() / 1000);
    const access = scopes.map((scope) => {
      const [type, name, actions] = scope.split(':');
      return { type, name, actions: (actions ?? '').split(',') };
    });
    const header = { typ: 'JWT', alg: 'RS256', x5c: [certificate.raw.toString('base64')] };
    const claims = { iss: TOKEN_ISSUER, sub: options.user, aud: TOKEN_SERVICE, exp: now + 300, nbf: now - 10, iat: now, jti: randomUUID(), access };
    const signingInput = `${base64Url(JSON.stringify(header))}.${base64Url(JSON.stringify(claims))}`;
    return `${signingInput}.${base64Url(sign('sha256', Buffer.from(signingInput), key))}`;
  };

  const expected = `Basic ${Buffer.from(`${options.user}:${options.password}`).toString('base64')}`;
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://issuer');
    const scopes = url.searchParams.getAll('scope');
    requests.push(scopes);
    if (req.headers.authorization !== expected) {
      res.writeHead(401, { 'content-type': 'application/json' }).end('{"details":"bad credentials"}');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token: issue(scopes), expires_in: 300 }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    realm: `http://127.0.0.1:${port}/token`,
    certPath,
    requests,
    issue,
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
