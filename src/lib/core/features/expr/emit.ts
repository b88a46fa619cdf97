import {
  BATCH,
  ELEMENT_TYPES,
  attr,
  type Attribute,
  type DType,
  type Domain,
  type GraphBuilder,
  type Value
} from '../../onnx/graph';
import type { Lowering } from '../../onnx/lowering';
import type { ValueType } from './types';
import type { NumBinaryOp } from './vector';

/**
 * Expression values as ONNX values: the graph counterpart of vector.ts. Each is a column [N, 1]
 * or a scalar constant [] that broadcasts (like a vector's stride 0):
 *
 *   number  double, NaN = missing. Numbers and datetimes (epoch ms).
 *   bool    bool: a truth value that is never missing (comparisons, isnull, in).
 *   truth   double 0 = false, 0.5 = missing, 1 = true. Ordered like BoolVec's FALSE < UNKNOWN <
 *           TRUE, so Kleene's and / or / not are Min / Max / 1 − x.
 *   string  string, with where it is missing: 'empty' — exactly where the value is "" (the graph's
 *           convention for a string column, and what a missing string holds here); 'never' — a
 *           present "" is possible (the constant ''); or a bool mask.
 */
export type Lowered =
  | { kind: 'number'; value: Value }
  | { kind: 'bool'; value: Value }
  | { kind: 'truth'; value: Value }
  | { kind: 'string'; value: Value; missing: 'empty' | 'never' | Value };

export type StringLowered = Extract<Lowered, { kind: 'string' }>;
type Known = number | string | boolean;

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const TWO_52 = 2 ** 52;
/** 10 ** k for k = 0…308, as JavaScript computes them (roundTo's scales, for a varying digits). */
const POWERS_OF_TEN = Array.from({ length: 309 }, (_, k) => 10 ** k);

/**
 * Builds the nodes of one expression in a Lowering's graph. Constants are scalars, made once per
 * value; operations on known constants are decided here instead of in the graph.
 */
export class Emitter {
  readonly g: GraphBuilder;
  private readonly made = new Map<string, Value>();
  private readonly known = new Map<Value, Known>();

  /** `hint` names the nodes; `source` is the expression, for messages. */
  constructor(
    readonly onnx: Lowering,
    private readonly hint: string,
    readonly source: string
  ) {
    this.g = onnx.graph;
  }

  /** Refuses the export: "… cannot be exported to ONNX: the formula "…" <why>". */
  refuse(why: string): never {
    return this.onnx.refuse(`the formula "${this.source}" ${why}`);
  }

  /** The value of a constant made here, if `v` is one. */
  constant(v: Value): Known | undefined {
    return this.known.get(v);
  }

  private scalar(key: string, make: () => Value, value?: Known): Value {
    let v = this.made.get(key);
    if (v === undefined) {
      v = make();
      this.made.set(key, v);
      if (value !== undefined) this.known.set(v, value);
    }
    return v;
  }

  double(x: number): Value {
    const key = Object.is(x, -0) ? 'd:-0' : `d:${x}`;
    return this.scalar(key, () => this.g.doubles(`${this.hint}_c`, [x], []), x);
  }

  flag(b: boolean): Value {
    const make = () =>
      this.g.initializer(`${this.hint}_${b}`, {
        dtype: 'bool',
        dims: [],
        values: Uint8Array.of(b ? 1 : 0)
      });
    return this.scalar(`b:${b}`, make, b);
  }

  text(s: string): Value {
    this.checkText(s);
    return this.scalar(`s:${s}`, () => this.g.strings(`${this.hint}_s`, [s], []), s);
  }

  /** A 1-D int64 constant (shapes, slice bounds). */
  private ints(values: readonly number[]): Value {
    return this.scalar(`i:${values.join(',')}`, () => this.g.int64s(`${this.hint}_i`, values));
  }

  /** ONNX stores strings as UTF-8, which cannot hold half of a surrogate pair. */
  private checkText(s: string): void {
    if (LONE_SURROGATE.test(s)) {
      this.refuse('holds text with half of a UTF-16 surrogate pair, which ONNX cannot store.');
    }
  }

