/** Permutation importance of a saved model on its feature set's test split. */
import { LatheError } from '../core/base/errors';
import { useBackend } from '../core/models/backend';
import { prepareTrainingData } from '../core/models/data';
import { modelImportance, type FeatureImportance } from '../core/models/importance';
import { unpackWeights } from '../core/models/weights';
import type { Progress } from '../core/base/progress';
import { parseSpec } from '../core/pipeline/parse';
import { modelNetwork, type Store } from '../store';
import type { BackendEnvironment } from './backend';
import type { ImportanceRequest } from './requests';
import { loadFeatureSplits } from './splits';

export const IMPORTANCE_REPEATS = 5;

export async function computeImportance(
  store: Store,
  request: ImportanceRequest,
  env: Pick<BackendEnvironment, 'wasmPath'>,
  options: { signal?: AbortSignal; onProgress?: (p: Progress) => void } = {}
): Promise<FeatureImportance> {
  const { record, bytes } = await store.loadModelWeights(request.modelId);
  const featureSet = await store.findFeatureSet(record.featureSetId);
  if (!featureSet) {
    throw new LatheError(
      'FEATURE_SET_NOT_FOUND',
      'The feature set this model was trained on is no longer saved.'
    );
  }
  const spec = parseSpec(featureSet.spec);
  const data = prepareTrainingData(await loadFeatureSplits(store, featureSet.id), {
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
  try {
    await useBackend('wasm', env);
  } catch {
    await useBackend('cpu');
  }
  const started = performance.now();
  return modelImportance(
    { network: modelNetwork(record), weights: unpackWeights(bytes, record.manifest) },
    split,
    record.featureNames,
    record.classes,
    {
      repeats: IMPORTANCE_REPEATS,
      seed: record.seed,
      signal: options.signal,
      onProgress: (done, total) => {
        const seconds = (performance.now() - started) / 1000;
        options.onProgress?.({
          phase: 'Shuffling features',
          fraction: done / total,
          count: { done, total, unit: 'passes' },
          ...(seconds > 0 ? { rate: { perSecond: done / seconds, unit: 'passes' } } : {})
        });
      }
    }
  );
}
