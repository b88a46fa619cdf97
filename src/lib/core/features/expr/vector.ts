/**
 * Columnar values the evaluator passes between nodes. Every node evaluates to one whole vector:
 *
 *   NumVec   Float64Array; NaN = missing. Numbers and datetimes (epoch ms).
 *   BoolVec  Uint8Array holding FALSE = 0, UNKNOWN = 1 (missing), TRUE = 2. With this order
 *            Kleene's three-valued logic is plain arithmetic: and = min, or = max, not = 2 − x.
 *   StrVec   Int32Array codes into `dictionary`, -1 = missing (the Frame's own convention), so
 *            string functions run once per distinct value and rows are mapped by code.
 *
 * `stride` is 1 for a full column of `rows` values and 0 for a constant held in a length-1 array:
 * kernels index `values[i * stride]`, so a constant broadcasts without being copied, and an
 * expression made only of constants is computed once.
 */
export const FALSE = 0;
export const UNKNOWN = 1;
export const TRUE = 2;

export type Stride = 0 | 1;

export interface NumVec {
  kind: 'number';
  values: Float64Array;
  stride: Stride;
}

export interface BoolVec {
  kind: 'bool';
  values: Uint8Array;
  stride: Stride;
}

export interface StrVec {
  kind: 'string';
  codes: Int32Array;
  dictionary: string[];
  stride: Stride;
}

export type Vec = NumVec | BoolVec | StrVec;

export function numConst(x: number): NumVec {
  return { kind: 'number', values: Float64Array.of(x), stride: 0 };
}

export function boolConst(b: number): BoolVec {
  return { kind: 'bool', values: Uint8Array.of(b), stride: 0 };
}

export function strConst(s: string | null): StrVec {
  return s === null
    ? { kind: 'string', codes: Int32Array.of(-1), dictionary: [], stride: 0 }
    : { kind: 'string', codes: Int32Array.of(0), dictionary: [s], stride: 0 };
}

/** Length and stride of a result computed from `inputs`: a constant only if all inputs are. */
export function shape(rows: number, ...inputs: Vec[]): { len: number; stride: Stride } {
  for (const v of inputs) if (v.stride === 1) return { len: rows, stride: 1 };
  return { len: 1, stride: 0 };
}

export function asNum(v: Vec): NumVec {
  if (v.kind !== 'number') throw new Error(`internal: expected a number vector, got ${v.kind}`);
  return v;
}

export function asBool(v: Vec): BoolVec {
  if (v.kind !== 'bool') throw new Error(`internal: expected a boolean vector, got ${v.kind}`);
  return v;
}

export function asStr(v: Vec): StrVec {
  if (v.kind !== 'string') throw new Error(`internal: expected a string vector, got ${v.kind}`);
  return v;
}

/** Expands a constant to a full column (used only at the very end, when a column is made). */
export function broadcastNum(v: NumVec, rows: number): Float64Array {
  return v.stride === 1 ? v.values : new Float64Array(rows).fill(v.values[0]);
}

/**
 * Maps codes through a lookup table indexed by code + 1 (slot 0 is the missing code -1).
 * One typed-array read per row; this is how every dictionary-computed result reaches the rows.
 */
export function mapCodes<T extends Float64Array | Uint8Array | Int32Array>(
  codes: Int32Array,
  lut: T,
  out: T
): T {
  for (let i = 0; i < out.length; i++) out[i] = lut[codes[i] + 1];
  return out;
}

/** Builds a string vector by computing `f` once per dictionary entry; `null` means missing. */
export function mapStrings(v: StrVec, f: (s: string) => string | null): StrVec {
  const dictionary: string[] = [];
  const index = new Map<string, number>();
  const lut = new Int32Array(v.dictionary.length + 1);
  lut[0] = -1;
  for (let c = 0; c < v.dictionary.length; c++) {
    const s = f(v.dictionary[c]);
    if (s === null) {
      lut[c + 1] = -1;
      continue;
    }
    let code = index.get(s);
    if (code === undefined) {
      code = dictionary.length;
      dictionary.push(s);
      index.set(s, code);
    }
    lut[c + 1] = code;
  }
  const codes = mapCodes(v.codes, lut, new Int32Array(v.codes.length));
  return { kind: 'string', codes, dictionary, stride: v.stride };
}

/** A number per dictionary entry (missing rows get `missing`). */
export function stringsToNum(v: StrVec, f: (s: string) => number, missing = NaN): NumVec {
  const lut = new Float64Array(v.dictionary.length + 1);
  lut[0] = missing;
  for (let c = 0; c < v.dictionary.length; c++) lut[c + 1] = f(v.dictionary[c]);
  const values = mapCodes(v.codes, lut, new Float64Array(v.codes.length));
  return { kind: 'number', values, stride: v.stride };
}

/** A truth value per dictionary entry (missing rows get `missing`). */
export function stringsToBool(v: StrVec, f: (s: string) => boolean, missing: number): BoolVec {
  const lut = new Uint8Array(v.dictionary.length + 1);
  lut[0] = missing;
  for (let c = 0; c < v.dictionary.length; c++) lut[c + 1] = f(v.dictionary[c]) ? TRUE : FALSE;
  const values = mapCodes(v.codes, lut, new Uint8Array(v.codes.length));
  return { kind: 'bool', values, stride: v.stride };
}

/**
 * Distinct (a, b) code pairs occurring in the rows, and each row's pair id, so a two-argument
 * string function runs once per distinct pair. With a constant on either side the pairs are just
 * the other side's dictionary (no hashing per row).
 */
export interface Pairs {
  a: Int32Array;
  b: Int32Array;
  ids: Int32Array;
  stride: Stride;
}

