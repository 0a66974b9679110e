// Registry stage: the OCI Distribution API calls taskrun needs (manifests by tag or
// digest, blobs, cross-repository mounts), each checked against the sha256 it claims.

import { createHash } from 'node:crypto';
import { RegistryAuth, repositoryScope } from './auth.js';
import { RegistryError } from './errors.js';
import { DEFAULT_RETRY_POLICY, fetchWithRetry, parseInsecureRegistries, schemeFor, type FetchOptions, type HttpRequest, type RetryNotice, type RetryPolicy } from './http.js';
import { detectManifestMediaType, MANIFEST_ACCEPT } from './media-types.js';
import { apiHost, formatReference, manifestTarget, repositoryName, type ImageReference } from './reference.js';

export interface RegistryClientOptions {
  readonly env: NodeJS.ProcessEnv;
  readonly signal: AbortSignal;
  /** Hosts named by `--insecure` (added to `TASKRUN_INSECURE_REGISTRIES`). */
  readonly insecureRegistries?: readonly string[];
  readonly retryPolicy?: RetryPolicy;
  readonly onRetry?: (notice: RetryNotice & { readonly url: string }) => void;
}

export interface ManifestDescriptorInfo {
  readonly mediaType: string;
  readonly digest: string;
  readonly size: number;
}

export interface FetchedManifest extends ManifestDescriptorInfo {
  readonly bytes: Buffer;
  readonly json: ManifestJson;
}

export interface DescriptorJson {
  readonly mediaType?: string;
  readonly digest: string;
  readonly size: number;
  readonly annotations?: Readonly<Record<string, string>>;
  readonly platform?: PlatformJson;
  readonly urls?: readonly string[];
}

export interface PlatformJson {
  readonly architecture: string;
  readonly os: string;
  readonly 'os.version'?: string;
  readonly 'os.features'?: readonly string[];
  readonly variant?: string;
  readonly features?: readonly string[];
}

export interface ManifestJson {
  readonly schemaVersion?: number;
  readonly mediaType?: string;
  readonly config?: DescriptorJson;
  readonly layers?: readonly DescriptorJson[];
  readonly manifests?: readonly DescriptorJson[];
  readonly annotations?: Readonly<Record<string, string>>;
}

export type MountOutcome = 'mounted' | 'copied';

export function sha256Digest(bytes: Uint8Array | string): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

interface SendOptions {
  readonly ref: ImageReference;
  readonly method: HttpRequest['method'];
  /** After `/v2/<name>/`, or a full URL (upload locations). */
  readonly path: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: Uint8Array | string;
  readonly scopes: readonly string[];
}

export class RegistryClient {
  private readonly auth: RegistryAuth;
  private readonly fetchOptions: FetchOptions;
  private readonly insecure: readonly string[];

  constructor(options: RegistryClientOptions) {
    this.insecure = [...parseInsecureRegistries(options.env.TASKRUN_INSECURE_REGISTRIES), ...(options.insecureRegistries ?? [])];
    const policy = options.retryPolicy ?? DEFAULT_RETRY_POLICY;
    this.fetchOptions = { signal: options.signal, policy };
    this.auth = new RegistryAuth({ env: options.env, fetchOptions: this.fetchOptions });
    this.onRetry = options.onRetry;
  }

  private readonly onRetry: RegistryClientOptions['onRetry'];

  /** `http://127.0.0.1:5000` for a reference's registry. */
  baseUrl(ref: ImageReference): string {
    const host = apiHost(ref.domain);
    return `${schemeFor(host, this.insecure)}://${host}`;
  }

