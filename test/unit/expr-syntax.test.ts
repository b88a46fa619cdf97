import { describe, expect, it } from 'vitest';
import type { ColumnSchema } from '../../src/lib/core/data/types';
import { LatheError } from '../../src/lib/core/base/errors';
import {
  compileExpression,
  EXPR_LIMITS,
  parseExpression,
  type Node
} from '../../src/lib/core/features/expr';
import { tokenize } from '../../src/lib/core/features/expr/lexer';

/** Fully parenthesised rendering of a syntax tree. */
function show(n: Node): string {
  switch (n.type) {
    case 'number':
      return String(n.value);
    case 'string':
      return JSON.stringify(n.value);
    case 'boolean':
      return String(n.value);
    case 'null':
      return 'null';
    case 'column':
      return n.name;
    case 'unary':
      return `(${n.op}${show(n.operand)})`;
    case 'not':
      return `(not ${show(n.operand)})`;
    case 'binary':
      return `(${show(n.left)} ${n.op} ${show(n.right)})`;
    case 'in':
      return `(${show(n.operand)} ${n.negated ? 'not in' : 'in'} (${n.items.map(show).join(', ')}))`;
    case 'isnull':
      return `(${show(n.operand)} is ${n.negated ? 'not ' : ''}null)`;
    case 'call':
      return `${n.name}(${n.args.map(show).join(', ')})`;
  }
}

function syntaxError(src: string): LatheError {
  try {
    parseExpression(src);
  } catch (e) {
    expect(e).toBeInstanceOf(LatheError);
    return e as LatheError;
  }
  throw new Error(`expected a syntax error for ${src}`);
}

describe('precedence and associativity', () => {
  // Lowest to highest: or, and, not, comparisons/in/is, + -, * / %, unary - +, ^.
  const table: [string, string][] = [
    ['1 + 2 * 3', '(1 + (2 * 3))'],
    ['1 * 2 + 3', '((1 * 2) + 3)'],
    ['1 - 2 - 3', '((1 - 2) - 3)'],
    ['a * b / c % d', '(((a * b) / c) % d)'],
    ['2 ^ 3 ^ 2', '(2 ^ (3 ^ 2))'],
    ['-2 ^ 2', '(-(2 ^ 2))'],
    ['-x ^ 2', '(-(x ^ 2))'],
    ['2 ^ -1', '(2 ^ -1)'],
    ['2 ^ -x', '(2 ^ (-x))'],
    ['a ^ b * c', '((a ^ b) * c)'],
    ['-a * b', '((-a) * b)'],
    ['a - -b', '(a - (-b))'],
    ['+a', '(+a)'],
    ['-5', '-5'],
    ['(1 + 2) * 3', '((1 + 2) * 3)'],
    ['a + b > c * d', '((a + b) > (c * d))'],
    ['a = 1 or b <> 2', '((a = 1) or (b != 2))'],
    ['a == 1 and b != 2', '((a = 1) and (b != 2))'],
    ['a or b and c', '(a or (b and c))'],
    ['a and b or c and d', '((a and b) or (c and d))'],
    ['a or b or c', '((a or b) or c)'],
    ['not a = b', '(not (a = b))'],
    ['not a and b', '((not a) and b)'],
    ['not not a', '(not (not a))'],
    ['! a && b || c', '(((not a) and b) or c)'],
    ['NOT a AND b OR c', '(((not a) and b) or c)'],
    ['x in (1, 2) and y', '((x in (1, 2)) and y)'],
    ['x + 1 not in (1, 2 * 3)', '((x + 1) not in (1, (2 * 3)))'],
    ['x is null or y is not null', '((x is null) or (y is not null))'],
    ['f(a, b + 1) * 2', '(f(a, (b + 1)) * 2)'],
    ['if(a > 1, b, c)', 'if((a > 1), b, c)'],
    ['`my col` + 1', '(my col + 1)'],
    ['x <= 1 and y >= 2 and z < 3 and w > 4', '((((x <= 1) and (y >= 2)) and (z < 3)) and (w > 4))']
  ];
  it.each(table)('%s  ⇒  %s', (src, expected) => {
    expect(show(parseExpression(src))).toBe(expected);
  });

  it('records the source span of every node', () => {
    const n = parseExpression('  price * (qty + 1)');
    expect(n).toMatchObject({ type: 'binary', pos: 2, len: 17, opPos: 8 });
    const call = parseExpression('x + round(y, 2)');
    if (call.type !== 'binary') throw new Error('binary expected');
    expect(call.right).toMatchObject({ type: 'call', name: 'round', pos: 4, len: 11, nameLen: 5 });
  });
});

