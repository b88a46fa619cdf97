import * as v from 'valibot';
import type { ColumnSchema, ColumnType } from '../data/types';
import type { Frame, FrameColumn } from './frame';
import { columnsOfType } from './hints';
import { categoryCodes, codeTable } from './lowercat';
import type { StepContext, StepKind } from './step';
import {
  MAX_LIST,
  columnList,
  columnName,
  comparePy,
  countValues,
  finiteNumber,
  frameColumn,
  replaceColumns,
  schemaIndex,
  stepError,
  checkCategoriesListed
} from './stepkit';

const TYPE = 'ordinal';
const ALLOWED: readonly ColumnType[] = ['categorical', 'text', 'integer', 'boolean'];

/**
 * Replaces each category by its position 0, 1, 2… among the training categories, like
 * OrdinalEncoder: categories sorted (text by code point like Python, numbers numerically), or
 * in the order given in `categories` (e.g. low < medium < high).
 * - unknown (a value not seen in train / not listed): `unknownValue`, default -1; null = NaN
 *   (OrdinalEncoder needs handle_unknown='use_encoded_value' for this; its default is to fail);
 * - missing: `missingValue`, default null = NaN, like OrdinalEncoder's encoded_missing_value.
 * The output is integer when both are integers or null, float otherwise.
 */
const params = v.strictObject({
  columns: columnList,
  unknownValue: v.optional(v.nullable(finiteNumber), -1),
  missingValue: v.optional(v.nullable(finiteNumber), null),
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
  )
});
type Params = v.InferOutput<typeof params>;

type ColumnState = {
  column: string;
  /** Category i is encoded as i (numbers for integer/boolean columns). */
  categories: (string | number)[];
  /** Training counts of `categories`. */
  counts: number[];
  /** Missing values in the training rows. */
  missing: number;
};
type State = { columns: ColumnState[] };

function outputType(p: Params): ColumnType {
  const int = (x: number | null) => x === null || Number.isInteger(x);
  return int(p.unknownValue) && int(p.missingValue) ? 'integer' : 'float';
}

function fixed(
  p: Params,
  name: string,
  type: ColumnType,
  ctx: StepContext
): (string | number)[] | null {
  const values = p.categories.find((c) => c.column === name)?.values;
  if (!values) return null;
  if (type === 'categorical' || type === 'text') return values;
  return values.map((s) => {
    const x = Number(s);
    if (s.trim() === '' || !Number.isFinite(x))
      throw stepError(
        ctx,
        TYPE,
        `column "${name}" is ${type}, so its category "${s}" must be a number`,
        {
          column: name
        }
      );
    return x;
  });
}

function fitColumn(col: FrameColumn, p: Params, ctx: StepContext): ColumnState {
  let cats: (string | number)[];
  let counts: number[];
  let missing = 0;
  const given = fixed(p, col.name, col.type, ctx);
  if (col.kind === 'category') {
    const c = countValues(col);
    missing = c.missing;
    const byValue = new Map(c.values.map((s, i) => [s, c.counts[i]]));
    cats = given ?? c.values.filter((_, i) => c.counts[i] > 0).sort(comparePy);
    counts = cats.map((s) => byValue.get(s as string) ?? 0);
  } else {
    const seen = new Map<number, number>();
    const x = col.values;
    for (let i = 0; i < x.length; i++) {
      const xi = x[i];
      if (xi !== xi) missing++;
      else if (Number.isFinite(xi)) seen.set(xi, (seen.get(xi) ?? 0) + 1);
    }
    cats = given ?? [...seen.keys()].sort((a, b) => a - b);
    counts = cats.map((k) => seen.get(k as number) ?? 0);
  }
  return { column: col.name, categories: cats, counts, missing };
}

/** Category → code; a number written twice in `categories` ("1", "1.0") keeps its last place. */
function codesOf(s: ColumnState): Map<string | number, number> {
  const where = new Map<string | number, number>();
  s.categories.forEach((c, i) => where.set(c, i));
  return where;
}

function encode(col: FrameColumn, s: ColumnState, p: Params): FrameColumn {
  const unknown = p.unknownValue ?? NaN;
  const missing = p.missingValue ?? NaN;
  const where = codesOf(s);
  const n = col.kind === 'category' ? col.codes.length : col.values.length;
  const out = new Float64Array(n);
  if (col.kind === 'category') {
    const lookup = new Float64Array(col.dictionary.length);
    col.dictionary.forEach((d, i) => (lookup[i] = where.get(d) ?? unknown));
    const codes = col.codes;
    for (let i = 0; i < n; i++) {
      const c = codes[i];
      out[i] = c < 0 ? missing : lookup[c];
    }
  } else {
    const x = col.values;
    for (let i = 0; i < n; i++) {
      const xi = x[i];
      out[i] = xi !== xi ? missing : (where.get(xi) ?? unknown);
    }
  }
  const type = outputType(p) as 'integer' | 'float';
  return { kind: 'number', name: col.name, type, values: out };
}

export const ordinalStep: StepKind<Params, State> = {
  type: TYPE,
  label: 'Ordinal encode',
  params,
  fields: {
    columns: { label: 'Columns', widget: 'columns', accepts: ALLOWED },
    unknownValue: { label: 'Code for values not seen in training', help: 'Blank: missing.' },
    missingValue: { label: 'Code for missing values', help: 'Blank: missing.' },
    categories: {
      label: 'Fixed order',
      help: 'Optional: [{ "column": …, "values": [...] }] codes the values 0, 1, 2, … in this order.'
    }
  },
  examples: [
    { columns: ['city'] },
    {
      columns: ['city'],
      categories: [{ column: 'city', values: ['Nice', 'Lyon', 'Paris'] }],
      unknownValue: null
    },
    { columns: ['city', 'rooms'], unknownValue: 0.1, missingValue: -1.5 }
  ],
  defaults(input) {
    const columns = columnsOfType(input, ['categorical']);
    return columns.length ? { columns } : null;
  },
  outputSchema(input: ColumnSchema[], p: Params, ctx: StepContext): ColumnSchema[] {
    checkCategoriesListed(p.categories, p.columns, ctx, TYPE);
    const out = input.slice();
    for (const name of p.columns) {
      const i = schemaIndex(input, name, ctx, TYPE, ALLOWED);
      fixed(p, name, input[i].type, ctx);
      out[i] = { name, type: outputType(p) };
    }
    return out;
  },
  fit(train: Frame, p: Params, ctx: StepContext): State {
    return {
      columns: p.columns.map((name) =>
        fitColumn(frameColumn(train, name, ctx, TYPE, ALLOWED), p, ctx)
      )
    };
  },
  apply(frame: Frame, p: Params, state: State, ctx: StepContext): Frame {
    const replacements = new Map<string, FrameColumn[]>();
    for (const s of state.columns)
      replacements.set(s.column, [encode(frameColumn(frame, s.column, ctx, TYPE, ALLOWED), s, p)]);
    return { rows: frame.rows, columns: replaceColumns(frame.columns, replacements) };
  },
  lower(onnx, p: Params, state: State): void {
    for (const s of state.columns) {
      // Codes 0…k-1 are the categories' own; k is unknown, k + 1 missing.
      const k = s.categories.length;
      const code = categoryCodes(onnx, s.column, { codes: codesOf(s), unknown: k, missing: k + 1 });
      const table = [...s.categories.keys(), p.unknownValue ?? NaN, p.missingValue ?? NaN];
      onnx.setColumn(s.column, codeTable(onnx, code, table, `${s.column}_ordinal`));
    }
  }
};
