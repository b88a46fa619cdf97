import type * as arrow from 'apache-arrow';
import { EncodingFallback } from './builders';
import type { ReaderResult, ReadPass } from './columns';
import { readCsv } from './csv';
import { detectFormat } from './detect';
import { SourceDigest } from './identity';
import { compileDateFormat } from './dateformat';
import {
  decidedOrderNote,
  identifierInference,
  isIdentifier,
  shouldWiden,
  type Inference
} from './inference';
import {
  DEFAULT_CHUNK_BYTES,
  gunzip,
  isGzip,
  ProgressReporter,
  throwIfAborted,
  type ReadContext
} from './source';
import { LatheError } from '../base/errors';
import {
  type IngestOptions,
  type IngestProgress,
  type IngestReport,
  type IngestWarning,
  type InvalidValues,
  type SourceFormat
} from './types';

export { detectFormat } from './detect';
export { columnTypeOf } from './table';

type Reader = (ctx: ReadContext, pass: ReadPass) => Promise<ReaderResult>;

async function readerFor(format: SourceFormat): Promise<Reader> {
  switch (format) {
    case 'csv':
      return readCsv;
    case 'json':
      return (await import('./json')).readJson;
    case 'ndjson':
      return (await import('./ndjson')).readNdjson;
    case 'arrow':
      return (await import('./arrow')).readArrow;
    case 'parquet':
      return (await import('./parquet')).readParquet;
  }
}

const MAX_PASSES = 4;

/**
 * Reads a CSV/TSV, JSON, NDJSON, Arrow IPC or Parquet source (optionally gzip-compressed) into an
 * Arrow table of Lathe's physical types, with a report of what was inferred, fixed and dropped,
 * and the SHA-256 of the source's own bytes (`sourceHash`: the file, whatever it is read as).
 */
export async function ingest(
  source: Blob,
  options: IngestOptions,
  onProgress?: (p: IngestProgress) => void,
  signal?: AbortSignal
): Promise<{ table: arrow.Table; report: IngestReport; sourceHash: string }> {
  const started = performance.now();
  const fileName = options.fileName;
  throwIfAborted(signal, fileName);
  if (source.size === 0) {
    throw new LatheError('EMPTY_FILE', `${fileName} is empty (0 bytes).`, { file: fileName });
  }
  const warnings: IngestWarning[] = [];
  let blob = source;
  let head = new Uint8Array(await blob.slice(0, 4096).arrayBuffer());
  const digest = await SourceDigest.create(source);
  const compressed = isGzip(head);
  if (compressed) {
    blob = await gunzip(source, fileName);
    if (blob.size === 0) {
      throw new LatheError('EMPTY_FILE', `${fileName} is empty once decompressed.`, {
        file: fileName
      });
    }
    head = new Uint8Array(await blob.slice(0, 4096).arrayBuffer());
  }
  let format = options.format;
  if (!format) {
    const detected = detectFormat(head, fileName);
    format = detected.format;
    if (detected.mismatch) {
      warnings.push({ code: 'FORMAT_MISMATCH', message: detected.mismatch, details: { format } });
    }
  }
  checkFormats(options);
  const read = await readerFor(format);
  const ctx: ReadContext = {
    source: blob,
    fileName,
    chunkBytes: Math.max(1, Math.floor(options.chunkBytes ?? DEFAULT_CHUNK_BYTES)),
    signal,
    progress: new ProgressReporter(blob.size, onProgress),
    warnings,
    // A compressed file's own bytes are not what the reader sees; they are hashed at the end.
    ...(compressed ? {} : { digest })
  };
  let pass: ReadPass = {
    delimiter: options.delimiter,
    columnTypes: options.columnTypes,
    columnFormats: options.columnFormats,
    encoding: 'utf-8',
    widened: new Set(),
    settled: new Map()
  };
  for (let attempt = 1; ; attempt++) {
    let result: ReaderResult;
    try {
      result = await read(ctx, pass);
    } catch (error) {
      if (!(error instanceof EncodingFallback) || pass.encoding !== 'utf-8') throw error;
      warnings.push({
        code: 'ENCODING_FALLBACK',
        message: `${fileName} is not valid UTF-8 (first at line ${error.line}, ${error.column}); it was read as Windows-1252 (Western European). If accents look wrong, save the file as UTF-8.`,
        details: { line: error.line, column: error.column }
      });
      pass = { ...pass, encoding: 'windows-1252' };
      continue;
    }
    const settled = settleColumns(result, pass.settled);
    const widen = result.columns.filter(
      (c) =>
        c.inferred &&
        c.type !== 'categorical' &&
        c.type !== 'text' &&
        !settled.has(c.name) &&
        shouldWiden(c.invalid, c.nonMissing)
    );
    if ((widen.length > 0 || settled.size > pass.settled.size) && attempt < MAX_PASSES) {
      for (const c of widen) {
        warnings.push({
          code: 'TYPE_WIDENED',
          message: `${fileName}: column "${c.name}" looked like ${c.type} in the first rows, but ${c.invalid} of its ${c.nonMissing} values are not (e.g. "${c.examples[0]?.value}" at line ${c.examples[0]?.line}); it was read as text categories instead.`,
          details: { column: c.name, from: c.type, invalid: c.invalid, values: c.nonMissing }
        });
      }
      pass = {
        ...pass,
        widened: new Set([...pass.widened, ...widen.map((c) => c.name)]),
        settled
      };
      continue;
    }
    throwIfAborted(signal, fileName);
    const sourceHash = await digest.finish();
    return {
      table: result.table,
      report: buildReport(result, format, pass, warnings, blob, started),
      sourceHash
    };
  }
}

