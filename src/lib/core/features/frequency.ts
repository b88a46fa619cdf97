import * as v from 'valibot';
import type { ColumnSchema, ColumnType } from '../data/types';
import type { Frame, FrameColumn } from './frame';
import { columnsOfType } from './hints';
import { categoryCodes, codeTable } from './lowercat';
import type { StepContext, StepKind } from './step';
import {
  columnList,
  comparePy,
  countValues,
  frameColumn,
  replaceColumns,
  schemaIndex
} from './stepkit';

const TYPE = 'frequency';
const ALLOWED: readonly ColumnType[] = ['categorical', 'text', 'integer', 'boolean'];

/**
 * Replaces each category by how often it occurs in the training rows: a fraction of all
 * training rows (`normalize`, default) or a count. Missing is treated as a value of its own (its
 * frequency in train); a value never seen in train gets 0. The output is float (integer for
 * counts). Not in scikit-learn; the state lists every training category with its frequency.
 */
const params = v.strictObject({
  columns: columnList,
  normalize: v.optional(v.boolean(), true)
});
type Params = v.InferOutput<typeof params>;

type ColumnState = {
  column: string;
  /** Training categories (numbers for integer/boolean columns), sorted. */
  categories: (string | number)[];
  /** Their frequencies (fractions or counts, per `normalize`). */
  frequencies: number[];
  /** Frequency of missing values. */
  missing: number;
  /** Training rows. */
  n: number;
};
type State = { columns: ColumnState[] };

function fitColumn(col: FrameColumn, p: Params, n: number): ColumnState {
  const scale = p.normalize && n > 0 ? 1 / n : 1;
  if (col.kind === 'category') {
    const c = countValues(col);
    const order = c.values.map((_, i) => i).filter((i) => c.counts[i] > 0);
    order.sort((a, b) => comparePy(c.values[a], c.values[b]));
    return {
      column: col.name,
      categories: order.map((i) => c.values[i]),
      frequencies: order.map((i) => c.counts[i] * scale),
      missing: c.missing * scale,
      n
    };
  }
  const seen = new Map<number, number>();
  let missing = 0;
  const x = col.values;
  for (let i = 0; i < x.length; i++) {
    const xi = x[i];
    if (xi !== xi) missing++;
    else if (Number.isFinite(xi)) seen.set(xi, (seen.get(xi) ?? 0) + 1);
  }
  const cats = [...seen.keys()].sort((a, b) => a - b);
  return {
    column: col.name,
    categories: cats,
    frequencies: cats.map((k) => (seen.get(k) ?? 0) * scale),
    missing: missing * scale,
    n
  };
}

function encode(col: FrameColumn, s: ColumnState, p: Params): FrameColumn {
  const where = new Map<string | number, number>();
  s.categories.forEach((c, i) => where.set(c, s.frequencies[i]));
  const n = col.kind === 'category' ? col.codes.length : col.values.length;
  const out = new Float64Array(n);
  if (col.kind === 'category') {
    const lookup = new Float64Array(col.dictionary.length);
    col.dictionary.forEach((d, i) => (lookup[i] = where.get(d) ?? 0));
    const codes = col.codes;
    for (let i = 0; i < n; i++) {
      const c = codes[i];
      out[i] = c < 0 ? s.missing : lookup[c];
    }
  } else {
    const x = col.values;
    for (let i = 0; i < n; i++) {
      const xi = x[i];
      out[i] = xi !== xi ? s.missing : (where.get(xi) ?? 0);
    }
  }
  return { kind: 'number', name: col.name, type: p.normalize ? 'float' : 'integer', values: out };
}

export const frequencyStep: StepKind<Params, State> = {
  type: TYPE,
  label: 'Frequency encode',
  params,
  fields: {
    columns: { label: 'Columns', widget: 'columns', accepts: ALLOWED },
    normalize: { label: 'As a share of the rows', help: 'Off: counts of rows.' }
  },
  examples: [{ columns: ['city'] }, { columns: ['city', 'rooms'], normalize: false }],
  defaults(input) {
    const columns = columnsOfType(input, ['categorical']);
    return columns.length ? { columns } : null;
  },
  outputSchema(input: ColumnSchema[], p: Params, ctx: StepContext): ColumnSchema[] {
    const out = input.slice();
    for (const name of p.columns)
      out[schemaIndex(input, name, ctx, TYPE, ALLOWED)] = {
        name,
        type: p.normalize ? 'float' : 'integer'
      };
    return out;
  },
  fit(train: Frame, p: Params, ctx: StepContext): State {
    return {
      columns: p.columns.map((name) =>
        fitColumn(frameColumn(train, name, ctx, TYPE, ALLOWED), p, train.rows)
      )
    };
  },
  apply(frame: Frame, p: Params, state: State, ctx: StepContext): Frame {
    const replacements = new Map<string, FrameColumn[]>();
    for (const s of state.columns)
      replacements.set(s.column, [encode(frameColumn(frame, s.column, ctx, TYPE, ALLOWED), s, p)]);
    return { rows: frame.rows, columns: replaceColumns(frame.columns, replacements) };
  },
  lower(onnx, _p: Params, state: State): void {
    for (const s of state.columns) {
      // Codes 0…k-1 are the categories'; k is unseen (frequency 0), k + 1 missing.
      const k = s.categories.length;
      const codes = new Map(s.categories.map((c, i) => [c, i]));
      const code = categoryCodes(onnx, s.column, { codes, unknown: k, missing: k + 1 });
      const table = [...s.frequencies, 0, s.missing];
      onnx.setColumn(s.column, codeTable(onnx, code, table, `${s.column}_frequency`));
    }
  }
};