  /** A node with one output, a column unless every input is a scalar. */
  op(
    opType: string,
    inputs: readonly Value[],
    dtype: DType,
    attributes: Readonly<Record<string, Attribute>> = {},
    domain: Domain = ''
  ): Value {
    const column = inputs.some((v) => v.shape === null || v.shape.length > 0);
    return this.g.op(
      opType,
      inputs,
      { dtype, shape: column ? [BATCH, 1] : [], name: `${this.hint}_${opType.toLowerCase()}` },
      attributes,
      domain
    );
  }

  /** A double operation (Add, Sub, Mul, Div, Neg, Abs, Floor, Log …). */
  num(opType: string, ...inputs: Value[]): Value {
    return this.op(opType, inputs, 'double');
  }

  /** A bool-valued test (Equal, Less, IsNaN …). */
  test(opType: string, ...inputs: Value[]): Value {
    return this.op(opType, inputs, 'bool');
  }

  cast(v: Value, to: DType): Value {
    if (v.dtype === to) return v;
    return this.op('Cast', [v], to, { to: attr.int(ELEMENT_TYPES[to]) });
  }

  not(a: Value): Value {
    const k = this.constant(a);
    return k === undefined ? this.test('Not', a) : this.flag(!k);
  }

  and(a: Value, b: Value): Value {
    const ka = this.constant(a);
    const kb = this.constant(b);
    if (ka === false || kb === false) return this.flag(false);
    if (ka === true) return b;
    if (kb === true) return a;
    return this.test('And', a, b);
  }

  or(a: Value, b: Value): Value {
    const ka = this.constant(a);
    const kb = this.constant(b);
    if (ka === true || kb === true) return this.flag(true);
    if (ka === false) return b;
    if (kb === false) return a;
    return this.test('Or', a, b);
  }

  /**
   * Where(cond, a, b), for an `a` that is never −0: onnxruntime's Where turns a −0 taken from its
   * second input into +0 (the third input's −0 survives). select() is exact for any numbers.
   */
  where(cond: Value, a: Value, b: Value): Value {
    const k = this.constant(cond);
    if (k !== undefined) return k ? a : b;
    if (a === b) return a;
    // onnxruntime has no Where for bool.
    if (a.dtype === 'bool') return this.or(this.and(cond, a), this.and(this.not(cond), b));
    return this.op('Where', [cond, a, b], a.dtype);
  }

  /**
   * Not(cond) for a Where: onnxruntime rewrites Where(Not(c), a, b) into Where(c, b, a), which
   * would put `b` back where a −0 is lost; it leaves Equal(c, false) alone.
   */
  unless(cond: Value): Value {
    const k = this.constant(cond);
    return k === undefined ? this.test('Equal', cond, this.flag(false)) : this.flag(!k);
  }

  /** The shape [N, 1] of a column (Expand's second input). */
  private rows(like: Value): Value {
    return this.g.op('Shape', [like], { dtype: 'int64', shape: [2], name: `${this.hint}_rows` });
  }

  /** Per row `a` where `cond`, else `b`, bit for bit (−0 included). */
  select(cond: Value, a: Value, b: Value): Value {
    const k = this.constant(cond);
    if (k !== undefined) return k ? a : b;
    if (a === b || a.dtype !== 'double') return this.where(cond, a, b);
    const ka = this.constant(a);
    if (ka !== undefined && !Object.is(ka, -0)) return this.where(cond, a, b);
    const kb = this.constant(b);
    if (kb !== undefined && !Object.is(kb, -0)) return this.where(this.unless(cond), b, a);
    // Both may be −0: pick from the pair [b, a] by the condition (0 or 1).
    const full = (v: Value, like: Value) =>
      v.shape === null || v.shape.length > 0
        ? v
        : this.g.op('Expand', [v, this.rows(like)], {
            dtype: 'double',
            shape: [BATCH, 1],
            name: `${this.hint}_full`
          });
    const pair = this.g.op(
      'Concat',
      [full(b, a), full(a, b)],
      { dtype: 'double', shape: [BATCH, 2], name: `${this.hint}_pair` },
      { axis: attr.int(1) }
    );
    return this.g.op(
      'GatherElements',
      [pair, this.cast(cond, 'int64')],
      { dtype: 'double', shape: [BATCH, 1], name: `${this.hint}_pick` },
      { axis: attr.int(1) }
    );
  }

