import * as arrow from 'apache-arrow';
import { COLUMN_TYPES, TYPE_METADATA_KEY, type ColumnType } from './types';

export interface NamedColumn {
  name: string;
  type: ColumnType;
  data: arrow.Data;
}

export function makeTable(named: NamedColumn[], rows: number): arrow.Table {
  // arrow-js numbers dictionaries from a process-wide counter and writes the id into the IPC
  // bytes; the column's position makes the same data hash the same in every session.
  const columns = named.map((c, index) =>
    arrow.DataType.isDictionary(c.data.type)
      ? {
          ...c,
          data: c.data.clone(new arrow.Dictionary(new arrow.Utf8(), new arrow.Int32(), index))
        }
      : c
  );
  const fields = columns.map(
    (c) => new arrow.Field(c.name, c.data.type, true, new Map([[TYPE_METADATA_KEY, c.type]]))
  );
  const schema = new arrow.Schema(fields);
  const struct = arrow.makeData({
    type: new arrow.Struct(fields),
    length: rows,
    nullCount: 0,
    children: columns.map((c) => c.data)
  });
  return new arrow.Table([recordBatch(schema, struct)]);
}

/**
 * RecordBatch's constructor re-checks the schema with a pass that is quadratic in the number of
 * columns (minutes at 100,000); our columns already have the batch's length, so it is skipped.
 */
function recordBatch(schema: arrow.Schema, struct: arrow.Data<arrow.Struct>): arrow.RecordBatch {
  if (schema.fields.length < 1000) return new arrow.RecordBatch(schema, struct);
  const empty = arrow.makeData({ type: new arrow.Struct([]), length: struct.length, children: [] });
  const batch = new arrow.RecordBatch(new arrow.Schema([]), empty);
  Object.assign(batch, { schema, data: struct });
  return batch;
}

/** Semantic type of a field: its `lathe.type` metadata, else what its Arrow type suggests. */
export function columnTypeOf(field: arrow.Field): ColumnType {
  const meta = field.metadata.get(TYPE_METADATA_KEY);
  if (meta && (COLUMN_TYPES as readonly string[]).includes(meta)) return meta as ColumnType;
  const t = field.type;
  if (arrow.DataType.isInt(t)) return 'integer';
  if (arrow.DataType.isFloat(t) || arrow.DataType.isDecimal(t)) return 'float';
  if (arrow.DataType.isBool(t)) return 'boolean';
  if (arrow.DataType.isTimestamp(t) || arrow.DataType.isDate(t)) return 'datetime';
  if (arrow.DataType.isUtf8(t) || arrow.DataType.isLargeUtf8(t) || arrow.DataType.isDictionary(t)) {
    return 'categorical';
  }
  return 'text';
}
