import * as v from 'valibot';
import type { GraphBuilder, Value } from '../onnx/graph';
import type { ColumnSchema } from '../data/types';
import type { Frame, FrameColumn, NumericColumn } from './frame';
import { numberSource } from './rows';
import { columnsOfType } from './hints';
import { clamp, withConstant } from './lowerkit';
import type { StepContext, StepKind } from './step';
import {
  NUMERIC_TYPES,
  columnList,
  finiteSorted,
  medianSorted,
  numberIn,
  numericColumn,
  quantileSorted,
  replaceColumns,
  schemaIndex,
  stepError
} from './stepkit';

const TYPE = 'scale';

/**
 * Every method is an affine map y = (x - center) / scale, fitted per column on the finite
 * training values (NaN = missing is skipped; ±Infinity is skipped when learning):
 * - standard: center = mean, scale = population standard deviation (ddof 0), like
 *   StandardScaler, with its corrected two-pass variance and its test for constant columns;
 * - minmax: like MinMaxScaler, y = x·scale + min with scale = (hi - lo) / (max - min) and
 *   min = lo - dataMin·scale; `clip` clamps to the range like MinMaxScaler(clip=True);
 * - robust: center = median, scale = the spread between two percentiles (numpy 'linear'),
 *   default 25–75 (the IQR), like RobustScaler.
 * Division by zero never happens: a zero (or, as sklearn tests it, negligible) spread makes the
 * scale 1, so a constant column becomes x - center (0 for standard/robust, `lo` for minmax).
 * A column with no finite training value is left as it is (center 0, scale 1).
 * NaN propagates (stays NaN); ±Infinity maps to ±Infinity. The output is float.
 */
const params = v.strictObject({
  columns: columnList,
  method: v.optional(v.picklist(['standard', 'minmax', 'robust']), 'standard'),
  /** standard and robust: subtract the center (mean / median). */
  withCentering: v.optional(v.boolean(), true),
  /** standard and robust: divide by the scale (std / percentile spread). */
  withScaling: v.optional(v.boolean(), true),
  /** minmax: the output range [lo, hi]. */
  featureRange: v.optional(
    v.pipe(
      v.tuple([numberIn(-1e12, 1e12), numberIn(-1e12, 1e12)]),
      v.check((r) => r[0] < r[1], 'featureRange must be [lo, hi] with lo < hi')
    ),
    [0, 1]
  ),
  /** minmax: clamp the output to featureRange (values outside the training range). */
  clip: v.optional(v.boolean(), false),
  /** robust: the percentiles whose difference is the scale. */
  quantileRange: v.optional(
    v.pipe(
      v.tuple([numberIn(0, 100), numberIn(0, 100)]),
      v.check((r) => r[0] < r[1], 'quantileRange must be [low, high] with low < high')
    ),
    [25, 75]
  )
});
type Params = v.InferOutput<typeof params>;

type ColumnState = {
  column: string;
  /** Finite training values used. */
  n: number;
  /** y = (x - center) / scale; for minmax center = -min/scale so the same formula holds. */
  center: number;
  scale: number;
  /** standard: mean and variance; minmax: data min and max; robust: median and percentiles. */
  stats: { [key: string]: number };
};
type State = { method: 'standard' | 'minmax' | 'robust'; columns: ColumnState[] };

const EPS = Number.EPSILON;

/** sklearn's _handle_zeros_in_scale without a constant mask. */
function nonZero(scale: number): number {
  return scale < 10 * EPS ? 1 : scale;
}

/**
 * Row i of the column is `x[rows[i]]`, or `x[i]` when `rows` is null (see rows.ts): the split's
 * rows are read in place, in the same order, so sums are bit-for-bit those over a copy.
 */
