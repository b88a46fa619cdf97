/**
 * Graph pieces shared by the step kinds' lowerings (onnx/lowering.ts). Column values are [N, 1]:
 * double for numbers (NaN = missing), string for categories and text ("" = missing). Everything
 * here computes in double with standard operators, so a lowering gives what `apply` gives.
 */
import {
  ELEMENT_TYPES,
  attr,
  type Attribute,
  type DType,
  type GraphBuilder,
  type Value
} from '../onnx/graph';

/**
 * The shape of a constant that broadcasts against a column: [1, 1] rather than [], since
 * onnxruntime-web's elementwise kernels take a much slower path when the ranks differ.
 */
const ONE = [1, 1];

/** A double constant that broadcasts against a column. */
export function scalar(g: GraphBuilder, hint: string, value: number): Value {
  return g.doubles(hint, [value], ONE);
}

/** A string constant that broadcasts against a column. */
export function scalarText(g: GraphBuilder, hint: string, value: string): Value {
  return g.strings(hint, [value], ONE);
}

/** An int64 constant that broadcasts against a column. */
export function scalarInt(g: GraphBuilder, hint: string, value: number): Value {
  return g.int64s(hint, [value], ONE);
}

/** One node whose output has the shape of `like` (elementwise operators, broadcasting a scalar). */
export function elementwise(
  g: GraphBuilder,
  opType: string,
  inputs: readonly Value[],
  like: Value,
  name: string,
  dtype: DType = like.dtype,
  attributes: Readonly<Record<string, Attribute>> = {}
): Value {
  return g.op(opType, inputs, { dtype, shape: like.shape, name }, attributes);
}

/** `x <op> value` for a constant `value` (Sub, Div, Less, Equal …), named `name`. */
export function withConstant(
  g: GraphBuilder,
  opType: string,
  x: Value,
  value: number,
  name: string,
  dtype: DType = x.dtype,
  attributes: Readonly<Record<string, Attribute>> = {}
): Value {
  return elementwise(g, opType, [x, scalar(g, `${name}_k`, value)], x, name, dtype, attributes);
}

/** `x` cast to `to` (bool → double gives 0/1). */
export function cast(g: GraphBuilder, x: Value, to: DType, name: string): Value {
  return elementwise(g, 'Cast', [x], x, name, to, { to: attr.int(ELEMENT_TYPES[to]) });
}

/** `y` where `x` is a number, NaN (x itself) where x is missing. */
export function keepMissing(g: GraphBuilder, x: Value, y: Value, name: string): Value {
  const missing = elementwise(g, 'IsNaN', [x], x, `${name}_isnan`, 'bool');
  return elementwise(g, 'Where', [missing, x, y], x, name);
}

/**
 * `x < lo ? lo : x > hi ? hi : x`, as apply clamps (a null bound is none; lo ≤ hi): comparisons
 * with NaN are false, so NaN stays NaN, and ±Infinity is clamped. Written with Less / Greater /
 * Where rather than Min / Max, whose NaN handling the ONNX standard leaves open.
 */
export function clamp(
  g: GraphBuilder,
  x: Value,
  lo: number | null,
  hi: number | null,
  name: string
): Value {
  let y = x;
  if (lo !== null) {
    const bound = scalar(g, `${name}_lo`, lo);
    const below = elementwise(g, 'Less', [y, bound], y, `${name}_below`, 'bool');
    y = elementwise(g, 'Where', [below, bound, y], y, hi === null ? name : `${name}_raised`);
  }
  if (hi !== null) {
    const bound = scalar(g, `${name}_hi`, hi);
    const above = elementwise(g, 'Greater', [y, bound], y, `${name}_above`, 'bool');
    y = elementwise(g, 'Where', [above, bound, y], y, name);
  }
  return y;
}

/**
 * data/date.ts civilFromDays as nodes, the same IEEE operations in the same order (so the
 * results are apply's): the year, month and day of day numbers `days` (double; NaN stays NaN).
 */
export function lowerCivilFromDays(
  g: GraphBuilder,
  days: Value,
  name: string
): { year: Value; month: Value; day: Value } {
  const constants = new Map<number, Value>();
  const k = (x: number): Value => {
    let c = constants.get(x);
    if (c === undefined) constants.set(x, (c = scalar(g, `${name}_${x}`, x)));
    return c;
  };
  const op = (type: string, a: Value, b: Value) =>
    elementwise(g, type, [a, b], days, `${name}_${type.toLowerCase()}`);
  const add = (a: Value, b: Value) => op('Add', a, b);
  const sub = (a: Value, b: Value) => op('Sub', a, b);
  const mul = (a: Value, b: Value) => op('Mul', a, b);
  const floorDiv = (a: Value, b: number) =>
    elementwise(g, 'Floor', [op('Div', a, k(b))], days, `${name}_floor`);
  const z = add(days, k(719468));
  const era = floorDiv(z, 146097);
  const doe = sub(z, mul(era, k(146097)));
  const yoe = floorDiv(
    sub(add(sub(doe, floorDiv(doe, 1460)), floorDiv(doe, 36524)), floorDiv(doe, 146096)),
    365
  );
  const doy = sub(doe, sub(add(mul(k(365), yoe), floorDiv(yoe, 4)), floorDiv(yoe, 100)));
  const mp = floorDiv(add(mul(k(5), doy), k(2)), 153);
  const early = elementwise(g, 'Less', [mp, k(10)], days, `${name}_early`, 'bool');
  const month = elementwise(
    g,
    'Where',
    [early, add(mp, k(3)), sub(mp, k(9))],
    days,
    `${name}_month`
  );
  const winter = elementwise(g, 'LessOrEqual', [month, k(2)], days, `${name}_jan_feb`, 'bool');
  const bump = elementwise(g, 'Where', [winter, k(1), k(0)], days, `${name}_bump`);
  // NaN + 0 stays NaN, so a missing date's year is missing too.
  const year = add(add(yoe, mul(era, k(400))), bump);
  const day = add(sub(doy, floorDiv(add(mul(k(153), mp), k(2)), 5)), k(1));
  return { year, month, day };
}
