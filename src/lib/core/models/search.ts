import { LatheError } from '../base/errors';
import { createRng } from '../base/random';

/** The values to try for each searched setting; a setting left out keeps the base value. */
export interface SearchSpace {
  learningRate?: number[];
  l2?: number[];
  hiddenLayers?: number[][];
}

export type SearchPoint = { learningRate?: number; l2?: number; hiddenLayers?: number[] };

/** A point in a few words: "learning rate 0.01 · L2 0 · layers [64, 32]". */
export function describePoint(p: SearchPoint): string {
  return [
    p.learningRate !== undefined ? `learning rate ${p.learningRate}` : '',
    p.l2 !== undefined ? `L2 ${p.l2}` : '',
    p.hiddenLayers !== undefined ? `layers [${p.hiddenLayers.join(', ')}]` : ''
  ]
    .filter(Boolean)
    .join(' · ');
}

/** Most runs one search may start (each is a full training run). */
export const MAX_SEARCH_RUNS = 64;

function grid(space: SearchSpace): SearchPoint[] {
  let points: SearchPoint[] = [{}];
  for (const key of ['learningRate', 'l2', 'hiddenLayers'] as const) {
    const values = space[key];
    if (!values?.length) continue;
    points = points.flatMap((p) => values.map((v) => ({ ...p, [key]: v })));
  }
  return points;
}

/**
 * The settings of each run: every combination (grid), or `count` distinct combinations drawn
 * with a seeded generator (random), in a reproducible order.
 */
export function searchPoints(
  space: SearchSpace,
  mode: 'grid' | 'random',
  options: { count?: number; seed?: number } = {}
): SearchPoint[] {
  const all = grid(space);
  if (mode === 'grid') {
    if (all.length > MAX_SEARCH_RUNS) {
      throw new LatheError(
        'SEARCH_TOO_LARGE',
        `This grid has ${all.length} combinations; a search runs at most ${MAX_SEARCH_RUNS}. Remove some values or use random search.`,
        { combinations: all.length }
      );
    }
    return all;
  }
  const count = Math.min(options.count ?? 8, all.length, MAX_SEARCH_RUNS);
  const rng = createRng(options.seed ?? 0);
  const order = all.map((_, i) => i);
  for (let i = 0; i < count; i++) {
    const j = i + Math.floor(rng() * (order.length - i));
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order.slice(0, count).map((i) => all[i]);
}

/** "0.001, 0.01" → [0.001, 0.01]; "[64, 32]; [16]" → [[64, 32], [16]]. Throws on bad text. */
export function parseNumberList(text: string, what: string): number[] {
  const parts = text.split(/[,\s]+/).filter(Boolean);
  return parts.map((part) => {
    const x = Number(part);
    if (!Number.isFinite(x)) {
      throw new LatheError('SEARCH_INVALID', `"${part}" in ${what} is not a number.`);
    }
    return x;
  });
}

export function parseLayerList(text: string): number[][] {
  return text
    .split(';')
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => {
      const units = part
        .replace(/^\[|\]$/g, '')
        .split(/[,\s]+/)
        .filter(Boolean)
        .map(Number);
      if (!units.length || units.some((u) => !Number.isInteger(u) || u < 1)) {
        throw new LatheError(
          'SEARCH_INVALID',
          `"${part}" is not a list of layer sizes; write e.g. "64, 32; 16" for two options.`
        );
      }
      return units;
    });
}
