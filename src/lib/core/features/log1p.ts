import * as v from 'valibot';
import type { ColumnSchema, ColumnType } from '../data/types';
import type { Frame, FrameColumn } from './frame';
import { columnsOfType, type StepDefaults } from './hints';
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
  }
};
