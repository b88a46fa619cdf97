import * as arrow from 'apache-arrow';
import { datasetBytes } from './identity';

export interface CsvOptions {
  /** Rows encoded per yielded chunk. */
  rowsPerChunk?: number;
}

/**
 * RFC 4180 CSV (comma, CRLF, header row) as UTF-8 chunks, e.g. `new Blob([...tableToCsv(t)])`.
 * Nulls are empty cells; an empty string is `""`. Datetimes are ISO 8601 UTC. Text cells (and
 * column names) starting with = + - @ tab or CR get a leading `'` so spreadsheets do not run them
 * as formulas (OWASP CSV injection); numbers, including negative ones, are written as they are.
 */
export function* tableToCsv(table: arrow.Table, options: CsvOptions = {}): Generator<Uint8Array> {
  const rowsPerChunk = Math.max(1, options.rowsPerChunk ?? 8192);
  const encoder = new TextEncoder();
  const fields = table.schema.fields;
  yield encoder.encode(fields.map((f) => csvText(f.name)).join(',') + '\r\n');
  if (fields.length === 0) return;
  const dictionaries = new Map<unknown, string[]>();
  for (const batch of table.batches) {
    const columns = fields.map((_, i) => batch.getChildAt(i)!.data[0]);
    for (let start = 0; start < batch.numRows; start += rowsPerChunk) {
      const end = Math.min(start + rowsPerChunk, batch.numRows);
      const cells = columns.map((data) => formatCells(data, start, end, dictionaries));
      const lines = cells[0];
      for (let c = 1; c < cells.length; c++) {
        const column = cells[c];
        for (let r = 0; r < lines.length; r++) lines[r] += ',' + column[r];
      }
      yield encoder.encode(lines.join('\r\n') + '\r\n');
    }
  }
}

/** Arrow IPC bytes in the form datasets are stored in (see identity.ts: one definition). */
export function tableToArrowIpc(table: arrow.Table): Uint8Array {
  return datasetBytes(table);
}

const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

function csvText(value: string): string {
  if (value === '') return '""';
  const safe = FORMULA_START.test(value) ? "'" + value : value;
  return NEEDS_QUOTES.test(safe) ? '"' + safe.replace(/"/g, '""') + '"' : safe;
}

function formatCells(
  data: arrow.Data,
  start: number,
  end: number,
  dictionaries: Map<unknown, string[]>
): string[] {
  const out = new Array<string>(end - start);
  const t = data.type;
  const bitmap = data.nullCount > 0 ? data.nullBitmap : null;
  const off = data.offset;
  const present = (i: number) =>
    bitmap === null || ((bitmap[(off + i) >> 3] >> ((off + i) & 7)) & 1) === 1;

  if (arrow.DataType.isDictionary(t) && data.dictionary) {
    let texts = dictionaries.get(data.dictionary);
    if (!texts) {
      texts = Array.from(data.dictionary.toArray() as ArrayLike<unknown>, (v) =>
        v === null || v === undefined ? '' : csvText(String(v))
      );
      dictionaries.set(data.dictionary, texts);
    }
    const codes = data.values as ArrayLike<number>;
    for (let i = start; i < end; i++) out[i - start] = present(i) ? texts[codes[i]] : '';
  } else if (arrow.DataType.isInt(t) || arrow.DataType.isFloat(t)) {
    const values = data.values as ArrayLike<number | bigint>;
    for (let i = start; i < end; i++) out[i - start] = present(i) ? String(values[i]) : '';
  } else if (arrow.DataType.isBool(t)) {
    const bits = data.values as Uint8Array;
    for (let i = start; i < end; i++) {
      const b = off + i;
      out[i - start] = present(i) ? ((bits[b >> 3] >> (b & 7)) & 1 ? 'true' : 'false') : '';
    }
  } else if (arrow.DataType.isTimestamp(t) || arrow.DataType.isDate(t)) {
    const ms = epochMillis(data, start, end);
    for (let i = start; i < end; i++) out[i - start] = present(i) ? isoDate(ms[i - start]) : '';
  } else {
    const vector = new arrow.Vector([data]);
    for (let i = start; i < end; i++) {
      const v: unknown = present(i) ? vector.get(i) : null;
      out[i - start] = v === null || v === undefined ? '' : csvText(String(v));
    }
  }
  return out;
}

function epochMillis(data: arrow.Data, start: number, end: number): Float64Array {
  const t = data.type;
  const scale = arrow.DataType.isTimestamp(t)
    ? [1000, 1, 1e-3, 1e-6][t.unit]
    : (t as arrow.Date_).unit === arrow.DateUnit.DAY
      ? 864e5
      : 1;
  const values = data.values as Int32Array | BigInt64Array;
  const out = new Float64Array(end - start);
  if (values instanceof BigInt64Array) {
    const words = new Int32Array(values.buffer, values.byteOffset, values.length * 2);
    for (let i = start; i < end; i++) {
      out[i - start] = (words[2 * i + 1] * 4294967296 + (words[2 * i] >>> 0)) * scale;
    }
  } else {
    for (let i = start; i < end; i++) out[i - start] = values[i] * scale;
  }
  return out;
}

function isoDate(ms: number): string {
  const date = new Date(Math.round(ms));
  return Number.isNaN(date.getTime()) ? String(ms) : date.toISOString();
}
