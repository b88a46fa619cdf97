/**
 * An ONNX file made elsewhere (another tool, another Lathe) added to the model registry as a
 * version with no training lineage. Its size is checked before a byte is read; the bytes are
 * read in slices (progress, cancel), decoded with the reader's guards, checked against what
 * onnxruntime-web's wasm build runs, then loaded in that runtime, whose refusal is the final
 * word on its operators. Only then is anything saved, bytes and record in one transaction.
 */
import { LatheError } from '../core/base/errors';
import type { Progress } from '../core/base/progress';
import { LATHE_METADATA_KEY } from '../core/onnx/metadata';
import {
  checkOnnxSize,
  checkRunnable,
  readOnnx,
  runtimeRefusal,
  type OnnxSummary
} from '../core/onnx/read';
import { createSession, type RuntimeOptions, type Session } from '../core/onnx/runtime';
import type { ImportedModelMeta, RegistryRecord, Store } from '../store';
import { checkpoint } from './cancel';
import type { ImportOnnxRequest } from './requests';

export interface ImportOnnxResult {
  record: RegistryRecord;
  /** False when the file was in the registry already: as this version, or a trained one's export. */
  created: boolean;
  /** What the registry keeps of the file with a caveat, in words (outputs Predict cannot read). */
  notes: string[];
}

export interface ImportOnnxOptions {
  signal?: AbortSignal;
  onProgress?: (progress: Progress) => void;
  /** Where onnxruntime-web's wasm files are served (the worker passes the app's own). */
  runtime?: RuntimeOptions;
}

/** Bytes read per slice: each is a cancel point and a progress report. */
const READ_SLICE = 8 * 1024 * 1024;

/** Longer texts of a file (doc_string, metadata values) are kept in part in its record. */
export const KEPT_CHARS = 10_000;

/** How much of the job each phase ends at. */
const PHASES = { read: 0.5, check: 0.55, load: 0.9, save: 1 } as const;

const quoted = (fileName: string) => `"${fileName}"`;

async function readSlices(
  file: Blob,
  fileName: string,
  options: ImportOnnxOptions
): Promise<Uint8Array> {
  const bytes = new Uint8Array(file.size);
  const started = performance.now();
  for (let offset = 0; offset < file.size; offset += READ_SLICE) {
    await checkpoint(options.signal, 'The ONNX import was cancelled. Nothing was saved.');
    let chunk: ArrayBuffer;
    try {
      chunk = await file.slice(offset, offset + READ_SLICE).arrayBuffer();
    } catch (error) {
      throw new LatheError(
        'FILE_UNREADABLE',
        `${quoted(fileName)} could not be read (${error instanceof Error ? error.message : String(error)}). Choose it again.`
      );
    }
    bytes.set(new Uint8Array(chunk), offset);
    const done = offset + chunk.byteLength;
    const seconds = (performance.now() - started) / 1000;
    options.onProgress?.({
      phase: 'Reading the file',
      fraction: PHASES.read * (done / file.size),
      count: { done, total: file.size, unit: 'bytes' },
      ...(seconds > 0 ? { rate: { perSecond: done / seconds, unit: 'bytes' } } : {})
    });
  }
  return bytes;
}

/** Loads the model in onnxruntime-web; returns the outputs it cannot return (not tensors). */
async function loadInRuntime(
  bytes: Uint8Array,
  summary: OnnxSummary,
  fileName: string,
  runtime: RuntimeOptions | undefined
): Promise<string[]> {
  let session: Session;
  try {
    session = await createSession(bytes, runtime);
  } catch (error) {
    if (error instanceof LatheError && error.code === 'ONNX_RUNTIME') {
      throw runtimeRefusal(summary, String(error.details?.reason ?? error.message), fileName);
    }
    throw error;
  }
  try {
    return session.outputMetadata.filter((o) => !o.isTensor).map((o) => o.name);
  } finally {
    await session.release();
  }
}

/** A text kept whole up to KEPT_CHARS; longer ones in part, with their length noted. */
function keep(text: string, field: string, clipped: { field: string; length: number }[]): string {
  if (text.length <= KEPT_CHARS) return text;
  clipped.push({ field, length: text.length });
  return text.slice(0, KEPT_CHARS);
}

