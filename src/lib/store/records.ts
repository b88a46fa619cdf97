import * as v from 'valibot';
import { parseStored, type Unreadable } from './parse';
import {
  COLUMN_TYPES,
  SOURCE_FORMATS,
  type ColumnSchema,
  type DatasetProfile,
  type IngestReport
} from '../core/data/types';

export type DatasetSource =
  | { kind: 'file'; fileName: string }
  | { kind: 'url'; url: string }
  | { kind: 'sample'; sampleId: string };

export interface DatasetRecord {
  /** Equal to `hash`: datasets are content-addressed. */
  id: string;
  /** SHA-256 (hex) of the Arrow IPC bytes. */
  hash: string;
  name: string;
  source: DatasetSource;
  schema: ColumnSchema[];
  rows: number;
  bytes: number;
  profile: DatasetProfile;
  report: IngestReport;
  createdAt: number;
}

/** A stored record that failed validation: listed so the user can see and delete it. */
export type UnreadableDataset = Unreadable;

// Records come back from IndexedDB, which another version of the app (or the user) may have
// written: everything is validated, and NaN is allowed where profiles produce it.
const num = v.union([v.number(), v.nan()]);
const count = v.pipe(v.number(), v.integer(), v.minValue(0));
const columnType = v.picklist(COLUMN_TYPES);

const columnSchema = v.object({ name: v.string(), type: columnType });

const source = v.variant('kind', [
  v.object({ kind: v.literal('file'), fileName: v.string() }),
  v.object({ kind: v.literal('url'), url: v.string() }),
  v.object({ kind: v.literal('sample'), sampleId: v.string() })
]);

const columnProfile = v.object({
  name: v.string(),
  type: columnType,
  count,
  missing: count,
  distinct: count,
  distinctApproximate: v.boolean(),
  numeric: v.optional(
    v.object({
      min: num,
      max: num,
      mean: num,
      std: num,
      quantiles: v.object({ p05: num, p25: num, p50: num, p75: num, p95: num }),
      zeros: count,
      infinite: count,
      histogram: v.array(v.object({ lo: num, hi: num, count }))
    })
  ),
  boolean: v.optional(v.object({ trueCount: count, falseCount: count })),
  top: v.optional(v.array(v.object({ value: v.string(), count }))),
  meanLength: v.optional(num)
});

const report = v.object({
  format: v.picklist(SOURCE_FORMATS),
  delimiter: v.optional(v.string()),
  encoding: v.picklist(['utf-8', 'windows-1252']),
  rows: count,
  columns: v.array(columnSchema),
  invalid: v.array(
    v.object({
      column: v.string(),
      type: columnType,
      count,
      examples: v.array(v.object({ line: count, value: v.string() }))
    })
  ),
  warnings: v.array(
    v.object({
      code: v.picklist([
        'RAGGED_ROWS',
        'RENAMED_COLUMNS',
        'ENCODING_FALLBACK',
        'FORMAT_MISMATCH',
        'INVALID_VALUES',
        'TYPE_WIDENED'
      ]),
      message: v.string(),
      details: v.optional(v.record(v.string(), v.unknown()))
    })
  ),
  bytes: count,
  millis: v.number()
});

const HASH = /^[0-9a-f]{64}$/;

export const DatasetRecordSchema = v.pipe(
  v.object({
    id: v.pipe(v.string(), v.regex(HASH)),
    hash: v.pipe(v.string(), v.regex(HASH)),
    name: v.string(),
    source,
    schema: v.array(columnSchema),
    rows: count,
    bytes: count,
    profile: v.object({ rows: count, columns: v.array(columnProfile) }),
    report,
    createdAt: v.number()
  }),
  v.check((r) => r.id === r.hash, 'id differs from hash')
);

/** The record, or a reason it cannot be read (first validation issue, with its path). */
export function parseDatasetRecord(
  value: unknown
): { ok: true; record: DatasetRecord } | { ok: false; reason: string } {
  return parseStored(DatasetRecordSchema as v.GenericSchema<unknown, DatasetRecord>, value);
}
