/**
 * The `transform` section: the feature engine's fit + apply on the 1M-row table — the code path
 * the features worker runs (`tableToFrame` → `fitPipeline`) — beside arquero and a hand-written
 * typed-array loop doing the same transform, and the live editor's `previewPipeline` on 100k rows.
 *
 * The transform: `scale` (standard) on x1…x8, then `onehot` on cat_a and cat_b, split 0.8 / 0.1 /
 * 0.1 (random). Means and standard deviations come from the training rows only, every row of
 * every split is transformed. Loaded lazily by run.ts.
 */
import type { Table } from 'apache-arrow';
import * as aq from 'arquero';
import { frameToTable, tableToFrame } from '../../src/lib/core/features/convert.ts';
import type { CategoryColumn, Frame, NumericColumn } from '../../src/lib/core/features/frame.ts';
import {
  fitPipeline,
  previewPipeline,
  type FittedPipeline
} from '../../src/lib/core/features/pipeline.ts';
import { SPLIT_NAMES, type SplitIndices } from '../../src/lib/core/features/split.ts';
import { parseSpec } from '../../src/lib/core/pipeline/parse';
import type { PipelineSpec, StepSpec } from '../../src/lib/core/spec/types.ts';
import { gc, median } from './stats.ts';

export const FLOATS = ['x1', 'x2', 'x3', 'x4', 'x5', 'x6', 'x7', 'x8'];
export const CATS = ['cat_a', 'cat_b'];

/** The spec the Features stage would save for this transform (validated like the worker does). */
export function transformSpec(steps?: StepSpec[]): PipelineSpec {
  return parseSpec({
    version: 1,
    name: 'bench transform',
    source: { kind: 'file', hash: '0'.repeat(64), name: 'synthetic-1m', fileName: 'bench.csv' },
    target: 'label',
    task: 'binary',
    split: { method: 'random', seed: 20261121, train: 0.8, validation: 0.1, test: 0.1 },
    steps: steps ?? [
      { type: 'scale', columns: FLOATS, method: 'standard' },
      { type: 'onehot', columns: CATS }
    ],
    seed: 1
  });
}

// ---------------------------------------------------------------------------------------------
// Lathe

/** The worker's path: the Arrow table to a Frame, then fit on train and apply to every split. */
export async function latheTransform(table: Table, spec: PipelineSpec): Promise<FittedPipeline> {
  return fitPipeline(tableToFrame(table), spec);
}

/** What the worker does next with each split before saving it (measured on its own). */
export function latheToArrow(fitted: FittedPipeline): Table[] {
  return SPLIT_NAMES.map((s) => frameToTable(fitted.splits[s]));
}

// ---------------------------------------------------------------------------------------------
// The inputs the peers start from (built outside any timed run)

export interface PeerInput {
  /** The decoded columns of the table (the same arrays Lathe's tableToFrame gives). */
  frame: Frame;
  /** Row numbers per split, as Lathe split them; ascending. */
  indices: SplitIndices;
  /** Per row: 0 train, 1 validation, 2 test, 3 left out (no target). */
  splitOf: Uint8Array;
  /** The training rows' one-hot levels per categorical, sorted like Lathe (by code point). */
  levels: Map<string, string[]>;
}

export function peerInput(frame: Frame, fitted: FittedPipeline): PeerInput {
  const splitOf = new Uint8Array(frame.rows).fill(3);
  SPLIT_NAMES.forEach((s, k) => {
    for (const r of fitted.indices[s]) splitOf[r] = k;
  });
  const levels = new Map<string, string[]>();
  const state = fitted.states[1] as { columns: { column: string; categories: string[] }[] };
  for (const c of state.columns) levels.set(c.column, c.categories);
  return { frame, indices: fitted.indices, splitOf, levels };
}

function num(frame: Frame, name: string): NumericColumn {
  const c = frame.columns.find((x) => x.name === name);
  if (c?.kind !== 'number') throw new Error(`no numeric column ${name}`);
  return c;
}

function cat(frame: Frame, name: string): CategoryColumn {
  const c = frame.columns.find((x) => x.name === name);
  if (c?.kind !== 'category') throw new Error(`no category column ${name}`);
  return c;
}

// ---------------------------------------------------------------------------------------------
// Hand-written loop: the best case for this transform in plain TypeScript

export interface HandResult {
  /** Per split: output column name → values (scaled floats, one-hot levels, the rest copied). */
  splits: Map<string, Float64Array>[];
}

/**
 * Means/stds (population, NaN skipped) over the training rows, then per split and column one
 * pass that gathers the split's rows and writes z-scores; one pass per categorical that writes
 * the 1s into zero-filled 0/1 arrays (one per level); count and label gathered as they are.
 * Same outputs as Lathe's splits, nothing more.
 */
