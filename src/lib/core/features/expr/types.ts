import { parseDatetime } from '../../data/date';
import type { ColumnSchema, ColumnType } from '../../data/types';
import { exprError, suggest } from './errors';
import { FUNCTIONS, type ArgInfo, type FnSpec, type TypeTools } from './functions';
import type { BinaryOp, Node } from './parser';

/**
 * Static types. Every column type maps to one value type:
 *   integer, float → number     boolean → boolean     datetime → datetime (epoch ms)
 *   categorical, text → string
 * `null` is the type of the `null` literal (and of expressions made only of it); it fits any
 * other type. Types are checked before anything runs, so `'a' + 1` or `sqrt('x')` fail with
 * EXPR_TYPE and a position without touching the data.
 */
export type ValueType = 'number' | 'boolean' | 'string' | 'datetime';
export type ExprType = ValueType | 'null';

export type ArithOp = '+' | '-' | '*' | '/' | '%' | '^';
export type CompareOp = '=' | '!=' | '<' | '<=' | '>' | '>=';

/** The checked, resolved tree the evaluator runs. Each node carries its static type `t`. */
export type Plan =
  | { k: 'const'; t: 'number' | 'datetime'; value: number }
  | { k: 'const'; t: 'string'; value: string }
  | { k: 'const'; t: 'boolean'; value: boolean }
  | { k: 'const'; t: 'null'; value: null }
  | { k: 'column'; t: ValueType; name: string; columnType: ColumnType }
  | { k: 'arith'; t: 'number' | 'datetime' | 'null'; op: ArithOp; left: Plan; right: Plan }
  | { k: 'neg'; t: 'number' | 'null'; operand: Plan }
  | { k: 'compare'; t: 'boolean'; op: CompareOp; of: ValueType; left: Plan; right: Plan }
  | { k: 'logic'; t: 'boolean'; op: 'and' | 'or'; left: Plan; right: Plan }
  | { k: 'not'; t: 'boolean'; operand: Plan }
  | { k: 'in'; t: 'boolean'; of: ValueType; operand: Plan; items: Plan[]; negated: boolean }
  | { k: 'isnull'; t: 'boolean'; operand: Plan; negated: boolean }
  | { k: 'call'; t: ExprType; fn: FnSpec; args: Plan[]; argTypes: ExprType[] };

export function valueTypeOf(type: ColumnType): ValueType {
  switch (type) {
    case 'integer':
    case 'float':
      return 'number';
    case 'categorical':
    case 'text':
      return 'string';
    default:
      return type;
  }
}

export function describeType(t: ExprType): string {
  switch (t) {
    case 'number':
      return 'a number';
    case 'string':
      return 'a string';
    case 'boolean':
      return 'a true/false value';
    case 'datetime':
      return 'a datetime';
    case 'null':
      return 'null';
  }
}

const ARITH_OPS = new Set<BinaryOp>(['+', '-', '*', '/', '%', '^']);
const encoder = new TextEncoder();

/** Type-checks a syntax tree against the input columns and resolves names. */
export function checkExpression(ast: Node, schema: readonly ColumnSchema[]): Plan {
  const columns = new Map<string, ColumnSchema>();
  for (const c of schema) if (!columns.has(c.name)) columns.set(c.name, c);
  return check(ast, columns);
}

function check(node: Node, columns: ReadonlyMap<string, ColumnSchema>): Plan {
  switch (node.type) {
    case 'number':
      return { k: 'const', t: 'number', value: node.value };
    case 'string':
      return { k: 'const', t: 'string', value: node.value };
    case 'boolean':
      return { k: 'const', t: 'boolean', value: node.value };
    case 'null':
      return { k: 'const', t: 'null', value: null };
    case 'column': {
      const col = columns.get(node.name);
      if (!col) throw unknownColumn(node, columns);
      return { k: 'column', t: valueTypeOf(col.type), name: col.name, columnType: col.type };
    }
    case 'unary': {
      const operand = check(node.operand, columns);
      if (operand.t !== 'number' && operand.t !== 'null') {
        throw typeError(
          `Operator "${node.op}" needs a number but ${show(node.operand)} is ${describeType(operand.t)}`,
          node.operand
        );
      }
      if (node.op === '+') return operand;
      return { k: 'neg', t: operand.t, operand };
    }
    case 'not': {
      const operand = check(node.operand, columns);
      expectBoolean(node.operand, operand.t, 'not');
      return { k: 'not', t: 'boolean', operand };
    }
    case 'binary': {
      const left = check(node.left, columns);
      const right = check(node.right, columns);
      if (node.op === 'and' || node.op === 'or') {
        expectBoolean(node.left, left.t, node.op);
        expectBoolean(node.right, right.t, node.op);
        return { k: 'logic', t: 'boolean', op: node.op, left, right };
      }
      if (ARITH_OPS.has(node.op)) return arith(node, node.op as ArithOp, left, right);
      return compare(node, node.op as CompareOp, left, right);
    }
    case 'in': {
      const operand = check(node.operand, columns);
      if (operand.t === 'null') throw nullCompare(node.operand);
      const of = operand.t;
      const items = node.items.map((itemNode) => {
        let item = check(itemNode, columns);
        if (item.t === 'null') throw nullCompare(itemNode);
        if (of === 'datetime' && item.t === 'string') item = datetimeLiteral(item, itemNode);
        else if (item.t !== of) {
          throw typeError(
            `"in" compares ${show(node.operand)}, which is ${describeType(of)}, with ` +
              `${describeType(item.t)}`,
            itemNode
          );
        }
        return item;
      });
      return { k: 'in', t: 'boolean', of, operand, items, negated: node.negated };
    }
    case 'isnull':
      return {
        k: 'isnull',
        t: 'boolean',
        operand: check(node.operand, columns),
        negated: node.negated
      };
    case 'call':
      return call(node, columns);
  }
}

