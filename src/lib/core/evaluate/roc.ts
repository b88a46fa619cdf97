/**
 * ROC curve and ROC AUC, as sklearn 1.2's `roc_curve` (drop_intermediate=True by default) and
 * `roc_auc_score`.
 *
 * - The curve starts at (0, 0) with the threshold `thresholds[0] + 1` (sklearn 1.2; later
 *   versions use +inf, which JSON cannot carry anyway).
 * - With no negative rows the false positive rates are all NaN, with no positive rows the true
 *   positive rates are; the AUC is then NaN (sklearn raises "Only one class present").
 * - Multi-class AUC is one-vs-rest (`multi_class='ovr'`): macro is the plain mean of the
 *   per-class AUCs, weighted uses each class's true support (summed sample weights). sklearn
 *   refuses outright when a class never occurs in `yTrue`; here that class's AUC is NaN and the
 *   averages run over the classes where it is defined — `rocAucOvr` says which in `undefined`.
 */
import { checkLength, fail } from './check';
import { binaryClfCounts, type BinaryLabels, type ClfCounts } from './curve';
import { ovrCounts, type OvrCounts, type OvrScores } from './ovr';

export interface RocCurve {
  fpr: Float64Array;
  tpr: Float64Array;
  thresholds: Float64Array;
}

export function rocCurve(
  yTrue: BinaryLabels,
  score: Float64Array,
  sampleWeight?: Float64Array,
  dropIntermediate = true
): RocCurve {
  return rocFromCounts(binaryClfCounts(yTrue, score, sampleWeight), dropIntermediate);
}

export function rocFromCounts(counts: ClfCounts, dropIntermediate = true): RocCurve {
  let { fps, tps, thresholds } = counts;
  const m = fps.length;
  if (dropIntermediate && m > 2) {
    // Keep a point where the second difference of fps or tps is non-zero (np.diff(_, 2)),
    // computed as numpy does: differences of differences.
    const keep: number[] = [0];
    for (let j = 0; j + 2 < m; j++) {
      const dF = fps[j + 2] - fps[j + 1] - (fps[j + 1] - fps[j]);
      const dT = tps[j + 2] - tps[j + 1] - (tps[j + 1] - tps[j]);
      if (dF !== 0 || dT !== 0) keep.push(j + 1);
    }
    keep.push(m - 1);
    fps = Float64Array.from(keep, (j) => fps[j]);
    tps = Float64Array.from(keep, (j) => tps[j]);
    thresholds = Float64Array.from(keep, (j) => thresholds[j]);
  }
  const len = fps.length + 1;
  const fpr = new Float64Array(len);
  const tpr = new Float64Array(len);
  const th = new Float64Array(len);
  th[0] = thresholds[0] + 1;
  th.set(thresholds, 1);
  const fpTotal = fps[fps.length - 1];
  const tpTotal = tps[tps.length - 1];
  for (let j = 0; j < len; j++) {
    const f = j === 0 ? 0 : fps[j - 1];
    const t = j === 0 ? 0 : tps[j - 1];
    fpr[j] = fpTotal <= 0 ? NaN : f / fpTotal;
    tpr[j] = tpTotal <= 0 ? NaN : t / tpTotal;
  }
  return { fpr, tpr, thresholds: th };
}

/**
 * Area under a curve by the trapezoidal rule (sklearn's `auc`): x must be monotonic, increasing
 * or decreasing.
 */
export function auc(x: Float64Array, y: Float64Array): number {
  checkLength('y', y.length, x.length);
  if (x.length < 2) fail(`At least 2 points are needed to compute an area, got ${x.length}.`);
  let up = true;
  let down = true;
  for (let j = 1; j < x.length; j++) {
    const d = x[j] - x[j - 1];
    if (d < 0) up = false;
    if (d > 0) down = false;
  }
  if (!up && !down) fail('x is neither increasing nor decreasing: no area under the curve.');
  const direction = up ? 1 : -1;
  let area = 0;
  for (let j = 1; j < x.length; j++) area += ((x[j] - x[j - 1]) * (y[j] + y[j - 1])) / 2;
  return direction * area;
}

/** Binary ROC AUC; NaN when `yTrue` holds only one class (among rows with weight). */
export function rocAuc(
  yTrue: BinaryLabels,
  score: Float64Array,
  sampleWeight?: Float64Array
): number {
  return rocAucFromCounts(binaryClfCounts(yTrue, score, sampleWeight));
}

export function rocAucFromCounts(counts: ClfCounts): number {
  const m = counts.fps.length;
  if (counts.fps[m - 1] <= 0 || counts.tps[m - 1] <= 0) return NaN;
  const { fpr, tpr } = rocFromCounts(counts);
  return auc(fpr, tpr);
}

/** One-vs-rest ROC AUC over a row-major n×k probability matrix. */
export function rocAucOvr(
  yTrue: Int32Array,
  proba: Float64Array,
  k: number,
  sampleWeight?: Float64Array
): OvrScores {
  return rocAucFromOvr(ovrCounts(yTrue, proba, k, sampleWeight));
}

export function rocAucFromOvr({ counts, support }: OvrCounts): OvrScores {
  const k = counts.length;
  const perClass = new Float64Array(k);
  const missing: number[] = [];
  let sum = 0;
  let m = 0;
  let wSum = 0;
  let wTotal = 0;
  for (let c = 0; c < k; c++) {
    perClass[c] = rocAucFromCounts(counts[c]);
    if (Number.isNaN(perClass[c])) {
      missing.push(c);
      continue;
    }
    sum += perClass[c];
    m++;
    wSum += perClass[c] * support[c];
    wTotal += support[c];
  }
  return {
    perClass,
    macro: m === 0 ? NaN : sum / m,
    weighted: wTotal === 0 ? NaN : wSum / wTotal,
    undefined: missing
  };
}
