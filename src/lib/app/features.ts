/** Feature sets: the live preview of a pipeline and building (fitting and saving) a feature set. */
import { tableFromIPC, tableToIPC } from 'apache-arrow';
import { LatheError } from '../core/base/errors';
import { frameToTable, tableToFrame } from '../core/features/convert';
import { featureSetKey, FEATURE_ENGINE_VERSION, pipelineHash } from '../core/features/engine';
import type { Frame } from '../core/features/frame';
import { fitPipeline, previewPipeline, type PipelineProgress } from '../core/features/pipeline';
import { toPreviewView, type PreviewView } from '../core/features/view';
import type { Progress } from '../core/base/progress';
import { parseSpec } from '../core/pipeline/parse';
import type { FeatureSetRecord, SplitName, Store } from '../store';
import { checkpoint } from './cancel';
import { toJson } from './json';
import type { FeatureSetRequest, PreviewRequest } from './requests';

export interface FeatureRunResult {
  record: FeatureSetRecord;
  /** True when the same spec had already been run on the same data. */
  reused: boolean;
}

/** The last dataset decoded: previews re-run on every edit of the same dataset. */
export class DatasetFrames {
  private cached: { id: string; frame: Frame } | null = null;

  async get(store: Pick<Store, 'loadDatasetBytes'>, id: string): Promise<Frame> {
    if (this.cached?.id === id) return this.cached.frame;
    const frame = tableToFrame(tableFromIPC(await store.loadDatasetBytes(id)));
    this.cached = { id, frame };
    return frame;
  }
}

/** The first rows after each step, fitted on a sample of the training split. */
export async function previewFeatures(
  store: Pick<Store, 'loadDatasetBytes'>,
  frames: DatasetFrames,
  request: PreviewRequest
): Promise<PreviewView> {
  const spec = parseSpec(request.spec);
  const frame = await frames.get(store, request.datasetId);
  return toPreviewView(previewPipeline(frame, spec, { rows: 50 }));
}

const PHASES: Record<PipelineProgress['phase'], string> = {
  split: 'Splitting',
  fit: 'Fitting',
  apply: 'Applying',
  done: 'Fitted'
};
/** Of the whole job; saving the three splits takes the rest. */
const FIT_SHARE = 0.95;

function fitProgress(p: PipelineProgress): Progress {
  const stepped = p.phase === 'fit' || p.phase === 'apply';
  return {
    phase: PHASES[p.phase],
    fraction: p.fraction * FIT_SHARE,
    ...(stepped ? { count: { done: p.step + 1, total: p.steps, unit: 'steps' as const } } : {}),
    ...(p.rowsPerSecond > 0 ? { rate: { perSecond: p.rowsPerSecond, unit: 'rows' as const } } : {}),
    ...(p.type ? { note: p.type } : {})
  };
}

/**
 * Fits the pipeline on the dataset's training split, applies it to every split and saves the
 * feature set — or finds the one already saved for the same spec, data and engine.
 */
export async function buildFeatureSet(
  store: Store,
  frames: DatasetFrames,
  request: FeatureSetRequest,
  options: { signal?: AbortSignal; onProgress?: (p: Progress) => void } = {}
): Promise<FeatureRunResult> {
  const spec = parseSpec(request.spec);
  if (spec.source.hash !== request.datasetId) {
    throw new LatheError(
      'SPEC_INVALID',
      'This pipeline was written for a different dataset than the one selected.',
      { expected: spec.source.hash, got: request.datasetId }
    );
  }
  const key = await featureSetKey(spec.source.hash, spec);
  const existing = await store.findFeatureSet(key);
  if (existing) return { record: existing, reused: true };

  const frame = await frames.get(store, request.datasetId);
  const started = performance.now();
  const fitted = await fitPipeline(frame, spec, {
    signal: options.signal,
    onProgress: (p) => options.onProgress?.(fitProgress(p))
  });
  options.onProgress?.({ phase: 'Saving', fraction: FIT_SHARE });
  const split = (name: SplitName) => ({
    ipc: tableToIPC(frameToTable(fitted.splits[name]), 'file'),
    rows: fitted.splits[name].rows
  });
  const splits = { train: split('train'), validation: split('validation'), test: split('test') };
  const dataset = (await store.listDatasets()).find((d) => d.id === spec.source.hash);
  await checkpoint(options.signal, 'The feature pipeline was cancelled.');
  const record = await store.saveFeatureSet(splits, {
    id: key,
    name: spec.name ?? `${spec.source.name} → ${spec.target}`,
    datasetHash: spec.source.hash,
    datasetName: dataset && !('unreadable' in dataset) ? dataset.name : spec.source.name,
    specHash: await pipelineHash(spec),
    spec: toJson(spec),
    engineVersion: FEATURE_ENGINE_VERSION,
    schema: fitted.schema,
    states: fitted.states,
    droppedRows: fitted.counts.missingTarget + fitted.counts.missingTime,
    millis: Math.round(performance.now() - started)
  });
  options.onProgress?.({ phase: 'Saved', fraction: 1 });
  return { record, reused: false };
}
