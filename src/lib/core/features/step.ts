import type * as v from 'valibot';
import type { ColumnSchema } from '../data/types';
import type { Frame } from './frame';

/** Plain JSON: fitted state is stored in IndexedDB, shown in the UI and lowered to ONNX later. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

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
  /**
   * How much of the output outputSchema knows before fitting: 'exact' (the default) — the
   * columns and types apply produces; 'adds' — apply may add columns known only once fitted
   * (one-hot categories, a vocabulary); 'drops' — apply may leave out declared columns that
   * fitting finds useless.
   */
  readonly schemaAfterFit?: 'exact' | 'adds' | 'drops';
  /** The columns after this step, without running it: lets the editor validate a pipeline. */
  outputSchema(input: ColumnSchema[], params: P, ctx: StepContext): ColumnSchema[];
  /** Learns state from the training split only. Stateless steps return null. */
  fit(train: Frame, params: P, ctx: StepContext): S;
  /** Transforms a split with the fitted state; never mutates the input frame's arrays. */
  apply(frame: Frame, params: P, state: S, ctx: StepContext): Frame;
}
