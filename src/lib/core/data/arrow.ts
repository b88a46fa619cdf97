import * as arrow from 'apache-arrow';
import { createBuilder, type BuiltColumn, type ColumnBuilder } from './builders';
import {
  chooseType,
  columnReport,
  dedupeNames,
  type Choice,
  type ReaderResult,
  type ReadPass
} from './columns';
import type { Inference } from './inference';
import { readAll, type ReadContext } from './source';
import { columnTypeOf, makeTable } from './table';
import { LatheError } from '../base/errors';
import { TYPE_METADATA_KEY, type ColumnType } from './types';
import { renamedWarning } from './csv';

/** Semantic type of an Arrow column from another producer (or ours, via its metadata). */
function typeOfField(field: arrow.Field): ColumnType {
  if (field.metadata.has(TYPE_METADATA_KEY)) return columnTypeOf(field);
  const t = field.type;
  if (arrow.DataType.isUtf8(t) || arrow.DataType.isLargeUtf8(t) || arrow.DataType.isDictionary(t)) {
    return 'categorical';
  }
  if (arrow.DataType.isInt(t)) return 'integer';
  if (arrow.DataType.isFloat(t) || arrow.DataType.isDecimal(t)) return 'float';
  if (arrow.DataType.isBool(t)) return 'boolean';
  if (arrow.DataType.isTimestamp(t) || arrow.DataType.isDate(t)) return 'datetime';
  return 'text';
}

/** Arrow date/timestamp values arrive as epoch-millisecond numbers or Dates. */
function toValue(v: unknown, datetime: boolean): unknown {
  if (datetime && typeof v === 'number') return new Date(v);
  if (datetime && typeof v === 'bigint') return new Date(Number(v));
  if (v instanceof Uint32Array || v instanceof Uint8Array) return String(v);
  return v;
}

/**
 * Builds columns from typed vectors; `datetime` says the values are Arrow dates or timestamps
 * (epoch-millisecond numbers), which the inference may not (a number read as Unix time).
 */
export function buildFromVectors(
  names: string[],
  vectors: { inference: Inference; datetime: boolean; length: number; get(i: number): unknown }[],
  rows: number,
  pass: ReadPass
): { columns: (BuiltColumn & { name: string; choice: Choice })[] } {
  const columns = names.map((name, c) => {
    const vec = vectors[c];
    const choice = chooseType(name, vec.inference, pass);
    const builder: ColumnBuilder = createBuilder({
      name,
      type: choice.type,
      forced: choice.forced,
      decimal: 46,
      encoding: 'utf-8',
      capacity: rows,
      date: choice.date
    });
    for (let i = 0; i < rows; i++) builder.appendValue(toValue(vec.get(i), vec.datetime), i + 1);
    return { name, ...builder.finish(), choice };
  });
  return { columns };
}

export async function readArrow(ctx: ReadContext, pass: ReadPass): Promise<ReaderResult> {
  const bytes = await readAll(ctx);
  let source: arrow.Table;
  try {
    source = arrow.tableFromIPC(bytes);
  } catch (error) {
    throw new LatheError(
      'BAD_ARROW',
      `${ctx.fileName} could not be read as an Arrow IPC file (${(error as Error).message}).`,
      { file: ctx.fileName }
    );
  }
  const { names, renamed } = dedupeNames(source.schema.fields.map((f) => f.name));
  const vectors = source.schema.fields.map((field, c) => {
    const vector = source.getChildAt(c) as arrow.Vector;
    const type = typeOfField(field);
    return {
      inference: { type },
      datetime: type === 'datetime',
      length: vector.length,
      get: (i: number) => vector.get(i)
    };
  });
  const { columns } = buildFromVectors(names, vectors, source.numRows, pass);
  ctx.progress.report(ctx.source.size, source.numRows, true);
  return {
    table: makeTable(columns, source.numRows),
    rows: source.numRows,
    columns: columns.map(columnReport),
    warnings: renamed.length ? [renamedWarning(ctx.fileName, renamed)] : []
  };
}
