/**
 * The feature engine's fast paths give exactly what the plain paths give: splits copied lazily
 * (rows.ts) and read in place by scale / one-hot, splits partitioned without sorting, small
 * integer class labels coded without a Map, and name lookups through an index on wide tables.
 */
import { describe, expect, it } from 'vitest';
import { takeRows } from '../../src/lib/core/features/convert';
import type { CategoryColumn, Frame, NumericColumn } from '../../src/lib/core/features/frame';
import { fitPipeline, splitFrame } from '../../src/lib/core/features/pipeline';
import { resolveStep } from '../../src/lib/core/features/registry';
import {
  codeSource,
  columnLength,
  numberSource,
  settleFrame,
  takeRowsLazy
} from '../../src/lib/core/features/rows';
import { createRng, shuffleInPlace } from '../../src/lib/core/base/random';
import { randomSplit, splitCounts, stratifiedSplit } from '../../src/lib/core/features/split';
import { countValues, indexOfName } from '../../src/lib/core/features/stepkit';
import { parseSpec } from '../../src/lib/core/pipeline/parse';
import type { PipelineSpec, StepSpec } from '../../src/lib/core/spec/types';
import { stepContext } from '../../src/lib/core/features/validate';

const N = 600;

/** Floats with NaN and ±Infinity, a constant, categories with missing values, a 0/1 label. */
function frame(seed = 7): Frame {
  const rng = createRng(seed);
  const a = new Float64Array(N);
  const b = new Float64Array(N);
  const k = new Float64Array(N);
  const g = new Int32Array(N);
  const h = new Int32Array(N);
  const label = new Float64Array(N);
  for (let i = 0; i < N; i++) {
    const u = rng();
    a[i] = u < 0.05 ? NaN : u < 0.07 ? Infinity : (rng() - 0.3) * 1e3;
    b[i] = Math.floor(rng() * 40) / 8;
    k[i] = 3.25;
    g[i] = rng() < 0.08 ? -1 : Math.floor(rng() * rng() * 6);
    h[i] = Math.floor(rng() * 3);
    label[i] = i % 17 === 0 ? NaN : rng() < 0.4 ? 1 : 0;
  }
  return {
    rows: N,
    columns: [
      { kind: 'number', name: 'a', type: 'float', values: a },
      { kind: 'number', name: 'b', type: 'float', values: b },
      { kind: 'number', name: 'k', type: 'float', values: k },
      {
        kind: 'category',
        name: 'g',
        type: 'categorical',
        codes: g,
        dictionary: ['p', 'q', 'r', 's', 't', 'u']
      },
      { kind: 'category', name: 'h', type: 'text', codes: h, dictionary: ['x', 'y', 'x'] },
      { kind: 'number', name: 'label', type: 'integer', values: label }
    ]
  };
}

function spec(steps: StepSpec[], method: 'random' | 'stratified' = 'random'): PipelineSpec {
  return parseSpec({
    version: 1,
    source: { kind: 'file', hash: '0'.repeat(64), name: 't', fileName: 't.csv' },
    target: 'label',
    task: 'binary',
    split: { method, seed: 11, train: 0.6, validation: 0.2, test: 0.2 },
    steps,
    seed: 3
  });
}

/** The plain path: eager copies, each step fitted on train and applied to every split. */
function eager(input: Frame, s: PipelineSpec): Record<string, Frame> {
  const { indices } = splitFrame(input, s);
  const splits: Record<string, Frame> = {
    train: takeRows(input, indices.train),
    validation: takeRows(input, indices.validation),
    test: takeRows(input, indices.test)
  };
  s.steps.forEach((step, i) => {
    const { kind, params } = resolveStep(step, i);
    const ctx = stepContext(s, i);
    const state = kind.fit(splits.train, params, ctx);
    for (const name of Object.keys(splits))
      splits[name] = kind.apply(splits[name], params, state, ctx);
  });
  return splits;
}

function plainArrays(f: Frame): boolean {
  return f.columns.every((c) => {
    const d = Object.getOwnPropertyDescriptor(c, c.kind === 'category' ? 'codes' : 'values');
    return d !== undefined && 'value' in d && ArrayBuffer.isView(d.value);
  });
}

