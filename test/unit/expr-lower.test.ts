/**
 * The expression language lowered to ONNX (features/expr/lower.ts, emit.ts and each function's
 * `lower` in functions.ts): every operator and every function, run by the evaluator (the derive
 * step's apply) and by the lowered graph in onnxruntime-web, on rows with missing values, zeros
 * of both signs, negatives, halves, huge values, infinities, dates outside the calendar and
 * strings no literal names; a few results checked against values worked out by hand; and the
 * refusal of each function ONNX cannot compute, naming the step, the formula and the function.
 */
import { describe, expect, it } from 'vitest';
import { LatheError } from '../../src/lib/core/base/errors';
import { deriveStep } from '../../src/lib/core/features/derive';
import { FUNCTIONS } from '../../src/lib/core/features/expr/functions';
import type { Frame } from '../../src/lib/core/features/frame';
import { cat, frame, num } from '../fixtures/features/frames';
import { expectLoweredEqual, runLowered } from './lowered';

const T = 1;
const F = 0;
const U = null;
const at = (iso: string) => Date.parse(iso);

// Row by row: x and y pair up the cases IEEE and JavaScript treat specially.
const X: (number | null)[] = [
  null,
  0,
  -0,
  1,
  -1,
  0.5,
  -0.5,
  1.5,
  2.5,
  -2.5,
  1e300,
  -1e300,
  Infinity,
  -Infinity,
  123.456,
  1e-10,
  -7,
  7,
  1.005,
  0,
  2,
  -8,
  0,
  -0,
  1,
  5e-324,
  1.7976931348623157e308,
  4503599627370495.5,
  -0.49999999999999994,
  0.49999999999999994
];
const Y: (number | null)[] = [
  3,
  null,
  0,
  Infinity,
  -Infinity,
  0,
  2,
  -0,
  0.5,
  2,
  1e300,
  1e-300,
  2,
  -2,
  1.005,
  3,
  3,
  -3,
  2,
  -0,
  NaN,
  1 / 3,
  -1,
  -1,
  NaN,
  5e-324,
  -1.7976931348623157e308,
  0.5,
  1,
  -0.5
];
const DIGITS: (number | null)[] = [
  0,
  1,
  2,
  -1,
  -2,
  0,
  0,
  1,
  null,
  0,
  3,
  -3,
  1,
  400,
  -400,
  1.7,
  -1.7,
  2,
  2,
  0,
  0,
  0,
  0,
  0,
  0,
  310,
  308,
  0,
  -309,
  1
];
const rows = X.length;
const cycle = <V>(values: V[]) => Array.from({ length: rows }, (_, i) => values[i % values.length]);

const TABLE: Frame = frame(
  num('x', X),
  num('y', Y),
  num('n', DIGITS, 'integer'),
  // All nine pairs of true, false and missing.
  num('b', cycle([T, F, U]), 'boolean'),
  num('c', cycle([T, T, T, F, F, F, U, U, U]), 'boolean'),
  num(
    'd',
    cycle([
      0,
      -1,
      at('2024-02-29T13:45:00Z'),
      null,
      at('2000-03-01T00:00:00Z'),
      at('1900-01-01T00:00:00.001Z'),
      at('0001-01-01T00:00:00Z'),
      8.64e15,
      -8.64e15,
      8.64e15 + 1,
      at('9999-12-31T23:59:59.999Z'),
      at('1600-02-29T23:59:00Z'),
      at('1969-12-31T12:30:00Z')
    ]),
    'datetime'
  ),
  num(
    'e',
    cycle([0, at('2000-03-01T00:00:00Z'), null, at('2024-02-29T00:00:00Z'), -86_400_000]),
    'datetime'
  ),
  cat(
    's',
    cycle(['Paris', 'rome', null, 'Paris', 'é', 'Z', 'a', 'Oslo', '😀', 'zz', '\uffff', 'paris'])
  ),
  cat('t', cycle(['Paris', 'Rome', 'x', null, 'é', 'a', 'Z', 'Oslo', 'zz', '😀', 'unseen'])),
  cat('w', cycle(['sunny day', null, 'quiet', 'sunny day', 'needs work']), 'text')
);