export function handTransform(input: PeerInput): HandResult {
  const { frame, indices, levels } = input;
  const train = indices.train;
  const splits = SPLIT_NAMES.map(() => new Map<string, Float64Array>());
  for (const name of FLOATS) {
    const x = num(frame, name).values;
    let sum = 0;
    let n = 0;
    for (let i = 0; i < train.length; i++) {
      const v = x[train[i]];
      if (v === v) {
        sum += v;
        n++;
      }
    }
    const mean = sum / n;
    let sq = 0;
    for (let i = 0; i < train.length; i++) {
      const v = x[train[i]];
      if (v === v) sq += (v - mean) * (v - mean);
    }
    const std = Math.sqrt(sq / n);
    SPLIT_NAMES.forEach((s, k) => {
      const rows = indices[s];
      const y = new Float64Array(rows.length);
      for (let i = 0; i < rows.length; i++) y[i] = (x[rows[i]] - mean) / std;
      splits[k].set(name, y);
    });
  }
  for (const name of CATS) {
    const col = cat(frame, name);
    const lv = levels.get(name)!;
    const lookup = new Int32Array(col.dictionary.length).fill(-1);
    col.dictionary.forEach((d, j) => (lookup[j] = lv.indexOf(d)));
    const codes = col.codes;
    SPLIT_NAMES.forEach((s, k) => {
      const rows = indices[s];
      const outs = lv.map(() => new Float64Array(rows.length));
      for (let i = 0; i < rows.length; i++) {
        const c = codes[rows[i]];
        const j = c < 0 ? -1 : lookup[c];
        if (j >= 0) outs[j][i] = 1;
      }
      lv.forEach((l, j) => splits[k].set(`${name}=${l}`, outs[j]));
    });
  }
  for (const name of ['count', 'label']) {
    const x = num(frame, name).values;
    SPLIT_NAMES.forEach((s, k) => {
      const rows = indices[s];
      const y = new Float64Array(rows.length);
      for (let i = 0; i < rows.length; i++) y[i] = x[rows[i]];
      splits[k].set(name, y);
    });
  }
  return { splits };
}

// ---------------------------------------------------------------------------------------------
// arquero

export interface ArqueroInput {
  table: aq.ColumnTable;
  levels: Map<string, string[]>;
}

/**
 * arquero's fastest layout measured on this box: the float columns as Float64Arrays (NaN for
 * missing, which its aggregates skip like null) and a `split` column, assigned onto a table
 * made by `fromArrow` of the categoricals, so `d.cat_a === "alpha"` is rewritten into a
 * dictionary-key comparison. Not timed.
 */
export function arqueroInput(input: PeerInput): ArqueroInput {
  const { frame, splitOf, levels } = input;
  const numbers: Record<string, Float64Array | Uint8Array> = { split: splitOf };
  for (const name of [...FLOATS, 'count', 'label']) numbers[name] = num(frame, name).values;
  const arrowCats = frameToTable({ rows: frame.rows, columns: CATS.map((n) => cat(frame, n)) });
  // arquero reads apache-arrow tables as well as flechette's (its types only name the latter).
  const cats = aq.fromArrow(arrowCats as unknown as Parameters<typeof aq.fromArrow>[0]);
  return { table: cats.assign(aq.table(numbers)), levels };
}

/**
 * In arquero's own idiom: means and population stds over the training rows (`filter` +
 * `rollup`), then one `derive` of the z-scores (the stats passed as params) and a 0/1 column per
 * level; the categoricals dropped. Gives less work than Lathe does: one table of all rows in
 * their input order, not three split tables.
 */
export function arqueroTransform({ table, levels }: ArqueroInput): aq.ColumnTable {
  const aggs: Record<string, string> = {};
  for (const x of FLOATS) {
    aggs[`m_${x}`] = `d => op.mean(d.${x})`;
    aggs[`s_${x}`] = `d => op.stdevp(d.${x})`;
  }
  const stats = table.filter('d => d.split === 0').rollup(aggs).object() as Record<string, number>;
  const derived: Record<string, string> = {};
  for (const x of FLOATS) derived[x] = `(d, $) => (d.${x} - $.m_${x}) / $.s_${x}`;
  for (const c of CATS)
    for (const l of levels.get(c)!)
      derived[`${c}=${l}`] = `d => d.${c} === ${JSON.stringify(l)} ? 1 : 0`;
  return table
    .params(stats)
    .derive(derived)
    .select(aq.not(...CATS));
}

// ---------------------------------------------------------------------------------------------
// Agreement

function isSame(a: number, b: number, tol: number): boolean {
  if (a !== a || b !== b) return a !== a && b !== b;
  return Math.abs(a - b) <= tol;
}

