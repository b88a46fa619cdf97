import * as v from 'valibot';
import type { GraphBuilder, Value } from '../onnx/graph';
import type { ColumnSchema, ColumnType } from '../data/types';
import type { Frame, FrameColumn } from './frame';
import { cast, elementwise, keepMissing, scalar, scalarInt, withConstant } from './lowerkit';
import type { StepContext, StepKind } from './step';
import {
  columnList,
  finiteSorted,
  integerIn,
  numericColumn,
  quantileSorted,
  replaceColumns,
  schemaIndex
} from './stepkit';

const TYPE = 'bucketize';
const ALLOWED: readonly ColumnType[] = ['integer', 'float', 'datetime'];

/**
 * Replaces a number by its bin index 0…nBins-1, like KBinsDiscretizer(encode='ordinal'):
 * - uniform: nBins equal-width bins between the training min and max (numpy linspace);
 * - quantile: edges at the training percentiles 0, 100/n, …, 100 (numpy 'linear'), then edges
 *   closer than 1e-8 to the previous edge are removed, so nBins may be smaller than asked;
 * - a value goes to bin searchsorted(edges[1:-1], x, side='right'): a value equal to an inner
 *   edge goes to the upper bin; values below the first / above the last edge go to the first /
 *   last bin (apply never fails on out-of-range values);
 * - a column constant in train gets one bin (edges [c, c], where sklearn stores [-inf, inf],
 *   which JSON cannot hold); a column with no finite training value likewise, edges [0, 0].
 * Fitting uses the finite values (sklearn rejects NaN); NaN stays NaN, -Infinity → bin 0 and
 * +Infinity → the last bin. No subsampling (KBinsDiscretizer subsamples above 200,000 rows for
 * quantiles). The output is integer.
 */
const params = v.strictObject({
  columns: columnList,
  bins: v.optional(integerIn(2, 1000), 5),
  strategy: v.optional(v.picklist(['quantile', 'uniform']), 'quantile')
});
type Params = v.InferOutput<typeof params>;

type ColumnState = {
  column: string;
  /** nBins + 1 increasing edges; only the inner ones decide the bin. */
  edges: number[];
  nBins: number;
};
type State = { columns: ColumnState[] };

function linspace(start: number, stop: number, num: number): number[] {
  const div = num - 1;
  const step = (stop - start) / div;
  const out: number[] = [];
  for (let i = 0; i < num; i++) out.push(i * step + start);
  out[num - 1] = stop;
  return out;
}

function fitColumn(name: string, values: Float64Array, p: Params): ColumnState {
  const sorted = finiteSorted(values);
  if (sorted.length === 0) return { column: name, edges: [0, 0], nBins: 1 };
  const lo = sorted[0];
  const hi = sorted[sorted.length - 1];
  if (lo === hi) return { column: name, edges: [lo, hi], nBins: 1 };
  if (p.strategy === 'uniform')
    return { column: name, edges: linspace(lo, hi, p.bins + 1), nBins: p.bins };
  const raw = linspace(0, 100, p.bins + 1).map((q) => quantileSorted(sorted, q / 100));
  const edges = raw.filter((e, i) => i === 0 || e - raw[i - 1] > 1e-8);
  return { column: name, edges, nBins: edges.length - 1 };
}

function applyColumn(name: string, x: Float64Array, s: ColumnState): FrameColumn {
  const inner = Float64Array.from(s.edges.slice(1, -1));
  const m = inner.length;
  const out = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const xi = x[i];
    if (xi !== xi) {
      out[i] = NaN;
      continue;
    }
    // Number of inner edges <= xi (searchsorted side='right').
    let a = 0;
    let b = m;
    while (a < b) {
      const mid = (a + b) >> 1;
      if (inner[mid] <= xi) a = mid + 1;
      else b = mid;
    }
    out[i] = a;
  }
  return { kind: 'number', name, type: 'integer', values: out };
}

/**
 * applyColumn as nodes: the binary search done as binary lifting, one step per bit of the
 * number of inner edges m. The count starts at 0; the step of size b adds b when the edge at
 * count + b - 1 is ≤ x. The edges are padded with NaN to 2^bits - 1 (x ≥ NaN is false), so
 * memory stays one column per step whatever the number of bins; NaN stays NaN.
 */
function lowerColumn(g: GraphBuilder, x: Value, s: ColumnState): Value {
  const name = `${s.column}_bin`;
  const inner = s.edges.slice(1, -1);
  if (inner.length === 0) return keepMissing(g, x, scalar(g, `${name}_only`, 0), name);
  const bits = 32 - Math.clz32(inner.length);
  const padded = Float64Array.from({ length: 2 ** bits - 1 }, (_, i) => inner[i] ?? NaN);
  const int = (value: number) => scalarInt(g, `${name}_step`, value);
  const first = 2 ** (bits - 1);
  const reached = withConstant(
    g,
    'GreaterOrEqual',
    x,
    padded[first - 1],
    `${name}_reached`,
    'bool'
  );
  let count = elementwise(g, 'Where', [reached, int(first), int(0)], x, `${name}_count`, 'int64');
  for (let step = first / 2; step >= 1; step /= 2) {
    const edges = g.doubles(`${name}_edges`, padded.slice(step - 1));
    const edge = elementwise(g, 'Gather', [edges, count], x, `${name}_edge`, 'double');
    const further = elementwise(g, 'Add', [count, int(step)], x, `${name}_next`, 'int64');
    const next = elementwise(g, 'GreaterOrEqual', [x, edge], x, `${name}_reached`, 'bool');
    count = elementwise(g, 'Where', [next, further, count], x, `${name}_count`, 'int64');
  }
  return keepMissing(g, x, cast(g, count, 'double', `${name}_value`), name);
}

export const bucketizeStep: StepKind<Params, State> = {
  type: TYPE,
  label: 'Bucketize',
  params,
  fields: {
    columns: { label: 'Columns', widget: 'columns', accepts: ALLOWED },
    bins: { label: 'Bins' },
    strategy: {
      label: 'Edges',
      help: 'quantile: bins of equal counts; uniform: bins of equal width.'
    }
  },
  examples: [
    { columns: ['price'], bins: 3 },
    { columns: ['price', 'listed'], bins: 4, strategy: 'uniform' }
  ],
  defaults: () => null,
  outputSchema(input: ColumnSchema[], p: Params, ctx: StepContext): ColumnSchema[] {
    const out = input.slice();
    for (const name of p.columns)
      out[schemaIndex(input, name, ctx, TYPE, ALLOWED)] = { name, type: 'integer' };
    return out;
  },
  fit(train: Frame, p: Params, ctx: StepContext): State {
    return {
      columns: p.columns.map((name) =>
        fitColumn(name, numericColumn(train, name, ctx, TYPE, ALLOWED).values, p)
      )
    };
  },
  apply(frame: Frame, _p: Params, state: State, ctx: StepContext): Frame {
    const replacements = new Map<string, FrameColumn[]>();
    for (const s of state.columns)
      replacements.set(s.column, [
        applyColumn(s.column, numericColumn(frame, s.column, ctx, TYPE, ALLOWED).values, s)
      ]);
    return { rows: frame.rows, columns: replaceColumns(frame.columns, replacements) };
  },
  lower(onnx, _p: Params, state: State): void {
    for (const s of state.columns)
      onnx.setColumn(s.column, lowerColumn(onnx.graph, onnx.column(s.column), s));
  }
};