  isNaN(x: Value): Value {
    const k = this.constant(x);
    return k === undefined ? this.test('IsNaN', x) : this.flag(Number.isNaN(k));
  }

  // ---- truth values -------------------------------------------------------------------------

  /** A truth value as a truth double (0 / 0.5 / 1). */
  truth(x: Lowered): Value {
    if (x.kind === 'truth') return x.value;
    if (x.kind === 'bool') {
      const k = this.constant(x.value);
      return k === undefined ? this.cast(x.value, 'double') : this.double(k ? 1 : 0);
    }
    throw new Error(`internal: ${x.kind} is not a truth value`);
  }

  /** Where a truth value is true (never missing). */
  isTrue(x: Lowered): Value {
    if (x.kind === 'bool') return x.value;
    return this.truthIs(x, 1);
  }

  /** Where a truth value is false (never missing). */
  isFalse(x: Lowered): Value {
    if (x.kind === 'bool') return this.not(x.value);
    return this.truthIs(x, 0);
  }

  private truthIs(x: Lowered, t: number): Value {
    const k = this.constant(x.value);
    if (k !== undefined) return this.flag(k === t);
    return this.test('Equal', x.value, this.double(t));
  }

  /** A truth value as a number: 1, 0, or NaN where missing (number(x) and boolean columns). */
  numberOfTruth(x: Lowered): Value {
    if (x.kind === 'bool') return this.truth(x);
    return this.where(this.truthIs(x, 0.5), this.double(NaN), this.truth(x));
  }

  /** A boolean column's values (0 / 1 / NaN: v ≠ 0 is true, as evaluate.ts reads them). */
  truthOfColumn(x: Value): Lowered {
    const present = this.where(this.isNaN(x), this.double(0.5), this.double(1));
    return {
      kind: 'truth',
      value: this.where(this.test('Equal', x, this.double(0)), this.double(0), present)
    };
  }

  // ---- missing values -----------------------------------------------------------------------

  /** Where `x` is missing, or null when it never is. */
  missing(x: Lowered): Value | null {
    switch (x.kind) {
      case 'number':
        return this.isNaN(x.value);
      case 'bool':
        return null;
      case 'truth':
        return this.truthIs(x, 0.5);
      case 'string':
        if (x.missing === 'never') return null;
        if (x.missing === 'empty') return this.stringIn(x.value, ['']);
        return x.missing;
    }
  }

  /** A missing value of `type`. */
  nothing(type: ValueType): Lowered {
    if (type === 'string') return { kind: 'string', value: this.text(''), missing: 'empty' };
    if (type === 'boolean') return { kind: 'truth', value: this.double(0.5) };
    return { kind: 'number', value: this.double(NaN) };
  }

  // ---- strings ------------------------------------------------------------------------------

  /** Where the string `v` is one of `keys` (ai.onnx.ml LabelEncoder: a hash lookup). */
  stringIn(v: Value, keys: readonly string[]): Value {
    const unique = [...new Set(keys)];
    const k = this.constant(v);
    if (k !== undefined) return this.flag(unique.includes(k as string));
    if (unique.length === 0) return this.flag(false);
    for (const s of unique) this.checkText(s);
    const codes = this.op(
      'LabelEncoder',
      [v],
      'int64',
      {
        keys_strings: attr.strings(unique),
        values_int64s: attr.ints(unique.map(() => 1)),
        default_int64: attr.int(0)
      },
      'ai.onnx.ml'
    );
    return this.cast(codes, 'bool');
  }

  /**
   * Where the present string `x` is (or, `negated`, is not) one of `keys`; false where `x` is
   * missing, like `in` and `=` in evaluate.ts.
   */
  stringMember(x: StringLowered, keys: readonly string[], negated: boolean): Value {
    if (x.missing === 'empty') {
      // "" is exactly the missing rows: never a member, and never "not a member" either.
      const present = keys.filter((s) => s !== '');
      return negated
        ? this.not(this.stringIn(x.value, [...present, '']))
        : this.stringIn(x.value, present);
    }
    const hit = this.stringIn(x.value, keys);
    const out = negated ? this.not(hit) : hit;
    const missing = this.missing(x);
    return missing === null ? out : this.and(out, this.not(missing));
  }

