/**
 * Helpers shared by the step-kind files: parameter pieces, column lookup with the standard
 * error messages, schema rewriting and the few numeric routines that must match numpy exactly.
 * Nothing here knows about a particular step.
 */
import * as v from 'valibot';
import { LatheError } from '../base/errors';
import { type ColumnSchema, type ColumnType } from '../data/types';
import type { CategoryColumn, Frame, FrameColumn, NumericColumn } from './frame';
import { codeSource } from './rows';
import type { StepContext } from './step';

export const NUMERIC_TYPES = ['integer', 'float', 'boolean', 'datetime'] as const;
export const CATEGORY_TYPES = ['categorical', 'text'] as const;

/** Largest number of columns one step may list, and the default cap on created columns. */
export const MAX_LIST = 10000;

export const columnName = v.pipe(
  v.string(),
  v.minLength(1, 'a column name must not be empty'),
  v.maxLength(1024, 'a column name is at most 1024 characters')
);

/** A non-empty list of distinct column names. */
export const columnList = v.pipe(
  v.array(columnName),
  v.minLength(1, 'list at least one column'),
  v.maxLength(MAX_LIST, `list at most ${MAX_LIST} columns`),
  v.check((names) => new Set(names).size === names.length, 'each column may be listed once')
);

/** A possibly empty list of distinct column names. */
export const optionalColumnList = v.pipe(
  v.array(columnName),
  v.maxLength(MAX_LIST, `list at most ${MAX_LIST} columns`),
  v.check((names) => new Set(names).size === names.length, 'each column may be listed once')
);

export const integerIn = (min: number, max: number) =>
  v.pipe(v.number(), v.integer(), v.minValue(min), v.maxValue(max));

export const numberIn = (min: number, max: number) =>
  v.pipe(v.number(), v.finite(), v.minValue(min), v.maxValue(max));

export const finiteNumber = v.pipe(v.number(), v.finite());

/** A LatheError whose message starts with "Step 3 (scale): ". */
export function stepError(
  ctx: StepContext,
  type: string,
  message: string,
  details: Record<string, unknown> = {},
  code: 'STEP_INVALID' | 'STEP_FAILED' = 'STEP_INVALID'
): LatheError {
  return new LatheError(code, `Step ${ctx.index + 1} (${type}): ${message}`, {
    step: ctx.index,
    type,
    ...details
  });
}

/** "integer, float or boolean". */
export function listTypes(types: readonly string[]): string {
  if (types.length <= 1) return types.join('');
  return `${types.slice(0, -1).join(', ')} or ${types[types.length - 1]}`;
}

function missingColumn(
  ctx: StepContext,
  type: string,
  name: string,
  available: string[]
): LatheError {
  const shown = available.slice(0, 12).map((n) => `"${n}"`);
  const more = available.length > 12 ? `, … (${available.length} in all)` : '';
  const list = available.length ? `available: ${shown.join(', ')}${more}` : 'the table is empty';
  return stepError(ctx, type, `column "${name}" does not exist (${list})`, { column: name });
}

function wrongType(
  ctx: StepContext,
  type: string,
  name: string,
  actual: ColumnType,
  allowed: readonly ColumnType[],
  hint?: string
): LatheError {
  return stepError(
    ctx,
    type,
    `column "${name}" is ${actual}; ${type} needs a column of type ${listTypes(allowed)}` +
      (hint ? ` (${hint})` : ''),
    { column: name, columnType: actual, expected: [...allowed] }
  );
}

/** Lists shorter than this are scanned; longer ones get a name → index map. */
const INDEX_FROM = 32;
const nameIndexes = new WeakMap<readonly { name: string }[], Map<string, number>>();

/**
 * `columns.findIndex((c) => c.name === name)` in O(1) for wide tables: a step looks up each of
 * its listed columns in the schema and in every split, which was O(listed × columns) — scale,
 * log1p and clip over 6,000 columns × 2,000 rows: fitPipeline 1.38 s → 0.61 s. The map is built
 * once per columns array (arrays are not changed once built; even so a hit is verified and a miss
 * falls back to the scan, so a changed array answers as the scan does, barring duplicate names,
 * which the pipeline refuses anyway).
 */
