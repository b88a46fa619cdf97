import type { ColumnSchema } from '$lib/core/data/types';
import type { LatheErrorData } from '$lib/core/base/errors';
import { toErrorData } from '$lib/core/base/errors';
import type { ColumnFacts } from '$lib/core/features/hints';
import { stepKind, stepProblem, type StepProblem } from '$lib/core/features/registry';
import { starterSpec } from '$lib/core/features/starter';
import type { PreviewView } from '$lib/core/features/view';
import type { Progress } from '$lib/core/base/progress';
import type { Json } from '$lib/core/base/json';
import { parseSpec } from '$lib/core/pipeline/parse';
import { validatePipeline } from '$lib/core/features/validate';
import type { PipelineSpec } from '$lib/core/spec/types';
import type { FeatureRunResult } from '$lib/app/features';
import { openChannel, startJob } from '$lib/jobs';
import type { DatasetRecord } from '$lib/store';
import type { SampleEntry } from '../workspace.svelte';
import { specSourceOf } from './links';

export type { StepProblem };

/** The starter pipeline (core/features/starter.ts) for a stored dataset. */
export function starterFor(record: DatasetRecord, samples: SampleEntry[]): PipelineSpec {
  const { source } = record;
  const sample =
    source.kind === 'sample' ? samples.find((s) => s.id === source.sampleId) : undefined;
  return starterSpec({
    source: specSourceOf(record),
    profile: record.profile,
    target: sample?.target
  });
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
      this.problem = stepProblem(toErrorData(error), draft.steps);
      this.staticSchemas = [];
      return;
    }
    const check = validatePipeline(spec, this.datasetSchema);
    this.staticSchemas = check.steps;
    this.problem = check.ok
      ? null
      : { stepIndex: check.stepIndex, error: check.error, what: check.error.message };
    const started = performance.now();
    this.previewing = true;
    this.previewer.request({ datasetId, spec }).then((outcome) => {
      if (!outcome) return;
      this.previewing = false;
      this.previewMillis = Math.round(performance.now() - started);
      if (outcome.ok) {
        this.preview = outcome.value;
        const failed = outcome.value.error;
        // The preview checks each step against the columns the steps before it really made
        // (one-hot outputs included, which the static check cannot know): a static problem in
        // a step the preview ran is none.
        const at = this.problem?.stepIndex;
        if (
          this.problem?.error.code === 'STEP_INVALID' &&
          at != null &&
          at < outcome.value.steps.length
        )
          this.problem = null;
        if (failed && !this.problem) this.problem = { ...failed, what: failed.error.message };
      } else {
        this.problem = { stepIndex: null, error: outcome.error, what: outcome.error.message };
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

  /**
   * What is known of the columns entering step `index`: the preview's facts (smallest value,
   * gaps, distinct values) when it ran every step before it, else their names and types.
   */
  factsBefore(index: number): ColumnFacts[] {
    const preview = this.preview;
    if (preview && !preview.error && preview.steps.length === index) return preview.facts;
    return this.schemaBefore(index).map(({ name, type }) => ({ name, type }));
  }

  /** Adds a step at the end, starting from its kind's defaults for the table there, if any. */
  addStep(type: string) {
    const spec = this.spec;
    if (!spec) return;
    const at = spec.steps.length;
    const defaults = stepKind(type)?.defaults({
      columns: this.factsBefore(at),
      target: spec.target
    });
    this.update((draft) => {
      draft.steps.push({ type, ...(defaults ?? {}) });
      this.stage = draft.steps.length - 1;
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
