import { LatheError } from '../base/errors';
import { createRng, shuffleInPlace } from '../base/random';

export type SplitName = 'train' | 'validation' | 'test';
export const SPLIT_NAMES: readonly SplitName[] = ['train', 'validation', 'test'];

export interface SplitFractions {
  train: number;
  validation: number;
  test: number;
}

/** Row numbers of each split. Random and stratified splits list rows in ascending order. */
export type SplitIndices = Record<SplitName, Int32Array>;

export function splitCounts(n: number, f: SplitFractions): Record<SplitName, number> {
  const exact = SPLIT_NAMES.map((s) => n * f[s]);
  const counts = exact.map(Math.floor);
  let left = n - counts[0] - counts[1] - counts[2];
  const order = [0, 1, 2].sort((x, y) => exact[y] - counts[y] - (exact[x] - counts[x]) || x - y);
  for (let k = 0; left > 0; k = (k + 1) % 3) {
    if (f[SPLIT_NAMES[order[k]]] > 0) {
      counts[order[k]]++;
      left--;
    }
  }
  return { train: counts[0], validation: counts[1], test: counts[2] };
}

function checkFractions(f: SplitFractions): void {
  const ok =
    SPLIT_NAMES.every((s) => Number.isFinite(f[s]) && f[s] >= 0 && f[s] <= 1) &&
    f.train > 0 &&
    Math.abs(f.train + f.validation + f.test - 1) < 1e-9;
  if (!ok) {
    throw new LatheError(
      'SPEC_INVALID',
      `Split fractions must be between 0 and 1, train above 0, summing to 1 (got ${f.train}, ${f.validation}, ${f.test}).`
    );
  }
}

function sortedCopy(values: Int32Array, from: number, to: number): Int32Array {
  return values.slice(from, to).sort();
}

function isAscending(rows: Int32Array): boolean {
  for (let i = 1; i < rows.length; i++) if (rows[i] <= rows[i - 1]) return false;
  return rows.length === 0 || rows[0] >= 0;
}

/**
 * Each split's rows in ascending order without sorting: `splitOf[row]` is the split (0, 1, 2)
 * of each row of `rows`; one sweep over the ascending `rows` gives exactly the sorted slices —
 * O(n) instead of three sorts.
 */
function partitionAscending(
  rows: Int32Array,
  splitOf: Uint8Array,
  sizes: readonly number[]
): Int32Array[] {
  const out = sizes.map((size) => new Int32Array(size));
  const [a, b, c] = out;
  let ia = 0;
  let ib = 0;
  let ic = 0;
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    const s = splitOf[r];
    if (s === 0) a[ia++] = r;
    else if (s === 1) b[ib++] = r;
    else c[ic++] = r;
  }
  return out;
}

/** A split per row number, sized for the ascending `rows` (0 = train until set). */
function splitMarks(rows: Int32Array): Uint8Array {
  return new Uint8Array(rows.length === 0 ? 0 : rows[rows.length - 1] + 1);
}

/** Shuffles `rows` (row numbers) with the seed and cuts them by the fractions. */
export function randomSplit(rows: Int32Array, f: SplitFractions, seed: number): SplitIndices {
  checkFractions(f);
  const order = shuffleInPlace(rows.slice(), createRng(seed));
  const c = splitCounts(order.length, f);
  if (isAscending(rows)) {
    const splitOf = splitMarks(rows);
    const cut = c.train + c.validation;
    for (let k = c.train; k < cut; k++) splitOf[order[k]] = 1;
    for (let k = cut; k < order.length; k++) splitOf[order[k]] = 2;
    const sizes = [c.train, c.validation, c.test];
    const [train, validation, test] = partitionAscending(rows, splitOf, sizes);
    return { train, validation, test };
  }
  return {
    train: sortedCopy(order, 0, c.train),
    validation: sortedCopy(order, c.train, c.train + c.validation),
    test: sortedCopy(order, c.train + c.validation, order.length)
  };
}

