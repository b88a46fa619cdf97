import * as arrow from 'apache-arrow';
import { columnTypeOf, makeTable, type NamedColumn } from '../data/table';
import type { ColumnSchema } from '../data/types';
import {
  columnKind,
  type CategoryColumn,
  type Frame,
  type FrameColumn,
  type NumericColumn
} from './frame';

const TWO32 = 4294967296;
const DAY_MS = 86400000;

export function schemaOfTable(table: arrow.Table): ColumnSchema[] {
  return table.schema.fields.map((f) => ({ name: f.name, type: columnTypeOf(f) }));
}

export function schemaOfFrame(frame: Frame): ColumnSchema[] {
  return frame.columns.map((c) => ({ name: c.name, type: c.type }));
}

/**
 * Columns of an Arrow table as typed arrays: numbers (NaN for null) and categories (codes, -1 for
 * null, one dictionary across all batches). A single-batch Float64 column without nulls, and a
 * single-batch Int32-indexed dictionary column without nulls, share Arrow's buffers: steps never
 * write to their input, so no copy is needed.
 */
export function tableToFrame(table: arrow.Table): Frame {
  const rows = table.numRows;
  const columns = table.schema.fields.map((field, c): FrameColumn => {
    const type = columnTypeOf(field);
    const chunks = (table.getChildAt(c) as arrow.Vector).data;
    if (columnKind(type) === 'category') {
      return {
        kind: 'category',
        name: field.name,
        type: type as CategoryColumn['type'],
        ...categoryCodes(chunks, rows)
      };
    }
    return {
      kind: 'number',
      name: field.name,
      type: type as NumericColumn['type'],
      values: numberValues(chunks, rows)
    };
  });
  return { rows, columns };
}

function isValid(bitmap: Uint8Array, i: number): boolean {
  return ((bitmap[i >> 3] >> (i & 7)) & 1) === 1;
}

function numberValues(chunks: readonly arrow.Data[], rows: number): Float64Array {
  if (chunks.length === 1) {
    const d = chunks[0];
    if (d.values instanceof Float64Array && d.nullCount === 0 && d.values.length >= rows) {
      return d.values.subarray(0, rows);
    }
  }
  const out = new Float64Array(rows);
  let at = 0;
  for (const d of chunks) {
    fillNumbers(d, out, at);
    if (d.nullCount > 0) {
      const bitmap = d.nullBitmap;
      for (let i = 0; i < d.length; i++) if (!isValid(bitmap, d.offset + i)) out[at + i] = NaN;
    }
    at += d.length;
  }
  return out;
}

/** 64-bit integers as two 32-bit words: exact up to 2^53 without a BigInt per row. */
function fill64(
  values: BigInt64Array | BigUint64Array,
  n: number,
  scale: number,
  out: Float64Array,
  at: number
): void {
  const words = new Int32Array(values.buffer, values.byteOffset, n * 2);
  const signed = values instanceof BigInt64Array;
  for (let i = 0; i < n; i++) {
    const hi = signed ? words[2 * i + 1] : words[2 * i + 1] >>> 0;
    out[at + i] = ((words[2 * i] >>> 0) + hi * TWO32) * scale;
  }
}

function fillNumbers(d: arrow.Data, out: Float64Array, at: number): void {
  const t = d.type;
  const n = d.length;
  if (arrow.DataType.isBool(t)) {
    const bits = d.values as Uint8Array;
    for (let i = 0; i < n; i++) out[at + i] = isValid(bits, d.offset + i) ? 1 : 0;
    return;
  }
  if (arrow.DataType.isTimestamp(t)) {
    const scale = [1000, 1, 1e-3, 1e-6][t.unit];
    fill64(d.values as BigInt64Array, n, scale, out, at);
    return;
  }
  if (arrow.DataType.isDate(t)) {
    if (d.values instanceof BigInt64Array) fill64(d.values, n, 1, out, at);
    else for (let i = 0; i < n; i++) out[at + i] = (d.values as Int32Array)[i] * DAY_MS;
    return;
  }
  const values = d.values;
  if (values instanceof BigInt64Array || values instanceof BigUint64Array) {
    fill64(values, n, 1, out, at);
  } else if ((arrow.DataType.isInt(t) || arrow.DataType.isFloat(t)) && !isHalf(t)) {
    out.set(values.subarray(0, n), at);
  } else {
    // Rare types from other producers (half floats, decimals, strings typed as numbers).
    const vector = arrow.makeVector(d);
    for (let i = 0; i < n; i++) out[at + i] = toNumber(vector.get(i));
  }
}

