/**
 * A training run from the person's request to a registered model version: the feature set's
 * spec with the chosen model and train sections, the backend (remembered, never measured here),
 * the seeded training loop, evaluation, then the model record — or the version an identical run
 * saved before.
 */
import type { EarlyStop } from '../core/models/early-stop';
import { LatheError } from '../core/base/errors';
import type { BackendChoice } from '../core/models/backend';
import { runTraining, type TrainingRun } from '../core/models/run';
import { resolveTrainingConfig } from '../core/models/settings';
import type { EpochLog, TrainedModel } from '../core/models/train';
import { packWeights } from '../core/models/weights';
import type { Progress } from '../core/base/progress';
import { parseSpec } from '../core/pipeline/parse';
import type { PipelineSpec } from '../core/spec/types';
import type { FeatureSetRecord, ModelRecord, Store } from '../store';
import { rememberedCalibration, type BackendEnvironment } from './backend';
import { checkpoint } from './cancel';
import { toJson, toJsonObject } from './json';
import { exportAndVerify, onnxFile, type OnnxEnvironment } from './onnx';
import { loadFeatureSplits } from './splits';
import type { TrainRequest } from './requests';

/** Streamed while a run goes on, beside its Progress. */
export type TrainEvent =
  | { type: 'status'; message: string }
  | { type: 'epoch'; log: EpochLog }
  /** Early stopping ended the run: when, why, and which epoch's weights are kept. */
  | { type: 'stopped'; stop: EarlyStop }
  | { type: 'backend'; choice: BackendChoice };

export interface TrainOutcome {
  /** The saved version; when `reused`, the earlier identical run's, with that run's facts. */
  record: ModelRecord;
  /** This run gave exactly what an earlier run saved (same settings, backend and weights). */
  reused: boolean;
  /** How long this run took, reused or not. */
  runMs: number;
}

export interface TrainHooks {
  /** Cancel: training stops and nothing is saved. */
  signal?: AbortSignal;
  /** Stop early: the best epoch so far is saved if the request asks for it (keepBestOnCancel). */
  stopSignal?: AbortSignal;
  onProgress?: (progress: Progress) => void;
  onEvent?: (event: TrainEvent) => void;
}

export type ModelMeta = Parameters<Store['saveModel']>[1];

/** Where training runs (tfjs backends) and where its exported model is checked (onnxruntime). */
export interface TrainEnvironment extends BackendEnvironment {
  onnx: OnnxEnvironment;
}

/** The record of a finished run, as the registry stores it. */
export function modelRecordMeta(input: {
  request: Pick<TrainRequest, 'name'>;
  featureSet: FeatureSetRecord;
  spec: PipelineSpec;
  run: TrainingRun;
  result: TrainedModel;
  /** Evaluation reports per split, from the exported model's run. */
  metrics: TrainingRun['metrics'];
  manifest: ModelMeta['manifest'];
  durationMs: number;
}): ModelMeta {
  const { request, featureSet, spec, run, result } = input;
  return {
    name: request.name?.trim() || `${featureSet.name} · ${spec.model?.type ?? 'model'}`,
    featureSetId: featureSet.id,
    datasetHash: featureSet.datasetHash,
    specHash: featureSet.specHash,
    spec: toJson(spec),
    modelType: spec.model?.type ?? result.network.kind,
    task: spec.task,
    classes: run.classes,
    featureNames: run.features,
    manifest: input.manifest,
    network: toJson(result.network),
    status: result.status,
    bestEpoch: result.bestEpoch,
    history: result.history.map((log, i) => toJson(log, `history[${i}]`)),
    backend: toJson({
      name: result.backend,
      choice: run.choice,
      fallback: run.fallback,
      samplesPerSecond: result.samplesPerSecond
    }),
    seed: result.seed,
    durationMs: Math.round(input.durationMs),
    metrics: toJsonObject(input.metrics, 'metrics'),
    notes: ''
  };
}

function trainingProgress(
  epoch: number,
  epochs: number,
  fraction: number,
  samplesPerSecond: number,
  loss: number | undefined,
  etaSeconds?: number
): Progress {
  return {
    phase: 'Training',
    fraction,
    count: { done: epoch, total: epochs, unit: 'epochs' },
    rate: { perSecond: samplesPerSecond, unit: 'samples' },
    ...(loss !== undefined ? { loss } : {}),
    ...(etaSeconds !== undefined ? { etaSeconds } : {})
  };
}

