import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { LatheError } from '../base/errors';
import type { NetworkDef, WeightTensor } from './kind';
import { buildModel } from './network';

/** A trained model as stored (network + plain weights), or a live tfjs-layers model. */
export type Predictable =
  tfl.LayersModel | { network: NetworkDef; weights: readonly WeightTensor[] };

/** Rows per predict call: tfjs defaults to 32, far too small for bulk inference. */
export const PREDICT_BATCH = 8192;

/**
 * Predictions for X (rows × inputDim, row-major float32), row-major Float64Array with the
 * network's outputDim columns: regression values (1 column), P(positive class) (binary,
 * 1 column), or class probabilities (multiclass, one column per class). Runs on the current
 * backend in chunks of `batchSize` rows (at least PREDICT_BATCH); disposes every tensor it makes,
 * and the model too when it built it from weights.
 */
export async function predict(
  model: Predictable,
  x: Float32Array,
  options: { batchSize?: number } = {}
): Promise<Float64Array> {
  const built = model instanceof tfl.LayersModel ? null : buildModel(model.network, model.weights);
  const layers = built ?? (model as tfl.LayersModel);
  try {
    const inputShape = layers.inputs[0].shape;
    const outputShape = layers.outputs[0].shape;
    const d = inputShape[1] ?? 0;
    const k = outputShape[1] ?? 0;
    if (d <= 0 || x.length % d !== 0) {
      throw new LatheError(
        'PREDICT_SHAPE',
        `The input has ${x.length} values, not a whole number of rows of ${d} features.`
      );
    }
    const rows = x.length / d;
    const out = new Float64Array(rows * k);
    const batch = Math.max(PREDICT_BATCH, Math.floor(options.batchSize ?? PREDICT_BATCH));
    for (let start = 0; start < rows; start += batch) {
      const b = Math.min(batch, rows - start);
      const y = tf.tidy(() => {
        const input = tf.tensor2d(x.subarray(start * d, (start + b) * d), [b, d]);
        return layers.predict(input, { batchSize: b }) as tf.Tensor;
      });
      try {
        out.set(await y.data(), start * k);
      } finally {
        y.dispose();
      }
    }
    return out;
  } finally {
    built?.dispose();
  }
}
