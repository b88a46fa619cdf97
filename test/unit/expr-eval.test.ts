import { describe, expect, it } from 'vitest';
import { LatheError } from '../../src/lib/core/base/errors';
import { type ColumnSchema, type ColumnType } from '../../src/lib/core/data/types';
import {
  compileExpression,
  evaluateColumn,
  evaluateMask,
  FUNCTION_DOCS
} from '../../src/lib/core/features/expr';
import { mapStrings, pairs, type StrVec } from '../../src/lib/core/features/expr/vector';
import type { Frame, FrameColumn } from '../../src/lib/core/features/frame';

type Cell = number | string | boolean | null;

function column(name: string, type: ColumnType, cells: Cell[]): FrameColumn {
  if (type === 'categorical' || type === 'text') {
    const dictionary: string[] = [];
    const codes = Int32Array.from(cells, (c) => {
      if (c === null) return -1;
      const i = dictionary.indexOf(String(c));
      return i >= 0 ? i : dictionary.push(String(c)) - 1;
    });
    return { kind: 'category', name, type, codes, dictionary };
  }
  const values = Float64Array.from(cells, (c) =>
    c === null
      ? NaN
      : typeof c === 'boolean'
        ? Number(c)
        : typeof c === 'string'
          ? Date.parse(c)
          : c
  );
  return { kind: 'number', name, type, values };
}

// Five rows; row 2 is missing everywhere.
const frame: Frame = {
  rows: 5,
  columns: [
    column('price', 'float', [10, 2.5, null, -4, 0]),
    column('qty', 'integer', [1, 2, 3, null, 0]),
    column('city', 'categorical', ['Paris', 'rome', null, 'Paris', ' Oslo ']),
    column('flag', 'boolean', [true, false, null, true, false]),
    column('when', 'datetime', [
      '2024-02-29T13:45:00Z',
      '1970-01-01T00:00:00Z',
      null,
      '1969-12-31T23:00:00Z',
      '2000-03-01T00:00:00Z'
    ]),
    column('review', 'text', ['Great', 'bad', null, 'GREAT', 'ok']),
    column('tag', 'categorical', ['Paris', 'Oslo', 'x', null, ' Oslo '])
  ]
};
const schema: ColumnSchema[] = frame.columns.map((c) => ({ name: c.name, type: c.type }));

/** Evaluates as a derived column and returns plain values (booleans as true/false/null). */
function run(src: string, f: Frame = frame): Cell[] {
  const compiled = compileExpression(src, f.columns);
  const col = evaluateColumn(compiled, f, 'out');
  if (col.kind === 'category') {
    return Array.from(col.codes, (c) => (c < 0 ? null : col.dictionary[c]));
  }
  if (col.type === 'boolean') return Array.from(col.values, (v) => (v !== v ? null : v === 1));
  return Array.from(col.values);
}

function typeOf(src: string): ColumnType {
  return compileExpression(src, schema).columnType;
}

function fail(src: string, s: ColumnSchema[] = schema): LatheError {
  try {
    compileExpression(src, s);
  } catch (e) {
    expect(e).toBeInstanceOf(LatheError);
    return e as LatheError;
  }
  throw new Error(`expected an error for ${src}`);
}

const T = true;
const F = false;
const N = null;
const DAY = 86_400_000;

