import type { Progress, ProgressUnit } from '$lib/core/base/progress';
import { formatBytes, formatCount, formatDuration, formatNumber } from './format';

function amount(value: number, unit: ProgressUnit): string {
  return unit === 'bytes' ? formatBytes(value) : `${formatCount(value)} ${unit}`;
}

/** The parts of a progress line: phase · 3 of 100 epochs · 1,200 samples/s · about 4 s left. */
export function progressParts(p: Progress): string[] {
  const parts = [p.phase];
  if (p.count) {
    const { done, total, unit } = p.count;
    if (total === null) parts.push(amount(done, unit));
    else if (unit === 'bytes') parts.push(`${formatBytes(done)} of ${formatBytes(total)}`);
    else parts.push(`${formatCount(done)} of ${amount(total, unit)}`);
  }
  if (p.note) parts.push(p.note);
  if (p.loss !== undefined) parts.push(`loss ${formatNumber(p.loss)}`);
  if (p.rate && p.rate.perSecond > 0) {
    const { perSecond, unit } = p.rate;
    parts.push(
      unit === 'bytes' ? `${formatBytes(perSecond)}/s` : `${formatCount(perSecond)} ${unit}/s`
    );
  }
  if (p.etaSeconds != null && Number.isFinite(p.etaSeconds)) {
    parts.push(`about ${formatDuration(Math.max(1, p.etaSeconds))} left`);
  }
  return parts;
}

/** 0–100, or null for an indeterminate bar. */
export function progressPercent(p: Progress | null): number | null {
  if (!p || p.fraction === null) return null;
  return Math.round(Math.min(1, Math.max(0, p.fraction)) * 100);
}
