import { LatheError } from '../base/errors';
import { dateMillis } from './date';
import { parseNumber } from './number';

/** How a datetime column that is not ISO 8601 is read (ISO needs no reading). */
export type DateReading =
  | { kind: 'names' }
  | { kind: 'numeric'; order: DateOrder; ambiguous?: boolean }
  | { kind: 'unix'; unit: 's' | 'ms' }
  | { kind: 'pattern'; pattern: string };

/** Order of the parts of a numeric date: 06/12/1998 (mdy), 12/06/1998 (dmy), 1998/06/12 (ymd). */
export type DateOrder = 'mdy' | 'dmy' | 'ymd';

/** Epoch milliseconds (UTC unless the value names a zone) of bytes [s, e), or NaN. */
export type DateParser = (b: Uint8Array, s: number, e: number) => number;

/** Formats naming Unix time in seconds or milliseconds since 1970-01-01T00:00:00Z. */
export const UNIX_SECONDS_FORMAT = 'unix-s';
export const UNIX_MILLIS_FORMAT = 'unix-ms';
export const MAX_FORMAT_LENGTH = 64;

/** Where the last read helper stopped. */
let at = 0;

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isAlpha(c: number): boolean {
  const l = c | 32;
  return l >= 97 && l <= 122;
}

/** The value of `min` to `max` digits at i, or -1 when fewer than `min`; `at` is their end. */
function readDigits(b: Uint8Array, i: number, e: number, min: number, max: number): number {
  const start = i;
  let v = 0;
  while (i < e && i - start < max) {
    const d = b[i] - 48;
    if (d < 0 || d > 9) break;
    v = v * 10 + d;
    i++;
  }
  at = i;
  return i - start < min ? -1 : v;
}

function wordEnd(b: Uint8Array, i: number, e: number): number {
  while (i < e && isAlpha(b[i])) i++;
  return i;
}

function startsWord(b: Uint8Array, s: number, n: number, word: string): boolean {
  if (n > word.length) return false;
  for (let k = 0; k < n; k++) if ((b[s + k] | 32) !== word.charCodeAt(k)) return false;
  return true;
}

const MONTHS = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december'
];
const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];

/** 1–12 for an English month name, its three-letter abbreviation or "Sept" in [s, t); else 0. */
export function monthOf(b: Uint8Array, s: number, t: number): number {
  const n = t - s;
  if (n < 3) return 0;
  for (let m = 0; m < 12; m++) {
    const w = MONTHS[m];
    if ((n === 3 || n === w.length || (m === 8 && n === 4)) && startsWord(b, s, n, w)) return m + 1;
  }
  return 0;
}

function isWeekday(b: Uint8Array, s: number, t: number): boolean {
  const n = t - s;
  return n >= 3 && WEEKDAYS.some((w) => startsWord(b, s, n, w));
}

/** Skips date separators (space - / , .); `at` is past them; false when there were none. */
function separators(b: Uint8Array, i: number, e: number): boolean {
  const start = i;
  while (i < e) {
    const c = b[i];
    if (c !== 32 && c !== 45 && c !== 47 && c !== 44 && c !== 46) break;
    i++;
  }
  at = i;
  return i > start;
}

/** Past an English ordinal suffix (1st, 2nd, 3rd, 12th) at i, if there is one. */
function skipOrdinal(b: Uint8Array, i: number, e: number): number {
  if (i + 1 >= e || (i + 2 < e && isAlpha(b[i + 2]))) return i;
  const x = b[i] | 32;
  const y = b[i + 1] | 32;
  const ordinal =
    (x === 115 && y === 116) || // st
    (x === 110 && y === 100) || // nd
    (x === 114 && y === 100) || // rd
    (x === 116 && y === 104); // th
  return ordinal ? i + 2 : i;
}

/**
 * Offset in minutes of a zone at i — Z, UTC, GMT, or [UTC|GMT]±HH[[:]MM] — or NaN; `at` is
 * its end.
 */
