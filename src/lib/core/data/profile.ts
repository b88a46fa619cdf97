import * as arrow from 'apache-arrow';
import {
  COLUMN_TYPES,
  TYPE_METADATA_KEY,
  type ColumnProfile,
  type ColumnType,
  type DatasetProfile,
  type HistogramBin
} from './types';
import { LatheError } from '../base/errors';

const HISTOGRAM_BINS = 20;
const TOP_CATEGORIES = 10;
/** Numeric columns are counted exactly up to this many distinct values, then by HyperLogLog. */
const EXACT_DISTINCT_LIMIT = 100_000;
const HLL_BITS = 14;
const QUANTILES = [0.05, 0.25, 0.5, 0.75, 0.95] as const;

/**
 * Profiles every column of the table. Policies: NaN in a float column counts as missing (like
 * pandas); ±Infinity counts as present and infinite, and numeric statistics use finite values only;
 * std of fewer than two values is NaN; dictionary entries are assumed unique within a dictionary.
 */
export function profileTable(table: arrow.Table): DatasetProfile {
  const columns = table.schema.fields.map((field, i) => {
    const vector = table.getChildAt(i);
    return profileColumn(field, vector ? vector.data : [], table.numRows);
  });
  return { rows: table.numRows, columns };
}

function profileColumn(
  field: arrow.Field,
  chunks: readonly arrow.Data[],
  rows: number
): ColumnProfile {
  const type = semanticType(field);
  const t = field.type;
  if (arrow.DataType.isInt(t) || arrow.DataType.isFloat(t)) {
    return profileNumeric(field.name, type, chunks, rows, 1);
  }
  if (arrow.DataType.isTimestamp(t)) {
    const scale = [1000, 1, 1e-3, 1e-6][t.unit];
    return profileNumeric(field.name, type, chunks, rows, scale);
  }
  if (arrow.DataType.isDate(t)) {
    return profileNumeric(
      field.name,
      type,
      chunks,
      rows,
      t.unit === arrow.DateUnit.DAY ? 864e5 : 1
    );
  }
  if (arrow.DataType.isBool(t)) return profileBoolean(field.name, type, chunks, rows);
  if (arrow.DataType.isDictionary(t) || arrow.DataType.isUtf8(t)) {
    return profileStrings(field.name, type, chunks, rows);
  }
  throw new LatheError(
    'UNSUPPORTED_COLUMN_TYPE',
    `Column "${field.name}" has Arrow type ${String(t)}, which Lathe cannot profile.`,
    { column: field.name }
  );
}

function semanticType(field: arrow.Field): ColumnType {
  const declared = field.metadata.get(TYPE_METADATA_KEY);
  if (declared && (COLUMN_TYPES as readonly string[]).includes(declared)) {
    return declared as ColumnType;
  }
  const t = field.type;
  if (arrow.DataType.isInt(t)) return 'integer';
  if (arrow.DataType.isFloat(t)) return 'float';
  if (arrow.DataType.isBool(t)) return 'boolean';
  if (arrow.DataType.isTimestamp(t) || arrow.DataType.isDate(t)) return 'datetime';
  return 'categorical';
}

function isValid(bitmap: Uint8Array, index: number): boolean {
  return ((bitmap[index >> 3] >> (index & 7)) & 1) === 1;
}

function nullBitmap(data: arrow.Data): Uint8Array | null {
  return data.nullCount > 0 && data.nullBitmap ? data.nullBitmap : null;
}

// ---------------------------------------------------------------------------------------------
// Numeric and datetime

interface Gathered {
  /** Finite values, -0 normalized to 0. */
  values: Float64Array;
  missing: number;
  posInf: number;
  negInf: number;
}

function gatherNumeric(chunks: readonly arrow.Data[], rows: number, scale: number): Gathered {
  const out = new Float64Array(rows);
  let n = 0;
  let missing = 0;
  let posInf = 0;
  let negInf = 0;
  for (const data of chunks) {
    const src = numberView(data.values as ArrayLike<number | bigint>, data.length, scale);
    const bitmap = nullBitmap(data);
    const off = data.offset;
    for (let i = 0; i < data.length; i++) {
      if (bitmap !== null && !isValid(bitmap, off + i)) {
        missing++;
        continue;
      }
      const v = src[i];
      if (v - v === 0) out[n++] = v + 0;
      else if (v !== v) missing++;
      else if (v > 0) posInf++;
      else negInf++;
    }
  }
  return { values: out.subarray(0, n), missing, posInf, negInf };
}

