/**
 * The training loop. Everything random is ours and seeded (weight init, batch order, dropout
 * masks), batches are cut by hand, and the optimiser steps through tfjs' optimizer.minimize;
 * so the same data, config, seed and backend give bitwise-identical weights on cpu and wasm.
 *
 * Loss: the per-sample loss of the network (models/kind.ts LossName, cross-entropy from the
 * logits), times the sample's class weight, averaged over the batch, plus the L2 penalties of
 * the Dense layers' kernel regularizers (l2 · Σ w²) — Keras' objective with class_weight.
 * Regression targets are standardised with the training mean and (population) standard
 * deviation while training; the scale is folded into the last layer afterwards, and every
 * loss reported is in the target's own units (MSE × std²).
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { nextTask } from '../base/tasks';
import { LatheError } from '../base/errors';
import { createRng, deriveSeed, shuffleInPlace } from '../base/random';
import type { TrainingData } from './data';
import type { EarlyStop } from './early-stop';
import type { NetworkDef, WeightTensor } from './kind';
import { buildModel, checkNetworkSize, initialWeights, readWeights } from './network';
import type { TrainConfig, TrainSettings } from './settings';

export interface EpochLog {
  /** 1-based. */
  epoch: number;
  /** Mean training objective over the epoch's batches (weighted loss + L2), target units. */
  loss: number;
  /** Validation loss (unweighted, without L2: log loss or MSE); null without validation rows. */
  valLoss: number | null;
  /** Validation accuracy (classification) or RMSE (regression); null without validation rows. */
  valMetric: number | null;
  metric: 'accuracy' | 'rmse';
  /** The monitored loss improved: this epoch is the best checkpoint so far. */
  best: boolean;
  /** Since training started. */
  seconds: number;
  /** Training samples per second over this epoch's batches. */
  samplesPerSecond: number;
}

export interface TrainProgress {
  epoch: number;
  epochs: number;
  batch: number;
  batches: number;
  /** 0..1 of the planned epochs. */
  fraction: number;
  samplesPerSecond: number;
}

export interface TrainOptions {
  onEpoch?: (log: EpochLog) => void;
  /** Called once when early stopping ends the run, after the last epoch's onEpoch. */
  onEarlyStop?: (stop: EarlyStop) => void;
  /** Called when the loop yields (about every `yieldMs`), for progress bars. */
  onProgress?: (progress: TrainProgress) => void;
  /** Checked between batches. */
  signal?: AbortSignal;
  /** On cancel, return the best checkpoint so far (status 'cancelled') instead of throwing. */
  keepBestOnCancel?: boolean;
  /** Longest stretch of batches run without yielding to the event loop; 50 ms. */
  yieldMs?: number;
}

interface Common {
  network: NetworkDef;
  history: EpochLog[];
  /** Epochs run to the end. */
  epochs: number;
  durationMs: number;
  /** tf.getBackend() during training. */
  backend: string;
  seed: number;
}

export interface TrainedModel extends Common {
  status: 'completed' | 'early-stopped' | 'cancelled';
  /** Kernels and biases, row-major, regression scale folded in: ready for predict and ONNX. */
  weights: WeightTensor[];
  /** 1-based epoch with the lowest monitored loss (its weights are returned when `restored`). */
  bestEpoch: number;
  /** The weights are the best epoch's (early stopping on, or a kept cancel); else the last's. */
  restored: boolean;
  /** Set when early stopping ended the run (status 'early-stopped'). */
  earlyStop: EarlyStop | null;
  monitor: 'val_loss' | 'loss';
  /** Training samples per second over the whole run (validation passes included in time). */
  samplesPerSecond: number;
  /** Regression: the standardisation used while training (already folded into the weights). */
  targetScale: { mean: number; std: number } | null;
  /** Classification: the weight of each class (in `classes` order). */
  classWeights: number[] | null;
}

