import { LatheError } from '../../base/errors';
import type { CategoryColumn, Frame, FrameColumn, NumericColumn } from '../frame';
import { isNullVec } from './functions';
import type { CompareOp, Plan, ValueType } from './types';
import {
  FALSE as FALSE_,
  TRUE as TRUE_,
  UNKNOWN as UNKNOWN_,
  asBool,
  asNum,
  asStr,
  boolConst,
  numBinary,
  numConst,
  shape,
  strConst,
  stringsToBool,
  unifyDictionaries,
  type BoolVec,
  type NumVec,
  type StrVec,
  type Vec
} from './vector';

/**
 * Columnar evaluation: each plan node becomes one whole vector (see vector.ts), computed by a
 * tight typed-array loop; there is no per-row interpretation of the tree. Constants stay length-1
 * vectors until a column is produced.
 *
 * Missing values:
 * - arithmetic and functions propagate them (NaN in, NaN out);
 * - comparisons (= != < <= > >=, in, not in) with a missing operand are false, never missing —
 *   so a filter drops such rows. "x != 5" and "x not in (…)" are false for missing x too;
 *   test for missing values with isnull(x) / "x is null";
 * - and / or / not use SQL's three-valued (Kleene) logic over truth values that can be missing
 *   (a boolean column with gaps, null, if() with a missing condition):
 *   false and missing = false, true or missing = true, not missing = missing, otherwise missing.
 */
export function evaluatePlan(plan: Plan, frame: Frame, nullAs: ValueType = 'number'): Vec {
  const columns = new Map<string, FrameColumn>();
  for (const c of frame.columns) if (!columns.has(c.name)) columns.set(c.name, c);
  return new Evaluator(frame.rows, columns).run(plan, plan.t === 'null' ? nullAs : plan.t);
}

// Local copies: imported bindings can compile to property reads in hot loops.
const FALSE: number = FALSE_;
const UNKNOWN: number = UNKNOWN_;
const TRUE: number = TRUE_;

class Evaluator {
  constructor(
    private readonly rows: number,
    private readonly columns: ReadonlyMap<string, FrameColumn>
  ) {}

  run(p: Plan, want: ValueType): Vec {
    if (p.t === 'null') return missing(want);
    switch (p.k) {
      case 'const':
        if (p.t === 'string') return strConst(p.value);
        if (p.t === 'boolean') return boolConst(p.value ? TRUE : FALSE);
        return numConst(p.value);
      case 'column':
        return this.column(p.name, p.t);
      case 'arith':
        return numBinary(p.op, this.num(p.left), this.num(p.right), this.rows);
      case 'neg': {
        const v = this.num(p.operand);
        const x = v.values;
        const out = new Float64Array(x.length);
        for (let i = 0; i < x.length; i++) out[i] = -x[i];
        return { kind: 'number', values: out, stride: v.stride };
      }
      case 'compare':
        return this.compare(p.op, p.of, this.run(p.left, p.of), this.run(p.right, p.of));
      case 'logic':
        return logic(p.op, this.bool(p.left), this.bool(p.right), this.rows);
      case 'not': {
        const x = this.bool(p.operand);
        const out = new Uint8Array(x.values.length);
        for (let i = 0; i < out.length; i++) out[i] = TRUE - x.values[i];
        return { kind: 'bool', values: out, stride: x.stride };
      }
      case 'in':
        return this.in(p.of, p.operand, p.items, p.negated);
      case 'isnull':
        return isNullVec(
          this.run(p.operand, p.operand.t === 'null' ? 'number' : p.operand.t),
          this.rows,
          p.negated
        );
      case 'call': {
        const args = p.args.map((a, i) => {
          const t = p.argTypes[i];
          return this.run(a, t === 'null' ? 'number' : t);
        });
        return p.fn.evaluate(args, this.rows, p.t, p.argTypes);
      }
    }
  }

  private num(p: Plan): NumVec {
    return asNum(this.run(p, 'number'));
  }

