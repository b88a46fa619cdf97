import * as v from 'valibot';
import { COLUMN_TYPES, type ColumnSchema } from '../core/data/types';
import { LatheError } from '../core/base/errors';
import { sha256Hex } from '../core/base/hash';
import type { Database } from './db';
import {
  COUNT,
  HASH,
  JSON_VALUE,
  parseStored,
  partitionStored,
  type Parsed,
  type Unreadable
} from './parse';

export const SPLIT_NAMES = ['train', 'validation', 'test'] as const;
export type SplitName = (typeof SPLIT_NAMES)[number];

const StoredSplitSchema = v.object({
  /** SHA-256 (hex) of the split's Arrow IPC bytes, their key in 'blobs'. */
  hash: HASH,
  rows: COUNT,
  bytes: COUNT
});

export type StoredSplit = v.InferOutput<typeof StoredSplitSchema>;

const columnSchema: v.GenericSchema<unknown, ColumnSchema> = v.object({
  name: v.string(),
  type: v.picklist(COLUMN_TYPES)
});

/**
 * A fitted feature pipeline's output. Its id is the derivation key — SHA-256 over the dataset
 * hash, the spec hash and the engine version — so the same spec on the same data finds it again
 * instead of recomputing; the split tables themselves are content-addressed blobs.
 */
export const FeatureSetRecordSchema = v.object({
  id: HASH,
  name: v.pipe(v.string(), v.maxLength(500)),
  datasetHash: HASH,
  datasetName: v.string(),
  specHash: HASH,
  /** The pipeline spec as saved; parse it with the spec module (parseSpec) before use. */
  spec: JSON_VALUE,
  engineVersion: v.string(),
  schema: v.array(columnSchema),
  /** Fitted state of each step, in order. */
  states: v.array(JSON_VALUE),
  splits: v.object({
    train: StoredSplitSchema,
    validation: StoredSplitSchema,
    test: StoredSplitSchema
  }),
  /** Rows dropped before fitting (missing target), for the lineage view. */
  droppedRows: COUNT,
  millis: v.number(),
  createdAt: v.number()
});

export type FeatureSetRecord = v.InferOutput<typeof FeatureSetRecordSchema>;

export type UnreadableFeatureSet = Unreadable;

export function parseFeatureSetRecord(value: unknown): Parsed<FeatureSetRecord> {
  return parseStored(FeatureSetRecordSchema, value);
}

export interface FeatureSetMethods {
  /** Stores the three split tables and the record atomically (ids are derivation keys). */
  saveFeatureSet(
    splits: Record<SplitName, { ipc: Uint8Array; rows: number }>,
    meta: Omit<FeatureSetRecord, 'splits' | 'createdAt'>
  ): Promise<FeatureSetRecord>;
  /** The feature set derived under this key, if one was saved and is readable. */
  findFeatureSet(id: string): Promise<FeatureSetRecord | null>;
  listFeatureSets(): Promise<(FeatureSetRecord | UnreadableFeatureSet)[]>;
  loadFeatureSplit(id: string, split: SplitName): Promise<Uint8Array>;
  renameFeatureSet(id: string, name: string): Promise<void>;
  deleteFeatureSet(id: string): Promise<void>;
}

export function featureSetMethods(database: Database): FeatureSetMethods {
  const { db, withLock, changed } = database;

  async function readFeatureSet(id: string): Promise<FeatureSetRecord | null> {
    const value = await db.get('featureSets', id);
    if (value === undefined) return null;
    const parsed = parseFeatureSetRecord(value);
    if (!parsed.ok) {
      throw new LatheError(
        'CORRUPT_FEATURE_SET',
        `The saved record of feature set ${id} is damaged (${parsed.reason}). Delete it and run the pipeline again.`,
        { id }
      );
    }
    return parsed.record;
  }

  const notFound = (id: string) =>
    new LatheError('FEATURE_SET_NOT_FOUND', `There is no saved feature set ${id}.`, { id });

  return {
    async saveFeatureSet(splits, meta) {
      const stored = await Promise.all(
        SPLIT_NAMES.map(async (name) => {
          const { ipc, rows } = splits[name];
          const split: StoredSplit = { hash: await sha256Hex(ipc), rows, bytes: ipc.byteLength };
          return { split, bytes: database.toStored(ipc) };
        })
      );
      const record: FeatureSetRecord = {
        ...meta,
        splits: { train: stored[0].split, validation: stored[1].split, test: stored[2].split },
        createdAt: Date.now()
      };
      const valid = parseFeatureSetRecord(record);
      if (!valid.ok) {
        throw new LatheError('INVALID_FEATURE_SET', `Cannot save "${meta.name}": ${valid.reason}.`);
      }
      const total = stored.reduce((sum, s) => sum + s.split.bytes, 0);
      const saved = await withLock(async () => {
        const existing = parseFeatureSetRecord(await db.get('featureSets', record.id));
        if (existing.ok) return existing.record;
        await database.writeAtomically(
          ['blobs', 'featureSets'],
          (tx, track) => {
            for (const s of stored) track(tx.objectStore('blobs').put(s.bytes, s.split.hash));
            track(tx.objectStore('featureSets').put(record));
          },
          meta.name,
          total
        );
        return record;
      });
      if (saved === record) changed();
      return saved;
    },

    async findFeatureSet(id) {
      try {
        return await readFeatureSet(id);
      } catch {
        return null;
      }
    },

    async listFeatureSets() {
      return partitionStored(
        await db.getAll('featureSets'),
        parseFeatureSetRecord,
        (a, b) => b.createdAt - a.createdAt || a.id.localeCompare(b.id)
      );
    },

    async loadFeatureSplit(id, split) {
      const record = await readFeatureSet(id);
      if (!record) throw notFound(id);
      return database.readVerified(
        record.splits[split].hash,
        `the ${split} split of "${record.name}"`,
        'Delete the feature set and run the pipeline again.'
      );
    },

    async renameFeatureSet(id, newName) {
      const trimmed = newName.trim();
      if (!trimmed) throw new LatheError('INVALID_NAME', 'A feature set name cannot be empty.');
      await withLock(async () => {
        const record = await readFeatureSet(id);
        if (!record) throw notFound(id);
        await db.put('featureSets', { ...record, name: trimmed });
      });
      changed();
    },

    async deleteFeatureSet(id) {
      await withLock(async () => {
        const tx = db.transaction(['blobs', 'featureSets', 'datasets'], 'readwrite');
        const target = parseFeatureSetRecord(await tx.objectStore('featureSets').get(id));
        const doomed = new Set(
          target.ok ? SPLIT_NAMES.map((n) => target.record.splits[n].hash) : []
        );
        // Split blobs are content-addressed and may be shared with another artifact.
        for (const other of await tx.objectStore('featureSets').getAll()) {
          const parsed = parseFeatureSetRecord(other);
          if (!parsed.ok || parsed.record.id === id) continue;
          for (const n of SPLIT_NAMES) doomed.delete(parsed.record.splits[n].hash);
        }
        for (const hash of doomed) {
          if ((await tx.objectStore('datasets').getKey(hash)) !== undefined) doomed.delete(hash);
        }
        await Promise.all([
          tx.objectStore('featureSets').delete(id),
          ...[...doomed].map((hash) => tx.objectStore('blobs').delete(hash)),
          tx.done
        ]);
      });
      changed();
    }
  };
}
