import type * as arrow from 'apache-arrow';
import type { BuiltColumn } from './builders';
import { readingOfFormat, type DateReading } from './dateformat';
import type { DateOrderEvidence, DigitStats, Inference } from './inference';
import type { ColumnNote, ColumnType, IngestWarning } from './types';

/** A finished column as the readers hand it to `ingest`, without its data. */
export interface ColumnOutcome {
  name: string;
  type: ColumnType;
  invalid: number;
  nonMissing: number;
  examples: { line: number; value: string }[];
  /** The type came from inference (not forced by the user, not already widened). */
  inferred: boolean;
  note?: ColumnNote;
  warning?: IngestWarning;
  digits?: DigitStats;
  dateOrder?: DateOrderEvidence;
}

export interface ReaderResult {
  table: arrow.Table;
  rows: number;
  columns: ColumnOutcome[];
  warnings: IngestWarning[];
  delimiter?: string;
}

/** What may change between two passes over the same source. */
export interface ReadPass {
  delimiter?: string;
  columnTypes?: Record<string, ColumnType>;
  /** Date formats by column; each makes its column datetime. */
  columnFormats?: Record<string, string>;
  encoding: 'utf-8' | 'windows-1252';
  /** Inferred columns to read as categorical/text (too many invalid values last time). */
  widened: ReadonlySet<string>;
  /** What a look at whole columns decided last time, in place of the sample's inference. */
  settled: ReadonlyMap<string, Inference>;
}

/** How a column is built, and what the report says about it. */
export interface Choice {
  type: ColumnType;
  forced: boolean;
  inferred: boolean;
  date?: DateReading;
  note?: ColumnNote;
  warning?: IngestWarning;
}

export function columnReport(c: BuiltColumn & { name: string; choice: Choice }): ColumnOutcome {
  return {
    name: c.name,
    type: c.type,
    invalid: c.invalid,
    nonMissing: c.nonMissing,
    examples: c.examples,
    inferred: c.choice.inferred,
    ...(c.choice.note ? { note: c.choice.note } : {}),
    ...(c.choice.warning ? { warning: c.choice.warning } : {}),
    ...(c.digits ? { digits: c.digits } : {}),
    ...(c.dateOrder ? { dateOrder: c.dateOrder } : {})
  };
}

/** Blank names become column_N (1-based position); repeats become name_2, name_3, … */
export function dedupeNames(raw: string[]): {
  names: string[];
  renamed: { from: string; to: string }[];
} {
  const trimmed = raw.map((n, i) => n.trim() || `column_${i + 1}`);
  const taken = new Set<string>();
  const counts = new Map<string, number>();
  const renamed: { from: string; to: string }[] = [];
  const names = trimmed.map((name, i) => {
    let out = name;
    if (taken.has(out)) {
      let k = counts.get(name) ?? 1;
      do out = `${name}_${++k}`;
      while (taken.has(out));
      counts.set(name, k);
    }
    taken.add(out);
    if (out !== raw[i].trim()) renamed.push({ from: raw[i].trim(), to: out });
    return out;
  });
  return { names, renamed };
}

/**
 * Picks the builder type for a column: forced by the user (a date format forces datetime),
 * widened, settled by an earlier pass, or inferred. A datetime forced without a format is read
 * the way the values look most like dates.
 */
export function chooseType(name: string, inference: Inference, pass: ReadPass): Choice {
  const format = pass.columnFormats?.[name];
  const forced = format === undefined ? pass.columnTypes?.[name] : 'datetime';
  if (forced) {
    const date =
      format !== undefined
        ? readingOfFormat(format)
        : forced === 'datetime'
          ? (inference.date ?? inference.dateGuess)
          : undefined;
    const how = format === undefined ? '' : ` with the format ${format.trim()}`;
    const note: ColumnNote = {
      column: name,
      kind: 'override',
      type: forced,
      ...(format === undefined ? {} : { format: format.trim() }),
      detected: inference.type,
      message: `"${name}" read as ${forced}${how}, as you chose (detected: ${inference.type}).`
    };
    return { type: forced, forced: true, inferred: false, date, note };
  }
  if (pass.widened.has(name)) return { type: 'categorical', forced: false, inferred: false };
  const { type, date, note, warning } = pass.settled.get(name) ?? inference;
  return { type, forced: false, inferred: true, date, note, warning };
}
