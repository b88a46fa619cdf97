import * as arrow from 'apache-arrow';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { describe, expect, it } from 'vitest';
import { columnTypeOf, detectFormat, ingest } from '../../src/lib/core/data/ingest';
import { LatheError } from '../../src/lib/core/base/errors';

const enc = new TextEncoder();
const blob = (b: string | Uint8Array) =>
  new Blob([(typeof b === 'string' ? enc.encode(b) : b) as Uint8Array<ArrayBuffer>]);
const rows = (t: arrow.Table) => t.toArray().map((r) => r.toJSON());

async function code(p: Promise<unknown>): Promise<string> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x
  );
  expect(e).toBeInstanceOf(LatheError);
  return `${(e as LatheError).code}: ${(e as LatheError).message}`;
}

describe('format detection', () => {
  it('reads content first and warns on a mismatching extension', async () => {
    expect(detectFormat(enc.encode(' [{"a":1}]'), 'x.csv')).toMatchObject({ format: 'json' });
    expect(detectFormat(enc.encode('{"a":1}\n'), 'x.ndjson')).toEqual({ format: 'ndjson' });
    expect(detectFormat(enc.encode('PAR1....'), 'x.parquet')).toEqual({ format: 'parquet' });
    expect(detectFormat(enc.encode('a,b\n'), 'x.tsv')).toEqual({ format: 'csv' });
    const { report } = await ingest(blob('[{"a":1}]'), { fileName: 'data.csv' });
    expect(report.format).toBe('json');
    expect(report.warnings[0].code).toBe('FORMAT_MISMATCH');
    expect(() => detectFormat(new Uint8Array([0x25, 0x50, 0x44, 0x46]), 'a.csv')).toThrow(/PDF/);
  });
});

describe('JSON and NDJSON', () => {
  it('unions keys in first-seen order, nested values become JSON text', async () => {
    const { table, report } = await ingest(
      blob('[{"a":1,"b":"x"},{"b":"y","c":{"k":[1,2]},"a":2.5},{"a":null,"d":true}]'),
      { fileName: 'r.json' }
    );
    expect(report.columns).toEqual([
      { name: 'a', type: 'float' },
      { name: 'b', type: 'categorical' },
      { name: 'c', type: 'categorical' },
      { name: 'd', type: 'boolean' }
    ]);
    expect(rows(table)).toEqual([
      { a: 1, b: 'x', c: null, d: null },
      { a: 2.5, b: 'y', c: '{"k":[1,2]}', d: null },
      { a: null, b: null, c: null, d: true }
    ]);
  });
  it('strings go through the same typed parsing', async () => {
    const { table, report } = await ingest(blob('[{"n":"1"},{"n":"NA"},{"n":"3"}]'), {
      fileName: 'r.json'
    });
    expect(report.columns[0].type).toBe('integer');
    expect(rows(table).map((r) => r.n)).toEqual([1, null, 3]);
  });
  it('JSON strings with leading zeros are identifiers; JSON numbers are numbers', async () => {
    const { table, report } = await ingest(
      blob('[{"zip":"00501","n":501},{"zip":"02134","n":2134},{"zip":"90210","n":90210}]'),
      { fileName: 'r.json' }
    );
    expect(report.columns).toEqual([
      { name: 'zip', type: 'categorical' },
      { name: 'n', type: 'integer' }
    ]);
    expect(rows(table).map((r) => r.zip)).toEqual(['00501', '02134', '90210']);
    expect(report.notes?.map((n) => [n.column, n.kind])).toEqual([['zip', 'identifier']]);
    const nd = await ingest(blob('{"zip":"01234"}\n{"zip":"12345"}\n'), { fileName: 'r.ndjson' });
    expect(nd.report.columns).toEqual([{ name: 'zip', type: 'categorical' }]);
    expect(rows(nd.table).map((r) => r.zip)).toEqual(['01234', '12345']);
  });
  it('rejects a top-level object, scalars and bad JSON clearly', async () => {
    expect(await code(ingest(blob('{\n "a": 1\n}'), { fileName: 'o.json' }))).toMatch(
      /BAD_JSON.*o\.json, line 1.*one JSON object spread/
    );
    expect(await code(ingest(blob('[1,2]'), { fileName: 's.json' }))).toMatch(
      /BAD_JSON_SHAPE: s\.json, record 1/
    );
    expect(await code(ingest(blob('[{"a":1},\n{"a":]'), { fileName: 'b.json' }))).toMatch(
      /BAD_JSON: b\.json.*not valid JSON/
    );
    expect(await code(ingest(blob('[]'), { fileName: 'e.json' }))).toMatch(/NO_ROWS/);
  });
  it('NDJSON in small chunks, naming the line of bad JSON', async () => {
    const text = '{"a":1,"s":"x"}\n\n{"a":2,"s":"y"}\r\n{"a":3}\n';
    const { table } = await ingest(blob(text), { fileName: 'r.ndjson', chunkBytes: 5 });
    expect(rows(table)).toEqual([
      { a: 1, s: 'x' },
      { a: 2, s: 'y' },
      { a: 3, s: null }
    ]);
    expect(
      await code(ingest(blob('{"a":1}\n{"a":2}\n{"a":\n'), { fileName: 'r.ndjson', chunkBytes: 4 }))
    ).toMatch(/r\.ndjson, line 3/);
  });
});

