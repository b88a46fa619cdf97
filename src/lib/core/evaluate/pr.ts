/**
 * Precision–recall curve and average precision, as sklearn 1.2's `precision_recall_curve` and
 * `average_precision_score`.
 *
 * - The curve runs from the lowest threshold to the highest and ends at (recall 0, precision 1),
 *   which has no threshold: `precision` and `recall` are one longer than `thresholds`.
 * - With no positive rows, recall is 1 at every threshold (sklearn's convention) and the average
 *   precision comes out as 0.
 * - Average precision is the step-function integral Σ (R_n − R_{n−1}) · P_n — no interpolation.
 * - Multi-class: one-vs-rest per class (sklearn on `label_binarize(y, classes=range(k))`); macro
 *   is the plain mean over all k classes, so a class absent from `yTrue` counts as 0, exactly as
 *   sklearn does; weighted uses true support and is 0 when the support sums to 0.
 */
import { binaryClfCounts, type BinaryLabels, type ClfCounts } from './curve';
import { ovrCounts, type OvrCounts, type OvrScores } from './ovr';

export interface PrCurve {
  precision: Float64Array;
  recall: Float64Array;
  thresholds: Float64Array;
}

export function precisionRecallCurve(
  yTrue: BinaryLabels,
  score: Float64Array,
  sampleWeight?: Float64Array
): PrCurve {
  return prFromCounts(binaryClfCounts(yTrue, score, sampleWeight));
}

export function prFromCounts({ fps, tps, thresholds }: ClfCounts): PrCurve {
  const m = tps.length;
  const tpTotal = tps[m - 1];
  const precision = new Float64Array(m + 1);
  const recall = new Float64Array(m + 1);
  const th = new Float64Array(m);
  for (let j = 0; j < m; j++) {
    const src = m - 1 - j;
    const predicted = tps[src] + fps[src];
    precision[j] = predicted !== 0 ? tps[src] / predicted : 0;
    recall[j] = tpTotal === 0 ? 1 : tps[src] / tpTotal;
    th[j] = thresholds[src];
  }
  precision[m] = 1;
  recall[m] = 0;
  return { precision, recall, thresholds: th };
}

export function averagePrecision(
  yTrue: BinaryLabels,
  score: Float64Array,
  sampleWeight?: Float64Array
): number {
  return averagePrecisionFromCounts(binaryClfCounts(yTrue, score, sampleWeight));
}

export function averagePrecisionFromCounts(counts: ClfCounts): number {
  const { precision, recall } = prFromCounts(counts);
  let s = 0;
  for (let j = 0; j + 1 < recall.length; j++) s += (recall[j + 1] - recall[j]) * precision[j];
  return -s;
}

/** One-vs-rest average precision over a row-major n×k probability matrix. */
export function averagePrecisionOvr(
  yTrue: Int32Array,
  proba: Float64Array,
  k: number,
  sampleWeight?: Float64Array
): OvrScores {
  return averagePrecisionFromOvr(ovrCounts(yTrue, proba, k, sampleWeight));
}

export function averagePrecisionFromOvr({ counts, support }: OvrCounts): OvrScores {
  const k = counts.length;
  const perClass = new Float64Array(k);
  let sum = 0;
  let wSum = 0;
  let wTotal = 0;
  for (let c = 0; c < k; c++) {
    perClass[c] = averagePrecisionFromCounts(counts[c]);
    sum += perClass[c];
    if (support[c] !== 0) wSum += perClass[c] * support[c];
    wTotal += support[c];
  }
  return {
    perClass,
    macro: sum / k,
    weighted: Math.abs(wTotal) <= 1e-8 ? 0 : wSum / wTotal,
    undefined: []
  };
}