describe('arithmetic', () => {
  it('follows precedence and associativity', () => {
    expect(run('2 ^ 3 ^ 2')[0]).toBe(512);
    expect(run('(2 ^ 3) ^ 2')[0]).toBe(64);
    expect(run('-2 ^ 2')[0]).toBe(-4);
    expect(run('(-2) ^ 2')[0]).toBe(4);
    expect(run('2 ^ -1')[0]).toBe(0.5);
    expect(run('7 - 2 - 1')[0]).toBe(4);
    expect(run('8 / 4 / 2')[0]).toBe(1);
    expect(run('1 + 2 * 3 ^ 2')[0]).toBe(19);
    expect(run('- - 3')[0]).toBe(3);
  });

  it('computes over columns with missing values propagating', () => {
    expect(run('price * qty + 1')).toEqual([11, 6, NaN, NaN, 1]);
    expect(run('-price')).toEqual([-10, -2.5, NaN, 4, -0]);
    expect(run('price ^ 2')).toEqual([100, 6.25, NaN, 16, 0]);
  });

  it('divides like IEEE 754: x/0 = ±Infinity, 0/0 = NaN', () => {
    expect(run('price / 0')).toEqual([Infinity, Infinity, NaN, -Infinity, NaN]);
    expect(run('price / -0')).toEqual([-Infinity, -Infinity, NaN, Infinity, NaN]);
    expect(run('1 / (price - price)')).toEqual([Infinity, Infinity, NaN, Infinity, Infinity]);
    expect(run('-1 / (price - price)')).toEqual([-Infinity, -Infinity, NaN, -Infinity, -Infinity]);
  });

  it('% keeps the sign of the dividend; x % 0 = NaN', () => {
    expect(run('-7 % 3')[0]).toBe(-1);
    expect(run('7 % -3')[0]).toBe(1);
    expect(run('5.5 % 2')[0]).toBe(1.5);
    expect(run('price % 0')).toEqual([NaN, NaN, NaN, NaN, NaN]);
    expect(run('price % 3')).toEqual([1, 2.5, NaN, -1, 0]);
  });

  it('Infinity flows through; missing beats ^0 and 1^', () => {
    expect(run('price / 0 - price / 0')).toEqual([NaN, NaN, NaN, NaN, NaN]);
    expect(run('price ^ 0')).toEqual([1, 1, NaN, 1, 1]);
    expect(run('1 ^ price')).toEqual([1, 1, NaN, 1, 1]);
    expect(run('0 ^ 0')[0]).toBe(1);
    expect(run('null + 1')[0]).toBeNaN();
  });

  it('datetimes: d ± ms is a datetime, d1 - d2 is milliseconds', () => {
    expect(typeOf('when + 3600000')).toBe('datetime');
    expect(typeOf('when - when')).toBe('float');
    expect(run('when - datetime("1970-01-01")')).toEqual([
      Date.UTC(2024, 1, 29, 13, 45),
      0,
      NaN,
      -3600000,
      Date.UTC(2000, 2, 1)
    ]);
    expect(run('hour(when + 3600000)')).toEqual([14, 1, NaN, 0, 1]);
    expect(run('day(when - ' + DAY + ')')).toEqual([28, 31, NaN, 30, 29]);
  });
});

describe('comparisons', () => {
  it('numbers; missing compares false, even with !=', () => {
    expect(run('price > 0')).toEqual([T, T, F, F, F]);
    expect(run('price >= 0')).toEqual([T, T, F, F, T]);
    expect(run('price < 0')).toEqual([F, F, F, T, F]);
    expect(run('price <= 2.5')).toEqual([F, T, F, T, T]);
    expect(run('price = 10')).toEqual([T, F, F, F, F]);
    expect(run('price == 10')).toEqual([T, F, F, F, F]);
    expect(run('price != 10')).toEqual([F, T, F, T, T]);
    expect(run('price <> 10')).toEqual([F, T, F, T, T]);
    expect(run('price = price')).toEqual([T, T, F, T, T]);
    expect(run('price != qty')).toEqual([T, T, F, F, F]);
  });

  it('strings with a constant, by value, case-sensitive, code-point order', () => {
    expect(run("city = 'Paris'")).toEqual([T, F, F, T, F]);
    expect(run("'Paris' = city")).toEqual([T, F, F, T, F]);
    expect(run("city != 'Paris'")).toEqual([F, T, F, F, T]);
    expect(run("city < 'a'")).toEqual([T, F, F, T, T]);
    expect(run("'a' < city")).toEqual([F, T, F, F, F]);
    expect(run("city >= 'rome'")).toEqual([F, T, F, F, F]);
  });

  it('two string columns, even with different dictionaries', () => {
    expect(run('city = tag')).toEqual([T, F, F, F, T]);
    expect(run('city != tag')).toEqual([F, T, F, F, F]);
    expect(run('city < tag')).toEqual([F, F, F, F, F]);
    expect(run('city > tag')).toEqual([F, T, F, F, F]);
    expect(run('city = review')).toEqual([F, F, F, F, F]);
  });

  it('datetimes with ISO literals (UTC unless zoned)', () => {
    expect(run("when > '2000-01-01'")).toEqual([T, F, F, F, T]);
    expect(run("'2000-01-01' < when")).toEqual([T, F, F, F, T]);
    expect(run("when = '1970-01-01 00:00'")).toEqual([F, T, F, F, F]);
    expect(run("when = '1970-01-01T01:00+01:00'")).toEqual([F, T, F, F, F]);
    expect(run("when in ('1970-01-01', '2000-03-01')")).toEqual([F, T, F, F, T]);
  });

  it('booleans with = and !=', () => {
    expect(run('flag = true')).toEqual([T, F, F, T, F]);
    expect(run('flag != true')).toEqual([F, T, F, F, T]);
    expect(run('flag = (price > 5)')).toEqual([T, T, F, F, T]);
  });

  it('in / not in, with constants and with columns', () => {
    expect(run("city in ('Paris', 'Oslo', ' Oslo ')")).toEqual([T, F, F, T, T]);
    expect(run("city not in ('Paris')")).toEqual([F, T, F, F, T]);
    expect(run('qty in (1, 3, 0)')).toEqual([T, F, T, F, T]);
    expect(run('qty not in (1, 3)')).toEqual([F, T, F, F, T]);
    expect(run('price in (qty, 10)')).toEqual([T, F, F, F, T]);
    expect(run('price not in (qty, 10)')).toEqual([F, T, F, T, F]);
    expect(run('flag in (true)')).toEqual([T, F, F, T, F]);
    expect(run('flag not in (true)')).toEqual([F, T, F, F, T]);
    expect(run("city in (tag, 'rome')")).toEqual([T, T, F, F, T]);
  });

  it('is null / is not null', () => {
    expect(run('price is null')).toEqual([F, F, T, F, F]);
    expect(run('city is not null')).toEqual([T, T, F, T, T]);
    expect(run('flag is null')).toEqual([F, F, T, F, F]);
  });
});

