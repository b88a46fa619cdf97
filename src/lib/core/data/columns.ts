import type * as arrow from 'apache-arrow';
import type { BuiltColumn } from './builders';
import type { ColumnType, IngestWarning } from './types';

/** A finished column as the readers hand it to `ingest`, without its data. */
export interface ColumnOutcome {
  name: string;
  type: ColumnType;
  invalid: number;
  nonMissing: number;
  examples: { line: number; value: string }[];
  /** The type came from inference (not forced by the user, not already widened). */
  inferred: boolean;
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
  encoding: 'utf-8' | 'windows-1252';
  /** Inferred columns to read as categorical/text (too many invalid values last time). */
  widened: ReadonlySet<string>;
}

export function columnReport(c: BuiltColumn & { name: string; inferred: boolean }): ColumnOutcome {
  return {
    name: c.name,
    type: c.type,
    invalid: c.invalid,
    nonMissing: c.nonMissing,
    examples: c.examples,
    inferred: c.inferred
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

/** Picks the builder type for a column: forced by the user, widened, or inferred. */
export function chooseType(
  name: string,
  inferred: ColumnType,
  pass: ReadPass
): { type: ColumnType; forced: boolean; inferred: boolean } {
  const forced = pass.columnTypes?.[name];
  if (forced) return { type: forced, forced: true, inferred: false };
  if (pass.widened.has(name)) return { type: 'categorical', forced: false, inferred: false };
  return { type: inferred, forced: false, inferred: true };
}
