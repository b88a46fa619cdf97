/**
 * Precision, recall and F1 per class, with macro and weighted averages, like sklearn's
 * `precision_recall_fscore_support(..., zero_division=0)`:
 *
 * - per class: precision = tp / predicted, recall = tp / true; a zero denominator gives 0.
 *   F1 = 2·P·R / (P + R), and 0 when P + R = 0 (sklearn 1.2 computes F from P and R).
 * - macro: the plain mean over the classes sklearn sees when `labels` is not given — those that
 *   occur in `yTrue` or in `yPred` (by row, whatever their weight). A class absent from both
 *   still gets its per-class zeros here but does not pull the macro average down.
 * - weighted: the mean weighted by true support (summed sample weights); if the total support
 *   is 0 every average is 0.
 */
import { checkLength } from './check';
import { confusionMatrix, marginals } from './confusion';

export interface PrecisionRecallF1 {
  precision: Float64Array;
  recall: Float64Array;
  f1: Float64Array;
  /** True support per class: rows, or summed sample weights. */
  support: Float64Array;
  macro: { precision: number; recall: number; f1: number };
  weighted: { precision: number; recall: number; f1: number };
}

export function precisionRecallF1(
  yTrue: Int32Array,
  yPred: Int32Array,
  k: number,
  sampleWeight?: Float64Array
): PrecisionRecallF1 {
  checkLength('yPred', yPred.length, yTrue.length);
  const cm = confusionMatrix(yTrue, yPred, k, sampleWeight);
  const { trueSum, predSum } = marginals(cm);
  const precision = new Float64Array(k);
  const recall = new Float64Array(k);
  const f1 = new Float64Array(k);
  for (let c = 0; c < k; c++) {
    const tp = cm.values[c * k + c];
    precision[c] = predSum[c] !== 0 ? tp / predSum[c] : 0;
    recall[c] = trueSum[c] !== 0 ? tp / trueSum[c] : 0;
    const denom = precision[c] + recall[c];
    f1[c] = denom === 0 ? 0 : (2 * precision[c] * recall[c]) / denom;
  }

  // Which classes sklearn's unique_labels(y_true, y_pred) would list.
  const present = new Uint8Array(k);
  for (let i = 0; i < yTrue.length; i++) {
    present[yTrue[i]] = 1;
    present[yPred[i]] = 1;
  }
  let m = 0;
  const macro = { precision: 0, recall: 0, f1: 0 };
  for (let c = 0; c < k; c++) {
    if (!present[c]) continue;
    macro.precision += precision[c];
    macro.recall += recall[c];
    macro.f1 += f1[c];
    m++;
  }
  if (m === 0) {
    macro.precision = macro.recall = macro.f1 = NaN;
  } else {
    macro.precision /= m;
    macro.recall /= m;
    macro.f1 /= m;
  }

  let total = 0;
  const weighted = { precision: 0, recall: 0, f1: 0 };
  for (let c = 0; c < k; c++) {
    total += trueSum[c];
    weighted.precision += precision[c] * trueSum[c];
    weighted.recall += recall[c] * trueSum[c];
    weighted.f1 += f1[c] * trueSum[c];
  }
  if (total === 0) {
    weighted.precision = weighted.recall = weighted.f1 = 0;
  } else {
    weighted.precision /= total;
    weighted.recall /= total;
    weighted.f1 /= total;
  }
  return { precision, recall, f1, support: trueSum, macro, weighted };
}
