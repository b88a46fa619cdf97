import * as v from 'valibot';
import { attr, type GraphBuilder, type Value } from '../onnx/graph';
import { COLUMN_TYPES, type ColumnSchema, type ColumnType } from '../data/types';
import type { Frame, FrameColumn } from './frame';
import { columnsOfType } from './hints';
import { cast, elementwise, scalar, scalarText } from './lowerkit';
import type { StepContext, StepKind } from './step';
import {
  NUMERIC_TYPES,
  checkUniqueNames,
  columnList,
  comparePy,
  countValues,
  finiteNumber,
  finiteSorted,
  frameColumn,
  medianSorted,
  numberLabel,
  replaceColumns,
  schemaIndex,
  stepError
} from './stepkit';

const TYPE = 'impute';

/**
 * Fills missing values (NaN in number columns, code -1 in category columns) like scikit-learn's
 * SimpleImputer:
 * - mean / median: number columns only; over the finite training values (±Infinity is not
 *   missing and is kept by apply, but ignored when learning, so one infinity cannot poison the
 *   statistic). The median of an even count is the mean of the two middle values.
 * - most_frequent: any column; ties go to the smallest value (numbers numerically, text by code
 *   point like Python), as SimpleImputer does.
 * - constant: `fillValue`, default 0 for number columns and "missing_value" for category columns
 *   (SimpleImputer's defaults); a number given for a category column is used as its text.
 * - A column with no usable training value gets the constant default (0 / "missing_value"), like
 *   SimpleImputer(keep_empty_features=True); SimpleImputer's default would drop the column.
 * - indicator: adds `<col>_missing` (boolean 0/1) right after each imputed column, for every
 *   listed column (SimpleImputer's add_indicator only adds it for columns that had missing
 *   values in train; a fixed schema is more useful to later steps and to ONNX).
 * Mean and median turn integer and boolean columns into float; datetime stays datetime.
 */
const params = v.strictObject({
  columns: columnList,
  strategy: v.optional(v.picklist(['mean', 'median', 'most_frequent', 'constant']), 'mean'),
  fillValue: v.optional(
    v.nullable(v.union([finiteNumber, v.pipe(v.string(), v.maxLength(1024))])),
    null
  ),
  indicator: v.optional(v.boolean(), false)
});
type Params = v.InferOutput<typeof params>;

type ColumnState = {
  column: string;
  /** The value that replaces missing ones. */
  value: number | string;
  /** Missing values seen in the training rows. */
  missing: number;
};
type State = { columns: ColumnState[] };

const DEFAULT_TEXT = 'missing_value';

function allowed(p: Params): readonly ColumnType[] | undefined {
  return p.strategy === 'mean' || p.strategy === 'median' ? NUMERIC_TYPES : undefined;
}

function outputType(type: ColumnType, p: Params): ColumnType {
  if (p.strategy === 'mean' || p.strategy === 'median')
    return type === 'datetime' ? 'datetime' : 'float';
  if (
    p.strategy === 'constant' &&
    type === 'integer' &&
    typeof p.fillValue === 'number' &&
    !Number.isInteger(p.fillValue)
  )
    return 'float';
  if (p.strategy === 'constant' && type === 'boolean' && p.fillValue !== null)
    return p.fillValue === 0 || p.fillValue === 1 ? 'boolean' : 'float';
  return type;
}

function checkFill(col: { name: string; type: ColumnType }, p: Params, ctx: StepContext): void {
  if (p.strategy !== 'constant' || typeof p.fillValue !== 'string') return;
  if (col.type !== 'categorical' && col.type !== 'text')
    throw stepError(
      ctx,
      TYPE,
      `column "${col.name}" is ${col.type}, so fillValue must be a number, not "${p.fillValue}"`,
      { column: col.name }
    );
}

function mostFrequentNumber(values: Float64Array): number {
  const sorted = finiteSorted(values);
  let best = NaN;
  let bestCount = 0;
  for (let i = 0; i < sorted.length;) {
    let j = i + 1;
    while (j < sorted.length && sorted[j] === sorted[i]) j++;
    if (j - i > bestCount) {
      bestCount = j - i;
      best = sorted[i];
    }
    i = j;
  }
  return best;
}