/** Lowerable expressions; each runs in the graph and must equal apply on TABLE. */
const LOWERED: readonly string[] = [
  // arithmetic
  'x + y',
  'x - y',
  'x * y',
  'x / y',
  'x % y',
  'x ^ y',
  '-x',
  '+x',
  '-(x * y)',
  'x + 0',
  '0 + x',
  'x - 0',
  'x - -0',
  'x + -0',
  '-0 - x',
  'x * 1',
  'x / 1',
  'x ^ 1',
  'x ^ 2',
  'x ^ 3',
  'x ^ 0',
  'x ^ -1',
  'x ^ (1/0)',
  'x ^ (0/0)',
  '2 ^ x',
  '1 ^ y',
  '(-1) ^ y',
  'x / 0',
  'x % 0',
  'x + null',
  'null * 2',
  '2 ^ 10',
  'd - e',
  'd + 86400000',
  '3600000 + d',
  'd - y',
  // comparisons
  'x = y',
  'x != y',
  'x < y',
  'x <= y',
  'x > y',
  'x >= y',
  'x = 0',
  'x != 0',
  "d > '2000-01-01'",
  "'1970-01-01 00:00' >= d",
  'd = e',
  'd != e',
  'b = c',
  'b != c',
  'b = true',
  'b != false',
  'false = b',
  '(x > 0) = (y > 0)',
  '(x > 0) != b',
  's = t',
  's != t',
  's < t',
  's <= t',
  's > t',
  's >= t',
  "s = 'Paris'",
  "s != 'Paris'",
  "'Paris' = s",
  "s < 'a'",
  "'a' <= s",
  "s > 'Z'",
  "s = ''",
  "s != ''",
  "s > ''",
  "s = 'nowhere'",
  "w = 'quiet'",
  // logic
  'b and c',
  'b or c',
  'not b',
  'b && x > 0',
  'x > 0 || y > 0',
  'not (x > y)',
  'b and null',
  'c or null',
  'not (b or c)',
  '!b || c && true',
  'x > 0 and not b',
  // in
  'x in (0, 1, 2.5)',
  'x not in (0, 1, 2.5)',
  'x in (y, 1)',
  'x not in (y, 1)',
  "s in ('Paris', 'é', 'nope')",
  "s not in ('Paris', 'é')",
  "s in (t, 'Z')",
  "s not in (t, 'Z')",
  "s in ('', 'Paris')",
  "s not in ('')",
  "coalesce(s, '') in ('', 'a')",
  'b in (true)',
  'b not in (false)',
  'b in (c, true)',
  'b not in (c)',
  "d in ('1970-01-01', e)",
  "d not in ('1970-01-01')",
  // is null
  'x is null',
  'x is not null',
  's is null',
  's is not null',
  'b is null',
  '(b and c) is null',
  '(x > 0) is null',
  // numeric functions
  'abs(x)',
  'sqrt(x)',
  'log(x)',
  'log(x, y)',
  'log(x, 10)',
  'log1p(x)',
  'log1p(y)',
  'exp(x)',
  'floor(x)',
  'ceil(x)',
  'pow(x, y)',
  'min(x, y)',
  'max(x, y)',
  'min(x, 0)',
  'max(x, 0)',
  'min(-0, x)',
  'max(x, y, 1)',
  'min(x)',
  'min(d, e)',
  'clip(x, -1, 2)',
  'clip(x, y, 1e300)',
  'clip(d, e, e + 1000)',
  'round(x)',
  'round(y)',
  'round(x, 2)',
  'round(x, -1)',
  'round(x, 1.7)',
  'round(x, 400)',
  'round(x, -400)',
  'round(x, n)',
  'round(y, n)',
  'round(x, 0/0)',
  // missing values
  'isnull(x)',
  'isnull(s)',
  'isnull(b)',
  'ismissing(y)',
  "isnull(coalesce(s, ''))",
  'coalesce(x, y, 0)',
  'coalesce(s, t)',
  "coalesce(s, '')",
  "coalesce(s, '') = ''",
  'coalesce(s, t, w)',
  'coalesce(b, c)',
  'coalesce(b, false)',
  'coalesce(b and c, x > 0)',
  'coalesce(d, e)',
  'coalesce(null, x)',
  // if
  'if(b, x, y)',
  'if(x > 0, s, t)',
  "if(b, s, 'none')",
  "if(x > y, '', s)",
  "isnull(if(x > y, '', s))",
  'if(b, c, false)',
  'if(x > y, b, c)',
  'if(x > y, x > 0, y > 0)',
  'if(b, d, e)',
  "if(b, 'yes', null)",
  'if(null, x, y)',
  // dates
  'year(d)',
  'month(d)',
  'day(d)',
  'weekday(d)',
  'dayofweek(e)',
  'hour(d)',
  'minute(d)',
  'year(d + 86400000 * 365)',
  // conversions
  'number(b and c)',
  'number(x > 0)',
  'number(x)',
  'number(d)',
  'string(s)',
  'string(x > 0)',
  'string(b and c)',
  'datetime(x * 1e6)',
  'datetime(d)',
  'datetime(y)',
  // constants, computed once by the evaluator
  "concat('a', 'b')",
  "length('abc') + x",
  "upper('x') = s",
  "datetime('2024-02-29') - d",
  'x',
  's',
  'w',
  'b',
  'd',
  '1',
  "'text'",
  'true',
  'null'
];

