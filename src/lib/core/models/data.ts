/**
 * From a feature set's Frames to the arrays a model trains on: X as Float32Array row-major
 * (numeric columns only, in frame order, the target left out) and y as class indices
 * (classification) or numbers (regression). Every problem is a LatheError that says what to
 * do. No TensorFlow.js here.
 */
import { LatheError } from '../base/errors';
import type { Frame, FrameColumn } from '../features/frame';
import type { SplitName } from '../features/split';
import { TRAIN_LIMITS, type Task } from '../spec/types';
import { outputDim } from './kind';

export interface SplitArrays {
  rows: number;
  /** rows × features, row-major. */
  x: Float32Array;
  /** Classification: class indices into `classes` (Int32Array). Regression: Float64Array. */
  y: Int32Array | Float64Array;
}

export interface TrainingData {
  task: Task;
  target: string;
  /** Feature column names, in the order of X's columns. */
  features: string[];
  inputDim: number;
  /** Columns of the model's output: 1 (regression, binary), else the number of classes. */
  outputDim: number;
  /**
   * Classification: the class labels, sorted (text in code-unit order, numbers numerically and
   * written with String()); binary models give P(classes[1]). Null for regression.
   */
  classes: string[] | null;
  train: SplitArrays;
  validation: SplitArrays;
  test: SplitArrays;
}

export type FeatureSplits = { train: Frame } & Partial<Record<SplitName, Frame>>;

const SPLIT_WORDS: Record<SplitName, string> = {
  train: 'training',
  validation: 'validation',
  test: 'test'
};

function columnOf(frame: Frame, name: string): FrameColumn | undefined {
  return frame.columns.find((c) => c.name === name);
}

function namesPreview(names: string[]): string {
  const shown = names.slice(0, 12).map((n) => `"${n}"`);
  return shown.join(', ') + (names.length > 12 ? `, … (${names.length} in all)` : '');
}

/**
 * Checks that every non-target column can feed a model and returns their names. Categorical,
 * text and datetime columns are refused with the step that would encode them.
 */
export function featureColumns(frame: Frame, target: string | null): string[] {
  const names: string[] = [];
  for (const column of frame.columns) {
    if (column.name === target) continue;
    if (column.kind === 'category') {
      const fix =
        column.type === 'text'
          ? 'add a text step (token counts) or drop it'
          : 'add a one-hot, ordinal or frequency encoding step for it, or drop it';
      throw new LatheError(
        'FEATURE_NOT_NUMERIC',
        `The feature column "${column.name}" is ${column.type}; models need numbers: ${fix}.`,
        { column: column.name, type: column.type }
      );
    }
    if (column.type === 'datetime') {
      throw new LatheError(
        'FEATURE_NOT_NUMERIC',
        `The feature column "${column.name}" is a datetime; add a date parts step (year, month, day of week …) for it, or drop it.`,
        { column: column.name, type: column.type }
      );
    }
    names.push(column.name);
  }
  if (names.length === 0) {
    throw new LatheError(
      'NO_FEATURES',
      'The feature set has no feature columns besides the target; keep at least one column.'
    );
  }
  return names;
}

/**
 * X (row-major float32) for the named numeric columns of a frame. Missing (NaN) or infinite
 * values, or numbers beyond float32's range, are refused naming the column and the fix.
 */
export function featureMatrix(
  frame: Frame,
  features: readonly string[],
  split = 'input'
): Float32Array {
  const rows = frame.rows;
  const d = features.length;
  const x = new Float32Array(rows * d);
  for (let j = 0; j < d; j++) {
    const name = features[j];
    const column = columnOf(frame, name);
    if (!column) {
      throw new LatheError(
        'FEATURE_MISSING',
        `The feature column "${name}" is missing from the ${split} rows.`,
        { column: name, split }
      );
    }
    if (column.kind !== 'number' || column.type === 'datetime')
      featureColumns({ rows, columns: [column] }, null);
    const values = (column as { values: Float64Array }).values;
    let missing = 0;
    let infinite = 0;
    for (let i = 0; i < rows; i++) {
      const value = values[i];
      if (value !== value) missing++;
      else if (!(Math.abs(value) <= 3.4e38)) infinite++;
      else x[i * d + j] = value;
    }
    if (missing > 0) {
      throw new LatheError(
        'FEATURE_MISSING_VALUES',
        `The feature column "${name}" has ${missing} missing value${missing === 1 ? '' : 's'} in the ${split} rows; add an impute step for it (or drop the column).`,
        { column: name, split, count: missing }
      );
    }
    if (infinite > 0) {
      throw new LatheError(
        'FEATURE_INFINITE',
        `The feature column "${name}" has ${infinite} infinite or too large value${infinite === 1 ? '' : 's'} in the ${split} rows; add a clip, winsorize or log1p step for it.`,
        { column: name, split, count: infinite }
      );
    }
  }
  return x;
}

