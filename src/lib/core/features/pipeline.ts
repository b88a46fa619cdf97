import * as arrow from 'apache-arrow';
import { nextTask } from '../base/tasks';
import { LatheError, toErrorData, type LatheErrorData } from '../base/errors';
import { type ColumnSchema } from '../data/types';
import type { KindsOption } from './step';
import type { PipelineSpec } from '../spec/types';
import {
  asStepError,
  checkSpecAgainst,
  stepContext,
  stepLabel,
  stepOutputSchema
} from './validate';
import { headRows, schemaOfFrame, tableToFrame, takeRows } from './convert';
import type { Frame, FrameColumn } from './frame';
import { columnFacts, type ColumnFacts } from './hints';
import { resolveStep, STEP_KINDS, type ResolvedStep } from './registry';
import { columnLength, settleFrame, takeRowsLazy } from './rows';
import { createRng, deriveSeed } from '../base/random';
import {
  randomSplit,
  SPLIT_NAMES,
  stratifiedSplit,
  timeSplit,
  type SplitIndices,
  type SplitName
} from './split';
import type { Json } from '../base/json';

/** An ingested Arrow table, or a Frame already made from one (a worker may cache it). */
export type PipelineInput = arrow.Table | Frame;

export interface PipelineProgress {
  phase: 'split' | 'fit' | 'apply' | 'done';
  /** 0-based index of the running step (`steps` once done). */
  step: number;
  steps: number;
  /** The running step's type; null while splitting and when done. */
  type: string | null;
  /** 0..1 over the whole run. */
  fraction: number;
  /** Rows fitted on or transformed so far (a row counts once per step and split). */
  rows: number;
  rowsPerSecond: number;
}

export interface RunOptions extends KindsOption {
  onProgress?: (progress: PipelineProgress) => void;
  signal?: AbortSignal;
}

export interface SplitCounts {
  /** Rows of the input. */
  input: number;
  /** Rows left out because the target (or the split's time column) is missing. */
  missingTarget: number;
  missingTime: number;
  /** Rows per split after the split, before any row step. */
  train: number;
  validation: number;
  test: number;
}

export interface FittedPipeline {
  splits: Record<SplitName, Frame>;
  /** The fitted state of each step, in order (null for stateless steps). */
  states: Json[];
  /** The columns after the last step. */
  schema: ColumnSchema[];
  counts: SplitCounts;
  /** Input row numbers of each split, before any row step. */
  indices: SplitIndices;
}

function toFrame(input: PipelineInput): Frame {
  return input instanceof arrow.Table ? tableToFrame(input) : input;
}

function cancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new LatheError('CANCELLED', 'The feature pipeline was cancelled.');
}

function column(frame: Frame, name: string): FrameColumn | undefined {
  return frame.columns.find((c) => c.name === name);
}

const SMALL_CLASSES = 1024;

/** Per-row class codes of a classification target (-1 when missing), and the class count. */
function classCodes(target: FrameColumn): { codes: Int32Array; classes: number } {
  if (target.kind === 'category') return { codes: target.codes, classes: target.dictionary.length };
  const values = target.values;
  const codes = new Int32Array(values.length);
  // Codes in order of first appearance. Small non-negative integers (0/1 labels, class ids)
  // are looked up in a table rather than a Map, which is much faster on large targets.
  const small = new Int32Array(SMALL_CLASSES).fill(-1);
  const seen = new Map<number, number>();
  let classes = 0;
  for (let i = 0; i < values.length; i++) {
    const x = values[i];
    if (x !== x) {
      codes[i] = -1;
      continue;
    }
    let code: number | undefined;
    if (x >= 0 && x < SMALL_CLASSES && (x | 0) === x) {
      code = small[x | 0];
      if (code < 0) small[x | 0] = code = classes++;
    } else {
      code = seen.get(x);
      if (code === undefined) seen.set(x, (code = classes++));
    }
    codes[i] = code;
  }
  return { codes, classes };
}

