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
  const mantissaEnd = i;
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
    else v = parseLongAt(b, body, mantissaEnd, exp10, e, decimal);
  } else {
    integer = false;
    v = parseLongAt(b, body, mantissaEnd, exp10, e, decimal);
  }
  if (v === Infinity || v === -Infinity) return NaN;
  lexeme.integer = integer;
  return neg && v === v ? -v : v;
}

/**
 * Decimals beyond the Clinger fast path: more than 2^53 in the mantissa (16–19 significant
 * digits, as in the shortest round-trip form of most doubles) or a power of ten beyond 10^±22.
 * Writes to out[index] the value of the digits of [s, mantissaEnd) (the separator skipped)
 * times 10^exp10 — through Eisel–Lemire when there are at most 19 significant digits, else, or
 * when it cannot decide, `Number()` on the text [s, e) — which may be ±Infinity.
 * The result goes through a typed array, not a return value, so that no call on the hot path
 * passes or returns a double (V8 would allocate a HeapNumber for each).
 */
export function parseLongInto(
  b: Uint8Array,
  s: number,
  mantissaEnd: number,
  exp10: number,
  e: number,
  decimal: number,
  out: Float64Array,
  index: number
): void {
  // The mantissa w as a 64-bit integer: up to 15 significant digits in a double m (exact),
  // then up to 4 more in `rest`, so that w = m × scale + rest with scale <= 10^4.
  let i = s;
  for (; i < mantissaEnd; i++) {
    const d = b[i] - 48;
    if (d >>> 0 <= 9 && d !== 0) break; // skips leading zeros and the separator
  }
  let m = 0;
  let count = 0;
  for (; i < mantissaEnd && count < 15; i++) {
    const d = b[i] - 48;
    if (d >>> 0 > 9) continue;
    m = m * 10 + d;
    count++;
  }
  let rest = 0;
  let scale = 1;
  for (; i < mantissaEnd; i++) {
    const d = b[i] - 48;
    if (d >>> 0 > 9) continue;
    if (++count > 19) {
      out[index] = slowParse(b, s, e, decimal);
      return;
    }
    rest = rest * 10 + d;
    scale *= 10;
  }
  // In 32-bit words: m = mh × 2^32 + ml with mh < 2^18, so ml × scale + rest < 2^46 and
  // mh × scale + carry < 2^32 stay exact.
  const mh = Math.floor(m * TWO_NEG32);
  const low = (m - mh * TWO32) * scale + rest;
  const lo = low >>> 0;
  const hi = mh * scale + (low - lo) * TWO_NEG32;
  words[0] = hi;
  words[1] = lo;
  if (!eiselLemire(exp10, out, index)) out[index] = slowParse(b, s, e, decimal);
}

const longValue = new Float64Array(1);