export function pairs(x: StrVec, y: StrVec, rows: number): Pairs {
  if (x.stride === 0 && y.stride === 0) {
    return { a: x.codes.slice(0, 1), b: y.codes.slice(0, 1), ids: Int32Array.of(0), stride: 0 };
  }
  if (x.stride === 0 || y.stride === 0) {
    const [vec, fixed] = x.stride === 1 ? [x, y.codes[0]] : [y, x.codes[0]];
    const count = vec.dictionary.length + 1;
    const varying = new Int32Array(count);
    for (let k = 0; k < count; k++) varying[k] = k - 1;
    const constant = new Int32Array(count).fill(fixed);
    const ids = new Int32Array(rows);
    const codes = vec.codes;
    for (let i = 0; i < rows; i++) ids[i] = codes[i] + 1;
    return x.stride === 1
      ? { a: varying, b: constant, ids, stride: 1 }
      : { a: constant, b: varying, ids, stride: 1 };
  }
  const width = y.dictionary.length + 1;
  const index = new Map<number, number>();
  const a: number[] = [];
  const b: number[] = [];
  const ids = new Int32Array(rows);
  const xc = x.codes;
  const yc = y.codes;
  for (let i = 0; i < rows; i++) {
    const key = (xc[i] + 1) * width + (yc[i] + 1);
    let id = index.get(key);
    if (id === undefined) {
      id = a.length;
      a.push(xc[i]);
      b.push(yc[i]);
      index.set(key, id);
    }
    ids[i] = id;
  }
  return { a: Int32Array.from(a), b: Int32Array.from(b), ids, stride: 1 };
}

/**
 * One dictionary for several string vectors: `luts[k][c + 1]` is the unified code of vector k's
 * code c (slot 0 maps missing to -1). Equal strings get one code even if a source dictionary
 * repeats a string.
 */
export function unifyDictionaries(vecs: StrVec[]): { dictionary: string[]; luts: Int32Array[] } {
  const dictionary: string[] = [];
  const index = new Map<string, number>();
  const luts = vecs.map((v) => {
    const lut = new Int32Array(v.dictionary.length + 1);
    lut[0] = -1;
    for (let c = 0; c < v.dictionary.length; c++) {
      const s = v.dictionary[c];
      let code = index.get(s);
      if (code === undefined) {
        code = dictionary.length;
        dictionary.push(s);
        index.set(s, code);
      }
      lut[c + 1] = code;
    }
    return lut;
  });
  return { dictionary, luts };
}

export type NumBinaryOp = '+' | '-' | '*' | '/' | '%' | '^' | 'min' | 'max' | 'log' | 'round';

/**
 * Element-wise numeric operation. IEEE 754 throughout: x/0 = ±Infinity, 0/0 = NaN, x % 0 = NaN;
 * `%` keeps the dividend's sign (-7 % 3 = -1, like C, JS and SQL). NaN (missing) in either
 * operand gives NaN — including for `^` (where IEEE would say NaN^0 = 1 and 1^NaN = 1).
 */
export function numBinary(op: NumBinaryOp, a: NumVec, b: NumVec, rows: number): NumVec {
  const { len, stride } = shape(rows, a, b);
  const x = a.values;
  const y = b.values;
  const sa = a.stride;
  const sb = b.stride;
  const out = new Float64Array(len);
  switch (op) {
    case '+':
      for (let i = 0; i < len; i++) out[i] = x[i * sa] + y[i * sb];
      break;
    case '-':
      for (let i = 0; i < len; i++) out[i] = x[i * sa] - y[i * sb];
      break;
    case '*':
      for (let i = 0; i < len; i++) out[i] = x[i * sa] * y[i * sb];
      break;
    case '/':
      for (let i = 0; i < len; i++) out[i] = x[i * sa] / y[i * sb];
      break;
    case '%':
      for (let i = 0; i < len; i++) out[i] = x[i * sa] % y[i * sb];
      break;
    case '^':
      for (let i = 0; i < len; i++) {
        const p = x[i * sa];
        const q = y[i * sb];
        out[i] = p !== p || q !== q ? NaN : p ** q;
      }
      break;
    case 'min':
      for (let i = 0; i < len; i++) out[i] = Math.min(x[i * sa], y[i * sb]);
      break;
    case 'max':
      for (let i = 0; i < len; i++) out[i] = Math.max(x[i * sa], y[i * sb]);
      break;
    case 'log':
      for (let i = 0; i < len; i++) out[i] = Math.log(x[i * sa]) / Math.log(y[i * sb]);
      break;
    case 'round':
      for (let i = 0; i < len; i++) out[i] = roundTo(x[i * sa], y[i * sb]);
      break;
  }
  return { kind: 'number', values: out, stride };
}

/**
 * Rounds half away from zero at `digits` decimals (negative digits round to tens, hundreds…;
 * fractional digits are truncated toward zero). Works on the binary value, like Python's round
 * without the ties-to-even rule: 2.5 → 3, -2.5 → -3, but 1.005 is stored as 1.00499… → 1.
 */
export function roundTo(x: number, digits: number): number {
  if (x !== x || digits !== digits) return NaN;
  if (!Number.isFinite(x)) return x;
  const d = Math.trunc(digits);
  if (d > 300) return x;
  if (d < -308) return x < 0 ? -0 : 0;
  const ax = Math.abs(x);
  let r: number;
  if (d === 0) r = Math.round(ax);
  else if (d > 0) {
    const m = 10 ** d;
    const scaled = ax * m;
    if (!Number.isFinite(scaled) || scaled >= 2 ** 52) return x;
    r = Math.round(scaled) / m;
  } else {
    const m = 10 ** -d;
    r = Math.round(ax / m) * m;
  }
  return x < 0 ? -r : r;
}
