import { sha256Hex } from '../base/hash';

/**
 * A dataset's id: SHA-256 (hex) of its stored bytes (identity.ts: datasetBytes). Kept apart from
 * identity.ts so the store, on the first page, does not load apache-arrow to name a dataset.
 */
export function datasetHash(bytes: Uint8Array): Promise<string> {
  return sha256Hex(bytes);
}
