import * as arrow from 'apache-arrow';
import * as v from 'valibot';
import { LatheError } from '../core/base/errors';
import { formatBytes } from '../core/base/format';
import { sha256Hex } from '../core/base/hash';
import type { Database } from './db';
import { COUNT, HASH, parseStored, partitionStored, type Parsed, type Unreadable } from './parse';
import { nearQuota, usageText } from './quota';

/**
 * The prediction log. Each logged batch (a file's rows, or one hand-filled row) is one record in
 * 'predictions' and one Arrow IPC file in 'blobs' holding its rows: a row id, the raw inputs as
 * given and the outputs. Row ids are int64 from one sequence over the whole log (kept in
 * 'settings'), so they are unique across batches and never reused after a delete; a batch's ids
 * are `firstRow` .. `firstRow + rows - 1`. Record, blob and sequence are written in one
 * transaction: a batch is logged whole or not at all. Monitoring reads this log, so the record
 * carries its schema version.
 */
const Name = v.pipe(v.string(), v.minLength(1), v.maxLength(1000));

const PredictionSourceSchema = v.variant('kind', [
  /** A file of rows: the SHA-256 of its own bytes, and its name when known. */
  v.object({
    kind: v.literal('batch'),
    sourceHash: HASH,
    fileName: v.optional(v.pipe(v.string(), v.maxLength(1000)))
  }),
  /** One row filled in by hand. */
  v.object({ kind: v.literal('form') }),
  /** The embeddable widget, with the page it ran on when known. */
  v.object({
    kind: v.literal('widget'),
    origin: v.optional(v.pipe(v.string(), v.maxLength(2000)))
  })
]);

export type PredictionSource = v.InferOutput<typeof PredictionSourceSchema>;

/**
 * What a column of a logged batch holds: the row id, a raw input as given, or an output (the
 * predicted label, the probability of one class, or a regression's prediction).
 */
const PredictionColumnSchema = v.variant('role', [
  v.object({ role: v.literal('row'), name: Name }),
  v.object({ role: v.literal('input'), name: Name }),
  v.object({ role: v.literal('label'), name: Name }),
  v.object({ role: v.literal('probability'), name: Name, class: v.string() }),
  v.object({ role: v.literal('prediction'), name: Name })
]);

export type PredictionColumn = v.InferOutput<typeof PredictionColumnSchema>;

export const PredictionBatchRecordSchema = v.pipe(
  v.object({
    /** Version of this record's layout; a reader refuses one it does not know. */
    schema: v.literal(1),
    id: v.pipe(v.string(), v.minLength(1), v.maxLength(100)),
    /** When the predictions were made, ms since the epoch. */
    time: v.pipe(v.number(), v.finite()),
    modelId: HASH,
    modelVersion: COUNT,
    /** SHA-256 of the ONNX file that made the predictions. */
    onnxHash: HASH,
    source: PredictionSourceSchema,
    rows: v.pipe(COUNT, v.minValue(1)),
    /** The row id of the first row; the others follow one by one. */
    firstRow: COUNT,
    /** Size of the Arrow IPC file. */
    bytes: COUNT,
    columns: v.array(PredictionColumnSchema),
    /** SHA-256 of the Arrow IPC file: its key in 'blobs'. */
    hash: HASH
  }),
  v.check(
    (r) => new Set(r.columns.map((c) => c.name)).size === r.columns.length,
    'two columns have the same name'
  ),
  v.check(
    (r) => r.columns.filter((c) => c.role === 'row').length === 1,
    'there is not exactly one row id column'
  )
);

export type PredictionBatchRecord = v.InferOutput<typeof PredictionBatchRecordSchema>;

export function parsePredictionBatchRecord(value: unknown): Parsed<PredictionBatchRecord> {
  return parseStored(PredictionBatchRecordSchema, value);
}

const RetentionSchema = v.object({
  maxRows: v.optional(v.pipe(COUNT, v.minValue(1))),
  maxDays: v.optional(v.pipe(v.number(), v.finite(), v.gtValue(0)))
});

