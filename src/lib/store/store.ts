import { wrap, type DBSchema, type IDBPDatabase, type IDBPTransaction } from 'idb';
import {
  LatheError,
  type ColumnSchema,
  type DatasetProfile,
  type IngestReport
} from '../core/data/types';
import type { Json } from '../core/features/step';
import { formatBytes } from '../core/format';
import { sha256Hex } from '../core/hash';
import { canonicalJson } from '../core/spec/hash';
import {
  parseDatasetRecord,
  type DatasetRecord,
  type DatasetSource,
  type UnreadableDataset
} from './records';
import {
  ALIAS_PATTERN,
  AliasRecordSchema,
  parseModelRecord,
  type AliasRecord,
  type ModelRecord,
  type UnreadableModel
} from './models';
import { JSON_VALUE, parseStored, partitionStored } from './parse';
import {
  parseFeatureSetRecord,
  SPLIT_NAMES,
  type FeatureSetRecord,
  type SplitName,
  type UnreadableFeatureSet
} from './featuresets';

export interface DatasetMeta {
  name: string;
  source: DatasetSource;
  schema: ColumnSchema[];
  rows: number;
  profile: DatasetProfile;
  report: IngestReport;
}

export interface Store {
  /** Stores the bytes and their record atomically; the same bytes again return the saved record. */
  saveDataset(ipc: Uint8Array, meta: DatasetMeta): Promise<DatasetRecord>;
  /** Newest first; records that fail validation are listed as unreadable, after the others. */
  listDatasets(): Promise<(DatasetRecord | UnreadableDataset)[]>;
  /** The Arrow IPC bytes, checked against their SHA-256. */
  loadDatasetBytes(id: string): Promise<Uint8Array>;
  renameDataset(id: string, name: string): Promise<void>;
  deleteDataset(id: string): Promise<void>;
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
  /** Stores the packed weights and the record atomically; numbers the version. */
  saveModel(
    weights: Uint8Array,
    meta: Omit<ModelRecord, 'id' | 'version' | 'weightsHash' | 'weightsBytes' | 'createdAt'>
  ): Promise<ModelRecord>;
  listModels(): Promise<(ModelRecord | UnreadableModel)[]>;
  loadModelWeights(id: string): Promise<{ record: ModelRecord; bytes: Uint8Array }>;
  updateModel(id: string, changes: { name?: string; notes?: string }): Promise<void>;
  /** Refused (MODEL_IN_USE) while an alias points at the model. */
  deleteModel(id: string): Promise<void>;
  /** Points `alias` at a model, remembering where it pointed before (for rollback). */
  setAlias(alias: string, modelId: string): Promise<AliasRecord>;
  /** Moves the alias back to its previous model. */
  rollbackAlias(alias: string): Promise<AliasRecord>;
  removeAlias(alias: string): Promise<void>;
  listAliases(): Promise<AliasRecord[]>;
  /** A remembered setting (e.g. the backend measurement); undefined when absent or unreadable. */
  getSetting(key: string): Promise<Json | undefined>;
  putSetting(key: string, value: Json): Promise<void>;
  estimate(): Promise<{ usage: number; quota: number } | null>;
  /** Fires after any change to the store, from this tab or another; returns an unsubscribe. */
  onChange(listener: () => void): () => void;
  close(): void;
}

export const STORE_DB_NAME = 'lathe';
const DB_VERSION = 4;
const CHANNEL = 'lathe-store';
const LOCK = 'lathe-store';

type StoredBytes = Blob | ArrayBuffer;

interface LatheDB extends DBSchema {
  /** Artifact bytes by SHA-256; shared by every artifact kind. */
  blobs: { key: string; value: StoredBytes };
  /** Untrusted until validated, hence `unknown`. */
  datasets: { key: string; value: unknown };
  featureSets: { key: string; value: unknown };
  models: { key: string; value: unknown };
  aliases: { key: string; value: unknown };
  settings: { key: string; value: unknown };
}

