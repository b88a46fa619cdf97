import { parseBoolean } from './builders';
import { parseDatetime } from './date';
import {
  describeReading,
  numericParts,
  parseNamedDate,
  parseNumericDate,
  type DateReading
} from './dateformat';
import { lexeme, parseNumber } from './number';
import { decodeBytes, isMissing } from './text';
import type { ColumnNote, ColumnType, IngestWarning } from './types';

/** Rows of a source read to infer column types. */
export const SAMPLE_ROWS = 2000;
/** An inferred column with more than this fraction of invalid values is re-read as text. */
export const WIDEN_INVALID_RATIO = 0.01;
/** Beyond this many misses no sample can fit a type (see `fits`). */
const MAX_SAMPLE_MISSES = SAMPLE_ROWS * WIDEN_INVALID_RATIO;
/**
 * A column of digit strings whose widths differ is identifiers when at least this share of its
 * values has leading zeros (a fixed-width column needs only one).
 */
export const IDENTIFIER_MIN_SHARE = 0.1;
/**
 * Unix times are recognised from 1973-03-03 to 2286-11-20: seconds in [1e8, 1e10),
 * milliseconds in [1e11, 1e13). Smaller numbers in a column named like a time are durations
 * or counts more often than times.
 */
const UNIX_SECONDS = [1e8, 1e10];
const UNIX_MILLIS = [1e11, 1e13];

/** What the values of a column say about its integer values as written. */
export interface DigitStats {
  /** Integer values counted. */
  values: number;
  /** Digit strings starting with 0 followed by more digits, not all zeros (00501, 007). */
  leadingZeros: number;
  /** The width every value has, or 0 when widths differ. */
  width: number;
  /** Some value had a sign: identifiers have none. */
  signed: boolean;
  example?: Example;
}

export interface Example {
  line: number;
  value: string;
}

/** Counts of values that only one order of a numeric date can read (13/06/1998 is dmy). */
export interface DateOrderEvidence {
  mdy: number;
  dmy: number;
  mdyExample?: Example;
  dmyExample?: Example;
}

/** A column's type as the sample says, and what the report should say about it. */
export interface Inference {
  type: ColumnType;
  /** datetime columns not in ISO 8601: how to read them. */
  date?: DateReading;
  /** How the values would best be read as dates, for a type forced to datetime without a format. */
  dateGuess?: DateReading;
  note?: ColumnNote;
  warning?: IngestWarning;
}

/**
 * Leading zeros mean the digits are a code (ZIP codes, account numbers), not a quantity: a
 * column of digit strings is identifiers when some have leading zeros and either every value
 * has the same width or at least IDENTIFIER_MIN_SHARE of them have leading zeros. A lone 0, a
 * sign or a decimal point rule it out.
 */
export function isIdentifier(d: DigitStats): boolean {
  return (
    !d.signed &&
    d.leadingZeros > 0 &&
    (d.width > 1 || d.leadingZeros >= d.values * IDENTIFIER_MIN_SHARE)
  );
}

function percent(part: number, whole: number): string {
  const p = (100 * part) / whole;
  return p > 0 && p < 1 ? 'under 1%' : `${Math.round(p)}%`;
}

function quote(x: Example | undefined): string {
  return x ? ` (e.g. "${x.value}"${x.line > 0 ? ` at line ${x.line}` : ''})` : '';
}

/** The identifier note; `sampled` when the counts are those of the type sample. */
export function identifierInference(name: string, d: DigitStats, sampled: boolean): Inference {
  const of = sampled ? `the first ${d.values.toLocaleString('en-US')} values` : 'its values';
  const share = `${percent(d.leadingZeros, d.values)} of ${of} have leading zeros${quote(d.example)}`;
  const why = d.width > 1 ? `all its values are ${d.width} digits wide and ${share}` : share;
  return {
    type: 'categorical',
    note: {
      column: name,
      kind: 'identifier',
      type: 'categorical',
      message: `"${name}" kept as text, not integer: ${why}, so they are identifiers (like ZIP codes or account numbers), not quantities. To read it as numbers anyway, set its type to integer and re-import.`
    }
  };
}

const TIME_WORDS = new Set(['time', 'timestamp', 'ts', 'datetime', 'date', 'epoch', 'unixtime']);

/** Names like timestamp, created_at, createdAt, event_ts, time, epoch, unix_time. */
export function looksLikeTimeName(name: string): boolean {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
  return words.some((w) => TIME_WORDS.has(w)) || (words.length > 1 && words.at(-1) === 'at');
}

function unixUnit(min: number, max: number): 's' | 'ms' | undefined {
  if (min >= UNIX_SECONDS[0] && max < UNIX_SECONDS[1]) return 's';
  if (min >= UNIX_MILLIS[0] && max < UNIX_MILLIS[1]) return 'ms';
  return undefined;
}

function dateNote(name: string, reading: DateReading, why: string): ColumnNote {
  return {
    column: name,
    kind: 'date-format',
    type: 'datetime',
    message: `"${name}" read as ${describeReading(reading)}${why}.`
  };
}

