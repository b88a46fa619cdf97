/**
 * Thinning long curves for storage and drawing: a ROC or PR curve has up to one point per
 * distinct score, which for a large test split is more than a chart or the registry needs.
 * Kept indices are round(j · (len − 1) / (max − 1)), j = 0..max−1: evenly spaced along the
 * curve, first and last point always kept, order preserved (so monotone curves stay monotone).
 */
export function thinIndices(length: number, maxPoints: number): Int32Array {
  if (length <= maxPoints || maxPoints < 2) {
    const all = new Int32Array(length);
    for (let i = 0; i < length; i++) all[i] = i;
    return all;
  }
  const out = new Int32Array(maxPoints);
  for (let j = 0; j < maxPoints; j++) out[j] = Math.round((j * (length - 1)) / (maxPoints - 1));
  return out;
}

/** The values of `a` at `indices`, as a plain array (for JSON). */
export function pick(a: Float64Array, indices: Int32Array): number[] {
  return Array.from(indices, (i) => a[i]);
}