  /**
   * Ranks of strings in code-point order, one int64 value per part (shaped like the part): equal
   * strings get equal ranks, and ranks order as the strings do. ONNX opset 17 has neither Equal
   * nor Less on strings; Unique (sorted) orders them bytewise in UTF-8, which is code-point order.
   * At least one part must be a column.
   */
  stringRanks(parts: readonly Value[]): Value[] {
    const columns = parts.filter((p) => p.shape === null || p.shape.length > 0);
    const scalars = parts.filter((p) => !columns.includes(p));
    const g = this.g;
    const flat = (v: Value, shape: number[]) =>
      g.op('Reshape', [v, this.ints(shape)], {
        dtype: v.dtype,
        shape: shape[0] === -1 ? null : shape,
        name: `${this.hint}_flat`
      });
    const side =
      columns.length === 1
        ? columns[0]
        : g.op(
            'Concat',
            columns,
            { dtype: 'string', shape: [BATCH, columns.length], name: `${this.hint}_pair` },
            { axis: attr.int(1) }
          );
    let all = flat(side, [-1]);
    if (scalars.length > 0) {
      all = g.op(
        'Concat',
        [all, ...scalars.map((s) => flat(s, [1]))],
        { dtype: 'string', shape: null, name: `${this.hint}_all` },
        { axis: attr.int(0) }
      );
    }
    const [, , inverse] = g.node(
      'Unique',
      [all],
      [
        { dtype: 'string', name: `${this.hint}_sorted` },
        { dtype: 'int64', name: `${this.hint}_first` },
        { dtype: 'int64', name: `${this.hint}_rank` },
        { dtype: 'int64', name: `${this.hint}_count` }
      ],
      { sorted: attr.int(1) }
    );
    const n = scalars.length;
    const rows =
      n === 0
        ? inverse
        : g.op('Slice', [inverse, this.ints([0]), this.ints([-n]), this.ints([0])], {
            dtype: 'int64',
            shape: null,
            name: `${this.hint}_ranks`
          });
    const matrix = g.op('Reshape', [rows, this.ints([-1, columns.length])], {
      dtype: 'int64',
      shape: [BATCH, columns.length],
      name: `${this.hint}_ranks`
    });
    return parts.map((p) => {
      const c = columns.indexOf(p);
      if (c >= 0) {
        if (columns.length === 1) return matrix;
        return g.op('Slice', [matrix, this.ints([c]), this.ints([c + 1]), this.ints([1])], {
          dtype: 'int64',
          shape: [BATCH, 1],
          name: `${this.hint}_rank`
        });
      }
      const index = g.int64s(`${this.hint}_at`, [scalars.indexOf(p) - n], []);
      return g.op('Gather', [inverse, index], {
        dtype: 'int64',
        shape: [],
        name: `${this.hint}_rank`
      });
    });
  }

  // ---- choosing per row ---------------------------------------------------------------------

  /**
   * Per row: `a` where `useA`, else `b` where `useB` (null: wherever not `useA`), else missing —
   * the counterpart of functions.ts's choose().
   */
  choose(useA: Value, useB: Value | null, a: Lowered, b: Lowered, type: ValueType): Lowered {
    if (type === 'string') {
      if (a.kind !== 'string' || b.kind !== 'string') throw new Error('internal: string choice');
      const value = this.where(
        useA,
        a.value,
        useB === null ? b.value : this.where(useB, b.value, this.text(''))
      );
      if (a.missing === 'empty' && b.missing === 'empty')
        return { kind: 'string', value, missing: 'empty' };
      if (a.missing === 'never' && b.missing === 'never' && useB === null) {
        return { kind: 'string', value, missing: 'never' };
      }
      const ma = this.missing(a) ?? this.flag(false);
      const mb = this.missing(b) ?? this.flag(false);
      const missing = this.where(
        useA,
        ma,
        useB === null ? mb : this.where(useB, mb, this.flag(true))
      );
      return { kind: 'string', value, missing };
    }
    if (type === 'boolean') {
      if (a.kind === 'bool' && b.kind === 'bool' && useB === null) {
        return { kind: 'bool', value: this.where(useA, a.value, b.value) };
      }
      const tb = this.truth(b);
      const value = this.where(
        useA,
        this.truth(a),
        useB === null ? tb : this.where(useB, tb, this.double(0.5))
      );
      return { kind: 'truth', value };
    }
    const y = b.value;
    const value = this.select(
      useA,
      a.value,
      useB === null ? y : this.select(useB, y, this.double(NaN))
    );
    return { kind: 'number', value };
  }