function fitColumn(col: FrameColumn, p: Params): ColumnState {
  if (col.kind === 'category') {
    const { values, counts, missing } = countValues(col);
    let value: string | null = null;
    if (p.strategy === 'constant')
      value = p.fillValue === null ? DEFAULT_TEXT : String(p.fillValue);
    else {
      let best = 0;
      for (let i = 0; i < values.length; i++) {
        const c = counts[i];
        if (
          c > best ||
          (c === best && c > 0 && value !== null && comparePy(values[i], value) < 0)
        ) {
          best = c;
          value = values[i];
        }
      }
    }
    return { column: col.name, value: value ?? DEFAULT_TEXT, missing };
  }
  const x = col.values;
  let missing = 0;
  for (let i = 0; i < x.length; i++) if (Number.isNaN(x[i])) missing++;
  let value: number;
  switch (p.strategy) {
    case 'constant':
      value = typeof p.fillValue === 'number' ? p.fillValue : 0;
      break;
    case 'most_frequent':
      value = mostFrequentNumber(x);
      break;
    case 'median':
      value = medianSorted(finiteSorted(x));
      break;
    default: {
      let sum = 0;
      let n = 0;
      for (let i = 0; i < x.length; i++) {
        const xi = x[i];
        if (Number.isFinite(xi)) {
          sum += xi;
          n++;
        }
      }
      value = sum / n;
    }
  }
  return { column: col.name, value: Number.isFinite(value) ? value : 0, missing };
}

function indicatorColumn(col: FrameColumn): FrameColumn {
  const values = new Float64Array(col.kind === 'category' ? col.codes.length : col.values.length);
  if (col.kind === 'category') {
    const codes = col.codes;
    for (let i = 0; i < codes.length; i++) values[i] = codes[i] < 0 ? 1 : 0;
  } else {
    const x = col.values;
    for (let i = 0; i < x.length; i++) values[i] = x[i] !== x[i] ? 1 : 0;
  }
  return { kind: 'number', name: `${col.name}_missing`, type: 'boolean', values };
}

function imputeColumn(col: FrameColumn, s: ColumnState, p: Params): FrameColumn {
  if (col.kind === 'category') {
    const text = typeof s.value === 'string' ? s.value : numberLabel(s.value);
    let fill = col.dictionary.indexOf(text);
    let dictionary = col.dictionary;
    if (fill < 0) {
      dictionary = [...col.dictionary, text];
      fill = dictionary.length - 1;
    }
    const codes = col.codes.slice();
    for (let i = 0; i < codes.length; i++) if (codes[i] < 0) codes[i] = fill;
    return { ...col, codes, dictionary };
  }
  const fill = typeof s.value === 'number' ? s.value : Number(s.value);
  const values = col.values.slice();
  for (let i = 0; i < values.length; i++) if (values[i] !== values[i]) values[i] = fill;
  const type = outputType(col.type, p) as typeof col.type;
  return { kind: 'number', name: col.name, type, values };
}

/**
 * True where a string column is missing (""). Equal takes no strings before opset 19, so a
 * LabelEncoder (ai.onnx.ml 2) maps "" to 1 and everything else to 0, as sklearn-onnx does.
 */
function stringMissing(g: GraphBuilder, x: Value, name: string): Value {
  const flag = g.op(
    'LabelEncoder',
    [x],
    { dtype: 'int64', shape: x.shape, name: `${name}_isempty` },
    { keys_strings: attr.strings(['']), values_int64s: attr.ints([1]), default_int64: attr.int(0) },
    'ai.onnx.ml'
  );
  return cast(g, flag, 'bool', `${name}_missing_mask`);
}

