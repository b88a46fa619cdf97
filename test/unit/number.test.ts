import { describe, expect, it } from 'vitest';
import { eiselLemire, parseNumber, POW10_128, words } from '../../src/lib/core/data/number';

/** xorshift128+, seeded: a failure names the seed and reproduces. */
function prng(seed: number) {
  let a = seed >>> 0 || 1;
  let b = 0x9e3779b9;
  return {
    u32(): number {
      let t = a;
      const s = b;
      a = s;
      t ^= t << 11;
      t ^= t >>> 8;
      b = (t ^ s ^ (s >>> 19)) >>> 0;
      return b;
    },
    int(n: number): number {
      return this.u32() % n;
    }
  };
}

const bytes = new Uint8Array(512);
const encoder = new TextEncoder();

/** parseNumber on the string's bytes vs Number(), which parseNumber returns as NaN when infinite. */
function mismatch(text: string, decimal = 46): string | null {
  const n = encoder.encodeInto(text, bytes).written;
  const got = parseNumber(bytes, 0, n, decimal);
  let want = Number(decimal === 44 ? text.replace(',', '.') : text);
  if (want === Infinity || want === -Infinity) want = NaN;
  return Object.is(got, want) ? null : `${text}: got ${got}, Number() gives ${want}`;
}

function expectAllMatch(texts: Iterable<string>, decimal = 46) {
  const bad: string[] = [];
  let count = 0;
  for (const t of texts) {
    count++;
    const m = mismatch(t, decimal);
    if (m && bad.push(m) >= 10) break;
  }
  expect(bad).toEqual([]);
  return count;
}

function* randomDecimals(seed: number, count: number) {
  const r = prng(seed);
  for (let k = 0; k < count; k++) {
    const nd = 1 + r.int(19);
    let s = '';
    for (let d = 0; d < nd; d++) s += String.fromCharCode(48 + r.int(10));
    const dot = r.int(nd + 1);
    let body = s.slice(0, dot) + (dot < nd ? '.' + s.slice(dot) : '');
    if (body[0] === '.') body = '0' + body;
    const sign = r.int(2) ? '-' : '';
    const kind = r.int(4);
    // No exponent; any exponent; one near the subnormal / overflow edges.
    const exp =
      kind === 0
        ? ''
        : kind === 1
          ? `e${r.int(700) - 350}`
          : kind === 2
            ? `e${-300 - r.int(45)}`
            : `e${290 + r.int(30)}`;
    yield sign + body + exp;
  }
}

function* shortestDoubles(seed: number, count: number) {
  const r = prng(seed);
  const f = new Float64Array(1);
  const w = new Uint32Array(f.buffer);
  for (let k = 0; k < count; k++) {
    w[0] = r.u32();
    w[1] = r.u32();
    const x = f[0];
    if (x !== x) continue;
    yield String(x);
    // The same value in plain notation when it has one (as pandas writes 17-digit floats).
    const abs = Math.abs(x);
    if (abs > 1e-7 && abs < 1e21)
      yield x.toFixed(Math.min(100, 17 + Math.max(0, -Math.floor(Math.log10(abs)))));
  }
}

function* unitDoubles(seed: number, count: number) {
  const r = prng(seed);
  for (let k = 0; k < count; k++) {
    // 53 random bits in [0, 1), scaled to a few magnitudes: shortest forms of 15–17 digits.
    const x = (r.u32() * 2097152 + (r.u32() >>> 11)) / 9007199254740992;
    const scale = [1, 1e3, 1e-3, 123.456, 1e15][k % 5];
    yield String(x * scale);
    yield String(-x * scale);
  }
}

describe('parseNumber is bit-identical to Number()', () => {
  it('1.5 million random decimals of 1–19 digits, with exponents up to the edges', () => {
    expect(expectAllMatch(randomDecimals(1, 1_500_000))).toBe(1_500_000);
  });

  it('shortest round-trip forms of 500,000 random doubles (all exponents) and their fixed forms', () => {
    expect(expectAllMatch(shortestDoubles(2, 500_000))).toBeGreaterThan(500_000);
  });

  it('1 million shortest forms of random doubles in [0, 1) and scaled', () => {
    expect(expectAllMatch(unitDoubles(3, 500_000))).toBe(1_000_000);
  });

  it('decimal comma', () => {
    expectAllMatch(['0,9099131906170183', '-12345678901234567,5', '1,7976931348623157e308'], 44);
  });

  it('edge cases: halfway, 2^53 neighbours, extremes, subnormals, overflow, zeros', () => {
    expectAllMatch([
      '9007199254740992',
      '9007199254740993', // halfway between two doubles: ties to even
      '9007199254740995',
      '18014398509481986',
      '4503599627370497.5',
      '9223372036854775807',
      '18446744073709551615', // 20 digits
      '1.7976931348623157e308',
      '1.7976931348623158e308',
      '1.7976931348623159e308', // Infinity: invalid
      '2.2250738585072014e-308',
      '2.2250738585072011e-308', // subnormal
      '4.9406564584124654e-324',
      '2.4703282292062327e-324', // rounds to zero
      '2.4703282292062328e-324', // rounds to the smallest subnormal
      '1e-400',
      '1e400',
      '0.0000000000000000000000',
      '-0.0000000000000000000',
      '0000000000000000000012345678901234567',
      '123456789012345678901234567890',
      '0.1',
      '0.3',
      '2.5e-17',
      '7.8125e-3',
      '1.00000000000000011102230246251565404236316680908203125',
      '1.00000000000000011102230246251565404236316680908203124',
      '1.00000000000000011102230246251565404236316680908203126',
      '9.999999999999999e22',
      '1e23',
      '8.98846567431158e307'
    ]);
  });

  it('the table of 128-bit powers of ten matches Go strconv (rounded down)', () => {
    const hex = (q: number) => {
      let s = '';
      for (let k = 7; k >= 0; k--) s += POW10_128[(q + 348) * 8 + k].toString(16).padStart(4, '0');
      return s;
    };
    expect(hex(-348)).toBe('fa8fd5a0081c02881732c869cd60e453');
    expect(hex(-17)).toBe('b877aa3236a4b44909befeb9fad487c2');
    expect(hex(-1)).toBe('cccccccccccccccccccccccccccccccc');
    expect(hex(0)).toBe('80000000000000000000000000000000');
    expect(hex(43)).toBe('e596b7b0c643c7196d9ccd05d0000000');
  });

  it('eiselLemire declines what it cannot decide instead of guessing', () => {
    const out = new Float64Array(1);
    const run = (w: bigint, q: number) => {
      words[0] = Number(w >> 32n);
      words[1] = Number(w & 0xffffffffn);
      return eiselLemire(q, out, 0) ? out[0] : null;
    };
    expect(run(9007199254740993n, 0)).toBeNull(); // exactly halfway
    expect(run(1n, -330)).toBeNull(); // subnormal
    expect(run(1n, 309)).toBeNull(); // overflow
    expect(run(1n, 400)).toBeNull(); // beyond the table
    expect(run(9007199254740995n, 0)).toBe(9007199254740996);
    expect(run(0n, 200)).toBe(0);
    expect(run(12345678901234567890n, -10)).toBe(Number('1234567890.123456789'));
  });
});