  async getManifest(ref: ImageReference): Promise<FetchedManifest> {
    const response = await this.send({ ref, method: 'GET', path: `manifests/${manifestTarget(ref)}`, headers: { accept: MANIFEST_ACCEPT }, scopes: [repositoryScope(ref.path, 'pull')] });
    if (!response.ok) throw await this.failure(response, ref, 'read the manifest of');
    const bytes = Buffer.from(await response.arrayBuffer());
    const digest = sha256Digest(bytes);
    const expected = ref.digest ?? sha256Announced(response.headers.get('docker-content-digest'));
    if (expected !== undefined && expected !== digest) {
      throw new RegistryError(`manifest verification failed for ${formatReference(ref)}: the registry sent content with digest ${digest}, expected ${expected}`, {
        hint: 'the registry or a proxy in between altered the manifest; retry, and report it to the registry operator if it persists',
      });
    }
    let json: ManifestJson;
    try {
      json = JSON.parse(bytes.toString('utf8')) as ManifestJson;
    } catch {
      throw new RegistryError(`the manifest of ${formatReference(ref)} is not valid JSON`);
    }
    return { mediaType: detectManifestMediaType(response.headers.get('content-type'), json), digest, size: bytes.length, bytes, json };
  }

  /** HEAD a manifest: its descriptor, or undefined when the registry does not have it. */
  async headManifest(ref: ImageReference): Promise<ManifestDescriptorInfo | undefined> {
    const response = await this.send({ ref, method: 'HEAD', path: `manifests/${manifestTarget(ref)}`, headers: { accept: MANIFEST_ACCEPT }, scopes: [repositoryScope(ref.path, 'pull')] });
    if (response.status === 404) return undefined;
    if (!response.ok) throw await this.failure(response, ref, 'look up');
    const digest = response.headers.get('docker-content-digest') ?? ref.digest;
    if (!digest) throw new RegistryError(`the registry gave no digest for ${formatReference(ref)} (no Docker-Content-Digest header)`);
    return {
      mediaType: response.headers.get('content-type')?.split(';')[0]?.trim() ?? '',
      digest,
      size: Number(response.headers.get('content-length') ?? 0),
    };
  }

  /** PUT a manifest by tag or digest; returns the digest after checking the registry stored exactly these bytes. */
  async putManifest(options: { ref: ImageReference; bytes: Buffer; mediaType: string }): Promise<string> {
    const { ref, bytes } = options;
    const digest = sha256Digest(bytes);
    const response = await this.send({
      ref,
      method: 'PUT',
      path: `manifests/${manifestTarget(ref)}`,
      headers: { 'content-type': options.mediaType },
      body: bytes,
      scopes: [repositoryScope(ref.path, 'pull,push')],
    });
    if (!response.ok) throw await this.failure(response, ref, 'push the manifest to');
    await response.body?.cancel();
    const announced = sha256Announced(response.headers.get('docker-content-digest'));
    if (announced !== undefined && announced !== digest) {
      throw new RegistryError(`the registry stored ${formatReference(ref)} with digest ${announced}, but taskrun sent ${digest}`);
    }
    return digest;
  }

  async getBlob(ref: ImageReference, digest: string): Promise<Buffer> {
    const response = await this.send({ ref, method: 'GET', path: `blobs/${digest}`, scopes: [repositoryScope(ref.path, 'pull')] });
    if (!response.ok) throw await this.failure(response, { ...ref, digest }, 'read the blob');
    const bytes = Buffer.from(await response.arrayBuffer());
    if (sha256Digest(bytes) !== digest) {
      throw new RegistryError(`blob verification failed for ${repositoryName(ref)}@${digest}: the content has digest ${sha256Digest(bytes)}`, {
        hint: 'the registry or a proxy in between altered the blob; retry, and report it to the registry operator if it persists',
      });
    }
    return bytes;
  }

  async hasBlob(ref: ImageReference, digest: string): Promise<boolean> {
    const response = await this.send({ ref, method: 'HEAD', path: `blobs/${digest}`, scopes: [repositoryScope(ref.path, 'pull')] });
    if (response.status === 404) return false;
    if (!response.ok) throw await this.failure(response, { ...ref, digest }, 'look up the blob');
    return true;
  }