/**
 * Trains the requested model on a saved feature set, exports it to ONNX (checked against the
 * app's own predictions, and scored from the ONNX run) and registers both. Never measures backends:
 * it starts on the remembered fastest (or on wasm while nothing is remembered) and the record
 * says which and why. A run identical to one saved before (same feature set, settings, seed,
 * backend used, and so the same weights) returns that version with `reused`; any difference
 * makes a new version. Throws LatheError 'CANCELLED' when cancelled (nothing is saved).
 */
export async function trainAndRegister(
  store: Store,
  request: TrainRequest,
  env: TrainEnvironment,
  hooks: TrainHooks = {}
): Promise<TrainOutcome> {
  const started = performance.now();
  const { onProgress, onEvent } = hooks;
  const featureSet = await store.findFeatureSet(request.featureSetId);
  if (!featureSet) {
    throw new LatheError('FEATURE_SET_NOT_FOUND', 'That feature set is no longer saved.');
  }
  // The feature set's own spec, with the model and train sections the person chose.
  const spec = parseSpec({
    ...parseSpec(featureSet.spec),
    model: request.model,
    ...(request.train !== undefined ? { train: request.train } : {})
  });
  const epochs = resolveTrainingConfig(spec).train.epochs;
  onEvent?.({ type: 'status', message: 'Loading the feature set' });
  onProgress?.({ phase: 'Loading the feature set', fraction: 0 });
  const splits = await loadFeatureSplits(store, featureSet.id);
  const remembered = await rememberedCalibration(store, env);

  const training = new AbortController();
  for (const signal of [hooks.signal, hooks.stopSignal]) {
    if (signal?.aborted) training.abort();
    signal?.addEventListener('abort', () => training.abort(), { once: true });
  }
  let loss: number | undefined;
  let trainingStarted = 0;
  const run = await runTraining(splits, spec, {
    signal: training.signal,
    keepBestOnCancel: request.keepBestOnCancel,
    backend: {
      wasmPath: env.wasmPath,
      adapterInfo: env.adapter,
      candidates: env.candidates,
      remembered: remembered && { choice: remembered.choice, measuredAt: remembered.measuredAt }
    },
    onBackend: (choice) => {
      trainingStarted = performance.now();
      onEvent?.({ type: 'backend', choice });
      onEvent?.({ type: 'status', message: `Training on ${choice.backend}` });
    },
    onEpoch: (log) => {
      loss = log.loss;
      onEvent?.({ type: 'epoch', log });
      const seconds = (performance.now() - trainingStarted) / 1000;
      onProgress?.(
        trainingProgress(
          log.epoch,
          epochs,
          log.epoch / epochs,
          log.samplesPerSecond,
          loss,
          (seconds / log.epoch) * (epochs - log.epoch)
        )
      );
    },
    onEarlyStop: (stop) => onEvent?.({ type: 'stopped', stop }),
    onProgress: (p) =>
      onProgress?.(trainingProgress(p.epoch, p.epochs, p.fraction, p.samplesPerSecond, loss))
  });
  if (run.fallback) onEvent?.({ type: 'status', message: run.fallback });
  await checkpoint(hooks.signal, 'Training cancelled. No model was saved.');
  const result = run.result;
  if (result.status === 'failed') {
    throw new LatheError('TRAINING_FAILED', result.reason, { code: result.code });
  }
  onEvent?.({ type: 'status', message: 'Exporting to ONNX and checking it' });
  const exported = await exportAndVerify(
    store,
    {
      featureSet,
      spec,
      trainSplit: splits.train,
      model: { network: result.network, weights: result.weights, classes: run.classes },
      features: run.features,
      modelType: spec.model?.type ?? result.network.kind,
      backend: result.backend
    },
    env.onnx,
    { signal: hooks.signal, onProgress }
  );
  onEvent?.({ type: 'status', message: 'Saving the model' });
  onProgress?.({ phase: 'Saving the model', fraction: 1, ...(loss !== undefined ? { loss } : {}) });
  const { bytes, manifest } = packWeights(result.weights);
  const meta = modelRecordMeta({
    request,
    featureSet,
    spec,
    run,
    result,
    metrics: exported.metrics,
    manifest,
    durationMs: performance.now() - started
  });
  const known = new Set((await store.listModels()).map((m) => m.id));
  await checkpoint(hooks.signal, 'Training cancelled. No model was saved.');
  const record = await store.saveModel(bytes, meta, onnxFile(exported, meta.name));
  return { record, reused: known.has(record.id), runMs: Math.round(performance.now() - started) };
}
