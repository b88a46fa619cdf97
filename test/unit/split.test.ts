import { describe, expect, it } from 'vitest';
import { createRng, deriveSeed } from '../../src/lib/core/base/random';
import {
  randomSplit,
  splitCounts,
  stratifiedSplit,
  timeSplit,
  type SplitIndices
} from '../../src/lib/core/features/split';

const fractions = { train: 0.7, validation: 0.15, test: 0.15 };
const range = (n: number) => Int32Array.from({ length: n }, (_, i) => i);

function expectPartition(split: SplitIndices, rows: Int32Array) {
  const all = [...split.train, ...split.validation, ...split.test].sort((a, b) => a - b);
  expect(all).toEqual([...rows].sort((a, b) => a - b));
}

describe('createRng', () => {
  it('is deterministic per seed, differs across seeds, and is roughly uniform', () => {
    const a = createRng(42);
    const b = createRng(42);
    const first = Array.from({ length: 5 }, a);
    expect(Array.from({ length: 5 }, b)).toEqual(first);
    expect(Array.from({ length: 5 }, createRng(43))).not.toEqual(first);
    // Pinned values: the same sequence on every engine and every run.
    expect(first.map((x) => Math.round(x * 1e6))).toEqual([239553, 585921, 93234, 198670, 447102]);
    const rng = createRng(7);
    const buckets = new Array(10).fill(0);
    for (let i = 0; i < 100_000; i++) buckets[Math.floor(rng() * 10)]++;
    for (const count of buckets) expect(Math.abs(count - 10_000)).toBeLessThan(500);
  });

  it('derives distinct seeds per stream', () => {
    const seeds = new Set(Array.from({ length: 1000 }, (_, i) => deriveSeed(1, i)));
    expect(seeds.size).toBe(1000);
    expect(deriveSeed(1, 0)).toBe(deriveSeed(1, 0));
    expect(deriveSeed(1, 0)).not.toBe(deriveSeed(2, 0));
  });
});

describe('splitCounts', () => {
  it('sums to n with each split within one row of its share', () => {
    for (const n of [0, 1, 2, 3, 7, 10, 99, 1001]) {
      const c = splitCounts(n, fractions);
      expect(c.train + c.validation + c.test).toBe(n);
      expect(Math.abs(c.train - n * 0.7)).toBeLessThan(1);
      expect(Math.abs(c.test - n * 0.15)).toBeLessThan(1);
    }
    expect(splitCounts(10, { train: 1, validation: 0, test: 0 })).toEqual({
      train: 10,
      validation: 0,
      test: 0
    });
  });
});

describe('randomSplit', () => {
  const rows = range(1000);

  it('partitions the rows in the right proportions, each split ascending', () => {
    const split = randomSplit(rows, fractions, 1);
    expectPartition(split, rows);
    expect(split.train.length).toBe(700);
    expect(split.validation.length).toBe(150);
    expect(split.test.length).toBe(150);
    for (const part of Object.values(split)) {
      for (let i = 1; i < part.length; i++) expect(part[i]).toBeGreaterThan(part[i - 1]);
    }
  });

  it('is deterministic per seed and different across seeds', () => {
    expect(randomSplit(rows, fractions, 9)).toEqual(randomSplit(rows, fractions, 9));
    expect(randomSplit(rows, fractions, 9).test).not.toEqual(randomSplit(rows, fractions, 10).test);
  });

  it('uses only the given rows and does not modify them', () => {
    const some = Int32Array.from([5, 3, 99, 42, 7, 8, 1000, 12, 13, 14]);
    const copy = some.slice();
    expectPartition(randomSplit(some, fractions, 3), some);
    expect(some).toEqual(copy);
  });

  it('refuses bad fractions', () => {
    expect(() => randomSplit(rows, { train: 0.5, validation: 0.1, test: 0.1 }, 1)).toThrow(/sum/);
    expect(() => randomSplit(rows, { train: 0, validation: 0.5, test: 0.5 }, 1)).toThrow();
  });
});

describe('stratifiedSplit', () => {
  it('keeps class ratios in every split, with exact totals', () => {
    const n = 2000;
    const labels = Int32Array.from({ length: n }, (_, i) => (i % 10 < 7 ? 0 : i % 10 < 9 ? 1 : 2));
    const rows = range(n);
    const split = stratifiedSplit(rows, labels, fractions, 4);
    expectPartition(split, rows);
    const c = splitCounts(n, fractions);
    expect(split.train.length).toBe(c.train);
    expect(split.validation.length).toBe(c.validation);
    for (const part of Object.values(split)) {
      const counts = [0, 0, 0];
      for (const r of part) counts[labels[r]]++;
      const expected = [0.7, 0.2, 0.1].map((p) => p * part.length);
      counts.forEach((count, k) => expect(Math.abs(count - expected[k])).toBeLessThanOrEqual(1));
    }
  });

  it('puts every class with at least 2 rows in train', () => {
    // 3 rare classes of 2 rows among 40 rows, with a small train fraction.
    const labels = Int32Array.from({ length: 40 }, (_, i) => (i < 34 ? 0 : 1 + ((i - 34) >> 1)));
    for (let seed = 0; seed < 50; seed++) {
      const split = stratifiedSplit(
        range(40),
        labels,
        { train: 0.2, validation: 0.4, test: 0.4 },
        seed
      );
      expectPartition(split, range(40));
      const present = new Set([...split.train].map((r) => labels[r]));
      expect([...present].sort()).toEqual([0, 1, 2, 3]);
      expect(split.train.length).toBe(8);
    }
  });

  it('is deterministic per seed and works on a subset of rows', () => {
    const labels = Int32Array.from({ length: 300 }, (_, i) => i % 3);
    const rows = Int32Array.from({ length: 150 }, (_, i) => i * 2);
    const a = stratifiedSplit(rows, labels, fractions, 11);
    expect(stratifiedSplit(rows, labels, fractions, 11)).toEqual(a);
    expect(stratifiedSplit(rows, labels, fractions, 12)).not.toEqual(a);
    expectPartition(a, rows);
  });
});

describe('timeSplit', () => {
  it('trains on the earliest rows and tests on the latest, ties by row', () => {
    const n = 100;
    const times = Float64Array.from({ length: n }, (_, i) => (n - i) * 1000 + (i % 2));
    times[10] = times[11];
    const split = timeSplit(range(n), times, { train: 0.6, validation: 0.2, test: 0.2 });
    expectPartition(split, range(n));
    const maxOf = (p: Int32Array) => Math.max(...[...p].map((r) => times[r]));
    const minOf = (p: Int32Array) => Math.min(...[...p].map((r) => times[r]));
    expect(maxOf(split.train)).toBeLessThanOrEqual(minOf(split.validation));
    expect(maxOf(split.validation)).toBeLessThanOrEqual(minOf(split.test));
    for (let i = 1; i < split.train.length; i++) {
      expect(times[split.train[i]]).toBeGreaterThanOrEqual(times[split.train[i - 1]]);
    }
    expect(split.train.length).toBe(60);
  });
});