/** The note for a numeric date order that values like 13/06/1998 decided. */
export function decidedOrderNote(
  name: string,
  order: 'mdy' | 'dmy',
  example?: Example
): ColumnNote {
  const first = order === 'mdy' ? 'month' : 'day';
  const where = example && example.line > 0 ? ` (line ${example.line})` : '';
  const why = example ? `: "${example.value}"${where} can only be read ${first} first` : '';
  return dateNote(name, { kind: 'numeric', order }, why);
}

/** The warning for a numeric date column whose values never tell day from month. */
export function ambiguousOrderWarning(name: string, example?: Example): IngestWarning {
  return {
    code: 'AMBIGUOUS_DATES',
    message: `"${name}": no date in it has a day above 12${quote(example)}, so day and month cannot be told apart; it was read month first (MM/dd/yyyy), as pandas and most US software do. If the day comes first, set the column's date format to dd/MM/yyyy and re-import.`,
    details: { column: name, read: 'MM/dd/yyyy', other: 'dd/MM/yyyy' }
  };
}

type TextDateReading = Extract<DateReading, { kind: 'names' | 'numeric' }>;

const NAMES = 0;
const MDY = 1;
const DMY = 2;
const YMD = 3;

/**
 * Narrowest type that fits the non-missing sample values: boolean (true/false), integer (plain
 * integers within ±2^53), float (any number, ±Infinity), datetime (ISO), else categorical. A
 * type may leave up to WIDEN_INVALID_RATIO of the values unparsed — one stray `?` in a numeric
 * column should not turn it into text; those values are reported as invalid instead. A column
 * with no values at all is float. Categorical versus text is settled by the builder.
 * `infer` refines this: identifiers, other date forms and Unix times.
 */
export class TypeVote {
  values = 0;
  private notBoolean = 0;
  private notNumber = 0;
  private decimals = 0;
  private notDate = 0;
  private min = Infinity;
  private max = -Infinity;
  private integers = 0;
  private leadingZeros = 0;
  private width = -1;
  private signed = false;
  private zeroExample: Example | undefined;
  /** Values read by each other date form: NAMES, MDY, DMY, YMD. */
  private readonly dateHits = [0, 0, 0, 0];
  private bestDateHits = 0;
  private readonly dateExamples: (Example | undefined)[] = [];
  private readonly onlyExamples: (Example | undefined)[] = [];

  addBytes(b: Uint8Array, s: number, e: number, decimal: number, line = 0): void {
    if (isMissing(b, s, e)) return;
    this.values++;
    if (parseBoolean(b, s, e, false) < 0) this.notBoolean++;
    const v = parseNumber(b, s, e, decimal);
    if (v !== v) this.notNumber++;
    else {
      if (!lexeme.integer) this.decimals++;
      else this.addInteger(b, s, e, v, line);
      if (v < this.min) this.min = v;
      if (v > this.max) this.max = v;
    }
    const t = parseDatetime(b, s, e);
    if (t === t) this.hitDate(YMD);
    else {
      this.notDate++;
      if (v !== v && this.values - this.bestDateHits <= MAX_SAMPLE_MISSES) {
        this.addOtherDate(b, s, e, line);
      }
    }
  }

  private addInteger(b: Uint8Array, s: number, e: number, v: number, line: number): void {
    this.integers++;
    while (s < e && (b[s] === 32 || b[s] === 9)) s++;
    while (e > s && (b[e - 1] === 32 || b[e - 1] === 9)) e--;
    if (b[s] < 48 || b[s] > 57) {
      this.signed = true;
      return;
    }
    const w = e - s;
    this.width = this.width === -1 || this.width === w ? w : 0;
    if (b[s] === 48 && w > 1 && v !== 0) {
      this.leadingZeros++;
      this.zeroExample ??= { line, value: decodeBytes(b.subarray(s, e)) };
    }
  }

  /** ISO dates count for year-first numeric dates, which read them too. */
  private hitDate(k: number): void {
    this.dateHits[k]++;
    if (this.dateHits[k] > this.bestDateHits) this.bestDateHits = this.dateHits[k];
  }

  private addOtherDate(b: Uint8Array, s: number, e: number, line: number): void {
    const hit = (k: number) => {
      this.hitDate(k);
      this.dateExamples[k] ??= example();
    };
    const example = () => ({ line, value: decodeBytes(b.subarray(s, Math.min(e, s + 100))) });
    if (!Number.isNaN(parseNamedDate(b, s, e))) {
      hit(NAMES);
      return;
    }
    const mdy = parseNumericDate(b, s, e, 'mdy');
    const dotted = numericParts.separator === 46 && numericParts.first >= 0;
    const mdyOk = mdy === mdy && !dotted;
    const dmyOk = !Number.isNaN(parseNumericDate(b, s, e, 'dmy'));
    if (mdyOk) hit(MDY);
    if (dmyOk) hit(DMY);
    if (mdyOk && !dmyOk) this.onlyExamples[MDY] ??= example();
    if (dmyOk && !mdyOk && !dotted) this.onlyExamples[DMY] ??= example();
    if (!Number.isNaN(parseNumericDate(b, s, e, 'ymd'))) hit(YMD);
  }

