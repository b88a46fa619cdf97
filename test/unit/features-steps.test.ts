/**
 * Behaviour of each feature step: missing/unknown/NaN policies and exact outputs. What every kind
 * must do (errors naming step and column, no mutation, plain JSON state, declared schema) is
 * checked for the whole registry in features-contract.test.ts.
 */
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { LatheError } from '../../src/lib/core/base/errors';
import { type ColumnSchema } from '../../src/lib/core/data/types';
import type { CategoryColumn, Frame, FrameColumn } from '../../src/lib/core/features/frame';
import type { StepContext, StepKind } from '../../src/lib/core/features/step';
import { balanceStep } from '../../src/lib/core/features/balance';
import { bucketizeStep } from '../../src/lib/core/features/bucketize';
import { castStep } from '../../src/lib/core/features/cast';
import { clipStep } from '../../src/lib/core/features/clip';
import { datepartsStep } from '../../src/lib/core/features/dateparts';
import { dropStep } from '../../src/lib/core/features/drop';
import { dropconstantStep } from '../../src/lib/core/features/dropconstant';
import { frequencyStep } from '../../src/lib/core/features/frequency';
import { imputeStep } from '../../src/lib/core/features/impute';
import { log1pStep } from '../../src/lib/core/features/log1p';
import { onehotStep } from '../../src/lib/core/features/onehot';
import { ordinalStep } from '../../src/lib/core/features/ordinal';
import { createRng } from '../../src/lib/core/base/random';
import { renameStep } from '../../src/lib/core/features/rename';
import { scaleStep } from '../../src/lib/core/features/scale';
import { selectStep } from '../../src/lib/core/features/select';
import { textStep } from '../../src/lib/core/features/text';
import { winsorizeStep } from '../../src/lib/core/features/winsorize';
import { cat, frame, num } from '../fixtures/features/frames';

type Num = number | null;
type Str = string | null;
// The kinds are used generically here, as the registry does.
type AnyKind = StepKind<any, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const ctx: StepContext = { index: 2, seed: 7 };

const schema = (f: Frame): ColumnSchema[] => f.columns.map((c) => ({ name: c.name, type: c.type }));

function run(kind: AnyKind, params: unknown, train: Frame, test: Frame = train) {
  const p = v.parse(kind.params, params);
  const outSchema = kind.outputSchema(schema(train), p, ctx);
  const fitted = kind.fit(train, p, ctx);
  const state = JSON.parse(JSON.stringify(fitted));
  expect(state).toEqual(fitted); // plain JSON: nothing lost in the round trip
  return { state, out: kind.apply(test, p, state, ctx), schema: outSchema };
}

function col(f: Frame, name: string): FrameColumn {
  const c = f.columns.find((x) => x.name === name);
  if (!c) throw new Error(`no column ${name}`);
  return c;
}

function vals(f: Frame, name: string): Num[] {
  const c = col(f, name);
  if (c.kind !== 'number') throw new Error(`${name} is not numeric`);
  return Array.from(c.values, (x) => (Number.isNaN(x) ? null : x));
}

function texts(f: Frame, name: string): Str[] {
  const c = col(f, name) as CategoryColumn;
  return Array.from(c.codes, (k) => (k < 0 ? null : c.dictionary[k]));
}

function caught(fn: () => unknown): LatheError {
  try {
    fn();
  } catch (e) {
    if (e instanceof LatheError) return e;
    throw e;
  }
  throw new Error('expected a LatheError');
}

/** A table with one column of every type. */
const base = () =>
  frame(
    num('f', [1.5, null, 3, -2, 10]),
    num('i', [1, 2, 2, null, 5], 'integer'),
    num('b', [0, 1, 1, 0, null], 'boolean'),
    num('d', [0, 86400000, null, 1e12, 1.7e12], 'datetime'),
    cat('c', ['a', 'b', null, 'a', 'c']),
    cat('t', ['hello world', 'the cat', null, 'hello again', ''], 'text')
  );

