/**
 * Accuracy and balanced accuracy, as sklearn's `accuracy_score` and `balanced_accuracy_score`
 * (adjusted=False).
 *
 * Balanced accuracy is the mean recall over the classes that occur in `yTrue` (classes whose
 * true weight sums to zero are left out, exactly as sklearn drops the NaN rows of
 * diag(C) / C.sum(axis=1)). With no rows at all it is NaN.
 */
import { checkLabels, checkLength, checkWeights } from './check';
import { confusionMatrix, marginals } from './confusion';

export function accuracy(
  yTrue: Int32Array,
  yPred: Int32Array,
  sampleWeight?: Float64Array
): number {
  const n = yTrue.length;
  checkLength('yPred', yPred.length, n);
  checkWeights(sampleWeight, n);
  if (n === 0) return NaN;
  let hit = 0;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const w = sampleWeight === undefined ? 1 : sampleWeight[i];
    if (yTrue[i] === yPred[i]) hit += w;
    total += w;
  }
  return total === 0 ? NaN : hit / total;
}

export function balancedAccuracy(
  yTrue: Int32Array,
  yPred: Int32Array,
  k: number,
  sampleWeight?: Float64Array
): number {
  checkLabels('yTrue', yTrue, k);
  const cm = confusionMatrix(yTrue, yPred, k, sampleWeight);
  const { trueSum } = marginals(cm);
  let s = 0;
  let m = 0;
  for (let c = 0; c < k; c++) {
    if (trueSum[c] > 0) {
      s += cm.values[c * k + c] / trueSum[c];
      m++;
    }
  }
  return m === 0 ? NaN : s / m;
}
