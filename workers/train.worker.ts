import { expose } from 'comlink';
import { tableFromIPC } from 'apache-arrow';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { LatheError, toErrorData } from '../src/lib/core/data/types';
import { tableToFrame } from '../src/lib/core/features/convert';
import type { Json } from '../src/lib/core/features/step';
import type { AdapterInfo } from '../src/lib/core/models/backend';
import { runTraining } from '../src/lib/core/models/run';
import { packWeights, unpackWeights } from '../src/lib/core/models/weights';
import { chooseBackend } from '../src/lib/core/models/backend';
import { prepareTrainingData } from '../src/lib/core/models/data';
import { modelImportance, type FeatureImportance } from '../src/lib/core/models/importance';
import type { NetworkDef } from '../src/lib/core/models/kind';
import type { JobOutcome } from '../src/lib/core/protocol';
import { parseSpec } from '../src/lib/core/spec/parse';
import type { TrainEvent, TrainRequest } from '../src/lib/core/models/events';
import { openStore, SPLIT_NAMES, type ModelRecord } from '../src/lib/store';

let controller: AbortController | null = null;

async function adapterInfo(): Promise<AdapterInfo | undefined> {
  const gpu = (
    navigator as unknown as { gpu?: { requestAdapter(): Promise<{ info?: AdapterInfo } | null> } }
  ).gpu;
  if (!gpu) return undefined;
  try {
    const adapter = await gpu.requestAdapter();
    return adapter?.info ? { ...adapter.info } : undefined;
  } catch {
    return undefined;
  }
}

const WASM_FILES = {
  'tfjs-backend-wasm.wasm': wasmPlain,
  'tfjs-backend-wasm-simd.wasm': wasmSimd,
  'tfjs-backend-wasm-threaded-simd.wasm': wasmThreaded
};

const api = {
  async train(
    request: TrainRequest,
    onEvent: (event: TrainEvent) => void
  ): Promise<JobOutcome<ModelRecord>> {
    controller = new AbortController();
    const started = performance.now();
    try {
      if (
        typeof request?.featureSetId !== 'string' ||
        !/^[0-9a-f]{64}$/.test(request.featureSetId)
      ) {
        throw new LatheError('BAD_REQUEST', 'The feature set id is not a SHA-256 digest.');
      }
      const store = await openStore();
      const featureSet = await store.findFeatureSet(request.featureSetId);
      if (!featureSet)
        throw new LatheError('FEATURE_SET_NOT_FOUND', 'That feature set is no longer saved.');
      // The feature set's own spec, with the model and train sections the person chose.
      const spec = parseSpec({
        ...(featureSet.spec as object),
        model: request.model,
        train: request.train
      });
      onEvent({ type: 'status', message: 'Loading the feature set' });
      const splits = Object.fromEntries(
        await Promise.all(
          SPLIT_NAMES.map(async (name) => [
            name,
            tableToFrame(tableFromIPC(await store.loadFeatureSplit(featureSet.id, name)))
          ])
        )
      );
      onEvent({ type: 'status', message: 'Choosing the fastest backend' });
      const run = await runTraining(splits as Parameters<typeof runTraining>[0], spec, {
        signal: controller.signal,
        keepBestOnCancel: request.keepBestOnCancel,
        onEpoch: (log) => onEvent({ type: 'epoch', log }),
        onEarlyStop: (stop) => onEvent({ type: 'stopped', stop }),
        onProgress: (progress) => onEvent({ type: 'progress', progress }),
        backend: {
          wasmPath: WASM_FILES,
          adapterInfo: await adapterInfo()
        }
      });
      onEvent({ type: 'backend', choice: JSON.parse(JSON.stringify(run.choice)) as Json });
      if (run.fallback) onEvent({ type: 'status', message: run.fallback });
      const result = run.result;
      if (result.status === 'failed') {
        throw new LatheError('TRAINING_FAILED', result.reason, { code: result.code });
      }
      onEvent({ type: 'status', message: 'Saving the model' });
      const { bytes, manifest } = packWeights(result.weights);
      const record = await store.saveModel(bytes, {
        name: request.name?.trim() || `${featureSet.name} · ${spec.model?.type ?? 'model'}`,
        featureSetId: featureSet.id,
        datasetHash: featureSet.datasetHash,
        specHash: featureSet.specHash,
        spec: JSON.parse(JSON.stringify(spec)) as Json,
        modelType: spec.model?.type ?? result.network.kind,
        task: spec.task,
        classes: run.classes,
        featureNames: run.features,
        manifest,
        network: JSON.parse(JSON.stringify(result.network)) as Json,
        status: result.status,
        bestEpoch: result.bestEpoch,
        history: JSON.parse(JSON.stringify(result.history)) as Json[],
        backend: JSON.parse(
          JSON.stringify({
            name: result.backend,
            choice: run.choice,
            fallback: run.fallback,
            samplesPerSecond: result.samplesPerSecond
          })
        ) as Json,
        seed: result.seed,
        durationMs: Math.round(performance.now() - started),
        metrics: JSON.parse(JSON.stringify(run.metrics)) as Record<string, Json>,
        notes: ''
      });
      return { ok: true, value: record };
    } catch (error) {
      return { ok: false, error: toErrorData(error) };
    } finally {
      controller = null;
    }
  },

  /** Permutation importance of a saved model on its feature set's test split. */
  async importance(
    modelId: unknown,
    onProgress: (fraction: number) => void
  ): Promise<JobOutcome<FeatureImportance>> {
    try {
      if (typeof modelId !== 'string' || !/^[0-9a-f]{64}$/.test(modelId)) {
        throw new LatheError('BAD_REQUEST', 'The model id is not a SHA-256 digest.');
      }
      const store = await openStore();
      const { record, bytes } = await store.loadModelWeights(modelId);
      const featureSet = await store.findFeatureSet(record.featureSetId);
      if (!featureSet) {
        throw new LatheError(
          'FEATURE_SET_NOT_FOUND',
          'The feature set this model was trained on is no longer saved.'
        );
      }
      const spec = parseSpec(featureSet.spec);
      const frames = Object.fromEntries(
        await Promise.all(
          SPLIT_NAMES.map(async (name) => [
            name,
            tableToFrame(tableFromIPC(await store.loadFeatureSplit(featureSet.id, name)))
          ])
        )
      );
      const data = prepareTrainingData(frames as Parameters<typeof prepareTrainingData>[0], {
        target: spec.target,
        task: spec.task
      });
      if (data.features.join('\u0000') !== record.featureNames.join('\u0000')) {
        throw new LatheError(
          'FEATURES_CHANGED',
          'The feature set no longer has the columns this model was trained on.'
        );
      }
      const split =
        data.test.rows > 0 ? data.test : data.validation.rows > 0 ? data.validation : data.train;
      await chooseBackend({
        preference: 'wasm',
        candidates: ['wasm', 'cpu'],
        wasmPath: WASM_FILES
      });
      const weights = unpackWeights(bytes, record.manifest);
      const result = await modelImportance(
        { network: record.network as unknown as NetworkDef, weights },
        split,
        record.featureNames,
        record.classes,
        { repeats: 5, seed: record.seed, onProgress: (done, total) => onProgress(done / total) }
      );
      return { ok: true, value: result };
    } catch (error) {
      return { ok: false, error: toErrorData(error) };
    }
  },

  cancel() {
    controller?.abort();
  }
};

export type TrainWorkerApi = typeof api;

expose(api);