  private bool(p: Plan): BoolVec {
    return asBool(this.run(p, 'boolean'));
  }

  private column(name: string, t: ValueType): Vec {
    const col = this.columns.get(name);
    if (!col) {
      throw new LatheError('EXPR_UNKNOWN_COLUMN', `Unknown column "${name}"`, { name });
    }
    if (col.kind === 'category') {
      if (t !== 'string') throw mismatch(name);
      return { kind: 'string', codes: col.codes, dictionary: col.dictionary, stride: 1 };
    }
    if (col.type === 'boolean') {
      if (t !== 'boolean') throw mismatch(name);
      const x = col.values;
      const out = new Uint8Array(x.length);
      for (let i = 0; i < x.length; i++) {
        const v = x[i];
        out[i] = v !== v ? UNKNOWN : v !== 0 ? TRUE : FALSE;
      }
      return { kind: 'bool', values: out, stride: 1 };
    }
    if (t !== 'number' && t !== 'datetime') throw mismatch(name);
    return { kind: 'number', values: col.values, stride: 1 };
  }

  private compare(op: CompareOp, of: ValueType, a: Vec, b: Vec): BoolVec {
    if (of === 'string') return compareStrings(op, asStr(a), asStr(b), this.rows);
    if (of === 'boolean') return compareBools(op, asBool(a), asBool(b), this.rows);
    return compareNumbers(op, asNum(a), asNum(b), this.rows);
  }

  private in(of: ValueType, operand: Plan, items: Plan[], negated: boolean): BoolVec {
    const x = this.run(operand, of);
    const vals = items.map((item) => this.run(item, of));
    const rows = this.rows;
    if (vals.every((v) => v.stride === 0)) {
      const yes = negated ? FALSE : TRUE;
      const no = negated ? TRUE : FALSE;
      if (x.kind === 'string') {
        const set = new Set<string>();
        for (const v of vals.map(asStr)) if (v.codes[0] >= 0) set.add(v.dictionary[v.codes[0]]);
        return stringsToBool(x, (s) => set.has(s) !== negated, FALSE);
      }
      const set = new Set<number>();
      if (x.kind === 'bool') {
        for (const v of vals.map(asBool)) if (v.values[0] !== UNKNOWN) set.add(v.values[0]);
        const out = new Uint8Array(x.values.length);
        for (let i = 0; i < out.length; i++) {
          const v = x.values[i];
          out[i] = v === UNKNOWN ? FALSE : set.has(v) ? yes : no;
        }
        return { kind: 'bool', values: out, stride: x.stride };
      }
      for (const v of vals.map(asNum)) if (v.values[0] === v.values[0]) set.add(v.values[0]);
      const a = x.values;
      const out = new Uint8Array(a.length);
      for (let i = 0; i < out.length; i++) {
        const v = a[i];
        out[i] = v !== v ? FALSE : set.has(v) ? yes : no;
      }
      return { kind: 'bool', values: out, stride: x.stride };
    }
    // Items that vary by row: an OR of equalities (each true/false, never missing).
    let acc: BoolVec = boolConst(FALSE);
    for (const v of vals) acc = logic('or', acc, this.compare('=', of, x, v), rows);
    if (!negated) return acc;
    const present = isNullVec(x, rows, true);
    const { len, stride } = shape(rows, acc, present);
    const out = new Uint8Array(len);
    const sa = acc.stride;
    const sp = present.stride;
    for (let i = 0; i < len; i++) {
      out[i] = present.values[i * sp] === TRUE && acc.values[i * sa] === FALSE ? TRUE : FALSE;
    }
    return { kind: 'bool', values: out, stride };
  }
}

function mismatch(name: string): LatheError {
  return new LatheError(
    'EXPR_TYPE',
    `Column "${name}" does not have the type the expression was checked against`,
    { name }
  );
}

function missing(want: ValueType): Vec {
  if (want === 'string') return strConst(null);
  if (want === 'boolean') return boolConst(UNKNOWN);
  return numConst(NaN);
}

