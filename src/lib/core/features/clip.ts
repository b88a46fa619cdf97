import * as v from 'valibot';
import type { ColumnSchema, ColumnType } from '../data/types';
import type { Frame, FrameColumn } from './frame';
import { clamp } from './lowerkit';
import type { StepContext, StepKind } from './step';
import {
  columnList,
  finiteNumber,
  numericColumn,
  replaceColumns,
  schemaIndex,
  stepError
} from './stepkit';

const TYPE = 'clip';
const ALLOWED: readonly ColumnType[] = ['integer', 'float'];

/**
 * Clamps numbers to fixed bounds [min, max] (either may be null = unbounded, not both), like
 * numpy.clip. Stateless. NaN stays NaN; ±Infinity is clamped to the bound. An integer column
 * stays integer when the bounds are integers, else becomes float.
 */
const params = v.strictObject({
  columns: columnList,
  min: v.optional(v.nullable(finiteNumber), null),
  max: v.optional(v.nullable(finiteNumber), null)
});
type Params = v.InferOutput<typeof params>;

function checkBounds(p: Params, ctx: StepContext): void {
  if (p.min === null && p.max === null) throw stepError(ctx, TYPE, 'give min, max or both');
  if (p.min !== null && p.max !== null && p.min > p.max)
    throw stepError(ctx, TYPE, `min (${p.min}) must not exceed max (${p.max})`);
}

function outputType(type: ColumnType, p: Params): ColumnType {
  const int = (x: number | null) => x === null || Number.isInteger(x);
  return type === 'integer' && int(p.min) && int(p.max) ? 'integer' : 'float';
}

function clip(col: FrameColumn & { kind: 'number' }, p: Params): FrameColumn {
  const x = col.values;
  const lo = p.min ?? -Infinity;
  const hi = p.max ?? Infinity;
  const y = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const xi = x[i];
    y[i] = xi < lo ? lo : xi > hi ? hi : xi;
  }
  const type = outputType(col.type, p) as 'integer' | 'float';
  return { kind: 'number', name: col.name, type, values: y };
}

export const clipStep: StepKind<Params, null> = {
  type: TYPE,
  label: 'Clip to bounds',
  params,
  fields: {
    columns: { label: 'Columns', widget: 'columns', accepts: ALLOWED },
    min: { label: 'Lower bound', help: 'Blank: none.' },
    max: { label: 'Upper bound', help: 'Blank: none.' }
  },
  examples: [
    { columns: ['price'], min: 5, max: 25 },
    { columns: ['rooms'], max: 4 }
  ],
  defaults: () => null,
  outputSchema(input: ColumnSchema[], p: Params, ctx: StepContext): ColumnSchema[] {
    checkBounds(p, ctx);
    const out = input.slice();
    for (const name of p.columns) {
      const i = schemaIndex(input, name, ctx, TYPE, ALLOWED);
      out[i] = { name, type: outputType(input[i].type, p) };
    }
    return out;
  },
  fit(train: Frame, p: Params, ctx: StepContext): null {
    checkBounds(p, ctx);
    for (const name of p.columns) numericColumn(train, name, ctx, TYPE, ALLOWED);
    return null;
  },
  apply(frame: Frame, p: Params, _state: null, ctx: StepContext): Frame {
    const replacements = new Map<string, FrameColumn[]>();
    for (const name of p.columns)
      replacements.set(name, [clip(numericColumn(frame, name, ctx, TYPE, ALLOWED), p)]);
    return { rows: frame.rows, columns: replaceColumns(frame.columns, replacements) };
  },
  lower(onnx, p: Params): void {
    for (const name of p.columns)
      onnx.setColumn(name, clamp(onnx.graph, onnx.column(name), p.min, p.max, `${name}_clipped`));
  }
};
