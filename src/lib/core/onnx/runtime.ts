/**
 * Runs ONNX models with onnxruntime-web's wasm build: the one that carries the ai.onnx.ml and
 * string kernels (its WebGPU build has neither). One thread unless asked otherwise, which is
 * what runs everywhere (threads need a cross-origin isolated page).
 */
import * as ort from 'onnxruntime-web/wasm';
import { LatheError } from '../base/errors';

export interface RuntimeOptions {
  /** Where the runtime's .wasm/.mjs files are served (the app self-hosts them). */
  wasmPaths?: ort.Env.WasmPrefixOrFilePaths;
  threads?: number;
}

export interface InputTensor {
  data: Float32Array | Float64Array | BigInt64Array | readonly string[];
  dims: readonly number[];
}

export interface OutputTensor {
  type: string;
  dims: number[];
  data: Float32Array | Float64Array | BigInt64Array | Int32Array | Uint8Array | string[];
}

export type Session = ort.InferenceSession;

function runtimeError(action: string, error: unknown): LatheError {
  const reason = error instanceof Error ? error.message : String(error);
  return new LatheError('ONNX_RUNTIME', `onnxruntime-web could not ${action}: ${reason}`, {
    reason
  });
}

/** A session for a model's bytes. */
export async function createSession(
  bytes: Uint8Array,
  options: RuntimeOptions = {}
): Promise<Session> {
  ort.env.wasm.numThreads = options.threads ?? 1;
  if (options.wasmPaths !== undefined) ort.env.wasm.wasmPaths = options.wasmPaths;
  try {
    return await ort.InferenceSession.create(bytes, {
      executionProviders: ['wasm'],
      graphOptimizationLevel: 'all'
    });
  } catch (error) {
    throw runtimeError('load the model', error);
  }
}

function tensorOf(input: InputTensor): ort.Tensor {
  const dims = [...input.dims];
  if (input.data instanceof Float32Array) return new ort.Tensor('float32', input.data, dims);
  if (input.data instanceof Float64Array) return new ort.Tensor('float64', input.data, dims);
  if (input.data instanceof BigInt64Array) return new ort.Tensor('int64', input.data, dims);
  return new ort.Tensor('string', [...input.data], dims);
}

/**
 * Runs a session on named inputs; the outputs (all, or those named — a ZipMap's sequence of
 * maps cannot come back as a tensor, so it is left unasked) come back as plain arrays.
 */
export async function runSession(
  session: Session,
  inputs: Readonly<Record<string, InputTensor>>,
  outputs: readonly string[] = session.outputNames
): Promise<Record<string, OutputTensor>> {
  const feeds: Record<string, ort.Tensor> = {};
  for (const [name, input] of Object.entries(inputs)) feeds[name] = tensorOf(input);
  let results: ort.InferenceSession.OnnxValueMapType;
  try {
    results = await session.run(feeds, [...outputs]);
  } catch (error) {
    throw runtimeError('run the model', error);
  }
  const out: Record<string, OutputTensor> = {};
  for (const name of outputs) {
    const tensor = results[name];
    out[name] = {
      type: tensor.type,
      dims: [...tensor.dims],
      data: tensor.data as OutputTensor['data']
    };
  }
  return out;
}
