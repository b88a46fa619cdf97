import * as arrow from 'apache-arrow';
import { ByteDictionary } from './dictionary';
import { parseDatetime } from './date';
import { dateParser, numericParts, type DateParser, type DateReading } from './dateformat';
import type { DateOrderEvidence, DigitStats, Example } from './inference';
import { lexeme, parseNumber } from './number';
import { decodeBytes, encodeText, isMissing, unescapeQuotes, type TextEncodingName } from './text';
import type { ColumnType } from './types';

/**
 * Fields of a run of CSV records, row-major with `stride` slots per row. A start of -1 is a
 * field the record did not have; a start <= -2 is a quoted field with escaped quotes, whose
 * content begins at -start - 2.
 */
export interface FieldBatch {
  buf: Uint8Array;
  starts: Int32Array;
  ends: Int32Array;
  /** 1-based physical line where each record starts. */
  lines: Int32Array;
  rows: number;
  stride: number;
}

export interface BuiltColumn {
  data: arrow.Data;
  type: ColumnType;
  /** Values that did not parse as the column's type (they are null in `data`). */
  invalid: number;
  nonMissing: number;
  examples: { line: number; value: string }[];
  /** Inferred integer columns with leading zeros: what tells identifiers from numbers. */
  digits?: DigitStats;
  /** Numeric dates read in an order the sample could not decide: the values that can. */
  dateOrder?: DateOrderEvidence;
}

export interface BuilderOptions {
  name: string;
  type: ColumnType;
  /** The user forced `type`: never widen, and apply the looser parse rules. */
  forced: boolean;
  /** Byte of the decimal separator: 46 '.' or 44 ','. */
  decimal: number;
  encoding: TextEncodingName;
  capacity: number;
  /** datetime columns not in ISO 8601. */
  date?: DateReading;
}

/** Thrown when a string is not valid UTF-8: the reader restarts in windows-1252. */
export class EncodingFallback extends Error {
  constructor(
    readonly line: number,
    readonly column: string
  ) {
    super(`invalid UTF-8 at line ${line}, column ${column}`);
  }
}

const MAX_SAFE = 9007199254740991;
const MAX_EXAMPLES = 5;
const encoder = new TextEncoder();
let scratch = new Uint8Array(1024);

/** A shared buffer of at least `n` bytes; its content is valid until the next call. */
export function scratchBytes(n: number): Uint8Array {
  if (n > scratch.length) scratch = new Uint8Array(Math.max(n, scratch.length * 2));
  return scratch;
}

export abstract class ColumnBuilder {
  length = 0;
  nullCount = 0;
  invalid = 0;
  readonly examples: { line: number; value: string }[] = [];
  protected capacity: number;
  protected validity: Uint8Array | null = null;

  constructor(readonly options: BuilderOptions) {
    this.capacity = Math.max(8, options.capacity);
  }

  private lastInvalidRow = -1;

  /** Converts column `col` of every record of the batch. */
  abstract appendFields(batch: FieldBatch, col: number): void;
  /**
   * Stores the value held in bytes [s, e) at row `i` (below the reserved capacity). Storing the
   * same bytes at the same row twice has the effect of once: a parser may re-read a record.
   */
  abstract setBytes(i: number, b: Uint8Array, s: number, e: number, line: number): void;

  appendBytes(b: Uint8Array, s: number, e: number, line: number): void {
    this.ensure(1);
    this.setBytes(this.length, b, s, e, line);
    this.length++;
  }

  /** Stores a CSV field at row `i`; `escaped` fields have "" to unescape. */
  setField(i: number, b: Uint8Array, s: number, e: number, escaped: boolean, line: number): void {
    if (!escaped) {
      this.setBytes(i, b, s, e, line);
      return;
    }
    const scratch = scratchBytes(e - s);
    this.setBytes(i, scratch, 0, unescapeQuotes(b, s, e, scratch), line);
  }

  /** Makes room for rows [0, rows). */
  reserve(rows: number): void {
    if (rows > this.length) this.ensure(rows - this.length);
  }
  protected abstract appendNumber(v: number, line: number): void;
  protected abstract appendBoolean(v: boolean, line: number): void;
  protected abstract grow(capacity: number): void;
  abstract finish(): BuiltColumn;