/** Splits the rows that have a target (and a time, for time splits). */
export function splitFrame(
  frame: Frame,
  spec: PipelineSpec
): { indices: SplitIndices; counts: SplitCounts } {
  const target = column(frame, spec.target);
  if (!target) {
    throw new LatheError('SPEC_INVALID', `The target column "${spec.target}" is not in the data.`);
  }
  const n = frame.rows;
  const classification = spec.task !== 'regression';
  const labels = classification ? classCodes(target) : null;
  const time = spec.split.timeColumn ? column(frame, spec.split.timeColumn) : undefined;
  const times = time?.kind === 'number' ? time.values : null;
  const kept = new Int32Array(n);
  let k = 0;
  let missingTarget = 0;
  let missingTime = 0;
  const present = new Uint8Array(labels ? labels.classes : 0);
  const codes = labels ? labels.codes : null;
  const values = !labels && target.kind === 'number' ? target.values : null;
  for (let i = 0; i < n; i++) {
    const missing = codes !== null ? codes[i] < 0 : values !== null && values[i] !== values[i];
    if (missing) missingTarget++;
    else if (times !== null && times[i] !== times[i]) missingTime++;
    else {
      kept[k++] = i;
      if (codes !== null) present[codes[i]] = 1;
    }
  }
  const rows = kept.subarray(0, k);
  if (k === 0) {
    throw new LatheError(
      'TARGET_INVALID',
      `No row has a value in the target column "${spec.target}"${missingTime ? ' and the time column' : ''}.`,
      { column: spec.target }
    );
  }
  if (labels) {
    let classes = 0;
    for (let c = 0; c < present.length; c++) classes += present[c];
    if (classes < 2 || (spec.task === 'binary' && classes !== 2)) {
      throw new LatheError(
        'TARGET_INVALID',
        `The target column "${spec.target}" has ${classes} class${classes === 1 ? '' : 'es'}; a ${spec.task} task needs ${spec.task === 'binary' ? 'exactly 2' : 'at least 2'}.`,
        { column: spec.target, classes }
      );
    }
  }
  const { method, seed } = spec.split;
  const indices =
    method === 'time' && times
      ? timeSplit(rows, times, spec.split)
      : method === 'stratified' && labels
        ? stratifiedSplit(rows, labels.codes, spec.split, seed)
        : randomSplit(rows, spec.split, seed);
  return {
    indices,
    counts: {
      input: n,
      missingTarget,
      missingTime,
      train: indices.train.length,
      validation: indices.validation.length,
      test: indices.test.length
    }
  };
}

function resolveAll(spec: PipelineSpec, options: KindsOption): ResolvedStep[] {
  const kinds = options.kinds ?? STEP_KINDS;
  return spec.steps.map((step, i) => resolveStep(step, i, kinds));
}

function declaredSchema(
  spec: PipelineSpec,
  resolved: ResolvedStep,
  input: ColumnSchema[],
  index: number
): ColumnSchema[] {
  try {
    return stepOutputSchema(spec, resolved, input, index);
  } catch (error) {
    throw asStepError(error, index, spec.steps[index].type, 'STEP_INVALID');
  }
}

/**
 * Calls a step's apply and checks it kept its promise: every declared column with its declared
 * type (a step may add columns known only once fitted, such as one-hot categories), unique
 * names, the target kept, equal column lengths, and — given `like` — the same columns as the
 * other splits.
 */
