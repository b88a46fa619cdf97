import { expose, transfer } from 'comlink';
import { datasetBytes } from '../src/lib/core/data/identity';
import { ingest } from '../src/lib/core/data/ingest';
import { profileTable } from '../src/lib/core/data/profile';
import { toErrorData } from '../src/lib/core/base/errors';
import { openStore, type DatasetRecord, type DatasetSource } from '../src/lib/store';
import {
  parseIngestRequest,
  type IngestInput,
  type IngestRequest,
  type JobProgress
} from '../src/lib/core/data/request';
import { type JobOutcome } from '../src/lib/core/base/errors';
import { downloadWithProgress } from '../src/lib/core/data/download';

export interface IngestResult {
  record: DatasetRecord;
  ipc: Uint8Array;
}

function baseName(fileName: string): string {
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

async function resolveSource(
  input: IngestInput,
  report: (p: JobProgress) => void
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
      const blob = await downloadWithProgress(input.url, report);
      const fileName = fileNameOfUrl(input.url);
      return {
        blob,
        fileName,
        source: { kind: 'url', url: input.url },
        defaultName: baseName(fileName)
      };
    }
    case 'sample': {
      const blob = await downloadWithProgress(input.url, report);
      return {
        blob,
        fileName: input.fileName,
        source: { kind: 'sample', sampleId: input.sampleId },
        defaultName: input.name
      };
    }
  }
}

const api = {
  async run(
    message: unknown,
    onProgress: (p: JobProgress) => void
  ): Promise<JobOutcome<IngestResult>> {
    try {
      const request: IngestRequest = parseIngestRequest(message);
      const { blob, fileName, source, defaultName } = await resolveSource(
        request.input,
        onProgress
      );
      const { table, report, sourceHash } = await ingest(
        blob,
        { fileName, columnTypes: request.columnTypes, columnFormats: request.columnFormats },
        (p) =>
          onProgress({
            phase: 'parse',
            fraction: p.bytesTotal > 0 ? p.bytesRead / p.bytesTotal : null,
            bytesDone: p.bytesRead,
            bytesTotal: p.bytesTotal,
            rows: p.rows,
            rowsPerSecond: p.rowsPerSecond
          })
      );
      const rows = table.numRows;
      const status = (phase: JobProgress['phase']) =>
        onProgress({
          phase,
          fraction: null,
          bytesDone: blob.size,
          bytesTotal: blob.size,
          rows,
          rowsPerSecond: 0
        });
      status('profile');
      const profile = profileTable(table);
      status('save');
      const ipc = datasetBytes(table);
      const store = await openStore();
      try {
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
        return transfer({ ok: true as const, value: { record, ipc } }, [ipc.buffer as ArrayBuffer]);
      } finally {
        store.close();
      }
    } catch (error) {
      return { ok: false, error: toErrorData(error) };
    }
  }
};

export type IngestWorkerApi = typeof api;

expose(api);