describe('tokens', () => {
  it('reads numbers in all their forms', () => {
    const nums = tokenize('1 1.5 .5 1. 1e3 2.5E-3 1e+2').filter((t) => t.kind === 'number');
    expect(nums.map((t) => t.value)).toEqual([1, 1.5, 0.5, 1, 1000, 0.0025, 100]);
  });

  it('reads strings with escapes and doubled quotes', () => {
    const strings = (src: string) =>
      tokenize(src)
        .filter((t) => t.kind === 'string')
        .map((t) => t.text);
    expect(strings(`'it''s' "say ""hi""" 'a\\'b' "a\\"b"`)).toEqual([
      "it's",
      'say "hi"',
      "a'b",
      'a"b'
    ]);
    expect(strings(`'\\\\ \\n \\t \\r \\0'`)).toEqual(['\\ \n \t \r \0']);
    expect(strings(`'\\u00e9 \\u{1F600}'`)).toEqual(['é 😀']);
    expect(strings(`''`)).toEqual(['']);
  });

  it('reads identifiers, unicode letters and backquoted names', () => {
    const t = tokenize('größe _x col2 `my ``odd`` name` `a,b(c)`');
    expect(t.filter((k) => k.kind !== 'eof').map((k) => [k.kind, k.text])).toEqual([
      ['ident', 'größe'],
      ['ident', '_x'],
      ['ident', 'col2'],
      ['quoted', 'my `odd` name'],
      ['quoted', 'a,b(c)']
    ]);
  });

  it('reads every operator', () => {
    const ops = tokenize('+ - * / % ^ = == != <> < <= > >= && || !')
      .filter((t) => t.kind === 'op')
      .map((t) => t.text);
    expect(ops).toEqual([
      '+',
      '-',
      '*',
      '/',
      '%',
      '^',
      '=',
      '==',
      '!=',
      '<>',
      '<',
      '<=',
      '>',
      '>=',
      '&&',
      '||',
      '!'
    ]);
  });

  it('keywords are case-insensitive and literals parse', () => {
    expect(parseExpression('TRUE')).toMatchObject({ type: 'boolean', value: true });
    expect(parseExpression('False')).toMatchObject({ type: 'boolean', value: false });
    expect(parseExpression('NULL')).toMatchObject({ type: 'null' });
    expect(parseExpression('SQRT(x)')).toMatchObject({ type: 'call', name: 'SQRT' });
  });
});

describe('syntax errors point at the position', () => {
  const cases: [string, number, number, RegExp][] = [
    ['', 0, 0, /^Expected an expression at 0/],
    ['   ', 0, 0, /^Expected an expression at 0/],
    ['price +', 7, 0, /^Expected a value at 7 but found end of expression/],
    ['(price + 1', 10, 0, /^Expected "\)" at 10/],
    ['round(price, 2', 14, 0, /^Expected "," or "\)" at 14/],
    ['price @ 2', 6, 1, /^Unexpected character "@" at 6/],
    ['price & 2', 6, 1, /did you mean "&&"/],
    ['price 2', 6, 1, /^Unexpected number 2 at 6/],
    ['price)', 5, 1, /^Unexpected "\)" at 5 — it has no matching "\("/],
    ['a < b < c', 6, 1, /^Unexpected "<" at 6 — comparisons cannot be chained/],
    ["name = 'abc", 7, 4, /^Unterminated string starting at 7/],
    ['`abc', 0, 4, /^Unterminated `name` starting at 0/],
    ['``', 0, 2, /^Empty column name/],
    ["'a\\qb'", 2, 2, /^Unknown escape "\\q" at 2/],
    ["'\\u12'", 1, 2, /^Invalid \\u escape at 1/],
    ['1e999', 0, 5, /^Number 1e999 is too large at 0/],
    ['12abc', 0, 3, /^Malformed number "12a" at 0/],
    ['1.2.3', 0, 4, /^Malformed number/],
    ['x in ()', 6, 1, /^Expected a value at 6/],
    ['x in 1', 5, 1, /^Expected "\(" at 5/],
    ['x is 1', 5, 1, /^Expected "null" at 5/],
    ['and + 1', 0, 3, /^Unexpected "and" at 0 — write `and` for a column/],
    ['f(1,)', 4, 1, /^Expected a value at 4/],
    ['x = not y', 4, 3, /^Unexpected "not" at 4 — put "not …" in parentheses/],
    ['x in (1, 2', 10, 0, /^Expected "\)" at 10 but found end of expression/],
    ['1 +* 2', 3, 1, /^Expected a value at 3/]
  ];
  it.each(cases)('%j', (src, position, length, message) => {
    const e = syntaxError(src);
    expect(e.code).toBe('EXPR_SYNTAX');
    expect(e.details).toMatchObject({ position, length });
    expect(e.message).toMatch(message);
  });
});