/** Kleene logic with FALSE = 0 < UNKNOWN = 1 < TRUE = 2: and = min, or = max. */
function logic(op: 'and' | 'or', a: BoolVec, b: BoolVec, rows: number): BoolVec {
  const { len, stride } = shape(rows, a, b);
  const x = a.values;
  const y = b.values;
  const sa = a.stride;
  const sb = b.stride;
  const out = new Uint8Array(len);
  if (op === 'and') {
    for (let i = 0; i < len; i++) {
      const p = x[i * sa];
      const q = y[i * sb];
      out[i] = p < q ? p : q;
    }
  } else {
    for (let i = 0; i < len; i++) {
      const p = x[i * sa];
      const q = y[i * sb];
      out[i] = p > q ? p : q;
    }
  }
  return { kind: 'bool', values: out, stride };
}

/** IEEE comparisons are already false for NaN; only != needs the missing check. */
function compareNumbers(op: CompareOp, a: NumVec, b: NumVec, rows: number): BoolVec {
  const { len, stride } = shape(rows, a, b);
  const x = a.values;
  const y = b.values;
  const sa = a.stride;
  const sb = b.stride;
  const out = new Uint8Array(len);
  switch (op) {
    case '=':
      for (let i = 0; i < len; i++) out[i] = x[i * sa] === y[i * sb] ? TRUE : FALSE;
      break;
    case '!=':
      for (let i = 0; i < len; i++) {
        const p = x[i * sa];
        const q = y[i * sb];
        out[i] = p !== q && p === p && q === q ? TRUE : FALSE;
      }
      break;
    case '<':
      for (let i = 0; i < len; i++) out[i] = x[i * sa] < y[i * sb] ? TRUE : FALSE;
      break;
    case '<=':
      for (let i = 0; i < len; i++) out[i] = x[i * sa] <= y[i * sb] ? TRUE : FALSE;
      break;
    case '>':
      for (let i = 0; i < len; i++) out[i] = x[i * sa] > y[i * sb] ? TRUE : FALSE;
      break;
    case '>=':
      for (let i = 0; i < len; i++) out[i] = x[i * sa] >= y[i * sb] ? TRUE : FALSE;
      break;
  }
  return { kind: 'bool', values: out, stride };
}

function compareBools(op: CompareOp, a: BoolVec, b: BoolVec, rows: number): BoolVec {
  const { len, stride } = shape(rows, a, b);
  const x = a.values;
  const y = b.values;
  const sa = a.stride;
  const sb = b.stride;
  const out = new Uint8Array(len);
  const equal = op === '=';
  for (let i = 0; i < len; i++) {
    const p = x[i * sa];
    const q = y[i * sb];
    out[i] = p === UNKNOWN || q === UNKNOWN || (p === q) !== equal ? FALSE : TRUE;
  }
  return { kind: 'bool', values: out, stride };
}

/** Order of strings by Unicode code point (like Python, SQL binary collations, and sort steps). */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    const xs = x >= 0xd800 && x <= 0xdfff;
    const ys = y >= 0xd800 && y <= 0xdfff;
    if (xs !== ys) return xs ? 1 : -1;
    return x - y;
  }
  return a.length - b.length;
}

function test(op: CompareOp, c: number): boolean {
  switch (op) {
    case '=':
      return c === 0;
    case '!=':
      return c !== 0;
    case '<':
      return c < 0;
    case '<=':
      return c <= 0;
    case '>':
      return c > 0;
    case '>=':
      return c >= 0;
  }
}

/**
 * With a constant on one side: one comparison per dictionary entry, then a lookup per row.
 * Two string columns: both are mapped to ranks in their merged sorted dictionary and compared
 * as numbers.
 */