describe('Arrow IPC and Parquet', () => {
  const source = new arrow.Table({
    i64: arrow.makeVector(new BigInt64Array([1n, 2n, 3n])),
    f32: arrow.makeVector(new Float32Array([1.5, 2.5, 3.5])),
    s: arrow.vectorFromArray(['a', null, 'c'], new arrow.Utf8()),
    t: arrow.vectorFromArray(
      [new Date(Date.UTC(2024, 0, 1)), null, new Date(0)],
      new arrow.TimestampMicrosecond()
    )
  });
  for (const format of ['file', 'stream'] as const) {
    it(`normalizes Arrow IPC ${format} columns`, async () => {
      const { table, report } = await ingest(blob(arrow.tableToIPC(source, format)), {
        fileName: `x.arrow`
      });
      expect(report.format).toBe('arrow');
      expect(report.columns.map((c) => c.type)).toEqual([
        'integer',
        'float',
        'categorical',
        'datetime'
      ]);
      expect(table.getChild('i64')!.type).toBeInstanceOf(arrow.Int32);
      expect(table.getChild('s')!.type).toBeInstanceOf(arrow.Dictionary);
      expect(table.getChild('t')!.type).toBeInstanceOf(arrow.TimestampMillisecond);
      expect(rows(table)).toEqual([
        { i64: 1, f32: 1.5, s: 'a', t: Date.UTC(2024, 0, 1) },
        { i64: 2, f32: 2.5, s: null, t: null },
        { i64: 3, f32: 3.5, s: 'c', t: 0 }
      ]);
    });
  }
  it('reports a text encoding for text formats only', async () => {
    const csv = await ingest(blob('a\n1\n'), { fileName: 'x.csv' });
    expect(csv.report.encoding).toBe('utf-8');
    const json = await ingest(blob('[{"a":1}]'), { fileName: 'x.json' });
    expect(json.report.encoding).toBe('utf-8');
    const ipc = await ingest(blob(arrow.tableToIPC(source)), { fileName: 'x.arrow' });
    expect(ipc.report).not.toHaveProperty('encoding');
    const buf = parquetWriteBuffer({ columnData: [{ name: 'n', data: [1, 2], type: 'INT32' }] });
    const parquet = await ingest(blob(new Uint8Array(buf)), { fileName: 'x.parquet' });
    expect(parquet.report).not.toHaveProperty('encoding');
  });
  it('re-reads its own table with the same semantic types', async () => {
    const first = await ingest(
      blob('a,b\n1,the quick brown fox jumps\n2,over the lazy dog again\n'),
      { fileName: 'x.csv' }
    );
    const again = await ingest(blob(arrow.tableToIPC(first.table)), { fileName: 'x.arrow' });
    expect(again.report.columns).toEqual(first.report.columns);
    expect(columnTypeOf(again.table.schema.fields[1])).toBe('text');
  });
  it('reads Parquet written by hyparquet-writer', async () => {
    const buf = parquetWriteBuffer({
      columnData: [
        { name: 'n', data: [1, 2, null, 4], type: 'INT32' },
        { name: 'x', data: [0.5, null, 2, 3], type: 'DOUBLE' },
        { name: 's', data: ['a', 'b', null, 'a'], type: 'STRING' },
        { name: 'b', data: [true, false, true, null], type: 'BOOLEAN' }
      ]
    });
    const { table, report } = await ingest(blob(new Uint8Array(buf)), { fileName: 'x.parquet' });
    expect(report.columns.map((c) => c.type)).toEqual([
      'integer',
      'float',
      'categorical',
      'boolean'
    ]);
    expect(rows(table)).toEqual([
      { n: 1, x: 0.5, s: 'a', b: true },
      { n: 2, x: null, s: 'b', b: false },
      { n: null, x: 2, s: null, b: true },
      { n: 4, x: 3, s: 'a', b: null }
    ]);
  });
});
