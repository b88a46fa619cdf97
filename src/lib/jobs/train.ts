import { proxy, wrap } from 'comlink';
import type { JobOutcome } from '$lib/core/base/errors';
import type { TrainEvent, TrainRequest } from '$lib/core/models/events';
import type { FeatureImportance } from '$lib/core/models/importance';
import type { ModelRecord } from '$lib/store';
import type { TrainWorkerApi } from '../../../workers/train.worker';

export interface TrainJob {
  readonly result: Promise<JobOutcome<ModelRecord>>;
  /** Stops between batches; with keepBestOnCancel the best checkpoint is still registered. */
  stop(): void;
  /** Ends the worker at once: nothing is registered. */
  abort(): void;
}

/** Trains in a worker of its own (tfjs and its wasm load there, never on the page). */
export function startTraining(
  request: TrainRequest,
  onEvent: (event: TrainEvent) => void
): TrainJob {
  const worker = new Worker(new URL('../../../workers/train.worker.ts', import.meta.url), {
    type: 'module',
    name: 'lathe-train'
  });
  const remote = wrap<TrainWorkerApi>(worker);
  let settle: (outcome: JobOutcome<ModelRecord>) => void = () => {};
  const aborted = new Promise<JobOutcome<ModelRecord>>((resolve) => (settle = resolve));
  const run = remote
    .train(request, proxy(onEvent))
    .catch((error: unknown): JobOutcome<ModelRecord> => ({
      ok: false,
      error: { code: 'WORKER_FAILED', message: `Training stopped unexpectedly: ${String(error)}` }
    }));
  const result = Promise.race([run, aborted]).finally(() => worker.terminate());
  return {
    result,
    stop: () => void remote.cancel(),
    abort() {
      worker.terminate();
      settle({
        ok: false,
        error: { code: 'CANCELLED', message: 'Training cancelled. No model was saved.' }
      });
    }
  };
}

/** Permutation importance of a saved model, computed in a worker. */
export async function computeImportance(
  modelId: string,
  onProgress: (fraction: number) => void
): Promise<JobOutcome<FeatureImportance>> {
  const worker = new Worker(new URL('../../../workers/train.worker.ts', import.meta.url), {
    type: 'module',
    name: 'lathe-importance'
  });
  try {
    return await wrap<TrainWorkerApi>(worker).importance(modelId, proxy(onProgress));
  } catch (error) {
    return { ok: false, error: { code: 'WORKER_FAILED', message: String(error) } };
  } finally {
    worker.terminate();
  }
}