/** Caps on the log; none means keep everything. */
export type PredictionRetention = v.InferOutput<typeof RetentionSchema>;

export interface PredictionBatchMeta {
  model: { id: string; version: number; onnxHash: string };
  source: PredictionSource;
  /** Every column of the table, by role (the row id column is added here, not given). */
  columns: Exclude<PredictionColumn, { role: 'row' }>[];
  /** When the predictions were made; now when not given. */
  time?: number;
}

export interface PredictionFilter {
  modelId?: string;
  /** Inclusive bounds on `time`, ms since the epoch. */
  from?: number;
  to?: number;
}

export interface LoggedPredictions {
  record: PredictionBatchRecord;
  /** Batches the retention setting removed to make way for this one (oldest first). */
  dropped: { batches: number; rows: number };
  /** Set when the site uses most of its storage quota (the log may soon stop being written). */
  quota: { usage: number; quota: number; logBytes: number } | null;
}

export interface PredictionMethods {
  /**
   * Logs one batch of predictions, whole or not at all, then applies the retention setting.
   * The table (or its Arrow IPC bytes) is left as it was. A write refused for lack of storage
   * throws QUOTA_EXCEEDED saying which rows of which model were not logged.
   */
  logPredictions(batch: {
    table: arrow.Table | Uint8Array;
    meta: PredictionBatchMeta;
  }): Promise<LoggedPredictions>;
  /** Newest first (unreadable records after the rest); `from` and `to` are inclusive. */
  listPredictionBatches(
    filter?: PredictionFilter
  ): Promise<(PredictionBatchRecord | UnreadablePredictionBatch)[]>;
  /** The batch's Arrow IPC file, checked against its SHA-256. */
  loadPredictionBatch(id: string): Promise<Uint8Array>;
  /**
   * Deletes the batches with these ids (readable or not), or those matching the filter; an
   * empty filter deletes the whole log. Returns how many were deleted.
   */
  deletePredictionBatches(filter: { ids: string[] } | PredictionFilter): Promise<number>;
  getPredictionRetention(): Promise<PredictionRetention>;
  /**
   * Saves the caps and applies them at once. They count whole batches: the oldest batches go
   * until the rest hold at most `maxRows` rows and none is older than `maxDays`; a batch is
   * never cut in part, and the newest one always stays, even alone over the cap.
   */
  setPredictionRetention(
    retention: PredictionRetention
  ): Promise<{ batches: number; rows: number }>;
}

export type UnreadablePredictionBatch = Unreadable;

export const RETENTION_KEY = 'predictions.retention';
/** The next row id of the log's sequence. */
const NEXT_ROW_KEY = 'predictions.nextRow';
const DAY_MS = 24 * 60 * 60 * 1000;
const ROW_COLUMN = 'row_id';

const byNewest = (a: PredictionBatchRecord, b: PredictionBatchRecord) =>
  b.time - a.time || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);