describe('three-valued logic (Kleene, as in SQL)', () => {
  // flag: true, false, missing, true, false
  it('and / or / not with a missing truth value', () => {
    expect(run('flag and true')).toEqual([T, F, N, T, F]);
    expect(run('flag and false')).toEqual([F, F, F, F, F]);
    expect(run('flag or false')).toEqual([T, F, N, T, F]);
    expect(run('flag or true')).toEqual([T, T, T, T, T]);
    expect(run('not flag')).toEqual([F, T, N, F, T]);
    expect(run('!flag && true || false')).toEqual([F, T, N, F, T]);
    expect(run('flag and null')).toEqual([N, F, N, N, F]);
    expect(run('flag or null')).toEqual([T, N, N, T, N]);
    expect(run('not null')).toEqual([N, N, N, N, N]);
  });

  it('a filter keeps only true rows', () => {
    const mask = (src: string) => Array.from(evaluateMask(compileExpression(src, schema), frame));
    expect(mask('flag')).toEqual([1, 0, 0, 1, 0]);
    expect(mask('not flag')).toEqual([0, 1, 0, 0, 1]);
    expect(mask('price > 0 or flag')).toEqual([1, 1, 0, 1, 0]);
    expect(mask('not (price > 0)')).toEqual([0, 0, 1, 1, 1]);
    expect(mask('true')).toEqual([1, 1, 1, 1, 1]);
    expect(mask('null')).toEqual([0, 0, 0, 0, 0]);
  });
});

