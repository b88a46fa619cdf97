import * as arrow from 'apache-arrow';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { profileTable } from '../../src/lib/core/data/profile';
import { TYPE_METADATA_KEY, type ColumnType } from '../../src/lib/core/data/types';

type Cell = number | string | boolean | null;
interface FixtureColumn {
  name: string;
  type: ColumnType;
  physical: 'int32' | 'float64' | 'bool' | 'timestamp' | 'dictionary';
  values: Cell[];
}

const fixture = (name: string) =>
  JSON.parse(readFileSync(new URL(`../fixtures/profile/${name}`, import.meta.url), 'utf8'));
const dataset: { rows: number; columns: FixtureColumn[] } = fixture('dataset.json');
const expected = fixture('expected.json');

const SPECIAL: Record<string, number> = { NaN: NaN, Infinity: Infinity, '-Infinity': -Infinity };

function validity(values: Cell[]): { nullBitmap: Uint8Array; nullCount: number } {
  const nullBitmap = new Uint8Array(Math.ceil(values.length / 8));
  let nullCount = 0;
  values.forEach((v, i) => {
    if (v === null) nullCount++;
    else nullBitmap[i >> 3] |= 1 << (i & 7);
  });
  return { nullBitmap, nullCount };
}

function columnData(col: FixtureColumn, dictionaryOrder?: (a: string, b: string) => number) {
  const { values } = col;
  const length = values.length;
  const v = validity(values);
  const num = (x: Cell) => (x === null ? 0 : typeof x === 'string' ? SPECIAL[x] : Number(x));
  switch (col.physical) {
    case 'int32':
      return arrow.makeData({
        type: new arrow.Int32(),
        length,
        ...v,
        data: Int32Array.from(values, num)
      });
    case 'float64':
      return arrow.makeData({
        type: new arrow.Float64(),
        length,
        ...v,
        data: Float64Array.from(values, num)
      });
    case 'timestamp':
      return arrow.makeData({
        type: new arrow.TimestampMillisecond(),
        length,
        ...v,
        data: BigInt64Array.from(values, (x) => BigInt(num(x)))
      });
    case 'bool': {
      const bits = new Uint8Array(Math.ceil(length / 8));
      values.forEach((x, i) => x === true && (bits[i >> 3] |= 1 << (i & 7)));
      return arrow.makeData({ type: new arrow.Bool(), length, ...v, data: bits });
    }
    case 'dictionary': {
      const strings = [...new Set(values.filter((x): x is string => x !== null))].sort(
        dictionaryOrder
      );
      strings.push('zz-unused');
      const index = new Map(strings.map((s, i) => [s, i]));
      const codes = Int32Array.from(values, (x) => (x === null ? 0 : index.get(x as string)!));
      const dictionary = arrow.vectorFromArray(strings, new arrow.Utf8());
      const type = new arrow.Dictionary(new arrow.Utf8(), new arrow.Int32());
      return arrow.makeData({ type, length, ...v, data: codes, dictionary });
    }
  }
}

function tableOf(columns: FixtureColumn[], dictionaryOrder?: (a: string, b: string) => number) {
  const datas = columns.map((c) => columnData(c, dictionaryOrder));
  const fields = columns.map(
    (c, i) => new arrow.Field(c.name, datas[i].type, true, new Map([[TYPE_METADATA_KEY, c.type]]))
  );
  const schema = new arrow.Schema(fields);
  const struct = arrow.makeData({
    type: new arrow.Struct(fields),
    length: columns[0].values.length,
    nullCount: 0,
    children: datas
  });
  return new arrow.Table(schema, new arrow.RecordBatch(schema, struct));
}

function expectClose(actual: unknown, wanted: unknown, path = '$'): void {
  if (wanted === 'NaN') {
    expect(Number.isNaN(actual), path).toBe(true);
  } else if (typeof wanted === 'number') {
    expect(typeof actual, path).toBe('number');
    const tolerance = 1e-9 * Math.max(1, Math.abs(wanted));
    expect(
      Math.abs((actual as number) - wanted),
      `${path}: ${actual} vs ${wanted}`
    ).toBeLessThanOrEqual(tolerance);
  } else if (Array.isArray(wanted)) {
    expect(Array.isArray(actual), path).toBe(true);
    expect((actual as unknown[]).length, `${path}.length`).toBe(wanted.length);
    wanted.forEach((w, i) => expectClose((actual as unknown[])[i], w, `${path}[${i}]`));
  } else if (wanted !== null && typeof wanted === 'object') {
    const a = actual as Record<string, unknown>;
    expect(Object.keys(a).sort(), path).toEqual(Object.keys(wanted).sort());
    for (const [k, w] of Object.entries(wanted)) expectClose(a[k], w, `${path}.${k}`);
  } else {
    expect(actual, path).toEqual(wanted);
  }
}

