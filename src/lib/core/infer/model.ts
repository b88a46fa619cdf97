/**
 * What inference needs to know of a model file: its inputs (with the Lathe metadata's field
 * when the file has one) and the outputs it reads back, each with the role it plays. A file
 * made elsewhere has only its graph's inputs and outputs; outputs that are not tensors (a
 * ZipMap's sequence of maps) are left out, since onnxruntime-web returns tensors only.
 */
import { MODEL_OUTPUTS, type InputField, type OnnxMetadata } from '../onnx/metadata';
import type { OnnxSummary } from '../onnx/read';

export interface ModelInput {
  /** The graph input's name. */
  name: string;
  /** The graph input's element type: 'double', 'float', 'string', 'int64' … */
  elementType: string;
  /** The graph input's shape (null when the file does not say). */
  shape: (number | string | null)[] | null;
  /** The Lathe metadata's description of the input; null for a file made elsewhere. */
  field: InputField | null;
}

export type OutputRole = 'label' | 'probabilities' | 'prediction' | 'other';

export interface ModelOutput {
  name: string;
  elementType: string;
  role: OutputRole;
}

export interface InferModel {
  inputs: ModelInput[];
  /** The tensor outputs read back, in the graph's order. */
  outputs: ModelOutput[];
  /** Classification: class labels in the order of the probability columns; else null. */
  classes: string[] | null;
  metadata: OnnxMetadata | null;
}

const NUMERIC_OUTPUTS = new Set(['float', 'double']);

function roleOf(name: string, metadata: OnnxMetadata | null): OutputRole | null {
  if (metadata === null) return null;
  if (name === MODEL_OUTPUTS.label) return 'label';
  if (name === MODEL_OUTPUTS.probabilities) return 'probabilities';
  if (name === MODEL_OUTPUTS.prediction) return 'prediction';
  return 'other';
}

/**
 * Roles of a foreign file's tensor outputs: the first string or int64 output is the label;
 * then the first float output is the probabilities when there is a label, else the
 * prediction.
 */
function guessRoles(outputs: OnnxSummary['outputs']): OutputRole[] {
  const label = outputs.findIndex((o) => o.elementType === 'string' || o.elementType === 'int64');
  const numeric = outputs.findIndex((o) => NUMERIC_OUTPUTS.has(o.elementType ?? ''));
  return outputs.map((_, i) =>
    i === label ? 'label' : i === numeric ? (label >= 0 ? 'probabilities' : 'prediction') : 'other'
  );
}

export function inferModel(summary: OnnxSummary): InferModel {
  const metadata = summary.metadata;
  const fields = new Map((metadata?.inputs ?? []).map((f) => [f.name, f]));
  const tensors = summary.outputs.filter((o) => o.kind === 'tensor');
  const guessed = guessRoles(tensors);
  return {
    inputs: summary.inputs.map((input) => ({
      name: input.name,
      elementType: input.elementType ?? 'unknown',
      shape: input.shape,
      field: fields.get(input.name) ?? null
    })),
    outputs: tensors.map((o, i) => ({
      name: o.name,
      elementType: o.elementType ?? 'unknown',
      role: roleOf(o.name, metadata) ?? guessed[i]
    })),
    classes: metadata?.classes ? [...metadata.classes] : null,
    metadata
  };
}
