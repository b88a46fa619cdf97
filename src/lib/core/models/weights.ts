import { LatheError } from '../base/errors';
import type { WeightTensor } from './kind';

/** Where each tensor sits in the packed bytes: enough to read the weights back, and plain JSON. */
export interface WeightManifestEntry {
  name: string;
  shape: number[];
  /** Offset in float32 elements. */
  offset: number;
}

/** All tensors as one little-endian float32 buffer (one blob in IndexedDB, one hash). */
export function packWeights(weights: readonly WeightTensor[]): {
  bytes: Uint8Array;
  manifest: WeightManifestEntry[];
} {
  const total = weights.reduce((sum, w) => sum + w.values.length, 0);
  const all = new Float32Array(total);
  const manifest: WeightManifestEntry[] = [];
  let offset = 0;
  for (const w of weights) {
    const size = w.shape.reduce((a, b) => a * b, 1);
    if (size !== w.values.length) {
      throw new LatheError(
        'BAD_WEIGHTS',
        `Tensor ${w.name} has ${w.values.length} values for shape [${w.shape}].`
      );
    }
    all.set(w.values, offset);
    manifest.push({ name: w.name, shape: [...w.shape], offset });
    offset += w.values.length;
  }
  return { bytes: new Uint8Array(all.buffer), manifest };
}

export function unpackWeights(
  bytes: Uint8Array,
  manifest: readonly WeightManifestEntry[]
): WeightTensor[] {
  if (bytes.byteLength % 4 !== 0) {
    throw new LatheError('BAD_WEIGHTS', 'Saved weights are not a whole number of float32 values.');
  }
  const all = new Float32Array(bytes.slice().buffer);
  return manifest.map((entry) => {
    const size = entry.shape.reduce((a, b) => a * b, 1);
    if (entry.offset < 0 || entry.offset + size > all.length) {
      throw new LatheError(
        'BAD_WEIGHTS',
        `Saved tensor ${entry.name} lies outside the weight bytes.`
      );
    }
    return {
      name: entry.name,
      shape: [...entry.shape],
      values: all.slice(entry.offset, entry.offset + size)
    };
  });
}
