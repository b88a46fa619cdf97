import { EXPR_LIMITS, exprError } from './errors';
import { tokenize, type Token } from './lexer';

/**
 * Grammar, lowest precedence first (keywords are case-insensitive):
 *
 *   level  operators                          associativity
 *   1      or  ||                             left
 *   2      and &&                             left
 *   3      not !  (prefix)                    right (not not x)
 *   4      = == != <> < <= > >=               none: `a < b < c` is a syntax error
 *          x [not] in (e1, e2, …)
 *          x is [not] null
 *   5      + -  (binary)                      left
 *   6      * / %                              left
 *   7      - +  (prefix)                      right
 *   8      ^                                  right: 2^3^2 = 2^(3^2) = 512; -2^2 = -(2^2) = -4;
 *                                             the exponent may carry a sign: 2^-1 = 0.5
 *   9      literals, columns, f(args…), ( expr )
 *
 *   expr       := or
 *   or         := and (('or' | '||') and)*
 *   and        := not (('and' | '&&') not)*
 *   not        := ('not' | '!') not | comparison
 *   comparison := sum ( compOp sum
 *                     | ['not'] 'in' '(' expr (',' expr)* ')'
 *                     | 'is' ['not'] 'null' )?
 *   sum        := product (('+' | '-') product)*
 *   product    := unary (('*' | '/' | '%') unary)*
 *   unary      := ('-' | '+') unary | power
 *   power      := primary ('^' unary)?
 *   primary    := NUMBER | STRING | 'true' | 'false' | 'null'
 *               | IDENT '(' [expr (',' expr)*] ')'          function call (names case-insensitive)
 *               | IDENT | `QUOTED`                           column reference (case-sensitive)
 *               | '(' expr ')'
 *
 * Reserved words (need backquotes to be used as column names): and or not in is true false null.
 */

export type BinaryOp =
  '+' | '-' | '*' | '/' | '%' | '^' | '=' | '!=' | '<' | '<=' | '>' | '>=' | 'and' | 'or';

interface Span {
  /** 0-based start offset of the node's source text. */
  pos: number;
  /** Length of the node's source text. */
  len: number;
  /** Height of the subtree (a leaf is 1). */
  height: number;
}

export type Node =
  | (Span & { type: 'number'; value: number })
  | (Span & { type: 'string'; value: string })
  | (Span & { type: 'boolean'; value: boolean })
  | (Span & { type: 'null' })
  | (Span & { type: 'column'; name: string })
  | (Span & { type: 'unary'; op: '-' | '+'; operand: Node; opPos: number })
  | (Span & { type: 'not'; operand: Node; opPos: number; opLen: number })
  | (Span & { type: 'binary'; op: BinaryOp; left: Node; right: Node; opPos: number; opLen: number })
  | (Span & { type: 'in'; operand: Node; items: Node[]; negated: boolean; opPos: number })
  | (Span & { type: 'isnull'; operand: Node; negated: boolean })
  | (Span & { type: 'call'; name: string; args: Node[]; nameLen: number });

type NodeInit = Node extends infer T ? (T extends Node ? Omit<T, 'height'> : never) : never;

const RESERVED = new Set(['and', 'or', 'not', 'in', 'is', 'true', 'false', 'null']);
const COMPARE: Record<string, BinaryOp> = {
  '=': '=',
  '==': '=',
  '!=': '!=',
  '<>': '!=',
  '<': '<',
  '<=': '<=',
  '>': '>',
  '>=': '>='
};

/** Parses an expression into its syntax tree; throws EXPR_SYNTAX with the offending position. */
export function parseExpression(source: string): Node {
  return new Parser(source).parse();
}

class Parser {
  private readonly tokens: Token[];
  private i = 0;
  private depth = 0;

  constructor(private readonly source: string) {
    this.tokens = tokenize(source);
  }

  parse(): Node {
    if (this.peek().kind === 'eof') {
      throw exprError('EXPR_SYNTAX', 'Expected an expression', 0, 0, ' (the expression is empty)');
    }
    const node = this.or();
    const t = this.peek();
    if (t.kind !== 'eof') {
      throw exprError('EXPR_SYNTAX', `Unexpected ${describe(t)}`, t.pos, t.len, this.hintAfter(t));
    }
    return node;
  }

  private peek(): Token {
    return this.tokens[this.i];
  }

  private next(): Token {
    return this.tokens[this.i++];
  }

  private isKeyword(t: Token, word: string): boolean {
    return t.kind === 'ident' && t.text.toLowerCase() === word;
  }

  private isOp(t: Token, ...ops: string[]): boolean {
    return t.kind === 'op' && ops.includes(t.text);
  }

  private isPunct(t: Token, p: string): boolean {
    return t.kind === 'punct' && t.text === p;
  }

