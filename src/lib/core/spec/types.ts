import type { ColumnType } from '../data/types';
import type { Json } from '../base/json';

export const SPEC_VERSION = 1;

export const TASKS = ['binary', 'multiclass', 'regression'] as const;
export type Task = (typeof TASKS)[number];

export const SPLIT_METHODS = ['random', 'stratified', 'time'] as const;
export type SplitMethod = (typeof SPLIT_METHODS)[number];

/**
 * Where the dataset comes from; `hash` is the dataset hash (core/data/identity.ts) of the data
 * as ingested. `sourceHash` (SHA-256 of the file's own bytes) finds the same file again after
 * a change in type inference alters that; `columnTypes` are the types chosen instead of the
 * detected ones, applied again when the data is read. Specs made before them have neither.
 */
export type SpecSource = (
  | { kind: 'sample'; hash: string; name: string; sampleId: string; fileName?: string }
  | { kind: 'url'; hash: string; name: string; url: string; fileName?: string }
  | { kind: 'file'; hash: string; name: string; fileName: string }
) & { sourceHash?: string; columnTypes?: Record<string, ColumnType> };

export interface SplitSpec {
  method: SplitMethod;
  seed: number;
  /** Fractions of the rows (those with a target), summing to 1; train above 0. */
  train: number;
  validation: number;
  test: number;
  /** Required by, and only allowed with, method 'time'. */
  timeColumn?: string;
}

/** One step: its registered `type` and its parameters, flat beside it. */
export interface StepSpec {
  type: string;
  [param: string]: Json;
}

/**
 * The model to train: its registered `type` (see models/registry.ts) and its parameters, flat
 * beside it, e.g. `{ "type": "mlp", "hiddenLayers": [64, 64], "dropout": 0.1 }`. Each kind's
 * own schema checks the parameters; absent ones take the kind's defaults when training.
 */
export interface ModelSpec {
  type: string;
  [param: string]: Json;
}

export const OPTIMIZERS = ['adam', 'sgd', 'rmsprop'] as const;
export type Optimizer = (typeof OPTIMIZERS)[number];

export const BACKEND_PREFERENCES = ['auto', 'webgpu', 'wasm', 'cpu'] as const;
export type BackendPreference = (typeof BACKEND_PREFERENCES)[number];

/** Stop when the validation loss has not improved by more than `minDelta` for `patience` epochs. */
export interface EarlyStoppingSpec {
  patience: number;
  minDelta?: number;
}

/**
 * How to train. Every field is optional: what is left out takes the defaults of
 * models/settings.ts (so a spec records only what the person chose, and its hash stays put
 * when a default is tuned later). `classWeight` maps class labels (as text) to weights.
 */
export interface TrainSpec {
  optimizer?: Optimizer;
  learningRate?: number;
  batchSize?: number;
  epochs?: number;
  /** `false` turns early stopping off. */
  earlyStopping?: EarlyStoppingSpec | false;
  classWeight?: 'balanced' | 'none' | { [label: string]: number };
  /** Seeds weight initialisation, batch order and dropout; the spec's `seed` when absent. */
  seed?: number;
  backend?: BackendPreference;
}

/** The document a person edits; plain JSON. */
export interface PipelineSpec {
  version: typeof SPEC_VERSION;
  name?: string;
  source: SpecSource;
  target: string;
  task: Task;
  split: SplitSpec;
  steps: StepSpec[];
  /** Seeds everything random after the split (e.g. class balancing), per step. */
  seed: number;
  model?: ModelSpec;
  train?: TrainSpec;
}

/**
 * Top-level sections kept for later features: refused by name until they arrive. `model` and
 * `train` arrived with training (still spec version 1: they are optional, old specs stay valid).
 */
export const RESERVED_SECTIONS: readonly string[] = [];

/** Bounds on untrusted specs: links, files and messages never make us allocate much. */
export const SPEC_LIMITS = {
  steps: 200,
  nameChars: 200,
  columnChars: 1024,
  urlChars: 4096,
  /** Any string anywhere, e.g. an expression. */
  stringChars: 10_000,
  arrayItems: 10_000,
  objectKeys: 1_000,
  depth: 16,
  /** Values in the whole document. */
  nodes: 200_000
} as const;

/** Bounds on the model and train sections (the model kinds' schemas use MODEL_LIMITS). */
export const MODEL_LIMITS = {
  hiddenLayers: 16,
  units: 4096,
  /** Weights between hidden layers, checked with the spec (input size is known only later). */
  hiddenWeights: 1 << 24,
  /** All weights of a built network, checked once the number of features is known. */
  weights: 1 << 25,
  l2: 100,
  dropout: 0.9
} as const;

export const TRAIN_LIMITS = {
  /** Large on purpose: a diverging rate is a training failure reported as such, not a typo. */
  learningRate: 1e6,
  batchSize: 65_536,
  epochs: 10_000,
  patience: 10_000,
  minDelta: 1e6,
  classWeight: 1e6,
  /** Classes a classification target may have (also the most class weights listed). */
  classes: 1000
} as const;

/** Keys that could reach an object's prototype when a spec is merged or indexed. */
export const FORBIDDEN_KEYS: readonly string[] = ['__proto__', 'constructor', 'prototype'];
