/** Hyperparameter search: one training run per point of a grid or a seeded random draw. */
import { LatheError, toErrorData } from '../core/base/errors';
import { describePoint, searchPoints, type SearchPoint } from '../core/models/search';
import type { Progress } from '../core/base/progress';
import type { JobOutcome } from '../core/base/errors';
import type { Store } from '../store';
import type { SearchRequest, TrainRequest } from './requests';
import { trainAndRegister, type TrainEnvironment, type TrainOutcome } from './train';

export type SearchEvent =
  | { type: 'plan'; points: SearchPoint[] }
  | { type: 'run'; index: number }
  | { type: 'result'; index: number; outcome: JobOutcome<TrainOutcome> };

export interface SearchRun {
  point: SearchPoint;
  outcome: JobOutcome<TrainOutcome>;
}

export interface SearchResult {
  points: SearchPoint[];
  /** The runs that ran, in order; a failed run is an error, the search goes on. */
  runs: SearchRun[];
  /** Stopped before every point ran (the run under way then was not saved). */
  stopped: boolean;
}

/** The training request of one search run: the base with the point's settings. */
export function searchRunRequest(
  base: TrainRequest,
  point: SearchPoint,
  index: number
): TrainRequest {
  const { hiddenLayers, l2, learningRate } = point;
  return {
    ...base,
    name: `${base.name ?? 'search'} #${index + 1}`,
    model: {
      ...base.model,
      ...(l2 !== undefined ? { l2 } : {}),
      ...(hiddenLayers !== undefined ? { hiddenLayers } : {})
    },
    train: { ...base.train, ...(learningRate !== undefined ? { learningRate } : {}) }
  };
}

/**
 * Trains every point one after another and registers each run as a model version. Stop (or
 * cancel) ends the run under way without saving it and returns the runs finished so far.
 */
export async function runSearch(
  store: Store,
  request: SearchRequest,
  env: TrainEnvironment,
  hooks: {
    signal?: AbortSignal;
    stopSignal?: AbortSignal;
    onProgress?: (p: Progress) => void;
    onEvent?: (e: SearchEvent) => void;
  } = {}
): Promise<SearchResult> {
  const points = searchPoints(request.space, request.mode, {
    count: request.count,
    seed: request.seed
  });
  if (points.length < 2) {
    throw new LatheError('SEARCH_INVALID', 'List at least two values to compare.');
  }
  hooks.onEvent?.({ type: 'plan', points });
  const ending = new AbortController();
  for (const signal of [hooks.signal, hooks.stopSignal]) {
    if (signal?.aborted) ending.abort();
    signal?.addEventListener('abort', () => ending.abort(), { once: true });
  }
  const runs: SearchRun[] = [];
  const n = points.length;
  for (let index = 0; index < n && !ending.signal.aborted; index++) {
    const point = points[index];
    hooks.onEvent?.({ type: 'run', index });
    const note = describePoint(point);
    let outcome: JobOutcome<TrainOutcome>;
    try {
      const value = await trainAndRegister(
        store,
        searchRunRequest(request.base, point, index),
        env,
        {
          signal: ending.signal,
          onProgress: (p) =>
            hooks.onProgress?.({
              ...p,
              phase: `Run ${index + 1} of ${n}`,
              fraction: (index + (p.fraction ?? 0)) / n,
              count: { done: index, total: n, unit: 'runs' },
              note: p.count ? `${note} · epoch ${p.count.done} of ${p.count.total}` : note,
              etaSeconds: undefined
            })
        }
      );
      outcome = { ok: true, value };
    } catch (error) {
      if (ending.signal.aborted) break;
      outcome = { ok: false, error: toErrorData(error) };
    }
    runs.push({ point, outcome });
    hooks.onEvent?.({ type: 'result', index, outcome });
  }
  return { points, runs, stopped: runs.length < n };
}