describe('functions', () => {
  it('lists every function with a signature', () => {
    const names = FUNCTION_DOCS.map((d) => d.name).sort();
    expect(names).toEqual(
      [
        'abs',
        'ceil',
        'clip',
        'coalesce',
        'concat',
        'contains',
        'datetime',
        'day',
        'dayofweek',
        'endswith',
        'exp',
        'floor',
        'hour',
        'if',
        'ismissing',
        'isnull',
        'length',
        'log',
        'log1p',
        'lower',
        'max',
        'min',
        'minute',
        'month',
        'number',
        'pow',
        'round',
        'sqrt',
        'startswith',
        'string',
        'trim',
        'upper',
        'weekday',
        'year'
      ].sort()
    );
    for (const d of FUNCTION_DOCS) expect(d.signature.startsWith(`${d.name}(`)).toBe(true);
  });

  it('abs, sqrt, exp, floor, ceil', () => {
    expect(run('abs(price)')).toEqual([10, 2.5, NaN, 4, 0]);
    expect(run('sqrt(price)')).toEqual([Math.sqrt(10), Math.sqrt(2.5), NaN, NaN, 0]);
    expect(run('exp(price)')).toEqual([Math.exp(10), Math.exp(2.5), NaN, Math.exp(-4), 1]);
    expect(run('exp(1000)')[0]).toBe(Infinity);
    expect(run('floor(price / 4)')).toEqual([2, 0, NaN, -1, 0]);
    expect(run('ceil(price / 4)')).toEqual([3, 1, NaN, -1, 0]);
    expect(run('floor(-2.5)')[0]).toBe(-3);
    expect(run('ceil(-2.5)')[0]).toBe(-2);
    expect(run('abs(-1/0)')[0]).toBe(Infinity);
  });

  it('log, log(x, base), log1p', () => {
    expect(run('log(price)')).toEqual([Math.log(10), Math.log(2.5), NaN, NaN, -Infinity]);
    expect(run('log(8, 2)')[0]).toBeCloseTo(3, 14);
    expect(run('log(price, 10)')[0]).toBeCloseTo(1, 14);
    expect(run('log1p(0)')[0]).toBe(0);
    expect(run('log1p(-1)')[0]).toBe(-Infinity);
    expect(run('log1p(-2)')[0]).toBeNaN();
    expect(run('log1p(1e-20)')[0]).toBe(1e-20);
  });

  it('pow', () => {
    expect(run('pow(2, 10)')[0]).toBe(1024);
    expect(run('pow(price, 2)')).toEqual([100, 6.25, NaN, 16, 0]);
    expect(run('pow(-8, 1/3)')[0]).toBeNaN();
    expect(run('pow(0, -1)')[0]).toBe(Infinity);
    expect(run('pow(null, 0)')[0]).toBeNaN();
  });

  it('min and max, variadic, missing propagates', () => {
    expect(run('min(price, qty)')).toEqual([1, 2, NaN, NaN, 0]);
    expect(run('max(price, qty, 5)')).toEqual([10, 5, NaN, NaN, 5]);
    expect(run('min(3)')[0]).toBe(3);
    expect(run('max(1/0, 2)')[0]).toBe(Infinity);
    expect(typeOf("max(when, datetime('2000-01-01'))")).toBe('datetime');
  });

  it('round: half away from zero, optional digits', () => {
    expect(run('round(2.5)')[0]).toBe(3);
    expect(run('round(-2.5)')[0]).toBe(-3);
    expect(run('round(0.5)')[0]).toBe(1);
    expect(run('round(1.25, 1)')[0]).toBe(1.3);
    expect(run('round(-1.25, 1)')[0]).toBe(-1.3);
    expect(run('round(3.14159, 2)')[0]).toBe(3.14);
    expect(run('round(1234.5, -2)')[0]).toBe(1200);
    expect(run('round(1250, -2)')[0]).toBe(1300);
    expect(run('round(1.005, 2)')[0]).toBe(1); // 1.005 is 1.00499999999999989… in binary
    expect(run('round(2.7, 0.9)')[0]).toBe(3); // digits truncated toward zero
    expect(run('round(price / 3, 1)')).toEqual([3.3, 0.8, NaN, -1.3, 0]);
    expect(run('round(1/0)')[0]).toBe(Infinity);
    expect(run('round(1.5, null)')[0]).toBeNaN();
    expect(run('round(123.456, 400)')[0]).toBe(123.456);
    expect(run('round(123.456, -400)')[0]).toBe(0);
  });

  it('clip', () => {
    expect(run('clip(price, 0, 5)')).toEqual([5, 2.5, NaN, 0, 0]);
    expect(run('clip(price, -1/0, 1)')).toEqual([1, 1, NaN, -4, 0]);
    expect(run('clip(5, qty, 2)')).toEqual([2, 2, 2, NaN, 2]);
  });

  it('isnull / ismissing for every type', () => {
    expect(run('isnull(price)')).toEqual([F, F, T, F, F]);
    expect(run('ismissing(city)')).toEqual([F, F, T, F, F]);
    expect(run('isnull(flag)')).toEqual([F, F, T, F, F]);
    expect(run('isnull(when)')).toEqual([F, F, T, F, F]);
    expect(run('isnull(price / 0)')).toEqual([F, F, T, F, T]);
    expect(run('isnull(1/0)')[0]).toBe(false);
    expect(run('isnull(null)')[0]).toBe(true);
  });

  it('coalesce for every type', () => {
    expect(run('coalesce(price, qty, 0)')).toEqual([10, 2.5, 3, -4, 0]);
    expect(run('coalesce(qty, price)')).toEqual([1, 2, 3, -4, 0]);
    expect(run("coalesce(city, 'none')")).toEqual(['Paris', 'rome', 'none', 'Paris', ' Oslo ']);
    expect(run('coalesce(tag, city)')).toEqual(['Paris', 'Oslo', 'x', 'Paris', ' Oslo ']);
    expect(run('coalesce(flag, false)')).toEqual([T, F, F, T, F]);
    expect(run('coalesce(null, price)')).toEqual([10, 2.5, NaN, -4, 0]);
    expect(run("coalesce(when, datetime('2001-01-01'))")[2]).toBe(Date.UTC(2001, 0, 1));
  });

  it('if: then / else / missing condition gives missing', () => {
    expect(run("if(price > 3, 'big', 'small')")).toEqual([
      'big',
      'small',
      'small',
      'small',
      'small'
    ]);
    expect(run('if(flag, 1, 2)')).toEqual([1, 2, NaN, 1, 2]);
    expect(run('if(isnull(price), null, price > 3)')).toEqual([T, F, N, F, F]);
    expect(run("if(flag, city, 'other')")).toEqual(['Paris', 'other', null, 'Paris', 'other']);
    expect(run('if(true, 1, 2)')).toEqual([1, 1, 1, 1, 1]);
  });

  it('lower, upper, trim, length', () => {
    expect(run('lower(city)')).toEqual(['paris', 'rome', null, 'paris', ' oslo ']);
    expect(run('upper(city)')).toEqual(['PARIS', 'ROME', null, 'PARIS', ' OSLO ']);
    expect(run('trim(city)')).toEqual(['Paris', 'rome', null, 'Paris', 'Oslo']);
    expect(run('length(city)')).toEqual([5, 4, NaN, 5, 6]);
    expect(run("length('héllo😀')")[0]).toBe(6);
    expect(run("length('')")[0]).toBe(0);
  });

  it('contains, startswith, endswith (missing in, missing out)', () => {
    expect(run("contains(review, 're')")).toEqual([T, F, N, F, F]);
    expect(run("contains(lower(review), 're')")).toEqual([T, F, N, T, F]);
    expect(run("startswith(city, 'P')")).toEqual([T, F, N, T, F]);
    expect(run("endswith(city, 'e')")).toEqual([F, T, N, F, F]);
    expect(run("contains(city, '')")).toEqual([T, T, N, T, T]);
    expect(run('contains(city, tag)')).toEqual([T, F, N, N, T]);
    expect(run("contains('Paris is big', city)")).toEqual([T, F, N, T, F]);
  });

  it('concat (strings only; missing if any part is missing)', () => {
    expect(run("concat(city, '-', review)")).toEqual([
      'Paris-Great',
      'rome-bad',
      null,
      'Paris-GREAT',
      ' Oslo -ok'
    ]);
    expect(run("concat(coalesce(tag, '?'), string(qty))")).toEqual([
      'Paris1',
      'Oslo2',
      'x3',
      null,
      ' Oslo 0'
    ]);
    expect(run("concat('a', 'b', 'c')")[0]).toBe('abc');
    expect(run('concat(city)')).toEqual(['Paris', 'rome', null, 'Paris', ' Oslo ']);
  });

  it('year, month, day, weekday (Monday = 0), hour, minute in UTC', () => {
    expect(run('year(when)')).toEqual([2024, 1970, NaN, 1969, 2000]);
    expect(run('month(when)')).toEqual([2, 1, NaN, 12, 3]);
    expect(run('day(when)')).toEqual([29, 1, NaN, 31, 1]);
    expect(run('weekday(when)')).toEqual([3, 3, NaN, 2, 2]); // Thu, Thu, –, Wed, Wed
    expect(run('dayofweek(when)')).toEqual([3, 3, NaN, 2, 2]);
    expect(run('hour(when)')).toEqual([13, 0, NaN, 23, 0]);
    expect(run('minute(when)')).toEqual([45, 0, NaN, 0, 0]);
    expect(run("year(datetime('0001-01-01'))")[0]).toBe(1);
    expect(run("weekday(datetime('1600-03-01'))")[0]).toBe(2); // a Wednesday
    expect(run('year(datetime(1e16))')[0]).toBeNaN();
  });

  it('year/month/day agree with Date over four centuries', () => {
    const ms: number[] = [];
    for (let t = Date.UTC(1800, 0, 1); t < Date.UTC(2200, 0, 1); t += 7 * DAY + 3_600_000)
      ms.push(t);
    const f: Frame = {
      rows: ms.length,
      columns: [{ kind: 'number', name: 'd', type: 'datetime', values: Float64Array.from(ms) }]
    };
    const y = run('year(d)', f);
    const m = run('month(d)', f);
    const d = run('day(d)', f);
    const w = run('weekday(d)', f);
    const h = run('hour(d)', f);
    ms.forEach((t, i) => {
      const date = new Date(t);
      expect([y[i], m[i], d[i], w[i], h[i]]).toEqual([
        date.getUTCFullYear(),
        date.getUTCMonth() + 1,
        date.getUTCDate(),
        (date.getUTCDay() + 6) % 7,
        date.getUTCHours()
      ]);
    });
  });

  it('number(x) casts', () => {
    const f: Frame = {
      rows: 6,
      columns: [column('s', 'categorical', ['3.5', ' 42 ', 'abc', null, '1e3', '-inf'])]
    };
    expect(run('number(s)', f)).toEqual([3.5, 42, NaN, NaN, 1000, -Infinity]);
    expect(run('number(flag)')).toEqual([1, 0, NaN, 1, 0]);
    expect(run('number(when)')).toEqual([
      Date.UTC(2024, 1, 29, 13, 45),
      0,
      NaN,
      -3600000,
      Date.UTC(2000, 2, 1)
    ]);
    expect(run('number(price)')).toEqual([10, 2.5, NaN, -4, 0]);
    expect(run('number(null)')[0]).toBeNaN();
  });

  it('string(x) casts', () => {
    expect(run('string(price)')).toEqual(['10', '2.5', null, '-4', '0']);
    expect(run('string(-price)')).toEqual(['-10', '-2.5', null, '4', '0']);
    expect(run('string(flag)')).toEqual(['true', 'false', null, 'true', 'false']);
    expect(run('string(when)')).toEqual([
      '2024-02-29T13:45:00.000Z',
      '1970-01-01T00:00:00.000Z',
      null,
      '1969-12-31T23:00:00.000Z',
      '2000-03-01T00:00:00.000Z'
    ]);
    expect(run('string(1/0)')[0]).toBe('Infinity');
    expect(run('string(0.1 + 0.2)')[0]).toBe('0.30000000000000004');
  });

  it('datetime(x) casts', () => {
    expect(run("datetime('2024-01-02')")[0]).toBe(Date.UTC(2024, 0, 2));
    expect(run("datetime('2024-01-02 03:04:05.5+02:00')")[0]).toBe(
      Date.UTC(2024, 0, 2, 1, 4, 5, 500)
    );
    expect(run("datetime('2024-02-30')")[0]).toBeNaN();
    expect(run('datetime(0)')[0]).toBe(0);
    expect(run('datetime(when)')[3]).toBe(-3600000);
    expect(typeOf("datetime('2024-01-02')")).toBe('datetime');
  });

  it('function names are case-insensitive', () => {
    expect(run('ABS(-2) + Sqrt(4)')[0]).toBe(4);
  });
});