  // ---- numbers ------------------------------------------------------------------------------

  /** Element-wise numeric operation, exactly as vector.ts's numBinary computes it. */
  numBinary(op: NumBinaryOp, a: Value, b: Value): Value {
    switch (op) {
      case '+':
        return this.num('Add', a, b);
      case '-':
        return this.num('Sub', a, b);
      case '*':
        return this.num('Mul', a, b);
      case '/':
        return this.num('Div', a, b);
      case '%':
        // fmod keeps the dividend's sign, like JavaScript's %.
        return this.op('Mod', [a, b], 'double', { fmod: attr.int(1) });
      case '^':
        return this.pow(a, b);
      case 'min':
      case 'max':
        return this.extreme(op, a, b);
      case 'log':
        return this.num('Div', this.num('Log', a), this.num('Log', b));
      case 'round':
        return this.roundTo(a, b);
    }
  }

  /**
   * x ** y, missing if either is. C's pow (ONNX Pow) differs from JavaScript's ** where
   * |x| = 1 and y = ±Infinity (1 in C, NaN in JavaScript) and gives NaN ** 0 = 1 ** NaN = 1.
   */
  private pow(x: Value, y: Value): Value {
    const nan = this.double(NaN);
    const kx = this.constant(x) as number | undefined;
    const ky = this.constant(y) as number | undefined;
    const p = this.num('Pow', x, y);
    if (ky !== undefined) {
      if (Number.isNaN(ky)) return nan;
      if (ky === 0) return this.where(this.isNaN(x), nan, this.double(1));
      if (Number.isFinite(ky)) return p;
      return this.where(this.test('Equal', this.num('Abs', x), this.double(1)), nan, p);
    }
    if (kx !== undefined) {
      if (Number.isNaN(kx)) return nan;
      if (Math.abs(kx) !== 1) return p;
      return this.where(this.or(this.isNaN(y), this.test('IsInf', y)), nan, p);
    }
    const bad = this.or(
      this.or(this.isNaN(x), this.isNaN(y)),
      this.and(this.test('Equal', this.num('Abs', x), this.double(1)), this.test('IsInf', y))
    );
    return this.where(bad, nan, p);
  }

  /**
   * Math.min / Math.max: NaN if either is NaN, and −0 < +0 (ONNX Min and Max leave both open;
   * onnxruntime returns its first input for equal zeros). One pick per row between a and b.
   */
  private extreme(op: 'min' | 'max', a: Value, b: Value): Value {
    const ka = this.constant(a) as number | undefined;
    const kb = this.constant(b) as number | undefined;
    if (ka !== undefined && kb !== undefined) return this.double(Math[op](ka, kb));
    if (ka !== undefined) return this.extreme(op, b, a);
    if (kb !== undefined && Number.isNaN(kb)) return this.double(NaN);
    const beyond = op === 'min' ? 'Less' : 'Greater';
    // b where it is strictly beyond a; a NaN a stays, as comparisons with NaN are false.
    let pickB = this.test(beyond, b, a);
    if (kb === 0 && !Object.is(kb, -0)) {
      // max(a, +0) is +0 for a = −0 too; min(a, +0) keeps a's −0.
      if (op === 'max') pickB = this.test('LessOrEqual', a, b);
    } else if (kb === undefined || kb === 0) {
      // Equal values: b only when it is the zero of the right sign (1 / b gives that sign).
      const signed = this.test(beyond, this.num('Reciprocal', b), this.double(0));
      pickB = this.or(pickB, this.and(this.test('Equal', a, b), signed));
    }
    if (kb === undefined) pickB = this.or(pickB, this.isNaN(b));
    return this.select(pickB, b, a);
  }

  /** Math.round of x ≥ 0: the nearest integer, halves up (ONNX Round takes halves to even). */
  private roundHalfUp(x: Value): Value {
    const whole = this.num('Floor', x);
    const up = this.test('GreaterOrEqual', this.num('Sub', x, whole), this.double(0.5));
    return this.num('Add', whole, this.cast(up, 'double'));
  }