function fitStandard(
  name: string,
  x: Float64Array,
  rows: Int32Array | null,
  p: Params
): ColumnState {
  const len = rows ? rows.length : x.length;
  let n = 0;
  let sum = 0;
  // x - x === 0 is Number.isFinite(x) (NaN and ±Infinity give NaN) without a call.
  if (rows) {
    for (let i = 0; i < len; i++) {
      const xi = x[rows[i]];
      if (xi - xi === 0) {
        sum += xi;
        n++;
      }
    }
  } else {
    for (let i = 0; i < len; i++) {
      const xi = x[i];
      if (xi - xi === 0) {
        sum += xi;
        n++;
      }
    }
  }
  if (n === 0) return { column: name, n, center: 0, scale: 1, stats: { mean: 0, var: 0 } };
  const mean = sum / n;
  let correction = 0;
  let sq = 0;
  if (rows) {
    for (let i = 0; i < len; i++) {
      const xi = x[rows[i]];
      if (xi - xi === 0) {
        const d = xi - mean;
        correction += d;
        sq += d * d;
      }
    }
  } else {
    for (let i = 0; i < len; i++) {
      const xi = x[i];
      if (xi - xi === 0) {
        const d = xi - mean;
        correction += d;
        sq += d * d;
      }
    }
  }
  const variance = (sq - (correction * correction) / n) / n;
  // sklearn's _is_constant_feature: the variance is within rounding error of zero.
  const bound = n * EPS * variance + (n * mean * EPS) ** 2;
  const std = variance <= bound ? 1 : Math.sqrt(variance);
  return {
    column: name,
    n,
    center: p.withCentering ? mean : 0,
    scale: p.withScaling ? std : 1,
    stats: { mean, var: variance }
  };
}

function fitMinMax(name: string, x: Float64Array, p: Params): ColumnState {
  let n = 0;
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < x.length; i++) {
    const xi = x[i];
    if (Number.isFinite(xi)) {
      n++;
      if (xi < lo) lo = xi;
      if (xi > hi) hi = xi;
    }
  }
  if (n === 0)
    return { column: name, n, center: 0, scale: 1, stats: { min: 0, max: 0, mul: 1, add: 0 } };
  const [a, b] = p.featureRange;
  const mul = (b - a) / nonZero(hi - lo);
  const add = a - lo * mul;
  // y = x·mul + add is what is applied (bit-for-bit like sklearn); center/scale describe it.
  return {
    column: name,
    n,
    center: -add / mul,
    scale: 1 / mul,
    stats: { min: lo, max: hi, mul, add }
  };
}

function fitRobust(name: string, x: Float64Array, p: Params): ColumnState {
  const sorted = finiteSorted(x);
  const n = sorted.length;
  if (n === 0)
    return { column: name, n, center: 0, scale: 1, stats: { median: 0, qLow: 0, qHigh: 0 } };
  const median = medianSorted(sorted);
  const qLow = quantileSorted(sorted, p.quantileRange[0] / 100);
  const qHigh = quantileSorted(sorted, p.quantileRange[1] / 100);
  return {
    column: name,
    n,
    center: p.withCentering ? median : 0,
    scale: p.withScaling ? nonZero(qHigh - qLow) : 1,
    stats: { median, qLow, qHigh }
  };
}

/**
 * One tight loop per case, writing a new array; `rows` (see rows.ts) reads the split's rows
 * straight from the unsplit column, so the split's own copy is never made (bench/README.md,
 * "Where the feature engine's time goes").
 */
function applyColumn(col: NumericColumn, s: ColumnState, p: Params): FrameColumn {
  const { values: x, rows } = numberSource(col);
  const n = rows ? rows.length : x.length;
  const y = new Float64Array(n);
  if (p.method === 'minmax' && s.n > 0) {
    const mul = s.stats.mul;
    const add = s.stats.add;
    if (p.clip) {
      const [a, b] = p.featureRange;
      for (let i = 0; i < n; i++) {
        const t = (rows ? x[rows[i]] : x[i]) * mul + add;
        y[i] = t < a ? a : t > b ? b : t;
      }
    } else if (rows) for (let i = 0; i < n; i++) y[i] = x[rows[i]] * mul + add;
    else for (let i = 0; i < n; i++) y[i] = x[i] * mul + add;
  } else {
    const c = s.center;
    const sc = s.scale;
    if (sc === 1) {
      if (rows) for (let i = 0; i < n; i++) y[i] = x[rows[i]] - c;
      else for (let i = 0; i < n; i++) y[i] = x[i] - c;
    } else if (rows) for (let i = 0; i < n; i++) y[i] = (x[rows[i]] - c) / sc;
    else for (let i = 0; i < n; i++) y[i] = (x[i] - c) / sc;
  }
  return { kind: 'number', name: col.name, type: 'float', values: y };
}