export function indexOfName(columns: readonly { name: string }[], name: string): number {
  if (columns.length < INDEX_FROM) return columns.findIndex((c) => c.name === name);
  let index = nameIndexes.get(columns);
  if (!index) {
    index = new Map();
    for (let i = columns.length - 1; i >= 0; i--) index.set(columns[i].name, i);
    nameIndexes.set(columns, index);
  }
  const i = index.get(name);
  if (i !== undefined && columns[i]?.name === name) return i;
  const found = columns.findIndex((c) => c.name === name);
  if (found >= 0) nameIndexes.delete(columns);
  return found;
}

/** Index of `name` in a schema, checking its type when `allowed` is given. */
export function schemaIndex(
  input: readonly ColumnSchema[],
  name: string,
  ctx: StepContext,
  type: string,
  allowed?: readonly ColumnType[],
  hint?: string
): number {
  const i = indexOfName(input, name);
  if (i < 0)
    throw missingColumn(
      ctx,
      type,
      name,
      input.map((c) => c.name)
    );
  if (allowed && !allowed.includes(input[i].type))
    throw wrongType(ctx, type, name, input[i].type, allowed, hint);
  return i;
}

/** A column of a frame, with the same messages as `schemaIndex`. */
export function frameColumn(
  frame: Frame,
  name: string,
  ctx: StepContext,
  type: string,
  allowed?: readonly ColumnType[],
  hint?: string
): FrameColumn {
  const i = indexOfName(frame.columns, name);
  const col = i < 0 ? undefined : frame.columns[i];
  if (!col)
    throw missingColumn(
      ctx,
      type,
      name,
      frame.columns.map((c) => c.name)
    );
  if (allowed && !allowed.includes(col.type))
    throw wrongType(ctx, type, name, col.type, allowed, hint);
  return col;
}

export function numericColumn(
  frame: Frame,
  name: string,
  ctx: StepContext,
  type: string,
  allowed: readonly ColumnType[] = NUMERIC_TYPES,
  hint?: string
): NumericColumn {
  const col = frameColumn(frame, name, ctx, type, allowed, hint);
  if (col.kind !== 'number') throw wrongType(ctx, type, name, col.type, allowed, hint);
  return col;
}

export function categoryColumn(
  frame: Frame,
  name: string,
  ctx: StepContext,
  type: string,
  allowed: readonly ColumnType[] = CATEGORY_TYPES,
  hint?: string
): CategoryColumn {
  const col = frameColumn(frame, name, ctx, type, allowed, hint);
  if (col.kind !== 'category') throw wrongType(ctx, type, name, col.type, allowed, hint);
  return col;
}

/** Throws when two output columns share a name (e.g. a new "x_missing" that already exists). */
export function checkUniqueNames(
  columns: readonly { name: string }[],
  ctx: StepContext,
  type: string
) {
  const seen = new Set<string>();
  for (const c of columns) {
    if (seen.has(c.name))
      throw stepError(
        ctx,
        type,
        `the output would have two columns named "${c.name}"; rename or drop one first`,
        { column: c.name }
      );
    seen.add(c.name);
  }
}

/**
 * Replaces each named column by its list of replacement columns, in place; others are kept
 * (the very same objects: arrays are shared, never written).
 */
export function replaceColumns<C extends { name: string }>(
  columns: readonly C[],
  replacements: ReadonlyMap<string, readonly C[]>
): C[] {
  const out: C[] = [];
  for (const c of columns) {
    const r = replacements.get(c.name);
    if (r) out.push(...r);
    else out.push(c);
  }
  return out;
}

/** The finite values of a numeric column, sorted ascending (NaN and ±Infinity left out). */
export function finiteSorted(values: Float64Array): Float64Array {
  let n = 0;
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i])) n++;
  const out = new Float64Array(n);
  let k = 0;
  for (let i = 0; i < values.length; i++) {
    const x = values[i];
    if (Number.isFinite(x)) out[k++] = x;
  }
  return out.sort();
}

/**
 * numpy's default ('linear') quantile of sorted values at q in [0, 1], including its
 * interpolation a + (b - a)·t, switched to b - (b - a)·(1 - t) when t ≥ 0.5. NaN when empty.
 */
export function quantileSorted(sorted: Float64Array, q: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const virtual = (n - 1) * q;
  if (virtual >= n - 1) return sorted[n - 1];
  if (virtual < 0) return sorted[0];
  const lo = Math.floor(virtual);
  const t = virtual - lo;
  const a = sorted[lo];
  const b = sorted[lo + 1];
  const d = b - a;
  return t >= 0.5 ? b - d * (1 - t) : a + d * t;
}

