import * as v from 'valibot';
import type { ColumnSchema, ColumnType } from '../data/types';
import { attr, type Value } from '../onnx/graph';
import type { Lowering } from '../onnx/lowering';
import type { Frame, FrameColumn } from './frame';
import { columnsOfType } from './hints';
import type { StepContext, StepKind } from './step';
import {
  checkUniqueNames,
  columnList,
  numericColumn,
  replaceColumns,
  schemaIndex
} from './stepkit';
import { lowerCivilFromDays, scalar } from './lowerkit';
import { civilFromDays } from '../data/date';

const TYPE = 'dateparts';
const ALLOWED: readonly ColumnType[] = ['datetime'];
const HINT = 'cast a text column to datetime first';
const PARTS = ['year', 'month', 'day', 'dayofweek', 'hour'] as const;
type Part = (typeof PARTS)[number];

/**
 * Splits a datetime (epoch milliseconds, UTC) into integer columns `<col>_<part>`: year, month
 * (1–12), day (1–31), dayofweek (Monday = 0 … Sunday = 6, like pandas) and hour (0–23), all in
 * UTC, placed where the column was (after it with `keep`). Stateless. Missing stays missing.
 */
const params = v.strictObject({
  columns: columnList,
  parts: v.optional(
    v.pipe(
      v.array(v.picklist(PARTS)),
      v.minLength(1, 'choose at least one part'),
      v.check((a) => new Set(a).size === a.length, 'each part may be listed once')
    ),
    [...PARTS]
  ),
  /** Keep the datetime column itself before its parts. */
  keep: v.optional(v.boolean(), false)
});
type Params = v.InferOutput<typeof params>;

const DAY_MS = 86400000;

function parts(col: FrameColumn & { kind: 'number' }, wanted: readonly Part[]): FrameColumn[] {
  const x = col.values;
  const n = x.length;
  const out = new Map<Part, Float64Array>();
  for (const p of wanted) out.set(p, new Float64Array(n));
  const year = out.get('year');
  const month = out.get('month');
  const day = out.get('day');
  const dow = out.get('dayofweek');
  const hour = out.get('hour');
  const date = new Float64Array(3);
  for (let i = 0; i < n; i++) {
    const ms = x[i];
    if (!Number.isFinite(ms)) {
      for (const a of out.values()) a[i] = NaN;
      continue;
    }
    const days = Math.floor(ms / DAY_MS);
    if (hour) hour[i] = Math.floor((ms - days * DAY_MS) / 3600000);
    if (dow) dow[i] = (((days + 3) % 7) + 7) % 7; // 1970-01-01 was a Thursday (3)
    if (year || month || day) {
      civilFromDays(days, date);
      if (year) year[i] = date[0];
      if (month) month[i] = date[1];
      if (day) day[i] = date[2];
    }
  }
  return wanted.map((p) => ({
    kind: 'number',
    name: `${col.name}_${p}`,
    type: 'integer',
    values: out.get(p) as Float64Array
  }));
}

/**
 * `parts`, op by op in double: the same IEEE operations in the same order (Div, Floor, Mod with
 * fmod = JavaScript's %), so the results are apply's. Missing (NaN) stays NaN through every op.
 */
function lowerParts(onnx: Lowering, name: string, wanted: readonly Part[]): Map<Part, Value> {
  const g = onnx.graph;
  const ms = onnx.column(name);
  const shape = ms.shape;
  const constants = new Map<number, Value>();
  const k = (x: number): Value => {
    let c = constants.get(x);
    if (c === undefined) constants.set(x, (c = scalar(g, `${name}_${x}`, x)));
    return c;
  };
  const op = (type: string, a: Value, b: Value | null = null) =>
    g.op(type, b === null ? [a] : [a, b], {
      dtype: 'double',
      shape,
      name: `${name}_${type.toLowerCase()}`
    });
  const add = (a: Value, b: Value) => op('Add', a, b);
  const sub = (a: Value, b: Value) => op('Sub', a, b);
  const mul = (a: Value, b: Value) => op('Mul', a, b);
  const floorDiv = (a: Value, b: number) => op('Floor', op('Div', a, k(b)));
  const out = new Map<Part, Value>();
  const days = floorDiv(ms, DAY_MS);
  if (wanted.includes('hour')) out.set('hour', floorDiv(sub(ms, mul(days, k(DAY_MS))), 3600000));
  if (wanted.includes('dayofweek')) {
    const mod7 = (a: Value) =>
      g.op(
        'Mod',
        [a, k(7)],
        { dtype: 'double', shape, name: `${name}_mod` },
        { fmod: attr.int(1) }
      );
    out.set('dayofweek', mod7(add(mod7(add(days, k(3))), k(7))));
  }
  if (wanted.includes('year') || wanted.includes('month') || wanted.includes('day')) {
    const date = lowerCivilFromDays(g, days, name);
    out.set('year', date.year);
    out.set('month', date.month);
    out.set('day', date.day);
  }
  return out;
}

export const datepartsStep: StepKind<Params, null> = {
  type: TYPE,
  label: 'Date parts',
  params,
  fields: {
    columns: { label: 'Date columns', widget: 'columns', accepts: ALLOWED },
    parts: { label: 'Parts' },
    keep: { label: 'Keep the date column' }
  },
  examples: [
    { columns: ['listed'] },
    { columns: ['listed'], parts: ['year', 'month'], keep: true }
  ],
  defaults(input) {
    const columns = columnsOfType(input, ALLOWED);
    return columns.length ? { columns } : null;
  },
  outputSchema(input: ColumnSchema[], p: Params, ctx: StepContext): ColumnSchema[] {
    const replacements = new Map<string, ColumnSchema[]>();
    for (const name of p.columns) {
      const c = input[schemaIndex(input, name, ctx, TYPE, ALLOWED, HINT)];
      const out: ColumnSchema[] = p.keep ? [c] : [];
      for (const part of p.parts) out.push({ name: `${name}_${part}`, type: 'integer' });
      replacements.set(name, out);
    }
    const out = replaceColumns(input, replacements);
    checkUniqueNames(out, ctx, TYPE);
    return out;
  },
  fit(train: Frame, p: Params, ctx: StepContext): null {
    for (const name of p.columns) numericColumn(train, name, ctx, TYPE, ALLOWED, HINT);
    return null;
  },
  apply(frame: Frame, p: Params, _state: null, ctx: StepContext): Frame {
    const replacements = new Map<string, FrameColumn[]>();
    for (const name of p.columns) {
      const col = numericColumn(frame, name, ctx, TYPE, ALLOWED, HINT);
      replacements.set(name, [...(p.keep ? [col] : []), ...parts(col, p.parts)]);
    }
    const columns = replaceColumns(frame.columns, replacements);
    checkUniqueNames(columns, ctx, TYPE);
    return { rows: frame.rows, columns };
  },
  lower(onnx, p: Params): void {
    for (const name of p.columns) {
      const values = lowerParts(onnx, name, p.parts);
      if (!p.keep) onnx.dropColumn(name);
      for (const part of p.parts) onnx.setColumn(`${name}_${part}`, values.get(part) as Value);
    }
  }
};
