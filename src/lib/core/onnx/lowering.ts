import { LatheError } from '../base/errors';
import type { ColumnType } from '../data/types';
import { BATCH, ELEMENT_TYPES, attr, type GraphBuilder, type Value } from './graph';
import { INPUT_ELEMENT_TYPES } from './metadata';

/**
 * How a fitted step lowers itself into the graph, column by column. A step kind's
 * `lower(ctx, params, state)` reads the current value of each column it uses with
 * `column(name)`, adds nodes through `ctx.graph`, and publishes what it makes with
 * `setColumn(name, value)` (a new or a replaced column) or `dropColumn(name)`. Column values
 * are [N, 1]: double for numbers and booleans (missing = NaN), string for categories and text
 * (missing = ""), int64 milliseconds since the epoch, UTC, for datetimes. A raw column read
 * before any step wrote it becomes a graph input named as the column, so the graph takes
 * exactly the raw columns the pipeline reads. A step that cannot be lowered calls `refuse`.
 */
export interface Lowering {
  readonly graph: GraphBuilder;
  /** The step being lowered (its label in messages), set by whoever drives the pipeline. */
  step: string | null;
  column(name: string): Value;
  setColumn(name: string, value: Value): void;
  dropColumn(name: string): void;
  has(name: string): boolean;
  /** The current columns, in the order they were first set. */
  readonly columns: readonly string[];
  /** Throws LatheError 'ONNX_NOT_LOWERABLE' naming the step and the reason. */
  refuse(reason: string): never;
}

export interface RawColumn {
  name: string;
  type: ColumnType;
}

function isColumnShape(value: Value): boolean {
  return value.shape === null || (value.shape.length === 2 && value.shape[1] === 1);
}

export class ColumnLowering implements Lowering {
  readonly graph: GraphBuilder;
  step: string | null = null;
  private readonly current = new Map<string, Value | RawColumn>();
  private readonly read: RawColumn[] = [];

  /** `raw`: the dataset's columns; their names are kept for the graph inputs. */
  constructor(graph: GraphBuilder, raw: readonly RawColumn[]) {
    this.graph = graph;
    graph.reserve(raw.map((c) => c.name));
    for (const column of raw) this.current.set(column.name, { ...column });
  }

  private where(): string {
    return this.step ? `the step "${this.step}"` : 'the model';
  }

  /** The raw columns the graph reads (its inputs), in the order they were first read. */
  get inputs(): readonly RawColumn[] {
    return this.read;
  }

  get columns(): readonly string[] {
    return [...this.current.keys()];
  }

  has(name: string): boolean {
    return this.current.has(name);
  }

  column(name: string): Value {
    const entry = this.current.get(name);
    if (entry === undefined) {
      throw new LatheError(
        'ONNX_LOWERING',
        `While exporting, ${this.where()} reads the column "${name}", which does not exist at that point.`,
        { step: this.step, column: name }
      );
    }
    if ('dtype' in entry) return entry;
    const value = this.graph.input(name, INPUT_ELEMENT_TYPES[entry.type]);
    this.read.push(entry);
    this.current.set(name, value);
    return value;
  }

  setColumn(name: string, value: Value): void {
    if (!isColumnShape(value)) {
      throw new LatheError(
        'ONNX_LOWERING',
        `While exporting, ${this.where()} made the column "${name}" of shape [${value.shape?.join(', ')}], not one value per row.`,
        { step: this.step, column: name }
      );
    }
    this.current.set(name, value);
  }

  dropColumn(name: string): void {
    this.current.delete(name);
  }

  refuse(reason: string): never {
    throw new LatheError(
      'ONNX_NOT_LOWERABLE',
      `${this.step ? `The step "${this.step}"` : 'This model'} cannot be exported to ONNX: ${reason}`,
      { step: this.step }
    );
  }
}

/**
 * The model's input: the feature columns (double, [N, 1] each) side by side, cast once to
 * float, [N, features.length].
 */
export function featureMatrix(ctx: Lowering, features: readonly string[]): Value {
  if (features.length === 0) ctx.refuse('the model has no feature columns.');
  const columns = features.map((name) => {
    const value = ctx.column(name);
    if (value.dtype !== 'double') {
      ctx.refuse(`the feature column "${name}" holds ${value.dtype} values, not numbers.`);
    }
    return value;
  });
  const g = ctx.graph;
  const shape = [BATCH, features.length];
  const joined =
    columns.length === 1
      ? columns[0]
      : g.op(
          'Concat',
          columns,
          { dtype: 'double', shape, name: 'features' },
          { axis: attr.int(1) }
        );
  return g.op(
    'Cast',
    [joined],
    { dtype: 'float', shape, name: 'features_float' },
    { to: attr.int(ELEMENT_TYPES.float) }
  );
}
