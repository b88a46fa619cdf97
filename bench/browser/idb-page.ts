/**
 * Browser bench page (bundled by bench/browser/vite.config.ts, driven by bench/lib/browser.ts).
 * Generates a deterministic ~80 MB Arrow table (1M rows shaped like the CSV bench file), then
 * times, in alternation and in fresh databases per round:
 *   - Lathe's store: saveDataset(ipcBytes) and loadDatasetBytes(id) + tableFromIPC;
 *   - a raw idb put of a Blob of the same bytes, and a raw get + blob.arrayBuffer().
 * Exposes `window.runIdbBench(rounds)` resolving to IdbBenchResult.
 */
import {
  Dictionary,
  Field,
  Float64,
  Int32,
  makeData,
  RecordBatch,
  Schema,
  Struct,
  Table,
  tableFromIPC,
  tableToIPC,
  Utf8,
  vectorFromArray
} from 'apache-arrow';
import { deleteDB, openDB } from 'idb';
import { prng } from '../lib/prng.ts';
import type { ColumnSchema, IngestReport } from '../../src/lib/core/data/types.ts';
import { openStore, profileTable, type DatasetMeta } from '../lib/lathe-browser.ts';

export interface IdbBenchResult {
  bytes: number;
  rows: number;
  generateMs: number;
  ipcWriteMs: number[];
  saveMs: number[];
  openMs: number[];
  rawWriteMs: number[];
  rawReadMs: number[];
  /** profileTable on the page's table, untimed for IDB purposes but reported. */
  profileMs: number;
  userAgent: string;
}

const ROWS = 1_000_000;

function generateTable(rows: number): Table {
  const rnd = prng(42);
  const fields: Field[] = [];
  const children = [];
  for (let c = 0; c < 8; c++) {
    const values = new Float64Array(rows);
    const scale = 10 ** (c % 4);
    for (let i = 0; i < rows; i++) values[i] = (rnd() - 0.5) * scale;
    fields.push(new Field(`x${c + 1}`, new Float64(), true));
    children.push(makeData({ type: new Float64(), length: rows, nullCount: 0, data: values }));
  }
  for (const name of ['cat_a', 'cat_b']) {
    const codes = new Int32Array(rows);
    for (let i = 0; i < rows; i++) codes[i] = Math.floor(rnd() * 20);
    const levels = Array.from({ length: 20 }, (_, k) => `${name}-level-${k}`);
    const type = new Dictionary(new Utf8(), new Int32());
    fields.push(new Field(name, type, true));
    children.push(
      makeData({
        type,
        length: rows,
        nullCount: 0,
        data: codes,
        dictionary: vectorFromArray(levels, new Utf8())
      })
    );
  }
  for (const [name, max] of [
    ['count', 100000],
    ['label', 2]
  ] as const) {
    const values = new Int32Array(rows);
    for (let i = 0; i < rows; i++) values[i] = Math.floor(rnd() * max);
    fields.push(new Field(name, new Int32(), true));
    children.push(makeData({ type: new Int32(), length: rows, nullCount: 0, data: values }));
  }
  const schema = new Schema(fields);
  const data = makeData({ type: new Struct(fields), length: rows, nullCount: 0, children });
  return new Table(schema, [new RecordBatch(schema, data)]);
}

/** Lets the previous round's writes settle so rounds don't contend for the disk. */
const settle = (): Promise<void> => new Promise((ok) => setTimeout(ok, 400));

async function rawWrite(dbName: string, bytes: Uint8Array): Promise<number> {
  const db = await openDB(dbName, 1, { upgrade: (d) => void d.createObjectStore('blobs') });
  const t0 = performance.now();
  await db.put('blobs', new Blob([bytes as Uint8Array<ArrayBuffer>]), 'table');
  const ms = performance.now() - t0;
  db.close();
  return ms;
}

