import * as v from 'valibot';
import type { ColumnSchema, ColumnType } from '../data/types';
import type { Frame, FrameColumn } from './frame';
import { createRng, randomInt, sampleWithoutReplacement } from '../base/random';
import type { StepContext, StepKind } from './step';
import { columnName, comparePy, frameColumn, schemaIndex } from './stepkit';

const TYPE = 'balance';
const ALLOWED: readonly ColumnType[] = ['categorical', 'text', 'integer', 'boolean'];
const HINT = 'classes must be discrete; bucketize a float target first';

/**
 * Random over- or under-sampling of the training split by the target's classes, seeded by the
 * pipeline (same seed, same rows), like imbalanced-learn's RandomOverSampler /
 * RandomUnderSampler with sampling_strategy='auto' for all classes:
 * - undersample: every class keeps as many rows as the rarest class, drawn without replacement;
 *   the kept rows stay in their original order;
 * - oversample: every class grows to the size of the largest class; all original rows come
 *   first, then the extra rows, drawn with replacement per class (classes in sorted order).
 * Rows whose target is missing are kept once, untouched. Applies to the training split only
 * (`rows: 'train'`); the state records the class counts before and after.
 */
const params = v.strictObject({
  target: columnName,
  method: v.optional(v.picklist(['oversample', 'undersample']), 'oversample')
});
type Params = v.InferOutput<typeof params>;

type State = {
  /** Class values (numbers for integer/boolean targets), sorted. */
  classes: (string | number)[];
  /** Training rows per class, before and after balancing. */
  before: number[];
  after: number[];
};

/** Class id per row (-1 = missing) and the sorted class values. */
function classesOf(col: FrameColumn): { ids: Int32Array; classes: (string | number)[] } {
  if (col.kind === 'category') {
    const byText = new Map<string, number>();
    for (const s of col.dictionary) byText.set(s, 0);
    const used = new Uint8Array(col.dictionary.length);
    for (let i = 0; i < col.codes.length; i++) if (col.codes[i] >= 0) used[col.codes[i]] = 1;
    const classes = [...new Set(col.dictionary.filter((_, i) => used[i]))].sort(comparePy);
    classes.forEach((s, i) => byText.set(s, i));
    const lookup = Int32Array.from(col.dictionary, (s) => byText.get(s) ?? -1);
    const ids = new Int32Array(col.codes.length);
    for (let i = 0; i < ids.length; i++) ids[i] = col.codes[i] < 0 ? -1 : lookup[col.codes[i]];
    return { ids, classes };
  }
  const x = col.values;
  const seen = new Set<number>();
  for (let i = 0; i < x.length; i++) if (x[i] === x[i]) seen.add(x[i]);
  const classes = [...seen].sort((a, b) => a - b);
  const where = new Map(classes.map((c, i) => [c, i]));
  const ids = new Int32Array(x.length);
  for (let i = 0; i < x.length; i++) ids[i] = x[i] !== x[i] ? -1 : (where.get(x[i]) ?? -1);
  return { ids, classes };
}

function plan(ids: Int32Array, k: number, method: Params['method']) {
  const before = new Array<number>(k).fill(0);
  for (let i = 0; i < ids.length; i++) if (ids[i] >= 0) before[ids[i]]++;
  const goal = k === 0 ? 0 : method === 'oversample' ? Math.max(...before) : Math.min(...before);
  return { before, after: before.map(() => goal) };
}

function gather(col: FrameColumn, rows: Int32Array): FrameColumn {
  if (col.kind === 'category') {
    const codes = new Int32Array(rows.length);
    for (let i = 0; i < rows.length; i++) codes[i] = col.codes[rows[i]];
    return { ...col, codes };
  }
  const values = new Float64Array(rows.length);
  for (let i = 0; i < rows.length; i++) values[i] = col.values[rows[i]];
  return { ...col, values };
}

export const balanceStep: StepKind<Params, State> = {
  type: TYPE,
  label: 'Balance classes (training rows)',
  params,
  fields: {
    target: { label: 'Class column', widget: 'column', accepts: ALLOWED },
    method: {
      label: 'Method',
      help: 'oversample: repeat rows of smaller classes; undersample: leave out rows of larger ones.'
    }
  },
  examples: [{ target: 'sold' }, { target: 'sold', method: 'undersample' }],
  /** The pipeline's target, when it holds classes. */
  defaults(input) {
    const target = input.columns.find((c) => c.name === input.target);
    return target && ALLOWED.includes(target.type) ? { target: target.name } : null;
  },
  rows: 'train',
  lower: null,
  outputSchema(input: ColumnSchema[], p: Params, ctx: StepContext): ColumnSchema[] {
    schemaIndex(input, p.target, ctx, TYPE, ALLOWED, HINT);
    return input.slice();
  },
  fit(train: Frame, p: Params, ctx: StepContext): State {
    const { ids, classes } = classesOf(frameColumn(train, p.target, ctx, TYPE, ALLOWED, HINT));
    return { classes, ...plan(ids, classes.length, p.method) };
  },
  apply(frame: Frame, p: Params, _state: State, ctx: StepContext): Frame {
    const { ids, classes } = classesOf(frameColumn(frame, p.target, ctx, TYPE, ALLOWED, HINT));
    const k = classes.length;
    const { before, after } = plan(ids, k, p.method);
    const members = before.map((n) => new Int32Array(n));
    const fill = new Array<number>(k).fill(0);
    for (let i = 0; i < ids.length; i++) if (ids[i] >= 0) members[ids[i]][fill[ids[i]]++] = i;
    const rand = createRng(ctx.seed);
    let rows: Int32Array;
    if (p.method === 'undersample') {
      const keep = new Uint8Array(frame.rows);
      for (let i = 0; i < ids.length; i++) if (ids[i] < 0) keep[i] = 1;
      for (let c = 0; c < k; c++)
        for (const r of sampleWithoutReplacement(rand, members[c], after[c])) keep[r] = 1;
      let n = 0;
      for (let i = 0; i < keep.length; i++) n += keep[i];
      rows = new Int32Array(n);
      for (let i = 0, j = 0; i < keep.length; i++) if (keep[i]) rows[j++] = i;
    } else {
      let extra = 0;
      for (let c = 0; c < k; c++) extra += after[c] - before[c];
      rows = new Int32Array(frame.rows + extra);
      for (let i = 0; i < frame.rows; i++) rows[i] = i;
      let j = frame.rows;
      for (let c = 0; c < k; c++)
        for (let e = before[c]; e < after[c]; e++)
          rows[j++] = members[c][randomInt(rand, before[c])];
    }
    return { rows: rows.length, columns: frame.columns.map((c) => gather(c, rows)) };
  }
};