  /** vector.ts's roundTo: half away from zero at `digits` decimals, step by step. */
  private roundTo(x: Value, digits: Value): Value {
    const nan = this.double(NaN);
    const nonNegative = this.test('GreaterOrEqual', x, this.double(0));
    const ax = this.num('Abs', x);
    // r ≥ +0 is never −0, so it can be Where's second input; NaN x gives NaN either way.
    const signed = (r: Value) => this.where(nonNegative, r, this.num('Neg', r));
    const zero = this.where(nonNegative, this.double(0), this.double(-0));
    const kd = this.constant(digits) as number | undefined;
    if (kd !== undefined) {
      if (Number.isNaN(kd)) return nan;
      const d = Math.trunc(kd);
      if (d > 300) return x;
      if (d < -308) return this.where(this.or(this.isNaN(x), this.test('IsInf', x)), x, zero);
      if (d === 0) return signed(this.roundHalfUp(ax));
      if (d < 0) {
        const m = this.double(10 ** -d);
        return signed(this.num('Mul', this.roundHalfUp(this.num('Div', ax, m)), m));
      }
      const m = this.double(10 ** d);
      const scaled = this.num('Mul', ax, m);
      const r = signed(this.num('Div', this.roundHalfUp(scaled), m));
      // x is kept only when |x| · 10^d ≥ 2^52, so it is not a zero.
      return this.where(this.test('GreaterOrEqual', scaled, this.double(TWO_52)), x, r);
    }
    // Digits per row: trunc, then the scale 10 ** |d| looked up in a table JavaScript made.
    const d = this.where(
      this.test('Less', digits, this.double(0)),
      this.num('Ceil', digits),
      this.num('Floor', digits)
    );
    const big = this.test('Greater', d, this.double(300));
    const tiny = this.test('Less', d, this.double(-308));
    const outside = this.or(this.or(big, tiny), this.isNaN(d));
    const k = this.where(outside, this.double(0), this.num('Abs', d));
    const table = this.g.doubles(`${this.hint}_powers_of_ten`, POWERS_OF_TEN);
    const m = this.g.op(
      'Gather',
      [table, this.cast(k, 'int64')],
      { dtype: 'double', shape: [BATCH, 1], name: `${this.hint}_scale` },
      { axis: attr.int(0) }
    );
    const up = this.test('GreaterOrEqual', d, this.double(0));
    const scaled = this.where(up, this.num('Mul', ax, m), this.num('Div', ax, m));
    const rounded = this.roundHalfUp(scaled);
    const r = signed(this.where(up, this.num('Div', rounded, m), this.num('Mul', rounded, m)));
    const large = this.test('GreaterOrEqual', scaled, this.double(TWO_52));
    const keep = this.or(big, this.and(this.test('Greater', d, this.double(0)), large));
    const small = this.where(this.test('IsInf', x), x, zero);
    const bad = this.or(this.isNaN(x), this.isNaN(digits));
    return this.where(bad, nan, this.select(keep, x, this.select(tiny, small, r)));
  }

  // ---- the result ---------------------------------------------------------------------------

  /**
   * The value as a column [N, 1] in the Lowering's representation: double for numbers,
   * booleans (0 / 1 / NaN) and datetimes, string for strings ("" where missing).
   */
  column(x: Lowered): Value {
    let v: Value;
    switch (x.kind) {
      case 'number':
        v = x.value;
        break;
      case 'bool':
      case 'truth':
        v = this.numberOfTruth(x);
        break;
      case 'string':
        v =
          x.missing === 'empty' || x.missing === 'never'
            ? x.value
            : this.where(x.missing, this.text(''), x.value);
        break;
    }
    if (v.shape === null || v.shape.length > 0) return v;
    // A constant: one per row, as many rows as the table has.
    const like = this.onnx.columns[0];
    if (like === undefined)
      this.refuse('is a constant and the table has no column to count its rows.');
    const shape = this.rows(this.onnx.column(like));
    return this.g.op('Expand', [v, shape], { dtype: v.dtype, shape: [BATCH, 1], name: this.hint });
  }
}
