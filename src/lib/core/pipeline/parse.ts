import * as v from 'valibot';
import { COLUMN_TYPES } from '../data/types';
import { resolveStep } from '../features/registry';
import type { KindsOption } from '../features/step';
import { resolveModel } from '../models/registry';
import { issuesError, specError, type PathItem } from '../spec/issues';
import { migrateSpec } from '../spec/migrate';
import {
  BACKEND_PREFERENCES,
  FORBIDDEN_KEYS,
  OPTIMIZERS,
  RESERVED_SECTIONS,
  SPEC_LIMITS,
  SPEC_VERSION,
  SPLIT_METHODS,
  TASKS,
  TRAIN_LIMITS,
  type PipelineSpec
} from '../spec/types';

const text = (max: number) => v.pipe(v.string(), v.minLength(1), v.maxLength(max));
const Name = text(SPEC_LIMITS.nameChars);
const Column = text(SPEC_LIMITS.columnChars);
const Hash = v.pipe(
  v.string(),
  v.regex(/^[0-9a-f]{64}$/, 'expected a SHA-256 digest (64 lowercase hex digits)')
);
const Seed = v.pipe(
  v.number(),
  v.integer('expected an integer'),
  v.minValue(0),
  v.maxValue(0xffffffff)
);
const Fraction = v.pipe(v.number(), v.minValue(0), v.maxValue(1));
const HttpUrl = v.pipe(
  v.string(),
  v.maxLength(SPEC_LIMITS.urlChars),
  v.url(),
  v.regex(/^https?:\/\//i, 'expected an http(s) URL')
);
const SampleId = v.pipe(v.string(), v.regex(/^[a-z0-9-]{1,64}$/, 'expected a sample id'));

const SourceIdentity = {
  sourceHash: v.optional(Hash),
  columnTypes: v.optional(v.record(Column, v.picklist(COLUMN_TYPES)))
};
const Source = v.variant('kind', [
  v.strictObject({
    kind: v.literal('sample'),
    hash: Hash,
    name: Name,
    sampleId: SampleId,
    fileName: v.optional(Name),
    ...SourceIdentity
  }),
  v.strictObject({
    kind: v.literal('url'),
    hash: Hash,
    name: Name,
    url: HttpUrl,
    fileName: v.optional(Name),
    ...SourceIdentity
  }),
  v.strictObject({
    kind: v.literal('file'),
    hash: Hash,
    name: Name,
    fileName: Name,
    ...SourceIdentity
  })
]);

const Split = v.strictObject({
  method: v.picklist(SPLIT_METHODS),
  seed: Seed,
  train: Fraction,
  validation: Fraction,
  test: Fraction,
  timeColumn: v.optional(Column)
});

const positiveUpTo = (max: number) =>
  v.pipe(v.number(), v.finite(), v.gtValue(0, 'expected a number above 0'), v.maxValue(max));
const integerIn = (min: number, max: number) =>
  v.pipe(v.number(), v.integer('expected an integer'), v.minValue(min), v.maxValue(max));

/** The model section: its type and params are checked by the model kind (models/registry.ts). */
const Model = v.unknown();

/** Every field optional and without defaults here: models/settings.ts fills them in. */
const Train = v.strictObject({
  optimizer: v.optional(v.picklist(OPTIMIZERS)),
  learningRate: v.optional(positiveUpTo(TRAIN_LIMITS.learningRate)),
  batchSize: v.optional(integerIn(1, TRAIN_LIMITS.batchSize)),
  epochs: v.optional(integerIn(1, TRAIN_LIMITS.epochs)),
  earlyStopping: v.optional(
    v.union(
      [
        v.literal(false),
        v.strictObject({
          patience: integerIn(1, TRAIN_LIMITS.patience),
          minDelta: v.optional(v.pipe(v.number(), v.minValue(0), v.maxValue(TRAIN_LIMITS.minDelta)))
        })
      ],
      'expected false (off) or { patience, minDelta }'
    )
  ),
  classWeight: v.optional(
    v.union(
      [
        v.picklist(['balanced', 'none']),
        v.pipe(
          v.record(
            v.pipe(v.string(), v.minLength(1), v.maxLength(SPEC_LIMITS.columnChars)),
            positiveUpTo(TRAIN_LIMITS.classWeight)
          ),
          v.check(
            (weights) => Object.keys(weights).length <= TRAIN_LIMITS.classes,
            `at most ${TRAIN_LIMITS.classes} class weights`
          )
        )
      ],
      'expected "balanced", "none" or { label: weight, … }'
    )
  ),
  seed: v.optional(Seed),
  backend: v.optional(v.picklist(BACKEND_PREFERENCES))
});

const Spec = v.strictObject({
  version: v.literal(SPEC_VERSION),
  name: v.optional(Name),
  source: Source,
  target: Column,
  task: v.picklist(TASKS),
  split: Split,
  steps: v.pipe(v.array(v.looseObject({ type: v.string() })), v.maxLength(SPEC_LIMITS.steps)),
  seed: Seed,
  model: v.optional(Model),
  train: v.optional(Train)
});

export type ParseOptions = KindsOption;

/**
 * The one entry point for specs from anywhere (URL, file, IndexedDB, worker message): checks that
 * the value is plain bounded JSON without prototype keys, migrates older versions, then validates
 * every field and every step's params. Returns a fresh copy; throws LatheError 'SPEC_INVALID'
 * (message names the path) or 'SPEC_FUTURE_VERSION'.
 */
export function parseSpec(input: unknown, options: ParseOptions = {}): PipelineSpec {
  assertPlainJson(input);
  const migrated = migrateSpec(input) as Record<string, unknown>;
  for (const section of RESERVED_SECTIONS) {
    if (Object.hasOwn(migrated, section)) {
      throw specError(
        [section],
        `the "${section}" section is not supported by this version of Lathe yet`
      );
    }
  }
  const result = v.safeParse(Spec, migrated);
  if (!result.success) throw issuesError(result.issues);
  const spec = result.output;
  const { split } = spec;
  if (Math.abs(split.train + split.validation + split.test - 1) > 1e-9) {
    throw specError(['split'], 'train, validation and test must sum to 1');
  }
  if (split.train <= 0) throw specError(['split', 'train'], 'the train fraction must be above 0');
  if (split.method === 'time' && split.timeColumn === undefined) {
    throw specError(['split', 'timeColumn'], 'a time-ordered split needs a timeColumn');
  }
  if (split.method !== 'time' && split.timeColumn !== undefined) {
    throw specError(['split', 'timeColumn'], `only a time-ordered split uses a timeColumn`);
  }
  if (split.method === 'stratified' && spec.task === 'regression') {
    throw specError(['split', 'method'], 'a stratified split needs a classification task');
  }
  spec.steps.forEach((step, i) => resolveStep(step, i, options.kinds));
  if (spec.model !== undefined) resolveModel(spec.model, spec.task);
  const classWeight = spec.train?.classWeight;
  if (spec.task === 'regression' && classWeight !== undefined && classWeight !== 'none') {
    throw specError(['train', 'classWeight'], 'class weights need a classification task');
  }
  return JSON.parse(JSON.stringify(spec)) as PipelineSpec;
}

/** Throws unless `input` is plain JSON within SPEC_LIMITS and free of prototype keys. */
export function assertPlainJson(input: unknown): void {
  let nodes = 0;
  const walk = (value: unknown, path: PathItem[]): void => {
    if (++nodes > SPEC_LIMITS.nodes) throw specError([], 'the document is too large');
    if (value === null || typeof value === 'boolean') return;
    if (typeof value === 'number') {
      if (!Number.isFinite(value)) throw specError(path, 'numbers must be finite');
      return;
    }
    if (typeof value === 'string') {
      if (value.length > SPEC_LIMITS.stringChars) {
        throw specError(path, `text longer than ${SPEC_LIMITS.stringChars} characters`);
      }
      return;
    }
    if (typeof value !== 'object') throw specError(path, `${typeof value} is not JSON`);
    if (path.length >= SPEC_LIMITS.depth) {
      throw specError(path, `nested deeper than ${SPEC_LIMITS.depth} levels`);
    }
    if (Array.isArray(value)) {
      if (value.length > SPEC_LIMITS.arrayItems) {
        throw specError(path, `more than ${SPEC_LIMITS.arrayItems} items`);
      }
      for (let i = 0; i < value.length; i++) walk(value[i], [...path, i]);
      return;
    }
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) {
      throw specError(path, 'only plain JSON objects are allowed');
    }
    const keys = Object.keys(value);
    if (keys.length > SPEC_LIMITS.objectKeys) {
      throw specError(path, `more than ${SPEC_LIMITS.objectKeys} fields`);
    }
    for (const key of keys) {
      if (FORBIDDEN_KEYS.includes(key)) throw specError([...path, key], 'forbidden key');
      if (key.length > SPEC_LIMITS.columnChars) throw specError(path, 'a key is too long');
      walk((value as Record<string, unknown>)[key], [...path, key]);
    }
  };
  walk(input, []);
}