function applyStep(
  resolved: ResolvedStep,
  frame: Frame,
  state: Json,
  spec: PipelineSpec,
  index: number,
  declared: ColumnSchema[],
  like?: Frame
): Frame {
  const type = spec.steps[index].type;
  let out: Frame;
  try {
    out = resolved.kind.apply(frame, resolved.params, state, stepContext(spec, index));
  } catch (error) {
    throw asStepError(error, index, type, 'STEP_FAILED');
  }
  const produced = new Map(out.columns.map((c) => [c.name, c.type]));
  // A step that may drop columns once fitted keeps a subset of what it declared; the others
  // keep every declared column (and may add ones known only once fitted).
  const mayDrop = resolved.kind.schemaAfterFit === 'drops';
  const promised = new Map(declared.map((c) => [c.name, c.type]));
  let problem: string | null = null;
  if (produced.size !== out.columns.length) problem = 'two columns with the same name';
  else if (
    mayDrop
      ? out.columns.some((c) => promised.get(c.name) !== c.type)
      : declared.some((c) => produced.get(c.name) !== c.type)
  ) {
    problem = 'columns other than it declared';
  } else if (frame.columns.some((c) => c.name === spec.target) && !produced.has(spec.target)) {
    problem = 'no target column';
  } else if (out.columns.some((c) => columnLength(c) !== out.rows)) {
    problem = 'columns of unequal length';
  } else if (
    like &&
    (like.columns.length !== out.columns.length ||
      like.columns.some((c, j) => c.name !== out.columns[j].name || c.type !== out.columns[j].type))
  ) {
    problem = 'different columns for different splits';
  }
  if (problem) {
    throw new LatheError(
      'STEP_FAILED',
      `${stepLabel(index, type)} produced ${problem}; this is a bug in the step.`,
      { stepIndex: index, type, declared, produced: schemaOfFrame(out) }
    );
  }
  return out;
}

function fitStep(resolved: ResolvedStep, train: Frame, spec: PipelineSpec, index: number): Json {
  try {
    return resolved.kind.fit(train, resolved.params, stepContext(spec, index));
  } catch (error) {
    throw asStepError(error, index, spec.steps[index].type, 'STEP_FAILED');
  }
}

/**
 * Splits the rows (those missing the target are dropped and counted), then for each step fits
 * on the training split only and applies to every split (a step with `rows: 'train'` to train
 * only). Each step is checked against the columns the previous one really produced, so steps
 * may use columns known only after fitting (one-hot outputs). Yields to the event loop between
 * steps so a worker sees cancellation. Its speed against arquero and hand-written loops is
 * measured by `npm run bench -- --only transform` (bench/README.md).
 */
export async function fitPipeline(
  input: PipelineInput,
  spec: PipelineSpec,
  options: RunOptions = {}
): Promise<FittedPipeline> {
  const { onProgress, signal } = options;
  cancelled(signal);
  const started = performance.now();
  const resolved = resolveAll(spec, options);
  const frame = toFrame(input);
  checkSpecAgainst(spec, schemaOfFrame(frame));
  const n = resolved.length;
  let processed = 0;
  const report = (phase: PipelineProgress['phase'], step: number, fraction: number) => {
    const seconds = (performance.now() - started) / 1000;
    onProgress?.({
      phase,
      step,
      steps: n,
      type: step < n ? spec.steps[step].type : null,
      fraction: Math.min(1, fraction),
      rows: processed,
      rowsPerSecond: seconds > 0 ? processed / seconds : 0
    });
  };
  report('split', 0, 0);
  const { indices, counts } = splitFrame(frame, spec);
  // Columns are copied into the splits when first read; steps that replace a column read it
  // through the row numbers instead (see rows.ts). Everything is copied by the end.
  let splits: Record<SplitName, Frame> = {
    train: takeRowsLazy(frame, indices.train),
    validation: takeRowsLazy(frame, indices.validation),
    test: takeRowsLazy(frame, indices.test)
  };
  const states: Json[] = [];
  for (let i = 0; i < n; i++) {
    await nextTask();
    cancelled(signal);
    report('fit', i, i / n);
    const declared = declaredSchema(spec, resolved[i], schemaOfFrame(splits.train), i);
    const state = fitStep(resolved[i], splits.train, spec, i);
    processed += splits.train.rows;
    states.push(state);
    const next = { ...splits };
    for (let s = 0; s < SPLIT_NAMES.length; s++) {
      const name = SPLIT_NAMES[s];
      if (resolved[i].kind.rows === 'train' && name !== 'train') continue;
      report('apply', i, (i + 0.5 + s / 6) / n);
      next[name] = applyStep(
        resolved[i],
        splits[name],
        state,
        spec,
        i,
        declared,
        s > 0 ? next.train : undefined
      );
      processed += splits[name].rows;
    }
    splits = next;
  }
  for (const name of SPLIT_NAMES) settleFrame(splits[name]);
  report('done', n, 1);
  return { splits, states, schema: schemaOfFrame(splits.train), counts, indices };
}

