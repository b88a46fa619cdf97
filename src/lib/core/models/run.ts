import {
  evaluateClassification,
  type ClassificationReport
} from '../evaluate/classification-report';
import { evaluateRegression, type RegressionReport } from '../evaluate/regression-report';
import type { PipelineSpec } from '../spec/types';
import {
  chooseBackend,
  pickBackend,
  useBackend,
  type BackendChoice,
  type BackendOptions,
  type RememberedChoice
} from './backend';
import {
  prepareTrainingData,
  type FeatureSplits,
  type SplitArrays,
  type TrainingData
} from './data';
import { predict } from './predict';
import { resolveTrainingConfig } from './settings';
import { trainModel, type TrainOptions, type TrainResult, type TrainedModel } from './train';

export type EvaluationReport = ClassificationReport | RegressionReport;

export interface TrainingRun {
  result: TrainResult;
  choice: BackendChoice;
  features: string[];
  classes: string[] | null;
  /** Reports on the validation and test splits that have rows (trained models only). */
  metrics: Partial<Record<'validation' | 'test', EvaluationReport>>;
  /** Set when the run had to move off WebGPU: what happened there, in plain words. */
  fallback: string | null;
}

/** Probabilities as a full n×k matrix (binary models output only P(classes[1])). */
export function probabilityMatrix(
  output: Float64Array,
  rows: number,
  classes: number
): Float64Array {
  if (classes !== 2 || output.length === rows * 2) return output;
  const proba = new Float64Array(rows * 2);
  for (let i = 0; i < rows; i++) {
    proba[2 * i] = 1 - output[i];
    proba[2 * i + 1] = output[i];
  }
  return proba;
}

async function evaluateSplit(
  model: TrainedModel,
  data: TrainingData,
  split: SplitArrays
): Promise<EvaluationReport> {
  const output = await predict({ network: model.network, weights: model.weights }, split.x);
  if (data.classes) {
    return evaluateClassification(
      split.y as Int32Array,
      probabilityMatrix(output, split.rows, data.classes.length),
      data.classes
    );
  }
  return evaluateRegression(split.y as Float64Array, output);
}

export interface TrainingRunOptions extends TrainOptions {
  /**
   * Where the backends are and, with `remembered` (null: nothing measured yet), start on the
   * remembered choice instead of measuring every candidate first.
   */
  backend?: BackendOptions & { remembered?: RememberedChoice | null };
  /** Called once the backend is chosen, before training starts. */
  onBackend?: (choice: BackendChoice) => void;
}

/**
 * One training run from a fitted feature set: the spec's model and train sections (defaults
 * filled), a backend choice (measured now, or remembered), the seeded training loop, then
 * evaluation of the trained model on the validation and test splits with the same predict path
 * the registry uses.
 */
export async function runTraining(
  splits: FeatureSplits,
  spec: PipelineSpec,
  options: TrainingRunOptions = {}
): Promise<TrainingRun> {
  const config = resolveTrainingConfig(spec);
  const data = prepareTrainingData(splits, { target: spec.target, task: spec.task });
  const { remembered, ...backend } = options.backend ?? {};
  const preference = config.train.backend;
  const choice =
    remembered !== undefined
      ? await pickBackend({ ...backend, preference, remembered })
      : await chooseBackend({ ...backend, preference });
  options.onBackend?.(choice);
  // tfjs-backend-webgpu has known numeric bugs and a GPU device can be lost mid-run: a run that
  // blows up or throws there is retried on the next backend that passed the check, and the
  // person is told, instead of blaming the settings.
  const other = choice.trials.find((t) => t.ok && t.name !== 'webgpu');
  const onWebGpu = choice.backend === 'webgpu' && other !== undefined;
  let result: TrainResult | null = null;
  let problem: string | null = null;
  try {
    result = await trainModel(data, config, options);
    if (result.status === 'failed' && onWebGpu) problem = result.reason;
  } catch (error) {
    if (!onWebGpu || options.signal?.aborted) throw error;
    problem = (error as Error).message;
  }
  let fallback: string | null = null;
  if (problem !== null && other) {
    fallback = `Training on WebGPU failed (${problem}); it was run again on ${other.name}.`;
    await useBackend(other.name, backend);
    result = await trainModel(data, config, options);
  }
  if (!result) throw new Error('unreachable: no training result');
  const metrics: TrainingRun['metrics'] = {};
  if (result.status !== 'failed') {
    for (const name of ['validation', 'test'] as const) {
      if (data[name].rows > 0) metrics[name] = await evaluateSplit(result, data, data[name]);
    }
  }
  return { result, choice, features: data.features, classes: data.classes, metrics, fallback };
}