/** Expressions ONNX cannot compute, with the function named in the refusal. */
const REFUSED: readonly [string, string][] = [
  ['lower(s)', 'lower'],
  ['upper(s)', 'upper'],
  ['trim(w)', 'trim'],
  ['length(s)', 'length'],
  ["contains(w, 'sun')", 'contains'],
  ["startswith(s, 'P')", 'startswith'],
  ['endswith(s, t)', 'endswith'],
  ["concat(s, '!')", 'concat'],
  ['number(s)', 'number'],
  ['string(x)', 'string'],
  ['string(d)', 'string'],
  ['datetime(s)', 'datetime'],
  ["x > 0 and lower(s) = 'paris'", 'lower']
];

const derive = (expr: string, table: Frame = TABLE) =>
  runLowered(deriveStep, { name: 'out', expr }, table);

async function graphValues(expr: string, table: Frame = TABLE): Promise<unknown[]> {
  const run = await derive(expr, table);
  return Array.from(run.lowered.get('out')!.data as ArrayLike<unknown>);
}

describe('expressions lowered to ONNX compute what the evaluator computes', () => {
  it.each(LOWERED)('%s', async (expr) => {
    const run = await derive(expr);
    expectLoweredEqual(run, expr);
    // The harness takes −0 for +0; here a zero's sign must match too (1 / x tells them apart).
    const applied = run.applied.columns.find((c) => c.name === 'out')!;
    if (applied.kind === 'number') {
      const got = run.lowered.get('out')!.data as Float64Array;
      applied.values.forEach((e, i) => {
        if (e === 0)
          expect(Object.is(got[i], e), `${expr}, row ${i}: ${got[i]} for ${e}`).toBe(true);
      });
    }
  });

  it('a replaced column is computed from its old values', async () => {
    const run = await derive('x * 2');
    expectLoweredEqual(run);
    expectLoweredEqual(await runLowered(deriveStep, { name: 'x', expr: 'x * 2 + y' }, TABLE));
  });

  it('every function of the library is lowered or refused here', () => {
    const called = (name: string, list: readonly string[]) =>
      list.some((e) => new RegExp(`\\b${name}\\(`, 'i').test(e));
    for (const name of FUNCTIONS.keys()) {
      const lowered = called(
        name,
        LOWERED.filter((e) => !/^(concat|length|upper)\('/.test(e))
      );
      const refused = REFUSED.some(([, fn]) => fn === name);
      expect(lowered || refused, `${name}() has no test in expr-lower.test.ts`).toBe(true);
    }
  });
});

describe('lowered expressions, against values worked out by hand', () => {
  const small = (...columns: Parameters<typeof frame>) => frame(...columns);

  it('round() takes halves away from zero (ONNX Round would take them to even)', async () => {
    const t = small(num('x', [0.5, -0.5, 1.5, 2.5, -2.5, 0.49999999999999994, 1.005, -0.4]));
    const got = await graphValues('round(x)', t);
    expect(got).toEqual([1, -1, 2, 3, -3, 0, 1, -0]);
    expect(Object.is(got[7], -0)).toBe(true);
    // 1.005 is stored as 1.00499999999999989…, so two decimals give 1.
    expect(await graphValues('round(x, 2)', t)).toEqual([0.5, -0.5, 1.5, 2.5, -2.5, 0.5, 1, -0.4]);
    expect(await graphValues('round(x * 100, -2)', t)).toEqual([
      100, -100, 200, 300, -300, 0, 100, -0
    ]);
  });

  it('% keeps the dividend sign, / and % by zero, ^ with missing values', async () => {
    const t = small(num('x', [-7, 7, 5, 0, null, 1]), num('y', [3, -3, 0, 0, 0, Infinity]));
    expect(await graphValues('x % y', t)).toEqual([-1, 1, NaN, NaN, NaN, 1]);
    expect(await graphValues('x / y', t)).toEqual([-7 / 3, -7 / 3, Infinity, NaN, NaN, 0]);
    // NaN ^ 0 and 1 ^ Infinity are 1 in C's pow (ONNX Pow), missing here.
    expect(await graphValues('x ^ y', t)).toEqual([-343, 1 / 343, 1, 1, NaN, NaN]);
  });

  it('and / or / not are three-valued; comparisons with a missing value are false', async () => {
    const t = small(
      num('b', [T, T, T, F, F, F, U, U, U], 'boolean'),
      num('c', [T, F, U, T, F, U, T, F, U], 'boolean')
    );
    expect(await graphValues('b and c', t)).toEqual([1, 0, NaN, 0, 0, 0, NaN, 0, NaN]);
    expect(await graphValues('b or c', t)).toEqual([1, 1, 1, 1, 0, NaN, 1, NaN, NaN]);
    expect(await graphValues('not b', t)).toEqual([0, 0, 0, 1, 1, 1, NaN, NaN, NaN]);
    expect(await graphValues('b = c', t)).toEqual([1, 0, 0, 0, 1, 0, 0, 0, 0]);
    expect(await graphValues('b != c', t)).toEqual([0, 1, 0, 1, 0, 0, 0, 0, 0]);
  });

  it('min and max order −0 before +0 and are missing with a missing argument', async () => {
    const t = small(num('x', [0, -0, null, 3]), num('y', [-0, 0, 1, null]));
    const min = await graphValues('min(x, y)', t);
    const max = await graphValues('max(x, y)', t);
    expect(min.map((v) => Object.is(v, -0))).toEqual([true, true, false, false]);
    expect(max.map((v) => Object.is(v, 0))).toEqual([true, true, false, false]);
    expect(min.slice(2)).toEqual([NaN, NaN]);
    expect(max.slice(2)).toEqual([NaN, NaN]);
  });

  it('log1p keeps the digits of a small x', async () => {
    const [got] = (await graphValues('log1p(x)', small(num('x', [1e-10])))) as number[];
    // log(1 + 1e-10) = 1e-10 − 5e-21 + …
    expect(Math.abs(got - 9.9999999995e-11) / 9.9999999995e-11).toBeLessThan(1e-15);
  });

  it('calendar parts in UTC, including before 1970 and outside the range of dates', async () => {
    const t = small(
      num(
        'd',
        [at('2024-02-29T13:45:00Z'), -1, at('1600-03-01T00:00:00Z'), 8.64e15 + 1, null],
        'datetime'
      )
    );
    expect(await graphValues('year(d)', t)).toEqual([2024, 1969, 1600, NaN, NaN]);
    expect(await graphValues('month(d)', t)).toEqual([2, 12, 3, NaN, NaN]);
    expect(await graphValues('day(d)', t)).toEqual([29, 31, 1, NaN, NaN]);
    // Thursday, Wednesday, Wednesday (Monday = 0).
    expect(await graphValues('weekday(d)', t)).toEqual([3, 2, 2, NaN, NaN]);
    expect(await graphValues('hour(d)', t)).toEqual([13, 23, 0, NaN, NaN]);
    expect(await graphValues('minute(d)', t)).toEqual([45, 59, 0, NaN, NaN]);
  });

  it('strings compare by code point; a missing string compares false', async () => {
    const t = small(cat('s', ['Paris', 'a', 'é', '😀', '\uffff', null]));
    expect(await graphValues("s < 'a'", t)).toEqual([1, 0, 0, 0, 0, 0]);
    // U+1F600 comes after U+FFFF by code point (though not by UTF-16 code unit).
    expect(await graphValues("s > '\\uffff'", t)).toEqual([0, 0, 0, 1, 0, 0]);
    expect(await graphValues("s != 'a'", t)).toEqual([1, 0, 1, 1, 1, 0]);
    expect(await graphValues("coalesce(s, 'none')", t)).toEqual([
      'Paris',
      'a',
      'é',
      '😀',
      '\uffff',
      'none'
    ]);
    expect(await graphValues("if(s >= 'b', s, null)", t)).toEqual([
      '',
      '',
      'é',
      '😀',
      '\uffff',
      ''
    ]);
  });
});

describe('functions ONNX cannot compute refuse the export', () => {
  it.each(REFUSED)('%s', async (expr, fn) => {
    const error = await derive(expr).then(
      () => null,
      (e: unknown) => e
    );
    expect(error).toBeInstanceOf(LatheError);
    const e = error as LatheError;
    expect(e.code).toBe('ONNX_NOT_LOWERABLE');
    expect(e.message).toContain('The step "Step 1 (derive)" cannot be exported to ONNX');
    expect(e.message).toContain(`the formula "${expr}" uses ${fn}(), which `);
  });

  it('refuses text ONNX cannot store (UTF-8 has no half surrogate pairs)', async () => {
    await expect(derive("s = '\\ud800'")).rejects.toThrow(
      'the formula "s = \'\\ud800\'" holds text with half of a UTF-16 surrogate pair, which ONNX cannot store.'
    );
  });

  it('says what ONNX lacks', async () => {
    await expect(derive("concat(s, '!')")).rejects.toThrow(
      'The step "Step 1 (derive)" cannot be exported to ONNX: the formula "concat(s, \'!\')" uses concat(), which ONNX opset 17 cannot compute: it has no operator that joins strings.'
    );
  });
});