/** applyColumn as nodes, with the same operations in the same order. */
function lowerColumn(g: GraphBuilder, x: Value, s: ColumnState, p: Params): Value {
  const name = `${s.column}_scaled`;
  if (p.method === 'minmax' && s.n > 0) {
    const mul = withConstant(g, 'Mul', x, s.stats.mul, `${name}_mul`);
    const y = withConstant(g, 'Add', mul, s.stats.add, name);
    return p.clip ? clamp(g, y, p.featureRange[0], p.featureRange[1], `${name}_clipped`) : y;
  }
  if (s.scale === 1 && s.center === 0) return x;
  if (s.scale === 1) return withConstant(g, 'Sub', x, s.center, name);
  const centered = withConstant(g, 'Sub', x, s.center, `${name}_centered`);
  return withConstant(g, 'Div', centered, s.scale, name);
}

export const scaleStep: StepKind<Params, State> = {
  type: TYPE,
  label: 'Scale numbers',
  params,
  fields: {
    columns: { label: 'Columns', widget: 'columns', accepts: NUMERIC_TYPES },
    method: {
      label: 'Method',
      help: 'standard: (x − mean) / std; minmax: onto a range; robust: (x − median) / spread between percentiles.'
    },
    withCentering: { label: 'Subtract the center', relevant: (p) => p.method !== 'minmax' },
    withScaling: { label: 'Divide by the spread', relevant: (p) => p.method !== 'minmax' },
    featureRange: { label: 'Range', relevant: (p) => p.method === 'minmax' },
    clip: { label: 'Clip to the range', relevant: (p) => p.method === 'minmax' },
    quantileRange: { label: 'Percentiles', relevant: (p) => p.method === 'robust' }
  },
  examples: [
    { columns: ['price', 'rooms'] },
    { columns: ['price'], method: 'minmax', featureRange: [-1, 1] },
    { columns: ['rooms', 'change'], method: 'robust' },
    { columns: ['price', 'change'], method: 'minmax', clip: true },
    { columns: ['change'], withCentering: false },
    { columns: ['price'], method: 'robust', withScaling: false, quantileRange: [10, 90] }
  ],
  defaults(input) {
    const columns = columnsOfType(input, ['integer', 'float']);
    return columns.length ? { columns } : null;
  },
  outputSchema(input: ColumnSchema[], p: Params, ctx: StepContext): ColumnSchema[] {
    const out = input.slice();
    for (const name of p.columns)
      out[schemaIndex(input, name, ctx, TYPE, NUMERIC_TYPES)] = { name, type: 'float' };
    return out;
  },
  fit(train: Frame, p: Params, ctx: StepContext): State {
    return {
      method: p.method,
      columns: p.columns.map((name) => {
        const col = numericColumn(train, name, ctx, TYPE);
        if (p.method === 'minmax') return fitMinMax(name, col.values, p);
        if (p.method === 'robust') return fitRobust(name, col.values, p);
        const { values, rows } = numberSource(col);
        return fitStandard(name, values, rows, p);
      })
    };
  },
  apply(frame: Frame, p: Params, state: State, ctx: StepContext): Frame {
    if (state.method !== p.method)
      throw stepError(
        ctx,
        TYPE,
        `fitted state is for ${state.method}, not ${p.method}; fit again`,
        {},
        'STEP_FAILED'
      );
    const replacements = new Map<string, FrameColumn[]>();
    for (const s of state.columns)
      replacements.set(s.column, [applyColumn(numericColumn(frame, s.column, ctx, TYPE), s, p)]);
    return { rows: frame.rows, columns: replaceColumns(frame.columns, replacements) };
  },
  lower(onnx, p: Params, state: State): void {
    if (state.method !== p.method)
      onnx.refuse(`its fitted state is for ${state.method}, not ${p.method}; fit it again.`);
    for (const s of state.columns)
      onnx.setColumn(s.column, lowerColumn(onnx.graph, onnx.column(s.column), s, p));
  }
};
