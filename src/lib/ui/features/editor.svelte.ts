import type { ColumnSchema } from '$lib/core/data/types';
import type { LatheErrorData } from '$lib/core/base/errors';
import { toErrorData } from '$lib/core/base/errors';
import type { PreviewView } from '$lib/core/features/view';
import type { Progress } from '$lib/core/base/progress';
import type { Json } from '$lib/core/base/json';
import { parseSpec } from '$lib/core/pipeline/parse';
import { validatePipeline } from '$lib/core/features/validate';
import type { PipelineSpec, StepSpec, Task } from '$lib/core/spec/types';
import type { FeatureRunResult } from '$lib/app/features';
import { openChannel, startJob } from '$lib/jobs';
import type { DatasetRecord } from '$lib/store';
import type { SampleEntry } from '../workspace.svelte';
import { specSourceOf } from './links';

export interface StepProblem {
  stepIndex: number | null;
  error: LatheErrorData;
}

export function suggestTask(record: DatasetRecord, target: string): Task {
  const column = record.profile.columns.find((c) => c.name === target);
  if (!column) return 'regression';
  if (column.type === 'float') return 'regression';
  if (column.type === 'integer')
    return column.distinct <= 20 ? (column.distinct <= 2 ? 'binary' : 'multiclass') : 'regression';
  return column.distinct <= 2 ? 'binary' : 'multiclass';
}

/** A first pipeline for a dataset: fill gaps, scale numbers, one-hot small categoricals, drop the rest. */
export function starterSpec(record: DatasetRecord, samples: SampleEntry[]): PipelineSpec {
  const sample =
    record.source.kind === 'sample'
      ? samples.find((s) => s.id === (record.source as { sampleId: string }).sampleId)
      : undefined;
  const target =
    sample?.target && record.schema.some((c) => c.name === sample.target)
      ? sample.target
      : record.schema[record.schema.length - 1].name;
  const task = suggestTask(record, target);
  const features = record.profile.columns.filter((c) => c.name !== target);
  const numeric = features
    .filter((c) => c.type === 'integer' || c.type === 'float')
    .map((c) => c.name);
  const categorical = features
    .filter((c) => c.type === 'categorical' && c.distinct <= 50)
    .map((c) => c.name);
  const booleans = features.filter((c) => c.type === 'boolean' && c.missing > 0).map((c) => c.name);
  // What the starter does not encode (IDs, free text, dates) is dropped in a visible step, so
  // the first feature set can be trained on at once; the person can encode it instead.
  const unencoded = features
    .filter(
      (c) =>
        c.type === 'text' || c.type === 'datetime' || (c.type === 'categorical' && c.distinct > 50)
    )
    .map((c) => c.name);
  const steps: StepSpec[] = [];
  if (unencoded.length) steps.push({ type: 'drop', columns: unencoded });
  if (booleans.length) steps.push({ type: 'impute', columns: booleans, strategy: 'most_frequent' });
  if (numeric.length) {
    steps.push({ type: 'impute', columns: numeric, strategy: 'median' });
    steps.push({ type: 'scale', columns: numeric, method: 'standard' });
  }
  if (categorical.length) steps.push({ type: 'onehot', columns: categorical });
  return {
    version: 1,
    source: specSourceOf(record),
    target,
    task,
    split: {
      method: task === 'regression' ? 'random' : 'stratified',
      seed: 42,
      train: 0.7,
      validation: 0.15,
      test: 0.15
    },
    steps,
    seed: 42
  };
}

export class PipelineEditor {
  spec = $state<PipelineSpec | null>(null);
  datasetId = $state<string | null>(null);
  datasetSchema = $state.raw<ColumnSchema[]>([]);
  /** Problem found without data: bad params, unknown columns, wrong types. */
  problem = $state.raw<StepProblem | null>(null);
  /** Schemas after each step, from the static check; the preview's are used when available. */
  staticSchemas = $state.raw<ColumnSchema[][]>([]);
  preview = $state.raw<PreviewView | null>(null);
  previewMillis = $state<number | null>(null);
  previewing = $state(false);
  stage = $state(-1);
  progress = $state.raw<Progress | null>(null);
  running = $state(false);
  result = $state.raw<FeatureRunResult | null>(null);
  runError = $state.raw<LatheErrorData | null>(null);
  private cancelRun: (() => void) | null = null;
  private previewer = openChannel('preview');

