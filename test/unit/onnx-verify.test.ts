/**
 * The export check: an exported model's outputs against the app's predictions, with the
 * tolerances of the issue (1e-5 absolute for probabilities, relative for regression) and a
 * refusal that names the largest differences. Expectations written by hand.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LATHE_VERSION } from '../../src/lib/core/base/version';
import type { OutputTensor } from '../../src/lib/core/onnx/runtime';
import { assertVerified, compareScores, onnxScores } from '../../src/lib/core/pipeline/verify';

const tensor = (data: Float32Array | string[], dims: number[]): OutputTensor => ({
  type: Array.isArray(data) ? 'string' : 'float32',
  dims,
  data
});

describe('compareScores', () => {
  it('passes regression within 1e-5 relative and names the rows beyond it', () => {
    const app = Float64Array.of(100, 2, -0.5);
    const close = onnxScores(
      { prediction: tensor(Float32Array.of(100.0005, 2, -0.5), [3, 1]) },
      'regression',
      null
    );
    const ok = compareScores(close, app, 'regression', null);
    expect(ok.passed).toBe(true);
    // |100.0005 − 100| / 100 in float32: 100.0005 is stored as 100.00050354.
    expect(ok.worst).toBeCloseTo(5.0354e-6, 9);

    const far = onnxScores(
      { prediction: tensor(Float32Array.of(100, 2.5, -0.5), [3, 1]) },
      'regression',
      null
    );
    const bad = compareScores(far, app, 'regression', null);
    expect(bad.passed).toBe(false);
    // |2.5 − 2| / max(1, 2) = 0.25
    expect(bad.worst).toBe(0.25);
    expect(() => assertVerified(bad, 'test')).toThrow(
      /on the test rows: the largest difference is 2\.50e-1 .*row 2, prediction: app 2\.0000000, ONNX 2\.5000000/
    );
  });

  it('expands binary P(positive) to both columns and checks labels', () => {
    const classes = ['no', 'yes'];
    const app = Float64Array.of(0.25, 0.8);
    const same = onnxScores(
      {
        probabilities: tensor(Float32Array.of(0.75, 0.25, 0.2, 0.8), [2, 2]),
        label: tensor(['no', 'yes'], [2])
      },
      'binary',
      classes
    );
    const ok = compareScores(same, app, 'binary', classes);
    expect(ok.passed).toBe(true);
    expect(ok.worst).toBeLessThan(1e-7);

    const flipped = onnxScores(
      {
        probabilities: tensor(Float32Array.of(0.75, 0.25, 0.2, 0.8), [2, 2]),
        label: tensor(['no', 'no'], [2])
      },
      'binary',
      classes
    );
    const bad = compareScores(flipped, app, 'binary', classes);
    expect(bad.passed).toBe(false);
    expect(bad.labelMismatches).toBe(1);
    expect(() => assertVerified(bad, 'validation')).toThrow(
      'on the validation rows: 1 of 2 labels differ. Largest differences: row 2, label: app "yes", ONNX "no"'
    );
  });

  it('refuses NaN and outputs of the wrong shape', () => {
    const classes = ['a', 'b', 'c'];
    const nan = onnxScores(
      {
        probabilities: tensor(Float32Array.of(NaN, 0.5, 0.5), [1, 3]),
        label: tensor(['b'], [1])
      },
      'multiclass',
      classes
    );
    const check = compareScores(nan, Float64Array.of(0, 0.5, 0.5), 'multiclass', classes);
    expect(check.passed).toBe(false);
    expect(check.largest[0]).toMatchObject({ row: 0, column: 'a', difference: Infinity });
    expect(() =>
      onnxScores(
        { probabilities: tensor(Float32Array.of(1, 0), [1, 2]), label: tensor(['a'], [1]) },
        'multiclass',
        classes
      )
    ).toThrow('"probabilities" has shape [1, 2], not [N, 3].');
  });
});

it('the version written into exported files is the package version', () => {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
  expect(LATHE_VERSION).toBe(pkg.version);
});
