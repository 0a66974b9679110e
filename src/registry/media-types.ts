// Registry stage: the manifest media types taskrun reads and writes, and what each one is.

export const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';
export const DOCKER_MANIFEST_LIST = 'application/vnd.docker.distribution.manifest.list.v2+json';
export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';

export type ManifestMediaType = typeof DOCKER_MANIFEST | typeof DOCKER_MANIFEST_LIST | typeof OCI_MANIFEST | typeof OCI_INDEX;

/** What `GET /v2/<name>/manifests/<ref>` asks for: every kind taskrun understands. */
export const MANIFEST_ACCEPT = [OCI_INDEX, DOCKER_MANIFEST_LIST, OCI_MANIFEST, DOCKER_MANIFEST].join(', ');

/** buildx marks provenance/SBOM manifests inside an index with this annotation. */
export const REFERENCE_TYPE_ANNOTATION = 'vnd.docker.reference.type';
export const ATTESTATION_MANIFEST = 'attestation-manifest';
export const REFERENCE_DIGEST_ANNOTATION = 'vnd.docker.reference.digest';

export type ListFormat = 'docker' | 'oci';

export function isIndexMediaType(mediaType: string): boolean {
  return mediaType === DOCKER_MANIFEST_LIST || mediaType === OCI_INDEX;
}

export function isImageManifestMediaType(mediaType: string): boolean {
  return mediaType === DOCKER_MANIFEST || mediaType === OCI_MANIFEST;
}

/** The media type of a manifest body: the `Content-Type` if it is one we know, else the body's `mediaType`, else by shape. */
export function detectManifestMediaType(contentType: string | null, body: { readonly mediaType?: unknown; readonly manifests?: unknown; readonly config?: unknown }): string {
  const declared = contentType?.split(';')[0]?.trim();
  if (declared && (isIndexMediaType(declared) || isImageManifestMediaType(declared))) return declared;
  if (typeof body.mediaType === 'string' && body.mediaType !== '') return body.mediaType;
  if (Array.isArray(body.manifests)) return OCI_INDEX;
  if (body.config !== undefined) return OCI_MANIFEST;
  return declared ?? 'application/octet-stream';
}
