/**
 * An expression as ONNX nodes: the graph counterpart of evaluate.ts, node kind by node kind, with
 * each function lowered by its own entry in functions.ts. What the graph computes is what the
 * evaluator computes, missing values included; a function the graph cannot compute exactly
 * refuses the export, naming the step, the expression and the function. A part of the tree that
 * reads no column is computed once, by the evaluator itself, and stored as a constant.
 */
import { LatheError } from '../../base/errors';
import type { ColumnSchema, ColumnType } from '../../data/types';
import type { Value } from '../../onnx/graph';
import type { Lowering } from '../../onnx/lowering';
import type { Frame } from '../frame';
import { Emitter, type Lowered, type StringLowered } from './emit';
import { evaluatePlan } from './evaluate';
import { isNullNodes } from './functions';
import { compileExpression, type CompiledExpression } from './index';
import { parseExpression, type Node } from './parser';
import type { CompareOp, Plan, ValueType } from './types';
import { UNKNOWN, type Vec } from './vector';

/** The expression's column, [N, 1], in the Lowering's representation (onnx/lowering.ts). */
export function lowerExpression(onnx: Lowering, compiled: CompiledExpression, name: string): Value {
  const k = new Emitter(onnx, name, compiled.source);
  const want = compiled.type === 'null' ? 'number' : compiled.type;
  return k.column(new Walker(k).run(compiled.plan, want));
}

/**
 * Compiles `source` against the Lowering's current columns. The Lowering knows each column's
 * ONNX type, not its column type: a string column is taken as categorical, and a double column
 * as a number unless the expression only checks with it as a true/false value or a datetime.
 * Those three are all doubles (0 / 1 / NaN, epoch ms) computed alike, so every typing that
 * checks gives the same values — except string(x), which lowers only for true/false values and
 * so is refused for a column read as a number. Type errors guide the search: each retypes a
 * double column inside the span the error names (or any, when it names none), fewest
 * non-numbers first.
 */
export function compileForLowering(onnx: Lowering, source: string): CompiledExpression {
  const refs = new Map<string, { pos: number; len: number }[]>();
  collectReferences(parseExpression(source), refs);
  const fixed: ColumnSchema[] = [];
  const doubles: string[] = [];
  for (const name of refs.keys()) {
    if (!onnx.has(name)) continue;
    const dtype = onnx.column(name).dtype;
    if (dtype === 'string') fixed.push({ name, type: 'categorical' });
    else if (dtype === 'double') doubles.push(name);
    else
      onnx.refuse(
        `the formula "${source}" reads the column "${name}", which holds ${dtype} values.`
      );
  }
  const key = (types: readonly ColumnType[]) => types.join();
  const queue: ColumnType[][] = [doubles.map(() => 'float')];
  const seen = new Set([key(queue[0])]);
  let first: LatheError | undefined;
  for (let attempt = 0; attempt < MAX_TYPINGS && queue.length > 0; attempt++) {
    queue.sort((a, b) => nonNumbers(a) - nonNumbers(b));
    const types = queue.shift() as ColumnType[];
    try {
      return compileExpression(source, [
        ...fixed,
        ...doubles.map((name, i) => ({ name, type: types[i] }))
      ]);
    } catch (e) {
      if (!(e instanceof LatheError) || e.code !== 'EXPR_TYPE') throw e;
      first ??= e;
      const start = Number(e.details?.position);
      const end = start + Number(e.details?.length);
      const inside = doubles.filter((name) =>
        (refs.get(name) ?? []).some((r) => r.pos < end && r.pos + r.len > start)
      );
      for (const name of inside.length > 0 ? inside : doubles) {
        const i = doubles.indexOf(name);
        for (const type of DOUBLE_TYPES) {
          if (type === types[i]) continue;
          const next = types.slice();
          next[i] = type;
          if (!seen.has(key(next))) {
            seen.add(key(next));
            queue.push(next);
          }
        }
      }
    }
  }
  throw first ?? new Error('internal: no typing tried');
}

const MAX_TYPINGS = 200;
const DOUBLE_TYPES: readonly ColumnType[] = ['float', 'boolean', 'datetime'];

function nonNumbers(types: readonly ColumnType[]): number {
  return types.filter((t) => t !== 'float').length;
}

function collectReferences(node: Node, out: Map<string, { pos: number; len: number }[]>): void {
  switch (node.type) {
    case 'column': {
      const spans = out.get(node.name) ?? [];
      spans.push({ pos: node.pos, len: node.len });
      out.set(node.name, spans);
      return;
    }
    case 'unary':
    case 'not':
    case 'isnull':
      collectReferences(node.operand, out);
      return;
    case 'binary':
      collectReferences(node.left, out);
      collectReferences(node.right, out);
      return;
    case 'in':
      collectReferences(node.operand, out);
      for (const item of node.items) collectReferences(item, out);
      return;
    case 'call':
      for (const arg of node.args) collectReferences(arg, out);
      return;
    default:
      return;
  }
}