/**
 * Splits with each class in about the same proportion in every split. `labels[row]` is the class
 * code of a row (>= 0). Totals are exactly those of a random split of the same rows; each class
 * gets within one row of its share, and every class with at least 2 rows has a row in train.
 */
export function stratifiedSplit(
  rows: Int32Array,
  labels: Int32Array,
  f: SplitFractions,
  seed: number
): SplitIndices {
  checkFractions(f);
  const n = rows.length;
  const rng = createRng(seed);
  let classes = 0;
  for (let i = 0; i < n; i++) classes = Math.max(classes, labels[rows[i]] + 1);
  // Rows grouped by class (classes in a random order, rows shuffled within each class).
  const classOrder = shuffleInPlace(
    Int32Array.from({ length: classes }, (_, k) => k),
    rng
  );
  const rank = new Int32Array(classes);
  for (let k = 0; k < classes; k++) rank[classOrder[k]] = k;
  const start = new Int32Array(classes + 1);
  for (let i = 0; i < n; i++) start[rank[labels[rows[i]]] + 1]++;
  for (let k = 0; k < classes; k++) start[k + 1] += start[k];
  const grouped = new Int32Array(n);
  const fill = start.slice(0, classes);
  for (let i = 0; i < n; i++) grouped[fill[rank[labels[rows[i]]]]++] = rows[i];
  for (let k = 0; k < classes; k++) shuffleInPlace(grouped.subarray(start[k], start[k + 1]), rng);

  // An evenly interleaved sequence of split labels: any run of m rows gets about m × fraction.
  const c = splitCounts(n, f);
  const want = [c.train, c.validation, c.test];
  const given = [0, 0, 0];
  const assign = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    let bestDeficit = -Infinity;
    for (let s = 0; s < 3; s++) {
      if (given[s] >= want[s]) continue;
      const deficit = ((i + 1) * want[s]) / n - given[s];
      if (deficit > bestDeficit) {
        bestDeficit = deficit;
        best = s;
      }
    }
    assign[i] = best;
    given[best]++;
  }

  // A class of >= 2 rows with none in train swaps one row with a train row of the class that
  // has the most train rows: totals stay exact.
  const trainOf = new Int32Array(classes);
  for (let k = 0; k < classes; k++) {
    for (let i = start[k]; i < start[k + 1]; i++) if (assign[i] === 0) trainOf[k]++;
  }
  for (let k = 0; k < classes; k++) {
    if (trainOf[k] > 0 || start[k + 1] - start[k] < 2) continue;
    let donor = -1;
    for (let j = 0; j < classes; j++) if (donor < 0 || trainOf[j] > trainOf[donor]) donor = j;
    if (trainOf[donor] < 2) break;
    let from = start[donor];
    while (assign[from] !== 0) from++;
    assign[from] = assign[start[k]];
    assign[start[k]] = 0;
    trainOf[donor]--;
    trainOf[k]++;
  }

  const sizes = [c.train, c.validation, c.test];
  if (isAscending(rows)) {
    const splitOf = splitMarks(rows);
    for (let k = 0; k < n; k++) splitOf[grouped[k]] = assign[k];
    const [train, validation, test] = partitionAscending(rows, splitOf, sizes);
    return { train, validation, test };
  }
  const out = sizes.map((size) => new Int32Array(size));
  const at = [0, 0, 0];
  for (let i = 0; i < n; i++) out[assign[i]][at[assign[i]]++] = grouped[i];
  return { train: out[0].sort(), validation: out[1].sort(), test: out[2].sort() };
}

/**
 * Earliest rows to train, then validation, then the latest to test, each in time order (ties by
 * row number). Rows with a missing time (NaN) must be left out by the caller.
 */
export function timeSplit(rows: Int32Array, times: Float64Array, f: SplitFractions): SplitIndices {
  checkFractions(f);
  const order = rows.slice().sort((x, y) => times[x] - times[y] || x - y);
  const c = splitCounts(order.length, f);
  return {
    train: order.slice(0, c.train),
    validation: order.slice(c.train, c.train + c.validation),
    test: order.slice(c.train + c.validation)
  };
}