describe('dictionary-mapped string functions', () => {
  it('compute once per distinct value and map codes', () => {
    const rows = 100_000;
    const codes = Int32Array.from({ length: rows }, (_, i) => (i % 7 === 0 ? -1 : i % 3));
    const vec: StrVec = { kind: 'string', codes, dictionary: ['Ab', 'cD', 'ab'], stride: 1 };
    let calls = 0;
    const lower = mapStrings(vec, (s) => {
      calls++;
      return s.toLowerCase();
    });
    expect(calls).toBe(3);
    // 'Ab' and 'ab' both become 'ab': one dictionary entry, one code.
    expect(lower.dictionary).toEqual(['ab', 'cd']);
    expect(lower.codes[0]).toBe(-1);
    expect(Array.from(lower.codes.subarray(1, 4))).toEqual([1, 0, 0]);
  });

  it('pairs of columns are computed once per distinct pair', () => {
    const a: StrVec = {
      kind: 'string',
      codes: Int32Array.of(0, 1, 0, 0, -1),
      dictionary: ['x', 'y'],
      stride: 1
    };
    const b: StrVec = {
      kind: 'string',
      codes: Int32Array.of(0, 0, 0, 1, 0),
      dictionary: ['p', 'q'],
      stride: 1
    };
    const p = pairs(a, b, 5);
    expect(Array.from(p.ids)).toEqual([0, 1, 0, 2, 3]);
    expect(Array.from(p.a)).toEqual([0, 1, 0, -1]);
    expect(Array.from(p.b)).toEqual([0, 0, 1, 0]);
  });

  it('dictionaries that repeat a string compare by value', () => {
    const f: Frame = {
      rows: 4,
      columns: [
        {
          kind: 'category',
          name: 'a',
          type: 'categorical',
          codes: Int32Array.of(0, 1, 2, -1),
          dictionary: ['x', 'y', 'x']
        },
        {
          kind: 'category',
          name: 'b',
          type: 'categorical',
          codes: Int32Array.of(2, 0, 0, 0),
          dictionary: ['x', 'z', 'x']
        }
      ]
    };
    expect(run('a = b', f)).toEqual([T, F, T, F]);
    expect(run("a = 'x'", f)).toEqual([T, F, T, F]);
    const col = evaluateColumn(compileExpression("concat(a, '!')", f.columns), f, 'c');
    expect(col.kind === 'category' && col.dictionary).toEqual(['x!', 'y!']);
  });

  it('a large column evaluates column-at-a-time', () => {
    const rows = 200_000;
    const values = Float64Array.from({ length: rows }, (_, i) => (i % 10 === 1 ? NaN : i));
    const codes = Int32Array.from({ length: rows }, (_, i) => i % 4);
    const f: Frame = {
      rows,
      columns: [
        { kind: 'number', name: 'x', type: 'float', values },
        {
          kind: 'category',
          name: 'c',
          type: 'categorical',
          codes,
          dictionary: ['a', 'B', 'c', 'D']
        }
      ]
    };
    const mask = evaluateMask(
      compileExpression("x % 2 = 1 and lower(c) in ('b', 'd')", f.columns),
      f
    );
    let kept = 0;
    for (let i = 0; i < rows; i++) kept += mask[i];
    // x odd ⇔ code 1 or 3 ('B', 'D'); the rows with i % 10 = 1 are missing and dropped.
    expect(kept).toBe(rows / 2 - rows / 10);
  });
});

