/** From feature-set Frames to training arrays, and every bad input refused with a clear message. */
import { describe, expect, it } from 'vitest';
import { LatheError } from '../../src/lib/core/base/errors';
import type { Frame, FrameColumn } from '../../src/lib/core/features/frame';
import {
  featureMatrix,
  prepareTrainingData,
  type FeatureSplits
} from '../../src/lib/core/models/data';
import type { Task } from '../../src/lib/core/spec/types';

const num = (
  name: string,
  values: number[],
  type: 'float' | 'integer' | 'boolean' | 'datetime' = 'float'
): FrameColumn => ({
  kind: 'number',
  name,
  type,
  values: Float64Array.from(values)
});
const cat = (
  name: string,
  codes: number[],
  dictionary: string[],
  type: 'categorical' | 'text' = 'categorical'
): FrameColumn => ({
  kind: 'category',
  name,
  type,
  codes: Int32Array.from(codes),
  dictionary
});
const frame = (...columns: FrameColumn[]): Frame => ({
  rows: columns[0].kind === 'number' ? columns[0].values.length : columns[0].codes.length,
  columns
});

function failure(splits: FeatureSplits, target: string, task: Task): LatheError {
  try {
    prepareTrainingData(splits, { target, task });
  } catch (error) {
    expect(error).toBeInstanceOf(LatheError);
    return error as LatheError;
  }
  throw new Error('expected prepareTrainingData to throw');
}

