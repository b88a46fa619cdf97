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