describe('select / drop / rename', () => {
  it('select keeps the listed order; drop removes', () => {
    expect(schema(run(selectStep, { columns: ['c', 'f'] }, base()).out).map((c) => c.name)).toEqual(
      ['c', 'f']
    );
    expect(run(dropStep, { columns: ['f', 't'] }, base()).out.columns.map((c) => c.name)).toEqual([
      'i',
      'b',
      'd',
      'c'
    ]);
  });
  it('rename swaps names simultaneously and refuses duplicates', () => {
    const { out } = run(
      renameStep,
      {
        renames: [
          { from: 'f', to: 'i' },
          { from: 'i', to: 'f' }
        ]
      },
      base()
    );
    expect(vals(out, 'i')).toEqual([1.5, null, 3, -2, 10]);
    const p = v.parse(renameStep.params, { renames: [{ from: 'f', to: 'c' }] });
    expect(caught(() => renameStep.outputSchema(schema(base()), p, ctx)).message).toMatch(
      /two columns named "c"/
    );
  });
});

describe('cast', () => {
  it('text → float: unparsable values become missing and are counted with examples', () => {
    const f = frame(cat('s', [' 1.5', 'abc', null, '2e3', 'abc', 'NA', '-4']));
    const { state, out } = run(castStep, { columns: ['s'], to: 'float' }, f);
    expect(vals(out, 's')).toEqual([1.5, null, null, 2000, null, null, -4]);
    expect(state.invalid).toEqual([{ column: 's', count: 2, examples: ['abc'] }]);
    const p = v.parse(castStep.params, { columns: ['s'], to: 'float', onInvalid: 'error' });
    const e = caught(() => castStep.fit(f, p, ctx));
    expect(e.code).toBe('STEP_FAILED');
    expect(e.message).toMatch(
      /2 value\(s\) of column "s" .* cannot be read as float \(e\.g\. "abc"\)/
    );
  });
  it('float → integer truncates; ±Infinity is invalid', () => {
    const { state, out } = run(
      castStep,
      { columns: ['x'], to: 'integer' },
      frame(num('x', [2.7, -2.7, null, Infinity]))
    );
    expect(vals(out, 'x')).toEqual([2, -2, null, null]);
    expect(state.invalid[0].count).toBe(1);
  });
  it('numbers and datetimes → categories; text → boolean / datetime', () => {
    const { out } = run(castStep, { columns: ['i', 'b', 'd'], to: 'categorical' }, base());
    expect(texts(out, 'i')).toEqual(['1', '2', '2', null, '5']);
    expect(texts(out, 'b')).toEqual(['false', 'true', 'true', 'false', null]);
    expect(texts(out, 'd')[1]).toBe('1970-01-02T00:00:00.000Z');
    const yes = run(
      castStep,
      { columns: ['s'], to: 'boolean' },
      frame(cat('s', ['Yes', 'no', 'T', '0', 'maybe']))
    );
    expect(vals(yes.out, 's')).toEqual([1, 0, 1, 0, null]);
    const dt = run(
      castStep,
      { columns: ['s'], to: 'datetime' },
      frame(cat('s', ['2024-02-29', '2024-02-30', '2024-03-01T12:00:00Z']))
    );
    expect(vals(dt.out, 's')).toEqual([Date.UTC(2024, 1, 29), null, Date.UTC(2024, 2, 1, 12)]);
  });
  it('number → boolean: 0 is false, any other number true, missing stays missing', () => {
    const { out, state } = run(
      castStep,
      { columns: ['x'], to: 'boolean' },
      frame(num('x', [0, -0, 2.5, null, -Infinity]))
    );
    expect(vals(out, 'x')).toEqual([0, 0, 1, null, 1]);
    expect(state.invalid).toEqual([]);
  });
  it('refuses boolean ↔ datetime', () => {
    const p = v.parse(castStep.params, { columns: ['b'], to: 'datetime' });
    expect(caught(() => castStep.outputSchema(schema(base()), p, ctx)).message).toMatch(
      /cannot be cast to datetime/
    );
  });
});

