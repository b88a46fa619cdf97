/**
 * `evaluateClassification`: every classification metric and curve in one plain, JSON- and
 * structured-clone-friendly object for IndexedDB and the registry UI. Undefined values are NaN
 * (JSON.stringify writes them as null) and `notes` says why, in plain words.
 *
 * Predicted classes are the arg-max of each probability row (first column on a tie). Binary
 * problems (two classes) take class index 1 as the positive class for the headline ROC AUC,
 * PR AUC, Brier score and curves; per-class scores are one-vs-rest for every class either way.
 */
import { accuracy, balancedAccuracy } from './accuracy';
import { brierDefinition, brierScore, type BrierDefinition } from './brier';
import { calibrationCurve } from './calibration';
import { checkLabels, checkMatrix, checkWeights, classCounts, fail } from './check';
import { confusionMatrix, confusionRows } from './confusion';
import { logLoss } from './logloss';
import { ovrCounts } from './ovr';
import { averagePrecisionFromOvr, prFromCounts } from './pr';
import { precisionRecallF1 } from './prf';
import { argmaxRows, column, oneVsRest } from './predict';
import { rocAucFromOvr, rocFromCounts } from './roc';
import { pick, thinIndices } from './thin';

export interface AveragedScores {
  precision: number;
  recall: number;
  f1: number;
  rocAuc: number;
  averagePrecision: number;
}

export interface ClassScores extends AveragedScores {
  label: string;
  /** Rows of this class in yTrue (summed sample weights when weighted). */
  support: number;
  /** Rows predicted as this class (summed sample weights when weighted). */
  predicted: number;
}

export interface RocCurveData {
  classIndex: number;
  fpr: number[];
  tpr: number[];
  thresholds: number[];
  /** Points before thinning (see thin.ts). */
  points: number;
}

export interface PrCurveData {
  classIndex: number;
  precision: number[];
  recall: number[];
  /** One shorter than precision/recall: the final (recall 0, precision 1) has no threshold. */
  thresholds: number[];
  points: number;
}

export interface CalibrationData {
  classIndex: number;
  probTrue: number[];
  probPred: number[];
  counts: number[];
  /** Bin index of each point; edges has all nBins + 1 bin edges. */
  bins: number[];
  edges: number[];
}

export interface ClassificationReport {
  task: 'classification';
  kind: 'binary' | 'multiclass';
  classes: string[];
  rows: number;
  weighted: boolean;
  accuracy: number;
  balancedAccuracy: number;
  /** Binary: AUC of class 1. Multi-class: one-vs-rest macro. */
  rocAuc: number;
  /** Average precision. Binary: of class 1. Multi-class: one-vs-rest macro. */
  prAuc: number;
  logLoss: number;
  brier: number;
  brierDefinition: BrierDefinition;
  perClass: ClassScores[];
  macro: AveragedScores;
  weightedAverage: AveragedScores;
  /** Rows = true class, columns = predicted class. */
  confusionMatrix: number[][];
  /** Binary: class 1 only. Multi-class: one-vs-rest, one per class. */
  curves: { roc: RocCurveData[]; pr: PrCurveData[]; calibration: CalibrationData[] };
  notes: string[];
}

export interface ClassificationOptions {
  sampleWeight?: Float64Array;
  /** Log-loss clipping; default float64 epsilon (sklearn 1.2's 'auto'). */
  eps?: number;
  /** Calibration bins; default 10. */
  nBins?: number;
  /** Longest stored ROC / PR curve; default 1000 points. */
  maxCurvePoints?: number;
}

