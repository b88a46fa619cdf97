/**
 * A small typed ONNX graph builder: named values with a dtype and a shape, initializers from
 * typed arrays, nodes with typed attributes, unique names. Plain data and no protobuf, so the
 * step and model kinds can hold their lowerings without making the first page heavier;
 * serialize.ts turns a finished graph into ModelProto bytes.
 */
import { LatheError } from '../base/errors';

/** The IR version Lathe writes (ONNX 1.10–1.12; Debian's onnx 1.12 checker knows it). */
export const IR_VERSION = 8;

/** The operator sets Lathe writes, by domain ('' is ai.onnx): opset 17, ai.onnx.ml 3, com.microsoft 1. */
export const OPSETS = Object.freeze({ '': 17, 'ai.onnx.ml': 3, 'com.microsoft': 1 });
export type Domain = keyof typeof OPSETS;

export const DTYPES = ['float', 'double', 'int64', 'int32', 'bool', 'string'] as const;
export type DType = (typeof DTYPES)[number];

/** ONNX TensorProto.DataType codes of the dtypes (Cast's `to`, tensor element types). */
export const ELEMENT_TYPES: Readonly<Record<DType, number>> = Object.freeze({
  float: 1,
  int32: 6,
  int64: 7,
  string: 8,
  bool: 9,
  double: 11
});

/** The symbolic batch dimension of every graph input and output. */
export const BATCH = 'N';

/** A size, or a symbolic name such as BATCH. */
export type Dim = number | string;

/** A value of the graph: a graph input, an initializer or a node output. */
export interface Value {
  readonly name: string;
  readonly dtype: DType;
  /** Null when unknown (it is then left out of the file). */
  readonly shape: readonly Dim[] | null;
}

/** Element arrays by dtype (bool as 0/1 bytes, int64 as BigInt64Array). */
export interface TensorArrays {
  float: Float32Array;
  double: Float64Array;
  int64: BigInt64Array;
  int32: Int32Array;
  bool: Uint8Array;
  string: readonly string[];
}

export type TensorData = {
  [D in DType]: { dtype: D; dims: readonly number[]; values: TensorArrays[D] };
}[DType];

/** A named tensor: an initializer, or the value of a tensor attribute. */
export type TensorDef = TensorData & { name: string };

export type Attribute =
  | { type: 'int'; value: number }
  | { type: 'float'; value: number }
  | { type: 'string'; value: string }
  | { type: 'ints'; value: readonly number[] }
  | { type: 'floats'; value: readonly number[] }
  | { type: 'strings'; value: readonly string[] }
  | { type: 'tensor'; value: TensorData };

/** Attribute constructors, so an int is never written where the operator wants a float. */
export const attr = {
  int: (value: number): Attribute => ({ type: 'int', value }),
  float: (value: number): Attribute => ({ type: 'float', value }),
  string: (value: string): Attribute => ({ type: 'string', value }),
  ints: (value: readonly number[]): Attribute => ({ type: 'ints', value }),
  floats: (value: readonly number[]): Attribute => ({ type: 'floats', value }),
  strings: (value: readonly string[]): Attribute => ({ type: 'strings', value }),
  tensor: (value: TensorData): Attribute => ({ type: 'tensor', value })
};

export interface NodeDef {
  name: string;
  opType: string;
  domain: Domain;
  /** Value names; '' skips an optional input. */
  inputs: readonly string[];
  outputs: readonly string[];
  attributes: Readonly<Record<string, Attribute>>;
}

/** What a node output will be: its dtype, its shape when known, and a hint for its name. */
export interface OutputSpec {
  dtype: DType;
  shape?: readonly Dim[] | null;
  name?: string;
}

/** A finished graph, in topological order. */
export interface GraphDef {
  name: string;
  inputs: readonly Value[];
  outputs: readonly Value[];
  initializers: readonly TensorDef[];
  nodes: readonly NodeDef[];
  /** Shapes and types of the intermediate values that have them. */
  valueInfo: readonly Value[];
  /** Domains the nodes use ('' always). */
  domains: readonly Domain[];
}

