import * as v from 'valibot';
import type { ColumnSchema, ColumnType } from '../data/types';
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
      // H. Hinnant's civil_from_days.
      const z = days + 719468;
      const era = Math.floor(z / 146097);
      const doe = z - era * 146097;
      const yoe = Math.floor(
        (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365
      );
      const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
      const mp = Math.floor((5 * doy + 2) / 153);
      const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
      const m = mp < 10 ? mp + 3 : mp - 9;
      if (year) year[i] = yoe + era * 400 + (m <= 2 ? 1 : 0);
      if (month) month[i] = m;
      if (day) day[i] = d;
    }
  }
  return wanted.map((p) => ({
    kind: 'number',
    name: `${col.name}_${p}`,
    type: 'integer',
    values: out.get(p) as Float64Array
  }));
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
  }
};
