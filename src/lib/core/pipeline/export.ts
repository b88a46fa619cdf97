/**
 * One file per model version: the fitted feature pipeline and the trained network as one ONNX
 * graph over the raw columns, with the metadata a prediction form, a widget or a monitor needs
 * (onnx/metadata.ts). verify.ts checks the graph against the app's own predictions.
 */
import { LatheError } from '../base/errors';
import type { Json } from '../base/json';
import { MISSING_TOKENS, type ColumnSchema } from '../data/types';
import type { Frame, FrameColumn } from '../features/frame';
import { lowerSteps } from '../features/lower';
import { finiteSorted, medianSorted } from '../features/stepkit';
import type { TrainedNetwork } from '../models/kind';
import { lowerModel } from '../models/lower';
import { modelKind } from '../models/registry';
import { GraphBuilder, type GraphDef } from '../onnx/graph';
import { ColumnLowering } from '../onnx/lowering';
import {
  INPUT_ELEMENT_TYPES,
  METADATA_FORMAT,
  METADATA_VERSION,
  outputNames,
  type InputField,
  type OnnxMetadata
} from '../onnx/metadata';
import { serializeModel } from '../onnx/serialize';
import type { PipelineSpec } from '../spec/types';

/** Categorical inputs with more training categories than this list none (a free-text field). */
export const MAX_INPUT_CATEGORIES = 1000;

export interface ExportSource {
  spec: PipelineSpec;
  /** The fitted state of each step of `spec`. */
  states: readonly Json[];
  /** The dataset's columns as ingested: the graph's inputs are among them. */
  raw: readonly ColumnSchema[];
  /** The training split's raw rows, for the inputs' categories and ranges. */
  train: Frame;
  /** The model's feature columns, in the order of its input. */
  features: readonly string[];
  modelType: string;
  model: TrainedNetwork;
}

/** What the metadata says about where the model came from and how it scored. */
export interface ExportFacts {
  name: string;
  /** The registry version (ModelProto.model_version). */
  version: number;
  producerVersion: string;
  engineVersion: string;
  hashes: OnnxMetadata['hashes'];
  backend: string | null;
  metrics: OnnxMetadata['metrics'];
}

export interface LoweredExport {
  graph: GraphDef;
  inputs: InputField[];
  /** Steps left out because they only choose training rows ("Step 2 (filter)"). */
  trainingOnlySteps: string[];
}