function isHalf(t: arrow.DataType): boolean {
  return arrow.DataType.isFloat(t) && t.precision === arrow.Precision.HALF;
}

function toNumber(v: unknown): number {
  if (v === null || v === undefined) return NaN;
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint' || typeof v === 'boolean') return Number(v);
  if (v instanceof Date) return v.getTime();
  return Number(v);
}

class Interner {
  readonly strings: string[] = [];
  private readonly index = new Map<string, number>();
  code(s: string): number {
    let code = this.index.get(s);
    if (code === undefined) {
      code = this.strings.length;
      this.index.set(s, code);
      this.strings.push(s);
    }
    return code;
  }
}

function categoryCodes(
  chunks: readonly arrow.Data[],
  rows: number
): Pick<CategoryColumn, 'codes' | 'dictionary'> {
  const interner = new Interner();
  const remaps = new Map<arrow.Vector, Int32Array>();
  let identity = true;
  const remapOf = (dictionary: arrow.Vector): Int32Array => {
    let remap = remaps.get(dictionary);
    if (!remap) {
      remap = new Int32Array(dictionary.length);
      for (let j = 0; j < dictionary.length; j++) {
        const s = dictionary.get(j);
        remap[j] = s === null || s === undefined ? -1 : interner.code(String(s));
        if (remap[j] !== j) identity = false;
      }
      remaps.set(dictionary, remap);
    }
    return remap;
  };
  for (const d of chunks)
    if (arrow.DataType.isDictionary(d.type) && d.dictionary) remapOf(d.dictionary);

  if (chunks.length === 1 && identity && remaps.size === 1) {
    const d = chunks[0];
    if (d.values instanceof Int32Array && d.nullCount === 0 && d.values.length >= rows) {
      return { codes: d.values.subarray(0, rows), dictionary: interner.strings };
    }
  }
  const codes = new Int32Array(rows);
  let at = 0;
  for (const d of chunks) {
    const n = d.length;
    if (arrow.DataType.isDictionary(d.type) && d.dictionary) {
      const remap = remapOf(d.dictionary);
      const indices = d.values as ArrayLike<number>;
      for (let i = 0; i < n; i++) codes[at + i] = remap[indices[i]];
    } else {
      const vector = arrow.makeVector(d);
      for (let i = 0; i < n; i++) {
        const v = vector.get(i);
        codes[at + i] = v === null || v === undefined ? -1 : interner.code(String(v));
      }
    }
    if (d.nullCount > 0) {
      const bitmap = d.nullBitmap;
      for (let i = 0; i < n; i++) if (!isValid(bitmap, d.offset + i)) codes[at + i] = -1;
    }
    at += n;
  }
  return { codes, dictionary: interner.strings };
}

/**
 * A Frame as an Arrow table of Lathe's physical types: integer columns whose values fit become
 * Int32 (else Float64, typed float), NaN and code -1 become nulls. Float64 values are shared,
 * not copied (null slots keep their NaN, which Arrow ignores).
 */
export function frameToTable(frame: Frame): arrow.Table {
  const columns = frame.columns.map((column, index): NamedColumn =>
    column.kind === 'category'
      ? categoryData(column, frame.rows, index)
      : numberData(column, frame.rows)
  );
  return makeTable(columns, frame.rows);
}

function validity(values: Float64Array): { nullBitmap?: Uint8Array; nullCount: number } {
  const n = values.length;
  let nullCount = 0;
  for (let i = 0; i < n; i++) if (values[i] !== values[i]) nullCount++;
  if (nullCount === 0) return { nullCount };
  const nullBitmap = new Uint8Array((n + 7) >> 3);
  for (let i = 0; i < n; i++) if (values[i] === values[i]) nullBitmap[i >> 3] |= 1 << (i & 7);
  return { nullBitmap, nullCount };
}

function fitsInt32(values: Float64Array): boolean {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === v && (v !== Math.trunc(v) || v > 2147483647 || v < -2147483648)) return false;
  }
  return true;
}

