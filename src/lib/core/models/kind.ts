/**
 * The contract of a model kind, and the plain-data description of a network that every kind
 * produces. Nothing here (nor in the kind files or the registry) imports TensorFlow.js: the spec
 * parser checks model parameters on the first page and in share links, and must stay light.
 * network.ts turns a NetworkDef into a tfjs-layers model; ONNX lowering can read the same
 * NetworkDef and weights without tfjs.
 */
import * as v from 'valibot';
import type { FieldHints } from '../features/hints';
import type { Json } from '../base/json';
import type { GraphBuilder, Value } from '../onnx/graph';
import { MODEL_LIMITS, type Task } from '../spec/types';

export const HIDDEN_ACTIVATIONS = ['relu', 'tanh', 'sigmoid', 'gelu'] as const;
export type HiddenActivation = (typeof HIDDEN_ACTIVATIONS)[number];

/** One fully connected layer: y = activation(x · kernel + bias), kernel of shape [in, units]. */
export interface DenseDef {
  units: number;
  activation: HiddenActivation | 'linear';
  /**
   * How the kernel is drawn from our seeded generator (biases start at 0):
   * glorot_uniform U(±√(6 / (in + out))), he_uniform U(±√(6 / in)).
   */
  init: 'glorot_uniform' | 'he_uniform';
  /** L2 penalty on the kernel: l2 · Σ w² is added to the loss (Keras' regularizers.l2). */
  l2: number;
  /** Fraction of this layer's outputs dropped while training (inverted dropout); 0 = none. */
  dropout: number;
}

/**
 * The output head turns the last layer's values (logits for classification) into predictions:
 * identity (regression values), sigmoid (P(positive class), one column) or softmax (one column
 * per class).
 */
export type OutputHead = 'identity' | 'sigmoid' | 'softmax';

/** mse, or cross-entropy computed from the logits (stable), per sample, averaged over a batch. */
export type LossName = 'mse' | 'binary_crossentropy' | 'sparse_categorical_crossentropy';

export interface NetworkDef {
  /** The model kind's registered type. */
  kind: string;
  task: Task;
  inputDim: number;
  outputDim: number;
  /** In order; the last layer is linear and has `outputDim` units. */
  layers: DenseDef[];
  head: OutputHead;
  loss: LossName;
}

/** One weight array, row-major, as stored in IndexedDB and lowered to ONNX. */
export interface WeightTensor {
  /** `layer<i>/kernel` ([in, units]) or `layer<i>/bias` ([units]). */
  name: string;
  shape: number[];
  values: Float32Array;
}

/** A trained network as it is lowered to ONNX: weights in the target's units (train.ts). */
export interface TrainedNetwork {
  network: NetworkDef;
  weights: readonly WeightTensor[];
  /** Classification: the class labels as TrainingData.classes (binary networks give P(classes[1])). */
  classes: readonly string[] | null;
}

/** A lowered model's results, before they become the graph outputs (onnx/metadata.ts). */
export type LoweredOutputs =
  | { task: 'regression'; prediction: Value }
  | { task: 'binary' | 'multiclass'; label: Value; probabilities: Value };

/**
 * A model kind, owned by one file. Every kind in the registry is contract-tested through its
 * `examples` (test/unit/models-kinds.test.ts) and its ONNX lowering (test/unit/onnx-models.test.ts):
 * adding the file and its registry line is enough.
 */
export interface ModelKind<P = unknown> {
  readonly type: string;
  /** Short label for the editor, e.g. "Logistic regression". */
  readonly label: string;
  readonly tasks: readonly Task[];
  /** valibot schema of the kind's params (a strictObject with defaults). */
  readonly params: v.GenericSchema<unknown, P>;
  /** Editor hints per param key (label, help). */
  readonly fields: FieldHints;
  /** A few valid params (as written in a spec's model section, without `type`). */
  readonly examples: readonly { [key: string]: Json }[];
  /** Learning rate when the spec's train section gives none. */
  readonly defaultLearningRate: number;
  /** The network for `inputDim` features and `outputDim` outputs (see outputDim()). */
  network(inputDim: number, outputDim: number, task: Task, params: P): NetworkDef;
  /**
   * Adds the trained model to an ONNX graph: from `x` (float [N, inputDim]) to the task's
   * outputs. Kept free of protobuf and tfjs, like the rest of the kind.
   */
  lower(graph: GraphBuilder, x: Value, model: TrainedNetwork): LoweredOutputs;
}

/** Outputs of the network: 1 for regression and binary (P(positive)), else one per class. */
export function outputDim(task: Task, classes: number): number {
  return task === 'multiclass' ? classes : 1;
}

export const l2Hint = {
  label: 'L2 penalty',
  help: 'l2 · Σ w² is added to the loss: larger values keep the weights small (ridge).'
};

export const l2Param = v.optional(
  v.pipe(v.number(), v.finite(), v.minValue(0), v.maxValue(MODEL_LIMITS.l2)),
  0
);

/** The head and loss of a network for a task. */
export function headFor(task: Task): { head: OutputHead; loss: LossName } {
  if (task === 'regression') return { head: 'identity', loss: 'mse' };
  if (task === 'binary') return { head: 'sigmoid', loss: 'binary_crossentropy' };
  return { head: 'softmax', loss: 'sparse_categorical_crossentropy' };
}

/** Number of weights (kernels and biases) of a network. */
export function weightCount(net: Pick<NetworkDef, 'inputDim' | 'layers'>): number {
  let inputs = net.inputDim;
  let count = 0;
  for (const layer of net.layers) {
    count += (inputs + 1) * layer.units;
    inputs = layer.units;
  }
  return count;
}
