import * as v from 'valibot';
import { COUNT, HASH as STORED_HASH, JSON_VALUE, parseStored, type Unreadable } from './parse';
import { COLUMN_TYPES, type ColumnSchema } from '../core/data/types';
import type { Json } from '../core/base/json';

export const SPLIT_NAMES = ['train', 'validation', 'test'] as const;
export type SplitName = (typeof SPLIT_NAMES)[number];

export interface StoredSplit {
  /** SHA-256 (hex) of the split's Arrow IPC bytes, their key in 'blobs'. */
  hash: string;
  rows: number;
  bytes: number;
}

/**
 * A fitted feature pipeline's output. Its id is the derivation key — SHA-256 over the dataset
 * hash, the spec hash and the engine version — so the same spec on the same data finds it again
 * instead of recomputing; the split tables themselves are content-addressed blobs.
 */
export interface FeatureSetRecord {
  id: string;
  name: string;
  datasetHash: string;
  datasetName: string;
  specHash: string;
  /** The pipeline spec as saved; parse it with the spec module before use. */
  spec: Json;
  engineVersion: string;
  schema: ColumnSchema[];
  /** Fitted state of each step, in order. */
  states: Json[];
  splits: Record<SplitName, StoredSplit>;
  /** Rows dropped before fitting (missing target), for the lineage view. */
  droppedRows: number;
  millis: number;
  createdAt: number;
}

export type UnreadableFeatureSet = Unreadable;

const HASH = STORED_HASH;
const count = COUNT;
const json = JSON_VALUE;
const split = v.object({ hash: HASH, rows: count, bytes: count });

export const FeatureSetRecordSchema = v.object({
  id: HASH,
  name: v.pipe(v.string(), v.maxLength(500)),
  datasetHash: HASH,
  datasetName: v.string(),
  specHash: HASH,
  spec: json,
  engineVersion: v.string(),
  schema: v.array(v.object({ name: v.string(), type: v.picklist(COLUMN_TYPES) })),
  states: v.array(json),
  splits: v.object({ train: split, validation: split, test: split }),
  droppedRows: count,
  millis: v.number(),
  createdAt: v.number()
});

export function parseFeatureSetRecord(
  value: unknown
): { ok: true; record: FeatureSetRecord } | { ok: false; reason: string } {
  return parseStored(FeatureSetRecordSchema as v.GenericSchema<unknown, FeatureSetRecord>, value);
}