export function predictionMethods(database: Database): PredictionMethods {
  const { db, withLock, changed } = database;

  async function readRetention(): Promise<PredictionRetention> {
    const parsed = v.safeParse(RetentionSchema, await db.get('settings', RETENTION_KEY));
    return parsed.success ? parsed.output : {};
  }

  /** The readable records whose time is in `range` (all when none), oldest first. */
  async function readRecords(range?: IDBKeyRange): Promise<PredictionBatchRecord[]> {
    const values = await db.getAllFromIndex('predictions', 'time', range);
    return values.flatMap((value) => {
      const parsed = parsePredictionBatchRecord(value);
      return parsed.ok ? [parsed.record] : [];
    });
  }

  /** The stored sequence, or past every row still logged if that setting was lost. */
  async function nextRowId(): Promise<number> {
    const next = await db.get('settings', NEXT_ROW_KEY);
    if (v.is(COUNT, next)) return next;
    return (await readRecords()).reduce((max, r) => Math.max(max, r.firstRow + r.rows), 0);
  }

  /**
   * The records the caps may drop: every one under a row cap (the whole log is counted), else
   * only those older than the day cap, read through the time index. Without caps, none: logging
   * one row costs the same however long the log is.
   */
  async function retentionCandidates(
    retention: PredictionRetention,
    now: number
  ): Promise<PredictionBatchRecord[]> {
    if (retention.maxRows !== undefined) return readRecords();
    if (retention.maxDays === undefined) return [];
    return readRecords(IDBKeyRange.upperBound(now - retention.maxDays * DAY_MS, true));
  }

  /** The oldest whole batches beyond the caps, never `keep` (the batch just written). */
  function beyondRetention(
    oldestFirst: PredictionBatchRecord[],
    retention: PredictionRetention,
    keep: string | undefined,
    now: number
  ): PredictionBatchRecord[] {
    const newest = keep ?? oldestFirst.at(-1)?.id;
    const cutoff = retention.maxDays === undefined ? -Infinity : now - retention.maxDays * DAY_MS;
    let rows = oldestFirst.reduce((sum, r) => sum + r.rows, 0);
    const drop: PredictionBatchRecord[] = [];
    for (const record of oldestFirst) {
      if (record.id === newest) continue;
      const overRows = retention.maxRows !== undefined && rows > retention.maxRows;
      if (overRows || record.time < cutoff) {
        drop.push(record);
        rows -= record.rows;
      }
    }
    return drop;
  }

  /**
   * The blobs among `hashes` that nothing else keeps. A batch's bytes hold row ids no other
   * batch has, so only a dataset saved from the very same bytes (an exported batch imported
   * as is) could share them; its key is its hash.
   */
  async function ownBlobs(hashes: string[]): Promise<string[]> {
    const keys = await Promise.all(hashes.map((h) => db.getKey('datasets', h)));
    return hashes.filter((_, i) => keys[i] === undefined);
  }

  /** Deletes records and their blobs in one transaction (call holding the lock). */
  async function deleteRecords(
    ids: string[],
    hashes: string[],
    what: string,
    setting?: [key: string, value: unknown]
  ) {
    const blobs = await ownBlobs(hashes);
    await database.writeAtomically(
      ['blobs', 'predictions', 'settings'],
      (tx, track) => {
        if (setting) track(tx.objectStore('settings').put(setting[1], setting[0]));
        for (const id of ids) track(tx.objectStore('predictions').delete(id));
        for (const hash of blobs) track(tx.objectStore('blobs').delete(hash));
      },
      what,
      0
    );
  }

  async function listPredictionBatches(filter: PredictionFilter = {}) {
    const { modelId, from, to } = filter;
    const tx = db.transaction('predictions');
    let keys: IDBValidKey[];
    let values: unknown[];
    if (modelId !== undefined) {
      const range = IDBKeyRange.bound([modelId, from ?? -Infinity], [modelId, to ?? Infinity]);
      const index = tx.store.index('modelTime');
      [keys, values] = await Promise.all([index.getAllKeys(range), index.getAll(range)]);
    } else if (from !== undefined || to !== undefined) {
      const range = IDBKeyRange.bound(from ?? -Infinity, to ?? Infinity);
      const index = tx.store.index('time');
      [keys, values] = await Promise.all([index.getAllKeys(range), index.getAll(range)]);
    } else {
      // The store itself, not an index: a record too damaged to have a time is listed too.
      [keys, values] = await Promise.all([tx.store.getAllKeys(), tx.store.getAll()]);
    }
    await tx.done;
    return partitionStored(values, parsePredictionBatchRecord, byNewest, keys);
  }

  return {
    async logPredictions({ table: given, meta }) {
      const table = readTable(given);
      const time = meta.time ?? Date.now();
      const columns = checkColumns(table, meta);
      const rowName = freeName(table);
      const rows = table.numRows;
      const notLogged = `The ${rows.toLocaleString('en-US')} ${rows === 1 ? 'prediction' : 'predictions'} of model v${meta.model.version} (${meta.model.id.slice(0, 12)}…)`;

      const result = await withLock(async () => {
        const now = Date.now();
        const [nextRow, retention] = await Promise.all([nextRowId(), readRetention()]);
        const ipc = arrow.tableToIPC(withRowIds(table, rowName, nextRow), 'file');
        const hash = await sha256Hex(ipc);
        const record: PredictionBatchRecord = {
          schema: 1,
          id: crypto.randomUUID(),
          time,
          modelId: meta.model.id,
          modelVersion: meta.model.version,
          onnxHash: meta.model.onnxHash,
          source: meta.source,
          rows,
          firstRow: nextRow,
          bytes: ipc.byteLength,
          columns: [{ role: 'row', name: rowName }, ...columns],
          hash
        };
        const valid = parsePredictionBatchRecord(record);
        if (!valid.ok) {
          throw new LatheError(
            'INVALID_PREDICTIONS',
            `${notLogged} were not logged: ${valid.reason}.`,
            { modelId: meta.model.id }
          );
        }
        const candidates = await retentionCandidates(retention, now);
        const all = [...candidates, record].sort((a, b) => -byNewest(a, b));
        const drop = beyondRetention(all, retention, record.id, now);
        const dropBlobs = await ownBlobs(drop.map((r) => r.hash).filter((h) => h !== hash));
        try {
          await database.writeAtomically(
            ['blobs', 'predictions', 'settings'],
            (tx, track) => {
              track(tx.objectStore('blobs').put(database.toStored(ipc), hash));
              track(tx.objectStore('predictions').put(record));
              track(tx.objectStore('settings').put(nextRow + rows, NEXT_ROW_KEY));
              for (const old of drop) track(tx.objectStore('predictions').delete(old.id));
              for (const h of dropBlobs) track(tx.objectStore('blobs').delete(h));
            },
            notLogged,
            ipc.byteLength
          );
        } catch (error) {
          if (error instanceof LatheError && error.code === 'QUOTA_EXCEEDED') {
            throw await quotaRefusal(error, notLogged, ipc.byteLength, meta, rows);
          }
          throw error;
        }
        return {
          record,
          dropped: { batches: drop.length, rows: drop.reduce((sum, r) => sum + r.rows, 0) }
        };
      });
      changed();
      const near = await nearQuota(database);
      const logBytes = near ? (await readRecords()).reduce((sum, r) => sum + r.bytes, 0) : 0;
      return { ...result, quota: near ? { ...near, logBytes } : null };
    },

    listPredictionBatches,

    async loadPredictionBatch(id) {
      const parsed = parsePredictionBatchRecord(await db.get('predictions', id));
      if (!parsed.ok) {
        throw new LatheError(
          'PREDICTIONS_NOT_FOUND',
          `There is no readable logged batch of predictions ${id}.`,
          { id }
        );
      }
      const { record } = parsed;
      return database.readVerified(
        record.hash,
        `the ${record.rows} logged predictions of ${new Date(record.time).toISOString()}`,
        'Delete this batch from the prediction log.'
      );
    },

    async deletePredictionBatches(filter) {
      let count = 0;
      await withLock(async () => {
        let targets: { id: string; hash?: string }[];
        if ('ids' in filter) {
          const values = await Promise.all(filter.ids.map((id) => db.get('predictions', id)));
          targets = filter.ids.flatMap((id, i) => {
            if (values[i] === undefined) return [];
            const parsed = parsePredictionBatchRecord(values[i]);
            return [{ id, hash: parsed.ok ? parsed.record.hash : undefined }];
          });
        } else {
          const listed = await listPredictionBatches(filter);
          targets = listed.map((r) => ('unreadable' in r ? { id: r.id } : r));
        }
        if (!targets.length) return;
        const hashes = targets.flatMap((t) => (t.hash ? [t.hash] : []));
        await deleteRecords(
          targets.map((t) => t.id),
          hashes,
          'the deletion of logged predictions'
        );
        count = targets.length;
      });
      if (count) changed();
      return count;
    },

    getPredictionRetention: readRetention,

    async setPredictionRetention(retention) {
      const parsed = v.safeParse(v.strictObject(RetentionSchema.entries), retention);
      if (!parsed.success) {
        throw new LatheError(
          'INVALID_SETTING',
          'Prediction log retention is a whole number of rows of at least 1 and/or a number of days above 0.',
          { retention: JSON.parse(JSON.stringify(retention)) as unknown }
        );
      }
      const caps: PredictionRetention = {
        ...(parsed.output.maxRows !== undefined ? { maxRows: parsed.output.maxRows } : {}),
        ...(parsed.output.maxDays !== undefined ? { maxDays: parsed.output.maxDays } : {})
      };
      const dropped = await withLock(async () => {
        const drop = beyondRetention(await readRecords(), caps, undefined, Date.now());
        await deleteRecords(
          drop.map((r) => r.id),
          drop.map((r) => r.hash),
          'the prediction log retention',
          [RETENTION_KEY, caps]
        );
        return { batches: drop.length, rows: drop.reduce((sum, r) => sum + r.rows, 0) };
      });
      changed();
      return dropped;
    }
  };

  async function quotaRefusal(
    error: LatheError,
    notLogged: string,
    bytes: number,
    meta: PredictionBatchMeta,
    rows: number
  ): Promise<LatheError> {
    const usage = await database.estimate();
    return new LatheError(
      'QUOTA_EXCEEDED',
      `${notLogged} were not logged: the browser's storage has no room for them (${formatBytes(bytes)}). ${usage ? `${usageText(usage)} ` : ''}The predictions themselves are unaffected; download them if you need to keep them. To log again, delete older batches from the prediction log or set a lower retention.`,
      { ...error.details, rows, modelId: meta.model.id, modelVersion: meta.model.version }
    );
  }
}

