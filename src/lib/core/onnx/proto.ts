/**
 * The ONNX protobuf bindings (onnx-proto: protobufjs static code for onnx.proto of ONNX 1.10,
 * IR version 8). Its module is CommonJS, `module.exports = { onnx }`, hence the default import.
 */
import onnxProto from 'onnx-proto';

export const onnx = onnxProto.onnx;
export type { onnx as OnnxProto } from 'onnx-proto';
