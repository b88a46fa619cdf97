/**
 * Category lookups for the lowerings of the encoding steps (onehot, ordinal, frequency): each
 * row's value → an int64 code, as their `apply` looks a value up in a Map of the training
 * categories, with one code for missing and one for any other value.
 */
import { attr, ELEMENT_TYPES, type Value } from '../onnx/graph';
import type { Lowering } from '../onnx/lowering';

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
 * sklearn-onnx does); numeric ones compare in double against every category (no float32 keys).
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
  const shifts: number[] = [];
  for (const [key, code] of lookup.codes) {
    if (typeof key !== 'number') continue;
    keys.push(key);
    shifts.push(code - lookup.unknown);
  }
  const shape = x.shape;
  const unknown = g.int64s(`${column}_unknown_code`, [lookup.unknown], []);
  let known = unknown;
  if (keys.length > 0) {
    const rows = shape ? shape[0] : null;
    const equal = g.op('Equal', [x, g.doubles(`${column}_categories`, keys)], {
      dtype: 'bool',
      shape: rows === null ? null : [rows, keys.length],
      name: `${column}_is`
    });
    const hits = g.op(
      'Cast',
      [equal],
      { dtype: 'int64', shape: rows === null ? null : [rows, keys.length], name: `${column}_hit` },
      { to: attr.int(ELEMENT_TYPES.int64) }
    );
    // At most one category matches a row (the keys are distinct numbers), so the product is
    // that category's code minus the unknown code, or 0.
    const shift = g.op(
      'MatMul',
      [hits, g.int64s(`${column}_code_shift`, shifts, [keys.length, 1])],
      {
        dtype: 'int64',
        shape,
        name: `${column}_shift`
      }
    );
    known = g.op('Add', [shift, unknown], { dtype: 'int64', shape, name: `${column}_known` });
  }
  const missing = g.op('IsNaN', [x], { dtype: 'bool', shape, name: `${column}_missing` });
  return g.op(
    'Where',
    [missing, g.int64s(`${column}_missing_code`, [lookup.missing], []), known],
    out
  );
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
