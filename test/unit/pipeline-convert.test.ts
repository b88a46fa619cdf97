import * as arrow from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { makeTable } from '../../src/lib/core/data/table';
import type { ColumnType } from '../../src/lib/core/data/types';
import {
  frameToTable,
  headRows,
  schemaOfTable,
  tableToFrame,
  takeRows
} from '../../src/lib/core/features/convert';
import type { CategoryColumn, Frame, NumericColumn } from '../../src/lib/core/features/frame';

function bitmap(valid: boolean[]): Uint8Array {
  const bits = new Uint8Array((valid.length + 7) >> 3);
  valid.forEach((v, i) => v && (bits[i >> 3] |= 1 << (i & 7)));
  return bits;
}

function nulls(values: (unknown | null)[]) {
  const count = values.filter((v) => v === null).length;
  return count ? { nullBitmap: bitmap(values.map((v) => v !== null)), nullCount: count } : {};
}

const dictType = new arrow.Dictionary(new arrow.Utf8(), new arrow.Int32());

function dictData(dictionary: string[], values: (string | null)[]) {
  return arrow.makeData({
    type: dictType,
    length: values.length,
    data: Int32Array.from(values, (v) => (v === null ? 0 : dictionary.indexOf(v))),
    dictionary: arrow.vectorFromArray(dictionary, new arrow.Utf8()),
    ...nulls(values)
  });
}

function column(name: string, type: ColumnType, data: arrow.Data) {
  return { name, type, data };
}

const ints = [1, null, -5, 2147483647, 0, 7, null, 3, 4, 5];
const floats = [1.5, NaN, null, -0.25, 1e300, 2, 3, 4, 5, 6];
const bools = [true, false, null, true, false, false, true, null, true, true];
const times = [0, 1700000000123, null, -86400000, 253402300799999, 1, 2, 3, 4, 5];
const cats = ['b', 'a', null, 'a', 'c', 'c', null, 'b', 'a', 'a'];

function sampleTable(): arrow.Table {
  const words = new Int32Array(times.length * 2);
  times.forEach((t, i) => {
    const ms = t ?? 0;
    const hi = Math.floor(ms / 4294967296);
    words[2 * i] = ms - hi * 4294967296;
    words[2 * i + 1] = hi;
  });
  const n = ints.length;
  return makeTable(
    [
      column(
        'i',
        'integer',
        arrow.makeData({
          type: new arrow.Int32(),
          length: n,
          data: Int32Array.from(ints, (v) => v ?? 0),
          ...nulls(ints)
        })
      ),
      column(
        'f',
        'float',
        arrow.makeData({
          type: new arrow.Float64(),
          length: n,
          data: Float64Array.from(floats, (v) => v ?? 0),
          ...nulls(floats)
        })
      ),
      column(
        'b',
        'boolean',
        arrow.makeData({
          type: new arrow.Bool(),
          length: n,
          data: bitmap(bools.map((v) => v === true)),
          ...nulls(bools)
        })
      ),
      column(
        't',
        'datetime',
        arrow.makeData({
          type: new arrow.TimestampMillisecond('UTC'),
          length: n,
          data: new BigInt64Array(words.buffer),
          ...nulls(times)
        })
      ),
      column('c', 'categorical', dictData(['a', 'b', 'c'], cats))
    ],
    n
  );
}

const num = (frame: Frame, name: string) =>
  frame.columns.find((c) => c.name === name) as NumericColumn;
const cat = (frame: Frame, name: string) =>
  frame.columns.find((c) => c.name === name) as CategoryColumn;
const strings = (c: CategoryColumn) => [...c.codes].map((k) => (k < 0 ? null : c.dictionary[k]));
const orNaN = (values: (number | boolean | null)[]) =>
  values.map((v) => (v === null ? NaN : Number(v)));