/** How a node is named in messages: column "x", 'text', 12, sqrt(…), or "the operand". */
function show(node: Node): string {
  switch (node.type) {
    case 'column':
      return `column "${node.name}"`;
    case 'string': {
      const v = node.value.length > 20 ? `${node.value.slice(0, 17)}…` : node.value;
      return `'${v.replace(/'/g, "''")}'`;
    }
    case 'number':
    case 'boolean':
      return String(node.value);
    case 'null':
      return 'null';
    case 'call':
      return `${node.name}(…)`;
    default:
      return 'the expression';
  }
}

function typeError(what: string, node: Node, tail = ''): never {
  throw exprError('EXPR_TYPE', what, node.pos, node.len, tail);
}

function expectBoolean(node: Node, t: ExprType, op: string): void {
  if (t === 'boolean' || t === 'null') return;
  const hint = t === 'number' ? ' — compare it, e.g. x > 0' : '';
  typeError(`"${op}" needs true/false values but ${show(node)} is ${describeType(t)}`, node, hint);
}

function nullCompare(node: Node): never {
  return typeError(
    'Comparing with null is never true',
    node,
    ' — use isnull(x) or "x is null" to test for missing values'
  );
}

function unknownColumn(
  node: Extract<Node, { type: 'column' }>,
  columns: ReadonlyMap<string, ColumnSchema>
): Error {
  const names = [...columns.keys()];
  const near = suggest(node.name, names);
  let tail: string;
  if (near !== undefined) tail = ` — did you mean "${near}"?`;
  else if (FUNCTIONS.has(node.name.toLowerCase()))
    tail = ` — to call the function write ${node.name}(…)`;
  else if (names.length === 0) tail = ' (the table has no columns)';
  else {
    const shown = names.slice(0, 8).map((n) => `"${n}"`);
    tail = ` — columns are ${shown.join(', ')}${names.length > 8 ? ', …' : ''}`;
  }
  return exprError(
    'EXPR_UNKNOWN_COLUMN',
    `Unknown column "${node.name}"`,
    node.pos,
    node.len,
    tail,
    {
      name: node.name,
      ...(near !== undefined ? { suggestion: near } : {})
    }
  );
}

/** Reads a string literal compared with a datetime as an ISO date (UTC unless it has a zone). */
function datetimeLiteral(plan: Plan, node: Node): Plan {
  if (plan.k !== 'const' || plan.t !== 'string') {
    return typeError(
      `${show(node)} is a string and cannot be compared with a datetime`,
      node,
      ' — convert it with datetime(…)'
    );
  }
  const bytes = encoder.encode(plan.value);
  const ms = parseDatetime(bytes, 0, bytes.length);
  if (Number.isNaN(ms)) {
    return typeError(
      `${show(node)} is not a date`,
      node,
      ' — write dates as YYYY-MM-DD or YYYY-MM-DD HH:MM[:SS], optionally with Z or ±HH:MM'
    );
  }
  return { k: 'const', t: 'datetime', value: ms };
}

