import * as v from 'valibot';
import { LatheError } from '../base/errors';
import { type ColumnSchema } from '../data/types';
import {
  compileCondition,
  evaluateMask as evaluateMaskOf,
  EXPR_LIMITS,
  type CompiledExpression
} from './expr';
import type { Frame, FrameColumn } from './frame';
import type { StepContext, StepKind } from './step';
import { stepError } from './stepkit';

const TYPE = 'filter';

/** The expression text, as stored in a spec step `{ "type": "filter", "expr": "…" }`. */
export const exprParam = v.pipe(
  v.string(),
  v.minLength(1, 'the expression must not be empty'),
  v.maxLength(EXPR_LIMITS.maxLength, `an expression is at most ${EXPR_LIMITS.maxLength} characters`)
);

const params = v.strictObject({
  /** Keeps the rows where this is true; rows where it is false or missing are dropped. */
  expr: exprParam
});
type Params = v.InferOutput<typeof params>;

export function frameSchema(frame: Frame): ColumnSchema[] {
  return frame.columns.map((c) => ({ name: c.name, type: c.type }));
}

/**
 * Runs `compile`, turning an expression error into the step contract's STEP_INVALID: the message
 * reads "Step 2 (filter): Unknown column "pric" at 7 — did you mean "price"?" and `details` keep
 * the expression error's code (`exprCode`), `position` and `length`, plus `field: 'expr'`.
 */
export function compileForStep(
  compile: () => CompiledExpression,
  ctx: StepContext,
  type: string
): CompiledExpression {
  try {
    return compile();
  } catch (e) {
    if (e instanceof LatheError && e.code.startsWith('EXPR_')) {
      throw stepError(ctx, type, e.message, { ...e.details, exprCode: e.code, field: 'expr' });
    }
    throw e;
  }
}

/** Runs an evaluation, turning an expression's runtime error (EXPR_TOO_LARGE) into STEP_FAILED. */
export function runForStep<T>(run: () => T, ctx: StepContext, type: string): T {
  try {
    return run();
  } catch (e) {
    if (e instanceof LatheError && e.code.startsWith('EXPR_')) {
      throw stepError(
        ctx,
        type,
        e.message,
        { ...e.details, exprCode: e.code, field: 'expr' },
        'STEP_FAILED'
      );
    }
    throw e;
  }
}

/** The rows of `column` at the indices in `keep` (new arrays; dictionaries are shared). */
function gather(column: FrameColumn, keep: Int32Array): FrameColumn {
  if (column.kind === 'number') {
    const src = column.values;
    const values = new Float64Array(keep.length);
    for (let i = 0; i < keep.length; i++) values[i] = src[keep[i]];
    return { ...column, values };
  }
  const src = column.codes;
  const codes = new Int32Array(keep.length);
  for (let i = 0; i < keep.length; i++) codes[i] = src[keep[i]];
  return { ...column, codes };
}

/**
 * Keeps the rows where the expression is true. Comparisons with a missing value are false and a
 * missing truth value (e.g. a boolean column with gaps) is not true, so such rows are dropped.
 * Applies to every split (a filter is part of the data definition, not a training trick).
 */
export const filterStep: StepKind<Params, null> = {
  type: TYPE,
  label: 'Filter rows',
  params,
  fields: {
    expr: {
      label: 'Keep rows where',
      help: "A condition, e.g. price > 10 and city != 'Paris'; rows where it is false or missing are dropped.",
      widget: 'expression'
    }
  },
  examples: [{ expr: 'price > 10' }, { expr: "rooms >= 2 and city != 'Paris'" }],
  defaults: () => null,
  rows: 'all',
  lower: null,
  outputSchema(input: ColumnSchema[], p: Params, ctx: StepContext): ColumnSchema[] {
    compileForStep(() => compileCondition(p.expr, input), ctx, TYPE);
    return input;
  },
  fit(train: Frame, p: Params, ctx: StepContext): null {
    compileForStep(() => compileCondition(p.expr, frameSchema(train)), ctx, TYPE);
    return null;
  },
  apply(frame: Frame, p: Params, _state: null, ctx: StepContext): Frame {
    const compiled = compileForStep(() => compileCondition(p.expr, frameSchema(frame)), ctx, TYPE);
    return runForStep(() => filterFrame(frame, compiled), ctx, TYPE);
  },
  keep(frame: Frame, p: Params, _state: null, ctx: StepContext): Int32Array {
    const compiled = compileForStep(() => compileCondition(p.expr, frameSchema(frame)), ctx, TYPE);
    return runForStep(() => keptRows(frame, compiled), ctx, TYPE);
  }
};

function keptRows(frame: Frame, compiled: CompiledExpression): Int32Array {
  const mask = evaluateMaskOf(compiled, frame);
  let kept = 0;
  for (let i = 0; i < mask.length; i++) kept += mask[i];
  const keep = new Int32Array(kept);
  for (let i = 0, k = 0; i < mask.length; i++) if (mask[i]) keep[k++] = i;
  return keep;
}

/** The frame restricted to the rows where `compiled` (a condition) is true. */
export function filterFrame(frame: Frame, compiled: CompiledExpression): Frame {
  const keep = keptRows(frame, compiled);
  if (keep.length === frame.rows) return { rows: frame.rows, columns: frame.columns.slice() };
  return { rows: keep.length, columns: frame.columns.map((c) => gather(c, keep)) };
}
