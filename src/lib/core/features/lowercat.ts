/**
 * Category lookups for the lowerings of the encoding steps (onehot, ordinal, frequency): each
 * row's value → an int64 code, as their `apply` looks a value up in a Map of the training
 * categories, with one code for missing and one for any other value.
 */
import { attr, ELEMENT_TYPES, type Value } from '../onnx/graph';
import type { Lowering } from '../onnx/lowering';
import { scalar, scalarInt } from './lowerkit';

/** A training category: text for categorical/text columns, a number for integer/boolean ones. */
export type CategoryKey = string | number;

export interface CategoryCodes {
  /** The code of each category (Map semantics, as apply: -0 is 0, a repeated key keeps one code). */
  codes: ReadonlyMap<CategoryKey, number>;
  /** The code of a missing value ("" in a string column, NaN in a numeric one). */
  missing: number;
  /** The code of any other value. */
  unknown: number;
}

/**
 * The code of each row of `column` (int64 [N, 1]). String columns go through LabelEncoder (as
 * sklearn-onnx does); numeric ones compare in double (no float32 keys): integer categories close
 * together through a table, others against every category.
 * Refused: a string column with "" as a category coded unlike missing, since a string input
 * says "missing" with "".
 */
export function categoryCodes(ctx: Lowering, column: string, lookup: CategoryCodes): Value {
  const g = ctx.graph;
  const x = ctx.column(column);
  const out = { dtype: 'int64' as const, shape: x.shape, name: `${column}_code` };
  if (x.dtype === 'string') {
    const keys: string[] = [''];
    const values: number[] = [lookup.missing];
    for (const [key, code] of lookup.codes) {
      if (typeof key !== 'string') continue;
      if (key !== '') {
        keys.push(key);
        values.push(code);
      } else if (code !== lookup.missing) {
        ctx.refuse(
          `the column "${column}" has the empty text "" as a category of its own, which the ` +
            `exported model cannot tell from a missing value ("" is how a text input says ` +
            `missing). Make those values missing (or another text) before this step.`
        );
      }
    }
    return g.op(
      'LabelEncoder',
      [x],
      out,
      {
        keys_strings: attr.strings(keys),
        values_int64s: attr.ints(values),
        default_int64: attr.int(lookup.unknown)
      },
      'ai.onnx.ml'
    );
  }
  if (x.dtype !== 'double') {
    ctx.refuse(`the column "${column}" holds ${x.dtype} values, not categories or numbers.`);
  }
  const keys: number[] = [];
  const codes: number[] = [];
  for (const [key, code] of lookup.codes) {
    if (typeof key !== 'number') continue;
    keys.push(key);
    codes.push(code);
  }
  const known =
    keys.length === 0
      ? scalarInt(g, `${column}_unknown_code`, lookup.unknown)
      : keysFitTable(keys)
        ? rangeCodes(ctx, column, x, keys, codes, lookup.unknown)
        : compareCodes(ctx, column, x, keys, codes, lookup.unknown);
  const missing = g.op('IsNaN', [x], { dtype: 'bool', shape: x.shape, name: `${column}_missing` });
  return g.op(
    'Where',
    [missing, scalarInt(g, `${column}_missing_code`, lookup.missing), known],
    out
  );
}

/** The smallest and largest key (no spread: a column may have 100,000 categories). */
function keyRange(keys: readonly number[]): { lo: number; hi: number } {
  let lo = Infinity;
  let hi = -Infinity;
  for (const key of keys) {
    if (key < lo) lo = key;
    if (key > hi) hi = key;
  }
  return { lo, hi };
}

/**
 * Many integer keys close together (counts, ages): a table from the smallest up. Its dozen
 * elementwise ops cost about what comparing with 64 keys does, so fewer keys are compared.
 */
function keysFitTable(keys: readonly number[]): boolean {
  if (keys.length < 64 || !keys.every(Number.isSafeInteger)) return false;
  const { lo, hi } = keyRange(keys);
  return hi - lo + 1 <= 8 * keys.length;
}