describe('prepareTrainingData', () => {
  it('makes row-major float32 X from the numeric columns, the target left out', () => {
    const train = frame(
      num('a', [1, 2, 3]),
      cat('label', [1, 0, 1], ['no', 'yes']),
      num('b', [0.5, -1, 1e6], 'integer'),
      num('flag', [1, 0, 1], 'boolean')
    );
    const data = prepareTrainingData(
      {
        train,
        validation: frame(
          num('a', [4]),
          cat('label', [0], ['no', 'yes']),
          num('b', [7]),
          num('flag', [0])
        )
      },
      { target: 'label', task: 'binary' }
    );
    expect(data.features).toEqual(['a', 'b', 'flag']);
    expect(data.inputDim).toBe(3);
    expect(data.outputDim).toBe(1);
    expect(data.classes).toEqual(['no', 'yes']);
    expect(data.train.x).toEqual(Float32Array.of(1, 0.5, 1, 2, -1, 0, 3, 1e6, 1));
    expect(data.train.y).toEqual(Int32Array.of(1, 0, 1));
    expect(data.validation).toEqual({ rows: 1, x: Float32Array.of(4, 7, 0), y: Int32Array.of(0) });
    expect(data.test).toEqual({ rows: 0, x: new Float32Array(0), y: new Int32Array(0) });
  });

  it('sorts class labels: text by code unit, numbers numerically, across all splits', () => {
    // Dictionary order is not label order; "kiwi" only appears in the test split.
    const dictionary = ['pear', 'apple', 'kiwi', 'Zebra'];
    const text = prepareTrainingData(
      {
        train: frame(num('x', [1, 2, 3]), cat('fruit', [0, 1, 3], dictionary)),
        test: frame(num('x', [4]), cat('fruit', [2], dictionary))
      },
      { target: 'fruit', task: 'multiclass' }
    );
    expect(text.classes).toEqual(['Zebra', 'apple', 'kiwi', 'pear']);
    expect(text.outputDim).toBe(4);
    expect(text.train.y).toEqual(Int32Array.of(3, 1, 0));
    expect(text.test.y).toEqual(Int32Array.of(2));
    const numbers = prepareTrainingData(
      { train: frame(num('x', [1, 2, 3, 4]), num('grade', [10, 9, 2, 10], 'integer')) },
      { target: 'grade', task: 'multiclass' }
    );
    expect(numbers.classes).toEqual(['2', '9', '10']);
    expect(numbers.train.y).toEqual(Int32Array.of(2, 1, 0, 2));
  });

  it('keeps regression targets as float64', () => {
    const data = prepareTrainingData(
      { train: frame(num('x', [1, 2]), num('y', [0.1, 1e10 + 0.5])) },
      { target: 'y', task: 'regression' }
    );
    expect(data.classes).toBeNull();
    expect(data.train.y).toEqual(Float64Array.of(0.1, 1e10 + 0.5));
  });

  it('refuses a missing target column, naming the columns there are', () => {
    const error = failure(
      { train: frame(num('x', [1, 2]), num('z', [1, 2])) },
      'price',
      'regression'
    );
    expect(error.code).toBe('TARGET_MISSING');
    expect(error.message).toBe(
      'The target column "price" is not in the feature set (columns: "x", "z").'
    );
  });

  it('refuses missing target values', () => {
    const error = failure(
      { train: frame(num('x', [1, 2, 3]), num('y', [1, NaN, 2])) },
      'y',
      'regression'
    );
    expect(error.code).toBe('TARGET_MISSING');
    expect(error.message).toMatch(/"y" has 1 missing or infinite value in the training split/);
    const labels = failure(
      { train: frame(num('x', [1, 2]), cat('y', [0, -1], ['a'])) },
      'y',
      'binary'
    );
    expect(labels.message).toMatch(/"y" has missing values in the training split/);
  });

  it('refuses a constant target, for regression and classification', () => {
    const regression = failure(
      { train: frame(num('x', [1, 2, 3]), num('y', [4, 4, 4])) },
      'y',
      'regression'
    );
    expect(regression.code).toBe('TARGET_CONSTANT');
    expect(regression.message).toBe(
      'The target column "y" has the same value (4) in every training row; there is nothing to predict.'
    );
    const classes = failure(
      {
        train: frame(num('x', [1, 2]), cat('y', [1, 1], ['a', 'b'])),
        validation: frame(num('x', [3]), cat('y', [0], ['a', 'b']))
      },
      'y',
      'binary'
    );
    expect(classes.code).toBe('TARGET_CONSTANT');
    expect(classes.message).toMatch(
      /only one class \("b"\) in the training split; a classifier needs at least two/
    );
  });

  it('refuses more than 1000 classes, saying why', () => {
    const n = 1001;
    const rows = Array.from({ length: n }, (_, i) => i);
    const error = failure(
      { train: frame(num('x', rows), num('id', rows, 'integer')) },
      'id',
      'multiclass'
    );
    expect(error.code).toBe('TOO_MANY_CLASSES');
    expect(error.message).toMatch(
      /more than 1000 classes; classification supports at most 1000\. Is it an identifier/
    );
    const ok = prepareTrainingData(
      { train: frame(num('x', rows.slice(0, 1000)), num('id', rows.slice(0, 1000), 'integer')) },
      { target: 'id', task: 'multiclass' }
    );
    expect(ok.classes).toHaveLength(1000);
  });

  it('refuses a binary task with three classes', () => {
    const error = failure(
      { train: frame(num('x', [1, 2, 3]), cat('y', [0, 1, 2], ['a', 'b', 'c'])) },
      'y',
      'binary'
    );
    expect(error.code).toBe('TARGET_INVALID');
    expect(error.message).toMatch(/has 3 classes \("a", "b", "c"\); a binary task needs exactly 2/);
  });

  it('refuses a non-numeric regression target', () => {
    const error = failure(
      { train: frame(num('x', [1, 2]), cat('y', [0, 1], ['cheap', 'dear'])) },
      'y',
      'regression'
    );
    expect(error.code).toBe('TARGET_NOT_NUMERIC');
    expect(error.message).toBe(
      'The target column "y" is categorical; a regression needs a numeric target. Choose a classification task, or convert the column to numbers.'
    );
  });

  it('refuses a feature set with zero training rows', () => {
    const error = failure(
      { train: frame(num('x', []), num('y', [])), test: frame(num('x', [1]), num('y', [2])) },
      'y',
      'regression'
    );
    expect(error.code).toBe('NO_TRAINING_ROWS');
    expect(error.message).toMatch(/^The training split has no rows/);
  });

  it('refuses categorical, text and datetime features, suggesting the step that encodes them', () => {
    const cases: [FrameColumn, RegExp][] = [
      [
        cat('colour', [0, 1], ['red', 'blue']),
        /"colour" is categorical; models need numbers: add a one-hot, ordinal or frequency encoding step/
      ],
      [
        cat('review', [0, 1], ['good', 'bad'], 'text'),
        /"review" is text; models need numbers: add a text step/
      ],
      [num('when', [0, 1], 'datetime'), /"when" is a datetime; add a date parts step/]
    ];
    for (const [column, message] of cases) {
      const error = failure(
        { train: frame(num('x', [1, 2]), column, num('y', [1, 2])) },
        'y',
        'regression'
      );
      expect(error.code).toBe('FEATURE_NOT_NUMERIC');
      expect(error.message).toMatch(message);
      expect(error.details?.column).toBe(column.name);
    }
    const none = failure({ train: frame(num('y', [1, 2])) }, 'y', 'regression');
    expect(none.code).toBe('NO_FEATURES');
  });

  it('refuses missing and infinite feature values, naming the column, split and fix', () => {
    const missing = failure(
      {
        train: frame(num('age', [1, 2]), num('y', [1, 2])),
        validation: frame(num('age', [NaN, NaN]), num('y', [1, 2]))
      },
      'y',
      'regression'
    );
    expect(missing.code).toBe('FEATURE_MISSING_VALUES');
    expect(missing.message).toBe(
      'The feature column "age" has 2 missing values in the validation rows; add an impute step for it (or drop the column).'
    );
    expect(missing.details).toEqual({ column: 'age', split: 'validation', count: 2 });
    const infinite = failure(
      { train: frame(num('v', [1, Infinity, 1e39]), num('y', [1, 2, 3])) },
      'y',
      'regression'
    );
    expect(infinite.code).toBe('FEATURE_INFINITE');
    expect(infinite.message).toMatch(
      /"v" has 2 infinite or too large values in the training rows; add a clip, winsorize or log1p step/
    );
  });

  it('builds X for new rows with featureMatrix, refusing absent columns', () => {
    const rows = frame(num('b', [3, 4]), num('a', [1, 2]));
    expect(featureMatrix(rows, ['a', 'b'])).toEqual(Float32Array.of(1, 3, 2, 4));
    expect(() => featureMatrix(rows, ['a', 'c'])).toThrow(
      'The feature column "c" is missing from the input rows.'
    );
  });
});
