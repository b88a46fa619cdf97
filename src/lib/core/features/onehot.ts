import * as v from 'valibot';
import type { ColumnSchema, ColumnType } from '../data/types';
import { attr, ELEMENT_TYPES } from '../onnx/graph';
import type { Lowering } from '../onnx/lowering';
import type { Frame, FrameColumn, NumericColumn } from './frame';
import { codeSource } from './rows';
import { columnsOfType } from './hints';
import { categoryCodes } from './lowercat';
import type { StepContext, StepKind } from './step';
import {
  MAX_LIST,
  checkOutputSize,
  checkUniqueNames,
  columnList,
  columnName,
  comparePy,
  countValues,
  frameColumn,
  integerIn,
  numberLabel,
  replaceColumns,
  schemaIndex,
  stepError,
  checkCategoriesListed
} from './stepkit';

const TYPE = 'onehot';
const ALLOWED: readonly ColumnType[] = ['categorical', 'text', 'integer', 'boolean'];
const HINT = 'bucketize or cast a float column first';
const MISSING_LABEL = '(missing)';
const OTHER_LABEL = '(other)';

/**
 * One column of 0/1 floats per category, named `<col>=<category>`, replacing the source column
 * where it stood. Like OneHotEncoder(drop=None, sparse_output=False):
 * - categories are the training values sorted (text by code point like Python, numbers
 *   numerically; integer/boolean columns are labelled "3", "0", "1");
 * - missing: 'category' (default, like OneHotEncoder) makes missing its own category, sorted last
 *   and named `<col>=(missing)`, when the training rows had missing values; 'zeros' leaves
 *   missing rows all zeros and out of the counts;
 * - maxCategories caps the output columns *including* `<col>=(other)`, and minCount sends rarer
 *   values to (other) — exactly OneHotEncoder's max_categories / min_frequency (int) rule,
 *   including its tie-break (among equal counts the earlier-sorted value goes to (other));
 * - unknown values at apply time (including missing when train had none): 'zeros' (like
 *   handle_unknown='ignore') or 'other' — the `(other)` column is then always present and
 *   receives them (OneHotEncoder's 'infrequent_if_exist' only has it if there were infrequent
 *   values: a fixed place for unseen values keeps the schema stable);
 * - `categories` fixes a column's categories (in the given order, no grouping by frequency), so
 *   its output columns are known before fitting; otherwise they are known after `fit` only and
 *   `outputSchema` leaves the column out.
 * Refused (STEP_FAILED, with the count): an encoding that would make more than `maxColumns`
 * columns in all — say an ID-like column with 100,000 distinct values.
 */
const params = v.strictObject({
  columns: columnList,
  maxCategories: v.optional(v.nullable(integerIn(2, MAX_LIST)), null),
  minCount: v.optional(integerIn(1, 2 ** 31 - 1), 1),
  unknown: v.optional(v.picklist(['zeros', 'other']), 'zeros'),
  missing: v.optional(v.picklist(['category', 'zeros']), 'category'),
  categories: v.optional(
    v.array(
      v.strictObject({
        column: columnName,
        values: v.pipe(
          v.array(v.pipe(v.string(), v.maxLength(1024))),
          v.minLength(1),
          v.maxLength(MAX_LIST),
          v.check((a) => new Set(a).size === a.length, 'categories must be distinct')
        )
      })
    ),
    []
  ),
  maxColumns: v.optional(integerIn(1, 100000), 1000)
});
type Params = v.InferOutput<typeof params>;

/** A category: its text, its number (integer/boolean columns) or null for "missing". */
type Category = string | number | null;
type ColumnState = {
  column: string;
  /** One per output column except (other), in output order. */
  categories: Category[];
  /** Training counts of `categories`. */
  counts: number[];
  /** Values grouped into (other) because of maxCategories / minCount. */
  infrequent: Category[];
  /** Whether the last output column is `<col>=(other)`. */
  other: boolean;
  /** Output column names, in order. */
  names: string[];
};
type State = { columns: ColumnState[] };

function label(column: string, c: Category): string {
  return `${column}=${c === null ? MISSING_LABEL : typeof c === 'number' ? numberLabel(c) : c}`;
}

function fixedCategories(p: Params, name: string): string[] | null {
  return p.categories.find((c) => c.column === name)?.values ?? null;
}

