import * as v from 'valibot';
import { MODEL_LIMITS } from '../spec/types';
import {
  HIDDEN_ACTIVATIONS,
  headFor,
  l2Hint,
  l2Param,
  type DenseDef,
  type ModelKind
} from './kind';
import { lowerDenseNetwork } from './lower';

/**
 * Multi-layer perceptron, classifier or regressor: hidden dense layers (`hiddenLayers` lists
 * their units), each followed by the activation and, while training, dropout; then a linear
 * output layer with the task's head and loss (as in logistic / linear regression). ReLU and
 * GELU layers start He-uniform, tanh and sigmoid layers and the output layer Glorot-uniform.
 * The L2 penalty applies to every kernel (not to biases). Dropout defaults to 0.1: without it
 * the default network overfits the small bundled samples within a few epochs and can lose to
 * the linear model (test/unit/models-quality.test.ts).
 */
const params = v.pipe(
  v.strictObject({
    hiddenLayers: v.optional(
      v.pipe(
        v.array(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(MODEL_LIMITS.units))),
        v.minLength(1, 'an MLP has at least one hidden layer'),
        v.maxLength(MODEL_LIMITS.hiddenLayers, `at most ${MODEL_LIMITS.hiddenLayers} hidden layers`)
      ),
      [64, 64]
    ),
    activation: v.optional(v.picklist(HIDDEN_ACTIVATIONS), 'relu'),
    dropout: v.optional(
      v.pipe(v.number(), v.finite(), v.minValue(0), v.maxValue(MODEL_LIMITS.dropout)),
      0.1
    ),
    l2: l2Param
  }),
  v.check(
    (p) => hiddenWeights(p.hiddenLayers) <= MODEL_LIMITS.hiddenWeights,
    `the hidden layers are too large (more than ${MODEL_LIMITS.hiddenWeights} weights between them)`
  )
);
type Params = v.InferOutput<typeof params>;

function hiddenWeights(units: readonly number[]): number {
  let total = 0;
  for (let i = 1; i < units.length; i++) total += units[i - 1] * units[i];
  return total;
}

export const mlpModel: ModelKind<Params> = {
  type: 'mlp',
  label: 'Neural network (MLP)',
  tasks: ['binary', 'multiclass', 'regression'],
  params,
  fields: {
    hiddenLayers: { label: 'Hidden layers', help: 'Units per hidden layer, e.g. [64, 64].' },
    activation: { label: 'Activation' },
    dropout: {
      label: 'Dropout',
      help: 'Share of hidden units left out at random in each training step (0: none).'
    },
    l2: l2Hint
  },
  examples: [
    {},
    { hiddenLayers: [32], activation: 'tanh', dropout: 0.2 },
    { hiddenLayers: [16, 8], activation: 'gelu', dropout: 0, l2: 0.0001 }
  ],
  defaultLearningRate: 0.001,
  lower: lowerDenseNetwork,
  network(inputDim, outputDim, task, p) {
    const init: DenseDef['init'] =
      p.activation === 'relu' || p.activation === 'gelu' ? 'he_uniform' : 'glorot_uniform';
    return {
      kind: 'mlp',
      task,
      inputDim,
      outputDim,
      layers: [
        ...p.hiddenLayers.map((units): DenseDef => ({
          units,
          activation: p.activation,
          init,
          l2: p.l2,
          dropout: p.dropout
        })),
        { units: outputDim, activation: 'linear', init: 'glorot_uniform', l2: p.l2, dropout: 0 }
      ],
      ...headFor(task)
    };
  }
};
