/**
 * The lowered encoding and date steps (onehot, ordinal, frequency, dateparts) run in
 * onnxruntime-web against `apply` and against independent expectations: scikit-learn's
 * OneHotEncoder / OrdinalEncoder outputs (scripts/make-feature-fixtures.py), hand-computed
 * frequencies, and calendar parts from Python's datetime (scripts/make-dateparts-fixture.py).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LatheError } from '../../src/lib/core/base/errors';
import { datepartsStep } from '../../src/lib/core/features/dateparts';
import type { Frame } from '../../src/lib/core/features/frame';
import { frequencyStep } from '../../src/lib/core/features/frequency';
import { onehotStep } from '../../src/lib/core/features/onehot';
import { ordinalStep } from '../../src/lib/core/features/ordinal';
import type { OutputTensor } from '../../src/lib/core/onnx/runtime';
import { cat, frame, num } from '../fixtures/features/frames';
import { expectLoweredEqual, runLowered, type LoweredRun } from './lowered';

type Num = number | null;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const fixture = (name: string): any =>
  JSON.parse(readFileSync(new URL(`../fixtures/features/${name}`, import.meta.url), 'utf8'));

/** The graph's column `name` as numbers, NaN as null. */
function graphColumn(run: LoweredRun, name: string): Num[] {
  const got = run.lowered.get(name) as OutputTensor;
  expect(got, `graph column "${name}"`).toBeDefined();
  expect(got.type).toBe('float64');
  return Array.from(got.data as Float64Array, (x) => (Number.isNaN(x) ? null : x));
}

function expectClose(actual: Num[], expected: Num[], what: string): void {
  expect(actual.length, `${what} length`).toBe(expected.length);
  actual.forEach((a, i) => {
    const e = expected[i];
    if (a === null || e === null) expect(a, `${what}[${i}]`).toBe(e);
    else if (!(Math.abs(a - e) <= 1e-9 * Math.max(Math.abs(e), 1e-300)))
      expect(a, `${what}[${i}]`).toBe(e);
  });
}

describe('onehot lowered vs OneHotEncoder', () => {
  const f = fixture('onehot.json');
  const sets = [
    {
      name: 'text',
      train: frame(cat('c', f.train)),
      test: frame(cat('c', f.test)),
      cases: f.cases
    },
    {
      name: 'integer',
      train: frame(num('c', f.integer.train, 'integer')),
      test: frame(num('c', f.integer.test, 'integer')),
      cases: f.integer.cases
    }
  ];
  const label = (x: string | number | null) =>
    `c=${x === null ? '(missing)' : typeof x === 'number' ? String(x) : x}`;
  for (const set of sets)
    for (const c of set.cases) {
      it(`${set.name}: maxCategories ${c.maxCategories ?? '-'}, minCount ${c.minCount ?? '-'}, unknown ${c.unknown}`, async () => {
        const params = {
          columns: ['c'],
          unknown: c.unknown,
          ...(c.maxCategories ? { maxCategories: c.maxCategories } : {}),
          ...(c.minCount ? { minCount: c.minCount } : {})
        };
        const run = await runLowered(onehotStep, params, set.train, set.test);
        expectLoweredEqual(run, set.name);
        // sklearn's columns: the frequent categories in order, then the infrequent ones'.
        const infrequent: unknown[] = c.infrequent ?? [];
        const names = (c.categories as (string | number | null)[])
          .filter((x) => !infrequent.includes(x))
          .map(label);
        if (infrequent.length) names.push('c=(other)');
        expect(names.length).toBe(c.output.length);
        names.forEach((name, j) => expectClose(graphColumn(run, name), c.output[j], name));
      });
    }
});

