/**
 * Input checks shared by the metric functions. Metrics get typed arrays from the training job;
 * a wrong length, an out-of-range class index or a non-finite score is a bug upstream, so it is
 * reported with the argument, the row and the value rather than silently turned into NaN.
 */
import { LatheError } from '../base/errors';

/** The error code every metric input problem carries. */
export const METRIC_INPUT = 'metric-input';

export type NumericArray = Float64Array | Float32Array | Int32Array | Uint8Array;

export function fail(message: string, details?: Record<string, unknown>): never {
  throw new LatheError(METRIC_INPUT, message, details);
}

export function checkLength(name: string, length: number, expected: number): void {
  if (length !== expected) {
    fail(`${name} has ${length} values, expected ${expected} (one per row).`, {
      argument: name,
      length,
      expected
    });
  }
}

export function checkFinite(name: string, values: NumericArray): void {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) {
      fail(`${name} has a non-finite value (${values[i]}) at row ${i}.`, {
        argument: name,
        row: i
      });
    }
  }
}

/** Class indices must lie in 0..k-1. */
export function checkLabels(name: string, labels: Int32Array, k: number): void {
  for (let i = 0; i < labels.length; i++) {
    const c = labels[i];
    if (c < 0 || c >= k) {
      fail(`${name} has class index ${c} at row ${i}; expected 0..${k - 1}.`, {
        argument: name,
        row: i
      });
    }
  }
}

/** Sample weights: one per row, finite and not negative. */
export function checkWeights(weights: Float64Array | undefined, n: number): void {
  if (weights === undefined) return;
  checkLength('sampleWeight', weights.length, n);
  for (let i = 0; i < n; i++) {
    const w = weights[i];
    if (!Number.isFinite(w) || w < 0) {
      fail(`sampleWeight has ${w} at row ${i}; weights must be finite and not negative.`, {
        argument: 'sampleWeight',
        row: i
      });
    }
  }
}

/** A row-major n×k probability (or score) matrix with finite entries. */
export function checkMatrix(name: string, matrix: Float64Array, n: number, k: number): void {
  if (!Number.isInteger(k) || k < 1) fail(`${name} needs at least one column, got ${k}.`);
  checkLength(name, matrix.length, n * k);
  for (let i = 0; i < matrix.length; i++) {
    if (!Number.isFinite(matrix[i])) {
      const row = Math.floor(i / k);
      fail(`${name} has a non-finite value (${matrix[i]}) at row ${row}, column ${i % k}.`, {
        argument: name,
        row,
        column: i % k
      });
    }
  }
}

/** Rows per class: the number of rows of each class, a plain count (sample weights aside). */
export function classCounts(labels: Int32Array, k: number): Float64Array {
  const counts = new Float64Array(k);
  for (let i = 0; i < labels.length; i++) counts[labels[i]]++;
  return counts;
}