export function evaluateClassification(
  yTrue: Int32Array,
  proba: Float64Array,
  classes: readonly string[],
  options: ClassificationOptions = {}
): ClassificationReport {
  const { sampleWeight, nBins = 10, maxCurvePoints = 1000 } = options;
  const k = classes.length;
  const n = yTrue.length;
  if (k < 2) fail(`Classification needs at least two classes, got ${k}.`);
  if (n === 0) fail('There are no rows to evaluate.');
  checkMatrix('proba', proba, n, k);
  checkLabels('yTrue', yTrue, k);
  checkWeights(sampleWeight, n);
  const notes: string[] = [];
  const name = (c: number) => `"${classes[c]}"`;

  const yPred = argmaxRows(proba, n, k);
  const counts = classCounts(yTrue, k);
  const predCounts = classCounts(yPred, k);
  const prf = precisionRecallF1(yTrue, yPred, k, sampleWeight);
  const ovr = ovrCounts(yTrue, proba, k, sampleWeight);
  const auc = rocAucFromOvr(ovr);
  const ap = averagePrecisionFromOvr(ovr);
  const binary = k === 2;

  let rowSumOff = false;
  for (let i = 0; i < n && !rowSumOff; i++) {
    let s = 0;
    for (let c = 0; c < k; c++) s += proba[i * k + c];
    if (Math.abs(s - 1) > 1e-8 + 1e-5) rowSumOff = true;
  }
  if (rowSumOff) {
    notes.push(
      'Some probability rows do not sum to 1; log loss renormalises them, the other metrics use ' +
        'them as given (scikit-learn would refuse a multi-class ROC AUC).'
    );
  }

  const present = [...counts].filter((x) => x > 0).length;
  for (let c = 0; c < k; c++) {
    if (counts[c] === 0) {
      notes.push(
        `Class ${name(c)} does not occur in the true labels: its ROC AUC is undefined (NaN) and ` +
          'left out of the averages; its recall, F1 and average precision are 0.'
      );
    }
    if (predCounts[c] === 0) {
      notes.push(`Class ${name(c)} is never predicted: its precision is taken as 0.`);
    }
  }
  if (present < 2) {
    notes.push('Only one class occurs in the true labels, so ROC AUC is undefined (NaN).');
  }

  const headlineAuc = binary ? auc.perClass[1] : auc.macro;
  const headlineAp = binary ? ap.perClass[1] : ap.macro;

  const perClass: ClassScores[] = [];
  for (let c = 0; c < k; c++) {
    perClass.push({
      label: classes[c],
      support: prf.support[c],
      predicted: 0,
      precision: prf.precision[c],
      recall: prf.recall[c],
      f1: prf.f1[c],
      rocAuc: auc.perClass[c],
      averagePrecision: ap.perClass[c]
    });
  }
  const cm = confusionMatrix(yTrue, yPred, k, sampleWeight);
  for (let c = 0; c < k; c++) {
    let s = 0;
    for (let r = 0; r < k; r++) s += cm.values[r * k + c];
    perClass[c].predicted = s;
  }

  const curveClasses = binary ? [1] : Array.from({ length: k }, (_, c) => c);
  const roc: RocCurveData[] = [];
  const pr: PrCurveData[] = [];
  const calibration: CalibrationData[] = [];
  for (const c of curveClasses) {
    const target = oneVsRest(yTrue, c);
    const score = column(proba, n, k, c);
    const r = rocFromCounts(ovr.counts[c]);
    const ri = thinIndices(r.fpr.length, maxCurvePoints);
    roc.push({
      classIndex: c,
      fpr: pick(r.fpr, ri),
      tpr: pick(r.tpr, ri),
      thresholds: pick(r.thresholds, ri),
      points: r.fpr.length
    });
    const p = prFromCounts(ovr.counts[c]);
    // Thin on the threshold points, then add the final (recall 0, precision 1) point back.
    const pi = thinIndices(p.thresholds.length, maxCurvePoints - 1);
    pr.push({
      classIndex: c,
      precision: [...pick(p.precision, pi), 1],
      recall: [...pick(p.recall, pi), 0],
      thresholds: pick(p.thresholds, pi),
      points: p.precision.length
    });
    let inRange = true;
    for (let i = 0; i < n && inRange; i++) inRange = score[i] >= 0 && score[i] <= 1;
    if (inRange) {
      const cal = calibrationCurve(target, score, nBins);
      calibration.push({
        classIndex: c,
        probTrue: Array.from(cal.probTrue),
        probPred: Array.from(cal.probPred),
        counts: Array.from(cal.counts),
        bins: Array.from(cal.bins),
        edges: Array.from(cal.edges)
      });
    }
  }
  if (calibration.length < curveClasses.length) {
    notes.push('Some scores lie outside [0, 1], so they have no calibration curve.');
  }
  if (sampleWeight !== undefined) {
    notes.push('Calibration curves count rows and ignore sample weights (as scikit-learn does).');
  }
  const thinned =
    roc.some((r) => r.points > r.fpr.length) || pr.some((p) => p.points > p.precision.length);
  if (thinned) {
    notes.push(
      `ROC and PR curves are thinned to at most ${maxCurvePoints} evenly spaced points for storage.`
    );
  }

  return {
    task: 'classification',
    kind: binary ? 'binary' : 'multiclass',
    classes: [...classes],
    rows: n,
    weighted: sampleWeight !== undefined,
    accuracy: accuracy(yTrue, yPred, sampleWeight),
    balancedAccuracy: balancedAccuracy(yTrue, yPred, k, sampleWeight),
    rocAuc: headlineAuc,
    prAuc: headlineAp,
    logLoss: logLoss(yTrue, proba, k, { sampleWeight, eps: options.eps }),
    brier: brierScore(yTrue, proba, k, sampleWeight),
    brierDefinition: brierDefinition(k),
    perClass,
    macro: { ...prf.macro, rocAuc: auc.macro, averagePrecision: ap.macro },
    weightedAverage: { ...prf.weighted, rocAuc: auc.weighted, averagePrecision: ap.weighted },
    confusionMatrix: confusionRows(cm),
    curves: { roc, pr, calibration },
    notes
  };
}
