import * as v from 'valibot';
import { LatheError } from '../core/base/errors';
import type {
  AveragedScores,
  ClassificationReport,
  ClassScores
} from '../core/evaluate/classification-report';
import type { RegressionReport } from '../core/evaluate/regression-report';
import {
  HIDDEN_ACTIVATIONS,
  type DenseDef,
  type LossName,
  type NetworkDef,
  type OutputHead
} from '../core/models/kind';
import type { EpochLog } from '../core/models/train';
import { readMetadata, type OnnxMetadata } from '../core/onnx/metadata';
import type { ImportedModelRecord, ModelRecord, RegistryRecord } from './models';
import { parseStored, type Parsed } from './parse';

// A model record keeps its network, history and reports as plain JSON (the worker sends them
// through JSON, so NaN and ±Infinity arrive as null). These schemas read them back as the core
// types they were made from; a field that does not fit is reported, never cast.

/** A number that JSON may have turned into null (it was NaN or infinite). */
const num = v.pipe(
  v.nullable(v.number()),
  v.transform((x) => x ?? Number.NaN)
);
const nums = v.array(num);
const TASKS = ['binary', 'multiclass', 'regression'] as const;

const dense: v.GenericSchema<unknown, DenseDef> = v.object({
  units: v.pipe(v.number(), v.integer(), v.minValue(1)),
  activation: v.picklist([...HIDDEN_ACTIVATIONS, 'linear']),
  init: v.picklist(['glorot_uniform', 'he_uniform']),
  l2: v.number(),
  dropout: v.number()
});
const heads: readonly OutputHead[] = ['identity', 'sigmoid', 'softmax'];
const losses: readonly LossName[] = [
  'mse',
  'binary_crossentropy',
  'sparse_categorical_crossentropy'
];

const NetworkSchema: v.GenericSchema<unknown, NetworkDef> = v.object({
  kind: v.string(),
  task: v.picklist(TASKS),
  inputDim: v.pipe(v.number(), v.integer(), v.minValue(0)),
  outputDim: v.pipe(v.number(), v.integer(), v.minValue(1)),
  layers: v.array(dense),
  head: v.picklist(heads),
  loss: v.picklist(losses)
});

const EpochLogSchema: v.GenericSchema<unknown, EpochLog> = v.object({
  epoch: v.number(),
  loss: num,
  valLoss: v.nullable(v.number()),
  valMetric: v.nullable(v.number()),
  metric: v.picklist(['accuracy', 'rmse']),
  best: v.boolean(),
  seconds: v.number(),
  samplesPerSecond: num
});

const averaged = {
  precision: num,
  recall: num,
  f1: num,
  rocAuc: num,
  averagePrecision: num
};
const averagedScores: v.GenericSchema<unknown, AveragedScores> = v.object(averaged);
const classScores: v.GenericSchema<unknown, ClassScores> = v.object({
  ...averaged,
  label: v.string(),
  support: num,
  predicted: num
});

const ClassificationSchema: v.GenericSchema<unknown, ClassificationReport> = v.object({
  task: v.literal('classification'),
  kind: v.picklist(['binary', 'multiclass']),
  classes: v.array(v.string()),
  rows: v.number(),
  weighted: v.boolean(),
  accuracy: num,
  balancedAccuracy: num,
  rocAuc: num,
  prAuc: num,
  logLoss: num,
  brier: num,
  brierDefinition: v.picklist(['binary-positive-class', 'multiclass-sum-over-classes']),
  perClass: v.array(classScores),
  macro: averagedScores,
  weightedAverage: averagedScores,
  confusionMatrix: v.array(nums),
  curves: v.object({
    roc: v.array(
      v.object({
        classIndex: v.number(),
        fpr: nums,
        tpr: nums,
        thresholds: nums,
        points: v.number()
      })
    ),
    pr: v.array(
      v.object({
        classIndex: v.number(),
        precision: nums,
        recall: nums,
        thresholds: nums,
        points: v.number()
      })
    ),
    calibration: v.array(
      v.object({
        classIndex: v.number(),
        probTrue: nums,
        probPred: nums,
        counts: nums,
        bins: nums,
        edges: nums
      })
    )
  }),
  notes: v.array(v.string())
});

const RegressionSchema: v.GenericSchema<unknown, RegressionReport> = v.object({
  task: v.literal('regression'),
  rows: v.number(),
  weighted: v.boolean(),
  mse: num,
  rmse: num,
  mae: num,
  r2: num,
  mape: num,
  plot: v.object({
    total: v.number(),
    rows: nums,
    actual: nums,
    predicted: nums,
    residual: nums,
    rule: v.string()
  }),
  notes: v.array(v.string())
});

const ReportSchema = v.union([ClassificationSchema, RegressionSchema]);

/** The network a model was trained as; throws CORRUPT_MODEL when the record's does not fit. */
export function modelNetwork(record: ModelRecord): NetworkDef {
  const parsed = parseStored(NetworkSchema, record.network);
  if (!parsed.ok) {
    throw new LatheError(
      'CORRUPT_MODEL',
      `The saved network of "${record.name}" cannot be read (${parsed.reason}). Train the model again.`,
      { id: record.id }
    );
  }
  return parsed.record;
}

/** The epochs of the training run, as far as they can be read (unreadable entries left out). */
export function modelHistory(record: ModelRecord): EpochLog[] {
  return record.history.flatMap((entry) => {
    const parsed = parseStored(EpochLogSchema, entry);
    return parsed.ok ? [parsed.record] : [];
  });
}

/** The evaluation report of one split, or null when there is none or it cannot be read. */
export function modelReport(
  record: ModelRecord,
  split: string
): ClassificationReport | RegressionReport | null {
  const report = record.metrics[split];
  if (report === undefined) return null;
  const parsed = parseStored(ReportSchema, report);
  return parsed.ok ? parsed.record : null;
}

/**
 * The Lathe metadata of an imported file (task, target, classes, input schema, metrics, hashes):
 * null for a file made elsewhere, a reason when the stored entry does not read.
 */
export function importedMetadata(record: ImportedModelRecord): Parsed<OnnxMetadata | null> {
  try {
    return { ok: true, record: readMetadata(record.graph.metadataProps) };
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.message : String(error) };
  }
}

/** What a version predicts, when known (an imported file says so only in Lathe metadata). */
export function modelTask(record: RegistryRecord): ModelRecord['task'] | null {
  if (record.origin === 'trained') return record.task;
  const metadata = importedMetadata(record);
  return metadata.ok ? (metadata.record?.task ?? null) : null;
}
