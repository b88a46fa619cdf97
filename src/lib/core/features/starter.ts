/**
 * The first pipeline the Features stage offers for a dataset, from its schema and profile only
 * (no data is read): fill gaps, scale numbers, one-hot small categoricals, turn dates into date
 * parts, and drop in a visible step what it does not encode (IDs, free text, dates it cannot
 * use), so the first feature set trains at once and the person can change any of it.
 */
import type { ColumnProfile, DatasetProfile } from '../data/types';
import type { PipelineSpec, SpecSource, StepSpec, Task } from '../spec/types';

export interface StarterInput {
  source: SpecSource;
  profile: DatasetProfile;
  /** The column to predict when known (a sample's documented target); else the last column. */
  target?: string;
}

/** Categorical columns with more distinct values than this are left out (IDs, names). */
export const STARTER_MAX_CATEGORIES = 50;

const DAY_MS = 86_400_000;

export type DatePart = 'year' | 'month' | 'dayofweek' | 'hour';

/**
 * The date parts worth a model's while for a datetime column, from the span of its values
 * (max - min) and their typical spacing (span / (distinct - 1)):
 * - year when the values span at least a year (so at least two calendar years occur);
 * - month when they span at least three months and are spaced less than about half a year
 *   apart (yearly data such as model years, all on 1 January, has a constant month);
 * - dayofweek when they span at least two weeks and are spaced less than a week apart;
 * - hour when they span at least two days and are spaced less than a day apart.
 * Day of the month is never chosen: it rarely carries signal a model can use on its own.
 * An empty list (one date, or nothing known) means the column is dropped.
 */
export function datePartsFor(column: ColumnProfile): DatePart[] {
  const numeric = column.numeric;
  if (!numeric || !Number.isFinite(numeric.min) || !Number.isFinite(numeric.max)) return [];
  const span = numeric.max - numeric.min;
  if (column.distinct < 2 || span <= 0) return [];
  const spacing = span / (column.distinct - 1);
  const parts: DatePart[] = [];
  if (span >= 365 * DAY_MS) parts.push('year');
  if (span >= 90 * DAY_MS && spacing < 180 * DAY_MS) parts.push('month');
  if (span >= 14 * DAY_MS && spacing < 7 * DAY_MS) parts.push('dayofweek');
  if (span >= 2 * DAY_MS && spacing < DAY_MS) parts.push('hour');
  return parts;
}

/** Regression for a float target or an integer one with many values; classification otherwise. */
export function suggestTask(profile: DatasetProfile, target: string): Task {
  const column = profile.columns.find((c) => c.name === target);
  if (!column) return 'regression';
  if (column.type === 'float') return 'regression';
  if (column.type === 'integer')
    return column.distinct <= 20 ? (column.distinct <= 2 ? 'binary' : 'multiclass') : 'regression';
  return column.distinct <= 2 ? 'binary' : 'multiclass';
}

/**
 * The starter pipeline. Numbers (integer columns such as a model year included: they stay
 * numbers) are median-imputed and standardised; booleans with gaps get the most frequent
 * value; categoricals with at most STARTER_MAX_CATEGORIES values are one-hot encoded; each
 * datetime column becomes the parts of datePartsFor — the year as a number (imputed and scaled
 * with the others), month, day of week and hour one-hot encoded, since they are cyclic.
 */
export function starterSpec(input: StarterInput): PipelineSpec {
  const { profile } = input;
  const names = profile.columns.map((c) => c.name);
  const target =
    input.target !== undefined && names.includes(input.target)
      ? input.target
      : names[names.length - 1];
  const task = suggestTask(profile, target);
  const features = profile.columns.filter((c) => c.name !== target);
  const numeric = features
    .filter((c) => c.type === 'integer' || c.type === 'float')
    .map((c) => c.name);
  const categorical = features
    .filter((c) => c.type === 'categorical' && c.distinct <= STARTER_MAX_CATEGORIES)
    .map((c) => c.name);
  const booleans = features.filter((c) => c.type === 'boolean' && c.missing > 0).map((c) => c.name);
  const unencoded: string[] = [];
  // Columns with the same parts share one dateparts step, in the order they first occur.
  const dateSteps = new Map<string, { columns: string[]; parts: DatePart[] }>();
  for (const c of features) {
    if (c.type === 'text' || (c.type === 'categorical' && c.distinct > STARTER_MAX_CATEGORIES)) {
      unencoded.push(c.name);
    } else if (c.type === 'datetime') {
      const parts = datePartsFor(c);
      if (parts.length === 0) {
        unencoded.push(c.name);
        continue;
      }
      const key = parts.join(',');
      const group = dateSteps.get(key) ?? { columns: [], parts };
      group.columns.push(c.name);
      dateSteps.set(key, group);
      for (const part of parts) {
        if (part === 'year') numeric.push(`${c.name}_year`);
        else categorical.push(`${c.name}_${part}`);
      }
    }
  }
  const steps: StepSpec[] = [];
  if (unencoded.length) steps.push({ type: 'drop', columns: unencoded });
  for (const { columns, parts } of dateSteps.values())
    steps.push({ type: 'dateparts', columns, parts });
  if (booleans.length) steps.push({ type: 'impute', columns: booleans, strategy: 'most_frequent' });
  if (numeric.length) {
    steps.push({ type: 'impute', columns: numeric, strategy: 'median' });
    steps.push({ type: 'scale', columns: numeric, method: 'standard' });
  }
  if (categorical.length) steps.push({ type: 'onehot', columns: categorical });
  return {
    version: 1,
    source: input.source,
    target,
    task,
    split: {
      method: task === 'regression' ? 'random' : 'stratified',
      seed: 42,
      train: 0.7,
      validation: 0.15,
      test: 0.15
    },
    steps,
    seed: 42
  };
}
