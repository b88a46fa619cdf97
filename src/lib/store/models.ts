import * as v from 'valibot';
import { COUNT, HASH as STORED_HASH, JSON_VALUE, parseStored, type Unreadable } from './parse';
import type { Json } from '../core/base/json';

/**
 * A trained model version. Its id is the SHA-256 of its weight bytes together with what they
 * mean (manifest, classes, feature names), so the same training run saved twice is one version.
 */
export interface ModelRecord {
  id: string;
  name: string;
  /** 1-based, in order of saving among all models. */
  version: number;
  featureSetId: string;
  datasetHash: string;
  specHash: string;
  spec: Json;
  modelType: string;
  task: 'binary' | 'multiclass' | 'regression';
  /** Class labels in output order (classification), else null. */
  classes: string[] | null;
  featureNames: string[];
  /** SHA-256 of the packed float32 weights: their key in 'blobs'. */
  weightsHash: string;
  weightsBytes: number;
  manifest: { name: string; shape: number[]; offset: number }[];
  /** The network description (layers, activations, heads): plain JSON for predict and ONNX. */
  network: Json;
  status: 'completed' | 'early-stopped' | 'cancelled';
  bestEpoch: number;
  history: Json[];
  /** Backend name, adapter info, library versions, calibration trials. */
  backend: Json;
  seed: number;
  durationMs: number;
  /** Evaluation reports per split ('validation', 'test'), plain JSON. */
  metrics: Record<string, Json>;
  notes: string;
  createdAt: number;
}

export type UnreadableModel = Unreadable;

export interface AliasRecord {
  alias: string;
  modelId: string;
  /** Earlier targets, newest last: rolling back moves the alias to the previous one. */
  history: { modelId: string; at: number }[];
  movedAt: number;
}

const HASH = STORED_HASH;
const count = COUNT;
const json = JSON_VALUE;

export const ALIAS_PATTERN = /^[a-z][a-z0-9_-]{0,39}$/;

export const ModelRecordSchema = v.object({
  id: HASH,
  name: v.pipe(v.string(), v.maxLength(500)),
  version: count,
  featureSetId: HASH,
  datasetHash: HASH,
  specHash: HASH,
  spec: json,
  modelType: v.string(),
  task: v.picklist(['binary', 'multiclass', 'regression']),
  classes: v.nullable(v.array(v.string())),
  featureNames: v.array(v.string()),
  weightsHash: HASH,
  weightsBytes: count,
  manifest: v.array(v.object({ name: v.string(), shape: v.array(count), offset: count })),
  network: json,
  status: v.picklist(['completed', 'early-stopped', 'cancelled']),
  bestEpoch: count,
  history: v.array(json),
  backend: json,
  seed: count,
  durationMs: v.number(),
  metrics: v.record(v.string(), json),
  notes: v.pipe(v.string(), v.maxLength(20_000)),
  createdAt: v.number()
});

export const AliasRecordSchema = v.object({
  alias: v.pipe(v.string(), v.regex(ALIAS_PATTERN)),
  modelId: HASH,
  history: v.array(v.object({ modelId: HASH, at: v.number() })),
  movedAt: v.number()
});

export function parseModelRecord(
  value: unknown
): { ok: true; record: ModelRecord } | { ok: false; reason: string } {
  return parseStored(ModelRecordSchema as v.GenericSchema<unknown, ModelRecord>, value);
}
