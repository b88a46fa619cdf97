/**
 * Rows checked against a model's inputs before anything runs, as plain data a page can show:
 * which column feeds each input (by name, or by a mapping the person set), whether its type
 * can feed it and how, what is counted on the way (missing values, texts that are not numbers,
 * unseen categories, values outside the training range), and the columns that only pass
 * through.
 *
 * What feeds what:
 * - a number input (double, float) takes integer, float and boolean columns as they are, and
 *   categorical or text columns by parsing each text as the ingest would (data/number.ts):
 *   texts that are not numbers are counted and sent as missing. Datetimes are refused.
 * - a string input takes categorical and text columns; integer and float columns are written
 *   as their shortest decimal ("3", "2.5"), which is the text the ingest keeps for a category
 *   read from such a number, and any that is not a training category is counted as unseen
 *   (a code "02134" read as the number 2134 shows up there). Booleans and datetimes are
 *   refused: their original text is gone.
 * - an int64 input a Lathe model reads as a datetime takes datetime columns only. An int64
 *   input of a file made elsewhere also takes integer and boolean columns.
 * - inputs of other element types, or wider than one column, are refused.
 */
import type { LatheErrorData } from '../base/errors';
import type { ColumnType } from '../data/types';
import type { Frame, FrameColumn } from '../features/frame';
import type { Session } from '../onnx/runtime';
import { batchFeeds, coerceColumn, missingTokensOf, type Conversion } from './feeds';
import type { InferModel, ModelInput } from './model';
import { nonFiniteRow, runOutputs } from './run';
import { rowsFrame, type InputRow, type InputValue } from './typical';

/** The person's choice of column for an input, by input name. */
export type InputMapping = Readonly<Record<string, string>>;

/** Rows listed in a message (1-based), at most. */
export const LISTED_ROWS = 5;
/** Unseen categories listed per input, at most. */
export const LISTED_UNSEEN = 5;
/** Suggested columns per input, at most. */
export const SUGGESTIONS = 3;

export interface InputCounts {
  /** Rows whose value is missing in the column (null, or a missing-value text). */
  missing: number;
  /** Texts that are not numbers, in a column parsed for a number input: sent as missing. */
  notNumbers: number;
  /** Values that are not among the training categories. */
  unseen: number;
  /** Finite values outside the training range. */
  outOfRange: number;
}

export interface InputCheck {
  input: string;
  elementType: string;
  /** The column feeding the input; null when none does. */
  column: string | null;
  /** True when the column was chosen by the person's mapping. */
  mapped: boolean;
  columnType: ColumnType | null;
  conversion: Conversion | null;
  counts: InputCounts;
  /** The first unseen categories, in the order met. */
  unseenExamples: string[];
  /** How many different unseen categories there are. */
  unseenDistinct: number;
  /** The first rows (1-based) the model receives as missing: missing values and non-numbers. */
  missingRows: number[];
  /** Columns that could feed the input, closest name first (when the input lacks a column). */
  suggestions: string[];
  /** Why the input cannot be fed; null when it can. */
  problem: LatheErrorData | null;
}

export interface RowsCheck {
  rows: number;
  inputs: InputCheck[];
  /** Columns feeding no input: they pass through to the output. */
  passThrough: string[];
  /** Problems that stop the run: every input's, then those found by running (checkMissing). */
  problems: LatheErrorData[];
}

const NUMBER_INPUTS = new Set(['double', 'float']);
const plural = (n: number, word: string) =>
  `${n.toLocaleString('en')} ${word}${n === 1 ? '' : 's'}`;

