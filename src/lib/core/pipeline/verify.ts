/**
 * What is exported is what was measured: an exported model's outputs on raw rows against the
 * app's own predictions for the same rows (the fitted pipeline's apply, then the network in
 * tfjs). Probabilities within 1e-5 absolute, regression within 1e-5 relative, labels equal.
 */
import { LatheError } from '../base/errors';
import { argmaxRows } from '../evaluate/predict';
import { probabilityMatrix } from '../models/run';
import type { OutputTensor } from '../onnx/runtime';
import type { Task } from '../spec/types';

export const EXPORT_TOLERANCE = 1e-5;

/** An exported model's results as numbers: regression values, or an n×k probability matrix. */
export interface OnnxScores {
  rows: number;
  /** Regression: one value per row. Classification: n×k probabilities, row-major. */
  values: Float64Array;
  /** Classification: the label output per row; null for regression. */
  labels: string[] | null;
}

export interface Difference {
  row: number;
  /** The class for a probability, null for a regression value or a label. */
  column: string | null;
  app: number | string;
  onnx: number | string;
  difference: number;
}

export interface Verification {
  rows: number;
  /** Largest difference: absolute for probabilities, relative for regression. */
  worst: number;
  /** Rows whose label differs. */
  labelMismatches: number;
  /** The largest differences, largest first (at most five). */
  largest: Difference[];
  passed: boolean;
}

function outputError(message: string): LatheError {
  return new LatheError('ONNX_OUTPUT', `The exported model's output ${message}`);
}

/** Reads the graph outputs of an exported model (onnx/metadata.ts MODEL_OUTPUTS). */
export function onnxScores(
  outputs: Readonly<Record<string, OutputTensor>>,
  task: Task,
  classes: readonly string[] | null
): OnnxScores {
  if (task === 'regression') {
    const prediction = outputs.prediction;
    if (!prediction) throw outputError('"prediction" is missing.');
    return {
      rows: prediction.dims[0],
      values: Float64Array.from(prediction.data as Float32Array),
      labels: null
    };
  }
  const { probabilities, label } = outputs;
  if (!probabilities || !label) throw outputError('"probabilities" or "label" is missing.');
  const k = classes?.length ?? 0;
  if (probabilities.dims.length !== 2 || probabilities.dims[1] !== k) {
    throw outputError(`"probabilities" has shape [${probabilities.dims.join(', ')}], not [N, ${k}].`);
  }
  return {
    rows: probabilities.dims[0],
    values: Float64Array.from(probabilities.data as Float32Array),
    labels: [...(label.data as string[])]
  };
}

/**
 * Compares an export's scores with the app's predictions (models/predict.ts output: regression
 * values, P(classes[1]) for binary, class probabilities for multiclass).
 */
export function compareScores(
  scores: OnnxScores,
  app: Float64Array,
  task: Task,
  classes: readonly string[] | null
): Verification {
  const rows = scores.rows;
  const diffs: Difference[] = [];
  let labelMismatches = 0;
  let worst = 0;
  const note = (d: Difference) => {
    worst = Math.max(worst, d.difference);
    diffs.push(d);
    if (diffs.length > 64) {
      diffs.sort((a, b) => b.difference - a.difference);
      diffs.length = 5;
    }
  };
  if (task === 'regression') {
    if (app.length !== rows) throw outputError(`has ${rows} rows; the app predicted ${app.length}.`);
    for (let i = 0; i < rows; i++) {
      const a = app[i];
      const o = scores.values[i];
      const difference = Math.abs(o - a) / Math.max(1, Math.abs(a));
      if (difference > 0 || o !== o) {
        note({ row: i, column: null, app: a, onnx: o, difference: o === o ? difference : Infinity });
      }
    }
  } else {
    const k = classes!.length;
    const proba = probabilityMatrix(app, rows, k);
    if (proba.length !== rows * k) {
      throw outputError(`has ${rows} rows; the app predicted ${proba.length / k}.`);
    }
    const appLabels = argmaxRows(proba, rows, k);
    for (let i = 0; i < rows; i++) {
      for (let c = 0; c < k; c++) {
        const a = proba[i * k + c];
        const o = scores.values[i * k + c];
        const difference = o === o ? Math.abs(o - a) : Infinity;
        if (difference > 0) note({ row: i, column: classes![c], app: a, onnx: o, difference });
      }
      const expected = classes![appLabels[i]];
      if (scores.labels![i] !== expected) {
        labelMismatches++;
        note({ row: i, column: null, app: expected, onnx: scores.labels![i], difference: Infinity });
      }
    }
  }
  diffs.sort((a, b) => b.difference - a.difference);
  return {
    rows,
    worst,
    labelMismatches,
    largest: diffs.slice(0, 5),
    passed: worst <= EXPORT_TOLERANCE && labelMismatches === 0
  };
}

function describe(d: Difference): string {
  const value = (x: number | string) => (typeof x === 'number' ? x.toPrecision(8) : `"${x}"`);
  const what =
    typeof d.app === 'string' ? 'label' : d.column === null ? 'prediction' : `P(${d.column})`;
  return `row ${d.row + 1}, ${what}: app ${value(d.app)}, ONNX ${value(d.onnx)}`;
}

/** Throws 'ONNX_MISMATCH' with the largest differences when the check failed. */
export function assertVerified(verification: Verification, split: string): void {
  if (verification.passed) return;
  const { labelMismatches, worst, rows, largest } = verification;
  const summary =
    labelMismatches > 0
      ? `${labelMismatches} of ${rows} labels differ`
      : `the largest difference is ${worst.toExponential(2)} (at most ${EXPORT_TOLERANCE} is allowed)`;
  throw new LatheError(
    'ONNX_MISMATCH',
    `The exported model does not compute what Lathe measured on the ${split} rows: ${summary}. Largest differences: ${largest.map(describe).join('; ')}. The model was not exported.`,
    { split, worst, labelMismatches, largest: largest.map((d) => ({ ...d })) }
  );
}
