import { isDigest } from '../core/digest.js';
import { invalidArgument, notImplemented } from '../core/errors.js';
import { MediaTypes, type Descriptor, type ImageManifest } from '../core/image-types.js';

export type ManifestDocument = { kind: 'index'; manifests: Descriptor[] } | { kind: 'manifest'; manifest: ImageManifest };

const INDEX_TYPES: string[] = [MediaTypes.ociIndex, MediaTypes.dockerManifestList];
const MANIFEST_TYPES: string[] = [MediaTypes.ociManifest, MediaTypes.dockerManifest];
const LAYER_TYPES: string[] = [
  MediaTypes.ociLayer, MediaTypes.ociLayerGzip, MediaTypes.ociLayerZstd, MediaTypes.dockerLayer, MediaTypes.dockerLayerGzip,
  'application/vnd.docker.image.rootfs.diff.tar.zstd',
];

/** Check a descriptor's shape; an invalid digest string is refused here, before any request uses it. */
export function checkDescriptor(d: unknown, where: string): Descriptor {
  const x = d as Partial<Descriptor> | null;
  if (!x || typeof x !== 'object') throw invalidArgument(`${where}: descriptor is not an object`);
  if (typeof x.digest !== 'string' || !isDigest(x.digest)) {
    throw invalidArgument(`${where}: invalid digest ${JSON.stringify(x.digest)}: expected sha256 followed by 64 lower-case hex characters`);
  }
  if (typeof x.size !== 'number' || !Number.isSafeInteger(x.size) || x.size < 0) throw invalidArgument(`${where}: invalid size ${JSON.stringify(x.size)} for ${x.digest}`);
  if (typeof x.mediaType !== 'string') throw invalidArgument(`${where}: descriptor ${x.digest} has no media type`);
  return x as Descriptor;
}

/**
 * Parse an image manifest or an index/manifest list (OCI image-spec manifest.md, image-index.md;
 * Docker image manifest v2 schema 2). Schema 1 is refused, as current Docker does.
 */
export function parseManifestDocument(bytes: Buffer, mediaType: string): ManifestDocument {
  let j: Record<string, unknown>;
  try {
    j = JSON.parse(bytes.toString()) as Record<string, unknown>;
  } catch {
    throw invalidArgument('manifest is not valid JSON');
  }
  if (j.schemaVersion === 1 || mediaType.startsWith('application/vnd.docker.distribution.manifest.v1')) {
    throw notImplemented('Docker Image manifest v2 schema 1 is not supported: push the image again with a current client');
  }
  if (j.schemaVersion !== 2) throw invalidArgument(`unsupported manifest schemaVersion ${JSON.stringify(j.schemaVersion)}`);
  const type = typeof j.mediaType === 'string' ? j.mediaType : mediaType;
  if (INDEX_TYPES.includes(type) || (Array.isArray(j.manifests) && !j.config)) {
    if (!Array.isArray(j.manifests)) throw invalidArgument('image index has no manifests');
    return { kind: 'index', manifests: j.manifests.map((m, i) => checkDescriptor(m, `index entry ${i}`)) };
  }
  if (!MANIFEST_TYPES.includes(type) && type !== '' && type !== 'application/json') throw invalidArgument(`unsupported manifest media type ${JSON.stringify(type)}`);
  const config = checkDescriptor(j.config, 'manifest config');
  if (!Array.isArray(j.layers)) throw invalidArgument('manifest has no layers array');
  const layers = j.layers.map((l, i) => checkDescriptor(l, `manifest layer ${i}`));
  for (const l of layers) {
    if (l.mediaType.includes('foreign') || l.mediaType.includes('nondistributable')) throw notImplemented(`layer ${l.digest} is a foreign (non-distributable) layer, which berth does not fetch`);
    if (!LAYER_TYPES.includes(l.mediaType)) throw invalidArgument(`layer ${l.digest} has unsupported media type ${l.mediaType}`);
  }
  return { kind: 'manifest', manifest: { schemaVersion: 2, mediaType: type || MediaTypes.ociManifest, config, layers, ...(j.annotations ? { annotations: j.annotations as Record<string, string> } : {}) } };
}