/** How a column of `type` feeds `input`, or why it cannot. */
export function conversionFor(
  input: ModelInput,
  type: ColumnType
): { conversion: Conversion } | { refused: string } {
  const shape = input.shape;
  if (
    shape &&
    (shape.length > 2 || (shape.length === 2 && typeof shape[1] === 'number' && shape[1] !== 1))
  ) {
    return {
      refused: `it takes a tensor of shape [${shape.map((d) => d ?? '?').join(', ')}]; Lathe feeds each input one column, [N, 1] or [N]`
    };
  }
  const e = input.elementType;
  if (NUMBER_INPUTS.has(e)) {
    if (type === 'integer' || type === 'float' || type === 'boolean') return { conversion: 'none' };
    if (type === 'categorical' || type === 'text') return { conversion: 'parse' };
    return {
      refused: `it takes numbers and the column holds dates; read the column as numbers if it holds them`
    };
  }
  if (e === 'string') {
    if (type === 'categorical' || type === 'text') return { conversion: 'none' };
    if (type === 'integer' || type === 'float') return { conversion: 'format' };
    return {
      refused: `it takes text and the column holds ${type === 'boolean' ? 'true/false values' : 'dates'}, whose original text is not kept; read the column as categorical`
    };
  }
  if (e === 'int64') {
    const dates = input.field?.type === 'datetime';
    if (type === 'datetime') return { conversion: 'none' };
    if (!dates && (type === 'integer' || type === 'boolean')) return { conversion: 'none' };
    return {
      refused: dates
        ? `it takes dates and the column holds ${type} values; read the column as a date (with its date format)`
        : `it takes whole numbers and the column holds ${type} values`
    };
  }
  return {
    refused: `its element type is ${e}; Lathe feeds double, float, int64 and string inputs`
  };
}

/** Levenshtein distance, two rows. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost);
    }
    previous = current;
  }
  return previous[b.length];
}

/**
 * The columns closest in name to `name`: equal ignoring case, spaces and punctuation first,
 * then by edit distance up to a third of the name's length (at most one edit from three
 * characters on, none below), then alphabetically.
 */
export function closestNames(name: string, candidates: readonly string[]): string[] {
  const norm = (s: string) => s.toLowerCase().replace(/[\s_\-.()[\]]+/g, '');
  const target = norm(name);
  const limit = target.length < 3 ? 0 : Math.max(1, Math.floor(target.length / 3));
  // Equal once normalised first, then a column whose name holds the input's ("Island" in
  // "island name"), then a few edits away.
  const distance = (c: string): number => {
    const other = norm(c);
    if (other === target) return -2;
    if (target.length >= 3 && other.includes(target)) return -1;
    return editDistance(other, target);
  };
  return candidates
    .map((c) => ({ c, d: distance(c) }))
    .filter(({ d }) => d <= limit)
    .sort((a, b) => a.d - b.d || (a.c < b.c ? -1 : a.c > b.c ? 1 : 0))
    .slice(0, SUGGESTIONS)
    .map(({ c }) => c);
}

function emptyCounts(): InputCounts {
  return { missing: 0, notNumbers: 0, unseen: 0, outOfRange: 0 };
}

/** Per row of `column`: whether its value is missing (null, or a missing-value text). */
function missingTest(column: FrameColumn, tokens: Set<string>): (i: number) => boolean {
  if (column.kind === 'number') {
    const values = column.values;
    return (i) => values[i] !== values[i];
  }
  const token = column.dictionary.map((d) => tokens.has(d.trim().toLowerCase()));
  const codes = column.codes;
  return (i) => codes[i] < 0 || token[codes[i]];
}

