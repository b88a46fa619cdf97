import { civilFromDays, parseDatetime } from '../../data/date';
import { lowerCivilFromDays } from '../lowerkit';
import { parseNumber } from '../../data/number';
import { LatheError } from '../../base/errors';
import type { Value } from '../../onnx/graph';
import type { Emitter, Lowered } from './emit';
import { EXPR_LIMITS } from './errors';
import type { ExprType, Plan, ValueType } from './types';
import {
  FALSE as FALSE_,
  TRUE as TRUE_,
  UNKNOWN as UNKNOWN_,
  asBool,
  asNum,
  asStr,
  mapStrings,
  numBinary,
  numConst,
  pairs,
  shape,
  stringsToNum,
  unifyDictionaries,
  type BoolVec,
  type NumVec,
  type StrVec,
  type Vec
} from './vector';

/**
 * The function table. Names are case-insensitive; the table is a Map, so names such as
 * "constructor" or "__proto__" are plain unknown names. Every function propagates missing
 * values (NaN, missing string, unknown truth value) unless its purpose is to handle them
 * (isnull, coalesce). String functions run once per distinct dictionary value and map codes.
 * Each function also lowers itself to ONNX nodes (emit.ts) computing exactly what it evaluates,
 * or refuses the export saying why.
 */
export interface ArgInfo {
  type: ExprType;
  plan: Plan;
}

export interface TypeTools {
  /** The type of argument i if it is one of `allowed` (null counts as allowed[0]); else throws. */
  expect(i: number, allowed: readonly ValueType[]): ValueType;
  /** The common type of the given arguments (null when all are null); else throws at the first misfit. */
  unify(indices: number[], what: string): ExprType;
}

export interface Signature {
  /** Result type. */
  type: ExprType;
  /** The type each argument is evaluated as (decides what a `null` argument becomes). */
  args: ExprType[];
}

export interface FnSpec {
  name: string;
  /** Usage shown in messages and the editor, e.g. "round(x, digits?)". */
  signature: string;
  description: string;
  minArgs: number;
  maxArgs: number;
  check(args: ArgInfo[], tools: TypeTools): Signature;
  /** `type` and `argTypes` are the checked signature (a datetime arrives as a NumVec). */
  evaluate(args: Vec[], rows: number, type: ExprType, argTypes: ExprType[]): Vec;
  /** The same as ONNX nodes over the lowered arguments (lower.ts), or `call.refuse(why)`. */
  lower(args: Lowered[], k: Emitter, call: LowerCall): Lowered;
}

export interface LowerCall {
  type: ExprType;
  argTypes: ExprType[];
  /** Refuses the export: "… the formula "…" uses f(), which <why>". */
  refuse(why: string): never;
}

// Local copies: imported bindings can compile to property reads in hot loops.
const FALSE: number = FALSE_;
const UNKNOWN: number = UNKNOWN_;
const TRUE: number = TRUE_;

const DAY_MS = 86_400_000;
/** The range of JS dates; datetimes outside it have no calendar parts. */
const MAX_DATE_MS = 8.64e15;
const encoder = new TextEncoder();

type MathName = 'abs' | 'sqrt' | 'log' | 'log1p' | 'exp' | 'floor' | 'ceil';

function mathUnary(name: MathName, v: NumVec): NumVec {
  const a = v.values;
  const n = a.length;
  const out = new Float64Array(n);
  switch (name) {
    case 'abs':
      for (let i = 0; i < n; i++) out[i] = Math.abs(a[i]);
      break;
    case 'sqrt':
      for (let i = 0; i < n; i++) out[i] = Math.sqrt(a[i]);
      break;
    case 'log':
      for (let i = 0; i < n; i++) out[i] = Math.log(a[i]);
      break;
    case 'log1p':
      for (let i = 0; i < n; i++) out[i] = Math.log1p(a[i]);
      break;
    case 'exp':
      for (let i = 0; i < n; i++) out[i] = Math.exp(a[i]);
      break;
    case 'floor':
      for (let i = 0; i < n; i++) out[i] = Math.floor(a[i]);
      break;
    case 'ceil':
      for (let i = 0; i < n; i++) out[i] = Math.ceil(a[i]);
      break;
  }
  return { kind: 'number', values: out, stride: v.stride };
}