/** Fixed categories of an integer/boolean column must be numbers. */
function checkFixed(name: string, type: ColumnType, p: Params, ctx: StepContext): void {
  if (type === 'categorical' || type === 'text') return;
  for (const f of fixedCategories(p, name) ?? [])
    if (f.trim() === '' || !Number.isFinite(Number(f)))
      throw stepError(
        ctx,
        TYPE,
        `column "${name}" is ${type}, so its category "${f}" must be a number`,
        {
          column: name
        }
      );
}

/** sklearn's _identify_infrequent for an integer min_frequency and max_categories. */
function infrequentMask(counts: number[], p: Params): boolean[] {
  const mask = counts.map((c) => c < p.minCount);
  const nInfrequent = mask.filter(Boolean).length;
  const nFeatures = counts.length - nInfrequent + 1;
  if (p.maxCategories !== null && p.maxCategories < nFeatures) {
    const order = counts.map((_, i) => i).sort((a, b) => counts[a] - counts[b] || a - b);
    for (const i of order.slice(0, counts.length - p.maxCategories + 1)) mask[i] = true;
  }
  return mask;
}

/** Distinct values (sorted) and their counts, plus the missing count. */
function observed(col: FrameColumn): { cats: Category[]; counts: number[]; missing: number } {
  if (col.kind === 'category') {
    const { values, counts, missing } = countValues(col);
    const order = values.map((_, i) => i).filter((i) => counts[i] > 0);
    order.sort((a, b) => comparePy(values[a], values[b]));
    return { cats: order.map((i) => values[i]), counts: order.map((i) => counts[i]), missing };
  }
  const x = col.values;
  const seen = new Map<number, number>();
  let missing = 0;
  for (let i = 0; i < x.length; i++) {
    const xi = x[i];
    if (xi !== xi) missing++;
    else if (Number.isFinite(xi)) seen.set(xi, (seen.get(xi) ?? 0) + 1);
  }
  const cats = [...seen.keys()].sort((a, b) => a - b);
  return { cats, counts: cats.map((c) => seen.get(c) ?? 0), missing };
}

function tooMany(
  ctx: StepContext,
  total: number,
  worst: { name: string; distinct: number },
  p: Params
) {
  const fmt = (n: number) => n.toLocaleString('en-US');
  return stepError(
    ctx,
    TYPE,
    `one-hot encoding would create ${fmt(total)} columns, more than the limit of ` +
      `${fmt(p.maxColumns)}: column "${worst.name}" has ${fmt(worst.distinct)} distinct values ` +
      `in the training rows. Set maxCategories (e.g. 50) to keep the most frequent values and ` +
      `group the rest as "${OTHER_LABEL}", or use ordinal or frequency encoding instead.`,
    { column: worst.name, distinct: worst.distinct, columns: total, limit: p.maxColumns },
    'STEP_FAILED'
  );
}

function fitColumn(col: FrameColumn, p: Params): ColumnState & { distinct: number } {
  const name = col.name;
  const fixed = fixedCategories(p, name);
  const seen = observed(col);
  let cats: Category[];
  let counts: number[];
  if (fixed) {
    const byLabel = new Map(
      seen.cats.map((c, i) => [typeof c === 'number' ? numberLabel(c) : String(c), seen.counts[i]])
    );
    cats = col.kind === 'number' ? fixed.map(Number) : fixed.slice();
    counts = fixed.map((f) => byLabel.get(f) ?? 0);
    if (p.missing === 'category') {
      cats.push(null);
      counts.push(seen.missing);
    }
  } else {
    cats = seen.cats;
    counts = seen.counts;
    if (p.missing === 'category' && seen.missing > 0) {
      cats = [...cats, null];
      counts = [...counts, seen.missing];
    }
  }
  const mask = fixed ? cats.map(() => false) : infrequentMask(counts, p);
  const keep = cats.map((_, i) => i).filter((i) => !mask[i]);
  const infrequent = cats.filter((_, i) => mask[i]);
  const other = infrequent.length > 0 || p.unknown === 'other';
  const categories = keep.map((i) => cats[i]);
  const names = categories.map((c) => label(name, c));
  if (other) names.push(`${name}=${OTHER_LABEL}`);
  return {
    column: name,
    categories,
    counts: keep.map((i) => counts[i]),
    infrequent,
    other,
    names,
    distinct: cats.length
  };
}

