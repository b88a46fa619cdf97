/**
 * A fitted pipeline as ONNX: each step kind lowers itself (StepKind.lower) in spec order; the
 * steps that only choose rows while training are left out. And the other way round: a Frame's
 * columns as the graph's inputs (feeds), as a person's raw rows reach an exported model.
 */
import { LatheError } from '../base/errors';
import type { Json } from '../base/json';
import type { Lowering } from '../onnx/lowering';
import { MISSING_DATETIME } from '../onnx/metadata';
import type { InputTensor } from '../onnx/runtime';
import type { PipelineSpec } from '../spec/types';
import type { Frame, FrameColumn } from './frame';
import { resolveStep, STEP_KINDS } from './registry';
import type { KindsOption } from './step';
import { stepContext, stepLabel } from './validate';

export interface LoweredSteps {
  /** Labels of the steps left out ("Step 2 (filter)"): they only choose training rows. */
  trainingOnly: string[];
}

/** Lowers every step of `spec` with its fitted state into `ctx`, in order. */
export function lowerSteps(
  ctx: Lowering,
  spec: PipelineSpec,
  states: readonly Json[],
  options: KindsOption = {}
): LoweredSteps {
  if (states.length !== spec.steps.length) {
    throw new LatheError(
      'STATE_MISMATCH',
      `The fitted states (${states.length}) do not match the pipeline's ${spec.steps.length} steps.`
    );
  }
  const trainingOnly: string[] = [];
  spec.steps.forEach((step, index) => {
    const { kind, params } = resolveStep(step, index, options.kinds ?? STEP_KINDS);
    const label = stepLabel(index, kind.type);
    ctx.step = label;
    if (kind.lower === null) {
      trainingOnly.push(label);
      return;
    }
    kind.lower(ctx, params, states[index], stepContext(spec, index));
  });
  ctx.step = null;
  return { trainingOnly };
}

function feed(column: FrameColumn, rows: number): InputTensor {
  const dims = [rows, 1];
  if (column.kind === 'category') {
    const { codes, dictionary } = column;
    return { data: Array.from(codes, (c) => (c < 0 ? '' : dictionary[c])), dims };
  }
  if (column.type === 'datetime') {
    const values = column.values;
    const data = new BigInt64Array(rows);
    for (let i = 0; i < rows; i++) {
      const x = values[i];
      data[i] = x === x ? BigInt(Math.round(x)) : MISSING_DATETIME;
    }
    return { data, dims };
  }
  return { data: column.values, dims };
}

/** The graph inputs `names` from a Frame's columns of the same names. */
export function frameFeeds(frame: Frame, names: readonly string[]): Record<string, InputTensor> {
  const feeds: Record<string, InputTensor> = {};
  for (const name of names) {
    const column = frame.columns.find((c) => c.name === name);
    if (column === undefined) {
      throw new LatheError(
        'INPUT_MISSING',
        `The model needs the column "${name}", which is missing.`,
        {
          column: name
        }
      );
    }
    feeds[name] = feed(column, frame.rows);
  }
  return feeds;
}
