/**
 * What each job accepts, as valibot schemas: a worker checks every request against its schema
 * before acting on it (messages are untrusted data). Specs and their model and train sections
 * are checked in depth by parseSpec, the one entry point for specs, where the job uses them.
 */
import * as v from 'valibot';
import { IngestRequestSchema } from '../core/data/request';
import { MAX_SEARCH_RUNS } from '../core/models/search';
import type { ModelSpec, TrainSpec } from '../core/spec/types';

const Hash = v.pipe(
  v.string(),
  v.regex(/^[0-9a-f]{64}$/, 'expected a SHA-256 digest (64 lowercase hex digits)')
);

const isObject = (x: unknown): x is Record<string, unknown> =>
  typeof x === 'object' && x !== null && !Array.isArray(x);

/** A spec as sent: an object, typed as nothing more until parseSpec has checked it. */
const SpecObject = v.custom<object>(isObject, 'expected a pipeline spec object');
const ModelSection = v.custom<ModelSpec>(
  (x) => isObject(x) && typeof x.type === 'string',
  'expected a model section with a "type"'
);
const TrainSection = v.custom<TrainSpec>(isObject, 'expected a train section object');

export const PreviewRequestSchema = v.strictObject({ datasetId: Hash, spec: SpecObject });
export const FeatureSetRequestSchema = v.strictObject({ datasetId: Hash, spec: SpecObject });

export const TrainRequestSchema = v.strictObject({
  featureSetId: Hash,
  model: ModelSection,
  train: v.optional(TrainSection),
  name: v.optional(v.pipe(v.string(), v.maxLength(200))),
  /** On stop, register the best checkpoint so far instead of nothing. */
  keepBestOnCancel: v.boolean()
});

const Values = v.pipe(v.array(v.pipe(v.number(), v.finite())), v.maxLength(MAX_SEARCH_RUNS));

export const SearchRequestSchema = v.strictObject({
  /** The run the form describes; each search run overrides the searched settings. */
  base: TrainRequestSchema,
  space: v.strictObject({
    learningRate: v.optional(Values),
    l2: v.optional(Values),
    hiddenLayers: v.optional(
      v.pipe(
        v.array(v.pipe(v.array(v.pipe(v.number(), v.integer(), v.minValue(1))), v.maxLength(16))),
        v.maxLength(MAX_SEARCH_RUNS)
      )
    )
  }),
  mode: v.picklist(['grid', 'random']),
  /** Random mode: how many points to draw (at most MAX_SEARCH_RUNS run). */
  count: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1))),
  seed: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(0xffffffff)))
});

export const ImportanceRequestSchema = v.strictObject({ modelId: Hash });
export const ExportOnnxRequestSchema = v.strictObject({ modelId: Hash });

const ColumnName = v.pipe(v.string(), v.maxLength(1000));
export const PredictRequestSchema = v.strictObject({
  modelId: Hash,
  datasetId: Hash,
  /** Graph input → the column that feeds it, where the names differ. */
  mapping: v.optional(
    v.pipe(
      v.record(ColumnName, ColumnName),
      v.check((m) => Object.keys(m).length <= 10_000, 'at most 10,000 mapped inputs')
    )
  )
});
export const CalibrateRequestSchema = v.strictObject({
  /** Measure again even when a measurement for this browser is remembered. */
  force: v.boolean()
});
export const ExportCsvRequestSchema = v.strictObject({ datasetId: Hash });

const FileName = v.pipe(v.string(), v.minLength(1), v.maxLength(500));
export const ImportOnnxRequestSchema = v.strictObject({
  file: v.instance(Blob),
  fileName: FileName,
  /** The version's name; the file's name without ".onnx" when not given. */
  name: v.optional(FileName)
});

export { IngestRequestSchema };

export type PreviewRequest = v.InferOutput<typeof PreviewRequestSchema>;
export type FeatureSetRequest = v.InferOutput<typeof FeatureSetRequestSchema>;
export type TrainRequest = v.InferOutput<typeof TrainRequestSchema>;
export type SearchRequest = v.InferOutput<typeof SearchRequestSchema>;
export type ImportanceRequest = v.InferOutput<typeof ImportanceRequestSchema>;
export type ExportOnnxRequest = v.InferOutput<typeof ExportOnnxRequestSchema>;
export type PredictRequest = v.InferOutput<typeof PredictRequestSchema>;
export type CalibrateRequest = v.InferOutput<typeof CalibrateRequestSchema>;
export type ExportCsvRequest = v.InferOutput<typeof ExportCsvRequestSchema>;
export type ImportOnnxRequest = v.InferOutput<typeof ImportOnnxRequestSchema>;
