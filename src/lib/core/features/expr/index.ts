/**
 * The expression language used by the filter and derive steps: a small, safe language with its
 * own tokenizer and parser (no eval, no new Function), checked against the input schema before it
 * runs, and evaluated column-at-a-time over a Frame's typed arrays.
 *
 *   compileExpression(source, schema)  parse + type-check; throws LatheError EXPR_SYNTAX,
 *                                      EXPR_UNKNOWN_FUNCTION, EXPR_UNKNOWN_COLUMN or EXPR_TYPE
 *                                      with details { position, length, … }
 *   evaluateMask(compiled, frame)      Uint8Array, 1 where the condition is true
 *   evaluateColumn(compiled, frame, n) the derived column
 *
 * Semantics in short (details next to the code that implements them):
 * - Types are static (types.ts): number, string, boolean, datetime; no implicit conversion
 *   ('a' + 1, sqrt('x'), price > 'x' are EXPR_TYPE errors); number(x) / string(x) / datetime(x)
 *   convert. A string literal compared with a datetime is read as an ISO date (UTC).
 * - Arithmetic is IEEE 754: x/0 = ±Infinity, 0/0 = NaN, x % 0 = NaN, % keeps the dividend's sign.
 *   Missing (NaN) propagates through arithmetic and functions, even NaN^0 (vector.ts).
 * - Comparisons and in / not in with a missing operand are false (never missing); test with
 *   isnull(x) or "x is null". and / or / not are SQL's three-valued logic (evaluate.ts).
 * - A filter keeps rows whose condition is true; false and missing rows are dropped.
 * - Limits (errors.ts): 2,000 characters, 64 nesting levels, tree height 256, and 100M characters
 *   of distinct text built by concat — hostile input fails fast with a positioned message.
 * - Names: columns are case-sensitive (bare identifiers or `backquoted`, `` for a backquote);
 *   functions and keywords are case-insensitive; both are looked up in Maps, so "__proto__" or
 *   "constructor" are ordinary names.
 *
 * Grammar and precedence: parser.ts. Tokens: lexer.ts. Functions: functions.ts (FUNCTION_DOCS
 * lists them for the editor).
 */
import type { ColumnSchema, ColumnType } from '../../data/types';
import { exprError } from './errors';
import { evaluatePlan, vecToColumn, vecToMask } from './evaluate';
import { parseExpression } from './parser';
import { checkExpression, describeType, type ExprType, type Plan } from './types';
import type { Frame, FrameColumn } from '../frame';
import type { Vec } from './vector';

export { EXPR_LIMITS } from './errors';
export { FUNCTION_DOCS } from './functions';
export { parseExpression } from './parser';
export type { Node } from './parser';
export type { ExprType, Plan, ValueType } from './types';

export interface CompiledExpression {
  readonly source: string;
  /** Static result type; 'null' when the expression is only null. */
  readonly type: ExprType;
  readonly plan: Plan;
  /** Input columns the expression reads, in order of first use. */
  readonly columns: readonly string[];
  /** The column type a derived column gets (see `resultColumnType`). */
  readonly columnType: ColumnType;
}

export function compileExpression(
  source: string,
  schema: readonly ColumnSchema[]
): CompiledExpression {
  if (typeof source !== 'string') {
    throw exprError('EXPR_SYNTAX', 'An expression must be text', 0, 0);
  }
  const plan = checkExpression(parseExpression(source), schema);
  const columns: string[] = [];
  collectColumns(plan, new Set(), columns);
  return { source, type: plan.t, plan, columns, columnType: resultColumnType(plan) };
}

/** Compiles a condition: the expression must be true/false (or null, which keeps no rows). */
export function compileCondition(
  source: string,
  schema: readonly ColumnSchema[]
): CompiledExpression {
  const compiled = compileExpression(source, schema);
  if (compiled.type !== 'boolean' && compiled.type !== 'null') {
    throw exprError(
      'EXPR_TYPE',
      `A condition must be true or false, but this expression gives ${describeType(compiled.type)}`,
      0,
      source.length,
      compiled.type === 'number' ? ' — compare it, e.g. x > 0' : ''
    );
  }
  return compiled;
}

/**
 * Column type of a derived column: a bare column reference keeps its type (integer stays integer,
 * text stays text); otherwise numbers are float, true/false are boolean (stored 0/1), datetimes
 * datetime, and strings categorical — or text when they come from a text column (lower(review)).
 */
export function resultColumnType(plan: Plan): ColumnType {
  if (plan.k === 'column') return plan.columnType;
  switch (plan.t) {
    case 'boolean':
      return 'boolean';
    case 'datetime':
      return 'datetime';
    case 'string':
      return fromText(plan) ? 'text' : 'categorical';
    default:
      return 'float';
  }
}

/** Whether a string-valued plan carries text from a text column through string-valued nodes. */
function fromText(plan: Plan): boolean {
  if (plan.t !== 'string') return false;
  switch (plan.k) {
    case 'column':
      return plan.columnType === 'text';
    case 'call':
      return plan.args.some((a, i) => plan.argTypes[i] === 'string' && fromText(a));
    default:
      return false;
  }
}

function collectColumns(plan: Plan, seen: Set<string>, out: string[]): void {
  switch (plan.k) {
    case 'column':
      if (!seen.has(plan.name)) {
        seen.add(plan.name);
        out.push(plan.name);
      }
      return;
    case 'const':
      return;
    case 'neg':
    case 'not':
    case 'isnull':
      collectColumns(plan.operand, seen, out);
      return;
    case 'arith':
    case 'compare':
    case 'logic':
      collectColumns(plan.left, seen, out);
      collectColumns(plan.right, seen, out);
      return;
    case 'in':
      collectColumns(plan.operand, seen, out);
      for (const item of plan.items) collectColumns(item, seen, out);
      return;
    case 'call':
      for (const arg of plan.args) collectColumns(arg, seen, out);
      return;
  }
}

/** Evaluates to a vector (constants stay length 1); mostly for tests and previews. */
export function evaluateExpression(compiled: CompiledExpression, frame: Frame): Vec {
  return evaluatePlan(compiled.plan, frame);
}

/** 1 for rows where the condition is true; false and missing give 0. */
export function evaluateMask(compiled: CompiledExpression, frame: Frame): Uint8Array {
  return vecToMask(evaluatePlan(compiled.plan, frame, 'boolean'), frame.rows);
}

/** The derived column, named `name`, of type `compiled.columnType`; shares no typed array with `frame`. */
export function evaluateColumn(
  compiled: CompiledExpression,
  frame: Frame,
  name: string
): FrameColumn {
  return vecToColumn(evaluatePlan(compiled.plan, frame), name, compiled.columnType, frame);
}
