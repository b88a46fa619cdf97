/**
 * Classification metrics and curves against scikit-learn 1.2, from fixtures written by
 * scripts/make-metric-fixtures.py (no Python needed here). Tolerance: 1e-9 relative.
 */
import { describe, expect, it } from 'vitest';
import {
  accuracy,
  averagePrecision,
  averagePrecisionOvr,
  balancedAccuracy,
  brierScore,
  calibrationCurve,
  confusionMatrix,
  logLoss,
  oneVsRest,
  precisionRecallCurve,
  precisionRecallF1,
  rocAuc,
  rocAucOvr,
  rocCurve,
  argmaxRows
} from '../../src/lib/core/evaluate';
import { column } from '../../src/lib/core/evaluate/predict';
import { close, closeAll, f64, fixture, i32 } from '../fixtures/metrics/compare';

const { cases, sklearn } = fixture('classification.json');

describe(`classification metrics = scikit-learn ${sklearn}`, () => {
  for (const c of cases) {
    describe(c.name, () => {
      const k: number = c.k;
      const y = i32(c.y_true);
      const proba = f64(c.proba)!;
      const n = y.length;
      const w = f64(c.sample_weight);
      const pred = argmaxRows(proba, n, k);

      it('predicts the arg-max like numpy', () => {
        expect(Array.from(pred)).toEqual(c.y_pred);
      });

      it('accuracy, balanced accuracy, confusion matrix', () => {
        close(accuracy(y, pred, w), c.accuracy, 'accuracy');
        close(balancedAccuracy(y, pred, k, w), c.balanced_accuracy, 'balanced accuracy');
        closeAll(confusionMatrix(y, pred, k, w).values, c.confusion_matrix.flat(), 'confusion');
      });

      it('precision, recall, F1 per class, macro and weighted (zero_division=0)', () => {
        const r = precisionRecallF1(y, pred, k, w);
        closeAll(r.precision, c.precision, 'precision');
        closeAll(r.recall, c.recall, 'recall');
        closeAll(r.f1, c.f1, 'f1');
        closeAll(r.support, c.support, 'support');
        for (const avg of ['precision', 'recall', 'f1'] as const) {
          close(r.macro[avg], c.macro[avg], `macro ${avg}`);
          close(r.weighted[avg], c.weighted[avg], `weighted ${avg}`);
        }
      });

      it('ROC AUC: per class, one-vs-rest macro and weighted', () => {
        const ovr = rocAucOvr(y, proba, k, w);
        closeAll(ovr.perClass, c.roc_auc.per_class, 'per-class AUC');
        close(ovr.macro, c.roc_auc.macro, 'macro AUC');
        close(ovr.weighted, c.roc_auc.weighted, 'weighted AUC');
        if (k === 2) close(rocAuc(y, column(proba, n, 2, 1), w), c.roc_auc.binary, 'binary AUC');
      });

      it('average precision: per class, macro, weighted', () => {
        const ovr = averagePrecisionOvr(y, proba, k, w);
        closeAll(ovr.perClass, c.average_precision.per_class, 'per-class AP');
        close(ovr.macro, c.average_precision.macro, 'macro AP');
        close(ovr.weighted, c.average_precision.weighted, 'weighted AP');
        if (k === 2) {
          const ap = averagePrecision(y, column(proba, n, 2, 1), w);
          close(ap, c.average_precision.binary, 'binary AP');
        }
      });

      it('log loss (eps auto and 1e-15) and Brier score', () => {
        close(logLoss(y, proba, k, { sampleWeight: w }), c.log_loss, 'log loss');
        close(
          logLoss(y, proba, k, { sampleWeight: w, eps: 1e-15 }),
          c['log_loss_eps_1e-15'],
          'log loss eps 1e-15'
        );
        close(brierScore(y, proba, k, w), c.brier, 'brier');
      });

      it('ROC, PR and calibration curves per class', () => {
        for (let cls = 0; cls < k; cls++) {
          const target = oneVsRest(y, cls);
          const score = column(proba, n, k, cls);
          const expected = c.curves[cls];
          const roc = rocCurve(target, score, w);
          closeAll(roc.fpr, expected.roc.fpr, `class ${cls} fpr`);
          closeAll(roc.tpr, expected.roc.tpr, `class ${cls} tpr`);
          closeAll(roc.thresholds, expected.roc.thresholds, `class ${cls} roc thresholds`);
          const pr = precisionRecallCurve(target, score, w);
          closeAll(pr.precision, expected.pr.precision, `class ${cls} precision`);
          closeAll(pr.recall, expected.pr.recall, `class ${cls} recall`);
          closeAll(pr.thresholds, expected.pr.thresholds, `class ${cls} pr thresholds`);
          const cal = calibrationCurve(target, score, 10);
          closeAll(cal.probTrue, expected.calibration.prob_true, `class ${cls} prob_true`);
          closeAll(cal.probPred, expected.calibration.prob_pred, `class ${cls} prob_pred`);
          expect(Array.from(cal.counts)).toEqual(expected.calibration.counts);
          expect(Array.from(cal.bins)).toEqual(expected.calibration.bins);
          expect(Array.from(cal.edges)).toEqual(expected.calibration.edges);
        }
      });
    });
  }
});

describe('classification edge cases', () => {
  it('ROC curve without dropping intermediate points keeps one point per distinct score', () => {
    const y = i32([0, 0, 1, 1, 0, 1]);
    const s = Float64Array.from([0.1, 0.2, 0.3, 0.4, 0.5, 0.6]);
    const full = rocCurve(y, s, undefined, false);
    expect(full.fpr.length).toBe(7);
    expect(rocCurve(y, s).fpr.length).toBeLessThan(7);
  });

  it('calibration puts a probability equal to an inner edge in the lower bin', () => {
    const cal = calibrationCurve(
      i32([1, 0, 1]),
      Float64Array.from([0.1, 0.2, 0.30000000000000004])
    );
    expect(Array.from(cal.bins)).toEqual([0, 1, 2]);
  });

  it('rejects bad input with a specific message', () => {
    const y = i32([0, 1, 2]);
    expect(() => logLoss(y, new Float64Array(6), 2)).toThrow(/class index 2 at row 2/);
    expect(() => rocAucOvr(i32([0, 1]), Float64Array.from([0.5, NaN, 1, 0]), 2)).toThrow(
      /non-finite value \(NaN\) at row 0, column 1/
    );
    expect(() => accuracy(i32([0, 1]), i32([0]))).toThrow(/yPred has 1 values, expected 2/);
    expect(() => brierScore(i32([0]), Float64Array.from([0.5, 0.5]), 2, f64([-1]))).toThrow(
      /sampleWeight has -1 at row 0/
    );
    expect(() => calibrationCurve(i32([1]), Float64Array.from([1.5]))).toThrow(/\[0, 1\]/);
  });
});
