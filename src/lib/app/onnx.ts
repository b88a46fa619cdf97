/**
 * A trained model as one verified ONNX file. The graph (feature pipeline + network) is run in
 * onnxruntime-web on the validation and test splits' raw rows and compared with the app's own
 * path (the fitted pipeline's apply, then the network in tfjs); any difference beyond 1e-5
 * refuses the export. The registry's metrics are then computed from the ONNX run.
 */
import { tableFromIPC } from 'apache-arrow';
import { LatheError } from '../core/base/errors';
import type { Json } from '../core/base/json';
import type { Progress } from '../core/base/progress';
import { evaluateClassification } from '../core/evaluate/classification-report';
import { evaluateRegression } from '../core/evaluate/regression-report';
import { schemaOfFrame, tableToFrame, takeRows } from '../core/features/convert';
import { FEATURE_ENGINE_VERSION } from '../core/features/engine';
import type { Frame } from '../core/features/frame';
import { frameFeeds } from '../core/features/lower';
import { applyPipeline, splitFrame } from '../core/features/pipeline';
import { useBackend } from '../core/models/backend';
import { prepareTrainingData } from '../core/models/data';
import type { TrainedNetwork } from '../core/models/kind';
import { predict } from '../core/models/predict';
import { unpackWeights } from '../core/models/weights';
import type { EvaluationReport } from '../core/models/run';
import type { OnnxMetadata } from '../core/onnx/metadata';
import { createSession, runSession, type RuntimeOptions } from '../core/onnx/runtime';
import { serializeModel } from '../core/onnx/serialize';
import {
  lowerExport,
  serializeExport,
  type ExportSource,
  type LoweredExport
} from '../core/pipeline/export';
import {
  assertVerified,
  compareScores,
  onnxScores,
  type Verification
} from '../core/pipeline/verify';
import { parseSpec } from '../core/pipeline/parse';
import type { PipelineSpec } from '../core/spec/types';
import {
  modelNetwork,
  type FeatureSetRecord,
  type ModelRecord,
  type OnnxFile,
  type Store
} from '../store';
import type { BackendEnvironment } from './backend';
import { checkpoint } from './cancel';
import { toJsonObject } from './json';
import { loadFeatureSplits } from './splits';

export const EVALUATED_SPLITS = ['validation', 'test'] as const;

/** Why an export is refused: a step or function without a lowering, or a failed check. */
export const EXPORT_REFUSALS: ReadonlySet<string> = new Set([
  'ONNX_NOT_LOWERABLE',
  'ONNX_MISMATCH',
  'ONNX_NO_RAW_ROWS'
]);

export type EvaluatedSplit = (typeof EVALUATED_SPLITS)[number];

export interface OnnxEnvironment {
  runtime: RuntimeOptions;
  /** Lathe's version, written as the file's producer_version. */
  producerVersion: string;
}

export interface ExportInput {
  featureSet: Pick<FeatureSetRecord, 'id' | 'datasetHash' | 'datasetName' | 'specHash' | 'states'>;
  /** The feature set's spec with the model's sections. */
  spec: PipelineSpec;
  /** The stored training split (transformed): it fixes the class order. */
  trainSplit: Frame;
  model: TrainedNetwork;
  features: readonly string[];
  modelType: string;
  backend: string | null;
}

/** What the registry needs once the version is numbered. */
export interface FileFacts {
  name: string;
  version: number;
  /** The model version's id (its SHA-256). */
  modelHash: string | null;
}

export interface VerifiedExport {
  /** The model file for the registry version; the graph is the one verified. */
  file(facts: FileFacts): { bytes: Uint8Array; metadata: OnnxMetadata };
  /** Evaluation of the ONNX run on each split that has rows. */
  metrics: Partial<Record<EvaluatedSplit, EvaluationReport>>;
  verification: Partial<Record<EvaluatedSplit, Verification>>;
  lowered: LoweredExport;
}

export interface ExportHooks {
  signal?: AbortSignal;
  onProgress?: (progress: Progress) => void;
}

/** The registry's view of a verified export: the file for a numbered version, and its checks. */
export function onnxFile(exported: VerifiedExport, name: string): OnnxFile {
  return {
    make: ({ id, version }) => exported.file({ name, version, modelHash: id }).bytes,
    checks: Object.fromEntries(
      Object.entries(exported.verification).map(([split, v]) => [
        split,
        { rows: v.rows, worst: v.worst, labelMismatches: v.labelMismatches }
      ])
    )
  };
}

/** The dataset's bytes: the file is checked on its raw rows, so a deleted dataset refuses it. */
async function rawRows(
  store: Pick<Store, 'loadDatasetBytes'>,
  featureSet: ExportInput['featureSet']
): Promise<Uint8Array> {
  try {
    return await store.loadDatasetBytes(featureSet.datasetHash);
  } catch (error) {
    if (!(error instanceof LatheError) || error.code !== 'DATASET_NOT_FOUND') throw error;
    throw new LatheError(
      'ONNX_NO_RAW_ROWS',
      `The dataset "${featureSet.datasetName}" was deleted, and an ONNX file is only exported after it is checked on the dataset's raw rows. Import the same file again, then export the model.`,
      { datasetHash: featureSet.datasetHash }
    );
  }
}

/** Headline numbers of a report, for the file's metadata. */
function headline(report: EvaluationReport): Record<string, number | null> {
  const finite = (x: number) => (Number.isFinite(x) ? x : null);
  if (report.task === 'regression') {
    const { rmse, mae, r2, mape } = report;
    return { rmse: finite(rmse), mae: finite(mae), r2: finite(r2), mape: finite(mape) };
  }
  return {
    accuracy: finite(report.accuracy),
    balancedAccuracy: finite(report.balancedAccuracy),
    rocAuc: finite(report.rocAuc),
    logLoss: finite(report.logLoss),
    macroF1: finite(report.macro.f1)
  };
}

