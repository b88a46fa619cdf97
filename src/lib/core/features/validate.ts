import { LatheError, toErrorData, type LatheErrorData } from '../base/errors';
import { type ColumnSchema } from '../data/types';
import { resolveStep, STEP_KINDS, type ResolvedStep } from './registry';
import { deriveSeed } from '../base/random';
import type { StepContext } from './step';
import type { KindsOption } from './step';
import type { PipelineSpec, Task } from '../spec/types';

export type PipelineCheck =
  | { ok: true; input: ColumnSchema[]; steps: ColumnSchema[][] }
  | {
      ok: false;
      input: ColumnSchema[];
      /** Schemas after the steps before the failing one. */
      steps: ColumnSchema[][];
      /** The failing step, or null for the spec itself (target, split column). */
      stepIndex: number | null;
      error: LatheErrorData;
    };

const TARGET_TYPES: Record<Task, readonly string[]> = {
  binary: ['categorical', 'boolean', 'integer'],
  multiclass: ['categorical', 'boolean', 'integer'],
  regression: ['integer', 'float']
};

export function stepContext(spec: PipelineSpec, index: number): StepContext {
  return { index, seed: deriveSeed(spec.seed, index) };
}

export function stepLabel(index: number, type: string): string {
  return `Step ${index + 1} (${type})`;
}

/** The spec-level checks against the dataset: target and time column. Throws 'SPEC_INVALID'. */
export function checkSpecAgainst(spec: PipelineSpec, schema: ColumnSchema[]): void {
  const names = schema.map((c) => c.name);
  const target = schema.find((c) => c.name === spec.target);
  if (!target) {
    throw new LatheError(
      'SPEC_INVALID',
      `The target column "${spec.target}" is not in the dataset (columns: ${preview(names)}).`,
      { column: spec.target }
    );
  }
  if (!TARGET_TYPES[spec.task].includes(target.type)) {
    throw new LatheError(
      'SPEC_INVALID',
      `The target column "${spec.target}" is ${target.type}; a ${spec.task} task needs ${TARGET_TYPES[spec.task].join(', ')}.`,
      { column: spec.target, type: target.type }
    );
  }
  const timeName = spec.split.timeColumn;
  if (timeName !== undefined) {
    const time = schema.find((c) => c.name === timeName);
    if (!time || !['datetime', 'integer', 'float'].includes(time.type)) {
      throw new LatheError(
        'SPEC_INVALID',
        time
          ? `The split's time column "${timeName}" is ${time.type}; it must be a datetime or a number.`
          : `The split's time column "${timeName}" is not in the dataset.`,
        { column: timeName }
      );
    }
  }
}

/** What a step turns the schema into, with the pipeline's own checks (target kept, names unique). */
export function stepOutputSchema(
  spec: PipelineSpec,
  resolved: ResolvedStep,
  input: ColumnSchema[],
  index: number
): ColumnSchema[] {
  const { kind, params } = resolved;
  let output: ColumnSchema[];
  try {
    output = kind.outputSchema(input, params, stepContext(spec, index));
  } catch (error) {
    throw asStepError(error, index, kind.type, 'STEP_INVALID');
  }
  const seen = new Set<string>();
  for (const column of output) {
    if (seen.has(column.name)) {
      throw new LatheError(
        'STEP_INVALID',
        `${stepLabel(index, kind.type)} makes two columns named "${column.name}".`,
        { stepIndex: index, column: column.name }
      );
    }
    seen.add(column.name);
  }
  const before = input.find((c) => c.name === spec.target);
  const after = output.find((c) => c.name === spec.target);
  if (before && (!after || after.type !== before.type)) {
    throw new LatheError(
      'STEP_INVALID',
      `${stepLabel(index, kind.type)} ${after ? 'changes the type of' : 'removes'} the target column "${spec.target}"; the target must reach the model unchanged.`,
      { stepIndex: index, column: spec.target }
    );
  }
  return output;
}

/** A step's error with its index and type (LatheErrors keep their code). */
export function asStepError(
  error: unknown,
  index: number,
  type: string,
  code: 'STEP_INVALID' | 'STEP_FAILED'
): LatheError {
  if (error instanceof LatheError) {
    if (error.details?.stepIndex === index) return error;
    return new LatheError(error.code, error.message, { ...error.details, stepIndex: index, type });
  }
  const data = toErrorData(error);
  return new LatheError(code, `${stepLabel(index, type)}: ${data.message}`, {
    stepIndex: index,
    type
  });
}

/**
 * Runs every step's outputSchema in order, without touching data: the editor calls it before
 * running anything. Returns the schema after each step, or the first error and where it is.
 */
export function validatePipeline(
  spec: PipelineSpec,
  datasetSchema: ColumnSchema[],
  options: KindsOption = {}
): PipelineCheck {
  const kinds = options.kinds ?? STEP_KINDS;
  const steps: ColumnSchema[][] = [];
  try {
    checkSpecAgainst(spec, datasetSchema);
  } catch (error) {
    return { ok: false, input: datasetSchema, steps, stepIndex: null, error: toErrorData(error) };
  }
  let schema = datasetSchema;
  for (let i = 0; i < spec.steps.length; i++) {
    try {
      schema = stepOutputSchema(spec, resolveStep(spec.steps[i], i, kinds), schema, i);
    } catch (error) {
      return { ok: false, input: datasetSchema, steps, stepIndex: i, error: toErrorData(error) };
    }
    steps.push(schema);
  }
  return { ok: true, input: datasetSchema, steps };
}

function preview(names: string[]): string {
  const shown = names.slice(0, 12).map((n) => `"${n}"`);
  return shown.join(', ') + (names.length > 12 ? `, … (${names.length} in all)` : '');
}