function readZone(b: Uint8Array, i: number, e: number): number {
  const c = b[i] | 32;
  if (c === 122) {
    at = i + 1;
    return 0;
  }
  if (i + 3 <= e && (startsWord(b, i, 3, 'utc') || startsWord(b, i, 3, 'gmt'))) {
    i += 3;
    if (i === e || (b[i] !== 43 && b[i] !== 45)) {
      at = i;
      return 0;
    }
  }
  if (b[i] !== 43 && b[i] !== 45) return NaN;
  const sign = b[i] === 45 ? -1 : 1;
  const hh = readDigits(b, i + 1, e, 2, 2);
  if (hh < 0 || hh > 23) return NaN;
  i = at;
  let mm = 0;
  if (i < e && (b[i] === 58 || isDigit(b[i]))) {
    mm = readDigits(b, b[i] === 58 ? i + 1 : i, e, 2, 2);
    if (mm < 0 || mm > 59) return NaN;
    i = at;
  }
  at = i;
  return sign * (hh * 60 + mm);
}

/**
 * Milliseconds of what may follow a date at i, up to e: nothing (0), or [,] then 'T' or spaces,
 * H[H]:mm[:ss[.fff]], an optional AM/PM and an optional zone. NaN for anything else.
 */
function readTimeTail(b: Uint8Array, i: number, e: number): number {
  if (i === e) return 0;
  if (b[i] === 44) i++;
  if (i < e && (b[i] | 32) === 116) i++;
  else {
    const start = i;
    while (i < e && b[i] === 32) i++;
    if (i === start) return NaN;
  }
  let hour = readDigits(b, i, e, 1, 2);
  if (hour < 0 || at >= e || b[at] !== 58) return NaN;
  const minute = readDigits(b, at + 1, e, 2, 2);
  if (minute < 0 || minute > 59) return NaN;
  i = at;
  let ms = minute * 60000;
  if (i < e && b[i] === 58) {
    const second = readDigits(b, i + 1, e, 2, 2);
    if (second < 0 || second > 60) return NaN;
    ms += second * 1000;
    i = at;
    if (i + 1 < e && (b[i] === 46 || b[i] === 44) && isDigit(b[i + 1])) {
      i++;
      let scale = 100;
      let frac = 0;
      while (i < e && isDigit(b[i])) {
        frac += (b[i] - 48) * scale;
        scale /= 10;
        i++;
      }
      ms += Math.floor(frac);
    }
  }
  while (i < e && b[i] === 32) i++;
  const l = b[i] | 32;
  if (
    i + 1 < e &&
    (l === 97 || l === 112) &&
    (b[i + 1] | 32) === 109 &&
    (i + 2 === e || !isAlpha(b[i + 2]))
  ) {
    if (hour < 1 || hour > 12) return NaN;
    hour = (hour % 12) + (l === 112 ? 12 : 0);
    i += 2;
    while (i < e && b[i] === 32) i++;
  } else if (hour > 23) return NaN;
  ms += hour * 3600000;
  if (i === e) return ms;
  const zone = readZone(b, i, e);
  if (zone !== zone || at !== e) return NaN;
  return ms - zone * 60000;
}

function trimStart(b: Uint8Array, s: number, e: number): number {
  while (s < e && b[s] === 32) s++;
  return s;
}

function trimEnd(b: Uint8Array, s: number, e: number): number {
  while (e > s && b[e - 1] === 32) e--;
  return e;
}

/**
 * Dates with English month names, in any of the usual orders, with an optional weekday before
 * and time of day after: "Jun 12 1998", "June 12, 1998", "12 June 1998", "12-Jun-1998",
 * "1998 Jun 12", "Fri, 12 Jun 1998 14:03:05 +0200". Years have four digits.
 */
export function parseNamedDate(b: Uint8Array, s: number, e: number): number {
  s = trimStart(b, s, e);
  e = trimEnd(b, s, e);
  if (e - s < 8 || e - s > 80) return NaN;
  let i = s;
  if (isAlpha(b[i])) {
    const t = wordEnd(b, i, e);
    if (isWeekday(b, i, t)) {
      if (!separators(b, t, e)) return NaN;
      i = at;
    }
  }
  let y: number;
  let m: number;
  let d: number;
  if (isAlpha(b[i])) {
    const t = wordEnd(b, i, e);
    m = monthOf(b, i, t);
    if (!m || !separators(b, t, e)) return NaN;
    d = readDigits(b, at, e, 1, 2);
    if (d < 0 || !separators(b, skipOrdinal(b, at, e), e)) return NaN;
    y = readDigits(b, at, e, 4, 4);
    if (y < 0) return NaN;
  } else {
    const first = readDigits(b, i, e, 1, 4);
    const width = at - i;
    if (first < 0 || width === 3) return NaN;
    if (!separators(b, width === 4 ? at : skipOrdinal(b, at, e), e)) return NaN;
    const t = wordEnd(b, at, e);
    m = monthOf(b, at, t);
    if (!m || !separators(b, t, e)) return NaN;
    if (width === 4) {
      y = first;
      d = readDigits(b, at, e, 1, 2);
      if (d < 0) return NaN;
      at = skipOrdinal(b, at, e);
    } else {
      d = first;
      y = readDigits(b, at, e, 4, 4);
      if (y < 0) return NaN;
    }
  }
  const date = dateMillis(y, m, d);
  return date === date ? date + readTimeTail(b, at, e) : NaN;
}

