import * as v from 'valibot';
import type { ColumnSchema } from '../data/types';
import type { Frame } from './frame';
import type { StepContext, StepKind } from './step';
import { columnList, frameColumn, schemaIndex } from './stepkit';

const TYPE = 'drop';

const params = v.strictObject({
  /** The columns to remove. */
  columns: columnList
});
type Params = v.InferOutput<typeof params>;

/** Removes the listed columns; every listed column must exist. Stateless. */
export const dropStep: StepKind<Params, null> = {
  type: TYPE,
  label: 'Drop columns',
  params,
  fields: { columns: { label: 'Columns to drop', widget: 'columns' } },
  examples: [{ columns: ['notes'] }, { columns: ['region', 'listed'] }],
  defaults: () => null,
  outputSchema(input: ColumnSchema[], p: Params, ctx: StepContext): ColumnSchema[] {
    for (const name of p.columns) schemaIndex(input, name, ctx, TYPE);
    const gone = new Set(p.columns);
    return input.filter((c) => !gone.has(c.name));
  },
  fit(train: Frame, p: Params, ctx: StepContext): null {
    for (const name of p.columns) frameColumn(train, name, ctx, TYPE);
    return null;
  },
  apply(frame: Frame, p: Params, _state: null, ctx: StepContext): Frame {
    for (const name of p.columns) frameColumn(frame, name, ctx, TYPE);
    const gone = new Set(p.columns);
    return { rows: frame.rows, columns: frame.columns.filter((c) => !gone.has(c.name)) };
  },
  lower(onnx, p: Params): void {
    for (const name of p.columns) {
      onnx.column(name);
      onnx.dropColumn(name);
    }
  }
};