/** 64-bit integers (timestamps) read through an Int32 view: no BigInt per value. */
function numberView(values: ArrayLike<number | bigint>, length: number, scale: number) {
  if (values instanceof BigInt64Array || values instanceof BigUint64Array) {
    const words = new Int32Array(values.buffer, values.byteOffset, length * 2);
    const out = new Float64Array(length);
    const signed = values instanceof BigInt64Array;
    for (let i = 0; i < length; i++) {
      const hi = signed ? words[2 * i + 1] : words[2 * i + 1] >>> 0;
      out[i] = (hi * 4294967296 + (words[2 * i] >>> 0)) * scale;
    }
    return out;
  }
  const numbers = values as ArrayLike<number>;
  if (scale === 1) return numbers;
  const out = new Float64Array(length);
  for (let i = 0; i < length; i++) out[i] = numbers[i] * scale;
  return out;
}

function profileNumeric(
  name: string,
  type: ColumnType,
  chunks: readonly arrow.Data[],
  rows: number,
  scale: number
): ColumnProfile {
  const { values, missing, posInf, negInf } = gatherNumeric(chunks, rows, scale);
  const n = values.length;
  const infinite = posInf + negInf;
  const { distinct, approximate } = countDistinct(values);
  const profile: ColumnProfile = {
    name,
    type,
    count: rows - missing,
    missing,
    distinct: distinct + (posInf > 0 ? 1 : 0) + (negInf > 0 ? 1 : 0),
    distinctApproximate: approximate
  };
  if (n === 0 && infinite === 0) return profile;

  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  let zeros = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v < min) min = v;
    if (v > max) max = v;
    if (v === 0) zeros++;
    sum += v;
  }
  const mean = n > 0 ? sum / n : NaN;
  let squares = 0;
  for (let i = 0; i < n; i++) {
    const d = values[i] - mean;
    squares += d * d;
  }
  const histogram =
    n === 0
      ? []
      : type === 'integer' && max - min < HISTOGRAM_BINS
        ? unitHistogram(values, min, max)
        : histogramOf(values, min, max);
  const [p05, p25, p50, p75, p95] = quantiles(values, QUANTILES, min, max);
  profile.numeric = {
    min: n > 0 ? min : NaN,
    max: n > 0 ? max : NaN,
    mean,
    std: n > 1 ? Math.sqrt(squares / (n - 1)) : NaN,
    quantiles: { p05, p25, p50, p75, p95 },
    zeros,
    infinite,
    histogram
  };
  return profile;
}

/** numpy.histogram(values, bins=20), edge rounding included; a constant gives one [v, v] bin. */
function histogramOf(values: Float64Array, min: number, max: number): HistogramBin[] {
  if (min === max) return [{ lo: min, hi: max, count: values.length }];
  const bins = HISTOGRAM_BINS;
  const delta = max - min;
  const step = delta / bins;
  const edges = new Float64Array(bins + 1);
  for (let k = 0; k < bins; k++) edges[k] = k * step + min;
  edges[bins] = max;
  const counts = new Float64Array(bins);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    let k = Math.trunc(((v - min) / delta) * bins);
    if (k === bins) k--;
    if (v < edges[k]) k--;
    else if (k !== bins - 1 && v >= edges[k + 1]) k++;
    counts[k]++;
  }
  return Array.from(counts, (count, k) => ({ lo: edges[k], hi: edges[k + 1], count }));
}

/** Integer columns spanning fewer than 20 values: one bin [k, k + 1) per integer. */
function unitHistogram(values: Float64Array, min: number, max: number): HistogramBin[] {
  const counts = new Float64Array(Math.floor(max - min) + 1);
  for (let i = 0; i < values.length; i++) counts[Math.floor(values[i] - min)]++;
  return Array.from(counts, (count, k) => ({ lo: min + k, hi: min + k + 1, count }));
}

