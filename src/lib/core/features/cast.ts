import * as v from 'valibot';
import { attr, type GraphBuilder, type Value } from '../onnx/graph';
import { parseDatetime } from '../data/date';
import { parseNumber } from '../data/number';
import { COLUMN_TYPES, MISSING_TOKENS, type ColumnSchema, type ColumnType } from '../data/types';
import { columnKind, type CategoryColumn, type Frame, type FrameColumn } from './frame';
import { cast, elementwise, keepMissing, scalar, scalarText, withConstant } from './lowerkit';
import type { StepContext, StepKind } from './step';
import {
  columnList,
  frameColumn,
  numberLabel,
  replaceColumns,
  schemaIndex,
  stepError
} from './stepkit';

const TYPE = 'cast';

/**
 * Policy, per (from → to):
 * - number kinds among themselves: integer truncates toward zero (like pandas `astype(int)`);
 *   boolean is 0 for zero and 1 for any other number; datetime reads/writes epoch milliseconds.
 *   boolean ↔ datetime is refused (meaningless).
 * - number → categorical/text: integers and floats as their shortest round-trip text ("3",
 *   "0.1"), booleans as "true"/"false", datetimes as ISO 8601 UTC ("2024-05-01T12:00:00.000Z").
 * - categorical/text → integer/float: the text is parsed like the CSV reader does (trimmed,
 *   '.' decimal, exponent, "inf"); → boolean: true/false, yes/no, t/f, y/n, 1/0 in any case;
 *   → datetime: ISO dates like the CSV reader (YYYY-MM-DD[ HH:MM[:SS[.fff]]][Z|±HH:MM], UTC).
 * - categorical ↔ text keeps the codes.
 * A value that does not convert (unparsable text, ±Infinity to integer or datetime, a date
 * outside JS's range) becomes missing and is counted: the train counts, with up to 5 examples,
 * are the fitted state; `onInvalid: 'error'` instead fails the step on any split.
 * Missing stays missing and is never counted; text equal to a missing token ("", "NA", "null",
 * "NaN", …) is missing, not invalid.
 * The fitted state also records each column's type before the cast, which the ONNX lowering
 * needs. The lowering refuses what ONNX opset 17 cannot compute: reading text as numbers,
 * booleans or dates (parsing), and writing floats or datetimes as text. An exported model cannot
 * fail a row, so with onInvalid 'error' it gives missing for a value apply would refuse.
 */
const params = v.strictObject({
  columns: columnList,
  to: v.picklist(COLUMN_TYPES),
  onInvalid: v.optional(v.picklist(['missing', 'error']), 'missing')
});
type Params = v.InferOutput<typeof params>;

type Invalid = { column: string; count: number; examples: string[] };
type Source = { column: string; type: ColumnType };
type State = { invalid: Invalid[]; from: Source[] };

const MAX_DATE_MS = 8.64e15;
const TRUE_WORDS = new Set(['true', 'yes', 't', 'y', '1']);
const FALSE_WORDS = new Set(['false', 'no', 'f', 'n', '0']);
const MISSING = new Set<string>(MISSING_TOKENS);
const encoder = new TextEncoder();

function refused(from: ColumnType, to: ColumnType): boolean {
  return (from === 'boolean' && to === 'datetime') || (from === 'datetime' && to === 'boolean');
}

/** Converts one number; NaN with `bad` when it cannot be represented. */
function numberTo(x: number, to: ColumnType): number {
  switch (to) {
    case 'integer':
      return Number.isFinite(x) ? Math.trunc(x) + 0 : NaN;
    case 'boolean':
      return x === 0 ? 0 : x === x ? 1 : NaN;
    case 'datetime':
      return Number.isFinite(x) && Math.abs(x) <= MAX_DATE_MS ? x : NaN;
    default:
      return x;
  }
}

function textToNumber(s: string, to: ColumnType): number {
  const lower = s.trim().toLowerCase();
  if (to === 'boolean') return TRUE_WORDS.has(lower) ? 1 : FALSE_WORDS.has(lower) ? 0 : NaN;
  const bytes = encoder.encode(s);
  if (to === 'datetime') {
    const ms = parseDatetime(bytes, 0, bytes.length);
    return Math.abs(ms) <= MAX_DATE_MS ? ms : NaN;
  }
  return numberTo(parseNumber(bytes, 0, bytes.length), to);
}

function label(x: number, from: ColumnType): string {
  if (from === 'boolean') return x ? 'true' : 'false';
  if (from === 'datetime') return new Date(x).toISOString();
  return numberLabel(x);
}

interface Converted {
  column: FrameColumn;
  invalid: Invalid;
}