  private expect(p: string): Token {
    const t = this.peek();
    if (!this.isPunct(t, p)) {
      throw exprError('EXPR_SYNTAX', `Expected "${p}"`, t.pos, t.len, ` but found ${describe(t)}`, {
        expected: p
      });
    }
    return this.next();
  }

  private hintAfter(t: Token): string {
    if (this.isPunct(t, ')')) return ' — it has no matching "("';
    if (this.isOp(t, '=', '==', '!=', '<>', '<', '<=', '>', '>=')) {
      return ' — comparisons cannot be chained; combine them with "and"';
    }
    if (t.kind === 'ident' || t.kind === 'quoted' || t.kind === 'number' || t.kind === 'string') {
      return ' — is an operator or "," missing before it?';
    }
    return '';
  }

  /** Guards the recursion of nested constructs; hostile input cannot exhaust the stack. */
  private enter(t: Token): void {
    if (++this.depth > EXPR_LIMITS.maxNesting) {
      throw exprError(
        'EXPR_SYNTAX',
        `Expression is nested too deeply (limit ${EXPR_LIMITS.maxNesting} levels)`,
        t.pos,
        t.len
      );
    }
  }

  private make(node: NodeInit, ...children: Node[]): Node {
    let h = 0;
    for (const c of children) h = Math.max(h, c.height);
    const made = { ...node, height: h + 1 } as Node;
    if (made.height > EXPR_LIMITS.maxHeight) {
      throw exprError(
        'EXPR_SYNTAX',
        `Expression is too complex (more than ${EXPR_LIMITS.maxHeight} nested operations)`,
        made.pos,
        made.len
      );
    }
    return made;
  }

  private binary(op: BinaryOp, opTok: Token, left: Node, right: Node): Node {
    return this.make(
      {
        type: 'binary',
        op,
        left,
        right,
        opPos: opTok.pos,
        opLen: opTok.len,
        pos: left.pos,
        len: right.pos + right.len - left.pos
      },
      left,
      right
    );
  }

  private or(): Node {
    let left = this.and();
    for (;;) {
      const t = this.peek();
      if (!this.isKeyword(t, 'or') && !this.isOp(t, '||')) return left;
      this.next();
      left = this.binary('or', t, left, this.and());
    }
  }

  private and(): Node {
    let left = this.not();
    for (;;) {
      const t = this.peek();
      if (!this.isKeyword(t, 'and') && !this.isOp(t, '&&')) return left;
      this.next();
      left = this.binary('and', t, left, this.not());
    }
  }

  private not(): Node {
    const t = this.peek();
    if (this.isKeyword(t, 'not') || this.isOp(t, '!')) {
      this.next();
      this.enter(t);
      const operand = this.not();
      this.depth--;
      return this.make(
        {
          type: 'not',
          operand,
          opPos: t.pos,
          opLen: t.len,
          pos: t.pos,
          len: operand.pos + operand.len - t.pos
        },
        operand
      );
    }
    return this.comparison();
  }

  private comparison(): Node {
    const left = this.sum();
    const t = this.peek();
    if (t.kind === 'op' && Object.hasOwn(COMPARE, t.text)) {
      this.next();
      const right = this.sum();
      const node = this.binary(COMPARE[t.text], t, left, right);
      const after = this.peek();
      if (after.kind === 'op' && Object.hasOwn(COMPARE, after.text)) {
        throw exprError(
          'EXPR_SYNTAX',
          `Unexpected "${after.text}"`,
          after.pos,
          after.len,
          ' — comparisons cannot be chained; combine them with "and"'
        );
      }
      return node;
    }
    if (
      this.isKeyword(t, 'in') ||
      (this.isKeyword(t, 'not') && this.isKeyword(this.tokens[this.i + 1], 'in'))
    ) {
      const negated = this.isKeyword(t, 'not');
      this.next();
      if (negated) this.next();
      this.expect('(');
      const items: Node[] = [];
      this.enter(t);
      for (;;) {
        items.push(this.or());
        if (this.isPunct(this.peek(), ',')) {
          this.next();
          continue;
        }
        break;
      }
      this.depth--;
      const close = this.expect(')');
      return this.make(
        {
          type: 'in',
          operand: left,
          items,
          negated,
          opPos: t.pos,
          pos: left.pos,
          len: close.pos + 1 - left.pos
        },
        left,
        ...items
      );
    }
    if (this.isKeyword(t, 'is')) {
      this.next();
      let negated = false;
      if (this.isKeyword(this.peek(), 'not')) {
        this.next();
        negated = true;
      }
      const n = this.peek();
      if (!this.isKeyword(n, 'null')) {
        throw exprError(
          'EXPR_SYNTAX',
          'Expected "null"',
          n.pos,
          n.len,
          ` after "is" but found ${describe(n)}`,
          {
            expected: 'null'
          }
        );
      }
      this.next();
      return this.make(
        { type: 'isnull', operand: left, negated, pos: left.pos, len: n.pos + n.len - left.pos },
        left
      );
    }
    return left;
  }

