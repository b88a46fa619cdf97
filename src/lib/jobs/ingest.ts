import { wrap, proxy, type Remote } from 'comlink';
import type { IngestRequest, JobProgress } from '$lib/core/data/request';
import type { JobOutcome } from '$lib/core/base/errors';
import type { IngestResult, IngestWorkerApi } from '../../../workers/ingest.worker';
import { LatheError } from '$lib/core/base/errors';

export type { IngestResult };

export interface Job<T> {
  readonly result: Promise<JobOutcome<T>>;
  /** Stops the work at once; nothing it had not finished saving is kept. */
  cancel(): void;
}

/**
 * Each ingest runs in its own worker. Cancelling terminates that worker: the store writes a
 * dataset in a single IndexedDB transaction, so a terminated job leaves nothing half-saved.
 */
export function startIngest(
  request: IngestRequest,
  onProgress: (p: JobProgress) => void
): Job<IngestResult> {
  const worker = new Worker(new URL('../../../workers/ingest.worker.ts', import.meta.url), {
    type: 'module',
    name: 'lathe-ingest'
  });
  const remote: Remote<IngestWorkerApi> = wrap<IngestWorkerApi>(worker);
  let settle: (outcome: JobOutcome<IngestResult>) => void = () => {};
  const cancelled = new Promise<JobOutcome<IngestResult>>((resolve) => (settle = resolve));
  const crashed = new Promise<JobOutcome<IngestResult>>((resolve) => {
    worker.addEventListener('error', (event) =>
      resolve({
        ok: false,
        error: {
          code: 'WORKER_CRASHED',
          message: `The import stopped unexpectedly: ${event.message || 'the worker failed to start'}.`
        }
      })
    );
  });
  const run = remote
    .run(request, proxy(onProgress))
    .catch((error: unknown): JobOutcome<IngestResult> => ({
      ok: false,
      error: new LatheError('WORKER_FAILED', String(error)).toData()
    }));
  const result = Promise.race([run, cancelled, crashed]).finally(() => worker.terminate());
  return {
    result,
    cancel() {
      worker.terminate();
      settle({
        ok: false,
        error: { code: 'CANCELLED', message: 'Import cancelled. Nothing was saved.' }
      });
    }
  };
}
