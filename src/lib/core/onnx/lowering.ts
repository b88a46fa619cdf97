import { LatheError } from '../base/errors';
import type { ColumnType } from '../data/types';
import { BATCH, ELEMENT_TYPES, attr, type GraphBuilder, type Value } from './graph';
import { INPUT_ELEMENT_TYPES, MISSING_DATETIME } from './metadata';

/**
 * How a fitted step lowers itself into the graph, column by column. A step kind's
 * `lower(ctx, params, state)` reads the current value of each column it uses with
 * `column(name)`, adds nodes through `ctx.graph`, and publishes what it makes with
 * `setColumn(name, value)` (a new or a replaced column) or `dropColumn(name)`. Column values
 * are [N, 1], as a Frame holds them: double for numbers, booleans and datetimes (milliseconds
 * since the epoch; missing = NaN), string for categories and text (missing = ""). A raw column
 * read before any step wrote it becomes a graph input named as the column (a datetime arrives
 * as int64, MISSING_DATETIME for missing, and is turned into double once), so the graph takes
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

/** int64 epoch milliseconds → double, MISSING_DATETIME → NaN (exact below 2^53 ms). */
function datetimeAsDouble(g: GraphBuilder, input: Value): Value {
  const shape = input.shape;
  const missing = g.op(
    'Equal',
    [input, g.int64s('missing_datetime', BigInt64Array.of(MISSING_DATETIME), [1, 1])],
    { dtype: 'bool', shape, name: `${input.name}_missing` }
  );
  const ms = g.op(
    'Cast',
    [input],
    { dtype: 'double', shape, name: `${input.name}_ms` },
    { to: attr.int(ELEMENT_TYPES.double) }
  );
  return g.op('Where', [missing, g.doubles('nan', [NaN], [1, 1]), ms], {
    dtype: 'double',
    shape,
    name: `${input.name}_time`
  });
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

  /**
   * The raw columns read so far, in the order they were first read. The built graph keeps those
   * its outputs need (GraphDef.inputs).
   */
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
    const input = this.graph.input(name, INPUT_ELEMENT_TYPES[entry.type]);
    const value = entry.type === 'datetime' ? datetimeAsDouble(this.graph, input) : input;
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