/**
 * Compares Lathe's split frames with the hand loop's and arquero's outputs on sampled cells:
 * every column on the first 500 rows of each split and on ~1,000 spread rows. Returns the
 * largest absolute difference, the cells compared and the first few mismatches.
 */
export function agreement(
  fitted: FittedPipeline,
  hand: HandResult,
  arq: aq.ColumnTable,
  tol = 1e-9
): { cells: number; maxDiff: number; problems: string[] } {
  const problems: string[] = [];
  let cells = 0;
  let maxDiff = 0;
  const arqCols = new Map<string, ArrayLike<number>>();
  SPLIT_NAMES.forEach((s, k) => {
    const frame = fitted.splits[s];
    const rowsOf = fitted.indices[s];
    const handCols = hand.splits[k];
    const names = frame.columns.map((c) => c.name);
    if (names.length !== handCols.size || names.some((n) => !handCols.has(n)))
      problems.push(`${s}: columns differ from the hand loop's`);
    const sample: number[] = [];
    for (let i = 0; i < Math.min(500, frame.rows); i++) sample.push(i);
    const step = Math.max(1, Math.floor(frame.rows / 1000));
    for (let i = 500; i < frame.rows; i += step) sample.push(i);
    for (const c of frame.columns) {
      if (c.kind !== 'number') {
        problems.push(`${s}.${c.name} is not numeric`);
        continue;
      }
      const h = handCols.get(c.name);
      let a = arqCols.get(c.name);
      if (!a) {
        a = arq.array(c.name) as ArrayLike<number>;
        arqCols.set(c.name, a);
      }
      for (const i of sample) {
        const l = c.values[i];
        const others: [string, number][] = [
          ['hand', h ? h[i] : NaN],
          ['arquero', a ? Number(a[rowsOf[i]] ?? NaN) : NaN]
        ];
        for (const [who, o] of others) {
          cells++;
          if (l === l && o === o) maxDiff = Math.max(maxDiff, Math.abs(l - o));
          if (!isSame(l, o, tol) && problems.length < 8)
            problems.push(`${s} row ${i} ${c.name}: lathe ${l}, ${who} ${o}`);
        }
      }
    }
  });
  return { cells, maxDiff, problems };
}

// ---------------------------------------------------------------------------------------------
// Side-by-side timing in CPU and wall time

export interface Timing {
  wall: number[];
  cpu: number[];
}

export function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/**
 * Runs each contender once per round after a GC, rotating the order per round; records wall and
 * process CPU milliseconds (CPU includes V8's GC helper threads). Results are dropped at once,
 * so no contender runs while another's ~400 MB output is still alive.
 */
export async function sideBySide<T extends Record<string, () => unknown>>(
  contenders: T,
  rounds: number
): Promise<Record<keyof T, Timing>> {
  const labels = Object.keys(contenders) as (keyof T)[];
  const out = {} as Record<keyof T, Timing>;
  for (const l of labels) out[l] = { wall: [], cpu: [] };
  for (let round = 0; round < rounds; round++) {
    for (let k = 0; k < labels.length; k++) {
      const label = labels[(k + round) % labels.length];
      gc();
      const c0 = cpuMs();
      const t0 = performance.now();
      await contenders[label]();
      out[label].wall.push(performance.now() - t0);
      out[label].cpu.push(cpuMs() - c0);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Preview: one-parameter edits in the live editor

/** The spec after edit `k`: each edit changes one parameter of one step. */
export function editedSpec(k: number): PipelineSpec {
  const scale: StepSpec = { type: 'scale', columns: FLOATS, method: 'standard' };
  const onehot: StepSpec = { type: 'onehot', columns: CATS };
  switch (k % 4) {
    case 0:
      scale.withCentering = false;
      break;
    case 1:
      onehot.maxCategories = 5 + (k % 10);
      break;
    case 2:
      scale.method = 'minmax';
      break;
    default:
      onehot.minCount = 1 + k;
  }
  return transformSpec([scale, onehot]);
}

/** previewPipeline on a cached frame after each edit (specs parsed outside the timing). */
export function previewEdits(frame: Frame, edits: number, warmup = 3): Timing {
  const specs = Array.from({ length: edits + warmup }, (_, k) => editedSpec(k));
  const wall: number[] = [];
  const cpu: number[] = [];
  specs.forEach((spec, k) => {
    const c0 = cpuMs();
    const t0 = performance.now();
    const preview = previewPipeline(frame, spec, { rows: 50 });
    const ms = performance.now() - t0;
    const cms = cpuMs() - c0;
    if (preview.error) throw new Error(`preview failed: ${preview.error.error.message}`);
    if (k >= warmup) {
      wall.push(ms);
      cpu.push(cms);
    }
  });
  return { wall, cpu };
}

// ---------------------------------------------------------------------------------------------
// The section

export type AddFigure = (
  name: string,
  value: number,
  unit: string,
  target?: string,
  note?: string
) => void;

/** Nearest-rank percentile. */
function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))];
}

