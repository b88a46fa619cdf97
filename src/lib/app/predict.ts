/**
 * Batch predictions with a registry version's ONNX file — the file that was checked when it was
 * exported (or imported) — on a saved dataset's rows: the rows are checked against the model's
 * inputs before anything runs, scored in batches in the worker, returned as one Arrow table
 * (the rows as given, then the outputs) and appended to the prediction log.
 */
import * as arrow from 'apache-arrow';
import { LatheError, toErrorData, type LatheErrorData } from '../core/base/errors';
import type { Progress } from '../core/base/progress';
import { frameToTable, tableToFrame } from '../core/features/convert';
import type { Frame, FrameColumn } from '../core/features/frame';
import { predictBatches, type Predictions } from '../core/infer/batch';
import { checkMissing, prepareRows, type RowsCheck } from '../core/infer/inputs';
import { inferModel } from '../core/infer/model';
import { readOnnx } from '../core/onnx/read';
import { createSession, type RuntimeOptions } from '../core/onnx/runtime';
import type {
  DatasetRecord,
  LoggedPredictions,
  PredictionBatchMeta,
  RegistryRecord,
  Store
} from '../store';
import { checkpoint } from './cancel';
import type { PredictRequest } from './requests';

export interface PredictResult {
  model: { id: string; version: number; name: string; onnxHash: string };
  check: RowsCheck;
  rows: number;
  /** The rows as given, then the outputs: an Arrow IPC file (transferred, not copied). */
  table: Uint8Array;
  /** The log entry, or why the predictions could not be logged (they are delivered anyway). */
  logged: (Omit<LoggedPredictions, 'record'> & { batchId: string }) | null;
  logProblem: LatheErrorData | null;
}

export interface PredictHooks {
  signal?: AbortSignal;
  onProgress?: (progress: Progress) => void;
}

function uniqueName(name: string, taken: Set<string>): string {
  let candidate = name;
  for (let i = 1; taken.has(candidate); i++) candidate = `${name}_${i}`;
  taken.add(candidate);
  return candidate;
}

/** The output columns appended to the rows, and how the log describes them. */
function outputColumns(
  predictions: Predictions,
  taken: Set<string>
): { columns: FrameColumn[]; roles: PredictionBatchMeta['columns'] } {
  const columns: FrameColumn[] = [];
  const roles: PredictionBatchMeta['columns'] = [];
  const rows = predictions.rows;
  if (predictions.label) {
    const dictionary: string[] = [];
    const index = new Map<string, number>();
    const codes = Int32Array.from(predictions.label, (label) => {
      let code = index.get(label);
      if (code === undefined) index.set(label, (code = dictionary.push(label) - 1));
      return code;
    });
    const name = uniqueName('predicted', taken);
    columns.push({ kind: 'category', name, type: 'categorical', codes, dictionary });
    roles.push({ role: 'label', name });
  }
  if (predictions.probabilities) {
    const k = predictions.probabilities.length / Math.max(rows, 1);
    const classes = predictions.classes ?? Array.from({ length: k }, (_, j) => String(j));
    classes.forEach((label, j) => {
      const values = new Float64Array(rows);
      for (let i = 0; i < rows; i++) values[i] = predictions.probabilities![i * k + j];
      const name = uniqueName(`P(${label})`, taken);
      columns.push({ kind: 'number', name, type: 'float', values });
      roles.push({ role: 'probability', name, class: label });
    });
  }
  if (predictions.prediction) {
    const name = uniqueName('prediction', taken);
    columns.push({
      kind: 'number',
      name,
      type: 'float',
      values: Float64Array.from(predictions.prediction)
    });
    roles.push({ role: 'prediction', name });
  }
  return { columns, roles };
}

function versionLabel(record: RegistryRecord): string {
  return `v${record.version} "${record.name}"`;
}

/**
 * Scores a saved dataset with a registry version. Throws LatheError 'PREDICT_INPUTS' (with the
 * whole check in its details) when the rows do not fit the model's inputs, before running it.
 */