  /** Appends a JavaScript value from JSON, Arrow or Parquet. */
  appendValue(v: unknown, line: number): void {
    if (v === null || v === undefined) this.appendNull();
    else if (typeof v === 'number') {
      if (v !== v) this.appendNull();
      else this.appendNumber(v, line);
    } else if (typeof v === 'boolean') this.appendBoolean(v, line);
    else if (typeof v === 'string') this.appendString(v, line);
    else if (typeof v === 'bigint') {
      if (v >= -MAX_SAFE && v <= MAX_SAFE) this.appendNumber(Number(v), line);
      else this.appendString(String(v), line);
    } else if (v instanceof Date) {
      const t = v.getTime();
      if (t === t) this.appendDate(t, line);
      else this.appendNull();
    } else this.appendString(stringifyNested(v), line);
  }

  appendString(v: string, line: number): void {
    const scratch = scratchBytes(v.length * 3);
    const { written } = encoder.encodeInto(v, scratch);
    this.appendBytes(scratch, 0, written, line);
  }

  protected appendDate(ms: number, line: number): void {
    this.appendString(new Date(ms).toISOString(), line);
  }

  appendNull(): void {
    this.ensure(1);
    this.setNull(this.length++);
  }

  appendNulls(n: number): void {
    for (let i = 0; i < n; i++) this.appendNull();
  }

  protected ensure(n: number): void {
    if (this.length + n <= this.capacity) return;
    const capacity = Math.max(Math.ceil(this.capacity * 1.5), this.length + n);
    this.grow(capacity);
    if (this.validity) {
      const v = new Uint8Array((capacity + 7) >> 3).fill(0xff);
      v.set(this.validity);
      this.validity = v;
    }
    this.capacity = capacity;
  }

  setNull(i: number): void {
    if (!this.validity) this.validity = new Uint8Array((this.capacity + 7) >> 3).fill(0xff);
    const bit = 1 << (i & 7);
    if (this.validity[i >> 3] & bit) {
      this.validity[i >> 3] &= ~bit;
      this.nullCount++;
    }
  }

  /** Records index `i` as null: missing when the bytes are a missing token, else invalid. */
  protected reject(b: Uint8Array, s: number, e: number, line: number, i: number): void {
    this.setNull(i);
    if (isMissing(b, s, e) || i === this.lastInvalidRow) return;
    this.lastInvalidRow = i;
    this.invalid++;
    if (this.examples.length < MAX_EXAMPLES) {
      let value = decodeBytes(b.subarray(s, Math.min(e, s + 400)), this.options.encoding);
      if (value.length > 100) value = value.slice(0, 100) + '…';
      this.examples.push({ line, value });
    }
  }

  protected rejectValue(v: unknown, line: number): void {
    this.appendString(typeof v === 'string' ? v : String(v), line);
  }

  /** Handles a field whose start is negative: absent (padded) or with escaped quotes. */
  protected appendSpecial(batch: FieldBatch, k: number, r: number): void {
    const s = batch.starts[k];
    if (s === -1) {
      this.appendNull();
      return;
    }
    this.ensure(1);
    this.setField(this.length++, batch.buf, -s - 2, batch.ends[k], true, batch.lines[r]);
  }

  protected bitmap(): Uint8Array | undefined {
    return this.validity ? this.validity.subarray(0, (this.length + 7) >> 3) : undefined;
  }

  protected result(data: arrow.Data, type: ColumnType): BuiltColumn {
    return {
      data,
      type,
      invalid: this.invalid,
      nonMissing: this.length - this.nullCount + this.invalid,
      examples: this.examples
    };
  }
}

export function stringifyNested(v: unknown): string {
  return JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString() : x)) ?? String(v);
}

/** integer and float columns: Float64 while reading; Int32 at the end when every value fits. */
export class NumericBuilder extends ColumnBuilder {
  values: Float64Array;
  private integral = true;
  private leadingZeros = 0;
  private zeroMinWidth = Infinity;
  private zeroMaxWidth = 0;
  /** The latest row with a leading zero, counted once the parser has moved past it. */
  private zeroRow = -1;
  private zeroWidth = 0;
  private zeroExample: Example | undefined;
  private zeroExampleRow = -1;

  constructor(options: BuilderOptions) {
    super(options);
    this.values = new Float64Array(this.capacity);
  }

  protected grow(capacity: number): void {
    const next = new Float64Array(capacity);
    next.set(this.values.subarray(0, this.length));
    this.values = next;
  }