/**
 * Lowers the fitted pipeline and the network to one graph, checks it on the validation and
 * test splits' raw rows against the app's own predictions, and scores it there. Throws
 * 'ONNX_NOT_LOWERABLE' (a step or function without a lowering, named) or 'ONNX_MISMATCH' (with
 * the largest differences).
 */
export async function exportAndVerify(
  store: Pick<Store, 'loadDatasetBytes'>,
  input: ExportInput,
  env: OnnxEnvironment,
  hooks: ExportHooks = {}
): Promise<VerifiedExport> {
  const { featureSet, spec, model } = input;
  const states = featureSet.states as Json[];
  hooks.onProgress?.({ phase: 'Exporting to ONNX', fraction: 0 });
  const raw = tableToFrame(tableFromIPC(await rawRows(store, featureSet)));
  const { indices } = splitFrame(raw, spec);
  const source: ExportSource = {
    spec,
    states,
    raw: schemaOfFrame(raw),
    train: takeRows(raw, indices.train),
    features: input.features,
    modelType: input.modelType,
    model
  };
  const lowered = lowerExport(source);
  const inputNames = lowered.graph.inputs.map((i) => i.name);
  const session = await createSession(
    serializeModel(lowered.graph, { producerVersion: env.producerVersion, modelVersion: 0 }),
    env.runtime
  );
  const metrics: VerifiedExport['metrics'] = {};
  const verification: VerifiedExport['verification'] = {};
  try {
    for (const [index, split] of EVALUATED_SPLITS.entries()) {
      await checkpoint(hooks.signal, 'Cancelled. No model was saved.');
      hooks.onProgress?.({
        phase: `Checking the ONNX file on the ${split} rows`,
        fraction: (index + 1) / (EVALUATED_SPLITS.length + 1)
      });
      const rawRows = takeRows(raw, indices[split]);
      const applied = await applyPipeline(rawRows, spec, states);
      if (applied.frame.rows === 0) continue;
      if (applied.rowIds === null) {
        throw new LatheError(
          'ONNX_NOT_LOWERABLE',
          'A row step of the pipeline cannot tell which rows it keeps, so the exported model cannot be checked.'
        );
      }
      const kept = takeRows(rawRows, applied.rowIds);
      const data = prepareTrainingData(
        { train: input.trainSplit, [split]: applied.frame },
        { target: spec.target, task: spec.task }
      );
      const app = await predict(model, data[split].x);
      const scores = onnxScores(
        await runSession(session, frameFeeds(kept, inputNames)),
        spec.task,
        model.classes
      );
      const check = compareScores(scores, app, spec.task, model.classes);
      assertVerified(check, split);
      verification[split] = check;
      metrics[split] =
        spec.task === 'regression'
          ? evaluateRegression(data[split].y as Float64Array, scores.values)
          : evaluateClassification(data[split].y as Int32Array, scores.values, [
              ...(model.classes ?? [])
            ]);
    }
  } finally {
    await session.release();
  }
  hooks.onProgress?.({ phase: 'Exporting to ONNX', fraction: 1 });
  return {
    lowered,
    metrics,
    verification,
    file: (facts) =>
      serializeExport(source, lowered, {
        name: facts.name,
        version: facts.version,
        producerVersion: env.producerVersion,
        engineVersion: FEATURE_ENGINE_VERSION,
        hashes: {
          dataset: featureSet.datasetHash,
          featureSet: featureSet.id,
          spec: featureSet.specHash,
          model: facts.modelHash
        },
        backend: input.backend,
        metrics: Object.fromEntries(
          Object.entries(metrics).map(([split, report]) => [split, headline(report)])
        )
      })
  };
}

/**
 * Exports a version saved before ONNX export existed: the same lowering and check, on its
 * feature set; the file and the metrics from the ONNX run are added to the version.
 */
export async function exportSavedModel(
  store: Store,
  request: { modelId: string },
  env: OnnxEnvironment & Pick<BackendEnvironment, 'wasmPath'>,
  hooks: ExportHooks = {}
): Promise<ModelRecord> {
  const { record, bytes } = await store.loadModelWeights(request.modelId);
  if (record.onnx) return record;
  const featureSet = await store.findFeatureSet(record.featureSetId);
  if (!featureSet) {
    throw new LatheError(
      'FEATURE_SET_NOT_FOUND',
      `The feature set "${record.name}" was trained on is no longer saved, so its pipeline cannot be exported with it.`
    );
  }
  try {
    await useBackend('wasm', env);
  } catch {
    await useBackend('cpu');
  }
  const splits = await loadFeatureSplits(store, featureSet.id);
  const exported = await exportAndVerify(
    store,
    {
      featureSet,
      spec: parseSpec(record.spec),
      trainSplit: splits.train,
      model: {
        network: modelNetwork(record),
        weights: unpackWeights(bytes, record.manifest),
        classes: record.classes
      },
      features: record.featureNames,
      modelType: record.modelType,
      backend: backendName(record.backend)
    },
    env,
    hooks
  );
  return store.attachModelOnnx(
    record.id,
    onnxFile(exported, record.name),
    toJsonObject(exported.metrics, 'metrics')
  );
}

function backendName(backend: Json): string | null {
  if (typeof backend !== 'object' || backend === null || Array.isArray(backend)) return null;
  return typeof backend.name === 'string' ? backend.name : null;
}
