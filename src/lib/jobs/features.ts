import { proxy, wrap, type Remote } from 'comlink';
import type { PipelineSpec } from '$lib/core/spec/types';
import type { JobOutcome } from '$lib/core/base/errors';
import type { FeatureRunProgress, PreviewView } from '$lib/core/features/view';
import type { FeatureRunResult, FeaturesWorkerApi } from '../../../workers/features.worker';
import type { Job } from './ingest';

export type { FeatureRunResult };

function spawn(name: string): { worker: Worker; remote: Remote<FeaturesWorkerApi> } {
  const worker = new Worker(new URL('../../../workers/features.worker.ts', import.meta.url), {
    type: 'module',
    name
  });
  return { worker, remote: wrap<FeaturesWorkerApi>(worker) };
}

/** Fits a pipeline and saves its feature set in a worker of its own; cancel terminates it. */
export function startFeatureRun(
  datasetId: string,
  spec: PipelineSpec,
  onProgress: (p: FeatureRunProgress) => void
): Job<FeatureRunResult> {
  const { worker, remote } = spawn('lathe-features');
  let settle: (outcome: JobOutcome<FeatureRunResult>) => void = () => {};
  const cancelled = new Promise<JobOutcome<FeatureRunResult>>((resolve) => (settle = resolve));
  const run = remote
    .run(datasetId, spec, proxy(onProgress))
    .catch((error: unknown): JobOutcome<FeatureRunResult> => ({
      ok: false,
      error: {
        code: 'WORKER_FAILED',
        message: `The pipeline stopped unexpectedly: ${String(error)}`
      }
    }));
  const result = Promise.race([run, cancelled]).finally(() => worker.terminate());
  return {
    result,
    cancel() {
      worker.terminate();
      settle({
        ok: false,
        error: { code: 'CANCELLED', message: 'Cancelled. No feature set was saved.' }
      });
    }
  };
}

/**
 * The live preview: one long-lived worker (it keeps the dataset decoded between edits). Only the
 * newest request's answer is delivered; answers to superseded edits resolve to null.
 */
export function createPreviewer() {
  let current: ReturnType<typeof spawn> | null = null;
  let latest = 0;
  return {
    async request(datasetId: string, spec: PipelineSpec): Promise<JobOutcome<PreviewView> | null> {
      current ??= spawn('lathe-preview');
      const ticket = ++latest;
      const outcome = await current.remote
        .preview(datasetId, spec)
        .catch((error: unknown): JobOutcome<PreviewView> => ({
          ok: false,
          error: { code: 'WORKER_FAILED', message: String(error) }
        }));
      return ticket === latest ? outcome : null;
    },
    dispose() {
      current?.worker.terminate();
      current = null;
    }
  };
}