describe('ordinal lowered vs OrdinalEncoder', () => {
  const f = fixture('ordinal.json');
  it('text: sorted categories, unknown -1, missing NaN', async () => {
    const run = await runLowered(
      ordinalStep,
      { columns: ['c'] },
      frame(cat('c', f.text.train)),
      frame(cat('c', f.text.test))
    );
    expectLoweredEqual(run);
    expectClose(graphColumn(run, 'c'), f.text.output, 'c');
  });
  it('integer: numeric order; missing NaN (OrdinalEncoder says -1 when train had none)', async () => {
    const run = await runLowered(
      ordinalStep,
      { columns: ['c'] },
      frame(num('c', f.integer.train, 'integer')),
      frame(num('c', f.integer.test, 'integer'))
    );
    expectLoweredEqual(run);
    const expected = (f.integer.output as Num[]).map((x, i) =>
      f.integer.test[i] === null ? null : x
    );
    expectClose(graphColumn(run, 'c'), expected, 'c');
  });
  it('codes for unknown and missing that float32 cannot hold, and a fixed order', async () => {
    const params = {
      columns: ['c', 'n'],
      unknownValue: 0.1,
      missingValue: 1e300,
      categories: [{ column: 'c', values: ['high', 'low'] }]
    };
    const train = frame(cat('c', ['low', 'high', null]), num('n', [2 ** 53, -3, 7], 'integer'));
    const test = frame(
      cat('c', ['high', null, 'mid', 'low', 'low', 'low']),
      num('n', [-3, null, 2 ** 53 - 1, 2 ** 53, Infinity, 6.5], 'integer')
    );
    const run = await runLowered(ordinalStep, params, train, test);
    expectLoweredEqual(run);
    expect(graphColumn(run, 'c')).toEqual([0, 1e300, 0.1, 1, 1, 1]);
    // 2^53 - 1 is a float32 neighbour of 2^53 yet a different category.
    expect(graphColumn(run, 'n')).toEqual([0, 1e300, 0.1, 2, 0.1, 0.1]);
  });
});

describe('frequency lowered, by hand', () => {
  const train = frame(
    cat('c', ['a', 'b', 'a', null, 'c', 'a']),
    num('n', [1, 0, 1, 1, null, null], 'boolean')
  );
  const test = frame(cat('c', ['a', 'b', 'zz', null]), num('n', [0, 1, null, 5], 'boolean'));
  it('shares of the training rows: 1/6 and 1/3 in double (float32 would be off)', async () => {
    const run = await runLowered(frequencyStep, { columns: ['c', 'n'] }, train, test);
    expectLoweredEqual(run);
    expectClose(graphColumn(run, 'c'), [3 / 6, 1 / 6, 0, 1 / 6], 'c');
    expectClose(graphColumn(run, 'n'), [1 / 6, 3 / 6, 2 / 6, 0], 'n');
  });
  it('counts', async () => {
    const run = await runLowered(
      frequencyStep,
      { columns: ['c', 'n'], normalize: false },
      train,
      test
    );
    expectLoweredEqual(run);
    expect(graphColumn(run, 'c')).toEqual([3, 1, 0, 1]);
    expect(graphColumn(run, 'n')).toEqual([1, 3, 2, 0]);
  });
});

describe('a text input cannot tell "" from missing', () => {
  const train = frame(cat('t', ['', 'x', null, 'x', 'x', 'y', 'y']));
  const test = frame(cat('t', ['', null, 'x', 'y', 'w']));
  it('is refused, naming step and column, when the two are encoded differently', async () => {
    for (const [kind, params] of [
      [onehotStep, { columns: ['t'] }],
      [ordinalStep, { columns: ['t'] }],
      [frequencyStep, { columns: ['t'] }]
    ] as const) {
      const error = await runLowered(kind, params, train, test).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(LatheError);
      expect((error as LatheError).code).toBe('ONNX_NOT_LOWERABLE');
      expect((error as LatheError).message).toMatch(
        new RegExp(
          `^The step "Step 1 \\(${kind.type}\\)" cannot be exported to ONNX: the column "t" has the empty text "" as a category`
        )
      );
    }
  });
  it('lowers when both land in the same column (rare values in onehot)', async () => {
    const run = await runLowered(onehotStep, { columns: ['t'], minCount: 2 }, train, test);
    expectLoweredEqual(run);
    expect(graphColumn(run, 't=(other)')).toEqual([1, 1, 0, 0, 0]);
  });
});