const CONSTANT_FRAME: Frame = { rows: 1, columns: [] };

const ORDER: Record<Exclude<CompareOp, '!='>, string> = {
  '=': 'Equal',
  '<': 'Less',
  '<=': 'LessOrEqual',
  '>': 'Greater',
  '>=': 'GreaterOrEqual'
};

class Walker {
  private readonly columns = new Map<string, Lowered>();
  private readonly constants = new Map<Plan, boolean>();

  constructor(private readonly k: Emitter) {}

  run(p: Plan, want: ValueType): Lowered {
    const k = this.k;
    if (p.t === 'null') return k.nothing(want);
    if (this.isConstant(p)) return this.fold(p, want);
    switch (p.k) {
      case 'const':
        throw new Error('internal: constants are folded');
      case 'column':
        return this.column(p.name, p.t);
      case 'arith':
        return { kind: 'number', value: k.numBinary(p.op, this.num(p.left), this.num(p.right)) };
      case 'neg':
        return { kind: 'number', value: k.num('Neg', this.num(p.operand)) };
      case 'compare':
        return {
          kind: 'bool',
          value: this.compare(p.op, p.of, this.run(p.left, p.of), this.run(p.right, p.of))
        };
      case 'logic':
        return this.logic(p.op, this.run(p.left, 'boolean'), this.run(p.right, 'boolean'));
      case 'not': {
        const x = this.run(p.operand, 'boolean');
        if (x.kind === 'bool') return { kind: 'bool', value: k.not(x.value) };
        return { kind: 'truth', value: k.num('Sub', k.double(1), k.truth(x)) };
      }
      case 'in':
        return { kind: 'bool', value: this.in(p.of, p.operand, p.items, p.negated) };
      case 'isnull':
        return isNullNodes(
          k,
          this.run(p.operand, p.operand.t === 'null' ? 'number' : p.operand.t),
          p.negated
        );
      case 'call': {
        const args = p.args.map((a, i) => {
          const t = p.argTypes[i];
          return this.run(a, t === 'null' ? 'number' : t);
        });
        const name = p.fn.name;
        return p.fn.lower(args, k, {
          type: p.t,
          argTypes: p.argTypes,
          refuse: (why) => k.refuse(`uses ${name}(), which ${why}`)
        });
      }
    }
  }

  private num(p: Plan): Value {
    const x = this.run(p, 'number');
    if (x.kind !== 'number') throw new Error(`internal: expected a number, got ${x.kind}`);
    return x.value;
  }

  /** Whether the plan reads no column. */
  private isConstant(p: Plan): boolean {
    let known = this.constants.get(p);
    if (known === undefined) {
      known = children(p).every((c) => this.isConstant(c)) && p.k !== 'column';
      this.constants.set(p, known);
    }
    return known;
  }

  /** A constant part, computed by the evaluator. */
  private fold(p: Plan, want: ValueType): Lowered {
    const k = this.k;
    const v: Vec = evaluatePlan(p, CONSTANT_FRAME, want);
    switch (v.kind) {
      case 'number':
        return { kind: 'number', value: k.double(v.values[0]) };
      case 'bool':
        if (v.values[0] === UNKNOWN) return k.nothing('boolean');
        return { kind: 'bool', value: k.flag(v.values[0] > UNKNOWN) };
      case 'string': {
        const code = v.codes[0];
        if (code < 0) return k.nothing('string');
        const s = v.dictionary[code];
        return { kind: 'string', value: k.text(s), missing: s === '' ? 'never' : 'empty' };
      }
    }
  }

  private column(name: string, t: ValueType): Lowered {
    let x = this.columns.get(name);
    if (x === undefined) {
      const value = this.k.onnx.column(name);
      const dtype = t === 'string' ? 'string' : 'double';
      if (value.dtype !== dtype) {
        this.k.refuse(`reads the column "${name}" as ${t}, but it holds ${value.dtype} values.`);
      }
      if (t === 'string') x = { kind: 'string', value, missing: 'empty' };
      else if (t === 'boolean') x = this.k.truthOfColumn(value);
      else x = { kind: 'number', value };
      this.columns.set(name, x);
    }
    return x;
  }

  private compare(op: CompareOp, of: ValueType, a: Lowered, b: Lowered): Value {
    const k = this.k;
    if (a.kind === 'string' && b.kind === 'string') return this.compareStrings(op, a, b);
    if (of === 'boolean') return this.compareBools(op, a, b);
    if (a.kind !== 'number' || b.kind !== 'number') throw new Error('internal: number compare');
    // IEEE comparisons are false for NaN; != is < or >, so it is false for NaN too.
    if (op === '!=')
      return k.or(k.test('Less', a.value, b.value), k.test('Greater', a.value, b.value));
    return k.test(ORDER[op], a.value, b.value);
  }

