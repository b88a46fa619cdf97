/**
 * Fitted state and outputs of the feature steps against scikit-learn 1.2, from fixtures written
 * by scripts/make-feature-fixtures.py (no Python needed here). Tolerance: 1e-9 relative.
 */
import { readFileSync } from 'node:fs';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import type { CategoryColumn, Frame, FrameColumn } from '../../src/lib/core/features/frame';
import type { Json } from '../../src/lib/core/base/json';
import type { StepContext, StepKind } from '../../src/lib/core/features/step';
import { bucketizeStep } from '../../src/lib/core/features/bucketize';
import { imputeStep } from '../../src/lib/core/features/impute';
import { onehotStep } from '../../src/lib/core/features/onehot';
import { ordinalStep } from '../../src/lib/core/features/ordinal';
import { scaleStep } from '../../src/lib/core/features/scale';
import { textStep } from '../../src/lib/core/features/text';
import { cat, frame, num } from '../fixtures/features/frames';

type Num = number | null;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const fixture = (name: string): any =>
  JSON.parse(readFileSync(new URL(`../fixtures/features/${name}`, import.meta.url), 'utf8'));

const ctx: StepContext = { index: 0, seed: 1 };

function numbers(cols: Num[][], prefix = 'x'): Frame {
  return frame(...cols.map((values, j) => num(`${prefix}${j}`, values)));
}

/** Parses params, checks the schema, fits, round-trips the state through JSON, applies. */
function run<P, S extends Json>(kind: StepKind<P, S>, params: unknown, train: Frame, test: Frame) {
  const p = v.parse(kind.params, params);
  kind.outputSchema(
    train.columns.map((c) => ({ name: c.name, type: c.type })),
    p,
    ctx
  );
  const state = JSON.parse(JSON.stringify(kind.fit(train, p, ctx))) as S;
  return { state, out: kind.apply(test, p, state, ctx) };
}

function values(col: FrameColumn): Num[] {
  if (col.kind !== 'number') throw new Error(`${col.name} is not numeric`);
  return Array.from(col.values, (x) => (Number.isNaN(x) ? null : x));
}

function close(actual: Num, expected: Num, what: string): void {
  if (expected === null || actual === null) {
    expect(actual, what).toBe(expected);
    return;
  }
  const tol = 1e-9 * Math.max(Math.abs(expected), 1e-300);
  if (!(Math.abs(actual - expected) <= tol)) expect(actual, what).toBe(expected);
}

function closeAll(actual: Num[], expected: Num[], what: string): void {
  expect(actual.length, `${what} length`).toBe(expected.length);
  actual.forEach((a, i) => close(a, expected[i], `${what}[${i}]`));
}

describe('impute vs SimpleImputer', () => {
  const f = fixture('impute.json');
  const train = numbers(f.train);
  const test = numbers(f.test);
  const names = train.columns.map((c) => c.name);
  for (const c of f.cases) {
    it(`${c.strategy}: statistics and output`, () => {
      const params = { columns: names, strategy: c.strategy, fillValue: c.fillValue };
      const { state, out } = run(imputeStep, params, train, test);
      closeAll(
        state.columns.map((s) => s.value as number),
        c.statistics,
        'statistics'
      );
      c.output.forEach((col: Num[], j: number) =>
        closeAll(values(out.columns[j]), col, `col ${j}`)
      );
    });
  }
  it('most_frequent ties go to the smallest value', () => {
    const { state } = run(
      imputeStep,
      { columns: ['x0'], strategy: 'most_frequent' },
      numbers(f.ties.train),
      numbers(f.ties.train)
    );
    expect(state.columns[0].value).toBe(f.ties.statistics[0]);
  });
  it('a column without values gets 0 (keep_empty_features=True)', () => {
    const t = numbers(f.empty.train);
    const { state } = run(imputeStep, { columns: ['x0', 'x1'] }, t, t);
    expect(state.columns.map((s) => s.value)).toEqual(f.empty.statistics);
  });
  for (const c of f.text.cases) {
    it(`text ${c.strategy}: statistic and output`, () => {
      const { state, out } = run(
        imputeStep,
        { columns: ['s'], strategy: c.strategy },
        frame(cat('s', f.text.train[0])),
        frame(cat('s', f.text.test[0]))
      );
      expect(state.columns[0].value).toBe(c.statistics[0]);
      const col = out.columns[0] as CategoryColumn;
      expect(Array.from(col.codes, (k) => col.dictionary[k])).toEqual(c.output[0]);
    });
  }
});

