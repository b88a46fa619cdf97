import * as v from 'valibot';
import { headFor, l2Hint, l2Param, type ModelKind } from './kind';
import { lowerDenseNetwork } from './lower';

/**
 * Logistic regression: one dense layer of logits. Binary: one logit, sigmoid, binary
 * cross-entropy (P(positive) = P(the second class in sorted order), like scikit-learn).
 * Multiclass: one logit per class, softmax, cross-entropy (multinomial, not one-vs-rest).
 * Optional L2 penalty on the coefficients (l2 · Σ w² added to the mean loss; scikit-learn's
 * C corresponds to 1 / (2 · l2 · n_train)).
 */
const params = v.strictObject({ l2: l2Param });
type Params = v.InferOutput<typeof params>;

export const logisticModel: ModelKind<Params> = {
  type: 'logistic',
  label: 'Logistic regression',
  tasks: ['binary', 'multiclass'],
  params,
  fields: { l2: l2Hint },
  examples: [{}, { l2: 0.001 }],
  defaultLearningRate: 0.01,
  lower: lowerDenseNetwork,
  network(inputDim, outputDim, task, p) {
    return {
      kind: 'logistic',
      task,
      inputDim,
      outputDim,
      layers: [
        { units: outputDim, activation: 'linear', init: 'glorot_uniform', l2: p.l2, dropout: 0 }
      ],
      ...headFor(task)
    };
  }
};
