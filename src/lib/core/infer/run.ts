/**
 * One run of a session on feeds, fetching only the model's tensor outputs (onnx/runtime.ts
 * runSession fetches every output, and a ZipMap's sequence of maps cannot come back to the
 * page as a tensor), read back per row.
 */
import * as ort from 'onnxruntime-web/wasm';
import { LatheError } from '../base/errors';
import type { InputTensor, OutputTensor, Session } from '../onnx/runtime';
import type { InferModel, ModelOutput } from './model';

function tensorOf(input: InputTensor): ort.Tensor {
  const dims = [...input.dims];
  if (input.data instanceof Float32Array) return new ort.Tensor('float32', input.data, dims);
  if (input.data instanceof Float64Array) return new ort.Tensor('float64', input.data, dims);
  if (input.data instanceof BigInt64Array) return new ort.Tensor('int64', input.data, dims);
  return new ort.Tensor('string', [...input.data], dims);
}

/** The model's tensor outputs for `feeds`. */
export async function runOutputs(
  session: Session,
  model: InferModel,
  feeds: Readonly<Record<string, InputTensor>>
): Promise<Record<string, OutputTensor>> {
  const tensors: Record<string, ort.Tensor> = {};
  for (const [name, input] of Object.entries(feeds)) tensors[name] = tensorOf(input);
  let results: ort.InferenceSession.OnnxValueMapType;
  try {
    results = await session.run(
      tensors,
      model.outputs.map((o) => o.name)
    );
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new LatheError('ONNX_RUNTIME', `onnxruntime-web could not run the model: ${reason}`, {
      reason
    });
  }
  const out: Record<string, OutputTensor> = {};
  for (const { name } of model.outputs) {
    const tensor = results[name];
    out[name] = {
      type: tensor.type,
      dims: [...tensor.dims],
      data: tensor.data as OutputTensor['data']
    };
  }
  return out;
}

/** Values per row of an output: the product of its dimensions after the first. */
export function widthOf(tensor: OutputTensor, rows: number): number {
  if (rows === 0) return tensor.dims.slice(1).reduce((a, b) => a * b, 1);
  return tensor.data.length / rows;
}

/** Whether row `row` of any numeric output is NaN or infinite. */
export function nonFiniteRow(
  outputs: Readonly<Record<string, OutputTensor>>,
  model: InferModel,
  rows: number,
  row: number
): boolean {
  return model.outputs.some((o: ModelOutput) => {
    const t = outputs[o.name];
    if (!(t.data instanceof Float32Array || t.data instanceof Float64Array)) return false;
    const w = widthOf(t, rows);
    for (let j = row * w; j < (row + 1) * w; j++) if (!Number.isFinite(t.data[j])) return true;
    return false;
  });
}
