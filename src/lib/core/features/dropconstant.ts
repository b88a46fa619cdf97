import * as v from 'valibot';
import type { ColumnSchema } from '../data/types';
import type { Frame, FrameColumn } from './frame';
import type { StepDefaults } from './hints';
import type { StepContext, StepKind } from './step';
import { frameColumn, numberIn, optionalColumnList, schemaIndex } from './stepkit';

const TYPE = 'dropconstant';

/**
 * Drops columns that carry no information in the training rows:
 * - missing: the fraction of missing values is above `maxMissing` (a column with no rows at all
 *   counts as fraction 0);
 * - constant (when `constant`): at most one distinct non-missing value — missing values do not
 *   count as a value, as with VarianceThreshold(0), which ignores NaN.
 * `columns` limits the check to some columns (default: all); `exclude` protects columns — list
 * the target there. Which columns go is learned in `fit` and listed in the state; apply removes
 * the same columns from every split. `outputSchema` cannot know them before fitting and returns
 * the columns unchanged.
 */
const params = v.strictObject({
  columns: v.optional(optionalColumnList, []),
  exclude: v.optional(optionalColumnList, []),
  maxMissing: v.optional(numberIn(0, 1), 0.95),
  constant: v.optional(v.boolean(), true)
});
type Params = v.InferOutput<typeof params>;

type Dropped = { column: string; reason: 'missing' | 'constant'; missingFraction: number };
type State = { dropped: Dropped[] };

function candidates(names: string[], p: Params): string[] {
  const excluded = new Set(p.exclude);
  return (p.columns.length ? p.columns : names).filter((n) => !excluded.has(n));
}

function inspect(col: FrameColumn, rows: number, p: Params): Dropped | null {
  let missing = 0;
  let distinct = 0;
  if (col.kind === 'category') {
    const codes = col.codes;
    let first = -1;
    let firstText = '';
    for (let i = 0; i < codes.length; i++) {
      const c = codes[i];
      if (c < 0) missing++;
      else if (first < 0) {
        first = c;
        firstText = col.dictionary[c];
        distinct = 1;
      } else if (c !== first && distinct === 1 && col.dictionary[c] !== firstText) distinct = 2;
    }
  } else {
    const x = col.values;
    let first = NaN;
    for (let i = 0; i < x.length; i++) {
      const xi = x[i];
      if (xi !== xi) missing++;
      else if (distinct === 0) {
        first = xi;
        distinct = 1;
      } else if (distinct === 1 && xi !== first) distinct = 2;
    }
  }
  const missingFraction = rows > 0 ? missing / rows : 0;
  if (missingFraction > p.maxMissing)
    return { column: col.name, reason: 'missing', missingFraction };
  if (p.constant && distinct <= 1) return { column: col.name, reason: 'constant', missingFraction };
  return null;
}

export const dropconstantStep: StepKind<Params, State> = {
  type: TYPE,
  label: 'Drop constant and mostly-missing columns',
  params,
  fields: {
    columns: { label: 'Columns to check', help: 'Empty: every column.', widget: 'columns' },
    exclude: { label: 'Never drop', widget: 'columns' },
    maxMissing: { label: 'Drop when missing in more than this share of rows' },
    constant: { label: 'Drop constant columns' }
  },
  examples: [{}, { exclude: ['sold'], maxMissing: 0.5 }, { columns: ['price', 'region'] }],
  defaults: (input): StepDefaults => (input.target ? { exclude: [input.target] } : {}),
  schemaAfterFit: 'drops',
  outputSchema(input: ColumnSchema[], p: Params, ctx: StepContext): ColumnSchema[] {
    for (const name of [...p.columns, ...p.exclude]) schemaIndex(input, name, ctx, TYPE);
    return input.slice();
  },
  fit(train: Frame, p: Params, ctx: StepContext): State {
    for (const name of [...p.columns, ...p.exclude]) frameColumn(train, name, ctx, TYPE);
    const dropped: Dropped[] = [];
    for (const name of candidates(
      train.columns.map((c) => c.name),
      p
    )) {
      const d = inspect(frameColumn(train, name, ctx, TYPE), train.rows, p);
      if (d) dropped.push(d);
    }
    return { dropped };
  },
  apply(frame: Frame, _p: Params, state: State, ctx: StepContext): Frame {
    for (const d of state.dropped) frameColumn(frame, d.column, ctx, TYPE);
    const gone = new Set(state.dropped.map((d) => d.column));
    return { rows: frame.rows, columns: frame.columns.filter((c) => !gone.has(c.name)) };
  },
  lower(onnx, _p: Params, state: State): void {
    for (const d of state.dropped) {
      onnx.column(d.column);
      onnx.dropColumn(d.column);
    }
  }
};