/** O(rows): an integer x in [lo, hi] reads table[x - lo] (exact: small integer differences). */
function rangeCodes(
  ctx: Lowering,
  column: string,
  x: Value,
  keys: readonly number[],
  codes: readonly number[],
  unknown: number
): Value {
  const g = ctx.graph;
  const shape = x.shape;
  const { lo, hi } = keyRange(keys);
  const table = new Array<number>(hi - lo + 1).fill(unknown);
  keys.forEach((key, i) => (table[key - lo] = codes[i]));
  const bool = (type: string, inputs: Value[], name: string) =>
    g.op(type, inputs, { dtype: 'bool', shape, name: `${column}_${name}` });
  const first = scalar(g, `${column}_first_key`, lo);
  const last = scalar(g, `${column}_last_key`, hi);
  // NaN and ±Infinity fail these comparisons, so they never index the table.
  const inside = bool(
    'And',
    [bool('GreaterOrEqual', [x, first], 'from_first'), bool('LessOrEqual', [x, last], 'to_last')],
    'in_range'
  );
  const whole = g.op('Floor', [x], { dtype: 'double', shape, name: `${column}_floor` });
  const hit = bool('And', [inside, bool('Equal', [whole, x], 'whole')], 'in_table');
  const offset = g.op('Sub', [x, first], { dtype: 'double', shape, name: `${column}_offset` });
  const safe = g.op('Where', [hit, offset, scalar(g, `${column}_zero`, 0)], {
    dtype: 'double',
    shape,
    name: `${column}_slot`
  });
  const index = g.op(
    'Cast',
    [safe],
    { dtype: 'int64', shape, name: `${column}_index` },
    { to: attr.int(ELEMENT_TYPES.int64) }
  );
  const found = g.op('Gather', [g.int64s(`${column}_code_table`, table), index], {
    dtype: 'int64',
    shape,
    name: `${column}_found`
  });
  return g.op('Where', [hit, found, scalarInt(g, `${column}_unknown_code`, unknown)], {
    dtype: 'int64',
    shape,
    name: `${column}_known`
  });
}

/** O(rows × keys): every row compared with every key in double. */
function compareCodes(
  ctx: Lowering,
  column: string,
  x: Value,
  keys: readonly number[],
  codes: readonly number[],
  unknown: number
): Value {
  const g = ctx.graph;
  const shape = x.shape;
  const wide = shape === null ? null : [shape[0], keys.length];
  const equal = g.op('Equal', [x, g.doubles(`${column}_categories`, keys)], {
    dtype: 'bool',
    shape: wide,
    name: `${column}_is`
  });
  const hits = g.op(
    'Cast',
    [equal],
    { dtype: 'int64', shape: wide, name: `${column}_hit` },
    { to: attr.int(ELEMENT_TYPES.int64) }
  );
  // At most one key matches a row (Map keys are distinct numbers), so the product is that
  // key's code minus the unknown code, or 0.
  const shifts = codes.map((code) => code - unknown);
  const shift = g.op('MatMul', [hits, g.int64s(`${column}_code_shift`, shifts, [keys.length, 1])], {
    dtype: 'int64',
    shape,
    name: `${column}_shift`
  });
  return g.op('Add', [shift, scalarInt(g, `${column}_unknown_code`, unknown)], {
    dtype: 'int64',
    shape,
    name: `${column}_known`
  });
}

/** `table[code]` per row (double [N, 1]): exact values in double, where LabelEncoder has float32. */
export function codeTable(
  ctx: Lowering,
  code: Value,
  table: readonly number[],
  hint: string
): Value {
  const g = ctx.graph;
  return g.op('Gather', [g.doubles(`${hint}_table`, table), code], {
    dtype: 'double',
    shape: code.shape,
    name: hint
  });
}