function mathUnaryNodes(name: MathName, k: Emitter, x: Value): Value {
  switch (name) {
    case 'abs':
      return k.num('Abs', x);
    case 'sqrt':
      return k.num('Sqrt', x);
    case 'log':
      return k.num('Log', x);
    case 'log1p':
      return log1pNodes(k, x);
    case 'exp':
      return k.num('Exp', x);
    case 'floor':
      return k.num('Floor', x);
    case 'ceil':
      return k.num('Ceil', x);
  }
}

/**
 * ONNX has no log1p, and log(1 + x) loses the digits of a small x. With u = 1 + x,
 * x · (log(u) / (u − 1)) is accurate to a few ulps (Goldberg 1991, theorem 4); u = 1 gives x
 * itself (so −0 stays −0), and x = +Infinity gives +Infinity.
 */
function log1pNodes(k: Emitter, x: Value): Value {
  const u = k.num('Add', x, k.double(1));
  const ratio = k.num('Div', k.num('Log', u), k.num('Sub', u, k.double(1)));
  const exact = k.where(k.test('Equal', x, k.double(Infinity)), x, k.num('Mul', x, ratio));
  // Where u ≠ 1, x is not a zero and neither is `exact` (Where would lose a −0 there).
  return k.where(k.unless(k.test('Equal', u, k.double(1))), exact, x);
}

type DatePart = 'year' | 'month' | 'day' | 'weekday' | 'hour' | 'minute';

const civilDate = new Float64Array(3);

/** One calendar field (proleptic Gregorian, UTC) of day number `days`: year, month or day. */
function civil(days: number, field: 0 | 1 | 2): number {
  civilFromDays(days, civilDate);
  return civilDate[field];
}

function datePart(part: DatePart, v: NumVec): NumVec {
  const a = v.values;
  const n = a.length;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const t = a[i];
    if (!(Math.abs(t) <= MAX_DATE_MS)) {
      out[i] = NaN;
      continue;
    }
    const days = Math.floor(t / DAY_MS);
    const ms = t - days * DAY_MS;
    switch (part) {
      case 'year':
        out[i] = civil(days, 0);
        break;
      case 'month':
        out[i] = civil(days, 1);
        break;
      case 'day':
        out[i] = civil(days, 2);
        break;
      case 'weekday':
        out[i] = (((days + 3) % 7) + 7) % 7;
        break;
      case 'hour':
        out[i] = Math.floor(ms / 3_600_000);
        break;
      case 'minute':
        out[i] = Math.floor(ms / 60_000) % 60;
        break;
    }
  }
  return { kind: 'number', values: out, stride: v.stride };
}

/** civil() as nodes (the step kinds' shared lowering of civilFromDays). */
function civilNodes(k: Emitter, days: Value, field: 0 | 1 | 2): Value {
  const date = lowerCivilFromDays(k.g, days, 'civil');
  return field === 0 ? date.year : field === 1 ? date.month : date.day;
}

/** datePart(), operation for operation in double. */
function datePartNodes(part: DatePart, k: Emitter, t: Value): Value {
  const c = (x: number) => k.double(x);
  const floorDiv = (a: Value, b: number) => k.num('Floor', k.num('Div', a, c(b)));
  const mod = (a: Value, b: number) => k.numBinary('%', a, c(b));
  const days = floorDiv(t, DAY_MS);
  const ms = () => k.num('Sub', t, k.num('Mul', days, c(DAY_MS)));
  let out: Value;
  switch (part) {
    case 'year':
      out = civilNodes(k, days, 0);
      break;
    case 'month':
      out = civilNodes(k, days, 1);
      break;
    case 'day':
      out = civilNodes(k, days, 2);
      break;
    case 'weekday':
      out = mod(k.num('Add', mod(k.num('Add', days, c(3)), 7), c(7)), 7);
      break;
    case 'hour':
      out = floorDiv(ms(), 3_600_000);
      break;
    case 'minute':
      out = mod(floorDiv(ms(), 60_000), 60);
      break;
  }
  return k.where(k.test('Greater', k.num('Abs', t), c(MAX_DATE_MS)), c(NaN), out);
}