export interface ApplyOptions extends RunOptions {
  /**
   * Compute as an exported model does: every row in, every row out, so the steps that choose
   * rows (filter) are left out too.
   */
  inference?: boolean;
}

export interface AppliedRows {
  frame: Frame;
  schema: ColumnSchema[];
  /**
   * The input row number of each output row (a filter drops some); null when a row step that
   * cannot tell which rows it keeps ran.
   */
  rowIds: Int32Array | null;
}

/**
 * Transforms new rows with fitted states: every step but those that only resample the training
 * split (`rows: 'train'`), and with `inference` every step but those that choose rows. The
 * target may be absent (rows to predict).
 */
export async function applyPipeline(
  input: PipelineInput,
  spec: PipelineSpec,
  states: readonly Json[],
  options: ApplyOptions = {}
): Promise<AppliedRows> {
  const { onProgress, signal } = options;
  cancelled(signal);
  const started = performance.now();
  const resolved = resolveAll(spec, options);
  if (states.length !== resolved.length) {
    throw new LatheError(
      'STATE_MISMATCH',
      `The fitted states (${states.length}) do not match the pipeline's ${resolved.length} steps.`
    );
  }
  let frame = toFrame(input);
  const schema = schemaOfFrame(frame);
  if (schema.some((c) => c.name === spec.target)) checkSpecAgainst(spec, schema);
  let rowIds: Int32Array | null = Int32Array.from({ length: frame.rows }, (_, i) => i);
  let processed = 0;
  for (let i = 0; i < resolved.length; i++) {
    await nextTask();
    cancelled(signal);
    const { kind, params } = resolved[i];
    if (kind.rows === 'train' || (kind.rows !== undefined && options.inference)) continue;
    const seconds = (performance.now() - started) / 1000;
    onProgress?.({
      phase: 'apply',
      step: i,
      steps: resolved.length,
      type: spec.steps[i].type,
      fraction: i / resolved.length,
      rows: processed,
      rowsPerSecond: seconds > 0 ? processed / seconds : 0
    });
    const declared = declaredSchema(spec, resolved[i], schemaOfFrame(frame), i);
    if (kind.rows !== undefined && rowIds !== null) {
      const ids: Int32Array = rowIds;
      rowIds = null;
      if (kind.keep) {
        let kept: Int32Array;
        try {
          kept = kind.keep(frame, params, states[i], stepContext(spec, i));
        } catch (error) {
          throw asStepError(error, i, spec.steps[i].type, 'STEP_FAILED');
        }
        rowIds = Int32Array.from(kept, (k) => ids[k]);
      }
    }
    frame = applyStep(resolved[i], frame, states[i], spec, i, declared);
    processed += frame.rows;
  }
  return { frame, schema: schemaOfFrame(frame), rowIds };
}

export interface PreviewOptions extends KindsOption {
  /** Rows shown after each step (50). */
  rows?: number;
  /** Last step to run (0-based); all steps by default. */
  upToStep?: number;
  /** Most training rows fitted on (a seeded sample of the training split; 20,000). */
  sampleRows?: number;
}

export interface PreviewStage {
  schema: ColumnSchema[];
  /** The first rows (of those with a target) after this step. */
  rows: Frame;
  state: Json;
}