const MAX_HINT = 64;

function graphError(message: string, details?: Record<string, unknown>): LatheError {
  return new LatheError('ONNX_GRAPH', message, details);
}

function sizeOf(dims: readonly number[]): number {
  return dims.reduce((a, b) => a * b, 1);
}

export class GraphBuilder {
  readonly name: string;
  /** Every value, node and reserved name in use (one namespace keeps the file easy to read). */
  private readonly taken = new Set<string>();
  private readonly reserved = new Set<string>();
  private readonly values = new Map<string, Value>();
  private readonly inputs: Value[] = [];
  private readonly outputs: Value[] = [];
  private readonly initializers: TensorDef[] = [];
  private readonly nodes: NodeDef[] = [];

  constructor(name = 'lathe') {
    this.name = name;
  }

  /**
   * Keeps names (raw column names, output names) out of the generated ones, so an input or an
   * output may take them later.
   */
  reserve(names: Iterable<string>): void {
    for (const name of names) {
      this.reserved.add(name);
      this.taken.add(name);
    }
  }

  /** A fresh name from `hint`: the hint itself when free, else `hint_1`, `hint_2` … */
  unique(hint: string): string {
    const base = hint.replace(/[^A-Za-z0-9_./:-]/g, '_').slice(0, MAX_HINT) || 'v';
    if (!this.taken.has(base)) {
      this.taken.add(base);
      return base;
    }
    for (let i = 1; ; i++) {
      const name = `${base}_${i}`;
      if (!this.taken.has(name)) {
        this.taken.add(name);
        return name;
      }
    }
  }

  /** A name chosen by the caller (graph inputs and outputs): free or reserved, else refused. */
  private claim(name: string, what: string): string {
    if (name === '') throw graphError(`A graph ${what} needs a name.`);
    if (this.values.has(name) || (this.taken.has(name) && !this.reserved.has(name))) {
      throw graphError(
        `The graph already has a value named "${name}"; it cannot also be a graph ${what}.`,
        { name }
      );
    }
    this.taken.add(name);
    this.reserved.delete(name);
    return name;
  }

  private define(value: Value): Value {
    this.values.set(value.name, value);
    return value;
  }

  /** The value named `name`, if the graph has one. */
  value(name: string): Value | undefined {
    return this.values.get(name);
  }

  /** A graph input, by default one column of a batch: shape [N, 1]. */
  input(name: string, dtype: DType, shape: readonly Dim[] = [BATCH, 1]): Value {
    const value = this.define({ name: this.claim(name, 'input'), dtype, shape: [...shape] });
    this.inputs.push(value);
    return value;
  }

  /** A constant tensor stored in the file. */
  initializer(hint: string, data: TensorData): Value {
    const size = sizeOf(data.dims);
    if (data.dims.some((d) => !Number.isInteger(d) || d < 0) || data.values.length !== size) {
      throw graphError(
        `The constant "${hint}" has ${data.values.length} values for shape [${data.dims.join(', ')}].`
      );
    }
    const name = this.unique(hint);
    this.initializers.push({ ...data, name } as TensorDef);
    return this.define({ name, dtype: data.dtype, shape: [...data.dims] });
  }

  floats(hint: string, values: Float32Array | readonly number[], dims?: readonly number[]): Value {
    const array = values instanceof Float32Array ? values : Float32Array.from(values);
    return this.initializer(hint, { dtype: 'float', dims: dims ?? [array.length], values: array });
  }

  doubles(hint: string, values: Float64Array | readonly number[], dims?: readonly number[]): Value {
    const array = values instanceof Float64Array ? values : Float64Array.from(values);
    return this.initializer(hint, { dtype: 'double', dims: dims ?? [array.length], values: array });
  }

  int64s(hint: string, values: BigInt64Array | readonly number[], dims?: readonly number[]): Value {
    const array =
      values instanceof BigInt64Array ? values : BigInt64Array.from(values, (v) => BigInt(v));
    return this.initializer(hint, { dtype: 'int64', dims: dims ?? [array.length], values: array });
  }

