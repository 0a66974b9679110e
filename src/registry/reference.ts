// Registry stage: image references as docker reads them (distribution/reference's
// ParseNormalizedNamed): `busybox` → `docker.io/library/busybox:latest`,
// `localhost:5000/x`, `host/repo:tag`, `host/repo@sha256:…`, `host/repo:tag@sha256:…`.

export const DOCKER_HUB_DOMAIN = 'docker.io';
const DOCKER_HUB_API_HOST = 'registry-1.docker.io';

export interface ImageReference {
  /** Registry host (with port), `docker.io` for Docker Hub. */
  readonly domain: string;
  /** Repository path inside the registry, e.g. `library/busybox`. */
  readonly path: string;
  readonly tag?: string;
  readonly digest?: string;
}

export class ReferenceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReferenceError';
  }
}

const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN = `(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[a-fA-F0-9:]+\\])(?::[0-9]+)?`;
const PATH_COMPONENT = '[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*';
const TAG = '[\\w][\\w.-]{0,127}';
const DIGEST = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}';
const NAME_PATTERN = new RegExp(`^(?:(${DOMAIN})/)?(${PATH_COMPONENT}(?:/${PATH_COMPONENT})*)$`);
const TAG_PATTERN = new RegExp(`^${TAG}$`);
const DIGEST_PATTERN = new RegExp(`^${DIGEST}$`);
const ANCHORED_HEX_64 = /^[a-f0-9]{64}$/;

// Docker's rules: the first path part is a registry only if it has a `.` or `:` or is `localhost`.
export function parseReference(text: string): ImageReference {
  if (ANCHORED_HEX_64.test(text)) {
    throw new ReferenceError(`invalid repository name (${text}), cannot specify 64-byte hexadecimal strings`);
  }
  let rest = text;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST_PATTERN.test(digest)) throw new ReferenceError('invalid reference format');
    if (digest.startsWith('sha256:') && !/^sha256:[a-f0-9]{64}$/.test(digest)) {
      throw new ReferenceError('invalid checksum digest format');
    }
  }
  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > lastSlash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG_PATTERN.test(tag)) throw new ReferenceError('invalid reference format');
  }
  const { domain, remainder } = splitDomain(rest);
  const name = `${domain}/${remainder}`;
  if (remainder.toLowerCase() !== remainder) {
    throw new ReferenceError(`invalid reference format: repository name (${remainder}) must be lowercase`);
  }
  if (!NAME_PATTERN.test(name) || name.length > 255) {
    throw new ReferenceError(name.length > 255 ? 'repository name must not be more than 255 characters' : 'invalid reference format');
  }
  return { domain, path: remainder, ...(tag !== undefined && { tag }), ...(digest !== undefined && { digest }) };
}

function splitDomain(name: string): { domain: string; remainder: string } {
  const slash = name.indexOf('/');
  let domain = DOCKER_HUB_DOMAIN;
  let remainder = name;
  if (slash >= 0) {
    const first = name.slice(0, slash);
    const looksLikeHost = first.includes('.') || first.includes(':') || first === 'localhost' || first.toLowerCase() !== first;
    if (looksLikeHost) {
      domain = first;
      remainder = name.slice(slash + 1);
    }
  }
  if (domain === 'index.docker.io') domain = DOCKER_HUB_DOMAIN;
  if (domain === DOCKER_HUB_DOMAIN && !remainder.includes('/')) remainder = `library/${remainder}`;
  return { domain, remainder };
}

/** Like docker's normalizeReference: `:latest` is added unless a digest is given. */
export function parseNormalizedReference(text: string): ImageReference {
  const ref = parseReference(text);
  return ref.tag === undefined && ref.digest === undefined ? { ...ref, tag: 'latest' } : ref;
}

/** `domain/path`, the repository's full name. */
export function repositoryName(ref: ImageReference): string {
  return `${ref.domain}/${ref.path}`;
}

/** The full form docker prints: `docker.io/library/busybox:latest`, `host/x:tag@sha256:…`. */
export function formatReference(ref: ImageReference): string {
  return `${repositoryName(ref)}${ref.tag !== undefined ? `:${ref.tag}` : ''}${ref.digest !== undefined ? `@${ref.digest}` : ''}`;
}

/** The tag or digest the registry API addresses (`manifests/<this>`); the digest wins. */
export function manifestTarget(ref: ImageReference): string {
  return ref.digest ?? ref.tag ?? 'latest';
}

export function withDigest(ref: ImageReference, digest: string): ImageReference {
  return { ...ref, digest };
}

/** The host the registry API lives at (`docker.io` is served by `registry-1.docker.io`). */
export function apiHost(domain: string): string {
  return domain === DOCKER_HUB_DOMAIN ? DOCKER_HUB_API_HOST : domain;
}
