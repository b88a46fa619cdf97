/**
 * The one ONNX lowering of a NetworkDef, which every model kind names as its `lower`: per dense
 * layer MatMul + Add + the activation (GELU in its exact erf form, as tfjs-layers computes it),
 * then the head, in float32 as trained. Classification gives `probabilities` (binary: [1 − p, p])
 * and `label` (ArgMax, first class on a tie as argmaxRows, looked up in the class names);
 * regression gives `prediction`, in the target's units (the scale is folded into the weights).
 */
import { LatheError } from '../base/errors';
import { BATCH, attr, type GraphBuilder, type Value } from '../onnx/graph';
import { featureMatrix, type Lowering } from '../onnx/lowering';
import { MODEL_OUTPUTS } from '../onnx/metadata';
import type { DenseDef, LoweredOutputs, ModelKind, TrainedNetwork } from './kind';

function mismatch(message: string): LatheError {
  return new LatheError('WEIGHTS_MISMATCH', message);
}

function checkModel({ network: net, weights, classes }: TrainedNetwork): void {
  if (weights.length !== net.layers.length * 2) {
    throw mismatch(
      `The weights (${weights.length} arrays) do not fit this ${net.kind} network (${net.layers.length * 2} expected).`
    );
  }
  let fanIn = net.inputDim;
  net.layers.forEach((layer, i) => {
    const expected = [[fanIn, layer.units], [layer.units]];
    for (let k = 0; k < 2; k++) {
      const w = weights[2 * i + k];
      const shape = expected[k];
      if (
        w.shape.length !== shape.length ||
        w.shape.some((n, j) => n !== shape[j]) ||
        w.values.length !== shape.reduce((a, b) => a * b, 1)
      ) {
        throw mismatch(
          `The weight "${w.name}" has shape [${w.shape.join(', ')}]; this ${net.kind} network needs [${shape.join(', ')}].`
        );
      }
    }
    fanIn = layer.units;
  });
  const k = net.task === 'regression' ? 0 : net.task === 'binary' ? 2 : net.outputDim;
  if ((classes?.length ?? 0) !== k || (k === 0 && classes !== null)) {
    throw mismatch(
      `A ${net.task} model needs ${k === 0 ? 'no class labels' : `${k} class labels`}; got ${classes?.length ?? 'none'}.`
    );
  }
}

function activation(g: GraphBuilder, h: Value, kind: DenseDef['activation'], hint: string): Value {
  const out = { dtype: 'float' as const, shape: h.shape, name: hint };
  switch (kind) {
    case 'linear':
      return h;
    case 'relu':
      return g.op('Relu', [h], out);
    case 'tanh':
      return g.op('Tanh', [h], out);
    case 'sigmoid':
      return g.op('Sigmoid', [h], out);
    case 'gelu': {
      // tfjs-layers: x · 0.5 · (1 + erf(x / √2)), in that order (opset 17 has no Gelu).
      const step = (op: string, inputs: Value[]) =>
        g.op(op, inputs, { ...out, name: `${hint}_${op.toLowerCase()}` });
      const scaled = step('Div', [h, g.floats('sqrt2', [Math.SQRT2], [])]);
      const cdf = step('Mul', [
        g.floats('half', [0.5], []),
        step('Add', [g.floats('one', [1], []), step('Erf', [scaled])])
      ]);
      return g.op('Mul', [h, cdf], out);
    }
  }
}

/** Lowers a trained dense network from `x` (float [N, inputDim]). */
export function lowerDenseNetwork(
  g: GraphBuilder,
  x: Value,
  model: TrainedNetwork
): LoweredOutputs {
  checkModel(model);
  const { network: net, weights } = model;
  let h = x;
  net.layers.forEach((layer, i) => {
    const kernel = weights[2 * i];
    const bias = weights[2 * i + 1];
    const shape = [BATCH, layer.units];
    const product = g.op('MatMul', [h, g.floats(`layer${i}/kernel`, kernel.values, kernel.shape)], {
      dtype: 'float',
      shape,
      name: `layer${i}/matmul`
    });
    const sum = g.op('Add', [product, g.floats(`layer${i}/bias`, bias.values, bias.shape)], {
      dtype: 'float',
      shape,
      name: `layer${i}/add`
    });
    h = activation(g, sum, layer.activation, `layer${i}/${layer.activation}`);
  });
  if (net.task === 'regression') return { task: 'regression', prediction: h };

  const k = model.classes!.length;
  let probabilities: Value;
  if (net.head === 'sigmoid') {
    const p = g.op('Sigmoid', [h], { dtype: 'float', shape: [BATCH, 1], name: 'p_positive' });
    const q = g.op('Sub', [g.floats('one', [1], []), p], {
      dtype: 'float',
      shape: [BATCH, 1],
      name: 'p_negative'
    });
    probabilities = g.op(
      'Concat',
      [q, p],
      { dtype: 'float', shape: [BATCH, 2], name: 'probabilities_raw' },
      { axis: attr.int(1) }
    );
  } else {
    probabilities = g.op(
      'Softmax',
      [h],
      { dtype: 'float', shape: [BATCH, k], name: 'probabilities_raw' },
      { axis: attr.int(1) }
    );
  }
  const index = g.op(
    'ArgMax',
    [probabilities],
    { dtype: 'int64', shape: [BATCH], name: 'class_index' },
    { axis: attr.int(1), keepdims: attr.int(0), select_last_index: attr.int(0) }
  );
  const label = g.op(
    'Gather',
    [g.strings('class_labels', model.classes!), index],
    {
      dtype: 'string',
      shape: [BATCH],
      name: 'label_raw'
    },
    { axis: attr.int(0) }
  );
  return { task: net.task, label, probabilities };
}

/** Makes a lowered model's results the graph outputs, named as MODEL_OUTPUTS. */
export function declareModelOutputs(g: GraphBuilder, outputs: LoweredOutputs): void {
  if (outputs.task === 'regression') {
    g.output(outputs.prediction, MODEL_OUTPUTS.prediction, [BATCH, 1]);
    return;
  }
  g.output(outputs.label, MODEL_OUTPUTS.label);
  g.output(outputs.probabilities, MODEL_OUTPUTS.probabilities);
}

/**
 * The model part of an export: the feature columns (as `ctx` holds them after the pipeline)
 * into the kind's lowering, its results named as the graph outputs.
 */
export function lowerModel(
  ctx: Lowering,
  features: readonly string[],
  kind: ModelKind,
  model: TrainedNetwork
): LoweredOutputs {
  if (features.length !== model.network.inputDim) {
    throw mismatch(
      `The model takes ${model.network.inputDim} features; ${features.length} feature columns were given.`
    );
  }
  const outputs = kind.lower(ctx.graph, featureMatrix(ctx, features), model);
  declareModelOutputs(ctx.graph, outputs);
  return outputs;
}