/** numpy.quantile's default ('linear') method, by bucket selection instead of a full sort. */
function quantiles(
  values: Float64Array,
  qs: readonly number[],
  min: number,
  max: number
): number[] {
  const n = values.length;
  if (n === 0) return qs.map(() => NaN);
  const plan = qs.map((q) => {
    const virtual = n * q + (1 + q * -1) - 1;
    const below = Math.floor(virtual);
    const gamma = virtual - below;
    if (virtual >= n - 1) return { lo: n - 1, hi: n - 1, gamma };
    if (virtual < 0) return { lo: 0, hi: 0, gamma };
    return { lo: below, hi: below + 1, gamma };
  });
  const ranks = [...new Set(plan.flatMap((p) => [p.lo, p.hi]))].sort((a, b) => a - b);
  const found = new Map<number, number>();
  selectRanks(values, ranks, 0, min, max, found, 0);
  return plan.map(({ lo, hi, gamma }) => {
    const a = found.get(lo)!;
    const b = found.get(hi)!;
    const diff = b - a;
    return gamma >= 0.5 ? b - diff * (1 - gamma) : a + diff * gamma;
  });
}

const SELECT_BUCKETS = 2048;

/**
 * Finds the order statistics `ranks` (ascending, offset by `base`) of `values` in [min, max]:
 * counts values into equal-width buckets (a monotone map), then recurses into the few buckets
 * that hold a wanted rank. Linear time; small or deep subsets are sorted.
 */
function selectRanks(
  values: Float64Array,
  ranks: number[],
  base: number,
  min: number,
  max: number,
  found: Map<number, number>,
  depth: number
): void {
  const n = values.length;
  if (min === max) {
    for (const r of ranks) found.set(r, min);
    return;
  }
  if (n <= SELECT_BUCKETS || depth > 8) {
    const sorted = values.slice().sort();
    for (const r of ranks) found.set(r, sorted[r - base]);
    return;
  }
  const scale = SELECT_BUCKETS / (max - min);
  const last = SELECT_BUCKETS - 1;
  const counts = new Int32Array(SELECT_BUCKETS);
  for (let i = 0; i < n; i++) {
    const k = Math.trunc((values[i] - min) * scale);
    counts[k > last ? last : k]++;
  }
  const targets = new Map<number, { start: number; ranks: number[] }>();
  let bucket = 0;
  let start = base;
  for (const r of ranks) {
    while (start + counts[bucket] <= r) start += counts[bucket++];
    const target = targets.get(bucket);
    if (target) target.ranks.push(r);
    else targets.set(bucket, { start, ranks: [r] });
  }
  const slot = new Int16Array(SELECT_BUCKETS).fill(-1);
  const parts: { start: number; ranks: number[]; values: Float64Array; size: number }[] = [];
  for (const [k, target] of targets) {
    slot[k] = parts.length;
    parts.push({ ...target, values: new Float64Array(counts[k]), size: 0 });
  }
  const lo = new Float64Array(parts.length).fill(Infinity);
  const hi = new Float64Array(parts.length).fill(-Infinity);
  for (let i = 0; i < n; i++) {
    const v = values[i];
    const k = Math.trunc((v - min) * scale);
    const p = slot[k > last ? last : k];
    if (p < 0) continue;
    const part = parts[p];
    part.values[part.size++] = v;
    if (v < lo[p]) lo[p] = v;
    if (v > hi[p]) hi[p] = v;
  }
  parts.forEach((part, p) =>
    selectRanks(part.values, part.ranks, part.start, lo[p], hi[p], found, depth + 1)
  );
}

function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/** Exact with an open-addressing set up to EXACT_DISTINCT_LIMIT values, then HyperLogLog. */
function countDistinct(values: Float64Array): { distinct: number; approximate: boolean } {
  const n = values.length;
  if (n === 0) return { distinct: 0, approximate: false };
  const words = new Uint32Array(values.buffer, values.byteOffset, n * 2);
  let capacity = 16;
  while (capacity < 2 * Math.min(n, EXACT_DISTINCT_LIMIT + 1)) capacity *= 2;
  const mask = capacity - 1;
  const keys = new Float64Array(capacity);
  const used = new Uint8Array(capacity);
  let size = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    let slot = fmix32(fmix32(words[2 * i]) ^ words[2 * i + 1]) & mask;
    while (used[slot] === 1 && keys[slot] !== v) slot = (slot + 1) & mask;
    if (used[slot] === 0) {
      if (++size > EXACT_DISTINCT_LIMIT)
        return { distinct: hyperLogLog(words, n), approximate: true };
      used[slot] = 1;
      keys[slot] = v;
    }
  }
  return { distinct: size, approximate: false };
}