/**
 * The two leading parts of the last numeric date read (-1 when it had no such shape) and its
 * separator: what tells day-first from month-first.
 */
export const numericParts = { first: -1, second: -1, separator: 0 };

/**
 * Numeric dates separated by / - or . — 06/12/1998 (mdy), 12.06.1998 (dmy), 1998/6/12 (ymd) —
 * with one- or two-digit day and month, a four-digit year and an optional time of day.
 */
export function parseNumericDate(b: Uint8Array, s: number, e: number, order: DateOrder): number {
  numericParts.first = -1;
  s = trimStart(b, s, e);
  e = trimEnd(b, s, e);
  if (e - s < 8) return NaN;
  const p1 = readDigits(b, s, e, 1, 4);
  const w1 = at - s;
  const sep = b[at];
  if (p1 < 0 || (sep !== 47 && sep !== 45 && sep !== 46)) return NaN;
  const p2 = readDigits(b, at + 1, e, 1, 2);
  if (p2 < 0 || b[at] !== sep) return NaN;
  const s3 = at + 1;
  const p3 = readDigits(b, s3, e, 1, 4);
  const w3 = at - s3;
  if (p3 < 0) return NaN;
  let y: number;
  let m: number;
  let d: number;
  if (w1 === 4 && w3 <= 2) {
    if (order !== 'ymd') return NaN;
    y = p1;
    m = p2;
    d = p3;
  } else if (w1 <= 2 && w3 === 4) {
    numericParts.first = p1;
    numericParts.second = p2;
    numericParts.separator = sep;
    if (order === 'ymd') return NaN;
    y = p3;
    m = order === 'mdy' ? p1 : p2;
    d = order === 'mdy' ? p2 : p1;
  } else return NaN;
  const date = dateMillis(y, m, d);
  return date === date ? date + readTimeTail(b, at, e) : NaN;
}

function unixParser(unit: 's' | 'ms'): DateParser {
  const scale = unit === 's' ? 1000 : 1;
  return (b, s, e) => {
    const v = parseNumber(b, s, e, 46);
    return Number.isFinite(v) ? Math.round(v * scale) : NaN;
  };
}

/** The reading a user's format stands for: Unix time for unix-s / unix-ms, else a pattern. */
export function readingOfFormat(format: string): DateReading {
  const f = format.trim();
  if (f === UNIX_SECONDS_FORMAT) return { kind: 'unix', unit: 's' };
  if (f === UNIX_MILLIS_FORMAT) return { kind: 'unix', unit: 'ms' };
  return { kind: 'pattern', pattern: f };
}

export function dateParser(reading: DateReading): DateParser {
  switch (reading.kind) {
    case 'names':
      return parseNamedDate;
    case 'numeric': {
      const order = reading.order;
      return (b, s, e) => parseNumericDate(b, s, e, order);
    }
    case 'unix':
      return unixParser(reading.unit);
    case 'pattern':
      return compileDateFormat(reading.pattern).parse;
  }
}

/** A reading in words, for the import report. */
export function describeReading(reading: DateReading): string {
  switch (reading.kind) {
    case 'names':
      return 'dates with month names';
    case 'numeric':
      return reading.order === 'mdy'
        ? 'month/day/year (MM/dd/yyyy)'
        : reading.order === 'dmy'
          ? 'day/month/year (dd/MM/yyyy)'
          : 'year/month/day (yyyy/MM/dd)';
    case 'unix':
      return `Unix time in ${reading.unit === 's' ? 'seconds' : 'milliseconds'} (${reading.unit === 's' ? UNIX_SECONDS_FORMAT : UNIX_MILLIS_FORMAT})`;
    case 'pattern':
      return `the format ${reading.pattern}`;
  }
}

type Field =
  'year' | 'year2' | 'month' | 'day' | 'hour' | 'hour12' | 'minute' | 'second' | 'fraction';