export async function predictDataset(
  store: Pick<Store, 'loadModelOnnx' | 'listDatasets' | 'loadDatasetBytes' | 'logPredictions'>,
  request: PredictRequest,
  env: { runtime: RuntimeOptions },
  hooks: PredictHooks = {}
): Promise<PredictResult> {
  const cancelled = 'Predicting was cancelled. Nothing was logged.';
  const { record, bytes } = await store.loadModelOnnx(request.modelId);
  if (!bytes || !record.onnx) {
    const why = record.origin === 'trained' ? record.onnxRefused?.message : undefined;
    throw new LatheError(
      'NO_ONNX_FILE',
      `${versionLabel(record)} has no ONNX file to predict with${why ? `: ${why}` : '; export it on the Models stage first.'}`,
      { modelId: record.id }
    );
  }
  const dataset = (await store.listDatasets()).find(
    (d): d is DatasetRecord => !('unreadable' in d) && d.id === request.datasetId
  );
  if (!dataset) {
    throw new LatheError('DATASET_NOT_FOUND', 'The dataset to predict on is no longer saved.', {
      datasetId: request.datasetId
    });
  }
  hooks.onProgress?.({ phase: 'Reading the rows', fraction: 0 });
  const rows: Frame = tableToFrame(arrow.tableFromIPC(await store.loadDatasetBytes(dataset.id)));
  if (rows.rows === 0) {
    throw new LatheError('NO_ROWS', `The dataset "${dataset.name}" has no rows to predict.`);
  }
  const model = inferModel(readOnnx(bytes));
  const prepared = prepareRows(model, rows, request.mapping ?? {});
  const session = await createSession(bytes, env.runtime);
  try {
    await checkMissing(session, model, prepared);
    if (prepared.check.problems.length > 0 || prepared.frame === null) {
      const [first, ...more] = prepared.check.problems;
      throw new LatheError(
        'PREDICT_INPUTS',
        `The rows of "${dataset.name}" do not fit ${versionLabel(record)}: ${first?.message ?? 'an input is not fed'}${more.length ? ` (and ${more.length} more problem${more.length === 1 ? '' : 's'})` : ''}`,
        { check: prepared.check as unknown as Record<string, unknown> }
      );
    }
    await checkpoint(hooks.signal, cancelled);
    const predictions = await predictBatches(session, model, prepared.frame, {
      signal: hooks.signal,
      onProgress: hooks.onProgress
    });
    const taken = new Set(rows.columns.map((c) => c.name));
    const outputs = outputColumns(predictions, taken);
    const table = frameToTable({ rows: rows.rows, columns: [...rows.columns, ...outputs.columns] });
    await checkpoint(hooks.signal, cancelled);
    const meta: PredictionBatchMeta = {
      model: { id: record.id, version: record.version, onnxHash: record.onnx.hash },
      source: {
        kind: 'batch',
        sourceHash: dataset.sourceHash ?? dataset.hash,
        ...(dataset.source.kind === 'file' ? { fileName: dataset.source.fileName } : {})
      },
      columns: [
        ...rows.columns.map((c) => ({ role: 'input' as const, name: c.name })),
        ...outputs.roles
      ]
    };
    let logged: PredictResult['logged'] = null;
    let logProblem: LatheErrorData | null = null;
    try {
      const entry = await store.logPredictions({ table, meta });
      logged = { batchId: entry.record.id, dropped: entry.dropped, quota: entry.quota };
    } catch (error) {
      logProblem = toErrorData(error);
    }
    return {
      model: {
        id: record.id,
        version: record.version,
        name: record.name,
        onnxHash: record.onnx.hash
      },
      check: prepared.check,
      rows: rows.rows,
      table: arrow.tableToIPC(table, 'file'),
      logged,
      logProblem
    };
  } finally {
    await session.release();
  }
}
