import type { Json } from '../../core/base/json';
import type { FeatureImportance } from '../../core/models/importance';
import { dropRoundingNoise, formatNumber } from '../format';

export interface MetricRow {
  label: string;
  value: number;
  text: string;
  /** Larger is better (accuracy) or smaller is better (loss). */
  better: 'higher' | 'lower';
}

function num(report: Record<string, Json>, key: string): number {
  const v = report[key];
  return typeof v === 'number' ? v : NaN;
}

const pct = (x: number) => (Number.isFinite(x) ? `${(x * 100).toFixed(1)}%` : '—');
const plain = (x: number) => (Number.isFinite(x) ? formatNumber(x) : '—');

/** The headline numbers of an evaluation report (as stored in the registry). */
export function headlineMetrics(report: Json | undefined): MetricRow[] {
  if (!report || typeof report !== 'object' || Array.isArray(report)) return [];
  const r = report as Record<string, Json>;
  if (r.task === 'regression') {
    return [
      { label: 'RMSE', value: num(r, 'rmse'), text: plain(num(r, 'rmse')), better: 'lower' },
      { label: 'MAE', value: num(r, 'mae'), text: plain(num(r, 'mae')), better: 'lower' },
      { label: 'R²', value: num(r, 'r2'), text: plain(num(r, 'r2')), better: 'higher' },
      { label: 'MAPE', value: num(r, 'mape'), text: pct(num(r, 'mape')), better: 'lower' }
    ];
  }
  const macro = (r.macro ?? {}) as Record<string, Json>;
  return [
    {
      label: 'accuracy',
      value: num(r, 'accuracy'),
      text: pct(num(r, 'accuracy')),
      better: 'higher'
    },
    {
      label: 'balanced accuracy',
      value: num(r, 'balancedAccuracy'),
      text: pct(num(r, 'balancedAccuracy')),
      better: 'higher'
    },
    {
      label: 'F1 (macro)',
      value: num(macro, 'f1'),
      text: plain(num(macro, 'f1')),
      better: 'higher'
    },
    { label: 'ROC AUC', value: num(r, 'rocAuc'), text: plain(num(r, 'rocAuc')), better: 'higher' },
    { label: 'log loss', value: num(r, 'logLoss'), text: plain(num(r, 'logLoss')), better: 'lower' }
  ];
}

/** Permutation importance as bars, largest drop first; rounding noise is shown as 0. */
export function importanceBars(
  importance: FeatureImportance,
  limit = 30
): { label: string; value: number; error: number }[] {
  const scale = Math.max(
    Math.abs(importance.baseline),
    ...importance.features.map((f) => Math.abs(f.mean))
  );
  return importance.features
    .map((f) => ({
      label: f.name,
      value: dropRoundingNoise(f.mean, scale),
      error: dropRoundingNoise(f.std, scale)
    }))
    .sort((a, b) => b.value - a.value)
    .slice(0, limit);
}