export interface PipelinePreview {
  input: { schema: ColumnSchema[]; rows: Frame };
  /** One entry per step run, in order; stops before a failing step. */
  steps: PreviewStage[];
  /** The first problem: its step (null for the spec itself) and the error. */
  error?: { stepIndex: number | null; error: LatheErrorData };
  /** Training rows the states were fitted on. */
  fittedRows: number;
  /**
   * The columns after the last step run, with facts from the fitted sample (range, gaps,
   * distinct values; over its first FACT_ROWS rows): what the editor chooses a new step's
   * starting columns from.
   */
  facts: ColumnFacts[];
}

/**
 * Rows of the fitted sample (itself a seeded random sample, in row order) the facts for a new
 * step's defaults are taken from: enough to see a column's range, cheap on every edit.
 */
const FACT_ROWS = 5000;

/** Rows pushed through each step so that row filters still leave rows to show. */
const PREVIEW_INPUT_ROWS = 1000;

/**
 * The live editor's view: fits each step on a capped sample of the training split and shows the
 * first rows (those with a target) and the real schema after each step. Synchronous, sized for
 * the editor's 100 ms budget on 100k rows; problems are returned, not thrown, with the stages
 * before them. Stages are post-fit truth, so they include columns known only after fitting.
 */
export function previewPipeline(
  input: PipelineInput,
  spec: PipelineSpec,
  options: PreviewOptions = {}
): PipelinePreview {
  const shown = Math.max(1, Math.floor(options.rows ?? 50));
  const frame = toFrame(input);
  const inputSchema = schemaOfFrame(frame);
  const stages: PreviewStage[] = [];
  let indices: SplitIndices;
  try {
    checkSpecAgainst(spec, inputSchema);
    indices = splitFrame(frame, spec).indices;
  } catch (error) {
    const head = takeRows(
      frame,
      Int32Array.from({ length: Math.min(shown, frame.rows) }, (_, i) => i)
    );
    return {
      input: { schema: inputSchema, rows: head },
      steps: stages,
      error: { stepIndex: null, error: toErrorData(error) },
      fittedRows: 0,
      facts: []
    };
  }
  const kept = new Int32Array(
    indices.train.length + indices.validation.length + indices.test.length
  );
  kept.set(indices.train);
  kept.set(indices.validation, indices.train.length);
  kept.set(indices.test, indices.train.length + indices.validation.length);
  kept.sort();
  let preview = takeRows(frame, kept.subarray(0, Math.max(shown, PREVIEW_INPUT_ROWS)));
  let train = takeRows(frame, sampleRows(indices.train, options.sampleRows ?? 20_000, spec));
  const result: PipelinePreview = {
    input: { schema: inputSchema, rows: headRows(preview, shown) },
    steps: stages,
    fittedRows: train.rows,
    facts: []
  };
  const last = Math.min(spec.steps.length - 1, options.upToStep ?? Infinity);
  const kinds = options.kinds ?? STEP_KINDS;
  for (let i = 0; i <= last; i++) {
    try {
      const resolved = resolveStep(spec.steps[i], i, kinds);
      const declared = declaredSchema(spec, resolved, schemaOfFrame(train), i);
      const state = fitStep(resolved, train, spec, i);
      train = applyStep(resolved, train, state, spec, i, declared);
      if (resolved.kind.rows !== 'train') {
        preview = applyStep(resolved, preview, state, spec, i, declared, train);
      }
      stages.push({ schema: schemaOfFrame(train), rows: headRows(preview, shown), state });
    } catch (error) {
      result.error = { stepIndex: i, error: toErrorData(error) };
      break;
    }
  }
  result.facts = columnFacts(train, FACT_ROWS);
  return result;
}

/** At most `cap` of the rows, drawn with a seed derived from the split's, in ascending order. */
function sampleRows(rows: Int32Array, cap: number, spec: PipelineSpec): Int32Array {
  if (rows.length <= cap) return rows;
  const rng = createRng(deriveSeed(spec.split.seed, 0x5eed));
  const pool = rows.slice();
  for (let i = 0; i < cap; i++) {
    const j = i + Math.floor(rng() * (pool.length - i));
    const t = pool[i];
    pool[i] = pool[j];
    pool[j] = t;
  }
  return pool.slice(0, cap).sort();
}
