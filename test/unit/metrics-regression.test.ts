/**
 * Regression metrics against scikit-learn 1.2 (fixtures from scripts/make-metric-fixtures.py),
 * and the chart data's downsampling rule. Tolerance: 1e-9 relative.
 */
import { describe, expect, it } from 'vitest';
import {
  downsampleRows,
  evaluateRegression,
  meanAbsoluteError,
  meanAbsolutePercentageError,
  meanSquaredError,
  r2Score,
  regressionPlotData,
  rootMeanSquaredError
} from '../../src/lib/core/evaluate';
import { close, f64, fixture } from '../fixtures/metrics/compare';

const { cases, sklearn } = fixture('regression.json');

describe(`regression metrics = scikit-learn ${sklearn}`, () => {
  for (const c of cases) {
    it(c.name, () => {
      const y = f64(c.y_true)!;
      const p = f64(c.y_pred)!;
      const w = f64(c.sample_weight);
      close(meanSquaredError(y, p, w), c.mse, 'mse');
      close(rootMeanSquaredError(y, p, w), c.rmse, 'rmse');
      close(meanAbsoluteError(y, p, w), c.mae, 'mae');
      close(r2Score(y, p, w), c.r2, 'r2');
      close(meanAbsolutePercentageError(y, p, w), c.mape, 'mape');
      const report = evaluateRegression(y, p, { sampleWeight: w });
      close(report.mse, c.mse, 'report mse');
      close(report.rmse, c.rmse, 'report rmse');
      close(report.mae, c.mae, 'report mae');
      close(report.r2, c.r2, 'report r2');
      close(report.mape, c.mape, 'report mape');
    });
  }
});

describe('regression edge cases', () => {
  it('R² of a constant target is 1 for a perfect prediction and 0 otherwise', () => {
    const y = new Float64Array(3).fill(0.1); // the float mean of three 0.1s is not 0.1
    expect(r2Score(y, y.slice())).toBe(1);
    expect(r2Score(y, Float64Array.from([0.1, 0.2, 0.1]))).toBe(0);
    // Rows with zero weight do not count towards "constant".
    const w = Float64Array.from([1, 1, 0]);
    expect(r2Score(Float64Array.from([2, 2, 5]), Float64Array.from([2, 3, 0]), w)).toBe(0);
  });

  it('notes explain zeros in y (MAPE), constant y (R²) and a single row', () => {
    const zeros = evaluateRegression(Float64Array.from([0, 1, 2]), Float64Array.from([1, 1, 2]));
    expect(zeros.mape).toBeGreaterThan(1e14);
    expect(zeros.notes.join(' ')).toMatch(/1 true value is 0; MAPE/);
    const constant = evaluateRegression(Float64Array.from([4, 4]), Float64Array.from([4, 5]));
    expect(constant.r2).toBe(0);
    expect(constant.notes.join(' ')).toMatch(/all the same/);
    const one = evaluateRegression(Float64Array.from([1]), Float64Array.from([2]));
    expect(one.r2).toBeNaN();
    expect(one.notes.join(' ')).toMatch(/at least two rows/);
    expect(JSON.parse(JSON.stringify(one)).r2).toBeNull();
  });

  it('rejects non-finite values and mismatched lengths', () => {
    expect(() => meanSquaredError(Float64Array.from([1, NaN]), Float64Array.from([1, 2]))).toThrow(
      /yTrue has a non-finite value \(NaN\) at row 1/
    );
    expect(() => r2Score(Float64Array.from([1, 2]), Float64Array.from([1]))).toThrow(/yPred has 1/);
    expect(() => evaluateRegression(new Float64Array(0), new Float64Array(0))).toThrow(/no rows/);
  });
});

describe('regression chart data', () => {
  it('keeps every row when there are few enough', () => {
    const y = Float64Array.from([3, 1, 2]);
    const d = regressionPlotData(y, Float64Array.from([2, 1, 4]), 10);
    expect(d.rows).toEqual([0, 1, 2]);
    expect(d.residual).toEqual([1, 0, -2]);
    expect(d.predicted).toEqual([2, 1, 4]);
    expect(d.rule).toBe('all 3 rows');
  });

  it('downsamples deterministically: outliers, extremes of y, at most maxPoints rows', () => {
    const n = 10_000;
    const y = new Float64Array(n);
    const p = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      y[i] = Math.sin(i * 12.9898) * 43758.5453 - Math.floor(Math.sin(i * 12.9898) * 43758.5453);
      p[i] = y[i] + (i % 97 === 0 ? 5 + i / n : 0.01 * Math.cos(i));
    }
    const rows = downsampleRows(y, p, 200);
    expect(rows.length).toBeLessThanOrEqual(200);
    expect(rows.length).toBeGreaterThan(190);
    expect(Array.from(rows)).toEqual(Array.from(downsampleRows(y, p, 200)));
    for (let i = 1; i < rows.length; i++) expect(rows[i]).toBeGreaterThan(rows[i - 1]);
    // The 10 (= 200 / 20) largest residuals are the last ten multiples of 97.
    const picked = new Set(rows);
    for (let j = 0; j < 10; j++) expect(picked.has(97 * (103 - j))).toBe(true);
    let min = 0;
    let max = 0;
    for (let i = 1; i < n; i++) {
      if (y[i] < y[min]) min = i;
      if (y[i] > y[max]) max = i;
    }
    expect(picked.has(min) && picked.has(max)).toBe(true);
    const d = regressionPlotData(y, p, 200);
    expect(d.total).toBe(n);
    expect(d.rule).toMatch(/of 10000 rows: the 10 largest \|residual\|/);
  });
});
