/**
 * Tiny scale helpers for the hand-written SVG charts: linear and log10 scales, "nice" domains and
 * ticks (steps of 1, 2 or 5 × 10^k), and tick labels. No dependencies, no DOM.
 */

export type Domain = [number, number];

export interface Scale {
  /** Domain value → pixel. */
  map(v: number): number;
  domain: Domain;
  range: Domain;
  /** Roughly `count` tick values inside the domain. */
  ticks(count?: number): number[];
  /** A label for a tick from `ticks(count)`. */
  format(v: number, count?: number): string;
}

/** [min, max] of the finite numbers in `values`, or null when there are none. */
export function extent(values: Iterable<number | null | undefined>): Domain | null {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (v === null || v === undefined || !Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return lo <= hi ? [lo, hi] : null;
}

/** A step of 1, 2 or 5 × 10^k giving about `count` intervals over [lo, hi]. */
export function tickStep(lo: number, hi: number, count = 5): number {
  const raw = Math.abs(hi - lo) / Math.max(1, count);
  if (!(raw > 0) || !Number.isFinite(raw)) return 0;
  const pow = 10 ** Math.floor(Math.log10(raw));
  const f = raw / pow;
  // d3's thresholds: √50, √10, √2.
  const m = f >= 7.07 ? 10 : f >= 3.16 ? 5 : f >= 1.41 ? 2 : 1;
  return m * pow;
}

function decimals(step: number): number {
  return Math.min(20, Math.max(0, -Math.floor(Math.log10(step) + 1e-9)));
}

/** Multiples of a nice step inside [lo, hi], free of floating-point noise. */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [];
  if (lo > hi) [lo, hi] = [hi, lo];
  if (lo === hi) return [lo];
  const step = tickStep(lo, hi, count);
  if (step === 0) return [lo];
  const d = decimals(step);
  const start = Math.ceil(lo / step - 1e-9);
  const end = Math.floor(hi / step + 1e-9);
  const out: number[] = [];
  for (let i = start; i <= end; i++) out.push(Number((i * step).toFixed(d)) || 0);
  return out;
}

/**
 * Widen [lo, hi] outwards to multiples of a nice step. A zero-width domain is padded first
 * (±10 % of the value, or ±1 around 0) so the data sits in the middle.
 */
export function niceDomain(lo: number, hi: number, count = 5): Domain {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [0, 1];
  if (lo > hi) [lo, hi] = [hi, lo];
  if (lo === hi) {
    const pad = lo === 0 ? 1 : Math.abs(lo) * 0.1;
    lo -= pad;
    hi += pad;
  }
  for (let i = 0; i < 2; i++) {
    const step = tickStep(lo, hi, count);
    if (step === 0) break;
    const d = decimals(step);
    lo = Number((Math.floor(lo / step + 1e-9) * step).toFixed(d));
    hi = Number((Math.ceil(hi / step - 1e-9) * step).toFixed(d));
  }
  return [lo, hi];
}

/** Outwards to whole powers of ten; needs lo > 0. */
export function niceLogDomain(lo: number, hi: number): Domain {
  if (!(lo > 0) || !(hi > 0) || !Number.isFinite(lo) || !Number.isFinite(hi)) return [0.1, 1];
  if (lo > hi) [lo, hi] = [hi, lo];
  const a = 10 ** Math.floor(Math.log10(lo) + 1e-9);
  let b = 10 ** Math.ceil(Math.log10(hi) - 1e-9);
  if (b <= a) b = a * 10;
  return [a, b];
}

/** Log ticks: powers of ten, with 2 and 5 between them over short spans, thinned over long ones. */
export function logTicks(lo: number, hi: number, count = 5): number[] {
  if (!(lo > 0) || !(hi > 0)) return [];
  if (lo > hi) [lo, hi] = [hi, lo];
  const a = Math.floor(Math.log10(lo));
  const b = Math.ceil(Math.log10(hi));
  const within = (v: number) => v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9);
  const decades: number[] = [];
  for (let k = a; k <= b; k++) decades.push(k);
  const pow = (k: number, m = 1) => Number((m * 10 ** k).toPrecision(12));
  let out = decades.map((k) => pow(k)).filter(within);
  if (out.length > count + 2) {
    const every = Math.ceil(out.length / (count + 1));
    out = decades
      .filter((k) => k % every === 0)
      .map((k) => pow(k))
      .filter(within);
  } else if (out.length < 3) {
    const dense = decades.flatMap((k) => [pow(k), pow(k, 2), pow(k, 5)]).filter(within);
    if (dense.length >= 2 && dense.length <= count * 2) out = dense;
  }
  if (out.length < 2) out = niceTicks(lo, hi, count).filter((v) => v > 0);
  return out;
}

/** A short label for a tick, with as many decimals as the tick step needs. */
export function formatTick(v: number, step: number): string {
  if (v === 0) return '0';
  const abs = Math.abs(v);
  if (abs >= 1e6 || abs < 1e-4) return Number(v.toPrecision(3)).toExponential().replace('e+', 'e');
  const d = step > 0 && Number.isFinite(step) ? decimals(step) : 3;
  return v.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
}

function formatLogTick(v: number): string {
  const abs = Math.abs(v);
  if (abs >= 1e5 || abs < 1e-3) {
    const [m, e] = v.toExponential().split('e');
    const mant = Number(m);
    return `${mant === 1 ? '1' : Number(mant.toPrecision(2))}e${Number(e)}`;
  }
  return Number(v.toPrecision(6)).toLocaleString('en-US', { maximumFractionDigits: 4 });
}

export function linearScale(domain: Domain, range: Domain): Scale {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  const k = d1 === d0 ? 0 : (r1 - r0) / (d1 - d0);
  return {
    domain,
    range,
    map: (v) => (d1 === d0 ? (r0 + r1) / 2 : r0 + (v - d0) * k),
    ticks: (count = 5) => niceTicks(d0, d1, count),
    format: (v, count = 5) => formatTick(v, tickStep(d0, d1, count))
  };
}

/** log10 scale; the domain must be positive. Values ≤ 0 map to NaN (callers treat as gaps). */
export function logScale(domain: Domain, range: Domain): Scale {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  const l0 = Math.log10(d0);
  const l1 = Math.log10(d1);
  const k = l1 === l0 ? 0 : (r1 - r0) / (l1 - l0);
  return {
    domain,
    range,
    map: (v) => (v > 0 ? (l1 === l0 ? (r0 + r1) / 2 : r0 + (Math.log10(v) - l0) * k) : NaN),
    ticks: (count = 5) => logTicks(d0, d1, count),
    format: (v) => formatLogTick(v)
  };
}