describe('tableToFrame', () => {
  it('reads every Lathe type: NaN and -1 for nulls', () => {
    const frame = tableToFrame(sampleTable());
    expect(frame.rows).toBe(10);
    expect(frame.columns.map((c) => [c.name, c.kind, c.type])).toEqual([
      ['i', 'number', 'integer'],
      ['f', 'number', 'float'],
      ['b', 'number', 'boolean'],
      ['t', 'number', 'datetime'],
      ['c', 'category', 'categorical']
    ]);
    expect([...num(frame, 'i').values]).toEqual(orNaN(ints));
    expect([...num(frame, 'f').values]).toEqual(orNaN(floats));
    expect([...num(frame, 'b').values]).toEqual(orNaN(bools));
    expect([...num(frame, 't').values]).toEqual(orNaN(times));
    expect(strings(cat(frame, 'c'))).toEqual(cats);
    expect(cat(frame, 'c').dictionary).toEqual(['a', 'b', 'c']);
  });

  it('shares Arrow memory for null-free Float64 and dictionary columns', () => {
    const n = 1000;
    const values = Float64Array.from({ length: n }, (_, i) => i / 3);
    const codes = Int32Array.from({ length: n }, (_, i) => i % 2);
    const table = makeTable(
      [
        column(
          'x',
          'float',
          arrow.makeData({ type: new arrow.Float64(), length: n, data: values })
        ),
        column(
          'g',
          'categorical',
          arrow.makeData({
            type: dictType,
            length: n,
            data: codes,
            dictionary: arrow.vectorFromArray(['u', 'v'], new arrow.Utf8())
          })
        )
      ],
      n
    );
    const frame = tableToFrame(table);
    expect(num(frame, 'x').values.buffer).toBe(values.buffer);
    expect(cat(frame, 'g').codes.buffer).toBe(codes.buffer);
  });

  it('reads sliced tables (bit offsets) and multi-batch tables with per-batch dictionaries', () => {
    const sliced = tableToFrame(sampleTable().slice(3, 9));
    expect([...num(sliced, 'b').values]).toEqual(orNaN(bools.slice(3, 9)));
    expect([...num(sliced, 'i').values]).toEqual(orNaN(ints.slice(3, 9)));
    expect(strings(cat(sliced, 'c'))).toEqual(cats.slice(3, 9));

    const first = makeTable(
      [column('g', 'categorical', dictData(['a', 'b'], ['a', 'b', null]))],
      3
    );
    const second = makeTable(
      [column('g', 'categorical', dictData(['c', 'b'], ['b', 'c', 'c', null]))],
      4
    );
    const table = new arrow.Table([...first.batches, ...second.batches]);
    expect(table.batches).toHaveLength(2);
    for (const t of [table, arrow.tableFromIPC(arrow.tableToIPC(table, 'stream'))]) {
      const g = cat(tableToFrame(t), 'g');
      expect(g.dictionary).toEqual(['a', 'b', 'c']);
      expect(strings(g)).toEqual(['a', 'b', null, 'b', 'c', 'c', null]);
    }
  });

  it('reads other producers\u2019 physical types', () => {
    const table = new arrow.Table({
      i64: arrow.vectorFromArray([1n, -2n, null, 2n ** 40n], new arrow.Int64()),
      f32: arrow.vectorFromArray([0.5, null, 2, -1], new arrow.Float32()),
      u8: arrow.vectorFromArray([1, 2, 255, null], new arrow.Uint8()),
      day: arrow.vectorFromArray(
        [new Date(86400000), null, new Date(0), new Date(-86400000)],
        new arrow.DateDay()
      ),
      sec: arrow.vectorFromArray(
        [new Date(5000), null, new Date(0), new Date(1000)],
        new arrow.TimestampSecond()
      ),
      s: arrow.vectorFromArray(['x', null, 'y', 'x'], new arrow.Utf8())
    });
    const frame = tableToFrame(table);
    expect([...num(frame, 'i64').values]).toEqual([1, -2, NaN, 2 ** 40]);
    expect([...num(frame, 'f32').values]).toEqual([0.5, NaN, 2, -1]);
    expect([...num(frame, 'u8').values]).toEqual([1, 2, 255, NaN]);
    expect(num(frame, 'day').type).toBe('datetime');
    expect([...num(frame, 'day').values]).toEqual([86400000, NaN, 0, -86400000]);
    expect([...num(frame, 'sec').values]).toEqual([5000, NaN, 0, 1000]);
    expect(cat(frame, 's').type).toBe('categorical');
    expect(strings(cat(frame, 's'))).toEqual(['x', null, 'y', 'x']);
  });
});

