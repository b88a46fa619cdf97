import { expose } from 'comlink';
import { tableFromIPC, tableToIPC } from 'apache-arrow';
import { LatheError, toErrorData } from '../src/lib/core/base/errors';
import { frameToTable, tableToFrame } from '../src/lib/core/features/convert';
import {
  featureSetKey,
  FEATURE_ENGINE_VERSION,
  pipelineHash
} from '../src/lib/core/features/engine';
import type { Frame } from '../src/lib/core/features/frame';
import { fitPipeline, previewPipeline } from '../src/lib/core/features/pipeline';
import { parseSpec } from '../src/lib/core/pipeline/parse';
import type { JobOutcome } from '../src/lib/core/base/errors';
import {
  toPreviewView,
  type PreviewView,
  type FeatureRunProgress
} from '../src/lib/core/features/view';
import { openStore, SPLIT_NAMES, type FeatureSetRecord, type Store } from '../src/lib/store';

let storePromise: Promise<Store> | null = null;
const store = () => (storePromise ??= openStore());

/** The last dataset opened, as a Frame: previews re-run on every edit of the same dataset. */
let cached: { id: string; frame: Frame } | null = null;

async function datasetFrame(id: unknown): Promise<Frame> {
  if (typeof id !== 'string' || !/^[0-9a-f]{64}$/.test(id)) {
    throw new LatheError('BAD_REQUEST', 'The dataset id is not a SHA-256 digest.');
  }
  if (cached?.id === id) return cached.frame;
  const bytes = await (await store()).loadDatasetBytes(id);
  cached = { id, frame: tableToFrame(tableFromIPC(bytes)) };
  return cached.frame;
}

export interface FeatureRunResult {
  record: FeatureSetRecord;
  /** True when the same spec had already been run on the same data. */
  reused: boolean;
}

const api = {
  async preview(datasetId: unknown, specJson: unknown): Promise<JobOutcome<PreviewView>> {
    try {
      const spec = parseSpec(specJson);
      const frame = await datasetFrame(datasetId);
      return { ok: true, value: toPreviewView(previewPipeline(frame, spec, { rows: 50 })) };
    } catch (error) {
      return { ok: false, error: toErrorData(error) };
    }
  },

  async run(
    datasetId: unknown,
    specJson: unknown,
    onProgress: (p: FeatureRunProgress) => void
  ): Promise<JobOutcome<FeatureRunResult>> {
    try {
      const spec = parseSpec(specJson);
      if (spec.source.hash !== datasetId) {
        throw new LatheError(
          'SPEC_INVALID',
          'This pipeline was written for a different dataset than the one selected.',
          { expected: spec.source.hash, got: String(datasetId) }
        );
      }
      const db = await store();
      const key = await featureSetKey(spec.source.hash, spec);
      const existing = await db.findFeatureSet(key);
      if (existing) return { ok: true, value: { record: existing, reused: true } };

      const frame = await datasetFrame(datasetId);
      const started = performance.now();
      const fitted = await fitPipeline(frame, spec, {
        onProgress: (p) => onProgress({ ...p, saving: false })
      });
      onProgress({
        phase: 'done',
        step: spec.steps.length,
        steps: spec.steps.length,
        type: null,
        fraction: 1,
        rows: 0,
        rowsPerSecond: 0,
        saving: true
      });
      const splits = Object.fromEntries(
        SPLIT_NAMES.map((name) => {
          const frameOfSplit = fitted.splits[name];
          return [
            name,
            { ipc: tableToIPC(frameToTable(frameOfSplit), 'file'), rows: frameOfSplit.rows }
          ];
        })
      ) as Parameters<Store['saveFeatureSet']>[0];
      const datasets = await db.listDatasets();
      const dataset = datasets.find((d) => d.id === spec.source.hash);
      const record = await db.saveFeatureSet(splits, {
        id: key,
        name: spec.name ?? `${spec.source.name} → ${spec.target}`,
        datasetHash: spec.source.hash,
        datasetName: dataset && !('unreadable' in dataset) ? dataset.name : spec.source.name,
        specHash: await pipelineHash(spec),
        spec: JSON.parse(JSON.stringify(spec)),
        engineVersion: FEATURE_ENGINE_VERSION,
        schema: fitted.schema,
        states: fitted.states,
        droppedRows: fitted.counts.missingTarget + fitted.counts.missingTime,
        millis: Math.round(performance.now() - started)
      });
      return { ok: true, value: { record, reused: false } };
    } catch (error) {
      return { ok: false, error: toErrorData(error) };
    }
  }
};

export type FeaturesWorkerApi = typeof api;

expose(api);
