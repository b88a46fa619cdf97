import type { ColumnSchema, ColumnType, DatasetProfile, IngestReport } from '../core/data/types';
import { LatheError } from '../core/base/errors';
import { datasetHash } from '../core/data/dataset-hash';
import type { Database } from './db';
import { parseFeatureSetRecord, SPLIT_NAMES } from './featuresets';
import { partitionStored } from './parse';
import {
  parseDatasetRecord,
  type DatasetRecord,
  type DatasetSource,
  type UnreadableDataset
} from './records';

export interface DatasetMeta {
  name: string;
  source: DatasetSource;
  schema: ColumnSchema[];
  rows: number;
  profile: DatasetProfile;
  report: IngestReport;
  /** SHA-256 of the source file's own bytes (core/data/identity.ts SourceDigest). */
  sourceHash?: string;
  /** Column types the person chose instead of the detected ones. */
  columnTypes?: Record<string, ColumnType>;
  /** Id of the saved dataset this is a re-import of: the new one becomes its next version. */
  replaces?: string;
}

export interface DatasetMethods {
  /**
   * Stores the bytes and their record atomically; the same bytes again return the saved record.
   * With `meta.replaces`, the record is the next version of that dataset, linked back to it.
   */
  saveDataset(ipc: Uint8Array, meta: DatasetMeta): Promise<DatasetRecord>;
  /** Newest first; records that fail validation are listed as unreadable, after the others. */
  listDatasets(): Promise<(DatasetRecord | UnreadableDataset)[]>;
  /** The Arrow IPC bytes, checked against their SHA-256. */
  loadDatasetBytes(id: string): Promise<Uint8Array>;
  renameDataset(id: string, name: string): Promise<void>;
  deleteDataset(id: string): Promise<void>;
}

export function datasetMethods(database: Database): DatasetMethods {
  const { db, withLock, changed } = database;

  async function readRecord(id: string): Promise<DatasetRecord | undefined> {
    const value = await db.get('datasets', id);
    if (value === undefined) return undefined;
    const parsed = parseDatasetRecord(value);
    if (!parsed.ok) {
      throw new LatheError(
        'CORRUPT_DATASET',
        `The saved record of dataset ${id} is damaged (${parsed.reason}). Delete it and add the data again.`,
        { id }
      );
    }
    return parsed.record;
  }

  const notFound = (id: string) =>
    new LatheError('DATASET_NOT_FOUND', `There is no saved dataset ${id}.`, { id });

  /** Version and link of a re-import: one past the highest version of that dataset's line. */
  async function lineage(replaces: string): Promise<{ version: number; previousId: string }> {
    const previous = await readRecord(replaces);
    if (!previous) {
      throw new LatheError(
        'DATASET_NOT_FOUND',
        `The dataset this import was to be a new version of (${replaces}) is no longer saved; nothing was saved. Import the file again as a new dataset.`,
        { id: replaces }
      );
    }
    const all = (await db.getAll('datasets')).flatMap((value) => {
      const parsed = parseDatasetRecord(value);
      return parsed.ok ? [parsed.record] : [];
    });
    const byId = new Map(all.map((r) => [r.id, r]));
    const rootOf = (record: DatasetRecord) => {
      const seen = new Set<string>();
      let current = record;
      while (current.previousId && !seen.has(current.id)) {
        seen.add(current.id);
        const earlier = byId.get(current.previousId);
        if (!earlier) break;
        current = earlier;
      }
      return current.id;
    };
    const root = rootOf(previous);
    const latest = all
      .filter((r) => rootOf(r) === root)
      .reduce((max, r) => Math.max(max, r.version ?? 1), previous.version ?? 1);
    return { version: latest + 1, previousId: previous.id };
  }

  return {
    async saveDataset(ipc, meta) {
      const hash = await datasetHash(ipc);
      const bytes = database.toStored(ipc);
      const { replaces, sourceHash, columnTypes, ...fields } = meta;
      const base: DatasetRecord = {
        ...fields,
        id: hash,
        hash,
        bytes: ipc.byteLength,
        createdAt: Date.now(),
        ...(sourceHash ? { sourceHash } : {}),
        ...(columnTypes && Object.keys(columnTypes).length ? { columnTypes } : {})
      };
      const valid = parseDatasetRecord(base);
      if (!valid.ok) {
        throw new LatheError('INVALID_DATASET', `Cannot save "${meta.name}": ${valid.reason}.`);
      }
      let wrote = false;
      const saved = await withLock(async () => {
        const existing = parseDatasetRecord(await db.get('datasets', hash));
        if (existing.ok) {
          if (!sourceHash || existing.record.sourceHash) return existing.record;
          // Saved before source hashes were kept: the same bytes came again, now from a known file.
          const healed = { ...existing.record, sourceHash };
          await db.put('datasets', healed);
          wrote = true;
          return healed;
        }
        const record: DatasetRecord = replaces ? { ...base, ...(await lineage(replaces)) } : base;
        await database.writeAtomically(
          ['blobs', 'datasets'],
          (tx, track) => {
            track(tx.objectStore('blobs').put(bytes, hash));
            track(tx.objectStore('datasets').put(record));
          },
          meta.name,
          ipc.byteLength
        );
        wrote = true;
        return record;
      });
      if (wrote) changed();
      return saved;
    },

    async listDatasets() {
      const tx = db.transaction('datasets');
      const [keys, values] = await Promise.all([tx.store.getAllKeys(), tx.store.getAll(), tx.done]);
      return partitionStored(
        values,
        parseDatasetRecord,
        (a, b) => b.createdAt - a.createdAt || a.id.localeCompare(b.id),
        keys
      );
    },

    async loadDatasetBytes(id) {
      const record = await readRecord(id);
      if (!record) throw notFound(id);
      return database.readVerified(
        record.hash,
        `"${record.name}"`,
        'Delete the dataset and add the data again.'
      );
    },

    async renameDataset(id, newName) {
      const trimmed = newName.trim();
      if (!trimmed) throw new LatheError('INVALID_NAME', 'A dataset name cannot be empty.');
      await withLock(async () => {
        const record = await readRecord(id);
        if (!record) throw notFound(id);
        await db.put('datasets', { ...record, name: trimmed });
      });
      changed();
    },

    async deleteDataset(id) {
      await withLock(async () => {
        const tx = db.transaction(['blobs', 'datasets', 'featureSets'], 'readwrite');
        const sharedWithFeatureSet = (await tx.objectStore('featureSets').getAll()).some(
          (value) => {
            const parsed = parseFeatureSetRecord(value);
            return parsed.ok && SPLIT_NAMES.some((n) => parsed.record.splits[n].hash === id);
          }
        );
        await Promise.all([
          tx.objectStore('datasets').delete(id),
          sharedWithFeatureSet ? Promise.resolve() : tx.objectStore('blobs').delete(id),
          tx.done
        ]);
      });
      changed();
    }
  };
}
