/**
 * One-vs-rest groundwork shared by ROC AUC, average precision and the report: each class's
 * cumulative counts are computed once (one sort per class) and every curve and score of that
 * class is derived from them.
 */
import { checkLabels, checkMatrix, checkWeights } from './check';
import { binaryClfCounts, type ClfCounts } from './curve';
import { column, oneVsRest } from './predict';

export interface OvrCounts {
  /** Per class: counts of the class against the rest, scored by its probability column. */
  counts: ClfCounts[];
  /** True support per class: rows, or summed sample weights. */
  support: Float64Array;
}

export function ovrCounts(
  yTrue: Int32Array,
  proba: Float64Array,
  k: number,
  sampleWeight?: Float64Array
): OvrCounts {
  const n = yTrue.length;
  checkMatrix('proba', proba, n, k);
  checkLabels('yTrue', yTrue, k);
  checkWeights(sampleWeight, n);
  const support = new Float64Array(k);
  for (let i = 0; i < n; i++) support[yTrue[i]] += sampleWeight === undefined ? 1 : sampleWeight[i];
  const counts: ClfCounts[] = [];
  for (let c = 0; c < k; c++) {
    counts.push(binaryClfCounts(oneVsRest(yTrue, c), column(proba, n, k, c), sampleWeight));
  }
  return { counts, support };
}

export interface OvrScores {
  /** Per-class score, NaN where it is undefined. */
  perClass: Float64Array;
  macro: number;
  weighted: number;
  /** Classes whose score is undefined (NaN) and left out of the averages. */
  undefined: number[];
}