type Token =
  | { t: 'num'; field: Field; min: number; max: number; letters: number }
  | { t: 'month' | 'weekday' | 'ampm' | 'zone' | 'space' }
  | { t: 'literal'; code: number };

export interface DateFormat {
  pattern: string;
  parse: DateParser;
}

const FORMAT_HELP =
  "Use yyyy yy MM M MMM MMMM dd d HH H hh h a mm ss SSS EEE XXX (e.g. dd/MM/yyyy, MMM d yyyy, yyyy-MM-dd HH:mm:ss), put other letters in single quotes (e.g. 'T'), or write unix-s / unix-ms for Unix time.";

/** What is wrong with a format, before it is put into words for a message. */
class FormatProblem extends Error {}

/** Why `format` is not a valid date format (e.g. 'has no year (yyyy or yy)'), or undefined. */
export function dateFormatProblem(format: string): string | undefined {
  try {
    compile(format.trim());
    return undefined;
  } catch (error) {
    if (error instanceof FormatProblem) return error.message;
    throw error;
  }
}

/** Two-digit years: 69–99 are 1969–1999, 00–68 are 2000–2068 (as POSIX strptime's %y). */
function fullYear(yy: number): number {
  return yy >= 69 ? 1900 + yy : 2000 + yy;
}

function letterToken(letter: string, n: number, run: string, fail: (why: string) => never): Token {
  const num = (field: Field, min: number, max: number): Token => ({
    t: 'num',
    field,
    min,
    max,
    letters: n
  });
  switch (letter) {
    case 'y':
      if (n === 4) return num('year', 4, 4);
      if (n === 2) return num('year2', 2, 2);
      return fail(`has "${run}": write years as yyyy (1998) or yy (98)`);
    case 'M':
      if (n <= 2) return num('month', 1, 2);
      if (n <= 4) return { t: 'month' };
      break;
    case 'd':
      if (n <= 2) return num('day', 1, 2);
      break;
    case 'H':
      if (n <= 2) return num('hour', 1, 2);
      break;
    case 'h':
      if (n <= 2) return num('hour12', 1, 2);
      break;
    case 'm':
      if (n <= 2) return num('minute', 1, 2);
      break;
    case 's':
      if (n <= 2) return num('second', 1, 2);
      break;
    case 'S':
      if (n <= 9) return num('fraction', 1, 9);
      break;
    case 'a':
      if (n === 1) return { t: 'ampm' };
      break;
    case 'E':
      if (n === 3 || n === 4) return { t: 'weekday' };
      break;
    case 'X':
    case 'Z':
      if (n <= 3) return { t: 'zone' };
      break;
    default:
      return fail(`has the letter "${letter}", which is not a date field`);
  }
  return fail(`has "${run}", which is not a date field`);
}

const encoder = new TextEncoder();

/**
 * Compiles a date format of the usual pattern letters (yyyy yy MM M MMM MMMM dd d HH H hh h a
 * mm ss SSS EEE XXX; quoted 'text' and other characters match themselves, a space matches one
 * or more spaces), or unix-s / unix-ms. Numbers take one or two digits unless another number
 * follows directly (yyyyMMdd), when they take exactly as many as their letters. Throws
 * BAD_DATE_FORMAT naming what is wrong.
 */
export function compileDateFormat(format: string, column?: string): DateFormat {
  const pattern = format.trim();
  try {
    return compile(pattern);
  } catch (error) {
    if (!(error instanceof FormatProblem)) throw error;
    const where = column === undefined ? '' : `Column "${column}": `;
    throw new LatheError(
      'BAD_DATE_FORMAT',
      `${where}the date format "${pattern}" ${error.message}. ${FORMAT_HELP}`,
      { format: pattern, ...(column === undefined ? {} : { column }) }
    );
  }
}