function parseLongAt(
  b: Uint8Array,
  s: number,
  mantissaEnd: number,
  exp10: number,
  e: number,
  decimal: number
): number {
  parseLongInto(b, s, mantissaEnd, exp10, e, decimal, longValue, 0);
  return longValue[0];
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

// ---------------------------------------------------------------------------------------------
// Eisel–Lemire (https://nigeltao.github.io/blog/2020/eisel-lemire.html), following Go's
// strconv.eiselLemire64 step by step, with 64-bit integers held as 32-bit words or 16-bit limbs
// in doubles (no BigInt on the hot path: every intermediate below stays under 2^53, so exact).

const TWO32 = 4294967296;
const TWO_NEG32 = 1 / TWO32;
const EL_MIN_EXP10 = -348;
const EL_MAX_EXP10 = 347;

/**
 * 10^q for q in [EL_MIN_EXP10, EL_MAX_EXP10] as 128-bit mantissas normalised to [2^127, 2^128)
 * and rounded down (Go's detailedPowersOfTen), 8 16-bit limbs each, least significant first.
 * Built once from exact integers; BigInt is used here only.
 */
export const POW10_128 = buildPowersOfTen();

function buildPowersOfTen(): Uint16Array {
  const out = new Uint16Array((EL_MAX_EXP10 - EL_MIN_EXP10 + 1) * 8);
  for (let q = EL_MIN_EXP10; q <= EL_MAX_EXP10; q++) {
    const p = 10n ** BigInt(Math.abs(q));
    const bits = p.toString(2).length;
    // q >= 0: 10^q shifted to 128 bits (truncated); q < 0: floor(2^(127 + bits) / 10^-q), which
    // lies in [2^127, 2^128) because 2^(bits - 1) < 10^-q < 2^bits.
    let v =
      q >= 0
        ? bits > 128
          ? p >> BigInt(bits - 128)
          : p << BigInt(128 - bits)
        : (1n << BigInt(127 + bits)) / p;
    const base = (q - EL_MIN_EXP10) * 8;
    for (let k = 0; k < 8; k++) {
      out[base + k] = Number(v & 0xffffn);
      v >>= 16n;
    }
  }
  return out;
}

/** 2^(j - 1074) at index j, for building a double from a 53-bit mantissa and a binary exponent. */
const POW2 = (() => {
  const out = new Float64Array(2046);
  let p = 1;
  for (let k = 0; k < 1074; k++) p /= 2; // exact: powers of two down to the smallest subnormal
  for (let j = 0; j < out.length; j++, p *= 2) out[j] = p;
  return out;
})();

/** The 16-bit limbs (least significant first) of the last `mul64` product. */
const prod = new Int32Array(8);

/**
 * prod = a × b, both 64-bit as 16-bit limbs (least significant first). Each column sums at most
 * four 32-bit partial products plus a carry, under 2^35, so the doubles stay exact.
 */
function mul64(
  a0: number,
  a1: number,
  a2: number,
  a3: number,
  b0: number,
  b1: number,
  b2: number,
  b3: number
): void {
  let t = a0 * b0;
  let c = (t / 65536) | 0;
  prod[0] = t - c * 65536;
  t = a0 * b1 + a1 * b0 + c;
  c = (t / 65536) | 0;
  prod[1] = t - c * 65536;
  t = a0 * b2 + a1 * b1 + a2 * b0 + c;
  c = (t / 65536) | 0;
  prod[2] = t - c * 65536;
  t = a0 * b3 + a1 * b2 + a2 * b1 + a3 * b0 + c;
  c = (t / 65536) | 0;
  prod[3] = t - c * 65536;
  t = a1 * b3 + a2 * b2 + a3 * b1 + c;
  c = (t / 65536) | 0;
  prod[4] = t - c * 65536;
  t = a2 * b3 + a3 * b2 + c;
  c = (t / 65536) | 0;
  prod[5] = t - c * 65536;
  t = a3 * b3 + c;
  c = (t / 65536) | 0;
  prod[6] = t - c * 65536;
  prod[7] = c;
}

/** The decimal mantissa w for `eiselLemire`: [high, low] unsigned 32-bit words. */
export const words = new Uint32Array(2);

/**
 * Writes to out[index] the double nearest to w × 10^q (w in `words`), exactly as `Number()`
 * rounds, and returns true; returns false when the 128-bit approximation cannot decide (a
 * near-halfway case), the result would be subnormal or infinite, or q is outside the table —
 * the caller then falls back.
 */
export function eiselLemire(q: number, out: Float64Array, index: number): boolean {
  let hi = words[0];
  let lo = words[1];
  if (hi === 0 && lo === 0) {
    out[index] = 0;
    return true;
  }
  if (q < EL_MIN_EXP10 || q > EL_MAX_EXP10) return false;
  // Normalization: shift w left until its top bit is set.
  let clz = 0;
  if (hi === 0) {
    hi = lo;
    lo = 0;
    clz = 32;
  }
  const z = Math.clz32(hi);
  if (z > 0) {
    hi = ((hi << z) | (lo >>> (32 - z))) >>> 0;
    lo = (lo << z) >>> 0;
    clz += z;
  }
  let retExp2 = ((217706 * q) >> 16) + 64 + 1023 - clz;
  // Multiplication: x = w × (high 64 bits of 10^q), 128 bits as xHi = (H, L), xLo = (h, l).
  const a0 = lo & 0xffff;
  const a1 = lo >>> 16;
  const a2 = hi & 0xffff;
  const a3 = hi >>> 16;
  const base = (q - EL_MIN_EXP10) * 8;
  const T = POW10_128;
  mul64(a0, a1, a2, a3, T[base + 4], T[base + 5], T[base + 6], T[base + 7]);
  let H = prod[7] * 65536 + prod[6];
  let L = prod[5] * 65536 + prod[4];
  let h = prod[3] * 65536 + prod[2];
  let l = prod[1] * 65536 + prod[0];
  // Wider approximation: when the low bits of xHi are all ones and xLo + w would carry, the
  // low 64 bits of 10^q can change xHi, so add the high half of w × (low 64 bits of 10^q).
  if ((L & 0x1ff) === 0x1ff && carries(h, l, hi, lo)) {
    mul64(a0, a1, a2, a3, T[base], T[base + 1], T[base + 2], T[base + 3]);
    const yH = prod[7] * 65536 + prod[6];
    const yL = prod[5] * 65536 + prod[4];
    const yh = prod[3] * 65536 + prod[2];
    const yl = prod[1] * 65536 + prod[0];
    // merged = x + yHi (yHi added to xLo, carrying into xHi)
    l += yL;
    let c = l >= TWO32 ? 1 : 0;
    l -= c * TWO32;
    h += yH + c;
    c = h >= TWO32 ? 1 : 0;
    h -= c * TWO32;
    L += c;
    c = L >= TWO32 ? 1 : 0;
    L -= c * TWO32;
    H += c;
    if ((L & 0x1ff) === 0x1ff && h === TWO32 - 1 && l === TWO32 - 1 && carries(yh, yl, hi, lo)) {
      return false;
    }
  }
  // Shifting to 54 bits.
  const msb = H >>> 31;
  const s = 9 + msb;
  const mHi = H >>> s;
  const mLo = ((H << (32 - s)) | (L >>> s)) >>> 0;
  retExp2 -= 1 ^ msb;
  // Half-way ambiguity.
  if (h === 0 && l === 0 && (L & 0x1ff) === 0 && (mLo & 3) === 1) return false;
  // From 54 to 53 bits, rounding half up (the ambiguous ties were excluded above). The sum is
  // at most 2^53, so exact.
  let mantissa = mHi * 2147483648 + (mLo + (mLo & 1)) / 2;
  if (mantissa === 9007199254740992) {
    mantissa = 4503599627370496;
    retExp2++;
  }
  if (retExp2 < 1 || retExp2 > 2046) return false;
  // mantissa in [2^52, 2^53) times a power of two, with a normal result: exact.
  out[index] = mantissa * POW2[retExp2 - 1];
  return true;
}

/** Whether the 64-bit sums (xh, xl) + (wh, wl) of 32-bit words carry out of 64 bits. */
function carries(xh: number, xl: number, wh: number, wl: number): boolean {
  return xh + wh + (xl + wl >= TWO32 ? 1 : 0) >= TWO32;
}
