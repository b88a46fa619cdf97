import type * as v from 'valibot';
import type { Json } from '../base/json';
import type { ColumnSchema } from '../data/types';
import type { Lowering } from '../onnx/lowering';
import type { Frame } from './frame';
import type { FieldHints, StepDefaults, StepDefaultsInput } from './hints';

export interface StepContext {
  /** 0-based position of the step in the pipeline, for error messages ("step 3 (scale)"). */
  index: number;
  /** Seed for steps that draw random numbers (balancing); derived from the spec's seed. */
  seed: number;
}

/**
 * One operation, owned completely by one file: parameters, editor hints, schema change, fit,
 * apply. Errors are LatheError with code 'STEP_INVALID' (bad params/columns, found before
 * running) or 'STEP_FAILED' (found while running), naming the step index, its type and the
 * column. Every kind in the registry is contract-tested through `examples` and `defaults`
 * (test/unit/features-contract.test.ts): adding a kind file and its registry line is enough.
 * Every kind also lowers its fitted state to ONNX (`lower`), which the same tests run in
 * onnxruntime against `apply`.
 */
export interface StepKind<P = unknown, S extends Json = Json> {
  readonly type: string;
  /** Short label for the editor, e.g. "Impute missing values". */
  readonly label: string;
  /** valibot schema of the step's params (a strictObject: unknown keys are rejected). */
  readonly params: v.GenericSchema<unknown, P>;
  /** Editor hints per param key (words, column fields and the types they take, relevance). */
  readonly fields: FieldHints;
  /**
   * A few valid params (as written in a spec) on the example table (features/examples.ts),
   * showing the step's main uses; each is parsed, fitted and applied by the contract tests.
   */
  readonly examples: readonly StepDefaults[];
  /**
   * Valid starting params for a new step on this table, or null when no choice is sensible
   * without the person (which columns to drop, what to compute); the editor then asks.
   */
  defaults(input: StepDefaultsInput): StepDefaults | null;
  /** Which splits a row-changing step applies to; column steps leave it undefined. */
  readonly rows?: 'all' | 'train';
  /**
   * A step with `rows: 'all'`: the input rows `apply` keeps, in order, so a pipeline can tell
   * which input rows reach the model (the rows an exported model is checked and scored on).
   */
  keep?(frame: Frame, params: P, state: S, ctx: StepContext): Int32Array;
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
  /**
   * The fitted step as ONNX nodes (onnx/lowering.ts), computing what `apply` computes, in
   * double for numbers. Null for the steps that only choose rows while training (filter,
   * balance): an exported model predicts every row it is given, so they are left out and
   * listed in its metadata.
   */
  readonly lower: StepLowering<P, S> | null;
}

/** Written as a method type so a kind's lowering stays assignable to StepKind<unknown, Json>. */
export type StepLowering<P, S> = {
  lower(ctx: Lowering, params: P, state: S, step: StepContext): void;
}['lower'];

export interface KindsOption {
  /** Step kinds to check steps against; the registry's by default. */
  kinds?: Readonly<Record<string, StepKind>>;
}