function convert(col: FrameColumn, to: ColumnType): Converted {
  const invalid: Invalid = { column: col.name, count: 0, examples: [] };
  const note = (example: string) => {
    invalid.count++;
    if (invalid.examples.length < 5 && !invalid.examples.includes(example))
      invalid.examples.push(example);
  };
  if (col.type === to) return { column: col, invalid };
  if (col.kind === 'category') {
    if (columnKind(to) === 'category')
      return { column: { ...col, type: to as CategoryColumn['type'] }, invalid };
    const table = new Float64Array(col.dictionary.length);
    const bad = new Uint8Array(col.dictionary.length);
    col.dictionary.forEach((s, i) => {
      const x = textToNumber(s, to);
      table[i] = x;
      if (Number.isNaN(x) && !MISSING.has(s.trim().toLowerCase())) bad[i] = 1;
    });
    const codes = col.codes;
    const values = new Float64Array(codes.length);
    for (let i = 0; i < codes.length; i++) {
      const c = codes[i];
      if (c < 0) values[i] = NaN;
      else {
        values[i] = table[c];
        if (bad[c]) note(col.dictionary[c]);
      }
    }
    const type = to as 'integer' | 'float' | 'boolean' | 'datetime';
    return { column: { kind: 'number', name: col.name, type, values }, invalid };
  }
  const src = col.values;
  if (columnKind(to) === 'category') {
    const codes = new Int32Array(src.length);
    const dictionary: string[] = [];
    const seen = new Map<number, number>();
    for (let i = 0; i < src.length; i++) {
      const x = src[i];
      if (Number.isNaN(x)) {
        codes[i] = -1;
        continue;
      }
      let code = seen.get(x);
      if (code === undefined) {
        if (col.type === 'datetime' && !(Math.abs(x) <= MAX_DATE_MS)) {
          codes[i] = -1;
          note(String(x));
          continue;
        }
        code = dictionary.length;
        dictionary.push(label(x, col.type));
        seen.set(x, code);
      }
      codes[i] = code;
    }
    const type = to as CategoryColumn['type'];
    return { column: { kind: 'category', name: col.name, type, codes, dictionary }, invalid };
  }
  const values = new Float64Array(src.length);
  for (let i = 0; i < src.length; i++) {
    const x = src[i];
    const y = numberTo(x, to);
    values[i] = y;
    if (Number.isNaN(y) && !Number.isNaN(x)) note(String(x));
  }
  const type = to as 'integer' | 'float' | 'boolean' | 'datetime';
  return { column: { kind: 'number', name: col.name, type, values }, invalid };
}

function castFrame(frame: Frame, p: Params, ctx: StepContext) {
  const replacements = new Map<string, FrameColumn[]>();
  const invalid: Invalid[] = [];
  const from: Source[] = [];
  for (const name of p.columns) {
    const col = frameColumn(frame, name, ctx, TYPE);
    from.push({ column: name, type: col.type });
    if (refused(col.type, p.to))
      throw stepError(ctx, TYPE, `column "${name}" is ${col.type} and cannot be cast to ${p.to}`, {
        column: name
      });
    const r = convert(col, p.to);
    replacements.set(name, [r.column]);
    if (r.invalid.count) invalid.push(r.invalid);
  }
  return {
    frame: { rows: frame.rows, columns: replaceColumns(frame.columns, replacements) },
    invalid,
    from
  };
}

function failOnInvalid(invalid: Invalid[], p: Params, ctx: StepContext, split: string): void {
  if (p.onInvalid !== 'error' || invalid.length === 0) return;
  const first = invalid[0];
  throw stepError(
    ctx,
    TYPE,
    `${first.count} value(s) of column "${first.column}" in the ${split} rows cannot be read as ` +
      `${p.to} (e.g. ${first.examples.map((e) => JSON.stringify(e)).join(', ')})`,
    { column: first.column, invalid },
    'STEP_FAILED'
  );
}

/** numberTo as nodes, for a number column becoming another number type. */
function lowerNumber(g: GraphBuilder, x: Value, name: string, to: ColumnType): Value {
  switch (to) {
    case 'integer': {
      // x − fmod(x, 1) is exactly Math.trunc(x) + 0, and NaN for ±Infinity (fmod is NaN).
      const fraction = withConstant(g, 'Mod', x, 1, `${name}_fraction`, 'double', {
        fmod: attr.int(1)
      });
      return elementwise(g, 'Sub', [x, fraction], x, name);
    }
    case 'boolean': {
      const zero = withConstant(g, 'Equal', x, 0, `${name}_zero`, 'bool');
      const nonZero = elementwise(g, 'Not', [zero], x, `${name}_nonzero`, 'bool');
      return keepMissing(g, x, cast(g, nonZero, 'double', `${name}_flag`), name);
    }
    case 'datetime': {
      const abs = elementwise(g, 'Abs', [x], x, `${name}_abs`);
      const inRange = withConstant(g, 'LessOrEqual', abs, MAX_DATE_MS, `${name}_in_range`, 'bool');
      return elementwise(g, 'Where', [inRange, x, scalar(g, `${name}_nan`, NaN)], x, name);
    }
    default:
      return x;
  }
}