const fmt = (xs: number[]): string => xs.map((m) => m.toFixed(0)).join(' / ');

export async function runTransformSection(
  table: Table,
  add: AddFigure,
  rounds = 7,
  edits = 20
): Promise<void> {
  const spec = transformSpec();
  const rows = table.numRows;
  console.log(
    `\nFeature transform (scale ×8 + onehot ×2, split 0.8/0.1/0.1), ${rows} rows, ` +
      `side by side, median of ${rounds}`
  );
  // Untimed: the peers' inputs (the same decoded columns and the same split as Lathe's).
  const frame = tableToFrame(table);
  const input = peerInput(frame, await latheTransform(table, spec));
  const arqInput = arqueroInput(input);
  const timing = await sideBySide(
    {
      lathe: () => latheTransform(table, spec),
      hand: () => handTransform(input),
      arquero: () => arqueroTransform(arqInput)
    },
    rounds
  );
  for (const [label, t] of Object.entries(timing))
    console.log(`  ${label}: wall ${fmt(t.wall)} ms; cpu ${fmt(t.cpu)} ms`);
  // Agreement on outputs made outside the timed runs.
  const fitted = await latheTransform(table, spec);
  const check = agreement(fitted, handTransform(input), arqueroTransform(arqInput));
  console.log(
    `  agreement: ${check.cells} cells, max |diff| ${check.maxDiff.toExponential(2)}` +
      (check.problems.length ? `; ${check.problems.join('; ')}` : '')
  );
  const bad = check.problems.length
    ? `DISAGREE: ${check.problems.slice(0, 3).join('; ')}`
    : undefined;
  const agreeNote = `${check.cells} sampled cells agree (max |diff| ${check.maxDiff.toExponential(1)})`;

  const wall = (l: keyof typeof timing) => median(timing[l].wall);
  const cpu = (l: keyof typeof timing) => median(timing[l].cpu);
  const rps = rows / (wall('lathe') / 1000);
  add(
    'transform_rows_s',
    rps,
    'rows/s',
    '>= 3000000',
    bad ??
      `tableToFrame + fitPipeline, all 3 splits, frameToTable not included; wall median ` +
        `${wall('lathe').toFixed(0)} ms, CPU median ${cpu('lathe').toFixed(0)} ms ` +
        `(${((rows / cpu('lathe')) * 1000).toFixed(0)} rows/CPU-s)`
  );
  add(
    'transform_cpu_rows_s',
    (rows / cpu('lathe')) * 1000,
    'rows/s',
    undefined,
    'process CPU time'
  );
  add(
    'arquero_transform_rows_s',
    rows / (wall('arquero') / 1000),
    'rows/s',
    undefined,
    'arquero 7 filter+rollup, derive; stats on the same train rows; table construction untimed'
  );
  add(
    'transform_vs_arquero_ratio',
    wall('arquero') / wall('lathe'),
    'x',
    '>= 5',
    bad ?? `wall; CPU ratio ${(cpu('arquero') / cpu('lathe')).toFixed(2)}; ${agreeNote}`
  );
  add(
    'handloop_transform_rows_s',
    rows / (wall('hand') / 1000),
    'rows/s',
    undefined,
    'typed-array loops from decoded columns and Lathe split indices (both untimed)'
  );
  add(
    'transform_vs_handloop_ratio',
    wall('hand') / wall('lathe'),
    'x',
    '>= 0.75',
    bad ?? `wall; CPU ratio ${(cpu('hand') / cpu('lathe')).toFixed(2)}; ${agreeNote}`
  );

  // frameToTable of the three splits, for reference (the worker then writes IPC and saves).
  gc();
  const c0 = cpuMs();
  const t0 = performance.now();
  latheToArrow(fitted);
  add(
    'transform_frame_to_table_ms',
    performance.now() - t0,
    'ms',
    undefined,
    `frameToTable of the 3 output splits (${fitted.schema.length} columns), one run; CPU ${(cpuMs() - c0).toFixed(0)} ms`
  );

  // Preview on a cached 100k-row frame.
  const small = tableToFrame(table.slice(0, 100_000));
  gc();
  const p = previewEdits(small, edits);
  console.log(`  preview: wall ${p.wall.map((m) => m.toFixed(1)).join(' ')} ms`);
  add(
    'preview_update_ms',
    median(p.wall),
    'ms',
    '<= 100',
    `previewPipeline(frame, spec, { rows: 50 }) on a cached 100,000-row frame after a ` +
      `one-parameter edit, median of ${p.wall.length}; CPU median ${median(p.cpu).toFixed(1)} ms`
  );
  add('preview_update_p95_ms', percentile(p.wall, 0.95), 'ms', undefined, 'the same, p95');
}