describe('impute', () => {
  it('adds <col>_missing after each column and extends a dictionary for a new constant', () => {
    const { out, schema: s } = run(
      imputeStep,
      { columns: ['f', 'c'], strategy: 'constant', indicator: true },
      base()
    );
    expect(s.map((c) => c.name)).toEqual(['f', 'f_missing', 'i', 'b', 'd', 'c', 'c_missing', 't']);
    expect(vals(out, 'f')).toEqual([1.5, 0, 3, -2, 10]);
    expect(vals(out, 'f_missing')).toEqual([0, 1, 0, 0, 0]);
    expect(texts(out, 'c')).toEqual(['a', 'b', 'missing_value', 'a', 'c']);
  });
  it('mean ignores ±Infinity when learning and keeps it when applying', () => {
    const { state, out } = run(
      imputeStep,
      { columns: ['x'] },
      frame(num('x', [1, Infinity, 3, null]))
    );
    expect(state.columns[0].value).toBe(2);
    expect(vals(out, 'x')).toEqual([1, Infinity, 3, 2]);
  });
  it('a string fillValue for a number column is refused', () => {
    const p = v.parse(imputeStep.params, { columns: ['f'], strategy: 'constant', fillValue: 'x' });
    expect(caught(() => imputeStep.outputSchema(schema(base()), p, ctx)).message).toMatch(
      /fillValue must be a number/
    );
  });
});

describe('scale: NaN propagates, no division by zero', () => {
  it('constant and empty columns', () => {
    const f = frame(
      num('k', [4, 4, 4, null]),
      num('e', [null, null, null, null]),
      num('x', [1, 2, 3, Infinity])
    );
    for (const method of ['standard', 'minmax', 'robust']) {
      const { out } = run(scaleStep, { columns: ['k', 'e', 'x'], method }, f);
      expect(vals(out, 'k'), method).toEqual([0, 0, 0, null]);
      expect(vals(out, 'e'), method).toEqual([null, null, null, null]);
      expect(vals(out, 'x')[3], method).toBe(Infinity);
    }
  });
});

describe('onehot', () => {
  it('refuses an ID-like column with the reason and the count', () => {
    const ids = Array.from({ length: 100000 }, (_, i) => `id${i}`);
    const p = v.parse(onehotStep.params, { columns: ['id'] });
    const e = caught(() => onehotStep.fit(frame(cat('id', ids)), p, ctx));
    expect(e.code).toBe('STEP_FAILED');
    expect(e.message).toMatch(
      /^Step 3 \(onehot\): one-hot encoding would create 100,000 columns, more than the limit of 1,000: column "id" has 100,000 distinct values/
    );
    expect(e.details).toMatchObject({
      column: 'id',
      distinct: 100000,
      columns: 100000,
      limit: 1000
    });
    // With a cap it works: 49 frequent + (other).
    const capped = run(
      onehotStep,
      { columns: ['id'], maxCategories: 50 },
      frame(cat('id', ids.slice(0, 2000)))
    );
    expect(capped.out.columns.length).toBe(50);
  });
  it('unknown → zeros or (other); missing → its own column or zeros', () => {
    const train = frame(cat('c', ['a', 'b', null, 'a']));
    const test = frame(cat('c', ['a', 'z', null]));
    const z = run(onehotStep, { columns: ['c'] }, train, test).out;
    expect(z.columns.map((c) => c.name)).toEqual(['c=a', 'c=b', 'c=(missing)']);
    expect(z.columns.map((c) => vals(z, c.name))).toEqual([
      [1, 0, 0],
      [0, 0, 0],
      [0, 0, 1]
    ]);
    const o = run(
      onehotStep,
      { columns: ['c'], unknown: 'other', missing: 'zeros' },
      train,
      test
    ).out;
    expect(o.columns.map((c) => c.name)).toEqual(['c=a', 'c=b', 'c=(other)']);
    expect(o.columns.map((c) => vals(o, c.name))).toEqual([
      [1, 0, 0],
      [0, 0, 0],
      [0, 1, 0]
    ]);
  });
  it('fixed categories give the exact schema before fitting', () => {
    const params = {
      columns: ['c'],
      categories: [{ column: 'c', values: ['c', 'a'] }],
      missing: 'zeros'
    };
    const { out, schema: s } = run(onehotStep, params, base());
    expect(s.map((c) => c.name)).toEqual(['f', 'i', 'b', 'd', 'c=c', 'c=a', 't']);
    expect(schema(out)).toEqual(s);
    expect(vals(out, 'c=a')).toEqual([1, 0, 0, 1, 0]);
  });
});

