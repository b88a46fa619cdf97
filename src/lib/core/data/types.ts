/**
 * Shared vocabulary of the data layer. Every reader (CSV, JSON, NDJSON, Arrow, Parquet) produces
 * an Arrow table whose columns use only these physical types:
 *   integer     -> Int32 (Float64 when a value leaves the int32 range)
 *   float       -> Float64
 *   boolean     -> Bool
 *   datetime    -> TimestampMillisecond (UTC)
 *   categorical -> Dictionary<Utf8, Int32>
 *   text        -> Dictionary<Utf8, Int32>
 * Missing values are Arrow nulls (validity bitmap) in every type.
 * The semantic type is stored in the field's metadata under `lathe.type`.
 */

export const COLUMN_TYPES = [
  'integer',
  'float',
  'boolean',
  'datetime',
  'categorical',
  'text'
] as const;
export type ColumnType = (typeof COLUMN_TYPES)[number];

export const SOURCE_FORMATS = ['csv', 'json', 'ndjson', 'arrow', 'parquet'] as const;
export type SourceFormat = (typeof SOURCE_FORMATS)[number];

export const TYPE_METADATA_KEY = 'lathe.type';

/** Missing-value tokens, compared case-insensitively after trimming spaces. */
export const MISSING_TOKENS = ['', 'na', 'n/a', 'null', 'nan'] as const;

export interface ColumnSchema {
  name: string;
  type: ColumnType;
}

/** What the user may force before (re-)ingesting. */
export interface IngestOptions {
  /** Name of the file or URL; used for format detection and messages. */
  fileName: string;
  /** Force a format instead of sniffing it from content and extension. */
  format?: SourceFormat;
  /** CSV only: force the delimiter instead of sniffing it. */
  delimiter?: string;
  /** Per-column type overrides, by (deduplicated) column name. */
  columnTypes?: Record<string, ColumnType>;
  /**
   * Per-column date formats (see dateformat.ts: `dd/MM/yyyy`, `MMM d yyyy`, `unix-s`, …); a
   * column with a format is read as datetime.
   */
  columnFormats?: Record<string, string>;
  /** Bytes per read from the source; tests shrink it to exercise chunk boundaries. */
  chunkBytes?: number;
}

export interface IngestProgress {
  bytesRead: number;
  bytesTotal: number;
  rows: number;
  rowsPerSecond: number;
}

/** A value that did not parse as its column's type: it became null and is reported. */
export interface InvalidValues {
  column: string;
  type: ColumnType;
  count: number;
  /** Up to 5 examples, with 1-based source line (CSV/NDJSON) or 1-based record index. */
  examples: { line: number; value: string }[];
}

export interface IngestWarning {
  code:
    | 'RAGGED_ROWS'
    | 'RENAMED_COLUMNS'
    | 'ENCODING_FALLBACK'
    | 'FORMAT_MISMATCH'
    | 'INVALID_VALUES'
    | 'TYPE_WIDENED'
    | 'AMBIGUOUS_DATES';
  message: string;
  details?: Record<string, unknown>;
}

/** Why a column has its type, when there is more to it than the values' plain look. */
export interface ColumnNote {
  column: string;
  /**
   * override: the user chose the type (and format); identifier: digit strings with leading
   * zeros kept as text; date-format: dates read in a form other than ISO 8601.
   */
  kind: 'override' | 'identifier' | 'date-format';
  type: ColumnType;
  /** override: the date format the user gave. */
  format?: string;
  /** override: the type that inference chose. */
  detected?: ColumnType;
  message: string;
}

export interface IngestReport {
  format: SourceFormat;
  delimiter?: string;
  /** Text formats only (CSV, JSON, NDJSON). */
  encoding?: 'utf-8' | 'windows-1252';
  rows: number;
  columns: ColumnSchema[];
  invalid: InvalidValues[];
  warnings: IngestWarning[];
  /** Absent in reports stored before notes existed. */
  notes?: ColumnNote[];
  bytes: number;
  millis: number;
}

export interface HistogramBin {
  /** Inclusive lower edge; the last bin also includes its upper edge. */
  lo: number;
  hi: number;
  count: number;
}

export interface ColumnProfile {
  name: string;
  type: ColumnType;
  count: number;
  missing: number;
  /** Exact when `distinctApproximate` is false (HyperLogLog estimate otherwise). */
  distinct: number;
  distinctApproximate: boolean;
  /** Numeric and datetime columns (datetime in epoch milliseconds), over finite values only. */
  numeric?: {
    min: number;
    max: number;
    mean: number;
    /** Sample standard deviation (n - 1), like pandas. */
    std: number;
    /** Linear-interpolated quantiles (numpy's default) at 0.05, 0.25, 0.5, 0.75, 0.95. */
    quantiles: { p05: number; p25: number; p50: number; p75: number; p95: number };
    zeros: number;
    infinite: number;
    histogram: HistogramBin[];
  };
  boolean?: { trueCount: number; falseCount: number };
  /** Categorical and text columns: most frequent values, highest count first, ties by value. */
  top?: { value: string; count: number }[];
  /** Text columns: mean length in characters. */
  meanLength?: number;
}

export interface DatasetProfile {
  rows: number;
  columns: ColumnProfile[];
}
