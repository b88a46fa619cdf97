import * as arrow from 'apache-arrow';
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { tableToArrowIpc, tableToCsv } from '../../src/lib/core/data/export';

const decoder = new TextDecoder();
const csvOf = (table: arrow.Table, rowsPerChunk?: number) =>
  decoder.decode(new Uint8Array(Buffer.concat([...tableToCsv(table, { rowsPerChunk })])));

function dictionaryVector(values: (string | null)[]) {
  const strings = [...new Set(values.filter((v): v is string => v !== null))];
  const index = new Map(strings.map((s, i) => [s, i]));
  const nullBitmap = new Uint8Array(Math.ceil(values.length / 8));
  values.forEach((v, i) => v !== null && (nullBitmap[i >> 3] |= 1 << (i & 7)));
  return arrow.makeVector(
    arrow.makeData({
      type: new arrow.Dictionary(new arrow.Utf8(), new arrow.Int32()),
      length: values.length,
      nullCount: values.filter((v) => v === null).length,
      nullBitmap,
      data: Int32Array.from(values, (v) => (v === null ? 0 : index.get(v)!)),
      dictionary: arrow.vectorFromArray(strings, new arrow.Utf8())
    })
  );
}

const texts = [
  'plain',
  'a,b',
  'say "hi"',
  'two\nlines',
  'crlf\r\nend',
  'café 東京 😀',
  '',
  null,
  ' padded '
];
const floats = [1.5, -2.25, null, 0, 1e21, -0.001, 123456789.123, Number.MIN_VALUE, 42];
const ints = [1, -2, null, 0, 2147483647, -2147483648, 7, 8, 9];
const bools = [true, false, null, true, true, false, false, true, null];
const dates = [0, 1700000000123, null, -86400000, 253402300799999, 1, 2, 3, 4];

const table = new arrow.Table({
  text: dictionaryVector(texts),
  float: arrow.vectorFromArray(floats, new arrow.Float64()),
  int: arrow.vectorFromArray(ints, new arrow.Int32()),
  bool: arrow.vectorFromArray(bools, new arrow.Bool()),
  when: arrow.vectorFromArray(
    dates.map((d) => (d === null ? null : new Date(d))),
    new arrow.TimestampMillisecond()
  )
});

describe('tableToCsv', () => {
  it('round-trips through papaparse', () => {
    const csv = csvOf(table);
    const { data, errors } = Papa.parse<string[]>(csv.replace(/\r\n$/, ''), { newline: '\r\n' });
    expect(errors).toEqual([]);
    expect(data[0]).toEqual(['text', 'float', 'int', 'bool', 'when']);
    const rows = data.slice(1);
    expect(rows.length).toBe(texts.length);
    rows.forEach((row, r) => {
      expect(row[0]).toBe(texts[r] ?? '');
      expect(row[1] === '' ? null : Number(row[1])).toBe(floats[r]);
      expect(row[2] === '' ? null : Number(row[2])).toBe(ints[r]);
      expect(row[3] === '' ? null : row[3] === 'true').toBe(bools[r]);
      expect(row[4] === '' ? null : Date.parse(row[4])).toBe(dates[r]);
    });
    expect(rows[1][4]).toBe('2023-11-14T22:13:20.123Z');
    expect(rows[4][4]).toBe('9999-12-31T23:59:59.999Z');
  });

  it('writes nulls as empty cells and empty strings as ""', () => {
    const lines = csvOf(table).split('\r\n');
    expect(lines[0]).toBe('text,float,int,bool,when');
    expect(lines[1]).toBe('plain,1.5,1,true,1970-01-01T00:00:00.000Z');
    expect(lines[2]).toBe('"a,b",-2.25,-2,false,2023-11-14T22:13:20.123Z');
    expect(lines[3]).toBe('"say ""hi""",,,,');
    expect(lines.at(-4)).toBe('"",123456789.123,7,false,1970-01-01T00:00:00.002Z');
    expect(lines.at(-3)).toBe(',5e-324,8,true,1970-01-01T00:00:00.003Z');
  });

  it('escapes spreadsheet formulas in text but not negative numbers', () => {
    const cells = ['=SUM(A1:A9)', '+1', '-1', '@cmd', '\tx', '\rx', 'ok=1', "'quoted"];
    const t = new arrow.Table({
      '=header': dictionaryVector(cells),
      n: arrow.vectorFromArray([-1, -2.5, -1e-7, 3, -4, -5, -6, -7], new arrow.Float64())
    });
    const { data } = Papa.parse<string[]>(csvOf(t).replace(/\r\n$/, ''), { newline: '\r\n' });
    expect(data[0]).toEqual(["'=header", 'n']);
    expect(data.slice(1).map((r) => r[0])).toEqual([
      "'=SUM(A1:A9)",
      "'+1",
      "'-1",
      "'@cmd",
      "'\tx",
      "'\rx",
      'ok=1',
      "'quoted"
    ]);
    expect(data.slice(1).map((r) => r[1])).toEqual([
      '-1',
      '-2.5',
      '-1e-7',
      '3',
      '-4',
      '-5',
      '-6',
      '-7'
    ]);
  });

  it('yields the same bytes however it is chunked, across record batches', () => {
    const whole = csvOf(table);
    const chunks = [...tableToCsv(table, { rowsPerChunk: 2 })];
    expect(chunks.length).toBe(1 + Math.ceil(texts.length / 2));
    expect(csvOf(table, 1)).toBe(whole);
    const batched = new arrow.Table([...table.slice(0, 4).batches, ...table.slice(4).batches]);
    expect(batched.batches.length).toBe(2);
    expect(csvOf(batched, 3)).toBe(whole);
  });

  it('writes only the header for an empty table', () => {
    expect(csvOf(table.slice(0, 0))).toBe('text,float,int,bool,when\r\n');
  });
});

describe('tableToArrowIpc', () => {
  it('round-trips through tableFromIPC', () => {
    const back = arrow.tableFromIPC(tableToArrowIpc(table));
    expect(back.schema.fields.map((f) => String(f.type))).toEqual(
      table.schema.fields.map((f) => String(f.type))
    );
    expect(back.toArray().map((r) => r.toJSON())).toEqual(table.toArray().map((r) => r.toJSON()));
  });
});