describe('ordinal / frequency', () => {
  it('ordinal: given order, unknown value, NaN', () => {
    const params = {
      columns: ['c'],
      categories: [{ column: 'c', values: ['c', 'b', 'a'] }],
      unknownValue: null
    };
    const { out } = run(ordinalStep, params, base(), frame(cat('c', ['a', 'c', 'q', null])));
    expect(vals(out, 'c')).toEqual([2, 0, null, null]);
  });
  it('frequency: share of training rows, missing its own value, unseen 0', () => {
    const { out } = run(
      frequencyStep,
      { columns: ['c'] },
      base(),
      frame(cat('c', ['a', 'q', null]))
    );
    expect(vals(out, 'c')).toEqual([0.4, 0, 0.2]);
    const counts = run(
      frequencyStep,
      { columns: ['c'], normalize: false },
      base(),
      frame(cat('c', ['a']))
    ).out;
    expect(vals(counts, 'c')).toEqual([2]);
  });
});

describe('bucketize / log1p / clip / winsorize', () => {
  it('bucketize: NaN stays, out-of-range values go to the end bins, constant → one bin', () => {
    const train = frame(num('x', [0, 1, 2, 3, 4]), num('k', [5, 5, 5, 5, 5]));
    const test = frame(num('x', [-9, null, 2, 99]), num('k', [1, 5, 9, null]));
    const { state, out } = run(
      bucketizeStep,
      { columns: ['x', 'k'], bins: 4, strategy: 'uniform' },
      train,
      test
    );
    expect(vals(out, 'x')).toEqual([0, null, 2, 3]);
    expect(state.columns[1]).toEqual({ column: 'k', edges: [5, 5], nBins: 1 });
    expect(vals(out, 'k')).toEqual([0, 0, 0, null]);
  });
  it('log1p: -1 → -Infinity, below -1 → NaN, signed variant', () => {
    const f = frame(num('x', [0, -1, -2, null, Math.E - 1]));
    expect(vals(run(log1pStep, { columns: ['x'] }, f).out, 'x')).toEqual([
      0,
      -Infinity,
      null,
      null,
      1
    ]);
    expect(vals(run(log1pStep, { columns: ['x'], signed: true }, f).out, 'x')).toEqual([
      0,
      -Math.log(2),
      -Math.log(3),
      null,
      1
    ]);
  });
  it('clip keeps integer type for integer bounds; checks bounds', () => {
    const { out } = run(clipStep, { columns: ['i'], min: 2, max: 4 }, base());
    expect(vals(out, 'i')).toEqual([2, 2, 2, null, 4]);
    expect(col(out, 'i').type).toBe('integer');
    const p = v.parse(clipStep.params, { columns: ['i'] });
    expect(caught(() => clipStep.outputSchema(schema(base()), p, ctx)).message).toMatch(
      /give min, max or both/
    );
  });
  it('winsorize clips at training quantiles', () => {
    const train = frame(num('x', [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]));
    const { state, out } = run(
      winsorizeStep,
      { columns: ['x'], lower: 0.1, upper: 0.8 },
      train,
      frame(num('x', [-5, 5, 50, null]))
    );
    expect(state.columns[0]).toEqual({ column: 'x', min: 1, max: 8 });
    expect(vals(out, 'x')).toEqual([1, 5, 8, null]);
  });
});

describe('dateparts', () => {
  it('UTC parts, Monday = 0, before 1970 and leap days', () => {
    const ms = [
      Date.UTC(2024, 1, 29, 23, 59),
      Date.UTC(1969, 11, 31, 5),
      Date.UTC(2000, 0, 3),
      null
    ];
    const { out, schema: s } = run(
      datepartsStep,
      { columns: ['d'] },
      frame(num('d', ms, 'datetime'))
    );
    expect(s.map((c) => c.name)).toEqual(['d_year', 'd_month', 'd_day', 'd_dayofweek', 'd_hour']);
    expect(vals(out, 'd_year')).toEqual([2024, 1969, 2000, null]);
    expect(vals(out, 'd_month')).toEqual([2, 12, 1, null]);
    expect(vals(out, 'd_day')).toEqual([29, 31, 3, null]);
    expect(vals(out, 'd_dayofweek')).toEqual([3, 2, 0, null]); // Thu, Wed, Mon
    expect(vals(out, 'd_hour')).toEqual([23, 5, 0, null]);
  });
  it('agrees with Date over four centuries', () => {
    const rand = createRng(3);
    const ms = Array.from({ length: 2000 }, () => Math.floor((rand() - 0.5) * 2e13));
    const { out } = run(datepartsStep, { columns: ['d'] }, frame(num('d', ms, 'datetime')));
    ms.forEach((t, i) => {
      const d = new Date(t);
      expect([
        vals(out, 'd_year')[i],
        vals(out, 'd_month')[i],
        vals(out, 'd_day')[i],
        vals(out, 'd_dayofweek')[i],
        vals(out, 'd_hour')[i]
      ]).toEqual([
        d.getUTCFullYear(),
        d.getUTCMonth() + 1,
        d.getUTCDate(),
        (d.getUTCDay() + 6) % 7,
        d.getUTCHours()
      ]);
    });
  });
});