  appendFields(batch: FieldBatch, col: number): void {
    const { buf, starts, ends, lines, rows, stride } = batch;
    this.ensure(rows);
    const values = this.values;
    const decimal = this.options.decimal;
    let n = this.length;
    for (let r = 0, k = col; r < rows; r++, k += stride) {
      const s = starts[k];
      if (s < 0) {
        this.length = n;
        this.appendSpecial(batch, k, r);
        n = this.length;
        continue;
      }
      const v = parseNumber(buf, s, ends[k], decimal);
      if (v === v) {
        if (!lexeme.integer && !this.acceptNonInteger(v)) this.reject(buf, s, ends[k], lines[r], n);
        else {
          values[n] = v;
          if (v > 0 && lexeme.integer && buf[s] <= 48) {
            this.noteLeadingZero(n, buf, s, ends[k], lines[r]);
          }
        }
      } else this.reject(buf, s, ends[k], lines[r], n);
      n++;
    }
    this.length = n;
  }

  markNonIntegral(): void {
    this.integral = false;
  }

  /**
   * Notes row `i` if its integer in bytes [s, e) is written with leading zeros. A parser may
   * store a row twice (the second time complete), so a row counts once the next one comes.
   */
  noteLeadingZero(i: number, b: Uint8Array, s: number, e: number, line: number): void {
    if (this.options.forced || this.options.type !== 'integer') return;
    while (s < e && (b[s] === 32 || b[s] === 9)) s++;
    while (e > s && (b[e - 1] === 32 || b[e - 1] === 9)) e--;
    if (b[s] !== 48 || e - s < 2) return;
    if (i !== this.zeroRow) {
      this.commitLeadingZero();
      this.zeroRow = i;
    }
    this.zeroWidth = e - s;
    if (!this.zeroExample || this.zeroExampleRow === i) {
      this.zeroExample = { line, value: decodeBytes(b.subarray(s, Math.min(e, s + 100))) };
      this.zeroExampleRow = i;
    }
  }

  private commitLeadingZero(): void {
    if (this.zeroRow < 0) return;
    this.leadingZeros++;
    this.zeroMinWidth = Math.min(this.zeroMinWidth, this.zeroWidth);
    this.zeroMaxWidth = Math.max(this.zeroMaxWidth, this.zeroWidth);
    this.zeroRow = -1;
  }

  /** Leading zeros, widths and signs over the valid values (run only when there were zeros). */
  private digitStats(values: Float64Array): DigitStats {
    let width = this.zeroMinWidth === this.zeroMaxWidth ? this.zeroMaxWidth : 0;
    const lo = 10 ** (width - 1);
    const hi = 10 ** width;
    const validity = this.validity;
    let count = 0;
    let offWidth = 0;
    let signed = false;
    for (let i = 0; i < values.length; i++) {
      if (validity && !(validity[i >> 3] & (1 << (i & 7)))) continue;
      const v = values[i];
      count++;
      if (v < 0) signed = true;
      if (v < lo || v >= hi) offWidth++;
    }
    // Leading-zero values are narrower than their width as numbers; any other is not fixed width.
    if (offWidth !== this.leadingZeros) width = 0;
    return {
      values: count,
      leadingZeros: this.leadingZeros,
      width,
      signed,
      example: this.zeroExample
    };
  }

  private acceptNonInteger(v: number): boolean {
    if (this.options.forced && this.options.type === 'integer') {
      return Number.isInteger(v) && Math.abs(v) <= MAX_SAFE;
    }
    this.integral = false;
    return true;
  }

  setBytes(i: number, b: Uint8Array, s: number, e: number, line: number): void {
    const v = parseNumber(b, s, e, this.options.decimal);
    if (v === v && (lexeme.integer || this.acceptNonInteger(v))) {
      this.values[i] = v;
      if (v > 0 && lexeme.integer && b[s] <= 48) this.noteLeadingZero(i, b, s, e, line);
    } else this.reject(b, s, e, line, i);
  }

  protected appendNumber(v: number, line: number): void {
    if (Number.isInteger(v) && Math.abs(v) <= MAX_SAFE) {
      this.ensure(1);
      this.values[this.length++] = v;
    } else if (this.acceptNonInteger(v)) {
      this.ensure(1);
      this.values[this.length++] = v;
    } else this.rejectValue(v, line);
  }

  protected appendBoolean(v: boolean, line: number): void {
    this.rejectValue(v, line);
  }

  protected override appendDate(ms: number): void {
    this.appendNumber(ms, 0);
  }

