import * as v from 'valibot';
import { headFor, l2Hint, l2Param, type ModelKind } from './kind';
import { lowerDenseNetwork } from './lower';

/**
 * Linear regression: one dense layer, y = x · w + b, trained on mean squared error, with an
 * optional L2 penalty on w (ridge; l2 · Σ w² added to the mean loss, so Ridge's alpha equals
 * l2 · n_train). Targets are standardised while training and the scale is folded back into
 * w and b afterwards (train.ts), so the stored weights are in the target's own units.
 */
const params = v.strictObject({ l2: l2Param });
type Params = v.InferOutput<typeof params>;

export const linearModel: ModelKind<Params> = {
  type: 'linear',
  label: 'Linear regression',
  tasks: ['regression'],
  params,
  fields: { l2: l2Hint },
  examples: [{}, { l2: 0.01 }],
  defaultLearningRate: 0.01,
  lower: lowerDenseNetwork,
  network(inputDim, outputDim, task, p) {
    return {
      kind: 'linear',
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