function readTable(given: arrow.Table | Uint8Array): arrow.Table {
  if (given instanceof arrow.Table) return given;
  try {
    return arrow.tableFromIPC(given);
  } catch (error) {
    throw new LatheError(
      'INVALID_PREDICTIONS',
      `The predictions to log are not an Arrow IPC file: ${error instanceof Error ? error.message : String(error)}. Nothing was logged.`
    );
  }
}

/** The meta's columns, checked against the table's: each named once, every one given a role. */
function checkColumns(table: arrow.Table, meta: PredictionBatchMeta) {
  const names = table.schema.fields.map((f) => f.name);
  const refuse = (why: string) =>
    new LatheError('INVALID_PREDICTIONS', `The predictions were not logged: ${why}.`, {
      modelId: meta.model.id
    });
  if (table.numRows === 0) throw refuse('the batch has no rows');
  const twice = names.find((name, i) => names.indexOf(name) !== i);
  if (twice !== undefined) throw refuse(`the table has two columns named "${twice}"`);
  const described = new Set<string>();
  for (const column of meta.columns) {
    if (!names.includes(column.name)) throw refuse(`the table has no column "${column.name}"`);
    if (described.has(column.name)) throw refuse(`column "${column.name}" is described twice`);
    described.add(column.name);
  }
  const unknown = names.find((name) => !described.has(name));
  if (unknown !== undefined) throw refuse(`column "${unknown}" is neither an input nor an output`);
  if (!meta.columns.some((c) => c.role !== 'input')) throw refuse('the table has no output column');
  return meta.columns.map((c) => ({ ...c }));
}

/** "row_id", or the first of "row_id_1", "row_id_2", … that the table does not use. */
function freeName(table: arrow.Table): string {
  const taken = new Set(table.schema.fields.map((f) => f.name));
  let name = ROW_COLUMN;
  for (let i = 1; taken.has(name); i++) name = `${ROW_COLUMN}_${i}`;
  return name;
}

/** The table with its row ids (int64, from `first`) as a first column, sharing its data. */
function withRowIds(table: arrow.Table, name: string, first: number): arrow.Table {
  const ids = new BigInt64Array(table.numRows);
  let id = BigInt(first);
  for (let i = 0; i < ids.length; i++) ids[i] = id++;
  const rowIds = new arrow.Table({ [name]: arrow.makeVector(ids) });
  return rowIds.assign(table);
}