function hyperLogLog(words: Uint32Array, n: number): number {
  const m = 1 << HLL_BITS;
  const registers = new Uint8Array(m);
  for (let i = 0; i < n; i++) {
    const h = fmix32(fmix32(words[2 * i]) ^ words[2 * i + 1]);
    const index = h >>> (32 - HLL_BITS);
    const rank = Math.min(Math.clz32(h << HLL_BITS) + 1, 33 - HLL_BITS);
    if (rank > registers[index]) registers[index] = rank;
  }
  let sum = 0;
  let zeros = 0;
  for (let j = 0; j < m; j++) {
    sum += 2 ** -registers[j];
    if (registers[j] === 0) zeros++;
  }
  const estimate = ((0.7213 / (1 + 1.079 / m)) * m * m) / sum;
  if (estimate <= 2.5 * m && zeros > 0) return Math.round(m * Math.log(m / zeros));
  const two32 = 2 ** 32;
  if (estimate > two32 / 30) return Math.round(-two32 * Math.log(1 - estimate / two32));
  return Math.round(estimate);
}

// ---------------------------------------------------------------------------------------------
// Boolean

function profileBoolean(
  name: string,
  type: ColumnType,
  chunks: readonly arrow.Data[],
  rows: number
): ColumnProfile {
  let trueCount = 0;
  let missing = 0;
  for (const data of chunks) {
    const bits = data.values as Uint8Array;
    const bitmap = nullBitmap(data);
    const off = data.offset;
    for (let i = off; i < off + data.length; i++) {
      if (bitmap !== null && !isValid(bitmap, i)) missing++;
      else trueCount += (bits[i >> 3] >> (i & 7)) & 1;
    }
  }
  const falseCount = rows - missing - trueCount;
  return {
    name,
    type,
    count: rows - missing,
    missing,
    distinct: (trueCount > 0 ? 1 : 0) + (falseCount > 0 ? 1 : 0),
    distinctApproximate: false,
    boolean: { trueCount, falseCount }
  };
}

// ---------------------------------------------------------------------------------------------
// Categorical and text: counted per dictionary code, never decoded per row

/** Distinct UTF-8 strings with their counts; entry j is bytes[offsets[j]..offsets[j+1]). */
interface Tally {
  bytes: Uint8Array;
  offsets: Int32Array;
  counts: Float64Array;
}

interface Utf8Entries {
  bytes: Uint8Array;
  offsets: Int32Array;
  bitmap: Uint8Array | null;
  offset: number;
  length: number;
}

function utf8Entries(data: arrow.Data): Utf8Entries {
  return {
    bytes: data.values as Uint8Array,
    offsets: data.valueOffsets as Int32Array,
    bitmap: nullBitmap(data),
    offset: data.offset,
    length: data.length
  };
}

function profileStrings(
  name: string,
  type: ColumnType,
  chunks: readonly arrow.Data[],
  rows: number
): ColumnProfile {
  let missing = 0;
  const tallies: { entries: Utf8Entries; counts: Float64Array }[] = [];
  const dictionaries = new Map<unknown, { entries: Utf8Entries; counts: Float64Array }>();
  for (const data of chunks) {
    const bitmap = nullBitmap(data);
    const off = data.offset;
    if (data.dictionary) {
      let tally = dictionaries.get(data.dictionary);
      if (!tally) {
        const dict =
          data.dictionary.data.length === 1
            ? data.dictionary.data[0]
            : concatUtf8(data.dictionary.data);
        tally = { entries: utf8Entries(dict), counts: new Float64Array(dict.length) };
        dictionaries.set(data.dictionary, tally);
        tallies.push(tally);
      }
      const codes = data.values as Int32Array;
      const counts = tally.counts;
      for (let i = 0; i < data.length; i++) {
        if (bitmap !== null && !isValid(bitmap, off + i)) missing++;
        else counts[codes[i]]++;
      }
    } else {
      const counts = new Float64Array(data.length);
      for (let i = 0; i < data.length; i++) {
        if (bitmap !== null && !isValid(bitmap, off + i)) missing++;
        else counts[i] = 1;
      }
      tallies.push({ entries: utf8Entries(data), counts });
    }
  }
  for (const { entries, counts } of tallies) {
    if (entries.bitmap === null) continue;
    for (let j = 0; j < entries.length; j++) {
      if (counts[j] > 0 && !isValid(entries.bitmap, entries.offset + j)) {
        missing += counts[j];
        counts[j] = 0;
      }
    }
  }
  const tally =
    tallies.length === 1 && chunks[0].dictionary
      ? { ...tallies[0].entries, counts: tallies[0].counts }
      : mergeTallies(tallies);
  const count = rows - missing;
  let distinct = 0;
  let totalLength = 0;
  for (let j = 0; j < tally.counts.length; j++) {
    if (tally.counts[j] === 0) continue;
    distinct++;
    if (type === 'text') totalLength += tally.counts[j] * codePoints(tally, j);
  }
  const profile: ColumnProfile = {
    name,
    type,
    count,
    missing,
    distinct,
    distinctApproximate: false,
    top: topEntries(tally)
  };
  if (type === 'text' && count > 0) profile.meanLength = totalLength / count;
  return profile;
}

