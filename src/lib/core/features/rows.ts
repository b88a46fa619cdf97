import type { CategoryColumn, Frame, FrameColumn, NumericColumn } from './frame';

/**
 * Splits without copying what a step is about to replace. `takeRowsLazy` gives a frame whose
 * columns copy their rows (row i = source[rows[i]]) the first time `values` / `codes` is read —
 * the frame behaves exactly like `takeRows`'s. A step that replaces a column (scale, one-hot)
 * asks `numberSource` / `codeSource` instead and reads the source through the row numbers in
 * the loop it runs anyway, so the split's copy of that column is never made.
 * On the transform bench this skips most of the column copies per split (bench/README.md).
 */
interface Pending {
  source: Float64Array | Int32Array;
  rows: Int32Array;
}

const pending = new WeakMap<FrameColumn, Pending>();

function gather<A extends Float64Array | Int32Array>(source: A, rows: Int32Array): A {
  const n = rows.length;
  const out = (source instanceof Float64Array ? new Float64Array(n) : new Int32Array(n)) as A;
  for (let i = 0; i < n; i++) out[i] = source[rows[i]];
  return out;
}

function lazyColumn(column: FrameColumn, rows: Int32Array): FrameColumn {
  const key = column.kind === 'category' ? 'codes' : 'values';
  // A pending input column is copied first (never chains): only plain frames are split.
  const source = column.kind === 'category' ? column.codes : column.values;
  const out = { ...column };
  const settle = (value: Float64Array | Int32Array) => {
    pending.delete(out);
    Object.defineProperty(out, key, {
      value,
      writable: true,
      enumerable: true,
      configurable: true
    });
  };
  Object.defineProperty(out, key, {
    enumerable: true,
    configurable: true,
    get() {
      const value = gather(source, rows);
      settle(value);
      return value;
    },
    set: settle
  });
  pending.set(out, { source, rows });
  return out;
}

/** The rows `rows` (row numbers, in that order) of a frame, each column copied on first read. */
export function takeRowsLazy(frame: Frame, rows: Int32Array): Frame {
  return { rows: rows.length, columns: frame.columns.map((c) => lazyColumn(c, rows)) };
}

/** A numeric column's values as `values[rows[i]]` (rows null: `values[i]`), without copying. */
export function numberSource(col: NumericColumn): {
  values: Float64Array;
  rows: Int32Array | null;
} {
  const p = pending.get(col);
  return p
    ? { values: p.source as Float64Array, rows: p.rows }
    : { values: col.values, rows: null };
}

/** A category column's codes as `codes[rows[i]]` (rows null: `codes[i]`), without copying. */
export function codeSource(col: CategoryColumn): { codes: Int32Array; rows: Int32Array | null } {
  const p = pending.get(col);
  return p ? { codes: p.source as Int32Array, rows: p.rows } : { codes: col.codes, rows: null };
}

/** The number of rows of a column, without copying a pending one. */
export function columnLength(col: FrameColumn): number {
  const p = pending.get(col);
  if (p) return p.rows.length;
  return col.kind === 'category' ? col.codes.length : col.values.length;
}

/** Copies every column still pending, so the frame holds plain arrays only. */
export function settleFrame(frame: Frame): Frame {
  for (const c of frame.columns) {
    if (!pending.has(c)) continue;
    if (c.kind === 'category') void c.codes;
    else void c.values;
  }
  return frame;
}