/** Counts what `prepared` (coerced from `source`) will send, and its first missing rows. */
function countColumn(
  input: ModelInput,
  source: FrameColumn,
  prepared: FrameColumn,
  check: InputCheck
): void {
  const tokens = missingTokensOf(input);
  const counts = check.counts;
  const field = input.field;
  const categories = field?.categories ? new Set(field.categories) : null;
  const range = field?.range;
  const rows = prepared.kind === 'number' ? prepared.values.length : prepared.codes.length;
  const unseenCodes = new Set<number>();
  const isMissing = missingTest(source, tokens);
  const unseenCode =
    prepared.kind === 'category' && categories
      ? prepared.dictionary.map((d) => !categories.has(d))
      : null;
  for (let i = 0; i < rows; i++) {
    const wasMissing = isMissing(i);
    if (wasMissing) counts.missing++;
    if (prepared.kind === 'number') {
      const x = prepared.values[i];
      if (x !== x) {
        if (!wasMissing) counts.notNumbers++;
        if (check.missingRows.length < LISTED_ROWS) check.missingRows.push(i + 1);
      } else if (range && (x < range.min || x > range.max)) counts.outOfRange++;
    } else {
      const c = prepared.codes[i];
      if (c < 0) {
        if (check.missingRows.length < LISTED_ROWS) check.missingRows.push(i + 1);
      } else if (unseenCode?.[c]) {
        counts.unseen++;
        if (!unseenCodes.has(c) && check.unseenExamples.length < LISTED_UNSEEN) {
          check.unseenExamples.push(prepared.dictionary[c]);
        }
        unseenCodes.add(c);
      }
    }
  }
  check.unseenDistinct = unseenCodes.size;
}

export interface PreparedRows {
  check: RowsCheck;
  /** The inputs' columns, named and coerced as the inputs take them (when every input is fed). */
  frame: Frame | null;
}

/**
 * Checks `frame` against the model's inputs and brings the columns to what each takes.
 * Nothing runs the model here: checkMissing (batch.ts) adds what only a run can tell.
 */
export function prepareRows(
  model: InferModel,
  frame: Frame,
  mapping: InputMapping = {}
): PreparedRows {
  const byName = new Map(frame.columns.map((c) => [c.name, c]));
  const names = frame.columns.map((c) => c.name);
  const used = new Set<string>();
  const checks: InputCheck[] = [];
  const columns: FrameColumn[] = [];
  const problems: LatheErrorData[] = [];
  for (const input of model.inputs) {
    const mapped = Object.hasOwn(mapping, input.name);
    const columnName = mapped ? mapping[input.name] : input.name;
    const column = byName.get(columnName);
    const check: InputCheck = {
      input: input.name,
      elementType: input.elementType,
      column: column ? columnName : null,
      mapped: mapped && column !== undefined,
      columnType: column?.type ?? null,
      conversion: null,
      counts: emptyCounts(),
      unseenExamples: [],
      unseenDistinct: 0,
      missingRows: [],
      suggestions: [],
      problem: null
    };
    checks.push(check);
    const fits = (c: FrameColumn) => 'conversion' in conversionFor(input, c.type);
    const suggest = () =>
      closestNames(
        input.name,
        frame.columns.filter(fits).map((c) => c.name)
      );
    if (!column) {
      check.suggestions = suggest();
      const offer =
        check.suggestions.length > 0
          ? ` Closest columns: ${check.suggestions.map((s) => `"${s}"`).join(', ')}; choose one for it.`
          : ' Choose a column for it.';
      check.problem = {
        code: 'INPUT_MISSING',
        message: mapped
          ? `The model's input "${input.name}" is mapped to the column "${columnName}", which the rows do not have.${offer}`
          : `The model needs the input "${input.name}", and the rows have no column of that name.${offer}`,
        details: { input: input.name, column: columnName, suggestions: check.suggestions }
      };
      problems.push(check.problem);
      continue;
    }
    used.add(columnName);
    const how = conversionFor(input, column.type);
    if ('refused' in how) {
      check.suggestions = suggest().filter((s) => s !== columnName);
      check.problem = {
        code: 'INPUT_TYPE',
        message: `The column "${columnName}" (${column.type}) cannot feed the model's input "${input.name}" (${input.elementType}): ${how.refused}.`,
        details: {
          input: input.name,
          column: columnName,
          columnType: column.type,
          elementType: input.elementType,
          suggestions: check.suggestions
        }
      };
      problems.push(check.problem);
      continue;
    }
    check.conversion = how.conversion;
    const prepared = coerceColumn(column, input, how.conversion);
    countColumn(input, column, prepared, check);
    columns.push(prepared);
  }
  const check: RowsCheck = {
    rows: frame.rows,
    inputs: checks,
    passThrough: names.filter((n) => !used.has(n)),
    problems
  };
  return {
    check,
    frame: problems.length === 0 ? { rows: frame.rows, columns } : null
  };
}

