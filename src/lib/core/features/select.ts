import * as v from 'valibot';
import type { ColumnSchema } from '../data/types';
import type { Frame } from './frame';
import type { StepContext, StepKind } from './step';
import { columnList, frameColumn, schemaIndex } from './stepkit';

const TYPE = 'select';

const params = v.strictObject({
  /** The columns to keep, in the order they should appear. */
  columns: columnList
});
type Params = v.InferOutput<typeof params>;

/** Keeps only the listed columns, in the listed order. Stateless; arrays are shared, not copied. */
export const selectStep: StepKind<Params, null> = {
  type: TYPE,
  label: 'Select columns',
  params,
  fields: {
    columns: {
      label: 'Columns to keep',
      help: 'Every other column is removed; the order here is the new order.',
      widget: 'columns'
    }
  },
  examples: [{ columns: ['price', 'rooms', 'city', 'sold'] }, { columns: ['sold', 'notes'] }],
  defaults: (input) =>
    input.columns.length ? { columns: input.columns.map((c) => c.name) } : null,
  outputSchema(input: ColumnSchema[], p: Params, ctx: StepContext): ColumnSchema[] {
    return p.columns.map((name) => input[schemaIndex(input, name, ctx, TYPE)]);
  },
  fit(train: Frame, p: Params, ctx: StepContext): null {
    for (const name of p.columns) frameColumn(train, name, ctx, TYPE);
    return null;
  },
  apply(frame: Frame, p: Params, _state: null, ctx: StepContext): Frame {
    return { rows: frame.rows, columns: p.columns.map((n) => frameColumn(frame, n, ctx, TYPE)) };
  },
  lower(onnx, p: Params): void {
    const keep = new Set(p.columns);
    for (const name of p.columns) onnx.column(name);
    for (const name of onnx.columns) if (!keep.has(name)) onnx.dropColumn(name);
  }
};
