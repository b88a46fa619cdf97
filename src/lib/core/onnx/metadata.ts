/**
 * The metadata document Lathe writes into every exported model (one `metadata_props` entry,
 * key LATHE_METADATA_KEY, JSON): enough to generate a prediction form from the file alone and
 * to walk back to what the model was made from. Read back with a schema, since an imported
 * file is untrusted.
 */
import * as v from 'valibot';
import { LatheError } from '../base/errors';
import type { Json } from '../base/json';
import { COLUMN_TYPES, type ColumnType } from '../data/types';
import { TASKS, type Task } from '../spec/types';

export const LATHE_METADATA_KEY = 'lathe';
export const METADATA_FORMAT = 'lathe-onnx';
export const METADATA_VERSION = 1;

/** The graph outputs of an exported model, by task. */
export const MODEL_OUTPUTS = Object.freeze({
  label: 'label',
  probabilities: 'probabilities',
  prediction: 'prediction'
});

export function outputNames(task: Task): string[] {
  return task === 'regression'
    ? [MODEL_OUTPUTS.prediction]
    : [MODEL_OUTPUTS.label, MODEL_OUTPUTS.probabilities];
}

/** How each column type enters the graph: numbers and booleans as double, datetimes as int64. */
export const INPUT_ELEMENT_TYPES: Readonly<Record<ColumnType, 'double' | 'string' | 'int64'>> =
  Object.freeze({
    integer: 'double',
    float: 'double',
    boolean: 'double',
    datetime: 'int64',
    categorical: 'string',
    text: 'string'
  });

/**
 * A missing datetime in an int64 input (int64 has no NaN): the smallest int64, which no real
 * date reaches.
 */
export const MISSING_DATETIME = -(2n ** 63n);

export interface InputField {
  /** The graph input's name: the raw column's. */
  name: string;
  type: ColumnType;
  /**
   * The input's element type ([N, 1]); datetimes are milliseconds since the epoch, UTC, with
   * MISSING_DATETIME for a missing one.
   */
  elementType: 'double' | 'string' | 'int64';
  /** Texts the ingest read as missing (compared trimmed, case-insensitively): send NaN or "". */
  missingTokens: string[];
  /** Categorical columns: the categories seen in training, in their encoding order. */
  categories?: string[];
  /** Numbers and datetimes: the training range. */
  range?: { min: number; max: number };
  /**
   * A typical training value, to prefill a form: the median of the finite numbers (datetimes in
   * epoch ms), the most frequent boolean (0 or 1) or category / text (ties: the first in
   * code-point order). Absent when training saw no value.
   */
  typical?: number | string;
}

export interface OnnxMetadata {
  format: typeof METADATA_FORMAT;
  version: typeof METADATA_VERSION;
  task: Task;
  target: string;
  inputs: InputField[];
  /** The graph outputs (MODEL_OUTPUTS), in order. */
  outputs: string[];
  /** Classification: class labels in the order of the probability columns; else null. */
  classes: string[] | null;
  /** The model kind's type (linear, logistic, mlp …). */
  model: string;
  /** The pipeline spec the model was made with, or null. */
  spec: Json;
  /** Steps of the spec applied only while training (filter, balance, split), not in the graph. */
  trainingOnlySteps: string[];
  /** SHA-256 hex digests of what the model was made from; null where not known. */
  hashes: {
    dataset: string | null;
    featureSet: string | null;
    spec: string | null;
    model: string | null;
  };
  engineVersion: string;
  /** The tfjs backend the model was trained on. */
  backend: string | null;
  /** By split ("validation", "test"), metric name → value (null when undefined). */
  metrics: Record<string, Record<string, number | null>>;
}

/** Metadata larger or deeper than this is refused on reading. */
export const METADATA_LIMITS = Object.freeze({ chars: 8 * 1024 * 1024, depth: 64 });

const Str = v.pipe(v.string(), v.maxLength(100_000));
const Hash = v.nullable(v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/, 'expected a SHA-256 digest')));

const Input = v.strictObject({
  name: Str,
  type: v.picklist(COLUMN_TYPES),
  elementType: v.picklist(['double', 'string', 'int64']),
  missingTokens: v.array(Str),
  categories: v.optional(v.array(Str)),
  range: v.optional(v.strictObject({ min: v.number(), max: v.number() })),
  typical: v.optional(v.union([v.pipe(v.number(), v.finite()), Str]))
});

const Metadata = v.strictObject({
  format: v.literal(METADATA_FORMAT),
  version: v.literal(METADATA_VERSION),
  task: v.picklist(TASKS),
  target: Str,
  inputs: v.array(Input),
  outputs: v.array(Str),
  classes: v.nullable(v.array(Str)),
  model: Str,
  spec: v.custom<Json>(() => true),
  trainingOnlySteps: v.array(Str),
  hashes: v.strictObject({ dataset: Hash, featureSet: Hash, spec: Hash, model: Hash }),
  engineVersion: Str,
  backend: v.nullable(Str),
  metrics: v.record(Str, v.record(Str, v.nullable(v.number())))
});

/** The metadata_props entry holding `doc`. */
export function metadataEntry(doc: OnnxMetadata): { key: string; value: string } {
  return { key: LATHE_METADATA_KEY, value: JSON.stringify(doc) };
}

function metadataError(message: string, details?: Record<string, unknown>): LatheError {
  return new LatheError('ONNX_METADATA_INVALID', `The model's Lathe metadata ${message}`, details);
}

/** Nesting depth of parsed JSON, without recursion (the text is untrusted). */
function jsonDepth(value: unknown, limit: number): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [item, depth] = stack.pop()!;
    if (typeof item !== 'object' || item === null) continue;
    deepest = Math.max(deepest, depth);
    if (deepest > limit) return deepest;
    for (const child of Object.values(item)) stack.push([child, depth + 1]);
  }
  return deepest;
}

/**
 * The Lathe metadata among a model's metadata_props: null when there is none (a model made
 * elsewhere); a LatheError 'ONNX_METADATA_INVALID' naming the field when it is malformed.
 */
export function readMetadata(
  props: readonly { key: string; value: string }[]
): OnnxMetadata | null {
  const entry = props.find((p) => p.key === LATHE_METADATA_KEY);
  if (!entry) return null;
  if (entry.value.length > METADATA_LIMITS.chars) {
    throw metadataError(
      `is ${entry.value.length.toLocaleString('en')} characters long; at most ${METADATA_LIMITS.chars.toLocaleString('en')} are read.`
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(entry.value);
  } catch (error) {
    throw metadataError(`is not valid JSON (${(error as Error).message}).`);
  }
  if (jsonDepth(parsed, METADATA_LIMITS.depth) > METADATA_LIMITS.depth) {
    throw metadataError(`is nested more than ${METADATA_LIMITS.depth} levels deep.`);
  }
  const result = v.safeParse(Metadata, parsed);
  if (!result.success) {
    const issue = result.issues[0];
    const path = (issue.path ?? []).map((item) => String(item.key)).join('.') || '(root)';
    throw metadataError(`is malformed at ${path}: ${issue.message}.`, { path });
  }
  return result.output as OnnxMetadata;
}