/** One line per input with something counted, for a summary. */
export function describeCounts(check: InputCheck): string | null {
  const { missing, notNumbers, unseen, outOfRange } = check.counts;
  const parts = [
    missing > 0 ? `${plural(missing, 'missing value')}` : null,
    notNumbers > 0 ? `${plural(notNumbers, 'text')} that are not numbers (sent as missing)` : null,
    unseen > 0
      ? `${plural(unseen, 'value')} not among the training categories (${check.unseenExamples.map((u) => `"${u}"`).join(', ')}${check.unseenDistinct > check.unseenExamples.length ? ' …' : ''})`
      : null,
    outOfRange > 0 ? `${plural(outOfRange, 'value')} outside the training range` : null
  ].filter((p) => p !== null);
  return parts.length === 0 ? null : `"${check.column}" → "${check.input}": ${parts.join('; ')}.`;
}

/** A value for each input that the probe keeps present: typical, else the first one met. */
function presentValue(input: ModelInput, column: FrameColumn | undefined): InputValue {
  if (input.field?.typical !== undefined) return input.field.typical;
  if (column?.kind === 'number') {
    const x = column.values.find((v) => v === v);
    if (x !== undefined) return x;
  } else if (column) {
    const c = column.codes.find((v) => v >= 0);
    if (c !== undefined) return column.dictionary[c];
  }
  return input.elementType === 'string' ? 'a' : 0;
}

/**
 * Finds, by running the model once on a few probe rows, the inputs with missing values that
 * the model cannot take missing (it has no imputer for them: its outputs turn NaN). Row 0 has
 * every input present; row j + 1 has the j-th such input missing. Each one is added to
 * `prepared.check.problems` as 'INPUT_MISSING_NOT_ALLOWED', naming the column and its first
 * missing rows. Returns those problems.
 */
export async function checkMissing(
  session: Session,
  model: InferModel,
  prepared: PreparedRows
): Promise<LatheErrorData[]> {
  const { check, frame } = prepared;
  if (frame === null) return [];
  const candidates = check.inputs.filter((c) => c.missingRows.length > 0);
  if (candidates.length === 0) return [];
  const columns = new Map(frame.columns.map((c) => [c.name, c]));
  const present: InputRow = Object.fromEntries(
    model.inputs.map((i) => [i.name, presentValue(i, columns.get(i.name))])
  );
  const probes = [present, ...candidates.map((c) => ({ ...present, [c.input]: null }))];
  const outputs = await runOutputs(
    session,
    model,
    batchFeeds(rowsFrame(model, probes), model.inputs)
  );
  if (nonFiniteRow(outputs, model, probes.length, 0)) return [];
  const found: LatheErrorData[] = [];
  candidates.forEach((c, j) => {
    if (!nonFiniteRow(outputs, model, probes.length, j + 1)) return;
    const total = c.counts.missing + c.counts.notNumbers;
    const more = total > c.missingRows.length ? ' …' : '';
    const problem: LatheErrorData = {
      code: 'INPUT_MISSING_NOT_ALLOWED',
      message: `The column "${c.column}" has ${plural(total, 'missing value')} (rows ${c.missingRows.join(', ')}${more}), and the model has no imputer for its input "${c.input}": it would predict NaN for those rows. Fill them in or leave those rows out, or add an impute step for "${c.input}" and train again.`,
      details: { input: c.input, column: c.column, rows: c.missingRows, missing: total }
    };
    c.problem = problem;
    found.push(problem);
  });
  check.problems.push(...found);
  return found;
}
