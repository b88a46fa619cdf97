import type { LatheErrorData } from '$lib/core/base/errors';
import type { PipelineSpec } from '$lib/core/spec/types';
import type { DatasetRecord } from '$lib/store';
import type { SampleEntry } from '../workspace.svelte';

interface Importer {
  samples: SampleEntry[];
  error: LatheErrorData | null;
  importSample(sample: SampleEntry): Promise<DatasetRecord | null>;
  importUrl(url: string): Promise<DatasetRecord | null>;
}

export type SharedOpen =
  | { kind: 'ok'; record: DatasetRecord; notice?: string }
  | { kind: 'need-file'; fileName: string }
  | { kind: 'error'; error: LatheErrorData };

/**
 * Finds or fetches the data a shared pipeline names. A bundled sample or a URL is loaded; a
 * local file cannot travel in a link, so the person is asked for it (and its hash is checked).
 */
export async function openSharedSpec(spec: PipelineSpec, importer: Importer): Promise<SharedOpen> {
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
    record = await importer.importSample(sample);
  } else {
    record = await importer.importUrl(source.url);
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
  if (record.hash === source.hash) return { kind: 'ok', record };
  return {
    kind: 'ok',
    record,
    notice: `The data at the link's ${source.kind === 'sample' ? 'sample' : 'URL'} has changed since the pipeline was shared; it was opened on the current data.`
  };
}