  finish(): BuiltColumn {
    const n = this.length;
    const values = this.values.subarray(0, n);
    const type: ColumnType = this.options.type === 'integer' && this.integral ? 'integer' : 'float';
    const nullBitmap = this.bitmap();
    if (type === 'integer') {
      let fits = true;
      for (let i = 0; i < n; i++) {
        const v = values[i];
        if (v > 2147483647 || v < -2147483648) {
          fits = false;
          break;
        }
      }
      if (fits) {
        const ints = new Int32Array(n);
        for (let i = 0; i < n; i++) ints[i] = values[i];
        const digits = this.leadingDigits(values);
        this.values = new Float64Array(0);
        const data = arrow.makeData({
          type: new arrow.Int32(),
          length: n,
          data: ints,
          nullBitmap,
          nullCount: this.nullCount
        });
        return { ...this.result(data, type), ...digits };
      }
    }
    const data = arrow.makeData({
      type: new arrow.Float64(),
      length: n,
      data: this.shrink(values),
      nullBitmap,
      nullCount: this.nullCount
    });
    return {
      ...this.result(data, type),
      ...(type === 'integer' ? this.leadingDigits(values) : {})
    };
  }

  private leadingDigits(values: Float64Array): { digits?: DigitStats } {
    this.commitLeadingZero();
    return this.leadingZeros > 0 ? { digits: this.digitStats(values) } : {};
  }

  private shrink(values: Float64Array): Float64Array {
    return values.length * 1.1 < this.values.length ? values.slice() : values;
  }
}

const TRUE_WORDS = ['true', 't', 'yes', 'y', '1'];
const FALSE_WORDS = ['false', 'f', 'no', 'n', '0'];

/** 1 for true, 0 for false, -1 otherwise. Inferred columns accept only true/false. */
export function parseBoolean(b: Uint8Array, s: number, e: number, loose: boolean): number {
  while (s < e && b[s] === 32) s++;
  while (e > s && b[e - 1] === 32) e--;
  const n = e - s;
  if (n === 4 || n === 5) {
    const word = n === 4 ? TRUE_WORDS[0] : FALSE_WORDS[0];
    let k = 0;
    while (k < n && (b[s + k] | 32) === word.charCodeAt(k)) k++;
    if (k === n) return n === 4 ? 1 : 0;
  }
  if (!loose || n > 3) return -1;
  let word = '';
  for (let i = s; i < e; i++) word += String.fromCharCode(b[i] | 32);
  if (TRUE_WORDS.includes(word)) return 1;
  if (FALSE_WORDS.includes(word)) return 0;
  return -1;
}

export class BooleanBuilder extends ColumnBuilder {
  private bits: Uint8Array;

  constructor(options: BuilderOptions) {
    super(options);
    this.bits = new Uint8Array((this.capacity + 7) >> 3);
  }

  protected grow(capacity: number): void {
    const next = new Uint8Array((capacity + 7) >> 3);
    next.set(this.bits);
    this.bits = next;
  }

  appendFields(batch: FieldBatch, col: number): void {
    const { buf, starts, ends, rows, stride } = batch;
    for (let r = 0, k = col; r < rows; r++, k += stride) {
      const s = starts[k];
      if (s < 0) this.appendSpecial(batch, k, r);
      else this.appendBytes(buf, s, ends[k], batch.lines[r]);
    }
  }

  setBytes(i: number, b: Uint8Array, s: number, e: number, line: number): void {
    const v = parseBoolean(b, s, e, this.options.forced);
    if (v < 0) this.reject(b, s, e, line, i);
    else if (v === 1) this.bits[i >> 3] |= 1 << (i & 7);
    else this.bits[i >> 3] &= ~(1 << (i & 7));
  }

  protected appendNumber(v: number, line: number): void {
    if (this.options.forced && (v === 0 || v === 1)) this.appendBoolean(v === 1);
    else this.rejectValue(v, line);
  }

  protected appendBoolean(v: boolean): void {
    this.ensure(1);
    const i = this.length++;
    if (v) this.bits[i >> 3] |= 1 << (i & 7);
  }

  finish(): BuiltColumn {
    const data = arrow.makeData({
      type: new arrow.Bool(),
      length: this.length,
      data: this.bits.subarray(0, (this.length + 7) >> 3),
      nullBitmap: this.bitmap(),
      nullCount: this.nullCount
    });
    return this.result(data, 'boolean');
  }
}

