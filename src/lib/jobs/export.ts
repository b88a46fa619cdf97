import { wrap } from 'comlink';
import type { JobOutcome } from '$lib/core/base/errors';
import type { ExportWorkerApi } from '../../../workers/export.worker';

/** Writes a stored dataset as CSV in a worker, so a million rows never block the page. */
export async function exportDatasetCsv(id: string): Promise<JobOutcome<Blob>> {
  const worker = new Worker(new URL('../../../workers/export.worker.ts', import.meta.url), {
    type: 'module',
    name: 'lathe-export'
  });
  try {
    return await wrap<ExportWorkerApi>(worker).csv(id);
  } catch (error) {
    return {
      ok: false,
      error: { code: 'WORKER_FAILED', message: `CSV export failed: ${String(error)}` }
    };
  } finally {
    worker.terminate();
  }
}
