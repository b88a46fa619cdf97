export { formatBytes } from '../core/base/format';

export function formatCount(n: number): string {
  return Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '—';
}

export function formatNumber(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? '∞' : '−∞';
  if (Number.isInteger(x) && Math.abs(x) < 1e15) return x.toLocaleString('en-US');
  const abs = Math.abs(x);
  if (abs !== 0 && (abs < 1e-3 || abs >= 1e9)) return x.toExponential(3);
  return x.toLocaleString('en-US', { maximumSignificantDigits: 5 });
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '—';
  if (seconds < 1) return `${Math.round(seconds * 1000)} ms`;
  if (seconds < 60) return `${seconds.toFixed(seconds < 10 ? 1 : 0)} s`;
  const m = Math.floor(seconds / 60);
  return `${m} min ${Math.round(seconds - m * 60)} s`;
}

export function formatDate(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace('T', ' ')
    .replace(/:\d\d\.\d+Z$/, ' UTC');
}

export function formatTimestamp(ms: number): string {
  const iso = new Date(ms).toISOString();
  return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso.replace('.000Z', 'Z');
}

/**
 * A number as a table cell shows it: integers in full, other values to 6 significant digits
 * (exponent form outside 1e-4…1e15). The exact value belongs in the cell's title and copy.
 */
export function formatCell(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? 'Infinity' : '-Infinity';
  if (x === 0) return '0';
  const abs = Math.abs(x);
  if (abs >= 1e15 || abs < 1e-4) return x.toExponential(5).replace(/\.?0+e/, 'e');
  if (Number.isInteger(x)) return String(x);
  if (abs >= 1e6) return String(Math.round(x));
  return String(Number(x.toPrecision(6)));
}

/**
 * Zero for a value within floating-point rounding of zero relative to `scale` (e.g. a mean of
 * score differences that cancel, -2.2e-17 on a metric near 1); the value itself otherwise.
 */
export function dropRoundingNoise(x: number, scale: number): number {
  const unit = Math.max(1, Number.isFinite(scale) ? Math.abs(scale) : 1);
  return Math.abs(x) <= 1e-12 * unit ? 0 : x;
}
