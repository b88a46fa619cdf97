/**
 * Efficient Arrow table building for the peers: typed arrays, a validity bitmap, a Map for
 * dictionary codes and `makeData` — never `vectorFromArray`/`tableFromArrays` on big arrays, so
 * a peer is not penalized by a slow Arrow path.
 */
import {
  Bool,
  type DataType,
  Dictionary,
  Field,
  Float64,
  Int32,
  makeData,
  makeVector,
  RecordBatch,
  Schema,
  Struct,
  Table,
  Type,
  Utf8,
  type Vector,
  vectorFromArray
} from 'apache-arrow';

/** The physical type a target column has: what Lathe's ingest produced for it. */
export type Kind = 'float64' | 'int32' | 'bool' | 'dict';

export interface TargetColumn {
  name: string;
  kind: Kind;
}

export function kindOf(type: DataType): Kind {
  switch (type.typeId) {
    case Type.Float:
      return 'float64';
    case Type.Int:
      return 'int32';
    case Type.Bool:
      return 'bool';
    case Type.Dictionary:
      return 'dict';
    default:
      throw new Error(`bench: no peer builder for Arrow type ${String(type)}`);
  }
}

/** The target layout, taken from Lathe's own output so the peers build the same table. */
export function targetOf(table: Table): TargetColumn[] {
  return table.schema.fields.map((f: Field) => ({ name: f.name, kind: kindOf(f.type) }));
}

/**
 * Incremental column builder: `push` one value at a time (number, string, boolean, null or
 * undefined), then `finish`. Capacity is preallocated from the expected row count and grows by
 * doubling if exceeded.
 */
export class ColumnBuilder {
  readonly kind: Kind;
  length = 0;
  nullCount = 0;
  private values: Float64Array | Int32Array | Uint8Array;
  private validity: Uint8Array;
  private readonly levels = new Map<string, number>();

  constructor(kind: Kind, capacity: number) {
    this.kind = kind;
    const cap = Math.max(16, capacity);
    this.values =
      kind === 'float64'
        ? new Float64Array(cap)
        : kind === 'bool'
          ? new Uint8Array(cap >> 3 || 1)
          : new Int32Array(cap);
    this.validity = new Uint8Array((cap + 7) >> 3);
  }

  private grow(): void {
    const cap = this.validity.length * 8 * 2;
    const v = this.values;
    const next =
      v instanceof Float64Array
        ? new Float64Array(cap)
        : v instanceof Int32Array
          ? new Int32Array(cap)
          : new Uint8Array(cap >> 3);
    next.set(v);
    this.values = next;
    const valid = new Uint8Array(cap >> 3);
    valid.set(this.validity);
    this.validity = valid;
  }

  push(value: unknown): void {
    const i = this.length;
    if (i >= this.validity.length * 8) this.grow();
    this.length = i + 1;
    if (value === null || value === undefined || value === '') {
      this.nullCount++;
      return;
    }
    switch (this.kind) {
      case 'float64': {
        const n = typeof value === 'number' ? value : Number(value);
        if (Number.isNaN(n) && typeof value !== 'number') {
          this.nullCount++;
          return;
        }
        (this.values as Float64Array)[i] = n;
        break;
      }
      case 'int32': {
        const n = typeof value === 'number' ? value : Number(value);
        if (!Number.isInteger(n)) {
          this.nullCount++;
          return;
        }
        (this.values as Int32Array)[i] = n;
        break;
      }
      case 'bool': {
        const b = value === true || value === 1 || value === '1' || value === 'true';
        if (b) (this.values as Uint8Array)[i >> 3] |= 1 << (i & 7);
        break;
      }
      case 'dict': {
        const s = typeof value === 'string' ? value : String(value);
        let code = this.levels.get(s);
        if (code === undefined) {
          code = this.levels.size;
          this.levels.set(s, code);
        }
        (this.values as Int32Array)[i] = code;
        break;
      }
    }
    this.validity[i >> 3] |= 1 << (i & 7);
  }

  finish(): Vector {
    const length = this.length;
    const nullCount = this.nullCount;
    const nullBitmap = nullCount > 0 ? this.validity.subarray(0, (length + 7) >> 3) : undefined;
    switch (this.kind) {
      case 'float64':
        return makeVector(
          makeData({
            type: new Float64(),
            length,
            nullCount,
            nullBitmap,
            data: (this.values as Float64Array).subarray(0, length)
          })
        );
      case 'int32':
        return makeVector(
          makeData({
            type: new Int32(),
            length,
            nullCount,
            nullBitmap,
            data: (this.values as Int32Array).subarray(0, length)
          })
        );
      case 'bool':
        return makeVector(
          makeData({
            type: new Bool(),
            length,
            nullCount,
            nullBitmap,
            data: (this.values as Uint8Array).subarray(0, (length + 7) >> 3)
          })
        );
      case 'dict': {
        const dictionary = vectorFromArray([...this.levels.keys()], new Utf8());
        return makeVector(
          makeData({
            type: new Dictionary(new Utf8(), new Int32()),
            length,
            nullCount,
            nullBitmap,
            data: (this.values as Int32Array).subarray(0, length),
            dictionary
          })
        );
      }
    }
  }
}

export function buildersFor(target: TargetColumn[], capacity: number): ColumnBuilder[] {
  return target.map((c) => new ColumnBuilder(c.kind, capacity));
}

export function finishTable(target: TargetColumn[], builders: ColumnBuilder[]): Table {
  const vectors = builders.map((b) => b.finish());
  const schema = new Schema(target.map((c, i) => new Field(c.name, vectors[i].type, true)));
  const length = vectors[0]?.length ?? 0;
  const data = makeData({
    type: new Struct(schema.fields),
    length,
    nullCount: 0,
    children: vectors.map((v) => v.data[0])
  });
  return new Table(schema, [new RecordBatch(schema, data)]);
}

/** Columnar input (one array per column, e.g. uDSV's typedCols). */
export function tableFromColumns(target: TargetColumn[], cols: ArrayLike<unknown>[]): Table {
  if (cols.length !== target.length) {
    throw new Error(`bench: peer produced ${cols.length} columns, expected ${target.length}`);
  }
  const rows = cols[0]?.length ?? 0;
  const builders = buildersFor(target, rows);
  for (let c = 0; c < target.length; c++) {
    const col = cols[c];
    const b = builders[c];
    for (let r = 0; r < rows; r++) b.push(col[r]);
  }
  return finishTable(target, builders);
}
