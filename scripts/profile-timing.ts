// Times profileTable on 1M rows × 12 columns: npx tsx scripts/profile-timing.ts [rows]
import * as arrow from 'apache-arrow';
import { profileTable } from '../src/lib/core/data/profile';
import { TYPE_METADATA_KEY } from '../src/lib/core/data/types';

const rows = Number(process.argv[2] ?? 1_000_000);
let seed = 42;
const random = () => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32;

function withNulls(length: number, fraction: number) {
  const nullBitmap = new Uint8Array(Math.ceil(length / 8));
  let nullCount = 0;
  for (let i = 0; i < length; i++) {
    if (random() < fraction) nullCount++;
    else nullBitmap[i >> 3] |= 1 << (i & 7);
  }
  return { nullBitmap, nullCount };
}

const dictionary = (n: number) =>
  arrow.vectorFromArray(
    Array.from({ length: n }, (_, i) => `value ${i}`),
    new arrow.Utf8()
  );
const dictType = () => new arrow.Dictionary(new arrow.Utf8(), new arrow.Int32());
const columns: [string, string, arrow.Data][] = [];
for (let c = 0; c < 4; c++) {
  const data = Float64Array.from({ length: rows }, () => random() * 100 - 20);
  columns.push([
    `f${c}`,
    'float',
    arrow.makeData({ type: new arrow.Float64(), length: rows, ...withNulls(rows, 0.05), data })
  ]);
}
for (let c = 0; c < 3; c++) {
  const data = Int32Array.from({ length: rows }, () => Math.floor(random() * 10 ** (c + 2)));
  columns.push([
    `i${c}`,
    'integer',
    arrow.makeData({ type: new arrow.Int32(), length: rows, ...withNulls(rows, 0.02), data })
  ]);
}
{
  const data = BigInt64Array.from({ length: rows }, () =>
    BigInt(1.6e12 + Math.floor(random() * 1e11))
  );
  columns.push([
    't',
    'datetime',
    arrow.makeData({
      type: new arrow.TimestampMillisecond(),
      length: rows,
      ...withNulls(rows, 0.01),
      data
    })
  ]);
}
{
  const data = Uint8Array.from({ length: Math.ceil(rows / 8) }, () => Math.floor(random() * 256));
  columns.push([
    'b',
    'boolean',
    arrow.makeData({ type: new arrow.Bool(), length: rows, ...withNulls(rows, 0.01), data })
  ]);
}
for (const [name, n] of [
  ['c0', 12],
  ['c1', 5000]
] as const) {
  const data = Int32Array.from({ length: rows }, () => Math.floor(random() * n));
  columns.push([
    name,
    'categorical',
    arrow.makeData({
      type: dictType(),
      length: rows,
      ...withNulls(rows, 0.03),
      data,
      dictionary: dictionary(n)
    })
  ]);
}
{
  const n = Math.min(rows, 200_000);
  const data = Int32Array.from({ length: rows }, () => Math.floor(random() * n));
  columns.push([
    'text',
    'text',
    arrow.makeData({
      type: dictType(),
      length: rows,
      ...withNulls(rows, 0.1),
      data,
      dictionary: dictionary(n)
    })
  ]);
}

const fields = columns.map(
  ([name, type, data]) =>
    new arrow.Field(name, data.type, true, new Map([[TYPE_METADATA_KEY, type]]))
);
const schema = new arrow.Schema(fields);
const struct = arrow.makeData({
  type: new arrow.Struct(fields),
  length: rows,
  nullCount: 0,
  children: columns.map((c) => c[2])
});
const table = new arrow.Table(schema, new arrow.RecordBatch(schema, struct));

profileTable(table.slice(0, 10_000));
const times: number[] = [];
for (let run = 0; run < 3; run++) {
  const start = performance.now();
  profileTable(table);
  times.push(performance.now() - start);
}
times.sort((a, b) => a - b);
console.log(
  `profileTable ${rows} rows × ${columns.length} columns: median ${times[1].toFixed(0)} ms (${times.map((t) => t.toFixed(0)).join(', ')})`
);
