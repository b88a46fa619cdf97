import { EXPR_LIMITS, exprError } from './errors';

/**
 * Tokens of the expression language.
 *
 *   number      123  1.5  .5  1e3  2.5E-3          (finite; no sign — unary minus is an operator)
 *   string      'text'  "text"                     escapes: \\ \' \" \n \t \r \0 \uXXXX \u{X…};
 *                                                  a doubled quote ('it''s') is a literal quote
 *   identifier  price  _x  größe  col2             letters, digits and _; not starting with a digit
 *   quoted      `any name`                         a doubled backquote (``) is a literal backquote
 *   operator    + - * / % ^  = == != <> < <= > >=  && || !
 *   punctuation ( ) ,
 *
 * Whitespace is any Unicode white space (spaces, tabs, newlines, no-break spaces). Positions are 0-based UTF-16 offsets (JS indices).
 */
export type TokenKind = 'number' | 'string' | 'ident' | 'quoted' | 'op' | 'punct' | 'eof';

export interface Token {
  kind: TokenKind;
  /** Parsed value: the number's text, the unescaped string, the identifier, or the operator. */
  text: string;
  /** Numeric value of a number token. */
  value: number;
  pos: number;
  /** Length in the source, quotes included. */
  len: number;
}

const IDENT = /[\p{L}_][\p{L}\p{N}\p{M}_]*/uy;
const NUMBER = /(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/y;
const SPACE = /^\s$/u;
const VISIBLE = /^[\p{L}\p{N}\p{P}\p{S}]$/u;
const OPERATORS = [
  '==',
  '!=',
  '<>',
  '<=',
  '>=',
  '&&',
  '||',
  '+',
  '-',
  '*',
  '/',
  '%',
  '^',
  '=',
  '<',
  '>',
  '!'
];
const ESCAPES: Record<string, string> = {
  '\\': '\\',
  "'": "'",
  '"': '"',
  n: '\n',
  t: '\t',
  r: '\r',
  '0': '\0'
};

export function tokenize(source: string): Token[] {
  if (source.length > EXPR_LIMITS.maxLength) {
    throw exprError(
      'EXPR_SYNTAX',
      `Expression is too long (${source.length} characters, limit ${EXPR_LIMITS.maxLength})`,
      EXPR_LIMITS.maxLength,
      source.length - EXPR_LIMITS.maxLength
    );
  }
  const tokens: Token[] = [];
  let i = 0;
  const n = source.length;
  while (i < n) {
    const c = source[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || SPACE.test(c)) {
      i++;
      continue;
    }
    if ((c >= '0' && c <= '9') || (c === '.' && source[i + 1] >= '0' && source[i + 1] <= '9')) {
      NUMBER.lastIndex = i;
      const m = NUMBER.exec(source);
      const text = m ? m[0] : c;
      const value = Number(text);
      if (!Number.isFinite(value)) {
        throw exprError('EXPR_SYNTAX', `Number ${preview(text)} is too large`, i, text.length);
      }
      const end = i + text.length;
      IDENT.lastIndex = end;
      if (end < n && (IDENT.test(source) || source[end] === '.')) {
        throw exprError(
          'EXPR_SYNTAX',
          `Malformed number "${source.slice(i, end + 1)}"`,
          i,
          end + 1 - i
        );
      }
      tokens.push({ kind: 'number', text, value, pos: i, len: text.length });
      i = end;
      continue;
    }
    if (c === "'" || c === '"') {
      i = readString(source, i, c, tokens);
      continue;
    }
    if (c === '`') {
      i = readQuotedIdent(source, i, tokens);
      continue;
    }
    IDENT.lastIndex = i;
    const ident = IDENT.exec(source);
    if (ident) {
      tokens.push({ kind: 'ident', text: ident[0], value: NaN, pos: i, len: ident[0].length });
      i += ident[0].length;
      continue;
    }
    if (c === '(' || c === ')' || c === ',') {
      tokens.push({ kind: 'punct', text: c, value: NaN, pos: i, len: 1 });
      i++;
      continue;
    }
    const op = OPERATORS.find((o) => source.startsWith(o, i));
    if (op) {
      tokens.push({ kind: 'op', text: op, value: NaN, pos: i, len: op.length });
      i += op.length;
      continue;
    }
    const ch = String.fromCodePoint(source.codePointAt(i) ?? 0);
    const hint =
      c === '&'
        ? ' — did you mean "&&" or "and"?'
        : c === '|'
          ? ' — did you mean "||" or "or"?'
          : '';
    // Invisible characters are named by code point, so the message stays readable.
    const cp = ch.codePointAt(0) ?? 0;
    const shown = VISIBLE.test(ch)
      ? `"${ch}"`
      : `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
    throw exprError('EXPR_SYNTAX', `Unexpected character ${shown}`, i, ch.length, hint);
  }
  tokens.push({ kind: 'eof', text: '', value: NaN, pos: n, len: 0 });
  return tokens;
}

function preview(text: string): string {
  return text.length > 20 ? `${text.slice(0, 17)}…` : text;
}

function readString(source: string, start: number, quote: string, tokens: Token[]): number {
  let out = '';
  let i = start + 1;
  const n = source.length;
  for (;;) {
    if (i >= n) {
      throw exprError(
        'EXPR_SYNTAX',
        `Unterminated string starting`,
        start,
        n - start,
        ` — add a closing ${quote}`
      );
    }
    const c = source[i];
    if (c === quote) {
      if (source[i + 1] === quote) {
        out += quote;
        i += 2;
        continue;
      }
      i++;
      break;
    }
    if (c === '\\') {
      const e = source[i + 1];
      if (e === undefined) {
        throw exprError(
          'EXPR_SYNTAX',
          `Unterminated string starting`,
          start,
          n - start,
          ` — add a closing ${quote}`
        );
      }
      if (e === 'u') {
        const braced = source[i + 2] === '{';
        const m = braced
          ? /^\{([0-9a-fA-F]{1,6})\}/.exec(source.slice(i + 2, i + 11))
          : /^[0-9a-fA-F]{4}/.exec(source.slice(i + 2, i + 6));
        const hex = m ? (braced ? m[1] : m[0]) : '';
        const code = m ? parseInt(hex, 16) : NaN;
        if (!m || code > 0x10ffff) {
          throw exprError('EXPR_SYNTAX', 'Invalid \\u escape', i, 2, ' — use \\uXXXX or \\u{X…}');
        }
        out += String.fromCodePoint(code);
        i += 2 + m[0].length;
        continue;
      }
      const mapped = Object.hasOwn(ESCAPES, e) ? ESCAPES[e] : undefined;
      if (mapped === undefined) {
        throw exprError(
          'EXPR_SYNTAX',
          `Unknown escape "\\${e}"`,
          i,
          2,
          ' — write \\\\ for a backslash'
        );
      }
      out += mapped;
      i += 2;
      continue;
    }
    out += c;
    i++;
  }
  tokens.push({ kind: 'string', text: out, value: NaN, pos: start, len: i - start });
  return i;
}

function readQuotedIdent(source: string, start: number, tokens: Token[]): number {
  let out = '';
  let i = start + 1;
  const n = source.length;
  for (;;) {
    if (i >= n) {
      throw exprError(
        'EXPR_SYNTAX',
        'Unterminated `name` starting',
        start,
        n - start,
        ' — add a closing `'
      );
    }
    const c = source[i];
    if (c === '`') {
      if (source[i + 1] === '`') {
        out += '`';
        i += 2;
        continue;
      }
      i++;
      break;
    }
    out += c;
    i++;
  }
  if (out === '') throw exprError('EXPR_SYNTAX', 'Empty column name ``', start, 2);
  tokens.push({ kind: 'quoted', text: out, value: NaN, pos: start, len: i - start });
  return i;
}