describe('fitPipeline with lazily copied splits', () => {
  const cases: [string, StepSpec[]][] = [
    ['scale standard', [{ type: 'scale', columns: ['a', 'b', 'k'] }]],
    [
      'scale standard, no centering',
      [{ type: 'scale', columns: ['a', 'k'], method: 'standard', withCentering: false }]
    ],
    ['scale minmax', [{ type: 'scale', columns: ['a', 'b'], method: 'minmax' }]],
    [
      'scale minmax clipped',
      [{ type: 'scale', columns: ['a', 'b'], method: 'minmax', clip: true, featureRange: [-1, 1] }]
    ],
    ['scale robust', [{ type: 'scale', columns: ['a', 'b', 'k'], method: 'robust' }]],
    ['onehot', [{ type: 'onehot', columns: ['g', 'h'] }]],
    [
      'onehot zeros/other, capped',
      [{ type: 'onehot', columns: ['g'], missing: 'zeros', unknown: 'other', maxCategories: 3 }]
    ],
    [
      'scale, onehot, then steps reading pass-through columns',
      [
        { type: 'scale', columns: ['a'] },
        { type: 'onehot', columns: ['g'] },
        { type: 'log1p', columns: ['b'] },
        { type: 'rename', renames: [{ from: 'h', to: 'h2' }] }
      ]
    ]
  ];
  for (const [name, steps] of cases) {
    it(`gives the eager path's splits bit for bit: ${name}`, async () => {
      const input = frame();
      const s = spec(steps);
      const fitted = await fitPipeline(input, s);
      const expected = eager(input, s);
      for (const split of ['train', 'validation', 'test'] as const) {
        const got = fitted.splits[split];
        expect(plainArrays(got)).toBe(true);
        expect(got.rows).toBe(expected[split].rows);
        expect(got.columns).toEqual(expected[split].columns);
      }
    });
  }

  it('leaves the input frame untouched', async () => {
    const input = frame();
    const before = structuredClone(input);
    await fitPipeline(
      input,
      spec([
        { type: 'scale', columns: ['a'] },
        { type: 'onehot', columns: ['g'] }
      ])
    );
    expect(input).toEqual(before);
  });
});

describe('takeRowsLazy', () => {
  const rows = Int32Array.from([5, 1, 1, 599, 42]);

  it('reads like takeRows, copying a column on first read', () => {
    const input = frame();
    const lazy = takeRowsLazy(input, rows);
    const eagerFrame = takeRows(input, rows);
    const a = lazy.columns[0] as NumericColumn;
    const g = lazy.columns[3] as CategoryColumn;
    expect(numberSource(a)).toEqual({ values: (input.columns[0] as NumericColumn).values, rows });
    expect(codeSource(g).rows).toBe(rows);
    expect(columnLength(a)).toBe(5);
    expect(a.values).toEqual((eagerFrame.columns[0] as NumericColumn).values);
    expect(numberSource(a)).toEqual({ values: a.values, rows: null });
    expect(a.values).toBe(a.values); // copied once
    expect({ ...g }.codes).toEqual((eagerFrame.columns[3] as CategoryColumn).codes);
    expect(codeSource(g).rows).toBeNull();
    expect(settleFrame(lazy).columns).toEqual(eagerFrame.columns);
    expect(plainArrays(lazy)).toBe(true);
  });

  it('takes an assignment like a plain property', () => {
    const lazy = takeRowsLazy(frame(), rows);
    const b = lazy.columns[1] as NumericColumn;
    const replacement = new Float64Array(5).fill(9);
    b.values = replacement;
    expect(b.values).toBe(replacement);
    expect(numberSource(b).rows).toBeNull();
  });
});