describe('result types', () => {
  it('infers the derived column type', () => {
    expect(typeOf('price * 2')).toBe('float');
    expect(typeOf('qty + 1')).toBe('float');
    expect(typeOf('qty')).toBe('integer');
    expect(typeOf('price > 1')).toBe('boolean');
    expect(typeOf('flag')).toBe('boolean');
    expect(typeOf("concat(city, 'x')")).toBe('categorical');
    expect(typeOf('review')).toBe('text');
    expect(typeOf('lower(review)')).toBe('text');
    expect(typeOf("if(length(review) > 3, 'long', 'short')")).toBe('categorical');
    expect(typeOf("coalesce(review, 'none')")).toBe('text');
    expect(typeOf('string(price)')).toBe('categorical');
    expect(typeOf('when')).toBe('datetime');
    expect(typeOf("datetime('2020-01-01')")).toBe('datetime');
    expect(typeOf('year(when)')).toBe('float');
    expect(typeOf('null')).toBe('float');
  });

  it('lists the columns an expression reads', () => {
    expect(compileExpression('price * qty + price > `qty`', schema).columns).toEqual([
      'price',
      'qty'
    ]);
  });
});

describe('errors name the problem and its position', () => {
  it.each([
    // [source, code, position, length, message]
    [
      'qty >= pric',
      'EXPR_UNKNOWN_COLUMN',
      7,
      4,
      'Unknown column "pric" at 7 — did you mean "price"?'
    ],
    [
      'PRICE + 1',
      'EXPR_UNKNOWN_COLUMN',
      0,
      5,
      'Unknown column "PRICE" at 0 — did you mean "price"?'
    ],
    [
      '`ctiy` = 1',
      'EXPR_UNKNOWN_COLUMN',
      0,
      6,
      'Unknown column "ctiy" at 0 — did you mean "city"?'
    ],
    [
      'zzzzzzzz',
      'EXPR_UNKNOWN_COLUMN',
      0,
      8,
      'Unknown column "zzzzzzzz" at 0 — columns are "price", "qty", "city", "flag", "when", "review", "tag"'
    ],
    [
      'sqrt + 1',
      'EXPR_UNKNOWN_COLUMN',
      0,
      4,
      'Unknown column "sqrt" at 0 — to call the function write sqrt(…)'
    ],
    [
      'sqr(price)',
      'EXPR_UNKNOWN_FUNCTION',
      0,
      3,
      'Unknown function "sqr" at 0 — did you mean "sqrt"?'
    ],
    [
      'log(price) + foo(1)',
      'EXPR_UNKNOWN_FUNCTION',
      13,
      3,
      'Unknown function "foo" at 13 — see the list of functions'
    ],
    [
      "'a' + 1",
      'EXPR_TYPE',
      0,
      3,
      `Operator "+" needs numbers but 'a' is a string at 0 — use concat(a, b) to join strings, or number(x) to read one as a number`
    ],
    [
      "sqrt('x')",
      'EXPR_TYPE',
      5,
      3,
      `sqrt() needs a number as argument 1 but 'x' is a string at 5 — usage: sqrt(x)`
    ],
    [
      'city * 2',
      'EXPR_TYPE',
      0,
      4,
      'Operator "*" needs numbers but column "city" is a string at 0 — use number(x) to read it as a number'
    ],
    [
      'flag + 1',
      'EXPR_TYPE',
      0,
      4,
      'Operator "+" needs numbers but column "flag" is a true/false value at 0 — use number(x) to count true as 1 and false as 0'
    ],
    ['-city', 'EXPR_TYPE', 1, 4, 'Operator "-" needs a number but column "city" is a string at 1'],
    [
      "price > 'x'",
      'EXPR_TYPE',
      6,
      1,
      'Cannot compare a number with a string at 6 — convert one side with number(x), string(x) or datetime(x)'
    ],
    [
      'flag < true',
      'EXPR_TYPE',
      5,
      1,
      'Operator "<" cannot order true/false values at 5 — use = or !='
    ],
    [
      'price = null',
      'EXPR_TYPE',
      8,
      4,
      'Comparing with null is never true at 8 — use isnull(x) or "x is null" to test for missing values'
    ],
    [
      'price in (1, null)',
      'EXPR_TYPE',
      13,
      4,
      'Comparing with null is never true at 13 — use isnull(x) or "x is null" to test for missing values'
    ],
    [
      "price in (1, 'a')",
      'EXPR_TYPE',
      13,
      3,
      `"in" compares column "price", which is a number, with a string at 13`
    ],
    [
      "when > 'yesterday'",
      'EXPR_TYPE',
      7,
      11,
      `'yesterday' is not a date at 7 — write dates as YYYY-MM-DD or YYYY-MM-DD HH:MM[:SS], optionally with Z or ±HH:MM`
    ],
    [
      'when > city',
      'EXPR_TYPE',
      7,
      4,
      'column "city" is a string and cannot be compared with a datetime at 7 — convert it with datetime(…)'
    ],
    [
      'when + when',
      'EXPR_TYPE',
      0,
      11,
      'Operator "+" cannot combine a datetime and a datetime at 0 — datetimes support d + ms, d - ms and d1 - d2 (in milliseconds)'
    ],
    [
      'when * 2',
      'EXPR_TYPE',
      0,
      8,
      'Operator "*" cannot combine a datetime and a number at 0 — datetimes support d + ms, d - ms and d1 - d2 (in milliseconds)'
    ],
    [
      'price and flag',
      'EXPR_TYPE',
      0,
      5,
      '"and" needs true/false values but column "price" is a number at 0 — compare it, e.g. x > 0'
    ],
    [
      'not city',
      'EXPR_TYPE',
      4,
      4,
      '"not" needs true/false values but column "city" is a string at 4'
    ],
    [
      'if(price, 1, 2)',
      'EXPR_TYPE',
      3,
      5,
      'if() needs a true/false value as argument 1 but column "price" is a number at 3 — usage: if(condition, then, else)'
    ],
    [
      "if(flag, 1, 'a')",
      'EXPR_TYPE',
      12,
      3,
      `if() needs "then" and "else" of one type (a number so far) but 'a' is a string at 12 — usage: if(condition, then, else)`
    ],
    [
      'coalesce(price, city)',
      'EXPR_TYPE',
      16,
      4,
      'coalesce() needs arguments of one type (a number so far) but column "city" is a string at 16 — usage: coalesce(a, b, …)'
    ],
    [
      'round(1, 2, 3)',
      'EXPR_TYPE',
      0,
      14,
      'round() takes 1 to 2 arguments but got 3 at 0 — usage: round(x, digits?)'
    ],
    ['sqrt()', 'EXPR_TYPE', 0, 6, 'sqrt() takes 1 argument but got 0 at 0 — usage: sqrt(x)'],
    [
      'if(flag, 1)',
      'EXPR_TYPE',
      0,
      11,
      'if() takes 3 arguments but got 2 at 0 — usage: if(condition, then, else)'
    ],
    [
      'concat()',
      'EXPR_TYPE',
      0,
      8,
      'concat() takes at least 1 arguments but got 0 at 0 — usage: concat(a, b, …)'
    ],
    [
      'concat(city, qty)',
      'EXPR_TYPE',
      13,
      3,
      'concat() needs a string as argument 2 but column "qty" is a number at 13 — usage: concat(a, b, …)'
    ],
    [
      'year(price)',
      'EXPR_TYPE',
      5,
      5,
      'year() needs a datetime as argument 1 but column "price" is a number at 5 — usage: year(d)'
    ],
    [
      'min(price, when)',
      'EXPR_TYPE',
      11,
      4,
      'min() needs arguments of one type (a number so far) but column "when" is a datetime at 11 — usage: min(a, b, …)'
    ],
    [
      'datetime(flag)',
      'EXPR_TYPE',
      9,
      4,
      'datetime() needs a string, a number or a datetime as argument 1 but column "flag" is a true/false value at 9 — usage: datetime(x)'
    ],
    [
      '(price + 1) * city',
      'EXPR_TYPE',
      14,
      4,
      'Operator "*" needs numbers but column "city" is a string at 14 — use number(x) to read it as a number'
    ]
  ])('%s', (src, code, position, length, message) => {
    const e = fail(src);
    expect(e.code).toBe(code);
    expect(e.message).toBe(message);
    expect(e.details).toMatchObject({ position, length });
    expect(src.substr(position, length).length).toBe(length);
  });

  it('suggestions are attached as data', () => {
    expect(fail('qty >= pric').details).toEqual({
      name: 'pric',
      suggestion: 'price',
      position: 7,
      length: 4
    });
    expect(fail('uper(city)').details).toMatchObject({ name: 'uper', suggestion: 'upper' });
  });

  it('a condition must be true/false', async () => {
    const { compileCondition } = await import('../../src/lib/core/features/expr');
    const e = (() => {
      try {
        compileCondition('price + 1', schema);
      } catch (err) {
        return err as LatheError;
      }
      throw new Error('expected an error');
    })();
    expect(e.code).toBe('EXPR_TYPE');
    expect(e.message).toBe(
      'A condition must be true or false, but this expression gives a number at 0 — compare it, e.g. x > 0'
    );
    expect(e.details).toEqual({ position: 0, length: 9 });
  });
});