/** Number → string, as the cast step shows numbers; NaN → missing. Once per distinct value. */
function numbersToStrings(v: NumVec, label: (x: number) => string | null): StrVec {
  const a = v.values;
  const codes = new Int32Array(a.length);
  const dictionary: string[] = [];
  const byValue = new Map<number, number>();
  const byLabel = new Map<string, number>();
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    if (x !== x) {
      codes[i] = -1;
      continue;
    }
    let code = byValue.get(x);
    if (code === undefined) {
      const s = label(x);
      if (s === null) code = -1;
      else {
        code = byLabel.get(s);
        if (code === undefined) {
          code = dictionary.length;
          dictionary.push(s);
          byLabel.set(s, code);
        }
      }
      byValue.set(x, code);
    }
    codes[i] = code;
  }
  return { kind: 'string', codes, dictionary, stride: v.stride };
}

function numberLabel(x: number): string {
  return Object.is(x, -0) ? '0' : String(x);
}

function datetimeLabel(x: number): string | null {
  return Math.abs(x) <= MAX_DATE_MS ? new Date(x).toISOString() : null;
}

function parseNumberText(s: string): number {
  const b = encoder.encode(s);
  return parseNumber(b, 0, b.length);
}

function parseDatetimeText(s: string): number {
  const b = encoder.encode(s);
  return parseDatetime(b, 0, b.length);
}

/**
 * Per row, `a` or `b` (same type): `choose[i]` is 0 for a, 1 for b, 2 for missing. Strings are
 * first mapped into one dictionary. One specialised loop per type.
 */
function choose(which: Uint8Array, ws: 0 | 1, a: Vec, b: Vec, rows: number, type: ExprType): Vec {
  const { len, stride } = shape(rows, a, b, { kind: 'bool', values: which, stride: ws });
  const sa = a.stride;
  const sb = b.stride;
  if (type === 'string') {
    const x = asStr(a);
    const y = asStr(b);
    const { dictionary, luts } = unifyDictionaries([x, y]);
    const [lx, ly] = luts;
    const xc = x.codes;
    const yc = y.codes;
    const codes = new Int32Array(len);
    for (let i = 0; i < len; i++) {
      const w = which[i * ws];
      codes[i] = w === 0 ? lx[xc[i * sa] + 1] : w === 1 ? ly[yc[i * sb] + 1] : -1;
    }
    return { kind: 'string', codes, dictionary, stride };
  }
  if (type === 'boolean') {
    const x = asBool(a).values;
    const y = asBool(b).values;
    const out = new Uint8Array(len);
    for (let i = 0; i < len; i++) {
      const w = which[i * ws];
      out[i] = w === 0 ? x[i * sa] : w === 1 ? y[i * sb] : UNKNOWN;
    }
    return { kind: 'bool', values: out, stride };
  }
  const x = asNum(a).values;
  const y = asNum(b).values;
  const out = new Float64Array(len);
  for (let i = 0; i < len; i++) {
    const w = which[i * ws];
    out[i] = w === 0 ? x[i * sa] : w === 1 ? y[i * sb] : NaN;
  }
  return { kind: 'number', values: out, stride };
}

/** Marks, per row, whether a vector's value is missing (1) or present (0). */
export function missingMask(v: Vec, len: number): Uint8Array {
  const out = new Uint8Array(len);
  const s = v.stride;
  if (v.kind === 'number') {
    const a = v.values;
    for (let i = 0; i < len; i++) out[i] = a[i * s] !== a[i * s] ? 1 : 0;
  } else if (v.kind === 'bool') {
    const a = v.values;
    for (let i = 0; i < len; i++) out[i] = a[i * s] === UNKNOWN ? 1 : 0;
  } else {
    const a = v.codes;
    for (let i = 0; i < len; i++) out[i] = a[i * s] < 0 ? 1 : 0;
  }
  return out;
}

