import * as v from 'valibot';
import type { GraphBuilder, Value } from '../onnx/graph';
import type { ColumnSchema, ColumnType } from '../data/types';
import type { Frame, FrameColumn } from './frame';
import { columnsOfType, type StepDefaults } from './hints';
import { elementwise, withConstant } from './lowerkit';
import type { StepContext, StepKind } from './step';
import { columnList, numericColumn, replaceColumns, schemaIndex } from './stepkit';

const TYPE = 'log1p';
const ALLOWED: readonly ColumnType[] = ['integer', 'float', 'boolean'];

/**
 * y = ln(1 + x) (Math.log1p, precise near 0), like numpy.log1p. Stateless; the output is float.
 * NaN stays NaN; x < -1 gives NaN (missing), x = -1 gives -Infinity, +Infinity stays +Infinity.
 * `signed` applies sign(x)·ln(1 + |x|) instead, defined for every number (for data with
 * negative values).
 */
const params = v.strictObject({
  columns: columnList,
  signed: v.optional(v.boolean(), false)
});
type Params = v.InferOutput<typeof params>;

function transform(name: string, x: Float64Array, signed: boolean): FrameColumn {
  const y = new Float64Array(x.length);
  if (signed)
    for (let i = 0; i < x.length; i++) {
      const xi = x[i];
      y[i] = xi < 0 ? -Math.log1p(-xi) : Math.log1p(xi);
    }
  else for (let i = 0; i < x.length; i++) y[i] = Math.log1p(x[i]);
  return { kind: 'number', name, type: 'float', values: y };
}

/**
 * Math.log1p as nodes (ONNX has only Log): u = 1 + x, then x where u is 1, else
 * ln(u)·(x / (u − 1)), which keeps log1p's precision near 0 (Goldberg, "What every computer
 * scientist should know about floating-point arithmetic", theorem 4); +Infinity stays
 * +Infinity, x = -1 gives -Infinity and NaN stays NaN, as in Math.log1p.
 */
function lowerLog1p(g: GraphBuilder, x: Value, name: string): Value {
  const u = withConstant(g, 'Add', x, 1, `${name}_u`);
  const ratio = elementwise(
    g,
    'Div',
    [x, withConstant(g, 'Sub', u, 1, `${name}_u1`)],
    x,
    `${name}_ratio`
  );
  const ln = elementwise(g, 'Log', [u], x, `${name}_ln`);
  const log = elementwise(g, 'Mul', [ln, ratio], x, `${name}_log`);
  const tiny = withConstant(g, 'Equal', u, 1, `${name}_tiny`, 'bool');
  const finite = elementwise(g, 'Where', [tiny, x, log], x, `${name}_finite`);
  const inf = withConstant(g, 'Equal', x, Infinity, `${name}_isinf`, 'bool');
  return elementwise(g, 'Where', [inf, x, finite], x, name);
}

/** transform as nodes: sign(x)·ln(1 + |x|) when signed (x < 0 only, so -0 stays -0). */
function lowerColumn(g: GraphBuilder, x: Value, column: string, signed: boolean): Value {
  const name = `${column}_log1p`;
  if (!signed) return lowerLog1p(g, x, name);
  const negative = withConstant(g, 'Less', x, 0, `${name}_neg`, 'bool');
  const minus = elementwise(g, 'Neg', [x], x, `${name}_minus`);
  const abs = elementwise(g, 'Where', [negative, minus, x], x, `${name}_abs`);
  const log = lowerLog1p(g, abs, `${name}_unsigned`);
  const negated = elementwise(g, 'Neg', [log], x, `${name}_negated`);
  return elementwise(g, 'Where', [negative, negated, log], x, name);
}

export const log1pStep: StepKind<Params, null> = {
  type: TYPE,
  label: 'Log transform (log1p)',
  params,
  fields: {
    columns: { label: 'Columns', widget: 'columns', accepts: ALLOWED },
    signed: {
      label: 'Signed',
      help: 'sign(x) · ln(1 + |x|), defined for negative values too.'
    }
  },
  examples: [{ columns: ['price'] }, { columns: ['change', 'rooms'], signed: true }],
  /**
   * The number columns known to be non-negative; failing that, all of them, signed. Columns known
   * to hold only 0 and 1 (indicators, one-hot columns) are left out.
   */
  defaults(input): StepDefaults | null {
    const facts = new Map(input.columns.map((c) => [c.name, c]));
    const indicator = (n: string) =>
      (facts.get(n)?.min ?? -1) >= 0 && (facts.get(n)?.max ?? 2) <= 1;
    const numbers = columnsOfType(input, ['integer', 'float']).filter((n) => !indicator(n));
    const nonNegative = numbers.filter((n) => (facts.get(n)?.min ?? -1) >= 0);
    if (nonNegative.length) return { columns: nonNegative };
    return numbers.length ? { columns: numbers, signed: true } : null;
  },
  outputSchema(input: ColumnSchema[], p: Params, ctx: StepContext): ColumnSchema[] {
    const out = input.slice();
    for (const name of p.columns)
      out[schemaIndex(input, name, ctx, TYPE, ALLOWED)] = { name, type: 'float' };
    return out;
  },
  fit(train: Frame, p: Params, ctx: StepContext): null {
    for (const name of p.columns) numericColumn(train, name, ctx, TYPE, ALLOWED);
    return null;
  },
  apply(frame: Frame, p: Params, _state: null, ctx: StepContext): Frame {
    const replacements = new Map<string, FrameColumn[]>();
    for (const name of p.columns)
      replacements.set(name, [
        transform(name, numericColumn(frame, name, ctx, TYPE, ALLOWED).values, p.signed)
      ]);
    return { rows: frame.rows, columns: replaceColumns(frame.columns, replacements) };
  },
  lower(onnx, p: Params): void {
    for (const name of p.columns)
      onnx.setColumn(name, lowerColumn(onnx.graph, onnx.column(name), name, p.signed));
  }
};
