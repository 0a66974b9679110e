// Stage 3, normalise: just enough image-reference parsing to tell whether a name
// carries a tag or a digest (a registry port such as `localhost:5000/img` is not a tag),
// and whether two names mean the same image.

export function hasTagOrDigest(reference: string): boolean {
  if (reference.includes('@')) return true;
  const lastComponent = reference.slice(reference.lastIndexOf('/') + 1);
  return lastComponent.includes(':');
}

// ACR pushes `name` as `name:latest`; unlike acb (§8.25) a registry port does not count as a tag.
export function withDefaultTag(reference: string): string {
  return hasTagOrDigest(reference) ? reference : `${reference}:latest`;
}

/** The repository part: no tag, no digest (`localhost:5000/a/b:v1` → `localhost:5000/a/b`). */
export function repositoryOf(reference: string): string {
  const withoutDigest = reference.split('@')[0] ?? reference;
  const slash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.lastIndexOf(':');
  return colon > slash ? withoutDigest.slice(0, colon) : withoutDigest;
}

/** `withDefaultTag` over a list, keeping the first of equal results. */
export function normalizePushImages(images: readonly string[]): string[] {
  return [...new Set(images.map(withDefaultTag))];
}

// Docker's familiar names: `img` is `docker.io/library/img:latest`, `user/img` is
// `docker.io/user/img:latest`; a first component with `.` or `:`, or `localhost`, is a registry.
export function canonicalImageReference(reference: string): string {
  const tagged = withDefaultTag(reference);
  const slash = tagged.indexOf('/');
  const first = slash < 0 ? '' : tagged.slice(0, slash);
  const hasRegistry = first.includes('.') || first.includes(':') || first === 'localhost';
  const registry = hasRegistry ? first : 'docker.io';
  const remainder = hasRegistry ? tagged.slice(slash + 1) : tagged;
  if (registry !== 'docker.io' && registry !== 'index.docker.io') return tagged;
  return `docker.io/${remainder.includes('/') ? remainder : `library/${remainder}`}`;
}

// Docker's reference grammar (distribution/reference): [domain[:port]/]path[:tag][@digest], the
// path in lowercase components joined by `/`, each made of [a-z0-9] runs joined by `.`, `_`, `__` or dashes.
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN = `(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*(?::[0-9]+)?)`;
const PATH_COMPONENT = '(?:[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)';
const TAG = '(?:[\\w][\\w.-]{0,127})';
const DIGEST = '(?:[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,})';
const REFERENCE = new RegExp(`^(?:${DOMAIN}/)?${PATH_COMPONENT}(?:/${PATH_COMPONENT})*(?::${TAG})?(?:@${DIGEST})?$`);
const MAX_NAME_LENGTH = 255;

export function isValidImageReference(reference: string): boolean {
  if (!REFERENCE.test(reference)) return false;
  const name = reference.split('@')[0] ?? '';
  return repositoryOf(name).length <= MAX_NAME_LENGTH;
}