export interface FailedTraining extends Common {
  status: 'failed';
  code: 'DIVERGED';
  /** In plain words, with what to try. */
  reason: string;
}

export type TrainResult = TrainedModel | FailedTraining;

/** Epoch loss this many times the initial loss (or any non-finite loss) counts as diverged. */
export const DIVERGENCE_FACTOR = 100;
const EVAL_BATCH = 8192;

function makeOptimizer(settings: TrainSettings): tf.Optimizer {
  const lr = settings.learningRate;
  if (settings.optimizer === 'sgd') return tf.train.sgd(lr);
  if (settings.optimizer === 'rmsprop') return tf.train.rmsprop(lr);
  return tf.train.adam(lr);
}

/** Per-sample loss from logits `z` ([b, outputs]) and targets `y`: shape [b]. */
function sampleLoss(net: NetworkDef, z: tf.Tensor, y: tf.Tensor): tf.Tensor {
  if (net.loss === 'mse') return tf.reshape(tf.square(tf.sub(z, y)), [-1]);
  if (net.loss === 'binary_crossentropy') {
    // softplus(z) - z·y = -y·log σ(z) - (1 - y)·log(1 - σ(z)), stable, exact gradient at 0.
    return tf.reshape(tf.sub(tf.softplus(z), tf.mul(z, y)), [-1]);
  }
  const logp = tf.logSoftmax(z);
  return tf.neg(tf.sum(tf.mul(tf.oneHot(y as tf.Tensor1D, net.outputDim), logp), 1));
}

/** Per-class weights for the training labels. */
export function classWeightsFor(
  setting: TrainSettings['classWeight'],
  classes: readonly string[],
  labels: Int32Array
): number[] | null {
  if (setting === 'none') return null;
  const k = classes.length;
  if (setting === 'balanced') {
    const counts = new Float64Array(k);
    for (let i = 0; i < labels.length; i++) counts[labels[i]]++;
    // scikit-learn's compute_class_weight('balanced'): n / (k · count).
    return Array.from(counts, (c) => (c > 0 ? labels.length / (k * c) : 1));
  }
  const unknown = Object.keys(setting).filter((label) => !classes.includes(label));
  if (unknown.length > 0) {
    throw new LatheError(
      'CLASS_WEIGHT_UNKNOWN',
      `The class weights name ${unknown.map((u) => `"${u}"`).join(', ')}, not classes of the target (classes: ${classes
        .slice(0, 20)
        .map((c) => `"${c}"`)
        .join(', ')}${classes.length > 20 ? ', …' : ''}).`,
      { unknown }
    );
  }
  return classes.map((c) => (Object.hasOwn(setting, c) ? setting[c] : 1));
}

/**
 * Trains a model on prepared data with a resolved config, on the current tfjs backend (pick
 * it first with chooseBackend). Streams one EpochLog per epoch. Throws LatheError 'CANCELLED'
 * when cancelled (unless keepBestOnCancel and an epoch finished), 'MODEL_TOO_LARGE',
 * 'CLASS_WEIGHT_UNKNOWN'; returns status 'failed' when the loss diverges. Every tensor it makes
 * is disposed before it returns or throws.
 */