function concatUtf8(parts: readonly arrow.Data[]): arrow.Data {
  const strings: (string | null)[] = Array.from(
    new arrow.Vector(parts as arrow.Data<arrow.Utf8>[])
  );
  return arrow.vectorFromArray(strings, new arrow.Utf8()).data[0];
}

/** Several dictionaries (or plain Utf8 chunks): merge by decoded string, used entries only. */
function mergeTallies(tallies: { entries: Utf8Entries; counts: Float64Array }[]): Tally {
  const decoder = new TextDecoder();
  const merged = new Map<string, number>();
  for (const { entries, counts } of tallies) {
    for (let j = 0; j < counts.length; j++) {
      if (counts[j] === 0) continue;
      const key = decoder.decode(
        entries.bytes.subarray(entries.offsets[j], entries.offsets[j + 1])
      );
      merged.set(key, (merged.get(key) ?? 0) + counts[j]);
    }
  }
  const encoder = new TextEncoder();
  const encoded = [...merged.keys()].map((key) => encoder.encode(key));
  const offsets = new Int32Array(encoded.length + 1);
  encoded.forEach((e, j) => (offsets[j + 1] = offsets[j] + e.length));
  const bytes = new Uint8Array(offsets[encoded.length]);
  encoded.forEach((e, j) => bytes.set(e, offsets[j]));
  return { bytes, offsets, counts: Float64Array.from(merged.values()) };
}

function codePoints(tally: Tally, j: number): number {
  let n = 0;
  for (let b = tally.offsets[j]; b < tally.offsets[j + 1]; b++) {
    if ((tally.bytes[b] & 0xc0) !== 0x80) n++;
  }
  return n;
}

/** UTF-8 byte order is code point order, the order Python sorts strings in. */
function compareBytes(tally: Tally, a: number, b: number): number {
  const { bytes, offsets } = tally;
  const aEnd = offsets[a + 1];
  const bEnd = offsets[b + 1];
  for (let i = offsets[a], k = offsets[b]; i < aEnd && k < bEnd; i++, k++) {
    if (bytes[i] !== bytes[k]) return bytes[i] - bytes[k];
  }
  return aEnd - offsets[a] - (bEnd - offsets[b]);
}

function topEntries(tally: Tally): { value: string; count: number }[] {
  const { counts } = tally;
  const before = (a: number, b: number) =>
    counts[a] !== counts[b] ? counts[a] > counts[b] : compareBytes(tally, a, b) < 0;
  const top: number[] = [];
  for (let j = 0; j < counts.length; j++) {
    if (counts[j] === 0) continue;
    if (top.length === TOP_CATEGORIES) {
      if (!before(j, top[TOP_CATEGORIES - 1])) continue;
      top.pop();
    }
    let at = top.length;
    top.push(j);
    while (at > 0 && before(j, top[at - 1])) {
      top[at] = top[at - 1];
      at--;
    }
    top[at] = j;
  }
  const decoder = new TextDecoder();
  return top.map((j) => ({
    value: decoder.decode(tally.bytes.subarray(tally.offsets[j], tally.offsets[j + 1])),
    count: counts[j]
  }));
}