/** coalesce(a, b, c) = coalesce(coalesce(a, b), c): one two-way pass per extra argument. */
function coalesce(args: Vec[], rows: number, type: ExprType): Vec {
  const t = type === 'null' ? 'number' : type;
  let acc = args[0];
  for (let k = 1; k < args.length; k++) {
    const len = acc.stride === 1 ? rows : 1;
    const which = missingMask(acc, len); // 0 keeps acc, 1 takes the next argument
    acc = choose(which, acc.stride, acc, args[k], rows, t);
  }
  return acc;
}

function ifThenElse(args: Vec[], rows: number, type: ExprType): Vec {
  const cond = asBool(args[0]);
  const c = cond.values;
  const which = new Uint8Array(c.length);
  for (let i = 0; i < c.length; i++) which[i] = c[i] === TRUE ? 0 : c[i] === FALSE ? 1 : 2;
  return choose(which, cond.stride, args[1], args[2], rows, type === 'null' ? 'number' : type);
}

function coalesceNodes(args: Lowered[], k: Emitter, { type }: LowerCall): Lowered {
  const t = type === 'null' ? 'number' : type;
  let acc = args[0];
  for (let i = 1; i < args.length; i++) {
    const missing = k.missing(acc);
    if (missing === null) break;
    acc = k.choose(missing, null, args[i], acc, t);
  }
  return acc;
}

function ifNodes([cond, a, b]: Lowered[], k: Emitter, { type }: LowerCall): Lowered {
  const t = type === 'null' ? 'number' : type;
  if (cond.kind === 'bool') return k.choose(cond.value, null, a, b, t);
  return k.choose(k.isTrue(cond), k.isFalse(cond), a, b, t);
}

function stringPair(
  x: StrVec,
  y: StrVec,
  rows: number,
  f: (a: string, b: string) => boolean
): BoolVec {
  const p = pairs(x, y, rows);
  const lut = new Uint8Array(p.a.length);
  for (let k = 0; k < lut.length; k++) {
    const ca = p.a[k];
    const cb = p.b[k];
    lut[k] = ca < 0 || cb < 0 ? UNKNOWN : f(x.dictionary[ca], y.dictionary[cb]) ? TRUE : FALSE;
  }
  const values = new Uint8Array(p.ids.length);
  for (let i = 0; i < values.length; i++) values[i] = lut[p.ids[i]];
  return { kind: 'bool', values, stride: p.stride };
}

function tooLarge(): LatheError {
  return new LatheError(
    'EXPR_TOO_LARGE',
    `concat() would build more than ${EXPR_LIMITS.maxStringChars} characters of distinct text`,
    { limit: EXPR_LIMITS.maxStringChars }
  );
}

function concat2(x: StrVec, y: StrVec, rows: number): StrVec {
  const p = pairs(x, y, rows);
  const dictionary: string[] = [];
  const index = new Map<string, number>();
  const lut = new Int32Array(p.a.length);
  let chars = 0;
  for (let k = 0; k < lut.length; k++) {
    const ca = p.a[k];
    const cb = p.b[k];
    if (ca < 0 || cb < 0) {
      lut[k] = -1;
      continue;
    }
    const s = x.dictionary[ca] + y.dictionary[cb];
    if (s.length > EXPR_LIMITS.maxStringChars) throw tooLarge();
    let code = index.get(s);
    if (code === undefined) {
      chars += s.length;
      if (chars > EXPR_LIMITS.maxStringChars) throw tooLarge();
      code = dictionary.length;
      dictionary.push(s);
      index.set(s, code);
    }
    lut[k] = code;
  }
  const codes = new Int32Array(p.ids.length);
  for (let i = 0; i < codes.length; i++) codes[i] = lut[p.ids[i]];
  return { kind: 'string', codes, dictionary, stride: p.stride };
}

const NUM: readonly ValueType[] = ['number'];

function number(value: Value): Lowered {
  return { kind: 'number', value };
}

function numberOf(x: Lowered): Value {
  if (x.kind !== 'number') throw new Error(`internal: expected a number, got ${x.kind}`);
  return x.value;
}