describe('text', () => {
  it('tokenizes like sklearn, keeps the column when asked, missing is an empty document', () => {
    const f = frame(cat('t', ['A b_c 42 x', 'Ünïcode ÜNÏCODE', null], 'text'));
    const { state, out } = run(textStep, { columns: ['t'], mode: 'counts', keep: true }, f);
    expect(state.columns[0].vocabulary).toEqual(['42', 'b_c', 'ünïcode']);
    expect(out.columns.map((c) => c.name)).toEqual(['t', 't:42', 't:b_c', 't:ünïcode']);
    expect(vals(out, 't:ünïcode')).toEqual([0, 2, 0]);
  });
});

describe('dropconstant', () => {
  it('drops constant and mostly-missing columns, not excluded ones', () => {
    const f = frame(
      num('k', [1, 1, null, 1]),
      num('m', [null, null, null, 2]),
      cat('s', ['x', 'x', 'x', 'x']),
      num('ok', [1, 2, 3, 4]),
      num('y', [0, 0, 0, 0])
    );
    const { state, out } = run(dropconstantStep, { maxMissing: 0.5, exclude: ['y'] }, f);
    expect(state.dropped).toEqual([
      { column: 'k', reason: 'constant', missingFraction: 0.25 },
      { column: 'm', reason: 'missing', missingFraction: 0.75 },
      { column: 's', reason: 'constant', missingFraction: 0 }
    ]);
    expect(out.columns.map((c) => c.name)).toEqual(['ok', 'y']);
  });
});

describe('balance', () => {
  const labels = [...Array(12).fill('no'), ...Array(3).fill('yes'), null] as Str[];
  const f = frame(
    cat('y', labels),
    num(
      'x',
      labels.map((_, i) => i)
    )
  );
  it('applies to the training rows only', () => expect(balanceStep.rows).toBe('train'));
  it('oversamples to the largest class, seeded and repeatable', () => {
    const { state, out } = run(balanceStep, { target: 'y' }, f);
    expect(state).toEqual({ classes: ['no', 'yes'], before: [12, 3], after: [12, 12] });
    expect(out.rows).toBe(25);
    const y = texts(out, 'y');
    expect(y.filter((s) => s === 'yes').length).toBe(12);
    expect(vals(out, 'x').slice(0, 16)).toEqual(labels.map((_, i) => i));
    expect(
      vals(out, 'x')
        .slice(16)
        .every((x) => x !== null && x >= 12 && x <= 14)
    ).toBe(true);
    expect(run(balanceStep, { target: 'y' }, f).out).toEqual(out);
  });
  it('undersamples to the smallest class, keeping row order; the seed matters', () => {
    const p = v.parse(balanceStep.params, { target: 'y', method: 'undersample' });
    const a = balanceStep.apply(f, p, balanceStep.fit(f, p, ctx), ctx);
    expect(a.rows).toBe(7);
    const x = vals(a, 'x') as number[];
    expect(x).toEqual([...x].sort((m, n) => m - n));
    expect(texts(a, 'y').filter((s) => s === 'no').length).toBe(3);
    const seeds = new Set(
      [1, 2, 3, 4, 5].map((seed) =>
        JSON.stringify(
          vals(balanceStep.apply(f, p, balanceStep.fit(f, p, ctx), { index: 2, seed }), 'x')
        )
      )
    );
    expect(seeds.size).toBeGreaterThan(1);
  });
});
