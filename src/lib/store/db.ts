import { wrap, type DBSchema, type IDBPDatabase, type IDBPTransaction } from 'idb';
import { LatheError } from '../core/base/errors';
import { sha256Hex } from '../core/base/hash';
import { quotaError } from './quota';

export const STORE_DB_NAME = 'lathe';
export const DB_VERSION = 5;
const CHANNEL = 'lathe-store';
const LOCK = 'lathe-store';

export type StoredBytes = Blob | ArrayBuffer;

export interface LatheDB extends DBSchema {
  /** Artifact bytes by SHA-256; shared by every artifact kind. */
  blobs: { key: string; value: StoredBytes };
  /** Untrusted until validated, hence `unknown`. */
  datasets: { key: string; value: unknown };
  featureSets: { key: string; value: unknown };
  models: { key: string; value: unknown };
  aliases: { key: string; value: unknown };
  /** Small JSON values by key (e.g. a remembered training-backend choice). */
  settings: { key: string; value: unknown };
  /** One record per logged batch of predictions; its rows are an Arrow IPC file in 'blobs'. */
  predictions: {
    key: string;
    value: unknown;
    indexes: { time: number; modelTime: [string, number] };
  };
}

export type StoreName =
  'blobs' | 'datasets' | 'featureSets' | 'models' | 'aliases' | 'settings' | 'predictions';

/**
 * One step per version, from the version before it. Records are validated on every read, so a
 * version that only adds optional record fields needs no step of its own; a new artifact kind
 * (prediction logs, monitoring references) adds its object store here, its bytes in 'blobs'.
 */
const UPGRADES: ((db: IDBPDatabase<LatheDB>) => void)[] = [
  (db) => {
    db.createObjectStore('blobs');
    db.createObjectStore('datasets', { keyPath: 'id' });
  },
  (db) => db.createObjectStore('featureSets', { keyPath: 'id' }),
  (db) => {
    db.createObjectStore('models', { keyPath: 'id' });
    db.createObjectStore('aliases', { keyPath: 'alias' });
  },
  // 4: dataset records may carry sourceHash, version, previousId and columnTypes.
  (db) => db.createObjectStore('settings'),
  (db) => {
    const predictions = db.createObjectStore('predictions', { keyPath: 'id' });
    predictions.createIndex('time', 'time');
    predictions.createIndex('modelTime', ['modelId', 'time']);
  }
];

/** What every artifact module works through: the open database and its shared machinery. */
export interface Database {
  readonly db: IDBPDatabase<LatheDB>;
  readonly name: string;
  /** Bytes as IndexedDB here keeps them best: a Blob, or an exact ArrayBuffer. */
  toStored(bytes: Uint8Array): StoredBytes;
  /** Bytes from 'blobs', checked against their SHA-256 key. */
  readVerified(hash: string, what: string, remedy: string): Promise<Uint8Array>;
  /** One readwrite transaction over `stores`: all of `writes` land, or none does. */
  writeAtomically(
    stores: StoreName[],
    writes: (
      tx: IDBPTransaction<LatheDB, StoreName[], 'readwrite'>,
      track: (request: Promise<unknown>) => void
    ) => void,
    what: string,
    bytes: number
  ): Promise<void>;
  /** Runs `task` holding the store's write lock (across tabs and workers where possible). */
  withLock<T>(task: () => Promise<T>): Promise<T>;
  /** Tells listeners here and in other tabs that something changed. */
  changed(): void;
  onChange(listener: () => void): () => void;
  estimate(): Promise<{ usage: number; quota: number } | null>;
  close(): void;
}

export async function openDatabase(
  options: { factory?: IDBFactory; name?: string } = {}
): Promise<Database> {
  const name = options.name ?? STORE_DB_NAME;
  const request = (options.factory ?? indexedDB).open(name, DB_VERSION);
  request.addEventListener('upgradeneeded', (event) => {
    const database = typed(wrap(request.result));
    for (let version = event.oldVersion; version < DB_VERSION; version++) {
      UPGRADES[version](database);
    }
  });
  const opened = await wrap(request);
  if (!opened) throw new LatheError('STORE_UNAVAILABLE', `The database "${name}" did not open.`);
  const db = typed(opened);
  // Another tab is upgrading the schema: step aside rather than block it.
  db.addEventListener('versionchange', () => db.close());
  const useBlobs = supportsBlobs(db);
  const listeners = new Set<() => void>();
  const channel = typeof BroadcastChannel === 'function' ? new BroadcastChannel(CHANNEL) : null;
  const notifyLocal = () => listeners.forEach((listener) => listener());
  if (channel) {
    channel.onmessage = (event: MessageEvent<unknown>) => {
      const data = event.data;
      if (data !== null && typeof data === 'object' && Reflect.get(data, 'db') === name) {
        notifyLocal();
      }
    };
  }

  const database: Database = {
    db,
    name,
    toStored(bytes) {
      return useBlobs ? new Blob([bytes as Uint8Array<ArrayBuffer>]) : exactBuffer(bytes);
    },
    async readVerified(hash, what, remedy) {
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
    },
    async writeAtomically(stores, writes, what, bytes) {
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
        throw await quotaError(database, what, bytes, errorName(cause));
      }
      throw new LatheError(
        'STORE_WRITE_FAILED',
        `Could not save "${what}": ${errorMessage(cause)}. Nothing was saved.`,
        { cause: errorName(cause) }
      );
    },
    withLock,
    changed() {
      channel?.postMessage({ db: name });
      notifyLocal();
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async estimate() {
      const storage = typeof navigator === 'undefined' ? undefined : navigator.storage;
      if (!storage?.estimate) return null;
      const { usage, quota } = await storage.estimate();
      return usage === undefined || quota === undefined ? null : { usage, quota };
    },
    close() {
      listeners.clear();
      channel?.close();
      db.close();
    }
  };
  return database;
}

/** idb's `wrap` knows nothing of our schema; the object stores it names are created above. */
function typed(db: IDBPDatabase): IDBPDatabase<LatheDB> {
  return db as IDBPDatabase<LatheDB>;
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

export function abortQuietly(tx: { abort(): void }) {
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
    : bytes.slice().buffer;
}

const localQueues = new Map<string, Promise<unknown>>();

/** Web Locks across tabs and workers where available; otherwise a queue within this realm. */
async function withLock<T>(task: () => Promise<T>): Promise<T> {
  const locks = typeof navigator === 'undefined' ? undefined : navigator.locks;
  if (locks?.request) return await locks.request(LOCK, task);
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