/** The output column (-1: none) of each value, of missing and of any other value. */
function placesOf(s: ColumnState, p: Params) {
  const k = s.names.length;
  const otherIdx = s.other ? k - 1 : -1;
  const unknownIdx = p.unknown === 'other' ? otherIdx : -1;
  const where = new Map<string | number, number>();
  let missingIdx = unknownIdx;
  s.categories.forEach((c, j) => {
    if (c === null) missingIdx = j;
    else where.set(c, j);
  });
  for (const c of s.infrequent) {
    if (c === null) missingIdx = otherIdx;
    else where.set(c, otherIdx);
  }
  if (p.missing === 'zeros') missingIdx = -1;
  return { where, missingIdx, unknownIdx };
}

function encode(col: FrameColumn, s: ColumnState, p: Params): FrameColumn[] {
  const k = s.names.length;
  const { where, missingIdx, unknownIdx } = placesOf(s, p);
  const outs: Float64Array[] = [];
  if (col.kind === 'category') {
    // One pass writing the 1s into zero-filled arrays; the split's codes are read in place
    // (rows.ts). Most of the time goes into first-touching the fresh zero pages (bench/README.md).
    const dict = col.dictionary;
    const lookup = new Int32Array(dict.length + 1);
    lookup[0] = missingIdx;
    for (let d = 0; d < dict.length; d++) lookup[d + 1] = where.get(dict[d]) ?? unknownIdx;
    const { codes, rows } = codeSource(col);
    const n = rows ? rows.length : codes.length;
    for (let j = 0; j < k; j++) outs.push(new Float64Array(n));
    // Slot 0 is missing: (c | c >> 31) + 1 maps any negative code there without a branch.
    if (rows) {
      for (let i = 0; i < n; i++) {
        const c = codes[rows[i]];
        const j = lookup[(c | (c >> 31)) + 1];
        if (j >= 0) outs[j][i] = 1;
      }
    } else {
      for (let i = 0; i < n; i++) {
        const c = codes[i];
        const j = lookup[(c | (c >> 31)) + 1];
        if (j >= 0) outs[j][i] = 1;
      }
    }
  } else {
    const n = col.values.length;
    for (let j = 0; j < k; j++) outs.push(new Float64Array(n));
    const x = (col as NumericColumn).values;
    for (let i = 0; i < n; i++) {
      const xi = x[i];
      const j = xi !== xi ? missingIdx : (where.get(xi) ?? unknownIdx);
      if (j >= 0) outs[j][i] = 1;
    }
  }
  return s.names.map((name, j) => ({ kind: 'number', name, type: 'float', values: outs[j] }));
}

/** Each row's output column as a code, compared with 0…k-1 at once, split into k columns. */
function lowerColumn(onnx: Lowering, s: ColumnState, p: Params): void {
  const k = s.names.length;
  if (k === 0) {
    onnx.dropColumn(s.column);
    return;
  }
  const { where, missingIdx, unknownIdx } = placesOf(s, p);
  const code = categoryCodes(onnx, s.column, {
    codes: where,
    missing: missingIdx,
    unknown: unknownIdx
  });
  const g = onnx.graph;
  const rows = code.shape ? code.shape[0] : null;
  const shape = rows === null ? null : [rows, k];
  const places = g.int64s(`${s.column}_places`, [...s.names.keys()]);
  const hot = g.op('Equal', [code, places], { dtype: 'bool', shape, name: `${s.column}_hot` });
  const ones = g.op(
    'Cast',
    [hot],
    { dtype: 'double', shape, name: `${s.column}_onehot` },
    { to: attr.int(ELEMENT_TYPES.double) }
  );
  const columns =
    k === 1
      ? [ones]
      : g.node(
          'Split',
          [ones],
          s.names.map((name) => ({ dtype: 'double', shape: code.shape, name })),
          { axis: attr.int(1) }
        );
  onnx.dropColumn(s.column);
  s.names.forEach((name, j) => onnx.setColumn(name, columns[j]));
}