  /** = and != of truth values: false where either is missing. */
  private compareBools(op: CompareOp, a: Lowered, b: Lowered): Value {
    const k = this.k;
    if (this.isKnown(a)) [a, b] = [b, a];
    if (a.kind === 'bool' && b.kind === 'bool') {
      const kb = k.constant(b.value);
      if (kb !== undefined) return kb === (op === '=') ? a.value : k.not(a.value);
      return k.test(op === '=' ? 'Equal' : 'Xor', a.value, b.value);
    }
    const ta = k.truth(a);
    const tb = k.truth(b);
    const kb = k.constant(tb) as number | undefined;
    if (kb === 0.5) return k.flag(false);
    if (kb !== undefined) return k.test('Equal', ta, k.double(op === '=' ? kb : 1 - kb));
    if (op === '!=') return k.test('Equal', k.num('Abs', k.num('Sub', ta, tb)), k.double(1));
    return k.and(k.test('Equal', ta, tb), k.not(k.test('Equal', ta, k.double(0.5))));
  }

  private isKnown(x: Lowered): boolean {
    return this.k.constant(x.value) !== undefined;
  }

  /** A constant string's text, or null when it is missing. */
  private knownText(x: StringLowered): string | null {
    const s = this.k.constant(x.value) as string;
    return s === '' && x.missing === 'empty' ? null : s;
  }

  /** Strings compare by code point; false where either side is missing. */
  private compareStrings(op: CompareOp, a: StringLowered, b: StringLowered): Value {
    const k = this.k;
    if (this.isKnown(a)) {
      if (this.isKnown(b)) throw new Error('internal: constants are folded');
      const flip: Record<CompareOp, CompareOp> = {
        '=': '=',
        '!=': '!=',
        '<': '>',
        '<=': '>=',
        '>': '<',
        '>=': '<='
      };
      return this.compareStrings(flip[op], b, a);
    }
    if (this.isKnown(b)) {
      const s = this.knownText(b);
      if (s === null) return k.flag(false);
      if (op === '=' || op === '!=') return k.stringMember(a, [s], op === '!=');
    }
    const [ra, rb] = k.stringRanks([a.value, b.value]);
    const result = op === '!=' ? k.not(k.test('Equal', ra, rb)) : k.test(ORDER[op], ra, rb);
    return this.present(this.present(result, a), b);
  }

  /** `test` and `x` is present. */
  private present(test: Value, x: Lowered): Value {
    const missing = this.k.missing(x);
    return missing === null ? test : this.k.and(test, this.k.not(missing));
  }

  private logic(op: 'and' | 'or', a: Lowered, b: Lowered): Lowered {
    const k = this.k;
    if (a.kind === 'bool' && b.kind === 'bool') {
      return {
        kind: 'bool',
        value: op === 'and' ? k.and(a.value, b.value) : k.or(a.value, b.value)
      };
    }
    return { kind: 'truth', value: k.num(op === 'and' ? 'Min' : 'Max', k.truth(a), k.truth(b)) };
  }

  /** x [not] in (items): an equality per item, false where x is missing. */
  private in(of: ValueType, operand: Plan, itemPlans: Plan[], negated: boolean): Value {
    const k = this.k;
    const x = this.run(operand, of);
    const items = itemPlans.map((item) => this.run(item, of));
    if (x.kind === 'string' && items.every((v) => this.isKnown(v))) {
      const keys: string[] = [];
      for (const item of items as StringLowered[]) {
        const s = this.knownText(item);
        if (s !== null) keys.push(s);
      }
      return k.stringMember(x, keys, negated);
    }
    let any = k.flag(false);
    if (x.kind === 'string') {
      const ranks = k.stringRanks([x.value, ...items.map((v) => v.value)]);
      items.forEach((item, i) => {
        any = k.or(any, this.present(k.test('Equal', ranks[0], ranks[i + 1]), item));
      });
    } else {
      // Each equality is already false where x is missing.
      for (const item of items) any = k.or(any, this.compare('=', of, x, item));
      if (!negated) return any;
    }
    return this.present(negated ? k.not(any) : any, x);
  }
}

function children(p: Plan): Plan[] {
  switch (p.k) {
    case 'const':
    case 'column':
      return [];
    case 'neg':
    case 'not':
    case 'isnull':
      return [p.operand];
    case 'arith':
    case 'compare':
    case 'logic':
      return [p.left, p.right];
    case 'in':
      return [p.operand, ...p.items];
    case 'call':
      return p.args;
  }
}
