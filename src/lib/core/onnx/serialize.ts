/**
 * A finished graph → ModelProto bytes (IR version 8, opset 17, ai.onnx.ml 3 when used), through
 * onnx-proto's generated encoders. Numeric constants go in `raw_data` (little-endian, as ONNX
 * stores them), strings in `string_data` as UTF-8.
 */
import { LatheError } from '../base/errors';
import {
  ELEMENT_TYPES,
  IR_VERSION,
  OPSETS,
  type Attribute,
  type GraphDef,
  type TensorData,
  type Value
} from './graph';
import { metadataEntry, type OnnxMetadata } from './metadata';
import { onnx, type OnnxProto } from './proto';

export const PRODUCER_NAME = 'lathe';

export interface ModelInfo {
  producerVersion: string;
  /** The registry version of the model. */
  modelVersion: number;
  docString?: string;
  metadata?: OnnxMetadata | null;
}

const utf8 = new TextEncoder();

/** Typed arrays are little-endian on every platform a browser runs on; raw_data is too. */
function rawBytes(values: ArrayBufferView): Uint8Array {
  return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
}

function tensorProto(name: string, data: TensorData): OnnxProto.ITensorProto {
  const base = { name, dims: [...data.dims], dataType: ELEMENT_TYPES[data.dtype] };
  if (data.dtype === 'string')
    return { ...base, stringData: data.values.map((s) => utf8.encode(s)) };
  return { ...base, rawData: rawBytes(data.values) };
}

const ATTRIBUTE_TYPES = onnx.AttributeProto.AttributeType;

function attributeProto(name: string, a: Attribute): OnnxProto.IAttributeProto {
  switch (a.type) {
    case 'int':
      return { name, type: ATTRIBUTE_TYPES.INT, i: a.value };
    case 'float':
      return { name, type: ATTRIBUTE_TYPES.FLOAT, f: a.value };
    case 'string':
      return { name, type: ATTRIBUTE_TYPES.STRING, s: utf8.encode(a.value) };
    case 'ints':
      return { name, type: ATTRIBUTE_TYPES.INTS, ints: [...a.value] };
    case 'floats':
      return { name, type: ATTRIBUTE_TYPES.FLOATS, floats: [...a.value] };
    case 'strings':
      return { name, type: ATTRIBUTE_TYPES.STRINGS, strings: a.value.map((s) => utf8.encode(s)) };
    case 'tensor':
      return { name, type: ATTRIBUTE_TYPES.TENSOR, t: tensorProto('', a.value) };
  }
}

function valueInfo(value: Value): OnnxProto.IValueInfoProto {
  const tensorType: OnnxProto.TypeProto.ITensor = { elemType: ELEMENT_TYPES[value.dtype] };
  if (value.shape) {
    tensorType.shape = {
      dim: value.shape.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d }))
    };
  }
  return { name: value.name, type: { tensorType } };
}

/** The ModelProto message of a graph (before encoding). */
export function modelProto(graph: GraphDef, info: ModelInfo): OnnxProto.IModelProto {
  if (!Number.isSafeInteger(info.modelVersion) || info.modelVersion < 0) {
    throw new LatheError(
      'ONNX_GRAPH',
      `The model version ${info.modelVersion} is not a whole number.`
    );
  }
  return {
    irVersion: IR_VERSION,
    opsetImport: graph.domains.map((domain) => ({ domain, version: OPSETS[domain] })),
    producerName: PRODUCER_NAME,
    producerVersion: info.producerVersion,
    modelVersion: info.modelVersion,
    docString: info.docString ?? '',
    graph: {
      name: graph.name,
      node: graph.nodes.map((node) => ({
        name: node.name,
        opType: node.opType,
        domain: node.domain,
        input: [...node.inputs],
        output: [...node.outputs],
        attribute: Object.entries(node.attributes).map(([name, a]) => attributeProto(name, a))
      })),
      initializer: graph.initializers.map((t) => tensorProto(t.name, t)),
      input: graph.inputs.map(valueInfo),
      output: graph.outputs.map(valueInfo),
      valueInfo: graph.valueInfo.map(valueInfo)
    },
    metadataProps: info.metadata ? [metadataEntry(info.metadata)] : []
  };
}

/** The model file's bytes. */
export function serializeModel(graph: GraphDef, info: ModelInfo): Uint8Array {
  return onnx.ModelProto.encode(modelProto(graph, info)).finish();
}
