/** One run of a session on feeds, fetching only the model's tensor outputs, read back per row. */
import { runSession, type InputTensor, type OutputTensor, type Session } from '../onnx/runtime';
import type { InferModel, ModelOutput } from './model';

/** The model's tensor outputs for `feeds`. */
export function runOutputs(
  session: Session,
  model: InferModel,
  feeds: Readonly<Record<string, InputTensor>>
): Promise<Record<string, OutputTensor>> {
  return runSession(
    session,
    feeds,
    model.outputs.map((o) => o.name)
  );
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