describe('limits keep hostile input harmless', () => {
  it('refuses an over-long expression before reading it', () => {
    const e = syntaxError('x'.repeat(EXPR_LIMITS.maxLength + 1));
    expect(e.message).toMatch(/too long \(2001 characters, limit 2000\) at 2000/);
    expect(e.details).toMatchObject({ position: 2000, length: 1 });
  });

  it('refuses deep nesting without exhausting the stack', () => {
    for (const src of [
      '('.repeat(900) + '1' + ')'.repeat(900),
      '-'.repeat(1500) + '1',
      'not '.repeat(400) + 'x',
      '!'.repeat(1500) + 'x',
      'abs('.repeat(300) + '1' + ')'.repeat(300),
      '2^'.repeat(900) + '2',
      'x in ('.repeat(250) + '1' + ')'.repeat(250)
    ]) {
      const e = syntaxError(src);
      expect(e.message).toMatch(/nested too deeply \(limit 64 levels\)/);
      expect(e.details?.position).toBeGreaterThanOrEqual(64);
    }
  });

  it('accepts nesting up to the limit', () => {
    const depth = EXPR_LIMITS.maxNesting;
    const n = parseExpression('('.repeat(depth) + '1' + ')'.repeat(depth));
    expect(n).toMatchObject({ type: 'number', value: 1 });
    expect(syntaxError('('.repeat(depth + 1) + '1' + ')'.repeat(depth + 1)).details?.position).toBe(
      depth
    );
  });

  it('refuses overly long operator chains (tree height)', () => {
    const e = syntaxError('1+'.repeat(999) + '1');
    expect(e.message).toMatch(/too complex \(more than 256 nested operations\)/);
    expect(parseExpression('1+'.repeat(200) + '1').height).toBe(201);
  });

  it('huge literals are refused or kept as data', () => {
    expect(syntaxError('9'.repeat(400)).message).toMatch(
      /^Number 99999999999999999… is too large at 0/
    );
    expect(parseExpression('9'.repeat(300))).toMatchObject({ type: 'number', value: 1e300 });
    const big = 'a'.repeat(1990);
    expect(parseExpression(`'${big}'`)).toMatchObject({ type: 'string', value: big });
  });

  it('prototype names are plain names', () => {
    for (const name of ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf']) {
      expect(parseExpression(name)).toMatchObject({ type: 'column', name });
      expect(parseExpression(`${name}(1)`)).toMatchObject({ type: 'call', name });
    }
  });

  it('any Unicode white space separates tokens', () => {
    expect(show(parseExpression('a\u00a0+\u2003b\n*\tc'))).toBe('(a + (b * c))');
  });

  it('a non-string expression is refused', () => {
    expect(() => compileExpression(42 as unknown as string, [])).toThrow(/must be text/);
  });

  it('control characters and odd unicode are rejected cleanly', () => {
    expect(syntaxError('x \u0000').message).toBe('Unexpected character U+0000 at 2');
    expect(syntaxError('x \u200b').message).toBe('Unexpected character U+200B at 2');
    expect(syntaxError('x 😀').message).toBe('Unexpected character "😀" at 2');
    expect(syntaxError('x 😀').details).toMatchObject({ position: 2, length: 2 });
  });
});

describe('compiling uses the grammar', () => {
  const schema: ColumnSchema[] = [{ name: 'x', type: 'float' }];
  it('checks a parsed expression', () => {
    expect(compileExpression('x * 2 > 1', schema).type).toBe('boolean');
  });
});
