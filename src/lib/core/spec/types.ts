import type { Json } from '../features/step';

export const SPEC_VERSION = 1;

export const TASKS = ['binary', 'multiclass', 'regression'] as const;
export type Task = (typeof TASKS)[number];

export const SPLIT_METHODS = ['random', 'stratified', 'time'] as const;
export type SplitMethod = (typeof SPLIT_METHODS)[number];

/** Where the dataset comes from; `hash` is the SHA-256 (hex) of the ingested dataset. */
export type SpecSource =
  | { kind: 'sample'; hash: string; name: string; sampleId: string; fileName?: string }
  | { kind: 'url'; hash: string; name: string; url: string; fileName?: string }
  | { kind: 'file'; hash: string; name: string; fileName: string };

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
 * The document a person edits; plain JSON. `model` and `train` sections come with the training
 * issue: until then they are refused by name (see RESERVED_SECTIONS).
 */
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
}

export const RESERVED_SECTIONS = ['model', 'train'] as const;

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

/** Keys that could reach an object's prototype when a spec is merged or indexed. */
export const FORBIDDEN_KEYS: readonly string[] = ['__proto__', 'constructor', 'prototype'];