export async function trainModel(
  data: TrainingData,
  config: TrainConfig,
  options: TrainOptions = {}
): Promise<TrainResult> {
  const started = performance.now();
  const settings = config.train;
  const { signal, onEpoch, onProgress } = options;
  const yieldMs = options.yieldMs ?? 50;
  const task = data.task;
  if (config.task !== task) {
    throw new LatheError(
      'CONFIG_MISMATCH',
      `The config is for a ${config.task} task, the data for ${task}.`
    );
  }
  const net = config.resolved.kind.network(
    data.inputDim,
    data.outputDim,
    task,
    config.resolved.params
  );
  checkNetworkSize(net);
  const n = data.train.rows;
  const d = data.inputDim;
  if (n === 0) throw new LatheError('NO_TRAINING_ROWS', 'The training split has no rows.');
  const regression = task === 'regression';
  const seed = settings.seed;

  // Targets as the loss wants them: standardised floats, 0/1 floats, or int32 class indices.
  let targetScale: { mean: number; std: number } | null = null;
  let yTrain: Float32Array | Int32Array;
  let yValid: Float32Array | Int32Array;
  if (regression) {
    const y = data.train.y as Float64Array;
    let mean = 0;
    for (let i = 0; i < n; i++) mean += y[i];
    mean /= n;
    let variance = 0;
    for (let i = 0; i < n; i++) variance += (y[i] - mean) ** 2;
    const std = Math.sqrt(variance / n) || 1;
    targetScale = { mean, std };
    const scale = (values: Float64Array) => Float32Array.from(values, (v) => (v - mean) / std);
    yTrain = scale(y);
    yValid = scale(data.validation.y as Float64Array);
  } else if (task === 'binary') {
    yTrain = Float32Array.from(data.train.y as Int32Array);
    yValid = Float32Array.from(data.validation.y as Int32Array);
  } else {
    yTrain = data.train.y as Int32Array;
    yValid = data.validation.y as Int32Array;
  }
  const classWeights = regression
    ? null
    : classWeightsFor(settings.classWeight, data.classes ?? [], data.train.y as Int32Array);
  const lossScale = targetScale ? targetScale.std ** 2 : 1;

  const model = buildModel(net, initialWeights(net, deriveSeed(seed, 1)));
  const dense = model.layers.slice(0, net.layers.length) as tfl.layers.Layer[];
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const optimizer = makeOptimizer(settings);
  const shuffleRng = createRng(deriveSeed(seed, 2));
  const dropoutRng = createRng(deriveSeed(seed, 3));
  const order = Int32Array.from({ length: n }, (_, i) => i);
  const batchSize = Math.min(settings.batchSize, n);
  const batches = Math.ceil(n / batchSize);
  const history: EpochLog[] = [];
  const monitor = data.validation.rows > 0 ? 'val_loss' : 'loss';
  let best: tf.Tensor[] | null = null;
  let bestEpoch = 0;
  let bestLoss = Infinity;
  let wait = 0;
  let earlyStop: EarlyStop | null = null;
  let initialLoss: number | null = null;
  let status: TrainedModel['status'] = 'completed';
  let failure: string | null = null;
  let trainMs = 0;

  const common = (): Common => ({
    network: net,
    history,
    epochs: history.length,
    durationMs: performance.now() - started,
    backend: tf.getBackend(),
    seed
  });

  const forward = (x: tf.Tensor, masks: (tf.Tensor | null)[] | null): tf.Tensor => {
    let h = x;
    for (let i = 0; i < dense.length; i++) {
      h = dense[i].apply(h) as tf.Tensor;
      const mask = masks?.[i];
      if (mask) h = tf.mul(h, mask);
    }
    return h;
  };

  const evaluate = async (): Promise<{ loss: number; metric: number }> => {
    const rows = data.validation.rows;
    let lossSum = tf.scalar(0);
    let metricSum = tf.scalar(0);
    for (let start = 0; start < rows; start += EVAL_BATCH) {
      const b = Math.min(EVAL_BATCH, rows - start);
      const [l, m] = tf.tidy(() => {
        const x = tf.tensor2d(data.validation.x.subarray(start * d, (start + b) * d), [b, d]);
        const y = targetTensor(yValid.subarray(start, start + b), b);
        const z = forward(x, null);
        const losses = sampleLoss(net, z, y);
        let metric: tf.Tensor;
        if (regression) metric = tf.sum(losses);
        else if (task === 'binary') {
          metric = tf.sum(tf.cast(tf.equal(tf.cast(tf.greater(z, 0), 'float32'), y), 'float32'));
        } else metric = tf.sum(tf.cast(tf.equal(tf.argMax(z, 1), y), 'float32'));
        return [tf.add(lossSum, tf.sum(losses)), tf.add(metricSum, metric)];
      });
      lossSum.dispose();
      metricSum.dispose();
      lossSum = l;
      metricSum = m;
    }
    const [loss] = await lossSum.data();
    const [metric] = await metricSum.data();
    lossSum.dispose();
    metricSum.dispose();
    return {
      loss: (loss / rows) * lossScale,
      metric: regression ? Math.sqrt((metric / rows) * lossScale) : metric / rows
    };
  };

  const targetTensor = (values: Float32Array | Int32Array, b: number): tf.Tensor =>
    values instanceof Int32Array ? tf.tensor1d(values, 'int32') : tf.tensor2d(values, [b, 1]);

  try {
    let lastYield = performance.now();
    epochs: for (let epoch = 1; epoch <= settings.epochs; epoch++) {
      const epochStarted = performance.now();
      shuffleInPlace(order, shuffleRng);
      let epochSum: tf.Tensor = tf.scalar(0);
      for (let batch = 0; batch < batches; batch++) {
        if (signal?.aborted) {
          epochSum.dispose();
          status = 'cancelled';
          break epochs;
        }
        const start = batch * batchSize;
        const b = Math.min(batchSize, n - start);
        const xb = new Float32Array(b * d);
        const yb = yTrain instanceof Int32Array ? new Int32Array(b) : new Float32Array(b);
        const wb = classWeights ? new Float32Array(b) : null;
        for (let r = 0; r < b; r++) {
          const row = order[start + r];
          xb.set(data.train.x.subarray(row * d, row * d + d), r * d);
          yb[r] = yTrain[row];
          if (wb) wb[r] = classWeights![(data.train.y as Int32Array)[row]];
        }
        const maskArrays = net.layers.map((layer) =>
          layer.dropout > 0 ? dropoutMask(dropoutRng, b * layer.units, layer.dropout) : null
        );
        const cost = tf.tidy(() => {
          const x = tf.tensor2d(xb, [b, d]);
          const y = targetTensor(yb, b);
          const w = wb ? tf.tensor1d(wb) : null;
          const masks = maskArrays.map((m, i) =>
            m ? tf.tensor2d(m, [b, net.layers[i].units]) : null
          );
          return optimizer.minimize(
            () => {
              const losses = sampleLoss(net, forward(x, masks), y);
              let objective: tf.Tensor = tf.mean(w ? tf.mul(losses, w) : losses);
              for (const penalty of model.calculateLosses()) {
                objective = tf.add(objective, penalty);
              }
              return objective as tf.Scalar;
            },
            true,
            variables
          )!;
        });
        if (initialLoss === null) [initialLoss] = await cost.data();
        const next = tf.tidy(() => tf.add(epochSum, tf.mul(cost, b)));
        cost.dispose();
        epochSum.dispose();
        epochSum = next;
        const now = performance.now();
        if (now - lastYield >= yieldMs) {
          const [sum] = await epochSum.data();
          if (!Number.isFinite(sum)) {
            epochSum.dispose();
            failure = `the training loss became ${sum} in epoch ${epoch}`;
            break epochs;
          }
          const seconds = (now - epochStarted) / 1000;
          onProgress?.({
            epoch,
            epochs: settings.epochs,
            batch: batch + 1,
            batches,
            fraction: (epoch - 1 + (batch + 1) / batches) / settings.epochs,
            samplesPerSecond: seconds > 0 ? (start + b) / seconds : 0
          });
          await nextTask();
          lastYield = performance.now();
        }
      }
      const [sum] = await epochSum.data();
      epochSum.dispose();
      const objective = sum / n;
      const epochMs = performance.now() - epochStarted;
      trainMs += epochMs;
      if (!Number.isFinite(objective)) {
        failure = `the training loss became ${objective} in epoch ${epoch}`;
        break;
      }
      const valid = data.validation.rows > 0 ? await evaluate() : null;
      if (valid && !Number.isFinite(valid.loss)) {
        failure = `the validation loss became ${valid.loss} in epoch ${epoch}`;
        break;
      }
      if (objective > DIVERGENCE_FACTOR * Math.max(initialLoss ?? 1, 1e-3)) {
        failure = `the training loss grew from ${fmt((initialLoss ?? 0) * lossScale)} to ${fmt(objective * lossScale)} by epoch ${epoch}`;
        break;
      }
      const monitored = valid ? valid.loss : objective * lossScale;
      const minDelta = settings.earlyStopping?.minDelta ?? 0;
      const improved = monitored < bestLoss - minDelta || bestEpoch === 0;
      if (improved) {
        bestLoss = monitored;
        bestEpoch = epoch;
        wait = 0;
        best?.forEach((t) => t.dispose());
        best = variables.map((v) => tf.clone(v));
      } else wait++;
      const log: EpochLog = {
        epoch,
        loss: objective * lossScale,
        valLoss: valid ? valid.loss : null,
        valMetric: valid ? valid.metric : null,
        metric: regression ? 'rmse' : 'accuracy',
        best: improved,
        seconds: (performance.now() - started) / 1000,
        samplesPerSecond: epochMs > 0 ? n / (epochMs / 1000) : 0
      };
      history.push(log);
      onEpoch?.(log);
      if (settings.earlyStopping && wait >= settings.earlyStopping.patience) {
        status = 'early-stopped';
        earlyStop = { epoch, patience: wait, bestEpoch, monitor };
        options.onEarlyStop?.(earlyStop);
        break;
      }
      await nextTask();
      lastYield = performance.now();
    }

    if (failure !== null) {
      return {
        ...common(),
        status: 'failed',
        code: 'DIVERGED',
        reason: `Training diverged: ${failure}. The learning rate (${settings.learningRate}) is probably too high; try one 10 to 100 times smaller, and check that the features are scaled.`
      };
    }
    if (status === 'cancelled' && (!options.keepBestOnCancel || !best)) {
      throw new LatheError(
        'CANCELLED',
        best
          ? 'Training was cancelled.'
          : 'Training was cancelled before the first epoch finished; there is no checkpoint to keep.'
      );
    }
    const restored = status === 'cancelled' || settings.earlyStopping !== null;
    if (restored && best) {
      const saved = best;
      variables.forEach((v, k) => v.assign(saved[k]));
    }
    const weights = await readWeights(model);
    if (targetScale) foldTargetScale(weights, targetScale);
    const durationMs = performance.now() - started;
    return {
      ...common(),
      durationMs,
      status,
      weights,
      bestEpoch,
      restored,
      earlyStop,
      monitor,
      samplesPerSecond: trainMs > 0 ? (n * history.length) / (trainMs / 1000) : 0,
      targetScale,
      classWeights
    };
  } finally {
    best?.forEach((t) => t.dispose());
    optimizer.dispose();
    model.dispose();
  }
}

function fmt(x: number): string {
  return Number.isFinite(x) ? x.toPrecision(3) : String(x);
}

/** Inverted dropout: each unit kept with probability 1 - rate and scaled by 1 / (1 - rate). */
function dropoutMask(rng: () => number, size: number, rate: number): Float32Array {
  const mask = new Float32Array(size);
  const keep = 1 / (1 - rate);
  for (let i = 0; i < size; i++) mask[i] = rng() < rate ? 0 : keep;
  return mask;
}

/** y = std · (h·W + b) + mean  ⇒  W' = std · W, b' = std · b + mean, on the last layer. */
function foldTargetScale(weights: WeightTensor[], scale: { mean: number; std: number }): void {
  const kernel = weights[weights.length - 2].values;
  const bias = weights[weights.length - 1].values;
  for (let i = 0; i < kernel.length; i++) kernel[i] = kernel[i] * scale.std;
  for (let i = 0; i < bias.length; i++) bias[i] = bias[i] * scale.std + scale.mean;
}
