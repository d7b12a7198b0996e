import type { OperationManifest } from './documents';
import generated from './generated/operation-manifest.json';

export { buildManifest, type ManifestEntry, type OperationManifest } from './documents';

/**
 * Every operation the SDK can send: name → { type, sha256, document }. The router can
 * load it as a safelist (accept only these hashes, or only these documents).
 */
export const operationManifest: OperationManifest = generated as OperationManifest;

/** sha256 → document: the shape a persisted-query safelist wants. */
export function safelist(manifest: OperationManifest = operationManifest): Map<string, string> {
  return new Map(Object.values(manifest).map((entry) => [entry.sha256, entry.document]));
}
