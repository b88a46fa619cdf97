import * as v from 'valibot';
import type { ColumnSchema } from '../data/types';
import { compileExpression, evaluateColumn, type CompiledExpression } from './expr';
import { compileForLowering, lowerExpression } from './expr/lower';
import { compileForStep, exprParam, frameSchema, runForStep } from './filter';
import type { Frame } from './frame';
import type { StepContext, StepKind } from './step';
import { columnName } from './stepkit';

const TYPE = 'derive';

const params = v.strictObject({
  /** The new column; an existing column of that name is replaced where it stands. */
  name: columnName,
  /** Computes the column per row, e.g. "price * qty" or "if(age >= 65, 'senior', 'adult')". */
  expr: exprParam
});
type Params = v.InferOutput<typeof params>;

function compile(schema: readonly ColumnSchema[], p: Params, ctx: StepContext): CompiledExpression {
  return compileForStep(() => compileExpression(p.expr, schema), ctx, TYPE);
}

/** `input` with column `name` of `type` replacing the same-named column, or appended. */
function place<C extends { name: string }>(input: readonly C[], column: C): C[] {
  const i = input.findIndex((c) => c.name === column.name);
  if (i < 0) return [...input, column];
  const out = input.slice();
  out[i] = column;
  return out;
}

/**
 * Adds (or replaces) a column computed by an expression. Its type follows the expression:
 * numbers → float, true/false → boolean (0/1, NaN where missing), strings → categorical (text
 * when derived from a text column), datetimes → datetime; a bare column reference keeps its type.
 * Stateless: the expression sees only the row itself.
 */
export const deriveStep: StepKind<Params, null> = {
  type: TYPE,
  label: 'Derive a column',
  params,
  fields: {
    name: { label: 'New column', help: 'A column of that name is replaced where it stands.' },
    expr: {
      label: 'Formula',
      help: "Computed per row, e.g. price / rooms or if(rooms >= 4, 'large', 'small').",
      widget: 'expression'
    }
  },
  examples: [
    { name: 'price_per_room', expr: 'price / rooms' },
    { name: 'size', expr: "if(rooms >= 4, 'large', 'small')" },
    { name: 'family_home', expr: 'garden and rooms >= 3' },
    { name: 'listed_year', expr: 'year(listed)' }
  ],
  defaults: () => null,
  outputSchema(input: ColumnSchema[], p: Params, ctx: StepContext): ColumnSchema[] {
    const compiled = compile(input, p, ctx);
    return place(input, { name: p.name, type: compiled.columnType });
  },
  fit(train: Frame, p: Params, ctx: StepContext): null {
    compile(frameSchema(train), p, ctx);
    return null;
  },
  apply(frame: Frame, p: Params, _state: null, ctx: StepContext): Frame {
    const compiled = compile(frameSchema(frame), p, ctx);
    const column = runForStep(() => evaluateColumn(compiled, frame, p.name), ctx, TYPE);
    return { rows: frame.rows, columns: place(frame.columns, column) };
  },
  lower(onnx, p: Params, _state: null, ctx: StepContext): void {
    const compiled = compileForStep(() => compileForLowering(onnx, p.expr), ctx, TYPE);
    onnx.setColumn(p.name, lowerExpression(onnx, compiled, p.name));
  }
};
