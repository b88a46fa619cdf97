import type * as v from 'valibot';
import type { Json } from '../base/json';
import type { ColumnSchema } from '../data/types';
import type { Frame } from './frame';

export interface StepContext {
  /** 0-based position of the step in the pipeline, for error messages ("step 3 (scale)"). */
  index: number;
  /** Seed for steps that draw random numbers (balancing); derived from the spec's seed. */
  seed: number;
}

/**
 * One operation, owned completely by one file: parameters, schema change, fit, apply.
 * Errors are LatheError with code 'STEP_INVALID' (bad params/columns, found before running)
 * or 'STEP_FAILED' (found while running), naming the step index, its type and the column.
 */
export interface StepKind<P = unknown, S extends Json = Json> {
  readonly type: string;
  /** Short label for the editor, e.g. "Impute missing values". */
  readonly label: string;
  /** valibot schema of the step's params (a strictObject: unknown keys are rejected). */
  readonly params: v.GenericSchema<unknown, P>;
  /** Which splits a row-changing step applies to; column steps leave it undefined. */
  readonly rows?: 'all' | 'train';
  /** The columns after this step, without running it: lets the editor validate a pipeline. */
  outputSchema(input: ColumnSchema[], params: P, ctx: StepContext): ColumnSchema[];
  /** Learns state from the training split only. Stateless steps return null. */
  fit(train: Frame, params: P, ctx: StepContext): S;
  /** Transforms a split with the fitted state; never mutates the input frame's arrays. */
  apply(frame: Frame, params: P, state: S, ctx: StepContext): Frame;
}

export interface KindsOption {
  /** Step kinds to check steps against; the registry's by default. */
  kinds?: Readonly<Record<string, StepKind>>;
}