const TWO32 = 4294967296;

export class DatetimeBuilder extends ColumnBuilder {
  private values: Float64Array;
  /** null: ISO 8601, the fast path. */
  private readonly parse: DateParser | null;
  /** Milliseconds per unit of a number read as Unix time; 0 when numbers are not dates. */
  private readonly unixScale: number;
  private readonly order: DateOrderEvidence | null;
  private orderRow = -1;

  constructor(options: BuilderOptions) {
    super(options);
    this.values = new Float64Array(this.capacity);
    const date = options.date;
    this.parse = date ? dateParser(date) : null;
    this.unixScale = date?.kind === 'unix' ? (date.unit === 's' ? 1000 : 1) : 0;
    this.order = date?.kind === 'numeric' && date.ambiguous ? { mdy: 0, dmy: 0 } : null;
  }

  protected grow(capacity: number): void {
    const next = new Float64Array(capacity);
    next.set(this.values.subarray(0, this.length));
    this.values = next;
  }

  appendFields(batch: FieldBatch, col: number): void {
    const { buf, starts, ends, lines, rows, stride } = batch;
    this.ensure(rows);
    for (let r = 0, k = col; r < rows; r++, k += stride) {
      const s = starts[k];
      if (s < 0) {
        this.appendSpecial(batch, k, r);
        continue;
      }
      this.setBytes(this.length, buf, s, ends[k], lines[r]);
      this.length++;
    }
  }

  setBytes(i: number, b: Uint8Array, s: number, e: number, line: number): void {
    const v = this.parse === null ? parseDatetime(b, s, e) : this.parse(b, s, e);
    if (this.order !== null && i !== this.orderRow) this.noteOrder(i, b, s, e, line);
    if (v === v) this.values[i] = v;
    else this.reject(b, s, e, line, i);
  }

  /** After a numeric date was read: counts it if only one order can read it. */
  private noteOrder(i: number, b: Uint8Array, s: number, e: number, line: number): void {
    const { first, second } = numericParts;
    if (first < 0 || first > 12 === second > 12) return;
    const order = this.order as DateOrderEvidence;
    const example = { line, value: decodeBytes(b.subarray(s, Math.min(e, s + 100))) };
    this.orderRow = i;
    if (first > 12) {
      order.dmy++;
      order.dmyExample ??= example;
    } else {
      order.mdy++;
      order.mdyExample ??= example;
    }
  }

  protected appendNumber(v: number, line: number): void {
    if (this.unixScale === 0) this.rejectValue(v, line);
    else this.appendDate(Math.round(v * this.unixScale));
  }

  protected appendBoolean(v: boolean, line: number): void {
    this.rejectValue(v, line);
  }

  protected override appendDate(ms: number): void {
    this.ensure(1);
    this.values[this.length++] = ms;
  }

  finish(): BuiltColumn {
    const n = this.length;
    const words = new Int32Array(n * 2);
    for (let i = 0; i < n; i++) {
      const ms = Math.trunc(this.values[i]);
      const hi = Math.floor(ms / TWO32);
      words[2 * i] = ms - hi * TWO32;
      words[2 * i + 1] = hi;
    }
    this.values = new Float64Array(0);
    const data = arrow.makeData({
      type: new arrow.TimestampMillisecond('UTC'),
      length: n,
      data: new BigInt64Array(words.buffer, 0, n),
      nullBitmap: this.bitmap(),
      nullCount: this.nullCount
    });
    const result = this.result(data, 'datetime');
    return this.order ? { ...result, dateOrder: this.order } : result;
  }
}

/** Mean length (bytes) and words per distinct value at or above which a mostly-distinct column is text. */
export const TEXT_MIN_MEAN_BYTES = 20;
export const TEXT_MIN_MEAN_WORDS = 3;
/** Distinct values over non-missing values above which a column counts as mostly distinct. */
export const TEXT_MIN_DISTINCT_RATIO = 0.5;

/** categorical and text columns: Dictionary<Utf8, Int32> interned from bytes. */
export class StringBuilder extends ColumnBuilder {
  private indices: Int32Array;
  private readonly dict: ByteDictionary;

  constructor(options: BuilderOptions) {
    super(options);
    this.indices = new Int32Array(this.capacity);
    this.dict = new ByteDictionary(options.encoding === 'utf-8');
  }