function compile(pattern: string): DateFormat {
  const fail = (why: string): never => {
    throw new FormatProblem(why);
  };
  if (pattern.length === 0) fail('is empty');
  if (pattern.length > MAX_FORMAT_LENGTH) fail(`is longer than ${MAX_FORMAT_LENGTH} characters`);
  const reading = readingOfFormat(pattern);
  if (reading.kind === 'unix') return { pattern, parse: unixParser(reading.unit) };
  const tokens: Token[] = [];
  const literal = (text: string) => {
    for (const code of encoder.encode(text)) tokens.push({ t: 'literal', code: code | 0 });
  };
  for (let k = 0; k < pattern.length;) {
    const c = pattern[k];
    if (c === "'") {
      const close = pattern.indexOf("'", k + 1);
      if (close < 0) fail(`opens a quote at position ${k + 1} that is never closed`);
      literal(close === k + 1 ? "'" : pattern.slice(k + 1, close));
      k = close + 1;
    } else if (/[A-Za-z]/.test(c)) {
      let n = 1;
      while (pattern[k + n] === c) n++;
      tokens.push(letterToken(c, n, pattern.slice(k, k + n), fail));
      k += n;
    } else if (c === ' ') {
      if (tokens.at(-1)?.t !== 'space') tokens.push({ t: 'space' });
      k++;
    } else {
      literal(c);
      k++;
    }
  }
  const seen = new Set<string>();
  for (let k = 0; k < tokens.length; k++) {
    const tok = tokens[k];
    if (tok.t === 'literal' || tok.t === 'space') continue;
    const field = tok.t === 'num' ? tok.field.replace(/2|12/, '') : tok.t;
    if (seen.has(field)) fail(`gives the ${field} twice`);
    seen.add(field);
    const next = tokens[k + 1];
    if (tok.t === 'num' && next?.t === 'num') {
      if (tok.letters < 2 && tok.field !== 'fraction') {
        fail('has a one-letter number right before another number; use fixed widths like yyyyMMdd');
      }
      tok.min = tok.max = tok.field === 'year' ? 4 : tok.letters;
    }
  }
  if (!seen.has('year')) fail('has no year (yyyy or yy)');
  const twelve = tokens.some((t) => t.t === 'num' && t.field === 'hour12');
  if (twelve !== seen.has('ampm')) {
    fail(twelve ? 'has hh without a (AM/PM); use HH for 0–23' : 'has a (AM/PM) without hh');
  }
  const parse: DateParser = (b, s, e) => {
    s = trimStart(b, s, e);
    e = trimEnd(b, s, e);
    let i = s;
    let y = 0;
    let mo = 1;
    let d = 1;
    let h = 0;
    let mi = 0;
    let sec = 0;
    let ms = 0;
    let pm = false;
    let zone = 0;
    for (const tok of tokens) {
      switch (tok.t) {
        case 'num': {
          const v = readDigits(b, i, e, tok.min, tok.max);
          if (v < 0) return NaN;
          const width = at - i;
          i = at;
          switch (tok.field) {
            case 'year':
              y = v;
              break;
            case 'year2':
              y = fullYear(v);
              break;
            case 'month':
              mo = v;
              break;
            case 'day':
              d = v;
              break;
            case 'hour':
            case 'hour12':
              h = v;
              break;
            case 'minute':
              mi = v;
              break;
            case 'second':
              sec = v;
              break;
            case 'fraction':
              ms = width >= 3 ? Math.floor(v / 10 ** (width - 3)) : v * 10 ** (3 - width);
              break;
          }
          break;
        }
        case 'month': {
          const t = wordEnd(b, i, e);
          mo = monthOf(b, i, t);
          if (!mo) return NaN;
          i = t;
          break;
        }
        case 'weekday': {
          const t = wordEnd(b, i, e);
          if (!isWeekday(b, i, t)) return NaN;
          i = t;
          break;
        }
        case 'ampm': {
          const l = b[i] | 32;
          if ((l !== 97 && l !== 112) || i + 1 >= e || (b[i + 1] | 32) !== 109) return NaN;
          pm = l === 112;
          i += 2;
          break;
        }
        case 'zone':
          zone = readZone(b, i, e);
          if (zone !== zone) return NaN;
          i = at;
          break;
        case 'space':
          if (i >= e || b[i] !== 32) return NaN;
          while (i < e && b[i] === 32) i++;
          break;
        case 'literal': {
          const c = b[i];
          if (i >= e || (c !== tok.code && !(isAlpha(c) && (c | 32) === (tok.code | 32)))) {
            return NaN;
          }
          i++;
          break;
        }
      }
    }
    if (i !== e) return NaN;
    if (twelve) {
      if (h < 1 || h > 12) return NaN;
      h = (h % 12) + (pm ? 12 : 0);
    }
    if (h > 23 || mi > 59 || sec > 60) return NaN;
    const date = dateMillis(y, mo, d);
    return date + h * 3600000 + mi * 60000 + sec * 1000 + ms - zone * 60000;
  };
  return { pattern, parse };
}