/**
 * ONNX's StringNormalizer changes case one letter at a time by the runtime's own tables:
 * 'İ', 'ß', 'ﬁ' or a word-final 'Σ' come out otherwise than from lower() and upper().
 */
const CASE_CHANGE =
  "ONNX cannot compute exactly: its StringNormalizer changes case letter by letter with the runtime's own tables, so letters such as 'İ', 'ß' or a final 'Σ' would come out otherwise.";
const STR: readonly ValueType[] = ['string'];
const DT: readonly ValueType[] = ['datetime'];

function numeric(name: MathName, description: string): FnSpec {
  return {
    name,
    signature: `${name}(x)`,
    description,
    minArgs: 1,
    maxArgs: 1,
    check: (_args, t) => (t.expect(0, NUM), { type: 'number', args: ['number'] }),
    evaluate: ([x]) => mathUnary(name, asNum(x)),
    lower: ([x], k) => number(mathUnaryNodes(name, k, numberOf(x)))
  };
}

function part(name: DatePart, description: string): FnSpec {
  return {
    name,
    signature: `${name}(d)`,
    description,
    minArgs: 1,
    maxArgs: 1,
    check: (_args, t) => (t.expect(0, DT), { type: 'number', args: ['datetime'] }),
    evaluate: ([d]) => datePart(name, asNum(d)),
    lower: ([d], k) => number(datePartNodes(name, k, numberOf(d)))
  };
}

function stringMap(
  name: string,
  description: string,
  f: (s: string) => string,
  unlowerable: string
): FnSpec {
  return {
    name,
    signature: `${name}(s)`,
    description,
    minArgs: 1,
    maxArgs: 1,
    check: (_args, t) => (t.expect(0, STR), { type: 'string', args: ['string'] }),
    evaluate: ([s]) => mapStrings(asStr(s), f),
    lower: (_args, _k, call) => call.refuse(unlowerable)
  };
}

const NO_SEARCH = 'ONNX opset 17 cannot compute: it has no operator that looks inside strings.';

function stringTest(
  name: string,
  description: string,
  f: (s: string, sub: string) => boolean
): FnSpec {
  return {
    name,
    signature: `${name}(s, sub)`,
    description,
    minArgs: 2,
    maxArgs: 2,
    check: (_args, t) => (
      t.expect(0, STR),
      t.expect(1, STR),
      { type: 'boolean', args: ['string', 'string'] }
    ),
    evaluate: ([s, sub], rows) => stringPair(asStr(s), asStr(sub), rows, f),
    lower: (_args, _k, call) => call.refuse(NO_SEARCH)
  };
}

function extreme(name: 'min' | 'max', description: string): FnSpec {
  return {
    name,
    signature: `${name}(a, b, …)`,
    description,
    minArgs: 1,
    maxArgs: Infinity,
    check: (args, t) => {
      args.forEach((_, i) => t.expect(i, ['number', 'datetime']));
      const type = t.unify(
        args.map((_, i) => i),
        'arguments'
      );
      const each = type === 'null' ? 'number' : type;
      return { type, args: args.map(() => each) };
    },
    evaluate: (args, rows) => {
      let acc = asNum(args[0]);
      for (let k = 1; k < args.length; k++) acc = numBinary(name, acc, asNum(args[k]), rows);
      return acc;
    },
    lower: (args, k) => {
      let acc = numberOf(args[0]);
      for (let i = 1; i < args.length; i++) acc = k.numBinary(name, acc, numberOf(args[i]));
      return number(acc);
    }
  };
}