/** Date formats are checked before reading: a bad one names its column and what is wrong. */
function checkFormats(options: IngestOptions): void {
  for (const [column, format] of Object.entries(options.columnFormats ?? {})) {
    const type = options.columnTypes?.[column];
    if (type !== undefined && type !== 'datetime') {
      throw new LatheError(
        'BAD_OPTIONS',
        `Column "${column}" has a date format (${format}) but its type is set to ${type}; a date format applies to datetime columns only.`,
        { column, format, type }
      );
    }
    compileDateFormat(format, column);
  }
}

/**
 * What the whole of each column says against its sample's inference: integers with leading
 * zeros that are identifiers after all, and numeric dates whose day/month order the sample
 * could not tell but later rows do. Returns the decisions for the next pass (with the earlier
 * ones); an order the rows confirm needs no new pass and only changes the report.
 */
function settleColumns(
  result: ReaderResult,
  earlier: ReadonlyMap<string, Inference>
): Map<string, Inference> {
  const settled = new Map(earlier);
  for (const c of result.columns) {
    if (!c.inferred || earlier.has(c.name)) continue;
    if (c.type === 'integer' && c.digits && isIdentifier(c.digits)) {
      settled.set(c.name, identifierInference(c.name, c.digits, false));
    } else if (c.dateOrder) {
      const { mdy, dmy, mdyExample, dmyExample } = c.dateOrder;
      if (dmy > 0 && mdy === 0) {
        settled.set(c.name, {
          type: 'datetime',
          date: { kind: 'numeric', order: 'dmy' },
          note: decidedOrderNote(c.name, 'dmy', dmyExample)
        });
      } else if (mdy > 0 && dmy === 0) {
        c.note = decidedOrderNote(c.name, 'mdy', mdyExample);
        delete c.warning;
      }
    }
  }
  return settled;
}

const TEXT_FORMATS: ReadonlySet<SourceFormat> = new Set(['csv', 'json', 'ndjson']);

function buildReport(
  result: ReaderResult,
  format: SourceFormat,
  pass: ReadPass,
  warnings: IngestWarning[],
  source: Blob,
  started: number
): IngestReport {
  const invalid: InvalidValues[] = result.columns
    .filter((c) => c.invalid > 0)
    .map((c) => ({ column: c.name, type: c.type, count: c.invalid, examples: c.examples }));
  const all = [...warnings, ...result.warnings];
  for (const c of result.columns) if (c.warning) all.push(c.warning);
  if (invalid.length > 0) {
    const total = invalid.reduce((n, c) => n + c.count, 0);
    const first = invalid[0];
    all.push({
      code: 'INVALID_VALUES',
      message: `${total} value${total === 1 ? '' : 's'} in ${invalid.length} column${invalid.length === 1 ? '' : 's'} did not match the column type and became missing (first: "${first.examples[0]?.value}" in column "${first.column}", line ${first.examples[0]?.line}).`,
      details: { columns: invalid.map((c) => c.column), count: total }
    });
  }
  return {
    format,
    ...(result.delimiter !== undefined ? { delimiter: result.delimiter } : {}),
    ...(TEXT_FORMATS.has(format) ? { encoding: pass.encoding } : {}),
    rows: result.rows,
    columns: result.columns.map((c) => ({ name: c.name, type: c.type })),
    invalid,
    warnings: all,
    notes: result.columns.flatMap((c) => (c.note ? [c.note] : [])),
    bytes: source.size,
    millis: Math.round(performance.now() - started)
  };
}