export async function openStore(
  options: { factory?: IDBFactory; name?: string } = {}
): Promise<Store> {
  const name = options.name ?? STORE_DB_NAME;
  const request = (options.factory ?? indexedDB).open(name, DB_VERSION);
  request.addEventListener('upgradeneeded', (event) => {
    const database = wrap(request.result) as unknown as IDBPDatabase<LatheDB>;
    if (event.oldVersion < 1) {
      database.createObjectStore('blobs');
      database.createObjectStore('datasets', { keyPath: 'id' });
    }
    if (event.oldVersion < 2) database.createObjectStore('featureSets', { keyPath: 'id' });
    if (event.oldVersion < 3) {
      database.createObjectStore('models', { keyPath: 'id' });
      database.createObjectStore('aliases', { keyPath: 'alias' });
    }
    if (event.oldVersion < 4) database.createObjectStore('settings');
    // Later versions add 'models', … here, each keyed by hash, bytes in 'blobs'.
  });
  const db = (await wrap(request)) as unknown as IDBPDatabase<LatheDB>;
  // Another tab is upgrading the schema: step aside rather than block it.
  db.addEventListener('versionchange', () => db.close());
  const useBlobs = supportsBlobs(db);
  const listeners = new Set<() => void>();
  const channel = typeof BroadcastChannel === 'function' ? new BroadcastChannel(CHANNEL) : null;
  const notifyLocal = () => listeners.forEach((listener) => listener());
  if (channel) {
    channel.onmessage = (event: MessageEvent) => {
      if ((event.data as { db?: unknown } | null)?.db === name) notifyLocal();
    };
  }
  const changed = () => {
    channel?.postMessage({ db: name });
    notifyLocal();
  };

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

  async function readVerifiedBlob(hash: string, what: string, remedy: string): Promise<Uint8Array> {
    const stored: unknown = await db.get('blobs', hash);
    const bytes =
      stored instanceof Blob
        ? new Uint8Array(await stored.arrayBuffer())
        : stored instanceof ArrayBuffer
          ? new Uint8Array(stored)
          : null;
    if (!bytes || (await sha256Hex(bytes)) !== hash) {
      throw new LatheError(
        'CORRUPT_DATASET',
        `The saved bytes of ${what} are missing or do not match their checksum: the browser's storage is damaged. ${remedy}`,
        { hash }
      );
    }
    return bytes;
  }

  /** One readwrite transaction over `stores`: all of `writes` land, or none does. */
  async function writeAtomically(
    stores: ('blobs' | 'datasets' | 'featureSets' | 'models' | 'aliases')[],
    writes: (
      tx: IDBPTransaction<LatheDB, typeof stores, 'readwrite'>,
      track: (request: Promise<unknown>) => void
    ) => void,
    what: string,
    bytes: number
  ): Promise<void> {
    const tx = db.transaction(stores, 'readwrite');
    const pending: Promise<unknown>[] = [];
    let thrown: unknown;
    try {
      // Tracked one by one: a put that throws must not leave earlier requests unobserved.
      writes(tx, (request) => pending.push(request));
    } catch (error) {
      thrown = error;
      abortQuietly(tx);
    }
    const results = await Promise.allSettled([...pending, tx.done]);
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (!failed && thrown === undefined) return;
    const cause = thrown ?? tx.error ?? failed?.reason;
    if (isQuotaError(cause) || isQuotaError(failed?.reason)) {
      throw await quotaError(what, bytes, cause);
    }
    throw new LatheError(
      'STORE_WRITE_FAILED',
      `Could not save "${what}": ${errorMessage(cause)}. Nothing was saved.`,
      { cause: errorName(cause) }
    );
  }

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

  async function listDatasets(): Promise<(DatasetRecord | UnreadableDataset)[]> {
    const tx = db.transaction('datasets');
    const [keys, values] = await Promise.all([tx.store.getAllKeys(), tx.store.getAll(), tx.done]);
    const records: DatasetRecord[] = [];
    const unreadable: UnreadableDataset[] = [];
    keys.forEach((key, i) => {
      const parsed = parseDatasetRecord(values[i]);
      if (parsed.ok) return records.push(parsed.record);
      const named = values[i] as { name?: unknown } | null;
      unreadable.push({
        id: String(key),
        unreadable: true,
        reason: parsed.reason,
        ...(typeof named?.name === 'string' ? { name: named.name } : {})
      });
    });
    records.sort((a, b) => b.createdAt - a.createdAt || a.id.localeCompare(b.id));
    return [...records, ...unreadable];
  }

  async function quotaError(what: string, bytes: number, cause: unknown): Promise<LatheError> {
    const [usage, listed] = await Promise.all([
      estimate(),
      listDatasets().catch((): (DatasetRecord | UnreadableDataset)[] => [])
    ]);
    const saved = listed.filter((d): d is DatasetRecord => !('unreadable' in d));
    const largest = saved.sort((a, b) => b.bytes - a.bytes).slice(0, 3);
    const used = usage
      ? `This site uses ${formatBytes(usage.usage)} of the ${formatBytes(usage.quota)} the browser allows (${formatBytes(Math.max(0, usage.quota - usage.usage))} available).`
      : `Saved datasets take ${formatBytes(saved.reduce((sum, d) => sum + d.bytes, 0))}.`;
    const hint = largest.length
      ? ` The largest saved datasets are ${largest.map((d) => `"${d.name}" (${formatBytes(d.bytes)})`).join(', ')}; delete some of them to make room.`
      : ' Free space in the browser (or on the disk) and try again.';
    return new LatheError(
      'QUOTA_EXCEEDED',
      `Not enough storage to save "${what}" (${formatBytes(bytes)}). ${used}${hint} Everything saved before is unchanged.`,
      {
        needed: bytes,
        usage: usage?.usage,
        quota: usage?.quota,
        largest: largest.map((d) => ({ id: d.id, name: d.name, bytes: d.bytes })),
        cause: errorName(cause)
      }
    );
  }

  async function estimate() {
    const storage = typeof navigator === 'undefined' ? undefined : navigator.storage;
    if (!storage?.estimate) return null;
    const { usage, quota } = await storage.estimate();
    return usage === undefined || quota === undefined ? null : { usage, quota };
  }

  return {
    async saveDataset(ipc, meta) {
      const hash = await sha256Hex(ipc);
      const bytes: StoredBytes = useBlobs
        ? new Blob([ipc as Uint8Array<ArrayBuffer>])
        : exactBuffer(ipc);
      const record: DatasetRecord = {
        id: hash,
        hash,
        name: meta.name,
        source: meta.source,
        schema: meta.schema,
        rows: meta.rows,
        bytes: ipc.byteLength,
        profile: meta.profile,
        report: meta.report,
        createdAt: Date.now()
      };
      const valid = parseDatasetRecord(record);
      if (!valid.ok) {
        throw new LatheError('INVALID_DATASET', `Cannot save "${meta.name}": ${valid.reason}.`);
      }
      const saved = await withLock(async () => {
        const existing = parseDatasetRecord(await db.get('datasets', hash));
        if (existing.ok) return existing.record;
        await writeAtomically(
          ['blobs', 'datasets'],
          (tx, track) => {
            track(tx.objectStore('blobs').put(bytes, hash));
            track(tx.objectStore('datasets').put(record));
          },
          meta.name,
          ipc.byteLength
        );
        return record;
      });
      if (saved === record) changed();
      return saved;
    },

    listDatasets,

    async loadDatasetBytes(id) {
      const record = await readRecord(id);
      if (!record) {
        throw new LatheError('DATASET_NOT_FOUND', `There is no saved dataset ${id}.`, { id });
      }
      return readVerifiedBlob(
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
        if (!record)
          throw new LatheError('DATASET_NOT_FOUND', `There is no saved dataset ${id}.`, { id });
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
    },

    async saveFeatureSet(splits, meta) {
      const stored = await Promise.all(
        SPLIT_NAMES.map(async (name) => {
          const { ipc, rows } = splits[name];
          const hash = await sha256Hex(ipc);
          const bytes: StoredBytes = useBlobs
            ? new Blob([ipc as Uint8Array<ArrayBuffer>])
            : exactBuffer(ipc);
          return { name, hash, bytes, size: ipc.byteLength, rows };
        })
      );
      const record: FeatureSetRecord = {
        ...meta,
        splits: {
          train: { hash: stored[0].hash, rows: stored[0].rows, bytes: stored[0].size },
          validation: { hash: stored[1].hash, rows: stored[1].rows, bytes: stored[1].size },
          test: { hash: stored[2].hash, rows: stored[2].rows, bytes: stored[2].size }
        },
        createdAt: Date.now()
      };
      const valid = parseFeatureSetRecord(record);
      if (!valid.ok) {
        throw new LatheError('INVALID_FEATURE_SET', `Cannot save "${meta.name}": ${valid.reason}.`);
      }
      const total = stored.reduce((sum, s) => sum + s.size, 0);
      const saved = await withLock(async () => {
        const existing = parseFeatureSetRecord(await db.get('featureSets', record.id));
        if (existing.ok) return existing.record;
        await writeAtomically(
          ['blobs', 'featureSets'],
          (tx, track) => {
            for (const s of stored) track(tx.objectStore('blobs').put(s.bytes, s.hash));
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
      if (!record) {
        throw new LatheError('FEATURE_SET_NOT_FOUND', `There is no saved feature set ${id}.`, {
          id
        });
      }
      return readVerifiedBlob(
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
        if (!record) {
          throw new LatheError('FEATURE_SET_NOT_FOUND', `There is no saved feature set ${id}.`, {
            id
          });
        }
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
    },

    async saveModel(weights, meta) {
      const weightsHash = await sha256Hex(weights);
      // Everything recorded about the run that makes it this run: the same settings trained
      // again on the same backend give the same id (one version); any difference, another.
      const backend = meta.backend;
      const identity = canonicalJson([
        weightsHash,
        meta.manifest,
        meta.classes,
        meta.featureNames,
        meta.featureSetId,
        meta.spec,
        meta.seed,
        meta.status,
        meta.bestEpoch,
        backend && typeof backend === 'object' && !Array.isArray(backend) ? backend.name : null
      ]);
      const id = await sha256Hex(new TextEncoder().encode(identity));
      const bytes: StoredBytes = useBlobs
        ? new Blob([weights as Uint8Array<ArrayBuffer>])
        : exactBuffer(weights);
      const saved = await withLock(async () => {
        const existing = parseModelRecord(await db.get('models', id));
        if (existing.ok) return existing.record;
        const versions = (await db.getAll('models')).map((m) => parseModelRecord(m));
        const version =
          1 + versions.reduce((max, m) => (m.ok ? Math.max(max, m.record.version) : max), 0);
        const record: ModelRecord = {
          ...meta,
          id,
          version,
          weightsHash,
          weightsBytes: weights.byteLength,
          createdAt: Date.now()
        };
        const valid = parseModelRecord(record);
        if (!valid.ok) {
          throw new LatheError('INVALID_MODEL', `Cannot save "${meta.name}": ${valid.reason}.`);
        }
        await writeAtomically(
          ['blobs', 'models'],
          (tx, track) => {
            track(tx.objectStore('blobs').put(bytes, weightsHash));
            track(tx.objectStore('models').put(record));
          },
          meta.name,
          weights.byteLength
        );
        changed();
        return record;
      });
      return saved;
    },

    async listModels() {
      return partitionStored(
        await db.getAll('models'),
        parseModelRecord,
        (a, b) => b.version - a.version
      );
    },

    async loadModelWeights(id) {
      const parsed = parseModelRecord(await db.get('models', id));
      if (!parsed.ok) {
        throw new LatheError('MODEL_NOT_FOUND', `There is no readable saved model ${id}.`, { id });
      }
      const bytes = await readVerifiedBlob(
        parsed.record.weightsHash,
        `the weights of "${parsed.record.name}"`,
        'Delete the model and train it again.'
      );
      return { record: parsed.record, bytes };
    },

    async updateModel(id, changes) {
      await withLock(async () => {
        const parsed = parseModelRecord(await db.get('models', id));
        if (!parsed.ok)
          throw new LatheError('MODEL_NOT_FOUND', `There is no saved model ${id}.`, { id });
        const name = changes.name?.trim();
        if (changes.name !== undefined && !name) {
          throw new LatheError('INVALID_NAME', 'A model name cannot be empty.');
        }
        const next = {
          ...parsed.record,
          ...(name ? { name } : {}),
          ...(changes.notes !== undefined ? { notes: changes.notes } : {})
        };
        const valid = parseModelRecord(next);
        if (!valid.ok) throw new LatheError('INVALID_MODEL', valid.reason);
        await db.put('models', next);
      });
      changed();
    },

    async deleteModel(id) {
      await withLock(async () => {
        const tx = db.transaction(['blobs', 'models', 'aliases'], 'readwrite');
        const aliases = (await tx.objectStore('aliases').getAll())
          .map((a) => parseStored(AliasRecordSchema, a))
          .flatMap((a) => (a.ok && a.record.modelId === id ? [a.record.alias] : []));
        if (aliases.length) {
          abortQuietly(tx);
          await tx.done.catch(() => {});
          throw new LatheError(
            'MODEL_IN_USE',
            `This model cannot be deleted while ${aliases.map((a) => `"${a}"`).join(' and ')} ${aliases.length === 1 ? 'points' : 'point'} at it. Move the alias to another version first.`,
            { aliases }
          );
        }
        const target = parseModelRecord(await tx.objectStore('models').get(id));
        let blobShared = false;
        if (target.ok) {
          for (const other of await tx.objectStore('models').getAll()) {
            const parsed = parseModelRecord(other);
            if (
              parsed.ok &&
              parsed.record.id !== id &&
              parsed.record.weightsHash === target.record.weightsHash
            ) {
              blobShared = true;
            }
          }
        }
        await Promise.all([
          tx.objectStore('models').delete(id),
          target.ok && !blobShared
            ? tx.objectStore('blobs').delete(target.record.weightsHash)
            : Promise.resolve(),
          tx.done
        ]);
      });
      changed();
    },

    async setAlias(alias, modelId) {
      if (!ALIAS_PATTERN.test(alias)) {
        throw new LatheError(
          'INVALID_ALIAS',
          `"${alias}" is not a usable alias: use 1–40 lowercase letters, digits, - or _, starting with a letter.`
        );
      }
      const record = await withLock(async () => {
        if (!parseModelRecord(await db.get('models', modelId)).ok) {
          throw new LatheError('MODEL_NOT_FOUND', `There is no saved model ${modelId}.`, {
            modelId
          });
        }
        const current = parseStored(AliasRecordSchema, await db.get('aliases', alias));
        const now = Date.now();
        const next: AliasRecord = current.ok
          ? current.record.modelId === modelId
            ? current.record
            : {
                alias,
                modelId,
                history: [
                  ...current.record.history,
                  { modelId: current.record.modelId, at: current.record.movedAt }
                ].slice(-50),
                movedAt: now
              }
          : { alias, modelId, history: [], movedAt: now };
        await db.put('aliases', next);
        return next;
      });
      changed();
      return record;
    },

    async rollbackAlias(alias) {
      const record = await withLock(async () => {
        const current = parseStored(AliasRecordSchema, await db.get('aliases', alias));
        if (!current.ok || current.record.history.length === 0) {
          throw new LatheError(
            'NOTHING_TO_ROLL_BACK',
            `"${alias}" has no earlier version to move back to.`
          );
        }
        const history = [...current.record.history];
        const previous = history.pop()!;
        const next: AliasRecord = {
          alias,
          modelId: previous.modelId,
          history,
          movedAt: Date.now()
        };
        await db.put('aliases', next);
        return next;
      });
      changed();
      return record;
    },

    async removeAlias(alias) {
      await withLock(() => db.delete('aliases', alias));
      changed();
    },

    async listAliases() {
      return (await db.getAll('aliases'))
        .map((a) => parseStored(AliasRecordSchema, a))
        .flatMap((a) => (a.ok ? [a.record] : []))
        .sort((a, b) => a.alias.localeCompare(b.alias));
    },

    async getSetting(key) {
      const parsed = parseStored(JSON_VALUE, await db.get('settings', key));
      return parsed.ok ? parsed.record : undefined;
    },

    async putSetting(key, value) {
      await db.put('settings', value, key);
    },

    estimate,

    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    close() {
      listeners.clear();
      channel?.close();
      db.close();
    }
  };
}

/**
 * Chromium and Firefox keep Blobs in IndexedDB out of the JS heap (and Chromium reads them back
 * fastest that way); where a Blob cannot be cloned into IndexedDB (older WebKit, some test fakes)
 * the bytes are stored as an ArrayBuffer. Probed with a put in a transaction that is then
 * aborted, so the probe writes nothing.
 */
function supportsBlobs(db: IDBPDatabase<LatheDB>): boolean {
  if (typeof Blob !== 'function') return false;
  const tx = db.transaction('blobs', 'readwrite');
  let ok = true;
  try {
    tx.store.put(new Blob([new Uint8Array([1])]), '').catch(() => {});
  } catch {
    ok = false;
  }
  tx.done.catch(() => {});
  abortQuietly(tx);
  return ok;
}

function abortQuietly(tx: { abort(): void }) {
  try {
    tx.abort();
  } catch {
    // already finished or aborted
  }
}

function exactBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.byteOffset === 0 &&
    bytes.byteLength === bytes.buffer.byteLength &&
    bytes.buffer instanceof ArrayBuffer
    ? bytes.buffer
    : (bytes.slice().buffer as ArrayBuffer);
}

const localQueues = new Map<string, Promise<unknown>>();

/** Web Locks across tabs and workers where available; otherwise a queue within this realm. */
function withLock<T>(task: () => Promise<T>): Promise<T> {
  const locks = typeof navigator === 'undefined' ? undefined : navigator.locks;
  if (locks?.request) return locks.request(LOCK, task) as Promise<T>;
  const previous = localQueues.get(LOCK) ?? Promise.resolve();
  const run = previous.then(task, task);
  localQueues.set(
    LOCK,
    run.catch(() => {})
  );
  return run;
}

function isQuotaError(error: unknown): boolean {
  const name = errorName(error);
  return name === 'QuotaExceededError' || name === 'NS_ERROR_DOM_QUOTA_REACHED';
}

function errorName(error: unknown): string | undefined {
  return error && typeof error === 'object' && 'name' in error ? String(error.name) : undefined;
}

function errorMessage(error: unknown): string {
  return error instanceof Error || error instanceof DOMException ? error.message : String(error);
}
