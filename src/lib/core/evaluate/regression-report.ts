/**
 * `evaluateRegression`: the regression metrics and chart data in one plain, JSON- and
 * structured-clone-friendly object. Undefined values are NaN (JSON.stringify writes null) and
 * `notes` says why.
 */
import { checkFinite, checkLength, checkWeights, fail } from './check';
import { DEFAULT_MAX_POINTS, regressionPlotData, type RegressionPlotData } from './plots';
import {
  isConstant,
  meanAbsoluteError,
  meanAbsolutePercentageError,
  meanSquaredError,
  r2Score
} from './regression';

export interface RegressionReport {
  task: 'regression';
  rows: number;
  weighted: boolean;
  mse: number;
  rmse: number;
  mae: number;
  r2: number;
  /** A fraction (0.1 = 10 %), as scikit-learn returns it. */
  mape: number;
  /** Residual (actual − predicted) and predicted-vs-actual points, downsampled (see plots.ts). */
  plot: RegressionPlotData;
  notes: string[];
}

export interface RegressionOptions {
  sampleWeight?: Float64Array;
  /** Most points kept for the charts; default 2000. */
  maxPoints?: number;
}

export function evaluateRegression(
  yTrue: Float64Array,
  yPred: Float64Array,
  options: RegressionOptions = {}
): RegressionReport {
  const { sampleWeight, maxPoints = DEFAULT_MAX_POINTS } = options;
  const n = yTrue.length;
  if (n === 0) fail('There are no rows to evaluate.');
  checkLength('yPred', yPred.length, n);
  checkFinite('yTrue', yTrue);
  checkFinite('yPred', yPred);
  checkWeights(sampleWeight, n);
  const notes: string[] = [];

  const mse = meanSquaredError(yTrue, yPred, sampleWeight);
  const r2 = r2Score(yTrue, yPred, sampleWeight);
  if (n < 2) {
    notes.push('R² needs at least two rows; with one it is undefined (NaN).');
  } else if (isConstant(yTrue, sampleWeight)) {
    notes.push(
      'The true values are all the same, so R² has no spread to explain: it is 1 for a perfect ' +
        'prediction and 0 otherwise (scikit-learn’s convention).'
    );
  }
  let zeros = 0;
  for (let i = 0; i < n; i++) if (yTrue[i] === 0) zeros++;
  if (zeros > 0) {
    notes.push(
      `${zeros} true value${zeros === 1 ? ' is' : 's are'} 0; MAPE divides by machine epsilon ` +
        'there (as scikit-learn does), so any error on those rows makes it enormous.'
    );
  }
  const plot = regressionPlotData(yTrue, yPred, maxPoints);
  if (plot.rows.length < n) notes.push(`Charts show ${plot.rule}.`);

  return {
    task: 'regression',
    rows: n,
    weighted: sampleWeight !== undefined,
    mse,
    rmse: Math.sqrt(mse),
    mae: meanAbsoluteError(yTrue, yPred, sampleWeight),
    r2,
    mape: meanAbsolutePercentageError(yTrue, yPred, sampleWeight),
    plot,
    notes
  };
}