/**
 * label as nodes, for a boolean or integer column becoming text ("" where missing). Integers
 * go through int64, whose text is the plain digits: exact within ±2^53, the integers ingest reads
 * (beyond, JS's shortest form rounds the digits and int64's does not). Null for floats and
 * datetimes, whose text ONNX cannot write.
 */
function lowerLabel(g: GraphBuilder, x: Value, name: string, from: ColumnType): Value | null {
  let text: Value;
  if (from === 'boolean') {
    const zero = withConstant(g, 'Equal', x, 0, `${name}_false`, 'bool');
    const words = [scalarText(g, `${name}_no`, 'false'), scalarText(g, `${name}_yes`, 'true')];
    text = elementwise(g, 'Where', [zero, ...words], x, `${name}_word`, 'string');
  } else if (from === 'integer') {
    const int = cast(g, x, 'int64', `${name}_int64`);
    text = cast(g, int, 'string', `${name}_digits`);
  } else return null;
  const missing = elementwise(g, 'IsNaN', [x], x, `${name}_missing`, 'bool');
  return elementwise(
    g,
    'Where',
    [missing, scalarText(g, `${name}_empty`, ''), text],
    x,
    name,
    'string'
  );
}

function lowerColumn(g: GraphBuilder, x: Value, s: Source, to: ColumnType): Value | string {
  const from = s.type;
  const name = `${s.column}_as_${to}`;
  if (from === to) return x;
  const fromText = columnKind(from) === 'category';
  const toText = columnKind(to) === 'category';
  if (fromText && toText) return x;
  if (fromText)
    return `reading ${from} values as ${to} parses text (trimming, number and date formats, yes/no words), which ONNX opset 17 has no operators for`;
  if (!toText) return lowerNumber(g, x, name, to);
  return (
    lowerLabel(g, x, name, from) ??
    (from === 'datetime'
      ? `writing datetimes as ISO 8601 text needs string concatenation, which ONNX opset 17 does not have`
      : `writing ${from} numbers as ${to} needs their shortest round-trip text, which ONNX's Cast to string does not give (it prints a fixed number of digits)`)
  );
}

/** Changes the type of columns; see the policy above. */
export const castStep: StepKind<Params, State> = {
  type: TYPE,
  label: 'Change column type',
  params,
  fields: {
    columns: { label: 'Columns', widget: 'columns' },
    to: { label: 'New type' },
    onInvalid: {
      label: 'Values that do not convert',
      help: 'missing: they become missing values and are counted; error: the step fails.'
    }
  },
  examples: [
    { columns: ['rooms'], to: 'float' },
    { columns: ['rooms', 'garden'], to: 'categorical' },
    { columns: ['city'], to: 'text', onInvalid: 'error' },
    { columns: ['price', 'listed'], to: 'integer' },
    { columns: ['change', 'garden'], to: 'boolean' },
    { columns: ['price'], to: 'datetime' }
  ],
  defaults: () => null,
  outputSchema(input: ColumnSchema[], p: Params, ctx: StepContext): ColumnSchema[] {
    const out = input.slice();
    for (const name of p.columns) {
      const i = schemaIndex(input, name, ctx, TYPE);
      if (refused(input[i].type, p.to))
        throw stepError(
          ctx,
          TYPE,
          `column "${name}" is ${input[i].type} and cannot be cast to ${p.to}`,
          { column: name }
        );
      out[i] = { name, type: p.to };
    }
    return out;
  },
  fit(train: Frame, p: Params, ctx: StepContext): State {
    const { invalid, from } = castFrame(train, p, ctx);
    failOnInvalid(invalid, p, ctx, 'training');
    return { invalid, from };
  },
  apply(frame: Frame, p: Params, _state: State, ctx: StepContext): Frame {
    const r = castFrame(frame, p, ctx);
    failOnInvalid(r.invalid, p, ctx, 'given');
    return r.frame;
  },
  lower(onnx, p: Params, state: State): void {
    // States fitted before the source types were recorded cannot say what each column was.
    if (!Array.isArray(state.from))
      onnx.refuse('its fitted state does not record the column types; fit the pipeline again.');
    for (const s of state.from) {
      const out = lowerColumn(onnx.graph, onnx.column(s.column), s, p.to);
      if (typeof out === 'string') onnx.refuse(`column "${s.column}": ${out}.`);
      else onnx.setColumn(s.column, out);
    }
  }
};
