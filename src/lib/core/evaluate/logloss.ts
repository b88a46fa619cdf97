/**
 * Log loss (cross-entropy), as sklearn 1.2's `log_loss(y_true, proba, labels=range(k))`:
 * probabilities are clipped to [eps, 1 − eps], each row is renormalised to sum to 1, and the
 * loss is the (weighted) mean of −log p(true class).
 *
 * `eps` defaults to sklearn 1.2's `eps='auto'`, the float64 machine epsilon (2.220446e-16).
 * sklearn ≤ 1.1 clipped with 1e-15; pass `{ eps: 1e-15 }` for that. The binary case takes the
 * n×2 matrix like every other k.
 */
import { checkLabels, checkMatrix, checkWeights, fail } from './check';

export function logLoss(
  yTrue: Int32Array,
  proba: Float64Array,
  k: number,
  options: { sampleWeight?: Float64Array; eps?: number } = {}
): number {
  const { sampleWeight } = options;
  const eps = options.eps ?? Number.EPSILON;
  const n = yTrue.length;
  if (k < 2) fail(`Log loss needs at least two classes, got ${k}.`);
  checkMatrix('proba', proba, n, k);
  checkLabels('yTrue', yTrue, k);
  checkWeights(sampleWeight, n);
  if (n === 0) return NaN;
  const hi = 1 - eps;
  let s = 0;
  let w = 0;
  for (let i = 0; i < n; i++) {
    const base = i * k;
    let rowSum = 0;
    for (let c = 0; c < k; c++) rowSum += Math.min(Math.max(proba[base + c], eps), hi);
    const p = Math.min(Math.max(proba[base + yTrue[i]], eps), hi) / rowSum;
    const wi = sampleWeight === undefined ? 1 : sampleWeight[i];
    s += -Math.log(p) * wi;
    w += wi;
  }
  return w === 0 ? NaN : s / w;
}