describe('frameToTable', () => {
  it('round-trips through Arrow and IPC with Lathe physical types and metadata', () => {
    const table = sampleTable();
    const frame = tableToFrame(table);
    const back = frameToTable(frame);
    expect(schemaOfTable(back)).toEqual(schemaOfTable(table));
    expect(back.schema.fields.map((f) => String(f.type))).toEqual(
      table.schema.fields.map((f) => String(f.type))
    );
    for (const t of [back, arrow.tableFromIPC(arrow.tableToIPC(back, 'stream'))]) {
      const again = tableToFrame(t);
      expect(again.columns.map((c) => c.type)).toEqual(frame.columns.map((c) => c.type));
      for (const name of ['i', 'f', 'b', 't']) {
        expect([...num(again, name).values]).toEqual([...num(frame, name).values]);
      }
      expect(strings(cat(again, 'c'))).toEqual(cats);
    }
    expect(back.getChild('c')!.get(2)).toBeNull();
    expect(back.getChild('f')!.get(1)).toBeNull();
    expect([...back.getChild('c')!.data[0].values]).toEqual([1, 0, 0, 0, 2, 2, 0, 1, 0, 0]);
  });

  it('writes integers as Int32 when they fit, Float64 otherwise, float when not whole', () => {
    const n = 3;
    const frame: Frame = {
      rows: n,
      columns: [
        { kind: 'number', name: 'small', type: 'integer', values: Float64Array.of(1, NaN, -3) },
        { kind: 'number', name: 'big', type: 'integer', values: Float64Array.of(1, 2 ** 40, NaN) },
        { kind: 'number', name: 'half', type: 'integer', values: Float64Array.of(1, 1.5, 2) }
      ]
    };
    const table = frameToTable(frame);
    expect(String(table.getChild('small')!.type)).toBe('Int32');
    expect(String(table.getChild('big')!.type)).toBe('Float64');
    expect(schemaOfTable(table).map((c) => c.type)).toEqual(['integer', 'integer', 'float']);
    expect(table.getChild('small')!.toArray()).toEqual(Int32Array.of(1, 0, -3));
    expect(table.getChild('small')!.get(1)).toBeNull();
  });

  it('shares Float64 values and null-free codes instead of copying', () => {
    const values = Float64Array.of(1, NaN, 3);
    const codes = Int32Array.of(0, 1, 0);
    const table = frameToTable({
      rows: 3,
      columns: [
        { kind: 'number', name: 'x', type: 'float', values },
        { kind: 'category', name: 'g', type: 'text', codes, dictionary: ['héllo wörld', '東京 😀'] }
      ]
    });
    expect(table.getChild('x')!.data[0].values.buffer).toBe(values.buffer);
    expect(table.getChild('g')!.data[0].values.buffer).toBe(codes.buffer);
    expect([...table.getChild('g')!]).toEqual(['héllo wörld', '東京 😀', 'héllo wörld']);
  });
});

describe('takeRows / headRows', () => {
  it('gathers rows in the given order and shares dictionaries', () => {
    const frame = tableToFrame(sampleTable());
    const taken = takeRows(frame, Int32Array.of(4, 0, 4));
    expect(taken.rows).toBe(3);
    expect([...num(taken, 'i').values]).toEqual([0, 1, 0]);
    expect(cat(taken, 'c').dictionary).toBe(cat(frame, 'c').dictionary);
    const head = headRows(frame, 2);
    expect(head.rows).toBe(2);
    expect(strings(cat(head, 'c'))).toEqual(['b', 'a']);
  });
});