function registryMeta(
  summary: OnnxSummary,
  request: ImportOnnxRequest,
  unusableOutputs: string[]
): ImportedModelMeta {
  const clipped: { field: string; length: number }[] = [];
  const name = request.name?.trim() || request.fileName.replace(/\.onnx$/i, '').trim();
  return {
    name: name || request.fileName,
    fileName: request.fileName,
    graph: {
      irVersion: summary.irVersion,
      opsets: summary.opsets,
      producerName: keep(summary.producerName, 'producer_name', clipped),
      producerVersion: keep(summary.producerVersion, 'producer_version', clipped),
      modelVersion: summary.modelVersion,
      docString: keep(summary.docString, 'doc_string', clipped),
      graphName: keep(summary.graphName, 'graph name', clipped),
      inputs: summary.inputs,
      outputs: summary.outputs,
      operators: summary.operators,
      functions: summary.functions,
      // The Lathe entry is kept whole (the reader has bounded and checked it): it is read again.
      metadataProps: summary.metadataProps.map(({ key, value }) => ({
        key: keep(key, 'a metadata_props key', clipped),
        value: key === LATHE_METADATA_KEY ? value : keep(value, `metadata_props "${key}"`, clipped)
      })),
      clipped
    },
    unusableOutputs,
    notes: ''
  };
}

/**
 * Reads, checks and registers an ONNX file. Throws LatheError (nothing saved): 'ONNX_TOO_LARGE'
 * before reading, the reader's codes (see readOnnx, checkRunnable), 'ONNX_OPERATOR_UNSUPPORTED'
 * or 'ONNX_RUNTIME_REFUSED' from loading it, 'CANCELLED', and the store's write errors.
 */
export async function importOnnx(
  store: Pick<Store, 'importModel'>,
  request: ImportOnnxRequest,
  options: ImportOnnxOptions = {}
): Promise<ImportOnnxResult> {
  const { fileName } = request;
  checkOnnxSize(request.file.size, fileName);
  const bytes = await readSlices(request.file, fileName, options);
  options.onProgress?.({ phase: 'Checking the model', fraction: PHASES.read });
  await checkpoint(options.signal, 'The ONNX import was cancelled. Nothing was saved.');
  const summary = readOnnx(bytes, { fileName });
  const { unusableOutputs } = checkRunnable(summary, fileName);
  options.onProgress?.({ phase: 'Loading it in onnxruntime-web', fraction: PHASES.check });
  const refused = await loadInRuntime(bytes, summary, fileName, options.runtime);
  const unusable = [...new Set([...unusableOutputs, ...refused])];
  if (unusable.length === summary.outputs.length) {
    throw new LatheError(
      'ONNX_NO_USABLE_OUTPUT',
      `${quoted(fileName)} returns no tensor that onnxruntime-web can hand back, so Lathe could not read any prediction of this model.`,
      { outputs: unusable }
    );
  }
  await checkpoint(options.signal, 'The ONNX import was cancelled. Nothing was saved.');
  options.onProgress?.({ phase: 'Saving', fraction: PHASES.load });
  const { record, created } = await store.importModel(
    bytes,
    registryMeta(summary, request, unusable)
  );
  options.onProgress?.({ phase: 'Saved', fraction: PHASES.save });
  const usable = summary.outputs.filter((o) => !unusable.includes(o.name)).map((o) => o.name);
  const zipMap = summary.operators.some((op) => op.opType === 'ZipMap');
  const notes = [
    ...(created
      ? []
      : [
          `${quoted(fileName)} is already in the registry as v${record.version} “${record.name}”${record.origin === 'trained' ? ' (its exported ONNX file)' : ''}; nothing was added.`
        ]),
    ...unusable.map((name) => {
      const kind = summary.outputs.find((o) => o.name === name)?.kind ?? 'unknown';
      const what =
        kind === 'unknown'
          ? 'not a tensor'
          : `a ${kind.replace('_', ' ')}${zipMap && kind === 'sequence' ? ' (of maps, as ZipMap writes)' : ''}, not a tensor`;
      return `Output "${name}" is ${what}, and onnxruntime-web cannot return it: predictions use ${usable.map((u) => `"${u}"`).join(' and ')} only.${zipMap ? ` For class probabilities, convert the model without ZipMap (skl2onnx: options={'zipmap': False}).` : ''}`;
    })
  ];
  return { record, created, notes };
}