function arith(
  node: Extract<Node, { type: 'binary' }>,
  op: ArithOp,
  left: Plan,
  right: Plan
): Plan {
  const lt = left.t;
  const rt = right.t;
  const bad = (side: Node, t: ExprType, hint = '') =>
    typeError(`Operator "${op}" needs numbers but ${show(side)} is ${describeType(t)}`, side, hint);
  const hintFor = (t: ExprType) =>
    t === 'string'
      ? op === '+'
        ? ' — use concat(a, b) to join strings, or number(x) to read one as a number'
        : ' — use number(x) to read it as a number'
      : t === 'boolean'
        ? ' — use number(x) to count true as 1 and false as 0'
        : '';
  // Datetime arithmetic is in milliseconds: d ± n → datetime, d − d → number.
  if (lt === 'datetime' || rt === 'datetime') {
    if (op === '-' && lt === 'datetime' && rt === 'datetime') {
      return { k: 'arith', t: 'number', op, left, right };
    }
    if ((op === '+' || op === '-') && lt === 'datetime' && (rt === 'number' || rt === 'null')) {
      return { k: 'arith', t: 'datetime', op, left, right };
    }
    if (op === '+' && rt === 'datetime' && (lt === 'number' || lt === 'null')) {
      return { k: 'arith', t: 'datetime', op, left, right };
    }
    const [side, t] = lt === 'datetime' ? [node.right, rt] : [node.left, lt];
    if (t !== 'number' && t !== 'null' && t !== 'datetime') bad(side, t, hintFor(t));
    return typeError(
      `Operator "${op}" cannot combine ${describeType(lt)} and ${describeType(rt)}`,
      node,
      ' — datetimes support d + ms, d - ms and d1 - d2 (in milliseconds)'
    );
  }
  if (lt !== 'number' && lt !== 'null') bad(node.left, lt, hintFor(lt));
  if (rt !== 'number' && rt !== 'null') bad(node.right, rt, hintFor(rt));
  return { k: 'arith', t: lt === 'null' && rt === 'null' ? 'null' : 'number', op, left, right };
}

function compare(
  node: Extract<Node, { type: 'binary' }>,
  op: CompareOp,
  left: Plan,
  right: Plan
): Plan {
  if (left.t === 'null') nullCompare(node.left);
  if (right.t === 'null') nullCompare(node.right);
  let lt = left.t as ValueType;
  let rt = right.t as ValueType;
  if (lt === 'datetime' && rt === 'string') {
    right = datetimeLiteral(right, node.right);
    rt = 'datetime';
  } else if (lt === 'string' && rt === 'datetime') {
    left = datetimeLiteral(left, node.left);
    lt = 'datetime';
  }
  if (lt !== rt) {
    throw exprError(
      'EXPR_TYPE',
      `Cannot compare ${describeType(lt)} with ${describeType(rt)}`,
      node.opPos,
      node.opLen,
      ' — convert one side with number(x), string(x) or datetime(x)'
    );
  }
  if (lt === 'boolean' && op !== '=' && op !== '!=') {
    throw exprError(
      'EXPR_TYPE',
      `Operator "${op}" cannot order true/false values`,
      node.opPos,
      node.opLen,
      ' — use = or !='
    );
  }
  return { k: 'compare', t: 'boolean', op, of: lt, left, right };
}

function call(
  node: Extract<Node, { type: 'call' }>,
  columns: ReadonlyMap<string, ColumnSchema>
): Plan {
  const key = node.name.toLowerCase();
  const fn = FUNCTIONS.get(key);
  if (!fn) {
    const near = suggest(key, FUNCTIONS.keys());
    throw exprError(
      'EXPR_UNKNOWN_FUNCTION',
      `Unknown function "${node.name}"`,
      node.pos,
      node.nameLen,
      near !== undefined ? ` — did you mean "${near}"?` : ' — see the list of functions',
      { name: node.name, ...(near !== undefined ? { suggestion: near } : {}) }
    );
  }
  const n = node.args.length;
  if (n < fn.minArgs || n > fn.maxArgs) {
    const wanted =
      fn.minArgs === fn.maxArgs
        ? `${fn.minArgs}`
        : fn.maxArgs === Infinity
          ? `at least ${fn.minArgs}`
          : `${fn.minArgs} to ${fn.maxArgs}`;
    throw exprError(
      'EXPR_TYPE',
      `${fn.name}() takes ${wanted} argument${wanted === '1' ? '' : 's'} but got ${n}`,
      node.pos,
      node.len,
      ` — usage: ${fn.signature}`
    );
  }
  const args: ArgInfo[] = node.args.map((a) => {
    const plan = check(a, columns);
    return { type: plan.t, plan };
  });
  const argError = (i: number, what: string): never =>
    typeError(
      `${fn.name}() ${what} but ${show(node.args[i])} is ${describeType(args[i].type)}`,
      node.args[i],
      ` — usage: ${fn.signature}`
    );
  const tools: TypeTools = {
    expect(i, allowed) {
      const t = args[i].type;
      if (t === 'null') return allowed[0];
      if (allowed.includes(t)) return t;
      const list = allowed.map(describeType);
      const words =
        list.length > 1 ? `${list.slice(0, -1).join(', ')} or ${list[list.length - 1]}` : list[0];
      return argError(i, `needs ${words} as argument ${i + 1}`);
    },
    unify(indices, what) {
      let t: ExprType = 'null';
      for (const i of indices) {
        const at = args[i].type;
        if (at === 'null') continue;
        if (t === 'null') t = at;
        else if (at !== t) argError(i, `needs ${what} of one type (${describeType(t)} so far)`);
      }
      return t;
    }
  };
  const sig = fn.check(args, tools);
  return { k: 'call', t: sig.type, fn, args: args.map((a) => a.plan), argTypes: sig.args };
}
