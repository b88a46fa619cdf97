/**
 * Brier score.
 *
 * - Binary (k = 2): sklearn 1.2's `brier_score_loss(y_true, proba[:, 1])` — the (weighted) mean
 *   of (y − p₁)² with y ∈ {0, 1}, the probability of the positive class (index 1). Range [0, 1].
 * - Multi-class (k > 2), which sklearn 1.2 does not offer: Brier's original definition, the
 *   (weighted) mean over rows of Σ_c (onehot_c − p_c)². Range [0, 2]. For k = 2 this would be
 *   exactly twice the binary figure, which is why the binary case keeps sklearn's form.
 */
import { checkLabels, checkMatrix, checkWeights, fail } from './check';

export type BrierDefinition = 'binary-positive-class' | 'multiclass-sum-over-classes';

export function brierDefinition(k: number): BrierDefinition {
  return k === 2 ? 'binary-positive-class' : 'multiclass-sum-over-classes';
}

export function brierScore(
  yTrue: Int32Array,
  proba: Float64Array,
  k: number,
  sampleWeight?: Float64Array
): number {
  const n = yTrue.length;
  if (k < 2) fail(`The Brier score needs at least two classes, got ${k}.`);
  checkMatrix('proba', proba, n, k);
  checkLabels('yTrue', yTrue, k);
  checkWeights(sampleWeight, n);
  if (n === 0) return NaN;
  let s = 0;
  let w = 0;
  for (let i = 0; i < n; i++) {
    let loss = 0;
    if (k === 2) {
      const d = (yTrue[i] === 1 ? 1 : 0) - proba[i * 2 + 1];
      loss = d * d;
    } else {
      for (let c = 0; c < k; c++) {
        const d = (yTrue[i] === c ? 1 : 0) - proba[i * k + c];
        loss += d * d;
      }
    }
    const wi = sampleWeight === undefined ? 1 : sampleWeight[i];
    s += loss * wi;
    w += wi;
  }
  return w === 0 ? NaN : s / w;
}