/** Labels of a classification target per row (null = missing) as a lookup from label to rows. */
function labelsOf(column: FrameColumn): {
  label: (i: number) => string | null;
  sortKey: 'text' | 'number';
} {
  if (column.kind === 'category') {
    const { codes, dictionary } = column;
    return { label: (i) => (codes[i] < 0 ? null : dictionary[codes[i]]), sortKey: 'text' };
  }
  const values = column.values;
  return {
    label: (i) => (values[i] !== values[i] ? null : String(values[i])),
    sortKey: 'number'
  };
}

/**
 * Checks a fitted feature set for training and converts it. Throws LatheError:
 * NO_TRAINING_ROWS, TARGET_MISSING (column absent or values missing), TARGET_NOT_NUMERIC
 * (regression), TARGET_CONSTANT, TOO_MANY_CLASSES (> TRAIN_LIMITS.classes), TARGET_INVALID
 * (a binary task without exactly 2 classes), FEATURE_NOT_NUMERIC, FEATURE_MISSING_VALUES,
 * FEATURE_INFINITE, NO_FEATURES.
 */
export function prepareTrainingData(
  splits: FeatureSplits,
  spec: { target: string; task: Task }
): TrainingData {
  const { target, task } = spec;
  const frames: Record<SplitName, Frame> = {
    train: splits.train,
    validation: splits.validation ?? emptyLike(splits.train),
    test: splits.test ?? emptyLike(splits.train)
  };
  const names: SplitName[] = ['train', 'validation', 'test'];
  const trainTarget = columnOf(frames.train, target);
  if (!trainTarget) {
    throw new LatheError(
      'TARGET_MISSING',
      `The target column "${target}" is not in the feature set (columns: ${namesPreview(frames.train.columns.map((c) => c.name))}).`,
      { column: target }
    );
  }
  if (frames.train.rows === 0) {
    throw new LatheError(
      'NO_TRAINING_ROWS',
      'The training split has no rows, so there is nothing to learn from. Check the split fractions and any filter steps, and that the target has values.',
      { split: 'train' }
    );
  }
  const targets = {} as Record<SplitName, FrameColumn>;
  for (const name of names) {
    const column = columnOf(frames[name], target);
    if (!column) {
      if (frames[name].rows === 0) continue;
      throw new LatheError(
        'TARGET_MISSING',
        `The target column "${target}" is not in the ${SPLIT_WORDS[name]} split.`,
        {
          column: target,
          split: name
        }
      );
    }
    targets[name] = column;
  }
  const features = featureColumns(frames.train, target);
  const arrays = {} as Record<SplitName, { rows: number; x: Float32Array }>;
  for (const name of names) {
    arrays[name] = {
      rows: frames[name].rows,
      x: featureMatrix(frames[name], features, `${SPLIT_WORDS[name]}`)
    };
  }
  if (task === 'regression') {
    if (trainTarget.kind !== 'number' || trainTarget.type === 'datetime') {
      throw new LatheError(
        'TARGET_NOT_NUMERIC',
        `The target column "${target}" is ${trainTarget.type}; a regression needs a numeric target. Choose a classification task, or convert the column to numbers.`,
        { column: target, type: trainTarget.type }
      );
    }
    const y = {} as Record<SplitName, Float64Array>;
    for (const name of names) {
      const column = targets[name];
      const values = column && column.kind === 'number' ? column.values : new Float64Array(0);
      let bad = 0;
      for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) bad++;
      if (bad > 0) {
        throw new LatheError(
          'TARGET_MISSING',
          `The target column "${target}" has ${bad} missing or infinite value${bad === 1 ? '' : 's'} in the ${SPLIT_WORDS[name]} split; rows without a target cannot be used.`,
          { column: target, split: name, count: bad }
        );
      }
      y[name] = values.slice();
    }
    const train = y.train;
    let constant = true;
    for (let i = 1; i < train.length && constant; i++) constant = train[i] === train[0];
    if (constant) {
      throw new LatheError(
        'TARGET_CONSTANT',
        `The target column "${target}" has the same value (${train[0]}) in every training row; there is nothing to predict.`,
        { column: target, value: train[0] }
      );
    }
    return {
      task,
      target,
      features,
      inputDim: features.length,
      outputDim: 1,
      classes: null,
      train: { ...arrays.train, y: y.train },
      validation: { ...arrays.validation, y: y.validation },
      test: { ...arrays.test, y: y.test }
    };
  }
  // Classification: labels across all splits, sorted; refuse huge label sets early.
  const seen = new Set<string>();
  const trainSeen = new Set<string>();
  let sortKey: 'text' | 'number' = 'text';
  for (const name of names) {
    const column = targets[name];
    if (!column) continue;
    const { label, sortKey: key } = labelsOf(column);
    sortKey = key;
    for (let i = 0; i < frames[name].rows; i++) {
      const value = label(i);
      if (value === null) {
        throw new LatheError(
          'TARGET_MISSING',
          `The target column "${target}" has missing values in the ${SPLIT_WORDS[name]} split; rows without a target cannot be used.`,
          { column: target, split: name }
        );
      }
      seen.add(value);
      if (name === 'train') trainSeen.add(value);
      if (seen.size > TRAIN_LIMITS.classes) {
        throw new LatheError(
          'TOO_MANY_CLASSES',
          `The target column "${target}" has more than ${TRAIN_LIMITS.classes} classes; classification supports at most ${TRAIN_LIMITS.classes}. Is it an identifier, or a number better predicted with a regression task?`,
          { column: target, limit: TRAIN_LIMITS.classes }
        );
      }
    }
  }
  if (trainSeen.size < 2) {
    const only = [...trainSeen][0];
    throw new LatheError(
      'TARGET_CONSTANT',
      `The target column "${target}" has only one class ("${only}") in the training split; a classifier needs at least two.`,
      { column: target, classes: trainSeen.size }
    );
  }
  const classes = [...seen].sort(
    sortKey === 'number' ? (a, b) => Number(a) - Number(b) : (a, b) => (a < b ? -1 : a > b ? 1 : 0)
  );
  if (task === 'binary' && classes.length !== 2) {
    throw new LatheError(
      'TARGET_INVALID',
      `The target column "${target}" has ${classes.length} classes (${namesPreview(classes)}); a binary task needs exactly 2. Choose a multiclass task.`,
      { column: target, classes: classes.length }
    );
  }
  const index = new Map(classes.map((c, i) => [c, i]));
  const y = {} as Record<SplitName, Int32Array>;
  for (const name of names) {
    const column = targets[name];
    const rows = frames[name].rows;
    const out = new Int32Array(rows);
    if (column) {
      const { label } = labelsOf(column);
      for (let i = 0; i < rows; i++) out[i] = index.get(label(i)!)!;
    }
    y[name] = out;
  }
  return {
    task,
    target,
    features,
    inputDim: features.length,
    outputDim: outputDim(task, classes.length),
    classes,
    train: { ...arrays.train, y: y.train },
    validation: { ...arrays.validation, y: y.validation },
    test: { ...arrays.test, y: y.test }
  };
}

function emptyLike(frame: Frame): Frame {
  return {
    rows: 0,
    columns: frame.columns.map((c) =>
      c.kind === 'number'
        ? { ...c, values: new Float64Array(0) }
        : { ...c, codes: new Int32Array(0) }
    )
  };
}