  protected grow(capacity: number): void {
    const next = new Int32Array(capacity);
    next.set(this.indices.subarray(0, this.length));
    this.indices = next;
  }

  appendFields(batch: FieldBatch, col: number): void {
    const { buf, starts, ends, lines, rows, stride } = batch;
    this.ensure(rows);
    const dict = this.dict;
    for (let r = 0, k = col; r < rows; r++, k += stride) {
      const s = starts[k];
      if (s < 0) {
        this.appendSpecial(batch, k, r);
        continue;
      }
      const e = ends[k];
      if (isMissing(buf, s, e)) {
        this.setNull(this.length++);
        continue;
      }
      const idx = dict.intern(buf, s, e);
      if (idx < 0) throw new EncodingFallback(lines[r], this.options.name);
      this.indices[this.length++] = idx;
    }
  }

  setBytes(i: number, b: Uint8Array, s: number, e: number, line: number): void {
    if (isMissing(b, s, e)) this.setNull(i);
    else this.setIndex(i, this.dict.intern(b, s, e), line);
  }

  /** `setBytes` with the FNV-1a hash of the bytes already computed. */
  setHashed(i: number, b: Uint8Array, s: number, e: number, h: number, line: number): void {
    if ((e - s <= 4 || b[s] <= 32 || b[e - 1] <= 32) && isMissing(b, s, e)) this.setNull(i);
    else this.setIndex(i, this.dict.internHashed(b, s, e, h), line);
  }

  private setIndex(i: number, idx: number, line: number): void {
    if (idx < 0) throw new EncodingFallback(line, this.options.name);
    this.indices[i] = idx;
  }

  protected appendNumber(v: number, line: number): void {
    this.appendString(String(v), line);
  }

  protected appendBoolean(v: boolean, line: number): void {
    this.appendString(String(v), line);
  }

  finish(): BuiltColumn {
    let { bytes, offsets } = this.dict.seal();
    if (this.options.encoding !== 'utf-8') ({ bytes, offsets } = transcode(bytes, offsets));
    const n = this.length;
    const count = offsets.length - 1;
    const dictionary = arrow.makeVector(
      arrow.makeData({ type: new arrow.Utf8(), length: count, valueOffsets: offsets, data: bytes })
    );
    const data = arrow.makeData({
      type: new arrow.Dictionary(new arrow.Utf8(), new arrow.Int32()),
      length: n,
      data: this.indices.subarray(0, n),
      nullBitmap: this.bitmap(),
      nullCount: this.nullCount,
      dictionary
    });
    let type = this.options.type;
    if (!this.options.forced)
      type = isTextLike(bytes, offsets, n - this.nullCount) ? 'text' : 'categorical';
    return this.result(data, type);
  }
}

function isTextLike(bytes: Uint8Array, offsets: Int32Array, nonMissing: number): boolean {
  const count = offsets.length - 1;
  if (count === 0 || count <= nonMissing * TEXT_MIN_DISTINCT_RATIO) return false;
  if (bytes.length / count >= TEXT_MIN_MEAN_BYTES) return true;
  let words = 0;
  for (let i = 0; i < count; i++) {
    let inWord = false;
    for (let j = offsets[i]; j < offsets[i + 1]; j++) {
      const space = bytes[j] === 32 || bytes[j] === 9 || bytes[j] === 10 || bytes[j] === 13;
      if (!space && !inWord) words++;
      inWord = !space;
    }
  }
  return words / count >= TEXT_MIN_MEAN_WORDS;
}

function transcode(bytes: Uint8Array, offsets: Int32Array) {
  const count = offsets.length - 1;
  const parts: Uint8Array[] = [];
  const out = new Int32Array(count + 1);
  for (let i = 0; i < count; i++) {
    const part = encodeText(
      decodeBytes(bytes.subarray(offsets[i], offsets[i + 1]), 'windows-1252')
    );
    parts.push(part);
    out[i + 1] = out[i] + part.length;
  }
  const all = new Uint8Array(out[count]);
  for (let i = 0; i < count; i++) all.set(parts[i], out[i]);
  return { bytes: all, offsets: out };
}

export function createBuilder(options: BuilderOptions): ColumnBuilder {
  switch (options.type) {
    case 'integer':
    case 'float':
      return new NumericBuilder(options);
    case 'boolean':
      return new BooleanBuilder(options);
    case 'datetime':
      return new DatetimeBuilder(options);
    default:
      return new StringBuilder(options);
  }
}