function compareStrings(op: CompareOp, a: StrVec, b: StrVec, rows: number): BoolVec {
  if (b.stride === 0 || a.stride === 0) {
    const [vec, fixed, flip] = b.stride === 0 ? [a, b, false] : [b, a, true];
    const code = fixed.codes[0];
    if (code < 0) return boolConst(FALSE);
    const s = fixed.dictionary[code];
    return stringsToBool(
      vec,
      (v) => test(op, flip ? compareCodePoints(s, v) : compareCodePoints(v, s)),
      FALSE
    );
  }
  const { dictionary, luts } = unifyDictionaries([a, b]);
  const order = dictionary
    .map((_, i) => i)
    .sort((i, j) => compareCodePoints(dictionary[i], dictionary[j]));
  const rank = new Float64Array(dictionary.length);
  order.forEach((code, r) => (rank[code] = r));
  const ranked = (v: StrVec, lut: Int32Array): NumVec => {
    const values = new Float64Array(v.codes.length);
    const perCode = new Float64Array(lut.length);
    for (let c = 0; c < lut.length; c++) perCode[c] = lut[c] < 0 ? NaN : rank[lut[c]];
    for (let i = 0; i < values.length; i++) values[i] = perCode[v.codes[i] + 1];
    return { kind: 'number', values, stride: v.stride };
  };
  return compareNumbers(op, ranked(a, luts[0]), ranked(b, luts[1]), rows);
}

/** The column a derived expression produces. Never shares a typed array with `frame`. */
export function vecToColumn(
  vec: Vec,
  name: string,
  type: 'float' | 'boolean' | 'datetime' | 'integer' | 'categorical' | 'text',
  frame: Frame
): FrameColumn {
  const rows = frame.rows;
  const inputs = new Set<ArrayBufferView>();
  for (const c of frame.columns) inputs.add(c.kind === 'number' ? c.values : c.codes);
  if (vec.kind === 'string') {
    if (type !== 'categorical' && type !== 'text') throw new Error('internal: string result');
    let codes: Int32Array;
    if (vec.stride === 0) codes = new Int32Array(rows).fill(vec.codes[0]);
    else codes = inputs.has(vec.codes) ? vec.codes.slice() : vec.codes;
    return compact({ kind: 'category', name, type, codes, dictionary: vec.dictionary });
  }
  if (type === 'categorical' || type === 'text') throw new Error('internal: non-string result');
  let values: Float64Array;
  if (vec.kind === 'bool') {
    const lut = Float64Array.of(0, NaN, 1); // FALSE, UNKNOWN, TRUE
    values = new Float64Array(rows);
    const x = vec.values;
    const s = vec.stride;
    for (let i = 0; i < rows; i++) values[i] = lut[x[i * s]];
  } else if (vec.stride === 0) values = new Float64Array(rows).fill(vec.values[0]);
  else values = inputs.has(vec.values) ? vec.values.slice() : vec.values;
  const col: NumericColumn = { kind: 'number', name, type, values };
  return col;
}

/** Drops dictionary entries no row uses (keeping order); a new array only when some are unused. */
function compact(col: CategoryColumn): CategoryColumn {
  const used = new Uint8Array(col.dictionary.length);
  const codes = col.codes;
  for (let i = 0; i < codes.length; i++) if (codes[i] >= 0) used[codes[i]] = 1;
  if (used.every((u) => u === 1)) return col;
  const remap = new Int32Array(col.dictionary.length + 1);
  remap[0] = -1;
  const dictionary: string[] = [];
  for (let c = 0; c < used.length; c++) {
    if (used[c]) {
      remap[c + 1] = dictionary.length;
      dictionary.push(col.dictionary[c]);
    } else remap[c + 1] = -1;
  }
  const out = new Int32Array(codes.length);
  for (let i = 0; i < out.length; i++) out[i] = remap[codes[i] + 1];
  return { ...col, codes: out, dictionary };
}

/** 1 where the condition is true; 0 where it is false or missing. */
export function vecToMask(vec: Vec, rows: number): Uint8Array {
  const b = asBool(vec);
  const out = new Uint8Array(rows);
  if (b.stride === 0) return b.values[0] === TRUE ? out.fill(1) : out;
  for (let i = 0; i < rows; i++) out[i] = b.values[i] === TRUE ? 1 : 0;
  return out;
}