/** numpy's median: the middle value, or the mean of the two middle values. NaN when empty. */
export function medianSorted(sorted: Float64Array): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const h = n >> 1;
  return n % 2 ? sorted[h] : (sorted[h - 1] + sorted[h]) / 2;
}

/** Python's string order (by code point), which differs from JS's UTF-16 order above U+FFFF. */
export function comparePy(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    const xs = x >= 0xd800 && x <= 0xdfff;
    const ys = y >= 0xd800 && y <= 0xdfff;
    if (xs !== ys) return xs ? 1 : -1; // a surrogate starts a code point above U+FFFF
    return x - y;
  }
  return a.length - b.length;
}

/**
 * The distinct strings of a category column's dictionary, and for each dictionary index its
 * position among them (dictionaries may repeat a string; codes are compared by value).
 */
export function dictionaryValues(col: CategoryColumn): { values: string[]; ids: Int32Array } {
  const index = new Map<string, number>();
  const ids = new Int32Array(col.dictionary.length);
  const values: string[] = [];
  col.dictionary.forEach((s, i) => {
    let id = index.get(s);
    if (id === undefined) {
      id = values.length;
      values.push(s);
      index.set(s, id);
    }
    ids[i] = id;
  });
  return { values, ids };
}

/** Occurrences of each distinct dictionary value, plus the number of missing rows. */
export function countValues(col: CategoryColumn): {
  values: string[];
  ids: Int32Array;
  counts: Float64Array;
  missing: number;
} {
  const { values, ids } = dictionaryValues(col);
  // Slot 0 counts missing (any negative code: (c | c >> 31) is -1), slot c + 1 code c; a
  // split's codes are read in place (rows.ts).
  const perSlot = new Float64Array(col.dictionary.length + 1);
  const { codes, rows } = codeSource(col);
  if (rows) {
    for (let i = 0; i < rows.length; i++) {
      const c = codes[rows[i]];
      perSlot[(c | (c >> 31)) + 1]++;
    }
  } else {
    for (let i = 0; i < codes.length; i++) {
      const c = codes[i];
      perSlot[(c | (c >> 31)) + 1]++;
    }
  }
  const missing = perSlot[0];
  const perCode = perSlot.subarray(1);
  const counts = new Float64Array(values.length);
  for (let c = 0; c < perCode.length; c++) counts[ids[c]] += perCode[c];
  return { values, ids, counts, missing };
}

/** How a number shows as a category: integers plainly, others in shortest round-trip form. */
export function numberLabel(x: number): string {
  return Object.is(x, -0) ? '0' : String(x);
}

/** Maps each dictionary index of `col` to the position of its string in `lookup`, or -1. */
export function codeLookup(col: CategoryColumn, lookup: ReadonlyMap<string, number>): Int32Array {
  const out = new Int32Array(col.dictionary.length);
  for (let i = 0; i < out.length; i++) out[i] = lookup.get(col.dictionary[i]) ?? -1;
  return out;
}

/** Cells (rows × columns, float64) one step may create: about 1.6 GB, what a tab can hold. */
export const MAX_NEW_CELLS = 200_000_000;

/** Refuses, before allocating, an output too large for the browser's memory. */
export function checkOutputSize(
  ctx: StepContext,
  type: string,
  rows: number,
  newColumns: number
): void {
  const cells = rows * newColumns;
  if (cells <= MAX_NEW_CELLS) return;
  const gb = (cells * 8) / 1e9;
  throw stepError(
    ctx,
    type,
    `the output would be ${rows.toLocaleString('en-US')} rows × ${newColumns.toLocaleString('en-US')} new columns (${gb.toFixed(1)} GB), more than a browser tab can hold (${((MAX_NEW_CELLS * 8) / 1e9).toFixed(1)} GB). Create fewer columns or filter rows first.`,
    { rows, columns: newColumns, cells },
    'STEP_FAILED'
  );
}

/** Fixed category lists may only name columns the step encodes. */
export function checkCategoriesListed(
  categories: readonly { column: string }[],
  columns: readonly string[],
  ctx: StepContext,
  type: string
): void {
  for (const c of categories) {
    if (!columns.includes(c.column)) {
      throw stepError(
        ctx,
        type,
        `categories are given for column "${c.column}", which is not encoded`,
        {
          column: c.column
        }
      );
    }
  }
}