describe('split partitions without sorting', () => {
  // Row numbers with gaps, strictly ascending; expectations recorded from the sorting version.
  const rows = Int32Array.from({ length: 40 }, (_, i) => i * 3 + (i % 3));
  const labels = Int32Array.from({ length: 120 }, (_, i) => (i * 7) % 3);
  const f = { train: 0.6, validation: 0.2, test: 0.2 };
  const plain = (x: Record<string, Int32Array>) => ({
    train: [...x.train],
    validation: [...x.validation],
    test: [...x.test]
  });

  it('random: the same rows as shuffle, cut and sort', () => {
    expect(plain(randomSplit(rows, f, 42))).toEqual({
      train: [
        0, 4, 8, 13, 17, 26, 31, 36, 40, 45, 53, 54, 58, 63, 71, 76, 81, 94, 99, 103, 107, 108, 112,
        116
      ],
      validation: [18, 35, 44, 62, 72, 80, 98, 117],
      test: [9, 22, 27, 49, 67, 85, 89, 90]
    });
    const big = Int32Array.from({ length: 50_000 }, (_, i) => 2 * i + (i % 2));
    for (const seed of [1, 2, 3]) {
      const order = shuffleInPlace(big.slice(), createRng(seed));
      const c = splitCounts(big.length, f);
      const cut = c.train + c.validation;
      expect(plain(randomSplit(big, f, seed))).toEqual(
        plain({
          train: order.slice(0, c.train).sort(),
          validation: order.slice(c.train, cut).sort(),
          test: order.slice(cut).sort()
        })
      );
    }
  });

  it('stratified: the same rows as before', () => {
    expect(plain(stratifiedSplit(rows, labels, f, 42))).toEqual({
      train: [
        4, 8, 13, 17, 18, 27, 31, 44, 45, 49, 53, 58, 63, 72, 80, 81, 89, 94, 98, 99, 103, 108, 112,
        116
      ],
      validation: [9, 26, 35, 36, 40, 62, 67, 90],
      test: [0, 22, 54, 71, 76, 85, 107, 117]
    });
  });

  it('still sorts rows given out of order', () => {
    const shuffled = shuffleInPlace(rows.slice(), createRng(5));
    const a = plain(randomSplit(shuffled, f, 42));
    for (const s of [a.train, a.validation, a.test])
      expect(s).toEqual([...s].sort((x, y) => x - y));
    expect([...a.train, ...a.validation, ...a.test].sort((x, y) => x - y)).toEqual([...rows]);
  });
});

describe('class codes of a numeric target', () => {
  it('splits like a categorical target with the values in order of appearance', () => {
    const values = [0, 1, 2000, -0, 0.5, 1023, 1024, -3, 1, 0, NaN, 2000, 0.5, 1023];
    const n = 300;
    const x = Float64Array.from({ length: n }, (_, i) => values[(i * 5) % values.length]);
    const dictionary: string[] = [];
    const seen = new Map<number, number>();
    const codes = Int32Array.from(x, (v) => {
      if (v !== v) return -1;
      if (!seen.has(v)) {
        seen.set(v, dictionary.length);
        dictionary.push(String(v));
      }
      return seen.get(v)!;
    });
    const s = { ...spec([], 'stratified'), task: 'multiclass' as const };
    const numeric = splitFrame(
      { rows: n, columns: [{ kind: 'number', name: 'label', type: 'integer', values: x }] },
      s
    );
    const categorical = splitFrame(
      {
        rows: n,
        columns: [{ kind: 'category', name: 'label', type: 'categorical', codes, dictionary }]
      },
      s
    );
    expect(numeric).toEqual(categorical);
  });
});

describe('countValues', () => {
  it('counts every negative code as missing', () => {
    const col: CategoryColumn = {
      kind: 'category',
      name: 'c',
      type: 'categorical',
      codes: Int32Array.from([0, -1, 1, -2, 1, 0, 0]),
      dictionary: ['a', 'b']
    };
    const r = countValues(col);
    expect(r.missing).toBe(2);
    expect([...r.counts]).toEqual([3, 2]);
  });
});

describe('indexOfName', () => {
  it('answers like findIndex on wide lists, also after they change', () => {
    const cols = Array.from({ length: 100 }, (_, i) => ({ name: `c${i % 90}` }));
    const find = (name: string) => cols.findIndex((c) => c.name === name);
    for (const name of ['c0', 'c5', 'c89', 'c90', 'nope'])
      expect(indexOfName(cols, name)).toBe(find(name));
    cols[7] = { name: 'new' };
    cols.push({ name: 'later' });
    for (const name of ['c7', 'new', 'later', 'c8'])
      expect(indexOfName(cols, name)).toBe(find(name));
  });
});
