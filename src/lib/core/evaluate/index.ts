/**
 * Evaluation: metrics and curves over typed arrays, checked against scikit-learn 1.2
 * (test/fixtures/metrics, made by scripts/make-metric-fixtures.py). Pure TypeScript: no DOM,
 * no tfjs. Class labels are Int32Array indices 0..k−1, probabilities a row-major n×k
 * Float64Array, regression targets Float64Array.
 */
export { accuracy, balancedAccuracy } from './accuracy';
export { brierDefinition, brierScore, type BrierDefinition } from './brier';
export { calibrationCurve, type CalibrationCurve } from './calibration';
export { METRIC_INPUT } from './check';
export {
  evaluateClassification,
  type AveragedScores,
  type CalibrationData,
  type ClassScores,
  type ClassificationOptions,
  type ClassificationReport,
  type PrCurveData,
  type RocCurveData
} from './classification-report';
export { confusionMatrix, confusionRows, type ConfusionMatrix } from './confusion';
export { binaryClfCounts, type BinaryLabels, type ClfCounts } from './curve';
export { logLoss } from './logloss';
export {
  permutationImportance,
  seededPermutations,
  type Metric,
  type PermutationImportance,
  type PermutationOptions,
  type Predict,
  type Predictions
} from './permutation';
export { downsampleRows, regressionPlotData, type RegressionPlotData } from './plots';
export { ovrCounts, type OvrCounts, type OvrScores } from './ovr';
export {
  averagePrecision,
  averagePrecisionFromCounts,
  averagePrecisionFromOvr,
  averagePrecisionOvr,
  prFromCounts,
  precisionRecallCurve,
  type PrCurve
} from './pr';
export { argmaxRows, oneVsRest } from './predict';
export { precisionRecallF1, type PrecisionRecallF1 } from './prf';
export {
  meanAbsoluteError,
  meanAbsolutePercentageError,
  meanSquaredError,
  r2Score,
  rootMeanSquaredError
} from './regression';
export {
  evaluateRegression,
  type RegressionOptions,
  type RegressionReport
} from './regression-report';
export {
  auc,
  rocAuc,
  rocAucFromCounts,
  rocAucFromOvr,
  rocAucOvr,
  rocCurve,
  rocFromCounts,
  type RocCurve
} from './roc';
export { accuracyScorer, logLossScorer, mseScorer, r2Scorer } from './scorers';
