/**
 * What an editor needs to know about a kind's parameters beyond their schema: words, which
 * columns a column field takes, and when a field matters. Step kinds and model kinds declare
 * these next to their params, so a form is built from the kind alone, never by its type name.
 */
import type { ColumnType } from '../data/types';
import type { Frame } from './frame';
import { codeSource, numberSource } from './rows';
import type { Json } from '../base/json';

/** The params as the editor holds them (as written in a spec, defaults not filled in). */
export type DraftParams = Readonly<Record<string, unknown>>;

export interface FieldHint {
  /** Short label, e.g. "Columns"; the key in words when absent. */
  label?: string;
  /** One sentence on what the field does. */
  help?: string;
  /**
   * How the field is edited when its schema alone cannot tell: a list of columns of the table
   * (`columns`), one column (`column`), or an expression in Lathe's formula language. Other
   * fields are shown from their schema (choice, number, switch, text, pair, JSON).
   */
  widget?: 'columns' | 'column' | 'expression';
  /** Column fields: the column types the step takes there (every type when absent). */
  accepts?: readonly ColumnType[] | ((params: DraftParams) => readonly ColumnType[]);
  /** Shown only when this holds for the current params (e.g. options of one method). */
  relevant?: (params: DraftParams) => boolean;
  /** Said when a required field is left empty, e.g. "choose at least one column". */
  missing?: string;
}

export type FieldHints = Readonly<Record<string, FieldHint>>;

/** The column types a field accepts for these params; undefined: every type. */
export function acceptedTypes(
  hint: FieldHint | undefined,
  params: DraftParams
): readonly ColumnType[] | undefined {
  const accepts = hint?.accepts;
  return typeof accepts === 'function' ? accepts(params) : accepts;
}

/** What the editor knows about a column entering a step. */
export interface ColumnFacts {
  name: string;
  type: ColumnType;
  /** Smallest value in the training rows seen (numeric columns; missing left out), when known. */
  min?: number;
  /** Largest value in the training rows seen (numeric columns; missing left out), when known. */
  max?: number;
  /** Missing values in the training rows seen, when known. */
  missing?: number;
  /** Distinct values in the training rows seen (categorical and text columns), when known. */
  distinct?: number;
}

/**
 * Facts of each column of a frame (the editor's fitted sample) over its first `maxRows` rows:
 * range, gaps, distinct values.
 */
export function columnFacts(frame: Frame, maxRows = Infinity): ColumnFacts[] {
  const n = Math.min(frame.rows, maxRows);
  return frame.columns.map((col): ColumnFacts => {
    if (col.kind === 'number') {
      const { values, rows } = numberSource(col);
      const x = rows
        ? Float64Array.from(rows.subarray(0, n), (r) => values[r])
        : values.subarray(0, n);
      let min = Infinity;
      let max = -Infinity;
      let missing = 0;
      for (let i = 0; i < x.length; i++) {
        const v = x[i];
        if (v < min) min = v;
        if (v > max) max = v;
        if (v !== v) missing++;
      }
      return {
        name: col.name,
        type: col.type,
        missing,
        ...(missing < x.length ? { min, max } : {})
      };
    }
    const { codes, rows } = codeSource(col);
    const c = rows ? Int32Array.from(rows.subarray(0, n), (r) => codes[r]) : codes.subarray(0, n);
    // Slot 0 counts missing (any negative code), slot k + 1 code k.
    const counts = new Int32Array(col.dictionary.length + 1);
    for (let i = 0; i < c.length; i++) {
      const k = c[i];
      counts[(k | (k >> 31)) + 1]++;
    }
    let distinct = 0;
    for (let k = 1; k < counts.length; k++) if (counts[k] > 0) distinct++;
    return { name: col.name, type: col.type, missing: counts[0], distinct };
  });
}

/** The table a new step is added to. */
export interface StepDefaultsInput {
  columns: readonly ColumnFacts[];
  /** The pipeline's target: a step leaves it alone by default (balance is about it). */
  target: string | null;
}

/** Starting params as written in a spec. */
export type StepDefaults = { [key: string]: Json };

/** The feature columns (not the target) of the given types, in table order. */
export function columnsOfType(input: StepDefaultsInput, types: readonly ColumnType[]): string[] {
  return input.columns
    .filter((c) => c.name !== input.target && types.includes(c.type))
    .map((c) => c.name);
}

/** "maxCategories" → "max categories". */
export function keyLabel(key: string): string {
  return key.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}

/** The plain words for a required field left empty, from its hint. */
export function missingMessage(key: string, hint: FieldHint | undefined): string {
  if (hint?.missing) return hint.missing;
  if (hint?.widget === 'columns') return 'choose at least one column';
  if (hint?.widget === 'column') return 'choose a column';
  if (hint?.widget === 'expression') return 'write an expression';
  return `fill in "${hint?.label ?? keyLabel(key)}"`;
}
