import * as v from 'valibot';
import { COUNT, HASH, parseStored, type Parsed, type Unreadable } from './parse';
import {
  COLUMN_TYPES,
  SOURCE_FORMATS,
  type ColumnSchema,
  type ColumnType,
  type DatasetProfile,
  type IngestReport
} from '../core/data/types';

// Records come back from IndexedDB, which another version of the app (or the user) may have
// written: everything is validated, and NaN is allowed where profiles produce it. Each schema is
// declared as yielding the core type it stands for, so the compiler checks that they agree.
const num = v.union([v.number(), v.nan()]);
const count = COUNT;
const columnType = v.picklist(COLUMN_TYPES);

const columnSchema: v.GenericSchema<unknown, ColumnSchema> = v.object({
  name: v.string(),
  type: columnType
});

const DatasetSourceSchema = v.variant('kind', [
  v.object({ kind: v.literal('file'), fileName: v.string() }),
  v.object({ kind: v.literal('url'), url: v.string() }),
  v.object({ kind: v.literal('sample'), sampleId: v.string() })
]);

export type DatasetSource = v.InferOutput<typeof DatasetSourceSchema>;

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

const profile: v.GenericSchema<unknown, DatasetProfile> = v.object({
  rows: count,
  columns: v.array(columnProfile)
});

const report: v.GenericSchema<unknown, IngestReport> = v.object({
  format: v.picklist(SOURCE_FORMATS),
  delimiter: v.optional(v.string()),
  encoding: v.optional(v.picklist(['utf-8', 'windows-1252'])),
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
        'TYPE_WIDENED',
        'AMBIGUOUS_DATES'
      ]),
      message: v.string(),
      details: v.optional(v.record(v.string(), v.unknown()))
    })
  ),
  notes: v.optional(
    v.array(
      v.object({
        column: v.string(),
        kind: v.picklist(['override', 'identifier', 'date-format']),
        type: columnType,
        format: v.optional(v.string()),
        detected: v.optional(columnType),
        message: v.string()
      })
    )
  ),
  bytes: count,
  millis: v.number()
});

const columnTypes: v.GenericSchema<unknown, Record<string, ColumnType>> = v.record(
  v.string(),
  columnType
);

export const DatasetRecordSchema = v.pipe(
  v.object({
    /** Equal to `hash`: datasets are content-addressed. */
    id: HASH,
    /** The dataset hash (core/data/identity.ts): SHA-256 of the stored Arrow IPC bytes. */
    hash: HASH,
    name: v.string(),
    source: DatasetSourceSchema,
    schema: v.array(columnSchema),
    rows: count,
    bytes: count,
    profile,
    report,
    createdAt: v.number(),
    // Since version 4 of the database; records written before have none of these.
    /** SHA-256 of the source file's own bytes: the same file, however it is read. */
    sourceHash: v.optional(HASH),
    /** 1 for a first import; a re-import of the same data with other types is the next one. */
    version: v.optional(v.pipe(count, v.minValue(1))),
    /** The dataset this one re-imports (another version of the same data). */
    previousId: v.optional(HASH),
    /** Column types chosen by the person rather than detected, by column name. */
    columnTypes: v.optional(columnTypes)
  }),
  v.check((r) => r.id === r.hash, 'id differs from hash')
);

export type DatasetRecord = v.InferOutput<typeof DatasetRecordSchema>;

/** A stored record that failed validation: listed so the user can see and delete it. */
export type UnreadableDataset = Unreadable;

/** The record, or a reason it cannot be read (first validation issue, with its path). */
export function parseDatasetRecord(value: unknown): Parsed<DatasetRecord> {
  return parseStored(DatasetRecordSchema, value);
}
