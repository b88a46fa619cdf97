/** Ingest: a file, URL or bundled sample read into an Arrow table, profiled and saved. */
import { downloadWithProgress } from '../core/data/download';
import { datasetBytes } from '../core/data/identity';
import { ingest } from '../core/data/ingest';
import { profileTable } from '../core/data/profile';
import type { Progress } from '../core/base/progress';
import type { IngestInput, IngestRequest } from '../core/data/request';
import type { DatasetRecord, DatasetSource, Store } from '../store';
import { checkpoint } from './cancel';

export interface IngestResult {
  record: DatasetRecord;
  /** The stored Arrow IPC bytes, so the page shows the table without reading it back. */
  ipc: Uint8Array;
}

export function baseName(fileName: string): string {
  const last = fileName.split(/[\\/]/).pop() ?? fileName;
  return (
    last.replace(
      /(\.(csv|tsv|txt|json|ndjson|jsonl|arrow|feather|ipc|arrows|parquet))?(\.gz)?$/i,
      ''
    ) || last
  );
}

function fileNameOfUrl(url: string): string {
  try {
    const path = new URL(url).pathname;
    return decodeURIComponent(path.split('/').pop() || 'download');
  } catch {
    return 'download';
  }
}

/** Shares of the whole job: a download (when there is one), reading, profiling, saving. */
const SHARES = { download: 0.4, parse: 0.9, profile: 0.95 };

async function resolveSource(
  input: IngestInput,
  report: (p: Progress) => void,
  signal: AbortSignal | undefined
): Promise<{ blob: Blob; fileName: string; source: DatasetSource; defaultName: string }> {
  switch (input.kind) {
    case 'file':
      return {
        blob: input.file,
        fileName: input.fileName,
        source: { kind: 'file', fileName: input.fileName },
        defaultName: baseName(input.fileName)
      };
    case 'url': {
      const blob = await downloadWithProgress(input.url, report, signal);
      const fileName = fileNameOfUrl(input.url);
      return {
        blob,
        fileName,
        source: { kind: 'url', url: input.url },
        defaultName: baseName(fileName)
      };
    }
    case 'sample': {
      const blob = await downloadWithProgress(input.url, report, signal);
      return {
        blob,
        fileName: input.fileName,
        source: { kind: 'sample', sampleId: input.sampleId },
        defaultName: input.name
      };
    }
  }
}

/** Reads, profiles and saves one dataset; the same bytes again return the saved record. */
export async function ingestAndSave(
  store: Store,
  request: IngestRequest,
  options: { signal?: AbortSignal; onProgress?: (p: Progress) => void } = {}
): Promise<IngestResult> {
  const { signal, onProgress } = options;
  const downloads = request.input.kind !== 'file';
  const { blob, fileName, source, defaultName } = await resolveSource(
    request.input,
    (p) =>
      onProgress?.({ ...p, fraction: p.fraction === null ? null : p.fraction * SHARES.download }),
    signal
  );
  const from = downloads ? SHARES.download : 0;
  const parsing = performance.now();
  const { table, report, sourceHash } = await ingest(
    blob,
    { fileName, columnTypes: request.columnTypes, columnFormats: request.columnFormats },
    (p) => {
      const read = p.bytesTotal > 0 ? p.bytesRead / p.bytesTotal : 0;
      const seconds = (performance.now() - parsing) / 1000;
      const bytesPerSecond = seconds > 0 ? p.bytesRead / seconds : 0;
      onProgress?.({
        phase: 'Reading rows',
        fraction: from + read * (SHARES.parse - from),
        count: { done: p.bytesRead, total: p.bytesTotal, unit: 'bytes' },
        rate: { perSecond: p.rowsPerSecond, unit: 'rows' },
        note: `${p.rows.toLocaleString('en-US')} rows`,
        ...(bytesPerSecond > 0 && read > 0.02
          ? { etaSeconds: (p.bytesTotal - p.bytesRead) / bytesPerSecond }
          : {})
      });
    },
    signal
  );
  const rows = table.numRows;
  const note = `${rows.toLocaleString('en-US')} rows`;
  const cancelled = 'The import was cancelled.';
  await checkpoint(signal, cancelled);
  onProgress?.({ phase: 'Profiling columns', fraction: SHARES.parse, note });
  const profile = profileTable(table);
  await checkpoint(signal, cancelled);
  onProgress?.({ phase: 'Saving to this browser', fraction: SHARES.profile, note });
  const ipc = datasetBytes(table);
  await checkpoint(signal, cancelled);
  const record = await store.saveDataset(ipc, {
    name: request.name ?? defaultName,
    source,
    schema: report.columns,
    rows,
    profile,
    report,
    sourceHash,
    columnTypes: request.columnTypes,
    replaces: request.replaces
  });
  return { record, ipc };
}
