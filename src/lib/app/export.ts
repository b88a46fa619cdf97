/** A stored dataset written out as CSV, chunk by chunk, with progress. */
import { tableFromIPC } from 'apache-arrow';
import { tableToCsv } from '../core/data/export';
import type { Progress } from '../core/base/progress';
import type { Store } from '../store';
import { checkpoint } from './cancel';
import type { ExportCsvRequest } from './requests';

const ROWS_PER_CHUNK = 8192;

export async function exportCsv(
  store: Pick<Store, 'loadDatasetBytes'>,
  request: ExportCsvRequest,
  options: { signal?: AbortSignal; onProgress?: (p: Progress) => void } = {}
): Promise<Blob> {
  const table = tableFromIPC(await store.loadDatasetBytes(request.datasetId));
  // The rows each chunk after the header holds, as tableToCsv cuts them.
  const chunkRows = table.batches.flatMap((batch) =>
    Array.from({ length: Math.ceil(batch.numRows / ROWS_PER_CHUNK) }, (_, i) =>
      Math.min(ROWS_PER_CHUNK, batch.numRows - i * ROWS_PER_CHUNK)
    )
  );
  const parts: Uint8Array[] = [];
  const started = performance.now();
  let rows = 0;
  for (const chunk of tableToCsv(table, { rowsPerChunk: ROWS_PER_CHUNK })) {
    await checkpoint(options.signal, 'The CSV export was cancelled.');
    if (parts.length > 0) rows += chunkRows[parts.length - 1] ?? 0;
    parts.push(chunk);
    const seconds = (performance.now() - started) / 1000;
    options.onProgress?.({
      phase: 'Writing CSV',
      fraction: table.numRows > 0 ? rows / table.numRows : 1,
      count: { done: rows, total: table.numRows, unit: 'rows' },
      ...(seconds > 0 ? { rate: { perSecond: rows / seconds, unit: 'rows' } } : {})
    });
  }
  return new Blob(parts as BlobPart[], { type: 'text/csv' });
}