function numberData(column: NumericColumn, rows: number): NamedColumn {
  const { name, type } = column;
  const values = column.values.length === rows ? column.values : column.values.subarray(0, rows);
  const nulls = validity(values);
  if (type === 'boolean') {
    const bits = new Uint8Array((rows + 7) >> 3);
    for (let i = 0; i < rows; i++)
      if (values[i] !== 0 && values[i] === values[i]) bits[i >> 3] |= 1 << (i & 7);
    return {
      name,
      type,
      data: arrow.makeData({ type: new arrow.Bool(), length: rows, data: bits, ...nulls })
    };
  }
  if (type === 'datetime') {
    const words = new Int32Array(rows * 2);
    for (let i = 0; i < rows; i++) {
      const ms = values[i] === values[i] ? Math.trunc(values[i]) : 0;
      const hi = Math.floor(ms / TWO32);
      words[2 * i] = ms - hi * TWO32;
      words[2 * i + 1] = hi;
    }
    const data = arrow.makeData({
      type: new arrow.TimestampMillisecond('UTC'),
      length: rows,
      data: new BigInt64Array(words.buffer, 0, rows),
      ...nulls
    });
    return { name, type, data };
  }
  if (type === 'integer' && fitsInt32(values)) {
    const ints = new Int32Array(rows);
    for (let i = 0; i < rows; i++) ints[i] = values[i];
    return {
      name,
      type,
      data: arrow.makeData({ type: new arrow.Int32(), length: rows, data: ints, ...nulls })
    };
  }
  const data = arrow.makeData({ type: new arrow.Float64(), length: rows, data: values, ...nulls });
  return { name, type: type === 'integer' && !isIntegral(values) ? 'float' : type, data };
}

function isIntegral(values: Float64Array): boolean {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === v && v !== Math.trunc(v)) return false;
  }
  return true;
}

/** `id` fixes the IPC dictionary id (Arrow's default is a global counter): same frame, same bytes. */
function categoryData(column: CategoryColumn, rows: number, id: number): NamedColumn {
  const { name, type, dictionary } = column;
  let codes = column.codes.length === rows ? column.codes : column.codes.subarray(0, rows);
  let nullCount = 0;
  for (let i = 0; i < rows; i++) if (codes[i] < 0) nullCount++;
  let nullBitmap: Uint8Array | undefined;
  if (nullCount > 0) {
    codes = codes.slice();
    nullBitmap = new Uint8Array((rows + 7) >> 3);
    for (let i = 0; i < rows; i++) {
      if (codes[i] < 0) codes[i] = 0;
      else nullBitmap[i >> 3] |= 1 << (i & 7);
    }
  }
  const data = arrow.makeData({
    type: new arrow.Dictionary(new arrow.Utf8(), new arrow.Int32(), id),
    length: rows,
    data: codes,
    nullBitmap,
    nullCount,
    dictionary: utf8Vector(dictionary)
  });
  return { name, type, data };
}

/** A Utf8 vector written straight into one byte buffer (vectorFromArray is slow on strings). */
function utf8Vector(strings: readonly string[]): arrow.Vector<arrow.Utf8> {
  const encoder = new TextEncoder();
  const offsets = new Int32Array(strings.length + 1);
  let bytes = new Uint8Array(Math.max(64, strings.length * 8));
  let at = 0;
  for (let j = 0; j < strings.length; j++) {
    const s = strings[j];
    if (bytes.length - at < s.length * 3) {
      const next = new Uint8Array(Math.max(bytes.length * 2, at + s.length * 3));
      next.set(bytes.subarray(0, at));
      bytes = next;
    }
    at += encoder.encodeInto(s, bytes.subarray(at)).written;
    offsets[j + 1] = at;
  }
  return arrow.makeVector(
    arrow.makeData({
      type: new arrow.Utf8(),
      length: strings.length,
      valueOffsets: offsets,
      data: bytes.subarray(0, at)
    })
  );
}

/** The rows `rows` (row numbers, in that order) of a frame; dictionaries are shared. */
export function takeRows(frame: Frame, rows: Int32Array): Frame {
  const n = rows.length;
  const columns = frame.columns.map((column): FrameColumn => {
    if (column.kind === 'category') {
      const src = column.codes;
      const codes = new Int32Array(n);
      for (let i = 0; i < n; i++) codes[i] = src[rows[i]];
      return { ...column, codes };
    }
    const src = column.values;
    const values = new Float64Array(n);
    for (let i = 0; i < n; i++) values[i] = src[rows[i]];
    return { ...column, values };
  });
  return { rows: n, columns };
}

/** The first `n` rows, sharing the arrays' memory. */
export function headRows(frame: Frame, n: number): Frame {
  const rows = Math.min(n, frame.rows);
  const columns = frame.columns.map((column): FrameColumn =>
    column.kind === 'category'
      ? { ...column, codes: column.codes.subarray(0, rows) }
      : { ...column, values: column.values.subarray(0, rows) }
  );
  return { rows, columns };
}