describe('hostile names', () => {
  it('prototype names are unknown columns and functions', () => {
    for (const name of [
      'constructor',
      '__proto__',
      'toString',
      'hasOwnProperty',
      'valueOf',
      '__defineGetter__'
    ]) {
      expect(fail(name).code).toBe('EXPR_UNKNOWN_COLUMN');
      expect(fail(`\`${name}\``).code).toBe('EXPR_UNKNOWN_COLUMN');
      const e = fail(`${name}(price)`);
      expect(e.code).toBe('EXPR_UNKNOWN_FUNCTION');
      expect(e.details).toMatchObject({ position: 0, length: name.length });
    }
  });

  it('a column literally named __proto__ (or constructor) works', () => {
    const f: Frame = {
      rows: 2,
      columns: [
        column('__proto__', 'float', [1, 2]),
        column('constructor', 'categorical', ['a', 'b']),
        column('we`ird name', 'float', [10, 20])
      ]
    };
    expect(run('`__proto__` * 2', f)).toEqual([2, 4]);
    expect(run('__proto__ + 1', f)).toEqual([2, 3]);
    expect(run("concat(`constructor`, '!')", f)).toEqual(['a!', 'b!']);
    expect(run('`we``ird name` + `__proto__`', f)).toEqual([11, 22]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('an unknown column when the table has none', () => {
    expect(fail('x', []).message).toBe('Unknown column "x" at 0 (the table has no columns)');
  });
});