  /** A JavaScript value; strings are parsed like CSV fields unless `typedSource` says they are text. */
  addValue(v: unknown, typedSource = false, line = 0): void {
    if (v === null || v === undefined || (typeof v === 'number' && v !== v)) return;
    if (typeof v === 'string' && !typedSource) {
      const bytes = new TextEncoder().encode(v);
      this.addBytes(bytes, 0, bytes.length, 46, line);
      return;
    }
    this.values++;
    if (typeof v !== 'boolean') this.notBoolean++;
    if (typeof v === 'number' || typeof v === 'bigint') {
      const x = Number(v);
      if (typeof v === 'number' && !Number.isSafeInteger(v)) this.decimals++;
      else {
        this.integers++;
        this.width = 0;
        if (x < 0) this.signed = true;
      }
      if (x < this.min) this.min = x;
      if (x > this.max) this.max = x;
    } else this.notNumber++;
    if (!(v instanceof Date)) this.notDate++;
  }

  private fits(misses: number): boolean {
    return misses < this.values && misses <= this.values * WIDEN_INVALID_RATIO;
  }

  get type(): ColumnType {
    if (this.values === 0) return 'float';
    if (this.fits(this.notBoolean)) return 'boolean';
    if (this.fits(this.notNumber)) return this.decimals === 0 ? 'integer' : 'float';
    if (this.fits(this.notDate)) return 'datetime';
    return 'categorical';
  }

  get digits(): DigitStats {
    return {
      values: this.integers,
      leadingZeros: this.leadingZeros,
      width: Math.max(0, this.width),
      signed: this.signed,
      example: this.zeroExample
    };
  }

  /** The other date form that reads most values (month-first when day and month tie). */
  private otherDate(): { reading: TextDateReading; hits: number } | undefined {
    const [names, mdy, dmy, ymd] = this.dateHits;
    let best: { reading: TextDateReading; hits: number } | undefined;
    const consider = (reading: TextDateReading, hits: number) => {
      if (hits > 0 && (!best || hits > best.hits)) best = { reading, hits };
    };
    consider({ kind: 'names' }, names);
    const undecided = !this.onlyExamples[MDY] && !this.onlyExamples[DMY];
    if (mdy >= dmy) consider({ kind: 'numeric', order: 'mdy', ambiguous: undecided }, mdy);
    else consider({ kind: 'numeric', order: 'dmy' }, dmy);
    consider({ kind: 'numeric', order: 'ymd' }, ymd);
    return best;
  }

  /** The type for column `name`, with identifiers, other date forms and Unix times told apart. */
  infer(name: string): Inference {
    const type = this.type;
    const numeric = type === 'integer' || type === 'float';
    const unit = numeric ? unixUnit(this.min, this.max) : undefined;
    const dateGuess: DateReading | undefined = unit
      ? { kind: 'unix', unit }
      : this.otherDate()?.reading;
    if (type === 'integer' && isIdentifier(this.digits)) {
      return { ...identifierInference(name, this.digits, true), dateGuess };
    }
    if (unit && looksLikeTimeName(name)) {
      const date: DateReading = { kind: 'unix', unit };
      const day = (x: number) => new Date(x * (unit === 's' ? 1000 : 1)).toISOString().slice(0, 10);
      const why = `: its name says time, and so read its numbers are dates from ${day(this.min)} to ${day(this.max)}. To keep the numbers, set its type to ${type} and re-import`;
      return { type: 'datetime', date, note: dateNote(name, date, why) };
    }
    if (type !== 'categorical') return { type, dateGuess };
    const other = this.otherDate();
    if (!other || !this.fits(this.values - other.hits)) return { type, dateGuess };
    const date = other.reading;
    const inference: Inference = { type: 'datetime', date };
    if (date.kind === 'names' || date.order === 'ymd') {
      inference.note = dateNote(
        name,
        date,
        quote(this.dateExamples[date.kind === 'names' ? NAMES : YMD])
      );
    } else if (date.ambiguous) {
      inference.note = dateNote(name, date, ': see the warning about its day and month');
      inference.warning = ambiguousOrderWarning(name, this.dateExamples[MDY]);
    } else if (date.order === 'dmy' && !this.onlyExamples[DMY]) {
      inference.note = dateNote(
        name,
        date,
        `: dates written with dots put the day first${quote(this.dateExamples[DMY])}`
      );
    } else {
      const k = date.order === 'mdy' ? MDY : DMY;
      inference.note = decidedOrderNote(name, date.order, this.onlyExamples[k]);
    }
    return inference;
  }
}

/** True when an inferred column's invalid values exceed WIDEN_INVALID_RATIO of its values. */
export function shouldWiden(invalid: number, nonMissing: number): boolean {
  return invalid > 0 && invalid > nonMissing * WIDEN_INVALID_RATIO;
}
