import * as v from 'valibot';
import type { ColumnSchema, ColumnType } from '../data/types';
import type { Frame, FrameColumn } from './frame';
import { columnsOfType } from './hints';
import { clamp } from './lowerkit';
import type { StepContext, StepKind } from './step';
import {
  columnList,
  finiteSorted,
  numberIn,
  numericColumn,
  quantileSorted,
  replaceColumns,
  schemaIndex,
  stepError
} from './stepkit';

const TYPE = 'winsorize';
const ALLOWED: readonly ColumnType[] = ['integer', 'float'];

/**
 * Clamps numbers to the training quantiles [lower, upper] (numpy 'linear' quantiles of the
 * finite training values, e.g. 0.05 and 0.95). NaN stays NaN; ±Infinity is clamped. A column
 * with no finite training value is left unchanged. The output is float.
 */
const params = v.strictObject({
  columns: columnList,
  lower: v.optional(numberIn(0, 1), 0.05),
  upper: v.optional(numberIn(0, 1), 0.95)
});
type Params = v.InferOutput<typeof params>;

function checkRange(p: Params, ctx: StepContext): void {
  if (!(p.lower < p.upper))
    throw stepError(ctx, TYPE, `lower (${p.lower}) must be below upper (${p.upper})`);
}

type ColumnState = { column: string; min: number | null; max: number | null };
type State = { columns: ColumnState[] };

function clip(name: string, x: Float64Array, s: ColumnState): FrameColumn {
  const lo = s.min ?? -Infinity;
  const hi = s.max ?? Infinity;
  const y = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const xi = x[i];
    y[i] = xi < lo ? lo : xi > hi ? hi : xi;
  }
  return { kind: 'number', name, type: 'float', values: y };
}

export const winsorizeStep: StepKind<Params, State> = {
  type: TYPE,
  label: 'Winsorize (clip at quantiles)',
  params,
  fields: {
    columns: { label: 'Columns', widget: 'columns', accepts: ALLOWED },
    lower: { label: 'Lower quantile' },
    upper: { label: 'Upper quantile' }
  },
  examples: [{ columns: ['price'] }, { columns: ['price', 'change'], lower: 0.1, upper: 0.9 }],
  defaults(input) {
    const columns = columnsOfType(input, ALLOWED);
    return columns.length ? { columns } : null;
  },
  outputSchema(input: ColumnSchema[], p: Params, ctx: StepContext): ColumnSchema[] {
    checkRange(p, ctx);
    const out = input.slice();
    for (const name of p.columns)
      out[schemaIndex(input, name, ctx, TYPE, ALLOWED)] = { name, type: 'float' };
    return out;
  },
  fit(train: Frame, p: Params, ctx: StepContext): State {
    checkRange(p, ctx);
    return {
      columns: p.columns.map((name) => {
        const sorted = finiteSorted(numericColumn(train, name, ctx, TYPE, ALLOWED).values);
        if (sorted.length === 0) return { column: name, min: null, max: null };
        return {
          column: name,
          min: quantileSorted(sorted, p.lower),
          max: quantileSorted(sorted, p.upper)
        };
      })
    };
  },
  apply(frame: Frame, _p: Params, state: State, ctx: StepContext): Frame {
    const replacements = new Map<string, FrameColumn[]>();
    for (const s of state.columns)
      replacements.set(s.column, [
        clip(s.column, numericColumn(frame, s.column, ctx, TYPE, ALLOWED).values, s)
      ]);
    return { rows: frame.rows, columns: replaceColumns(frame.columns, replacements) };
  },
  lower(onnx, _p: Params, state: State): void {
    for (const s of state.columns) {
      const x = onnx.column(s.column);
      onnx.setColumn(s.column, clamp(onnx.graph, x, s.min, s.max, `${s.column}_winsorized`));
    }
  }
};