function categoriesOf(column: FrameColumn): string[] | undefined {
  if (column.kind !== 'category' || column.type !== 'categorical') return undefined;
  const seen = new Uint8Array(column.dictionary.length);
  for (const code of column.codes) if (code >= 0) seen[code] = 1;
  const categories = column.dictionary.filter((_, i) => seen[i] === 1);
  if (categories.length > MAX_INPUT_CATEGORIES) return undefined;
  return categories.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

function rangeOf(column: FrameColumn): { min: number; max: number } | undefined {
  if (column.kind !== 'number') return undefined;
  let min = Infinity;
  let max = -Infinity;
  for (const x of column.values) {
    if (x < min) min = x;
    if (x > max) max = x;
  }
  return min <= max && Number.isFinite(min) && Number.isFinite(max) ? { min, max } : undefined;
}

/** The most frequent of `count` codes/values, ties to the smallest `order` rank. */
function modeIndex(counts: ArrayLike<number>, before: (a: number, b: number) => boolean): number {
  let best = -1;
  for (let i = 0; i < counts.length; i++) {
    if (counts[i] === 0) continue;
    if (best < 0 || counts[i] > counts[best] || (counts[i] === counts[best] && before(i, best)))
      best = i;
  }
  return best;
}

/** InputField.typical of a training column. */
export function typicalOf(column: FrameColumn): number | string | undefined {
  if (column.kind === 'category') {
    const counts = new Float64Array(column.dictionary.length);
    for (const code of column.codes) if (code >= 0) counts[code]++;
    const d = column.dictionary;
    const best = modeIndex(counts, (a, b) => d[a] < d[b]);
    return best < 0 ? undefined : d[best];
  }
  if (column.type === 'boolean') {
    const counts = [0, 0];
    for (const x of column.values) if (x === 0 || x === 1) counts[x]++;
    const best = modeIndex(counts, (a, b) => a < b);
    return best < 0 ? undefined : best;
  }
  const sorted = finiteSorted(column.values);
  return sorted.length > 0 ? medianSorted(sorted) : undefined;
}

function inputField(column: ColumnSchema, train: Frame): InputField {
  const seen = train.columns.find((c) => c.name === column.name);
  const categories = seen && categoriesOf(seen);
  const range = seen && rangeOf(seen);
  const typical = seen && typicalOf(seen);
  return {
    name: column.name,
    type: column.type,
    elementType: INPUT_ELEMENT_TYPES[column.type],
    missingTokens: [...MISSING_TOKENS],
    ...(categories ? { categories } : {}),
    ...(range ? { range } : {}),
    ...(typical !== undefined ? { typical } : {})
  };
}

/**
 * The graph: each pipeline step lowered in order, then the model on its feature columns. The
 * graph keeps the raw columns its outputs need as inputs; one that needs the target is refused.
 */
export function lowerExport(source: ExportSource): LoweredExport {
  const { spec, model } = source;
  const kind = modelKind(source.modelType);
  if (!kind) {
    throw new LatheError(
      'ONNX_NOT_LOWERABLE',
      `The model type "${source.modelType}" is not one this version of Lathe can export.`,
      { modelType: source.modelType }
    );
  }
  const g = new GraphBuilder('lathe');
  const ctx = new ColumnLowering(g, source.raw);
  const { trainingOnly } = lowerSteps(ctx, spec, source.states);
  lowerModel(ctx, source.features, kind, model);
  const graph = g.build();
  const byName = new Map(source.raw.map((c) => [c.name, c]));
  if (graph.inputs.some((input) => input.name === spec.target)) {
    throw new LatheError(
      'ONNX_NOT_LOWERABLE',
      `The model's features are computed from the target column "${spec.target}", which is not known when predicting. Remove it from the steps that make features.`,
      { column: spec.target }
    );
  }
  const inputs = graph.inputs.map((input) => inputField(byName.get(input.name)!, source.train));
  return { graph, inputs, trainingOnlySteps: trainingOnly };
}

export function exportMetadata(
  source: ExportSource,
  lowered: LoweredExport,
  facts: ExportFacts
): OnnxMetadata {
  const { spec, model } = source;
  return {
    format: METADATA_FORMAT,
    version: METADATA_VERSION,
    task: spec.task,
    target: spec.target,
    inputs: lowered.inputs,
    outputs: outputNames(spec.task),
    classes: model.classes ? [...model.classes] : null,
    model: source.modelType,
    spec: spec as unknown as Json,
    trainingOnlySteps: lowered.trainingOnlySteps,
    hashes: facts.hashes,
    engineVersion: facts.engineVersion,
    backend: facts.backend,
    metrics: facts.metrics
  };
}

/** The model file: the lowered graph with its metadata. */
export function serializeExport(
  source: ExportSource,
  lowered: LoweredExport,
  facts: ExportFacts
): { bytes: Uint8Array; metadata: OnnxMetadata } {
  const metadata = exportMetadata(source, lowered, facts);
  const task =
    source.spec.task === 'regression'
      ? `predicts "${source.spec.target}"`
      : `classifies "${source.spec.target}" (${source.model.classes?.length ?? 0} classes)`;
  const bytes = serializeModel(lowered.graph, {
    producerVersion: facts.producerVersion,
    modelVersion: facts.version,
    docString: `${facts.name}, version ${facts.version}: a ${source.modelType} model that ${task} from ${lowered.inputs.length} raw columns, its feature pipeline included. Made with Lathe.`,
    metadata
  });
  return { bytes, metadata };
}
