/**
 * The cumulative counts behind ROC and PR curves — sklearn's `_binary_clf_curve`, step by step:
 * rows with zero sample weight are dropped, rows are ordered by descending score (ties in the
 * order numpy's reversed merge sort leaves them, so running sums round the same way), and one
 * point is kept per distinct score: false and true positives at or above that threshold.
 *
 * `yTrue` is binary: 1 marks the positive class, anything else is negative.
 */
import { checkFinite, checkLength, checkWeights, fail } from './check';

export type BinaryLabels = Uint8Array | Int32Array;

export interface ClfCounts {
  /** Weighted false positives at each threshold (descending thresholds). */
  fps: Float64Array;
  /** Weighted true positives at each threshold. */
  tps: Float64Array;
  /** The distinct scores, highest first. */
  thresholds: Float64Array;
}

export function binaryClfCounts(
  yTrue: BinaryLabels,
  score: Float64Array,
  sampleWeight?: Float64Array
): ClfCounts {
  const n = yTrue.length;
  checkLength('score', score.length, n);
  checkFinite('score', score);
  checkWeights(sampleWeight, n);

  let m = 0;
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++)
    if (sampleWeight === undefined || sampleWeight[i] !== 0) order[m++] = i;
  if (m === 0) fail('No rows with a non-zero weight: a curve needs at least one row.');
  const idx = order.subarray(0, m);
  // Descending score; among ties the later row first (np.argsort(kind='mergesort')[::-1]).
  idx.sort((a, b) => score[b] - score[a] || b - a);

  let distinct = 0;
  for (let j = 0; j < m; j++) if (j === m - 1 || score[idx[j]] !== score[idx[j + 1]]) distinct++;
  const fps = new Float64Array(distinct);
  const tps = new Float64Array(distinct);
  const thresholds = new Float64Array(distinct);
  let tp = 0;
  let fp = 0;
  let p = 0;
  for (let j = 0; j < m; j++) {
    const i = idx[j];
    const pos = yTrue[i] === 1 ? 1 : 0;
    if (sampleWeight === undefined) {
      tp += pos;
    } else {
      tp += pos * sampleWeight[i];
      fp += (1 - pos) * sampleWeight[i];
    }
    if (j === m - 1 || score[i] !== score[idx[j + 1]]) {
      tps[p] = tp;
      // Unweighted, sklearn counts false positives as 1 + index - tps.
      fps[p] = sampleWeight === undefined ? 1 + j - tp : fp;
      thresholds[p] = score[i];
      p++;
    }
  }
  return { fps, tps, thresholds };
}