export const onehotStep: StepKind<Params, State> = {
  type: TYPE,
  label: 'One-hot encode',
  params,
  fields: {
    columns: { label: 'Columns', widget: 'columns', accepts: ALLOWED },
    maxCategories: {
      label: 'At most this many categories',
      help: 'The most frequent ones; the rest share an (other) column. Blank: all.'
    },
    minCount: {
      label: 'Rarer than this goes to (other)',
      relevant: (p) => p.maxCategories != null || p.unknown === 'other'
    },
    unknown: { label: 'Values not seen in training', help: 'zeros, or the (other) column.' },
    missing: { label: 'Missing values', help: 'a (missing) column, or zeros.' },
    categories: {
      label: 'Fixed categories',
      help: 'Optional: [{ "column": …, "values": [...] }] fixes a column’s categories and their order.'
    },
    maxColumns: { label: 'Refuse more than this many columns' }
  },
  examples: [
    { columns: ['city'] },
    { columns: ['city', 'rooms'], maxCategories: 3, unknown: 'other' },
    { columns: ['city', 'garden'], minCount: 4 },
    {
      columns: ['city'],
      categories: [{ column: 'city', values: ['Paris', 'Lyon'] }],
      missing: 'zeros'
    }
  ],
  /** Categorical columns of at most 50 values (more is an ID or a name). */
  defaults(input) {
    const many = new Set(input.columns.filter((c) => (c.distinct ?? 0) > 50).map((c) => c.name));
    const columns = columnsOfType(input, ['categorical']).filter((n) => !many.has(n));
    return columns.length ? { columns } : null;
  },
  schemaAfterFit: 'adds',
  outputSchema(input: ColumnSchema[], p: Params, ctx: StepContext): ColumnSchema[] {
    checkCategoriesListed(p.categories, p.columns, ctx, TYPE);
    const replacements = new Map<string, ColumnSchema[]>();
    let total = 0;
    for (const name of p.columns) {
      const i = schemaIndex(input, name, ctx, TYPE, ALLOWED, HINT);
      checkFixed(name, input[i].type, p, ctx);
      const fixed = fixedCategories(p, name);
      const out: ColumnSchema[] = [];
      if (fixed) {
        for (const f of fixed)
          out.push({
            name: label(
              name,
              input[i].type === 'categorical' || input[i].type === 'text' ? f : Number(f)
            ),
            type: 'float'
          });
        if (p.missing === 'category') out.push({ name: `${name}=${MISSING_LABEL}`, type: 'float' });
        if (p.unknown === 'other') out.push({ name: `${name}=${OTHER_LABEL}`, type: 'float' });
      }
      total += out.length;
      if (total > p.maxColumns)
        throw tooMany(ctx, total, { name, distinct: fixed?.length ?? 0 }, p);
      replacements.set(name, out);
    }
    const out = replaceColumns(input, replacements);
    checkUniqueNames(out, ctx, TYPE);
    return out;
  },
  fit(train: Frame, p: Params, ctx: StepContext): State {
    const columns: ColumnState[] = [];
    let total = 0;
    let worst = { name: '', distinct: -1 };
    for (const name of p.columns) {
      const col = frameColumn(train, name, ctx, TYPE, ALLOWED, HINT);
      checkFixed(name, col.type, p, ctx);
      const { distinct, ...s } = fitColumn(col, p);
      total += s.names.length;
      if (distinct > worst.distinct) worst = { name, distinct };
      columns.push(s);
    }
    if (total > p.maxColumns) throw tooMany(ctx, total, worst, p);
    for (const s of columns)
      checkUniqueNames(
        s.names.map((name) => ({ name })),
        ctx,
        TYPE
      );
    return { columns };
  },
  apply(frame: Frame, p: Params, state: State, ctx: StepContext): Frame {
    const created = state.columns.reduce((sum, s) => sum + s.names.length, 0);
    checkOutputSize(ctx, TYPE, frame.rows, created);
    const replacements = new Map<string, FrameColumn[]>();
    for (const s of state.columns)
      replacements.set(
        s.column,
        encode(frameColumn(frame, s.column, ctx, TYPE, ALLOWED, HINT), s, p)
      );
    const columns = replaceColumns(frame.columns, replacements);
    checkUniqueNames(columns, ctx, TYPE);
    return { rows: frame.rows, columns };
  },
  lower(onnx, p: Params, state: State): void {
    for (const s of state.columns) lowerColumn(onnx, s, p);
  }
};