  /** Cross-repository mount; when the registry declines (202), the blob is copied through taskrun instead. */
  async mountBlob(options: { target: ImageReference; from: ImageReference; digest: string }): Promise<MountOutcome> {
    const { target, from, digest } = options;
    const query = new URLSearchParams({ mount: digest, from: from.path });
    const response = await this.send({
      ref: target,
      method: 'POST',
      path: `blobs/uploads/?${query.toString()}`,
      headers: { 'content-length': '0' },
      scopes: [repositoryScope(target.path, 'pull,push'), repositoryScope(from.path, 'pull')],
    });
    await response.body?.cancel();
    if (response.status === 201) return 'mounted';
    if (response.status !== 202) throw await this.failure(response, target, `mount blob ${digest} from ${repositoryName(from)} into`);
    const location = response.headers.get('location');
    if (!location) throw new RegistryError(`the registry started an upload to ${repositoryName(target)} without a Location header`);
    const bytes = await this.getBlob(from, digest);
    const uploadUrl = new URL(location, `${this.baseUrl(target)}/`);
    uploadUrl.searchParams.set('digest', digest);
    const put = await this.send({
      ref: target,
      method: 'PUT',
      path: uploadUrl.toString(),
      headers: { 'content-type': 'application/octet-stream' },
      body: bytes,
      scopes: [repositoryScope(target.path, 'pull,push')],
    });
    await put.body?.cancel();
    if (!put.ok) throw await this.failure(put, target, `upload blob ${digest} to`);
    return 'copied';
  }

  private async send(options: SendOptions): Promise<Response> {
    const host = apiHost(options.ref.domain);
    const url = /^https?:\/\//.test(options.path) ? options.path : `${this.baseUrl(options.ref)}/v2/${options.ref.path}/${options.path}`;
    const authTarget = { host, domain: options.ref.domain, repositoryPath: options.ref.path, scopes: options.scopes };
    const authorization = await this.auth.authorizationFor(authTarget);
    const request = (auth: string | undefined): HttpRequest => ({
      method: options.method,
      url,
      headers: { ...options.headers, ...(auth && { authorization: auth }) },
      ...(options.body !== undefined && { body: options.body }),
    });
    const fetchOptions: FetchOptions = this.onRetry ? { ...this.fetchOptions, onRetry: (notice) => this.onRetry?.({ ...notice, url }) } : this.fetchOptions;
    const response = await fetchWithRetry(request(authorization), fetchOptions);
    if (response.status !== 401) return response;
    const answer = await this.auth.answerChallenge({ ...authTarget, header: response.headers.get('www-authenticate'), sent: authorization });
    if (answer === undefined || answer === authorization) return response;
    await response.body?.cancel();
    return fetchWithRetry(request(answer), fetchOptions);
  }

  private async failure(response: Response, ref: ImageReference, action: string): Promise<RegistryError> {
    const detail = await readRegistryErrors(response);
    const host = ref.domain;
    const what = (problem: string) => `cannot ${action} ${formatReference(ref)}: ${problem}${detail ? ` (${detail})` : ''}`;
    switch (response.status) {
      case 401:
        return new RegistryError(what('authentication required'), {
          status: 401,
          hint: `log in to ${host} (\`docker login ${host}\` or \`podman login ${host}\`) or check the credentials taskrun found for it`,
        });
      case 403:
        return new RegistryError(what('access denied'), {
          status: 403,
          hint: `the credentials for ${host} lack the permission this needs on ${ref.path}; use an account or token that has it`,
        });
      case 404:
        return new RegistryError(what('not found'), {
          status: 404,
          hint: `check the repository name and tag, and that the image was pushed to ${host}`,
        });
      default:
        return new RegistryError(what(`the registry answered HTTP ${response.status}`), { status: response.status });
    }
  }
}

function sha256Announced(header: string | null): string | undefined {
  return header !== null && header.startsWith('sha256:') ? header : undefined;
}

async function readRegistryErrors(response: Response): Promise<string> {
  if (response.bodyUsed || response.body === null) return '';
  const text = await response.text().catch(() => '');
  try {
    const parsed = JSON.parse(text) as { errors?: { code?: string; message?: string }[] };
    return (parsed.errors ?? []).map((e) => [e.code, e.message].filter(Boolean).join(' ')).join('; ');
  } catch {
    return text.trim().slice(0, 200);
  }
}
