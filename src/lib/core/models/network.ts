/**
 * NetworkDef → tfjs-layers model, with weights from our own seeded generator (tfjs initialiser
 * seeds are unreliable, tfjs#7104: every layer is created with zeros and then set explicitly).
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { LatheError } from '../base/errors';
import { createRng } from '../base/random';
import { MODEL_LIMITS } from '../spec/types';
import { weightCount, type NetworkDef, type WeightTensor } from './kind';

/** Refuses networks above MODEL_LIMITS.weights (before anything is allocated). */
export function checkNetworkSize(net: NetworkDef): void {
  const count = weightCount(net);
  if (count > MODEL_LIMITS.weights) {
    throw new LatheError(
      'MODEL_TOO_LARGE',
      `This model would have ${count.toLocaleString('en')} weights (${net.inputDim} inputs); at most ${MODEL_LIMITS.weights.toLocaleString('en')} fit in a browser. Use fewer or smaller hidden layers, or fewer features.`,
      { weights: count, limit: MODEL_LIMITS.weights }
    );
  }
}

/**
 * Initial weights of a network from `seed` (sfc32): kernels Glorot- or He-uniform as each layer
 * says, in row-major [in, units] order, drawn layer by layer; biases 0. Pure JS, identical on
 * every backend and engine.
 */
export function initialWeights(net: NetworkDef, seed: number): WeightTensor[] {
  checkNetworkSize(net);
  const rng = createRng(seed);
  const out: WeightTensor[] = [];
  let fanIn = net.inputDim;
  net.layers.forEach((layer, i) => {
    const fanOut = layer.units;
    const limit =
      layer.init === 'he_uniform' ? Math.sqrt(6 / fanIn) : Math.sqrt(6 / (fanIn + fanOut));
    const kernel = new Float32Array(fanIn * fanOut);
    for (let k = 0; k < kernel.length; k++) kernel[k] = (2 * rng() - 1) * limit;
    out.push({ name: `layer${i}/kernel`, shape: [fanIn, fanOut], values: kernel });
    out.push({ name: `layer${i}/bias`, shape: [fanOut], values: new Float32Array(fanOut) });
    fanIn = fanOut;
  });
  return out;
}

/**
 * The tfjs-layers model of a network with the given weights: Dense layers (the last one linear,
 * giving logits), then the head as an Activation layer (none for regression). L2 is set as each
 * Dense layer's kernel regularizer; dropout is applied by the training loop with our own masks,
 * so the model itself has no Dropout layers (they are the identity at inference anyway).
 */
export function buildModel(net: NetworkDef, weights: readonly WeightTensor[]): tfl.Sequential {
  checkNetworkSize(net);
  if (weights.length !== net.layers.length * 2) {
    throw new LatheError(
      'WEIGHTS_MISMATCH',
      `The weights (${weights.length} arrays) do not fit this ${net.kind} network (${net.layers.length * 2} expected).`
    );
  }
  const model = tfl.sequential();
  net.layers.forEach((layer, i) => {
    model.add(
      tfl.layers.dense({
        units: layer.units,
        activation: layer.activation,
        kernelInitializer: 'zeros',
        biasInitializer: 'zeros',
        kernelRegularizer: layer.l2 > 0 ? tfl.regularizers.l2({ l2: layer.l2 }) : undefined,
        ...(i === 0 ? { inputShape: [net.inputDim] } : {})
      })
    );
  });
  if (net.head !== 'identity') model.add(tfl.layers.activation({ activation: net.head }));
  try {
    setWeights(model, net, weights);
  } catch (error) {
    model.dispose();
    throw error;
  }
  return model;
}

/** Writes plain weights into a built model's variables (shapes checked). */
export function setWeights(
  model: tfl.LayersModel,
  net: NetworkDef,
  weights: readonly WeightTensor[]
): void {
  const variables = model.weights;
  if (variables.length !== weights.length) {
    throw new LatheError('WEIGHTS_MISMATCH', 'The weights do not fit this network.');
  }
  tf.tidy(() => {
    const tensors = weights.map((w, k) => {
      const expected = variables[k].shape;
      if (
        w.shape.length !== expected.length ||
        w.shape.some((n, j) => n !== expected[j]) ||
        w.values.length !== w.shape.reduce((a, b) => a * b, 1)
      ) {
        throw new LatheError(
          'WEIGHTS_MISMATCH',
          `The weight "${w.name}" has shape [${w.shape.join(', ')}]; this ${net.kind} network needs [${expected.join(', ')}].`
        );
      }
      return tf.tensor(w.values, w.shape, 'float32');
    });
    model.setWeights(tensors);
  });
}

/** The model's weights as plain Float32Arrays (copies), named like initialWeights. */
export async function readWeights(model: tfl.LayersModel): Promise<WeightTensor[]> {
  const variables = model.weights;
  const out: WeightTensor[] = [];
  for (let k = 0; k < variables.length; k++) {
    const tensor = variables[k].read();
    const values = (await tensor.data()) as Float32Array;
    out.push({
      name: `layer${k >> 1}/${k % 2 === 0 ? 'kernel' : 'bias'}`,
      shape: tensor.shape.slice(),
      values: Float32Array.from(values)
    });
  }
  return out;
}