describe('scale vs StandardScaler / MinMaxScaler / RobustScaler', () => {
  const f = fixture('scale.json');
  const train = numbers(f.train);
  const test = numbers(f.test);
  const columns = train.columns.map((c) => c.name);
  const check = (out: Frame, expected: Num[][]) =>
    expected.forEach((col, j) => closeAll(values(out.columns[j]), col, `output col ${j}`));

  it('standard: mean, population variance, scale (constant column → 1), output', () => {
    const { state, out } = run(scaleStep, { columns, method: 'standard' }, train, test);
    closeAll(
      state.columns.map((s) => s.stats.mean),
      f.standard.mean,
      'mean'
    );
    closeAll(
      state.columns.map((s) => s.stats.var),
      f.standard.var,
      'var'
    );
    closeAll(
      state.columns.map((s) => s.scale),
      f.standard.scale,
      'scale'
    );
    check(out, f.standard.output);
  });
  it('minmax: data range, scale, min, output', () => {
    const { state, out } = run(scaleStep, { columns, method: 'minmax' }, train, test);
    closeAll(
      state.columns.map((s) => s.stats.min),
      f.minmax.dataMin,
      'data min'
    );
    closeAll(
      state.columns.map((s) => s.stats.max),
      f.minmax.dataMax,
      'data max'
    );
    closeAll(
      state.columns.map((s) => s.stats.mul),
      f.minmax.scale,
      'scale_'
    );
    closeAll(
      state.columns.map((s) => s.stats.add),
      f.minmax.min,
      'min_'
    );
    check(out, f.minmax.output);
  });
  it('minmax with feature range and clip', () => {
    const params = {
      columns,
      method: 'minmax',
      featureRange: f.minmaxClip.featureRange,
      clip: true
    };
    const { state, out } = run(scaleStep, params, train, test);
    closeAll(
      state.columns.map((s) => s.stats.mul),
      f.minmaxClip.scale,
      'scale_'
    );
    closeAll(
      state.columns.map((s) => s.stats.add),
      f.minmaxClip.min,
      'min_'
    );
    check(out, f.minmaxClip.output);
  });
  for (const key of ['robust', 'robust1090'] as const) {
    it(`robust ${f[key].quantileRange ?? [25, 75]}: center, scale, output`, () => {
      const params = {
        columns,
        method: 'robust',
        ...(f[key].quantileRange ? { quantileRange: f[key].quantileRange } : {})
      };
      const { state, out } = run(scaleStep, params, train, test);
      closeAll(
        state.columns.map((s) => s.center),
        f[key].center,
        'center'
      );
      closeAll(
        state.columns.map((s) => s.scale),
        f[key].scale,
        'scale'
      );
      check(out, f[key].output);
    });
  }
});

describe('onehot vs OneHotEncoder', () => {
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
  for (const set of sets)
    for (const c of set.cases) {
      const label = `${set.name}: maxCategories ${c.maxCategories ?? '-'}, minCount ${c.minCount ?? '-'}, unknown ${c.unknown}`;
      it(label, () => {
        const params = {
          columns: ['c'],
          unknown: c.unknown,
          ...(c.maxCategories ? { maxCategories: c.maxCategories } : {}),
          ...(c.minCount ? { minCount: c.minCount } : {})
        };
        const { state, out } = run(onehotStep, params, set.train, set.test);
        const s = state.columns[0];
        const infrequent: unknown[] = c.infrequent ?? [];
        const frequent = (c.categories as unknown[]).filter((x) => !infrequent.includes(x));
        expect(s.categories).toEqual(frequent);
        expect(s.infrequent).toEqual(infrequent);
        // With unknown 'other' the (other) column is always present; sklearn has it only when
        // there are infrequent categories, so compare the columns sklearn has.
        const shown = c.output.length;
        expect(out.columns.length).toBe(
          shown + (c.unknown === 'other' && infrequent.length === 0 ? 1 : 0)
        );
        c.output.forEach((col: Num[], j: number) =>
          closeAll(values(out.columns[j]), col, `col ${j}`)
        );
        if (infrequent.length) expect(out.columns[shown - 1].name).toBe('c=(other)');
        expect(out.columns.every((col) => col.type === 'float')).toBe(true);
      });
    }
});