const SPECS: FnSpec[] = [
  numeric('abs', 'Absolute value.'),
  numeric('sqrt', 'Square root; NaN for negative numbers.'),
  {
    name: 'log',
    signature: 'log(x, base?)',
    description: 'Natural logarithm, or in the given base. log(0) = -Infinity; NaN for x < 0.',
    minArgs: 1,
    maxArgs: 2,
    check: (args, t) => {
      args.forEach((_, i) => t.expect(i, NUM));
      return { type: 'number', args: args.map(() => 'number') };
    },
    evaluate: (args, rows) =>
      args.length === 1
        ? mathUnary('log', asNum(args[0]))
        : numBinary('log', asNum(args[0]), asNum(args[1]), rows),
    lower: ([x, base], k) =>
      number(
        base === undefined
          ? mathUnaryNodes('log', k, numberOf(x))
          : k.numBinary('log', numberOf(x), numberOf(base))
      )
  },
  numeric('log1p', 'log(1 + x), accurate near 0.'),
  numeric('exp', 'e to the power x.'),
  numeric('floor', 'Largest integer ≤ x.'),
  numeric('ceil', 'Smallest integer ≥ x.'),
  {
    name: 'pow',
    signature: 'pow(x, y)',
    description: 'x to the power y, the same as x ^ y.',
    minArgs: 2,
    maxArgs: 2,
    check: (_args, t) => (
      t.expect(0, NUM),
      t.expect(1, NUM),
      { type: 'number', args: ['number', 'number'] }
    ),
    evaluate: ([x, y], rows) => numBinary('^', asNum(x), asNum(y), rows),
    lower: ([x, y], k) => number(k.numBinary('^', numberOf(x), numberOf(y)))
  },
  extreme('min', 'Smallest argument; missing if any argument is missing.'),
  extreme('max', 'Largest argument; missing if any argument is missing.'),
  {
    name: 'round',
    signature: 'round(x, digits?)',
    description:
      'Rounds half away from zero to `digits` decimals (default 0; negative rounds to tens…).',
    minArgs: 1,
    maxArgs: 2,
    check: (args, t) => {
      args.forEach((_, i) => t.expect(i, NUM));
      return { type: 'number', args: args.map(() => 'number') };
    },
    evaluate: (args, rows) =>
      numBinary('round', asNum(args[0]), args.length > 1 ? asNum(args[1]) : numConst(0), rows),
    lower: ([x, digits], k) =>
      number(
        k.numBinary('round', numberOf(x), digits === undefined ? k.double(0) : numberOf(digits))
      )
  },
  {
    name: 'clip',
    signature: 'clip(x, lo, hi)',
    description: 'x limited to [lo, hi]: min(max(x, lo), hi).',
    minArgs: 3,
    maxArgs: 3,
    check: (args, t) => {
      args.forEach((_, i) => t.expect(i, ['number', 'datetime']));
      const type = t.unify([0, 1, 2], 'arguments');
      const each = type === 'null' ? 'number' : type;
      return { type, args: [each, each, each] };
    },
    evaluate: ([x, lo, hi], rows) =>
      numBinary('min', numBinary('max', asNum(x), asNum(lo), rows), asNum(hi), rows),
    lower: ([x, lo, hi], k) =>
      number(k.numBinary('min', k.numBinary('max', numberOf(x), numberOf(lo)), numberOf(hi)))
  },
  {
    name: 'isnull',
    signature: 'isnull(x)',
    description:
      'True where x is missing (NaN, empty category, unknown truth value); never missing itself.',
    minArgs: 1,
    maxArgs: 1,
    check: (args) => ({
      type: 'boolean',
      args: [args[0].type === 'null' ? 'number' : args[0].type]
    }),
    evaluate: ([x], rows) => isNullVec(x, rows, false),
    lower: ([x], k) => isNullNodes(k, x, false)
  },
  {
    name: 'coalesce',
    signature: 'coalesce(a, b, …)',
    description: 'The first argument that is not missing.',
    minArgs: 1,
    maxArgs: Infinity,
    check: (args, t) => {
      const type = t.unify(
        args.map((_, i) => i),
        'arguments'
      );
      return { type, args: args.map(() => type) };
    },
    evaluate: coalesce,
    lower: coalesceNodes
  },
  {
    name: 'if',
    signature: 'if(condition, then, else)',
    description:
      'Per row: `then` where the condition is true, `else` where false, missing where it is missing.',
    minArgs: 3,
    maxArgs: 3,
    check: (_args, t) => {
      t.expect(0, ['boolean']);
      const type = t.unify([1, 2], '"then" and "else"');
      return { type, args: ['boolean', type, type] };
    },
    evaluate: ifThenElse,
    lower: ifNodes
  },
  stringMap('lower', 'Lower case.', (s) => s.toLowerCase(), CASE_CHANGE),
  stringMap('upper', 'Upper case.', (s) => s.toUpperCase(), CASE_CHANGE),
  stringMap(
    'trim',
    'Without leading and trailing white space.',
    (s) => s.trim(),
    'ONNX opset 17 cannot compute: it has no operator that trims strings.'
  ),
  {
    name: 'length',
    signature: 'length(s)',
    description: 'Number of characters (Unicode code points).',
    minArgs: 1,
    maxArgs: 1,
    check: (_args, t) => (t.expect(0, STR), { type: 'number', args: ['string'] }),
    evaluate: ([s]) => stringsToNum(asStr(s), codePointLength),
    lower: (_args, _k, call) =>
      call.refuse('ONNX opset 17 cannot compute: it has no operator that measures strings.')
  },
  stringTest('contains', 'True where s contains sub (case-sensitive).', (s, sub) =>
    s.includes(sub)
  ),
  stringTest('startswith', 'True where s starts with sub.', (s, sub) => s.startsWith(sub)),
  stringTest('endswith', 'True where s ends with sub.', (s, sub) => s.endsWith(sub)),
  {
    name: 'concat',
    signature: 'concat(a, b, …)',
    description:
      'Joins strings; missing if any part is missing (wrap parts in coalesce(x, "") to skip).',
    minArgs: 1,
    maxArgs: Infinity,
    check: (args, t) => {
      args.forEach((_, i) => t.expect(i, STR));
      return { type: 'string', args: args.map(() => 'string') };
    },
    evaluate: (args, rows) => {
      let acc = asStr(args[0]);
      for (let k = 1; k < args.length; k++) acc = concat2(acc, asStr(args[k]), rows);
      return acc;
    },
    lower: (_args, _k, call) =>
      call.refuse('ONNX opset 17 cannot compute: it has no operator that joins strings.')
  },
  part('year', 'Calendar year (UTC).'),
  part('month', 'Month, 1–12 (UTC).'),
  part('day', 'Day of the month, 1–31 (UTC).'),
  part('weekday', 'Day of the week, Monday = 0 … Sunday = 6 (UTC), like pandas.'),
  part('hour', 'Hour, 0–23 (UTC).'),
  part('minute', 'Minute, 0–59.'),
  {
    name: 'number',
    signature: 'number(x)',
    description:
      'As a number: strings are read like the CSV reader (missing if unreadable), true/false as 1/0, datetimes as epoch ms.',
    minArgs: 1,
    maxArgs: 1,
    check: (args) => ({
      type: 'number',
      args: [args[0].type === 'null' ? 'number' : args[0].type]
    }),
    evaluate: ([x]) => {
      if (x.kind === 'number') return x;
      if (x.kind === 'string') return stringsToNum(x, parseNumberText);
      const lut = Float64Array.of(0, NaN, 1); // indexed by FALSE, UNKNOWN, TRUE
      const b = asBool(x).values;
      const out = new Float64Array(b.length);
      for (let i = 0; i < b.length; i++) out[i] = lut[b[i]];
      return { kind: 'number', values: out, stride: x.stride };
    },
    lower: ([x], k, call) => {
      if (x.kind === 'number') return x;
      if (x.kind === 'string') {
        return call.refuse(
          'ONNX cannot compute for strings: its Cast reads numbers otherwise than Lathe does, and fails on text that is not one.'
        );
      }
      return number(k.numberOfTruth(x));
    }
  },
  {
    name: 'string',
    signature: 'string(x)',
    description:
      'As a string: numbers in shortest form ("3", "0.1"), "true"/"false", datetimes in ISO 8601 UTC.',
    minArgs: 1,
    maxArgs: 1,
    check: (args) => ({
      type: 'string',
      args: [args[0].type === 'null' ? 'string' : args[0].type]
    }),
    evaluate: ([x], _rows, _type, [from]) => toStrings(x, from),
    lower: ([x], k, call) => {
      if (x.kind === 'string') return x;
      if (x.kind === 'number') {
        return call.refuse(
          call.argTypes[0] === 'datetime'
            ? 'ONNX opset 17 cannot compute for datetimes: it has no operator that writes dates.'
            : 'ONNX cannot compute for numbers: its Cast writes them otherwise (1e+21 where string() writes 1e21).'
        );
      }
      const value = k.where(
        k.isTrue(x),
        k.text('true'),
        x.kind === 'bool' ? k.text('false') : k.where(k.isFalse(x), k.text('false'), k.text(''))
      );
      return { kind: 'string', value, missing: 'empty' };
    }
  },
  {
    name: 'datetime',
    signature: 'datetime(x)',
    description:
      'As a datetime: ISO strings (YYYY-MM-DD[ HH:MM[:SS[.fff]]][Z|±HH:MM], UTC by default) or epoch ms.',
    minArgs: 1,
    maxArgs: 1,
    check: (_args, t) => {
      const at = t.expect(0, ['string', 'number', 'datetime']);
      return { type: 'datetime', args: [at] };
    },
    evaluate: ([x]) => {
      if (x.kind === 'string') return stringsToNum(x, parseDatetimeText);
      const a = asNum(x).values;
      const out = new Float64Array(a.length);
      for (let i = 0; i < a.length; i++) out[i] = Math.abs(a[i]) <= MAX_DATE_MS ? a[i] : NaN;
      return { kind: 'number', values: out, stride: x.stride };
    },
    lower: ([x], k, call) => {
      if (x.kind !== 'number') {
        return call.refuse(
          'ONNX opset 17 cannot compute for strings: it has no operator that reads dates.'
        );
      }
      const outside = k.test('Greater', k.num('Abs', x.value), k.double(MAX_DATE_MS));
      return number(k.where(outside, k.double(NaN), x.value));
    }
  }
];

