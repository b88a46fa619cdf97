/**
 * evaluateClassification: every figure in the report equals scikit-learn's (fixtures from
 * scripts/make-metric-fixtures.py), undefined values are NaN with a note, and the report is
 * plain data that survives JSON and structured cloning.
 */
import { describe, expect, it } from 'vitest';
import { evaluateClassification, type ClassificationReport } from '../../src/lib/core/evaluate';
import { close, closeAll, f64, fixture, i32 } from '../fixtures/metrics/compare';

const { cases } = fixture('classification.json');
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const byName = (name: string): any => cases.find((c: { name: string }) => c.name === name);

function report(c: {
  k: number;
  y_true: number[];
  proba: number[];
  sample_weight: number[] | null;
}): ClassificationReport {
  const classes = Array.from({ length: c.k }, (_, i) => `c${i}`);
  return evaluateClassification(i32(c.y_true), f64(c.proba)!, classes, {
    sampleWeight: f64(c.sample_weight)
  });
}

describe('evaluateClassification = scikit-learn', () => {
  for (const c of cases) {
    it(c.name, () => {
      const r = report(c);
      expect(r.kind).toBe(c.k === 2 ? 'binary' : 'multiclass');
      close(r.accuracy, c.accuracy, 'accuracy');
      close(r.balancedAccuracy, c.balanced_accuracy, 'balanced accuracy');
      closeAll(r.confusionMatrix.flat(), c.confusion_matrix.flat(), 'confusion');
      closeAll(
        r.perClass.map((s) => s.f1),
        c.f1,
        'f1'
      );
      closeAll(
        r.perClass.map((s) => s.rocAuc),
        c.roc_auc.per_class,
        'per-class AUC'
      );
      close(r.macro.f1, c.macro.f1, 'macro f1');
      close(r.weightedAverage.recall, c.weighted.recall, 'weighted recall');
      close(r.macro.rocAuc, c.roc_auc.macro, 'macro AUC');
      close(r.weightedAverage.averagePrecision, c.average_precision.weighted, 'weighted AP');
      close(r.rocAuc, c.k === 2 ? c.roc_auc.binary : c.roc_auc.macro, 'headline AUC');
      close(r.prAuc, c.k === 2 ? c.average_precision.binary : c.average_precision.macro, 'PR AUC');
      close(r.logLoss, c.log_loss, 'log loss');
      close(r.brier, c.brier, 'brier');
      const curveClasses = c.k === 2 ? [1] : [...Array(c.k).keys()];
      expect(r.curves.roc.map((x) => x.classIndex)).toEqual(curveClasses);
      for (const [j, cls] of curveClasses.entries()) {
        closeAll(r.curves.roc[j].tpr, c.curves[cls].roc.tpr, `roc tpr ${cls}`);
        closeAll(r.curves.pr[j].precision, c.curves[cls].pr.precision, `pr precision ${cls}`);
        closeAll(
          r.curves.calibration[j].probTrue,
          c.curves[cls].calibration.prob_true,
          `calibration ${cls}`
        );
      }
    });
  }
});

describe('report notes and shape', () => {
  it('one class present: AUC is NaN and the note says why', () => {
    const r = report(byName('binary_one_class'));
    expect(r.rocAuc).toBeNaN();
    expect(r.notes.join(' ')).toMatch(/Only one class occurs in the true labels/);
    expect(r.notes.join(' ')).toMatch(/Class "c0" does not occur/);
  });

  it('a class absent from y_true or never predicted is named in the notes', () => {
    const absent = report(byName('multi5_absent_true'));
    expect(absent.perClass[3].rocAuc).toBeNaN();
    expect(Number.isFinite(absent.rocAuc)).toBe(true);
    expect(absent.notes.join(' ')).toMatch(/Class "c3" does not occur in the true labels/);
    const never = report(byName('multi5_never_predicted'));
    expect(never.perClass[4].precision).toBe(0);
    expect(never.perClass[4].predicted).toBe(0);
    expect(never.notes.join(' ')).toMatch(/Class "c4" is never predicted/);
  });

  it('says which Brier definition it used', () => {
    expect(report(byName('binary')).brierDefinition).toBe('binary-positive-class');
    expect(report(byName('multi3')).brierDefinition).toBe('multiclass-sum-over-classes');
  });

  it('survives JSON (NaN → null) and structured cloning', () => {
    const r = report(byName('multi5_absent_true'));
    const json = JSON.parse(JSON.stringify(r));
    expect(json.perClass[3].rocAuc).toBeNull();
    expect(json.accuracy).toBe(r.accuracy);
    const clone = structuredClone(r);
    expect(clone.perClass[3].rocAuc).toBeNaN();
    expect(clone).toEqual(r);
  });

  it('thins long curves but keeps their ends', () => {
    const n = 5000;
    const y = new Int32Array(n);
    const proba = new Float64Array(2 * n);
    for (let i = 0; i < n; i++) {
      y[i] = i % 3 === 0 ? 1 : 0;
      const p = ((i * 7919) % n) / n;
      proba[2 * i + 1] = p;
      proba[2 * i] = 1 - p;
    }
    const r = evaluateClassification(y, proba, ['no', 'yes'], { maxCurvePoints: 100 });
    const roc = r.curves.roc[0];
    expect(roc.fpr.length).toBe(100);
    expect(roc.points).toBeGreaterThan(100);
    expect([roc.fpr[0], roc.tpr[0], roc.fpr.at(-1), roc.tpr.at(-1)]).toEqual([0, 0, 1, 1]);
    const pr = r.curves.pr[0];
    expect(pr.precision.length).toBe(100);
    expect([pr.recall.at(-1), pr.precision.at(-1)]).toEqual([0, 1]);
    expect(pr.thresholds.length).toBe(99);
    expect(r.notes.join(' ')).toMatch(/thinned to at most 100/);
  });

  it('rejects a probability matrix of the wrong size and a single class', () => {
    expect(() => evaluateClassification(i32([0, 1]), new Float64Array(3), ['a', 'b'])).toThrow(
      /proba has 3 values, expected 4/
    );
    expect(() => evaluateClassification(i32([0]), new Float64Array(1), ['a'])).toThrow(
      /at least two classes/
    );
  });
});
