// Relative imports: this module is plain TypeScript, tested in node without SvelteKit's aliases.
import type { ColumnType } from '../../core/data/types';
import type { LatheErrorData } from '../../core/base/errors';
import type { PipelineSpec, SpecSource } from '../../core/spec/types';
import type { DatasetRecord } from '../../store';

interface Importer<Sample extends { id: string }> {
  samples: Sample[];
  error: LatheErrorData | null;
  importSample(
    sample: Sample,
    columnTypes?: Record<string, ColumnType>
  ): Promise<DatasetRecord | null>;
  importUrl(url: string, columnTypes?: Record<string, ColumnType>): Promise<DatasetRecord | null>;
}

export type SharedOpen =
  | { kind: 'ok'; record: DatasetRecord; notice?: string }
  | { kind: 'need-file'; fileName: string }
  | { kind: 'error'; error: LatheErrorData };

/** How a pipeline's source names the data, as links and spec files carry it. */
export function specSourceOf(record: DatasetRecord): SpecSource {
  const { source, hash, name, sourceHash, columnTypes } = record;
  const identity = {
    ...(sourceHash ? { sourceHash } : {}),
    ...(columnTypes && Object.keys(columnTypes).length ? { columnTypes: { ...columnTypes } } : {})
  };
  if (source.kind === 'sample') {
    return { kind: 'sample', hash, name, sampleId: source.sampleId, ...identity };
  }
  if (source.kind === 'url') return { kind: 'url', hash, name, url: source.url, ...identity };
  return { kind: 'file', hash, name, fileName: source.fileName, ...identity };
}

/** The spec, pointed at `record` (which may be a newer reading of the data it names). */
export function rebindSpec(spec: PipelineSpec, record: DatasetRecord): PipelineSpec {
  return spec.source.hash === record.hash && spec.source.sourceHash === record.sourceHash
    ? spec
    : { ...spec, source: specSourceOf(record) };
}

/**
 * Whether a saved dataset is what a pipeline's source names: the very same stored data (its
 * dataset hash: links made before source hashes only have this), or the same file read again
 * (its source hash), possibly typed differently by another version of Lathe.
 */
export function linkMatch(
  source: SpecSource,
  record: DatasetRecord
): 'same-data' | 'same-file' | null {
  if (record.hash === source.hash) return 'same-data';
  if (source.sourceHash && record.sourceHash === source.sourceHash) return 'same-file';
  return null;
}

const typesKey = (types: Record<string, ColumnType> | undefined) =>
  JSON.stringify(Object.entries(types ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

/**
 * The saved dataset a pipeline's source names, if any: the same data, else the same file read
 * with the same column types, else the newest reading of that file. `datasets` newest first.
 */
export function findLinkedDataset(
  source: SpecSource,
  datasets: DatasetRecord[]
): DatasetRecord | null {
  const sameData = datasets.find((d) => linkMatch(source, d) === 'same-data');
  if (sameData) return sameData;
  const sameFile = datasets.filter((d) => linkMatch(source, d) === 'same-file');
  const wanted = typesKey(source.columnTypes);
  return sameFile.find((d) => typesKey(d.columnTypes) === wanted) ?? sameFile[0] ?? null;
}

/** Said when a pipeline opens on the same file read differently from when it was made. */
export function rereadNotice(source: SpecSource): string {
  return `"${source.name}" is the same file the pipeline was made with, but this version of Lathe reads it differently (column types may differ). The pipeline was opened on it; check its steps.`;
}

/**
 * Finds or fetches the data a shared pipeline names. A bundled sample or a URL is loaded, with
 * the column types the pipeline's author chose; a local file cannot travel in a link, so the
 * person is asked for it (and it is checked by its source hash, or by its dataset hash for
 * links made before source hashes existed).
 */
export async function openSharedSpec<Sample extends { id: string }>(
  spec: PipelineSpec,
  importer: Importer<Sample>
): Promise<SharedOpen> {
  const source = spec.source;
  if (source.kind === 'file') return { kind: 'need-file', fileName: source.fileName };
  let record: DatasetRecord | null;
  if (source.kind === 'sample') {
    const sample = importer.samples.find((s) => s.id === source.sampleId);
    if (!sample) {
      return {
        kind: 'error',
        error: {
          code: 'UNKNOWN_SAMPLE',
          message: `The link names a sample "${source.sampleId}" that this version of Lathe does not have.`
        }
      };
    }
    record = await importer.importSample(sample, source.columnTypes);
  } else {
    record = await importer.importUrl(source.url, source.columnTypes);
  }
  if (!record) {
    return {
      kind: 'error',
      error: importer.error ?? {
        code: 'IMPORT_FAILED',
        message: 'The linked data could not be loaded.'
      }
    };
  }
  const match = linkMatch(source, record);
  if (match === 'same-data') return { kind: 'ok', record };
  if (match === 'same-file') return { kind: 'ok', record, notice: rereadNotice(source) };
  return {
    kind: 'ok',
    record,
    notice: `The data at the link's ${source.kind === 'sample' ? 'sample' : 'URL'} has changed since the pipeline was shared; it was opened on the current data.`
  };
}