export const imputeStep: StepKind<Params, State> = {
  type: TYPE,
  label: 'Impute missing values',
  params,
  fields: {
    columns: {
      label: 'Columns',
      widget: 'columns',
      accepts: (p) =>
        (p.strategy ?? 'mean') === 'mean' || p.strategy === 'median' ? NUMERIC_TYPES : COLUMN_TYPES
    },
    strategy: {
      label: 'Fill with',
      help: 'The training mean or median (numbers), the most frequent value, or a constant.'
    },
    fillValue: { label: 'Constant', relevant: (p) => p.strategy === 'constant' },
    indicator: {
      label: 'Add a missing-value indicator',
      help: 'Adds <column>_missing, 1 where the value was missing.'
    }
  },
  examples: [
    { columns: ['price', 'rooms'], strategy: 'median' },
    { columns: ['city', 'garden'], strategy: 'most_frequent', indicator: true },
    { columns: ['city'], strategy: 'constant', fillValue: 'unknown' },
    { columns: ['change', 'listed'], strategy: 'mean', indicator: true },
    { columns: ['city', 'region'], strategy: 'constant', indicator: true }
  ],
  /** The columns with gaps: median for numbers only, else the most frequent value. */
  defaults(input) {
    const gaps = new Set(input.columns.filter((c) => (c.missing ?? 0) > 0).map((c) => c.name));
    const numeric = columnsOfType(input, ['integer', 'float']).filter((n) => gaps.has(n));
    const all = columnsOfType(input, COLUMN_TYPES).filter((n) => gaps.has(n));
    if (all.length === 0) return null;
    return numeric.length === all.length
      ? { columns: numeric, strategy: 'median' }
      : { columns: all, strategy: 'most_frequent' };
  },
  outputSchema(input: ColumnSchema[], p: Params, ctx: StepContext): ColumnSchema[] {
    const replacements = new Map<string, ColumnSchema[]>();
    for (const name of p.columns) {
      const c = input[schemaIndex(input, name, ctx, TYPE, allowed(p))];
      checkFill(c, p, ctx);
      const out: ColumnSchema[] = [{ name, type: outputType(c.type, p) }];
      if (p.indicator) out.push({ name: `${name}_missing`, type: 'boolean' });
      replacements.set(name, out);
    }
    const out = replaceColumns(input, replacements);
    checkUniqueNames(out, ctx, TYPE);
    return out;
  },
  fit(train: Frame, p: Params, ctx: StepContext): State {
    return {
      columns: p.columns.map((name) => {
        const col = frameColumn(train, name, ctx, TYPE, allowed(p));
        checkFill(col, p, ctx);
        return fitColumn(col, p);
      })
    };
  },
  apply(frame: Frame, p: Params, state: State, ctx: StepContext): Frame {
    const replacements = new Map<string, FrameColumn[]>();
    for (const s of state.columns) {
      const col = frameColumn(frame, s.column, ctx, TYPE, allowed(p));
      const out = [imputeColumn(col, s, p)];
      if (p.indicator) out.push(indicatorColumn(col));
      replacements.set(s.column, out);
    }
    const columns = replaceColumns(frame.columns, replacements);
    checkUniqueNames(columns, ctx, TYPE);
    return { rows: frame.rows, columns };
  },
  lower(onnx, p: Params, state: State): void {
    const g = onnx.graph;
    for (const s of state.columns) {
      const name = s.column;
      const x = onnx.column(name);
      let missing: Value;
      let fill: Value;
      if (x.dtype === 'string') {
        missing = stringMissing(g, x, name);
        const text = typeof s.value === 'string' ? s.value : numberLabel(s.value);
        fill = scalarText(g, `${name}_fill`, text);
      } else {
        missing = elementwise(g, 'IsNaN', [x], x, `${name}_missing_mask`, 'bool');
        fill = scalar(g, `${name}_fill`, typeof s.value === 'number' ? s.value : Number(s.value));
      }
      onnx.setColumn(name, elementwise(g, 'Where', [missing, fill, x], x, `${name}_imputed`));
      if (p.indicator)
        onnx.setColumn(`${name}_missing`, cast(g, missing, 'double', `${name}_missing`));
    }
  }
};
