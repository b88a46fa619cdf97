const POW10 = [
  1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17,
  1e18, 1e19, 1e20, 1e21, 1e22
];
const MAX_SAFE = 9007199254740991;

/** Set by every successful `parseNumber`: the lexeme was a plain integer within ±(2^53 - 1). */
export const lexeme = { integer: false };

function isSpace(c: number): boolean {
  return c === 32 || c === 9;
}

/**
 * Parses a decimal number from bytes [s, e) after trimming spaces. Accepts an optional sign,
 * digits with one decimal separator (`decimal`, '.' or ','), an exponent, and `inf`/`infinity`.
 * Returns NaN for anything else, including literals that overflow to ±Infinity (e.g. 1e309).
 */
export function parseNumber(b: Uint8Array, s: number, e: number, decimal = 46): number {
  while (s < e && isSpace(b[s])) s++;
  while (e > s && isSpace(b[e - 1])) e--;
  if (s === e) return NaN;
  let i = s;
  let neg = false;
  const c = b[i];
  if (c === 45) {
    neg = true;
    i++;
  } else if (c === 43) i++;
  const body = i;
  let m = 0;
  let digits = 0;
  let exp10 = 0;
  let integer = true;
  while (i < e) {
    const d = b[i] - 48;
    if (d < 0 || d > 9) break;
    m = m * 10 + d;
    digits++;
    i++;
  }
  if (i < e && b[i] === decimal) {
    integer = false;
    i++;
    while (i < e) {
      const d = b[i] - 48;
      if (d < 0 || d > 9) break;
      m = m * 10 + d;
      digits++;
      exp10--;
      i++;
    }
  }
  if (digits === 0) return parseInfinity(b, i, e, neg);
  if (i < e && (b[i] | 32) === 101) {
    integer = false;
    i++;
    let eneg = false;
    if (i < e && (b[i] === 45 || b[i] === 43)) {
      eneg = b[i] === 45;
      i++;
    }
    const start = i;
    let x = 0;
    while (i < e) {
      const d = b[i] - 48;
      if (d < 0 || d > 9) break;
      if (x < 100000) x = x * 10 + d;
      i++;
    }
    if (i === start) return NaN;
    exp10 += eneg ? -x : x;
  }
  if (i !== e) return NaN;
  let v: number;
  if (m <= MAX_SAFE) {
    if (exp10 === 0) v = m;
    else if (exp10 < 0 && exp10 >= -22) v = m / POW10[-exp10];
    else if (exp10 > 0 && exp10 <= 22) v = m * POW10[exp10];
    else v = slowParse(b, body, e, decimal);
  } else {
    integer = false;
    v = slowParse(b, body, e, decimal);
  }
  if (v === Infinity || v === -Infinity) return NaN;
  lexeme.integer = integer;
  return neg && v === v ? -v : v;
}

function slowParse(b: Uint8Array, s: number, e: number, decimal: number): number {
  let str = '';
  for (let i = s; i < e; i++) {
    const c = b[i];
    str += String.fromCharCode(c === decimal ? 46 : c);
  }
  return Number(str);
}

const INF = [105, 110, 102, 105, 110, 105, 116, 121];

function parseInfinity(b: Uint8Array, i: number, e: number, neg: boolean): number {
  const len = e - i;
  if (len !== 3 && len !== 8) return NaN;
  for (let k = 0; k < len; k++) if ((b[i + k] | 32) !== INF[k]) return NaN;
  lexeme.integer = false;
  return neg ? -Infinity : Infinity;
}