async function rawRead(dbName: string, expected: number): Promise<number> {
  const db = await openDB(dbName, 1);
  const t0 = performance.now();
  const blob = (await db.get('blobs', 'table')) as Blob;
  const buf = await blob.arrayBuffer();
  const ms = performance.now() - t0;
  db.close();
  if (buf.byteLength !== expected) throw new Error(`raw read ${buf.byteLength} bytes`);
  return ms;
}

/** The record the ingest worker would save beside the bytes (profile computed once, untimed). */
function metaFor(table: Table, bytes: number): DatasetMeta {
  const schema: ColumnSchema[] = table.schema.fields.map((f) => ({
    name: f.name,
    type: f.name.startsWith('cat_') ? 'categorical' : f.name.startsWith('x') ? 'float' : 'integer'
  }));
  const report: IngestReport = {
    format: 'csv',
    delimiter: ',',
    encoding: 'utf-8',
    rows: table.numRows,
    columns: schema,
    invalid: [],
    warnings: [],
    bytes,
    millis: 0
  };
  return {
    name: 'bench-80mb',
    source: { kind: 'file', fileName: 'bench-80mb.csv' },
    schema,
    rows: table.numRows,
    profile: profileTable(table),
    report
  };
}

async function storeSave(
  name: string,
  bytes: Uint8Array,
  meta: DatasetMeta
): Promise<[number, string]> {
  const store = await openStore({ name });
  const t0 = performance.now();
  const saved = await store.saveDataset(bytes, meta);
  const ms = performance.now() - t0;
  store.close();
  return [ms, saved.id];
}

async function storeOpen(name: string, id: string, rows: number): Promise<number> {
  const store = await openStore({ name });
  const t0 = performance.now();
  const bytes = await store.loadDatasetBytes(id);
  const table = tableFromIPC(bytes);
  const ms = performance.now() - t0;
  store.close();
  if (table.numRows !== rows) throw new Error(`opened ${table.numRows} rows, expected ${rows}`);
  return ms;
}

async function runIdbBench(rounds = 3): Promise<IdbBenchResult> {
  let t0 = performance.now();
  const table = generateTable(ROWS);
  const generateMs = performance.now() - t0;
  const ipcWriteMs: number[] = [];
  let bytes: Uint8Array = new Uint8Array(0);
  for (let i = 0; i < rounds; i++) {
    t0 = performance.now();
    bytes = tableToIPC(table, 'file'); // as workers/ingest.worker.ts saves it
    ipcWriteMs.push(performance.now() - t0);
  }
  const result: IdbBenchResult = {
    bytes: bytes.byteLength,
    rows: table.numRows,
    generateMs,
    ipcWriteMs,
    saveMs: [],
    openMs: [],
    rawWriteMs: [],
    rawReadMs: [],
    profileMs: 0,
    userAgent: navigator.userAgent
  };
  t0 = performance.now();
  const meta = metaFor(table, bytes.byteLength);
  result.profileMs = performance.now() - t0;
  for (let i = 0; i < rounds; i++) {
    const rawDb = `bench-raw-${i}`;
    const latheDb = `bench-lathe-${i}`;
    // Alternate which goes first so neither always meets a warmer disk/cache.
    const raw = async () => {
      await settle();
      result.rawWriteMs.push(await rawWrite(rawDb, bytes));
      await settle();
      result.rawReadMs.push(await rawRead(rawDb, bytes.byteLength));
    };
    const lathe = async () => {
      await settle();
      const [ms, id] = await storeSave(latheDb, bytes, meta);
      result.saveMs.push(ms);
      await settle();
      result.openMs.push(await storeOpen(latheDb, id, table.numRows));
    };
    if (i % 2 === 0) {
      await raw();
      await lathe();
    } else {
      await lathe();
      await raw();
    }
    await deleteDB(rawDb);
    await deleteDB(latheDb);
  }
  return result;
}

(globalThis as unknown as { runIdbBench: typeof runIdbBench }).runIdbBench = runIdbBench;
