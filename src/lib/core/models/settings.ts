/**
 * The training settings with every default filled in, from a parsed spec. The spec keeps only
 * what the person wrote; defaults live here, in one place. No TensorFlow.js here.
 */
import { deriveSeed } from '../base/random';
import type { BackendPreference, Optimizer, PipelineSpec, Task } from '../spec/types';
import { defaultModel, resolveModel, type ResolvedModel } from './registry';

export interface TrainSettings {
  optimizer: Optimizer;
  learningRate: number;
  batchSize: number;
  epochs: number;
  /** null: off. Otherwise stop after `patience` epochs without an improvement above minDelta. */
  earlyStopping: { patience: number; minDelta: number } | null;
  classWeight: 'balanced' | 'none' | Record<string, number>;
  seed: number;
  backend: BackendPreference;
}

export interface TrainConfig {
  task: Task;
  /** The model section as written (or the task's default model). */
  model: { type: string; [param: string]: unknown };
  resolved: ResolvedModel;
  train: TrainSettings;
}

export const TRAIN_DEFAULTS = {
  optimizer: 'adam',
  batchSize: 32,
  epochs: 200,
  /** Patience: a tenth of the epochs, at least `minPatience` (see defaultPatience). */
  earlyStopping: { minPatience: 10, patienceFraction: 0.1, minDelta: 0 },
  classWeight: 'none',
  backend: 'auto'
} as const;

/**
 * Early-stopping patience when the spec gives none: a tenth of the planned epochs, at least 10
 * (20 for the default 200). A fixed 10 let the noise of a small validation split end runs after
 * a handful of epochs; test/unit/models-quality.test.ts checks that the default MLP keeps up
 * with the linear model on the cars sample.
 */
export function defaultPatience(epochs: number): number {
  const { minPatience, patienceFraction } = TRAIN_DEFAULTS.earlyStopping;
  return Math.max(minPatience, Math.ceil(epochs * patienceFraction));
}

/** Stream of the spec's seed used for training when the train section gives no seed. */
const TRAIN_SEED_STREAM = 0x7a1;

/**
 * What to train and how, for a parsed spec (call parseSpec first: this only fills defaults and
 * resolves the model kind; it throws 'SPEC_INVALID' for the same reasons parseSpec does).
 */
export function resolveTrainingConfig(
  spec: Pick<PipelineSpec, 'task' | 'seed' | 'model' | 'train'>
): TrainConfig {
  const model = spec.model ?? defaultModel(spec.task);
  const resolved = resolveModel(model, spec.task);
  const t = spec.train ?? {};
  const epochs = t.epochs ?? TRAIN_DEFAULTS.epochs;
  const early = t.earlyStopping ?? {
    patience: defaultPatience(epochs),
    minDelta: TRAIN_DEFAULTS.earlyStopping.minDelta
  };
  return {
    task: spec.task,
    model: JSON.parse(JSON.stringify(model)) as TrainConfig['model'],
    resolved,
    train: {
      optimizer: t.optimizer ?? TRAIN_DEFAULTS.optimizer,
      learningRate: t.learningRate ?? resolved.kind.defaultLearningRate,
      batchSize: t.batchSize ?? TRAIN_DEFAULTS.batchSize,
      epochs,
      earlyStopping:
        early === false ? null : { patience: early.patience, minDelta: early.minDelta ?? 0 },
      classWeight:
        typeof t.classWeight === 'object' ? { ...t.classWeight } : (t.classWeight ?? 'none'),
      seed: t.seed ?? deriveSeed(spec.seed, TRAIN_SEED_STREAM),
      backend: t.backend ?? TRAIN_DEFAULTS.backend
    }
  };
}