  strings(hint: string, values: readonly string[], dims?: readonly number[]): Value {
    return this.initializer(hint, {
      dtype: 'string',
      dims: dims ?? [values.length],
      values: [...values]
    });
  }

  /** A node with several outputs; inputs must be values of this graph (null skips one). */
  node(
    opType: string,
    inputs: readonly (Value | null)[],
    outputs: readonly OutputSpec[],
    attributes: Readonly<Record<string, Attribute>> = {},
    domain: Domain = ''
  ): Value[] {
    const results = outputs.map((out) =>
      this.define({
        name: this.unique(out.name ?? opType.toLowerCase()),
        dtype: out.dtype,
        shape: out.shape ? [...out.shape] : null
      })
    );
    this.push(opType, inputs, results, attributes, domain);
    return results;
  }

  /** A node with one output. */
  op(
    opType: string,
    inputs: readonly (Value | null)[],
    output: OutputSpec,
    attributes: Readonly<Record<string, Attribute>> = {},
    domain: Domain = ''
  ): Value {
    return this.node(opType, inputs, [output], attributes, domain)[0];
  }

  /**
   * Declares a graph output called exactly `name` (free or reserved), holding `value`; an
   * Identity node gives it its name.
   */
  output(value: Value, name: string, shape: readonly Dim[] | null = value.shape): Value {
    const out = this.define({
      name: this.claim(name, 'output'),
      dtype: value.dtype,
      shape: shape ? [...shape] : null
    });
    this.push('Identity', [value], [out], {}, '');
    this.outputs.push(out);
    return out;
  }

  private push(
    opType: string,
    inputs: readonly (Value | null)[],
    outputs: readonly Value[],
    attributes: Readonly<Record<string, Attribute>>,
    domain: Domain
  ): void {
    if (!Object.hasOwn(OPSETS, domain)) {
      throw graphError(
        `The operator ${opType} is in the domain "${domain}", which Lathe does not write.`
      );
    }
    const names = inputs.map((input) => {
      if (input === null) return '';
      if (this.values.get(input.name) !== input) {
        throw graphError(
          `The ${opType} node reads "${input.name}", which is not a value of this graph.`,
          { name: input.name }
        );
      }
      return input.name;
    });
    this.nodes.push({
      name: this.unique(`${opType}_node`),
      opType,
      domain,
      inputs: names,
      outputs: outputs.map((o) => o.name),
      attributes: { ...attributes }
    });
  }

  /**
   * The finished graph, keeping only what the outputs need: nodes, constants and inputs that
   * no output depends on are left out (a pipeline's steps on the target, or on columns the
   * model does not use, so the graph asks only for the columns it reads). Refuses a graph
   * without outputs.
   */
  build(): GraphDef {
    if (this.outputs.length === 0) throw graphError('The graph has no outputs.');
    const needed = new Set(this.outputs.map((v) => v.name));
    const nodes: NodeDef[] = [];
    for (let i = this.nodes.length - 1; i >= 0; i--) {
      const node = this.nodes[i];
      if (!node.outputs.some((name) => needed.has(name))) continue;
      nodes.push(node);
      for (const name of node.inputs) if (name !== '') needed.add(name);
    }
    nodes.reverse();
    const inputs = this.inputs.filter((v) => needed.has(v.name));
    const initializers = this.initializers.filter((t) => needed.has(t.name));
    const boundary = new Set([...inputs, ...this.outputs].map((v) => v.name));
    const constants = new Set(initializers.map((t) => t.name));
    const valueInfo = [...this.values.values()].filter(
      (v) =>
        needed.has(v.name) && !boundary.has(v.name) && !constants.has(v.name) && v.shape !== null
    );
    return {
      name: this.name,
      inputs,
      outputs: [...this.outputs],
      initializers,
      nodes,
      valueInfo,
      domains: ['', ...new Set(nodes.map((n) => n.domain).filter((d) => d !== ''))]
    };
  }
}
