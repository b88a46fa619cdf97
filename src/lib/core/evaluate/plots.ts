/**
 * Chart data for regression: residuals (actual − predicted) and predicted-vs-actual, cut down to
 * at most `maxPoints` rows for drawing. Every row is kept when there are few enough. Otherwise
 * the rule, deterministic and independent of anything but the values and row order, is:
 *
 * 1. outliers first: the ⌊maxPoints / 20⌋ rows with the largest |residual| (ties: lower row
 *    index first) — the points a residual plot exists to show;
 * 2. the rest spread evenly over the rows ordered by actual value (ties: row index): positions
 *    round(j · (n − 1) / (m − 1)) for j = 0..m−1, where m is the slots left, so the smallest and
 *    largest actual values are always drawn;
 * 3. the union, in ascending row order (a row picked twice is drawn once, so there may be
 *    slightly fewer than maxPoints points).
 */
import { checkFinite, checkLength, fail } from './check';

export interface RegressionPlotData {
  /** Rows in the data set; `rows.length` of them are drawn. */
  total: number;
  /** Original row numbers of the drawn points, ascending. */
  rows: number[];
  actual: number[];
  predicted: number[];
  /** actual − predicted. */
  residual: number[];
  /** The sampling rule, for the chart's caption and table. */
  rule: string;
}

export const DEFAULT_MAX_POINTS = 2000;

export function downsampleRows(
  yTrue: Float64Array,
  yPred: Float64Array,
  maxPoints: number
): Int32Array {
  const n = yTrue.length;
  if (!Number.isInteger(maxPoints) || maxPoints < 2) {
    fail(`maxPoints must be an integer of at least 2, got ${maxPoints}.`);
  }
  if (n <= maxPoints) {
    const all = new Int32Array(n);
    for (let i = 0; i < n; i++) all[i] = i;
    return all;
  }
  const picked = new Uint8Array(n);
  const outliers = Math.floor(maxPoints / 20);
  if (outliers > 0) {
    const abs = new Float64Array(n);
    for (let i = 0; i < n; i++) abs[i] = Math.abs(yTrue[i] - yPred[i]);
    const sorted = abs.slice().sort();
    const cut = sorted[n - outliers];
    let taken = 0;
    for (let i = 0; i < n; i++)
      if (abs[i] > cut) {
        picked[i] = 1;
        taken++;
      }
    for (let i = 0; i < n && taken < outliers; i++)
      if (abs[i] === cut) {
        picked[i] = 1;
        taken++;
      }
  }
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => yTrue[a] - yTrue[b] || a - b);
  const m = maxPoints - outliers;
  for (let j = 0; j < m; j++) picked[order[Math.round((j * (n - 1)) / (m - 1))]] = 1;
  let count = 0;
  for (let i = 0; i < n; i++) count += picked[i];
  const rows = new Int32Array(count);
  for (let i = 0, p = 0; i < n; i++) if (picked[i]) rows[p++] = i;
  return rows;
}

export function regressionPlotData(
  yTrue: Float64Array,
  yPred: Float64Array,
  maxPoints = DEFAULT_MAX_POINTS
): RegressionPlotData {
  checkLength('yPred', yPred.length, yTrue.length);
  checkFinite('yTrue', yTrue);
  checkFinite('yPred', yPred);
  const idx = downsampleRows(yTrue, yPred, maxPoints);
  const rows = Array.from(idx);
  const n = yTrue.length;
  return {
    total: n,
    rows,
    actual: rows.map((i) => yTrue[i]),
    predicted: rows.map((i) => yPred[i]),
    residual: rows.map((i) => yTrue[i] - yPred[i]),
    rule:
      n <= maxPoints
        ? `all ${n} rows`
        : `${rows.length} of ${n} rows: the ${Math.floor(maxPoints / 20)} largest |residual|, ` +
          `then evenly spaced over rows sorted by actual value`
  };
}
