/**
 * Reliability (calibration) curve, as sklearn 1.2's `calibration_curve(y_true, y_prob,
 * n_bins=10, strategy='uniform')`: bin edges are `np.linspace(0, 1, nBins + 1)`; a probability
 * lands in the first bin whose upper edge is ≥ it (`np.searchsorted(..., side='left')`), so bins
 * are (a, b] apart from the first, which also holds 0. Only non-empty bins are returned.
 * Like sklearn, sample weights are not taken.
 */
import { checkLength, fail } from './check';
import type { BinaryLabels } from './curve';

export interface CalibrationCurve {
  /** Fraction of positives in each non-empty bin. */
  probTrue: Float64Array;
  /** Mean predicted probability in each non-empty bin. */
  probPred: Float64Array;
  /** Rows in each non-empty bin. */
  counts: Float64Array;
  /** Index (0..nBins-1) of each returned bin. */
  bins: Int32Array;
  /** All nBins + 1 edges. */
  edges: Float64Array;
}

export function calibrationCurve(
  yTrue: BinaryLabels,
  prob: Float64Array,
  nBins = 10
): CalibrationCurve {
  const n = yTrue.length;
  checkLength('prob', prob.length, n);
  if (!Number.isInteger(nBins) || nBins < 1)
    fail(`nBins must be a positive integer, got ${nBins}.`);
  // np.linspace: i * step + start, with the last edge set to stop exactly.
  const step = 1 / nBins;
  const edges = new Float64Array(nBins + 1);
  for (let b = 0; b < nBins; b++) edges[b] = b * step;
  edges[nBins] = 1;

  const sums = new Float64Array(nBins);
  const trues = new Float64Array(nBins);
  const totals = new Float64Array(nBins);
  for (let i = 0; i < n; i++) {
    const p = prob[i];
    if (!(p >= 0 && p <= 1)) fail(`prob has ${p} at row ${i}; probabilities must lie in [0, 1].`);
    // Inner edges are edges[1..nBins-1]; count those strictly below p.
    let lo = 0;
    let hi = nBins - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (edges[mid + 1] < p) lo = mid + 1;
      else hi = mid;
    }
    sums[lo] += p;
    trues[lo] += yTrue[i] === 1 ? 1 : 0;
    totals[lo] += 1;
  }
  const bins: number[] = [];
  for (let b = 0; b < nBins; b++) if (totals[b] !== 0) bins.push(b);
  return {
    probTrue: Float64Array.from(bins, (b) => trues[b] / totals[b]),
    probPred: Float64Array.from(bins, (b) => sums[b] / totals[b]),
    counts: Float64Array.from(bins, (b) => totals[b]),
    bins: Int32Array.from(bins),
    edges
  };
}