  load(record: DatasetRecord, spec: PipelineSpec) {
    this.datasetId = record.id;
    this.datasetSchema = record.schema;
    this.spec = spec;
    this.stage = spec.steps.length - 1;
    this.result = null;
    this.runError = null;
    this.refresh();
  }

  /** The schema entering step `index` (-1: the dataset). */
  schemaBefore(index: number): ColumnSchema[] {
    if (index <= 0) return this.datasetSchema;
    const fromPreview = this.preview?.steps[index - 1]?.schema;
    return fromPreview ?? this.staticSchemas[index - 1] ?? this.datasetSchema;
  }

  private snapshot(): PipelineSpec | null {
    // JSON round trip: $state.snapshot's types recurse too deeply on the Json-typed steps.
    return this.spec ? (JSON.parse(JSON.stringify(this.spec)) as PipelineSpec) : null;
  }

  /** Re-checks the spec and asks the worker for a fresh preview; stale answers are dropped. */
  refresh() {
    const draft = this.snapshot();
    const datasetId = this.datasetId;
    if (!draft || !datasetId) return;
    let spec: PipelineSpec;
    try {
      spec = parseSpec(draft);
    } catch (error) {
      const data = toErrorData(error);
      const path = String(data.details?.path ?? '');
      const match = /^steps\[(\d+)\]/.exec(path);
      this.problem = { stepIndex: match ? Number(match[1]) : null, error: data };
      this.staticSchemas = [];
      return;
    }
    const check = validatePipeline(spec, this.datasetSchema);
    this.staticSchemas = check.steps;
    this.problem = check.ok ? null : { stepIndex: check.stepIndex, error: check.error };
    const started = performance.now();
    this.previewing = true;
    this.previewer.request({ datasetId, spec }).then((outcome) => {
      if (!outcome) return;
      this.previewing = false;
      this.previewMillis = Math.round(performance.now() - started);
      if (outcome.ok) {
        this.preview = outcome.value;
        if (outcome.value.error && !this.problem) this.problem = outcome.value.error;
      } else {
        this.problem = { stepIndex: null, error: outcome.error };
      }
    });
  }

  update(mutate: (spec: PipelineSpec) => void) {
    if (!this.spec) return;
    mutate(this.spec);
    this.result = null;
    this.refresh();
  }

  setParam(index: number, key: string, value: Json | undefined) {
    this.update((spec) => {
      const step = spec.steps[index];
      if (value === undefined) delete step[key];
      else step[key] = value;
    });
  }

  addStep(type: string) {
    this.update((spec) => {
      spec.steps.push({ type });
      this.stage = spec.steps.length - 1;
    });
  }

  moveStep(index: number, delta: -1 | 1) {
    this.update((spec) => {
      const to = index + delta;
      if (to < 0 || to >= spec.steps.length) return;
      const [step] = spec.steps.splice(index, 1);
      spec.steps.splice(to, 0, step);
      this.stage = to;
    });
  }

  removeStep(index: number) {
    this.update((spec) => {
      spec.steps.splice(index, 1);
      this.stage = Math.min(this.stage, spec.steps.length - 1);
    });
  }

  run(): Promise<FeatureRunResult | null> {
    const spec = this.snapshot();
    const datasetId = this.datasetId;
    if (!spec || !datasetId || this.running) return Promise.resolve(null);
    this.running = true;
    this.runError = null;
    this.result = null;
    this.progress = null;
    const job = startJob(
      'featureSet',
      { datasetId, spec },
      { onProgress: (p) => (this.progress = p) }
    );
    this.cancelRun = () => job.cancel();
    return job.result.then((outcome) => {
      this.running = false;
      this.cancelRun = null;
      if (outcome.ok) {
        this.result = outcome.value;
        return outcome.value;
      }
      this.runError = outcome.error;
      return null;
    });
  }

  cancel() {
    this.cancelRun?.();
  }

  dispose() {
    this.cancel();
    this.previewer.dispose();
  }
}