describe('onehot lowered: every way a value reaches a column', () => {
  it('missing as zeros, unknown to (other), fixed numeric categories, a column seen only missing', async () => {
    const train = frame(num('n', [1, 2, 2, null], 'integer'), cat('e', [null, null, null, null]));
    const test = frame(
      num('n', [2, 1, 3, null, -0], 'integer'),
      cat('e', ['a', null, 'x', 'b', 'c'])
    );
    const run = await runLowered(
      onehotStep,
      {
        columns: ['n', 'e'],
        missing: 'zeros',
        unknown: 'other',
        categories: [{ column: 'n', values: ['2', '0'] }]
      },
      train,
      test
    );
    expectLoweredEqual(run);
    expect(graphColumn(run, 'n=2')).toEqual([1, 0, 0, 0, 0]);
    expect(graphColumn(run, 'n=0')).toEqual([0, 0, 0, 0, 1]);
    expect(graphColumn(run, 'n=(other)')).toEqual([0, 1, 1, 0, 0]);
    // A column seen only missing, with missing as zeros: only (other), for every present value.
    expect(graphColumn(run, 'e=(other)')).toEqual([1, 0, 1, 1, 1]);
  });
  it('many integers near each other (a table) or not (compared one by one), odd values unknown', async () => {
    const odd = [2.5, Infinity, -Infinity, 1000, 1e300, -1e300, 0, null, -0];
    const near = [...Array(70).keys(), 100];
    for (const keys of [near, [...near, 2 ** 40], [1, 2, 3, 0]]) {
      const train = frame(num('n', keys, 'integer'));
      const test = frame(num('n', [...keys, ...odd], 'integer'));
      const run = await runLowered(onehotStep, { columns: ['n'], unknown: 'other' }, train, test);
      expectLoweredEqual(run, `${keys.length} keys`);
      // Missing was never seen in training, so it is unknown too.
      const other = [...keys.map(() => 0), 1, 1, 1, 1, 1, 1, 0, 1, 0];
      expect(graphColumn(run, 'n=(other)')).toEqual(other);
      const zero = [...keys.map((k) => (k === 0 ? 1 : 0)), 0, 0, 0, 0, 0, 0, 1, 0, 1];
      expect(graphColumn(run, 'n=0')).toEqual(zero);
    }
  });
  it('a column that encodes to nothing is dropped, as apply drops it', async () => {
    const train = frame(num('x', [1, 2]), cat('e', [null, null]));
    const run = await runLowered(
      onehotStep,
      { columns: ['e'], missing: 'zeros' },
      train,
      frame(num('x', [3]), cat('e', ['a']))
    );
    expectLoweredEqual(run);
    expect([...run.lowered.keys()]).toEqual(['x']);
  });
});

describe('dateparts lowered vs Python datetime', () => {
  const rows: {
    text: string | null;
    ms: number | null;
    year: Num;
    month: Num;
    day: Num;
    dayofweek: Num;
    hour: Num;
  }[] = fixture('dateparts.json').rows;
  const dates = (): Frame =>
    frame(
      num(
        'd',
        rows.map((r) => r.ms),
        'datetime'
      )
    );
  const parts = ['year', 'month', 'day', 'dayofweek', 'hour'] as const;
  it('every part, before 1970, across leap days and centuries, and missing', async () => {
    expect(rows.find((r) => r.text === '1969-12-31T23:59:59.999')?.ms).toBe(-1);
    const run = await runLowered(datepartsStep, { columns: ['d'] }, dates(), dates());
    expectLoweredEqual(run);
    for (const part of parts)
      expect(graphColumn(run, `d_${part}`), part).toEqual(rows.map((r) => r[part]));
    expect(run.lowered.has('d')).toBe(false);
  });
  it('some parts, keeping the date', async () => {
    const run = await runLowered(
      datepartsStep,
      { columns: ['d'], parts: ['dayofweek', 'month'], keep: true },
      dates(),
      dates()
    );
    expectLoweredEqual(run);
    expect(graphColumn(run, 'd')).toEqual(rows.map((r) => r.ms));
    expect(graphColumn(run, 'd_dayofweek')).toEqual(rows.map((r) => r.dayofweek));
  });
});