function codePointLength(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (
      c < 0xdc00 ||
      c > 0xdfff ||
      i === 0 ||
      s.charCodeAt(i - 1) < 0xd800 ||
      s.charCodeAt(i - 1) > 0xdbff
    )
      n++;
  }
  return n;
}

function toStrings(x: Vec, from: ExprType): StrVec {
  if (x.kind === 'string') return x;
  if (x.kind === 'bool') {
    const dictionary = ['false', 'true'];
    const lut = Int32Array.of(0, -1, 1);
    const codes = new Int32Array(x.values.length);
    for (let i = 0; i < codes.length; i++) codes[i] = lut[x.values[i]];
    return { kind: 'string', codes, dictionary, stride: x.stride };
  }
  return numbersToStrings(x, from === 'datetime' ? datetimeLabel : numberLabel);
}

export function isNullVec(x: Vec, rows: number, negated: boolean): BoolVec {
  const len = x.stride === 1 ? rows : 1;
  const mask = missingMask(x, len);
  const values = new Uint8Array(len);
  const yes = negated ? FALSE : TRUE;
  const no = negated ? TRUE : FALSE;
  for (let i = 0; i < len; i++) values[i] = mask[i] ? yes : no;
  return { kind: 'bool', values, stride: x.stride };
}

export function isNullNodes(k: Emitter, x: Lowered, negated: boolean): Lowered {
  const missing = k.missing(x) ?? k.flag(false);
  return { kind: 'bool', value: negated ? k.not(missing) : missing };
}

function alias(spec: FnSpec, name: string): FnSpec {
  return { ...spec, name, signature: spec.signature.replace(spec.name, name) };
}

/** Every function by lower-case name. */
export const FUNCTIONS: ReadonlyMap<string, FnSpec> = (() => {
  const map = new Map<string, FnSpec>();
  for (const spec of SPECS) map.set(spec.name, spec);
  map.set('ismissing', alias(map.get('isnull') as FnSpec, 'ismissing'));
  // The date-parts step calls it "dayofweek" (pandas' name); both spellings work here.
  map.set('dayofweek', alias(map.get('weekday') as FnSpec, 'dayofweek'));
  return map;
})();

/** For the editor's help and autocomplete. */
export const FUNCTION_DOCS: readonly { name: string; signature: string; description: string }[] = [
  ...FUNCTIONS.values()
].map(({ name, signature, description }) => ({ name, signature, description }));