describe('ordinal vs OrdinalEncoder', () => {
  const f = fixture('ordinal.json');
  it('text: sorted categories, unknown -1, missing NaN', () => {
    const { state, out } = run(
      ordinalStep,
      { columns: ['c'] },
      frame(cat('c', f.text.train)),
      frame(cat('c', f.text.test))
    );
    expect(state.columns[0].categories).toEqual(f.text.categories);
    expect(values(out.columns[0])).toEqual(f.text.output);
  });
  it('integer: numeric order', () => {
    const { state, out } = run(
      ordinalStep,
      { columns: ['c'] },
      frame(num('c', f.integer.train, 'integer')),
      frame(num('c', f.integer.test, 'integer'))
    );
    expect(state.columns[0].categories).toEqual(f.integer.categories);
    // Deliberate difference: OrdinalEncoder treats NaN as unknown (-1) when train had none;
    // Lathe always encodes missing as missingValue (NaN).
    const expected = (f.integer.output as Num[]).map((x, i) =>
      f.integer.test[i] === null ? null : x
    );
    expect(values(out.columns[0])).toEqual(expected);
  });
});

describe('bucketize vs KBinsDiscretizer(encode="ordinal")', () => {
  const f = fixture('kbins.json');
  const train = numbers(f.train);
  for (const c of f.cases)
    it(`${c.strategy}, ${c.bins} bins: edges, bin counts, output`, () => {
      const columns = train.columns.map((x) => x.name);
      const { state, out } = run(
        bucketizeStep,
        { columns, bins: c.bins, strategy: c.strategy },
        train,
        numbers(c.test)
      );
      state.columns.forEach((s, j) => {
        closeAll(s.edges, c.edges[j], `edges ${j}`);
        expect(s.nBins).toBe(c.nBins[j]);
      });
      c.output.forEach((col: Num[], j: number) => expect(values(out.columns[j])).toEqual(col));
    });
});

describe('text vs CountVectorizer / TfidfVectorizer', () => {
  const f = fixture('text.json');
  const train = frame(cat('t', f.train, 'text'));
  const test = frame(cat('t', f.test, 'text'));
  for (const c of f.cases) {
    it(`${c.mode}, maxFeatures ${c.maxFeatures}, minDf ${c.minDf ?? 1}, maxDf ${c.maxDf ?? 1}`, () => {
      const params = {
        columns: ['t'],
        mode: c.mode,
        maxFeatures: c.maxFeatures ?? 10000,
        ...(c.minDf ? { minDf: c.minDf, maxDf: c.maxDf } : {})
      };
      const { state, out } = run(textStep, params, train, test);
      expect(state.columns[0].vocabulary).toEqual(c.vocabulary);
      if (c.idf) closeAll(state.columns[0].idf, c.idf, 'idf');
      expect(out.columns.map((x) => x.name)).toEqual(c.vocabulary.map((t: string) => `t:${t}`));
      c.output.forEach((col: Num[], j: number) =>
        closeAll(values(out.columns[j]), col, `col ${j}`)
      );
    });
  }
  for (const c of f.ties.cases)
    it(`maxFeatures ${c.maxFeatures} with tied counts`, () => {
      const t = frame(cat('t', f.ties.train, 'text'));
      const { state } = run(
        textStep,
        { columns: ['t'], mode: 'counts', maxFeatures: c.maxFeatures },
        t,
        t
      );
      const ours = state.columns[0];
      if (c.matchesStableRule) expect(ours.vocabulary).toEqual(c.vocabulary);
      else {
        // numpy's unstable quicksort picked other tokens among those tied at the cut: the
        // chosen counts are the same multiset, the tokens differ only among equal counts.
        const counts = (vocab: string[]) => {
          const all = run(textStep, { columns: ['t'], mode: 'counts', maxFeatures: 10000 }, t, t)
            .state.columns[0];
          return vocab.map((w) => all.counts[all.vocabulary.indexOf(w)]).sort((a, b) => a - b);
        };
        expect(counts(ours.vocabulary)).toEqual(counts(c.vocabulary));
      }
    });
});