describe('profileTable', () => {
  const table = tableOf(dataset.columns);

  it('matches the numpy reference profile', () => {
    expectClose(profileTable(table), expected);
  });

  it('gives the same profile over sliced record batches', () => {
    const cuts = [0, 1, 777, 1500, 2999, 3000];
    const batches = cuts.slice(1).flatMap((end, i) => table.slice(cuts[i], end).batches);
    const chunked = new arrow.Table(table.schema, batches);
    expect(chunked.batches.length).toBe(5);
    expectClose(profileTable(chunked), expected);
  });

  it('merges chunks that carry different dictionaries', () => {
    const strings = dataset.columns.filter((c) => c.physical === 'dictionary');
    const half = (c: FixtureColumn, from: number, to: number) => ({
      ...c,
      values: c.values.slice(from, to)
    });
    const first = tableOf(strings.map((c) => half(c, 0, 1400)));
    const second = tableOf(
      strings.map((c) => half(c, 1400, 3000)),
      (a, b) => (a < b ? 1 : -1)
    );
    const merged = new arrow.Table(first.schema, [
      ...first.batches,
      ...second.batches.map((b) => new arrow.RecordBatch(first.schema, b.data))
    ]);
    expect(merged.getChildAt(0)!.data[0].dictionary).not.toBe(
      merged.getChildAt(0)!.data[1].dictionary
    );
    const wanted = expected.columns.filter(
      (c: { type: string }) => c.type === 'categorical' || c.type === 'text'
    );
    expectClose(profileTable(merged).columns, wanted);
  });

  it('profiles a table with no rows', () => {
    const empty = tableOf(dataset.columns.map((c) => ({ ...c, values: [] })));
    const profile = profileTable(empty);
    expect(profile.rows).toBe(0);
    for (const column of profile.columns) {
      expect(column.count).toBe(0);
      expect(column.distinct).toBe(0);
      expect(column.numeric).toBeUndefined();
    }
  });

  it('counts distinct values exactly up to the limit, then estimates', () => {
    const n = 300_000;
    const few = Float64Array.from({ length: n }, (_, i) => i % 1000);
    const many = Float64Array.from({ length: n }, (_, i) => i * 1.5 - 7);
    const t = new arrow.Table({
      few: arrow.makeVector(few),
      many: arrow.makeVector(many)
    });
    const [a, b] = profileTable(t).columns;
    expect(a).toMatchObject({ distinct: 1000, distinctApproximate: false });
    expect(b.distinctApproximate).toBe(true);
    expect(Math.abs(b.distinct - n) / n).toBeLessThan(0.03);
    expect(b.numeric?.quantiles.p50).toBe(many[n / 2 - 1] + 0.75);
  });

  it('selects quantiles on large skewed columns like a full sort', () => {
    let seed = 7;
    const random = () => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32;
    const n = 250_001;
    const columns = {
      ties: Float64Array.from({ length: n }, () =>
        random() < 0.9 ? 3 : Math.floor(random() * 10)
      ),
      skewed: Float64Array.from(
        { length: n },
        () => Math.exp(random() * 40) * (random() < 0.5 ? -1 : 1)
      ),
      tiny: Float64Array.from({ length: n }, () => 1 + Math.floor(random() * 4) * Number.EPSILON)
    };
    const profile = profileTable(
      new arrow.Table(
        Object.fromEntries(Object.entries(columns).map(([k, v]) => [k, arrow.makeVector(v)]))
      )
    );
    for (const column of profile.columns) {
      const sorted = columns[column.name as keyof typeof columns].slice().sort();
      const at = (q: number) => {
        const pos = n * q + (1 - q) - 1; // numpy's virtual index and lerp
        const i = Math.floor(pos);
        const [a, b, t] = [sorted[i], sorted[Math.min(i + 1, n - 1)], pos - i];
        return t >= 0.5 ? b - (b - a) * (1 - t) : a + (b - a) * t;
      };
      const { p05, p25, p50, p75, p95 } = column.numeric!.quantiles;
      expect([p05, p25, p50, p75, p95], column.name).toEqual([0.05, 0.25, 0.5, 0.75, 0.95].map(at));
    }
  });

  it('profiles plain Utf8 columns too', () => {
    const t = new arrow.Table({
      s: arrow.vectorFromArray(['b', null, 'a', 'b'], new arrow.Utf8())
    });
    const [s] = profileTable(t).columns;
    expect(s).toMatchObject({ type: 'categorical', count: 3, missing: 1, distinct: 2 });
    expect(s.top).toEqual([
      { value: 'b', count: 2 },
      { value: 'a', count: 1 }
    ]);
  });
});