  private sum(): Node {
    let left = this.product();
    for (;;) {
      const t = this.peek();
      if (!this.isOp(t, '+', '-')) return left;
      this.next();
      left = this.binary(t.text as BinaryOp, t, left, this.product());
    }
  }

  private product(): Node {
    let left = this.unary();
    for (;;) {
      const t = this.peek();
      if (!this.isOp(t, '*', '/', '%')) return left;
      this.next();
      left = this.binary(t.text as BinaryOp, t, left, this.unary());
    }
  }

  private unary(): Node {
    const t = this.peek();
    if (this.isOp(t, '-', '+')) {
      this.next();
      this.enter(t);
      const operand = this.unary();
      this.depth--;
      const len = operand.pos + operand.len - t.pos;
      // Fold "-literal" so that -5 is a constant (and shows as one in messages).
      if (operand.type === 'number') {
        return {
          ...operand,
          value: t.text === '-' ? -operand.value : operand.value,
          pos: t.pos,
          len
        };
      }
      return this.make(
        { type: 'unary', op: t.text as '-' | '+', operand, opPos: t.pos, pos: t.pos, len },
        operand
      );
    }
    return this.power();
  }

  private power(): Node {
    const base = this.primary();
    const t = this.peek();
    if (!this.isOp(t, '^')) return base;
    this.next();
    this.enter(t);
    const exponent = this.unary();
    this.depth--;
    return this.binary('^', t, base, exponent);
  }

  private primary(): Node {
    const t = this.next();
    switch (t.kind) {
      case 'number':
        return { type: 'number', value: t.value, pos: t.pos, len: t.len, height: 1 };
      case 'string':
        return { type: 'string', value: t.text, pos: t.pos, len: t.len, height: 1 };
      case 'quoted':
        return { type: 'column', name: t.text, pos: t.pos, len: t.len, height: 1 };
      case 'ident': {
        const lower = t.text.toLowerCase();
        if (this.isPunct(this.peek(), '(') && !RESERVED.has(lower)) return this.call(t);
        if (lower === 'true' || lower === 'false') {
          return { type: 'boolean', value: lower === 'true', pos: t.pos, len: t.len, height: 1 };
        }
        if (lower === 'null') return { type: 'null', pos: t.pos, len: t.len, height: 1 };
        if (RESERVED.has(lower)) {
          throw exprError(
            'EXPR_SYNTAX',
            `Unexpected "${t.text}"`,
            t.pos,
            t.len,
            lower === 'not'
              ? ' — put "not …" in parentheses here, e.g. x = (not y)'
              : ` — write \`${t.text}\` for a column of that name`
          );
        }
        return { type: 'column', name: t.text, pos: t.pos, len: t.len, height: 1 };
      }
      case 'punct':
        if (t.text === '(') {
          this.enter(t);
          const inner = this.or();
          this.depth--;
          const close = this.peek();
          if (!this.isPunct(close, ')')) {
            throw exprError(
              'EXPR_SYNTAX',
              'Expected ")"',
              close.pos,
              close.len,
              ` to close "(" at ${t.pos} but found ${describe(close)}`,
              {
                expected: ')'
              }
            );
          }
          this.next();
          // The parentheses belong to the node's span, so messages underline "(a + b)".
          return { ...inner, pos: t.pos, len: close.pos + 1 - t.pos };
        }
        break;
      default:
        break;
    }
    throw exprError('EXPR_SYNTAX', 'Expected a value', t.pos, t.len, ` but found ${describe(t)}`);
  }

  private call(nameTok: Token): Node {
    const open = this.next();
    this.enter(open);
    const args: Node[] = [];
    if (!this.isPunct(this.peek(), ')')) {
      for (;;) {
        args.push(this.or());
        const t = this.peek();
        if (this.isPunct(t, ',')) {
          this.next();
          continue;
        }
        if (!this.isPunct(t, ')')) {
          throw exprError(
            'EXPR_SYNTAX',
            'Expected "," or ")"',
            t.pos,
            t.len,
            ` in the arguments of ${nameTok.text}() but found ${describe(t)}`,
            {
              expected: ')'
            }
          );
        }
        break;
      }
    }
    this.depth--;
    const close = this.next();
    return this.make(
      {
        type: 'call',
        name: nameTok.text,
        args,
        nameLen: nameTok.len,
        pos: nameTok.pos,
        len: close.pos + 1 - nameTok.pos
      },
      ...args
    );
  }
}

function describe(t: Token): string {
  switch (t.kind) {
    case 'eof':
      return 'end of expression';
    case 'number':
      return `number ${t.text.length > 20 ? `${t.text.slice(0, 17)}…` : t.text}`;
    case 'string':
      return 'a string';
    case 'quoted':
      return `\`${t.text}\``;
    default:
      return `"${t.text}"`;
  }
}
