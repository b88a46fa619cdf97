/**
 * `npm run bench`: performance of the Data stage, Lathe and its peers measured in the same run.
 * Writes bench/results/latest.json (an array of { name, value, unit, target?, note? }) and prints
 * a table. See bench/README.md for what each figure means.
 *
 *   npm run bench                      # everything (~1–2 min)
 *   npm run bench -- --only csv,idb    # sections: csv, quoted, memory, arrow, transform, train
 *                                      # (includes train-first-run), train-first-run, onnx, idb, shell;
 *                                      # their figures replace the same names in latest.json
 *   npm run bench -- --rebuild         # rebuild the app before measuring the shell
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, openAsBlob, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tableToIPC, type Table } from 'apache-arrow';
import { targetOf, type TargetColumn } from './lib/arrow-build.ts';
import { measureShell, runIdbBench } from './lib/browser.ts';
import { bundleMemChild } from './lib/bundle-node.ts';
import { compareTables } from './lib/compare.ts';
import { ensureCsv, GEN_VERSION } from './lib/gen.ts';
import { PEERS, type PeerName } from './lib/peers.ts';
import { gc, median } from './lib/stats.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DATA = join(ROOT, 'bench/data');
const PLAIN_CSV = join(DATA, `synthetic-1m-v${GEN_VERSION}.csv`);
const QUOTED_CSV = join(DATA, `synthetic-1m-quoted-v${GEN_VERSION}.csv`);
const RESULTS = join(ROOT, 'bench/results/latest.json');
const RUNS = 3;
const IDB_ROUNDS = 5;
const MB = 1e6;

interface Figure {
  name: string;
  value: number;
  unit: string;
  target?: string;
  note?: string;
}

const figures: Figure[] = [];
const failures: string[] = [];

function round(v: number): number {
  if (!Number.isFinite(v)) return v;
  const a = Math.abs(v);
  const digits = a >= 1000 ? 0 : a >= 100 ? 1 : a >= 1 ? 2 : 4;
  return Number(v.toFixed(digits));
}

function add(name: string, value: number, unit: string, target?: string, note?: string): void {
  const f: Figure = { name, value: round(value), unit };
  if (target) f.target = target;
  if (note) f.note = note;
  figures.push(f);
  console.log(`  ${name} = ${f.value} ${unit}${target ? ` (target ${target})` : ''}`);
}

/** Runs `fn` RUNS times after a GC each, returns the median milliseconds and the last result. */
async function timed<T>(label: string, fn: () => Promise<T>): Promise<[number, T]> {
  const ms: number[] = [];
  let last: T | undefined;
  for (let i = 0; i < RUNS; i++) {
    gc();
    const t0 = performance.now();
    const result = await fn();
    ms.push(performance.now() - t0);
    if (i === RUNS - 1) last = result; // earlier results are garbage before the next run
  }
  console.log(`  ${label}: ${ms.map((m) => m.toFixed(0)).join(' / ')} ms`);
  return [median(ms), last as T];
}

/** Loaded lazily, so sections that don't need it still run while src/ is mid-edit. */
const lathe = () => import('./lib/lathe.ts');

async function latheIngest(path: string): Promise<Table> {
  const { ingest } = await lathe();
  const { table } = await ingest(await openAsBlob(path), { fileName: basename(path) });
  return table;
}

function peer(
  name: PeerName,
  path: string,
  target: TargetColumn[],
  quoted: boolean,
  dynamicTyping = false
): () => Promise<Table> {
  return () => PEERS[name](path, target, { quoted, dynamicTyping });
}

function checkSame(label: string, lathe: Table, other: Table): string | undefined {
  const diffs = compareTables(lathe, other);
  if (diffs.length === 0) return undefined;
  const msg = `${label} table differs from Lathe's: ${diffs.slice(0, 4).join('; ')}`;
  console.warn(`  WARNING ${msg}`);
  return msg;
}

let latheTable: Table | undefined;
let target: TargetColumn[] | undefined;

interface Contender {
  label: string;
  run: () => Promise<Table>;
}

/**
 * Runs the contenders side by side: RUNS rounds, each running every contender once (after a GC),
 * the order rotating per round so none always runs on a warmer or quieter machine. The first
 * contender of the first round runs first (its table defines the target the others build).
 * Returns per contender the median milliseconds and the table of its last run.
 */
async function interleaved(
  contenders: (Contender | (() => Contender))[]
): Promise<{ label: string; ms: number; table: Table }[]> {
  const n = contenders.length;
  const resolved: (Contender | undefined)[] = new Array(n);
  const ms: number[][] = Array.from({ length: n }, () => []);
  const tables: (Table | undefined)[] = new Array(n);
  for (let round = 0; round < RUNS; round++) {
    for (let k = 0; k < n; k++) {
      const i = (k + round) % n;
      const c = contenders[i];
      const contender = (resolved[i] ??= typeof c === 'function' ? c() : c);
      tables[i] = undefined; // let the previous round's table go before the GC
      gc();
      const t0 = performance.now();
      const table = await contender.run();
      ms[i].push(performance.now() - t0);
      tables[i] = table;
    }
  }
  return resolved.map((c, i) => {
    console.log(`  ${c!.label}: ${ms[i].map((m) => m.toFixed(0)).join(' / ')} ms`);
    return { label: c!.label, ms: median(ms[i]), table: tables[i]! };
  });
}

/** The layout the generated file should give; the peers copy Lathe's, so check it. */
const EXPECTED_KINDS = 'float64 ×8, dict ×2, int32 ×2';

function layoutNote(t: TargetColumn[]): string {
  const counts = new Map<string, number>();
  for (const c of t) counts.set(c.kind, (counts.get(c.kind) ?? 0) + 1);
  const got = [...counts].map(([k, n]) => `${k} ×${n}`).join(', ');
  const ok = got === EXPECTED_KINDS || got === 'float64 ×8, dict ×2, int32 ×1, bool ×1';
  if (!ok) console.warn(`  WARNING Lathe's table layout is ${got}, expected ${EXPECTED_KINDS}`);
  return `ingest(Blob from fs.openAsBlob); columns ${got}${ok ? '' : ' (UNEXPECTED)'}`;
}

async function sectionCsv(): Promise<void> {
  const bytes = await ensureCsv(PLAIN_CSV, false);
  await lathe(); // module loading is not part of any timed run
  console.log(`\nCSV → Arrow, ${(bytes / MB).toFixed(1)} MB, side by side, median of ${RUNS}`);
  const peerOf =
    (label: string, name: PeerName, dynamicTyping = false) =>
    (): Contender => ({
      label,
      run: peer(name, PLAIN_CSV, (target ??= targetOf(latheTable!)), false, dynamicTyping)
    });
  const [l, u, p, pd] = await interleaved([
    {
      label: 'lathe ingest',
      run: async () => (latheTable = await latheIngest(PLAIN_CSV))
    },
    peerOf('udsv', 'udsv'),
    peerOf('papaparse', 'papaparse'),
    peerOf('papaparse (dynamicTyping)', 'papaparse', true)
  ]);
  latheTable = l.table;
  target = targetOf(l.table);
  const mbs = (ms: number): number => bytes / MB / (ms / 1000);
  add('csv_to_arrow_mb_s', mbs(l.ms), 'MB/s', '>= 150', layoutNote(target));
  add('csv_rows_s', l.table.numRows / (l.ms / 1000), 'rows/s');
  for (const [name, r, goal] of [
    ['udsv', u, '>= 4'],
    ['papaparse', p, '>= 9']
  ] as const) {
    const diff = checkSame(name, l.table, r.table);
    add(`${name}_csv_to_arrow_mb_s`, mbs(r.ms), 'MB/s', undefined, diff);
    add(`csv_vs_${name}_ratio`, mbs(l.ms) / mbs(r.ms), 'x', goal, diff);
  }
  const diff = checkSame('papaparse (dynamicTyping)', l.table, pd.table);
  add(
    'papaparse_dynamic_typing_csv_to_arrow_mb_s',
    mbs(pd.ms),
    'MB/s',
    undefined,
    diff ?? 'papaparse with dynamicTyping: true, for reference; not its fastest setting'
  );
}

async function sectionQuoted(): Promise<void> {
  const bytes = await ensureCsv(QUOTED_CSV, true);
  await lathe();
  console.log(
    `\nQuote-heavy CSV → Arrow, ${(bytes / MB).toFixed(1)} MB, side by side, median of ${RUNS}`
  );
  let quotedTarget: TargetColumn[] | undefined;
  const [l, u] = await interleaved([
    {
      label: 'lathe ingest (quoted)',
      run: async () => {
        const table = await latheIngest(QUOTED_CSV);
        quotedTarget ??= targetOf(table);
        return table;
      }
    },
    () => ({ label: 'udsv (quoted)', run: peer('udsv', QUOTED_CSV, quotedTarget!, true) })
  ]);
  const diff = checkSame('udsv (quoted)', l.table, u.table);
  const mbs = (ms: number): number => bytes / MB / (ms / 1000);
  add('csv_quoted_mb_s', mbs(l.ms), 'MB/s');
  add('udsv_csv_quoted_mb_s', mbs(u.ms), 'MB/s', undefined, diff);
  add('csv_quoted_vs_udsv_ratio', mbs(l.ms) / mbs(u.ms), 'x', '>= 1', diff);
}

interface ChildResult {
  peakRss: number;
  baselineRss: number;
  millis: number;
  rows: number;
}

async function sectionMemory(): Promise<void> {
  const bytes = await ensureCsv(PLAIN_CSV, false);
  if (!target) target = targetOf(await latheIngest(PLAIN_CSV));
  console.log(
    `\nPeak memory: a fresh child process per parse (peak RSS / file size), median of ${RUNS}`
  );
  const script = await bundleMemChild(ROOT);
  const parsers = ['lathe', 'udsv', 'papaparse'] as const;
  const results = new Map<string, ChildResult[]>(parsers.map((p) => [p, []]));
  for (let round = 0; round < RUNS; round++) {
    for (let k = 0; k < parsers.length; k++) {
      const parser = parsers[(k + round) % parsers.length];
      const child = spawnSync(
        process.execPath,
        ['--expose-gc', script, parser, PLAIN_CSV, JSON.stringify(target)],
        { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 20 }
      );
      if (child.status !== 0) throw new Error(`mem-child ${parser} failed: ${child.stderr}`);
      const lines = child.stdout.trim().split('\n');
      const r = JSON.parse(lines[lines.length - 1]) as ChildResult;
      if (r.rows < 1) throw new Error(`mem-child ${parser}: no rows`);
      results.get(parser)!.push(r);
    }
  }
  for (const parser of parsers) {
    const rs = results.get(parser)!;
    const peaks = rs.map((r) => r.peakRss);
    console.log(`  ${parser}: ${peaks.map((p) => (p / MB).toFixed(0)).join(' / ')} MB peak RSS`);
    const peak = median(peaks);
    const base = median(rs.map((r) => r.baselineRss));
    const note = `peak RSS ${(peak / MB).toFixed(0)} MB (VmHWM), of which ${(base / MB).toFixed(0)} MB node baseline`;
    const name = parser === 'lathe' ? 'csv_peak_memory_ratio' : `${parser}_peak_memory_ratio`;
    add(name, peak / bytes, 'x file', parser === 'lathe' ? '<= 2.5' : undefined, note);
  }
}

async function sectionArrow(): Promise<void> {
  const table = latheTable ?? (await latheIngest(PLAIN_CSV));
  latheTable = table;
  console.log(`\nArrow IPC write and profile on the ingested table, median of ${RUNS}`);
  const [ms, ipc] = await timed('tableToIPC', async () => tableToIPC(table));
  add('arrow_ipc_write_gb_s', ipc.byteLength / 1e9 / (ms / 1000), 'GB/s', '>= 1');
  const { profileTable } = await lathe();
  const [pms] = await timed('profileTable', async () => profileTable(table));
  add('profile_rows_s', table.numRows / (pms / 1000), 'rows/s');
}

/** Feature engine fit + apply beside arquero and a hand loop, and the live preview (lib/transform.ts). */
async function sectionTransform(): Promise<void> {
  await ensureCsv(PLAIN_CSV, false);
  const { runTransformSection } = await import('./lib/transform.ts');
  const table = latheTable ?? (await latheIngest(PLAIN_CSV));
  latheTable = table;
  await runTransformSection(table, add);
}

const FIRST_RUN_ROUNDS = 3;

/** Train clicked → first epoch shown in the built app, backends already measured. */
async function sectionTrainFirstRun(): Promise<void> {
  console.log(
    `\nTraining's first-run overhead in the built app (Chromium), median of ${FIRST_RUN_ROUNDS}`
  );
  const { measureFirstRunOverhead } = await import('./lib/train-first-run.ts');
  const r = await measureFirstRunOverhead(
    ROOT,
    FIRST_RUN_ROUNDS,
    process.argv.includes('--rebuild')
  );
  console.log(`  ${r.ms.map((m) => m.toFixed(0)).join(' / ')} ms; ${r.backend} — ${r.reason}`);
  add(
    'train_first_run_overhead_ms',
    median(r.ms),
    'ms',
    '<= 1000',
    `Train clicked → first epoch shown; penguins sample (344 rows), auto backend (${r.backend}, ${r.reason}); headless Chromium with its software WebGPU adapter; page reloaded each round (its train worker started by the Train stage's look-up of the remembered measurement); build/ of ${r.builtAt}`
  );
}

/** MLP training: the stored feature set → fit path against raw model.fit (lib/train.ts). */
async function sectionTrain(): Promise<void> {
  await sectionTrainFirstRun();
  await ensureCsv(PLAIN_CSV, false);
  const { runTrainSection } = await import('./lib/train.ts');
  const table = latheTable ?? (await latheIngest(PLAIN_CSV));
  latheTable = table;
  await runTrainSection(table, add);
}

/** The exported ONNX file against Lathe's own predict path (lib/onnx.ts). */
async function sectionOnnx(): Promise<void> {
  console.log('\nONNX export and inference (onnxruntime-web wasm, 1 thread) vs apply + tfjs');
  await ensureCsv(PLAIN_CSV, false);
  const { runOnnxSection } = await import('./lib/onnx.ts');
  const table = latheTable ?? (await latheIngest(PLAIN_CSV));
  latheTable = table;
  await runOnnxSection(table, add);
}

async function sectionIdb(): Promise<void> {
  console.log(
    `\nIndexedDB in headless Chromium, ~80 MB Arrow table, median of ${IDB_ROUNDS} rounds`
  );
  const r = await runIdbBench(ROOT, IDB_ROUNDS);
  const size = `${(r.bytes / MB).toFixed(1)} MB IPC, ${r.rows} rows`;
  console.log(`  ${size}; save ${r.saveMs.map((m) => m.toFixed(0)).join(' / ')} ms`);
  console.log(`  open ${r.openMs.map((m) => m.toFixed(0)).join(' / ')} ms`);
  console.log(`  raw write ${r.rawWriteMs.map((m) => m.toFixed(0)).join(' / ')} ms`);
  console.log(`  raw read ${r.rawReadMs.map((m) => m.toFixed(0)).join(' / ')} ms`);
  const save = median(r.saveMs) / 1000;
  const raw = median(r.rawWriteMs) / 1000;
  add('idb_save_80mb_s', save, 's', '<= 0.6', `store.saveDataset(ipcBytes, meta); ${size}`);
  add(
    'idb_open_80mb_s',
    median(r.openMs) / 1000,
    's',
    '<= 0.25',
    'store.loadDatasetBytes + tableFromIPC'
  );
  add('idb_raw_blob_write_80mb_s', raw, 's', undefined, 'idb put of new Blob([bytes])');
  add(
    'idb_raw_blob_read_80mb_s',
    median(r.rawReadMs) / 1000,
    's',
    undefined,
    'idb get + blob.arrayBuffer()'
  );
  add('idb_save_vs_raw_ratio', save / raw, 'x');
  add('idb_open_vs_raw_ratio', median(r.openMs) / median(r.rawReadMs), 'x');
  add(
    'browser_ipc_write_80mb_s',
    median(r.ipcWriteMs) / 1000,
    's',
    undefined,
    'tableToIPC in Chromium'
  );
}

async function sectionShell(): Promise<void> {
  console.log('\nApp shell: JavaScript the first page of the built app loads');
  const r = await measureShell(ROOT, process.argv.includes('--rebuild'));
  for (const f of r.files) {
    console.log(`  ${(f.gzipBytes / 1024).toFixed(1).padStart(7)} KiB gz  ${f.url}`);
  }
  add(
    'shell_js_gzip_kb',
    r.gzipBytes / 1024,
    'KiB',
    '<= 250',
    `gzip -9 per file; ${(r.rawBytes / 1024).toFixed(0)} KiB raw; build/ of ${r.builtAt}`
  );
  add('shell_js_files', r.files.length, 'files');
}

const SECTIONS: Record<string, () => Promise<void>> = {
  csv: sectionCsv,
  quoted: sectionQuoted,
  memory: sectionMemory,
  arrow: sectionArrow,
  transform: sectionTransform,
  train: sectionTrain,
  'train-first-run': sectionTrainFirstRun,
  onnx: sectionOnnx,
  idb: sectionIdb,
  shell: sectionShell
};

/** With --only, keep the previous run's other figures and replace those measured now. */
function mergeWithPrevious(): Figure[] {
  let previous: Figure[] = [];
  try {
    if (existsSync(RESULTS)) previous = JSON.parse(readFileSync(RESULTS, 'utf8')) as Figure[];
  } catch {
    previous = [];
  }
  const now = new Map(figures.map((f) => [f.name, f]));
  const merged = previous.map((f) => now.get(f.name) ?? f);
  const known = new Set(previous.map((f) => f.name));
  return [...merged, ...figures.filter((f) => !known.has(f.name))];
}

function meets(f: Figure): boolean | undefined {
  const m = f.target?.match(/^(>=|<=)\s*([\d.]+)$/);
  if (!m) return undefined;
  return m[1] === '>=' ? f.value >= Number(m[2]) : f.value <= Number(m[2]);
}

function printTable(): void {
  const rows = figures.map((f) => {
    const ok = meets(f);
    return [
      f.name,
      String(f.value),
      f.unit,
      f.target ?? '',
      ok === undefined ? '' : ok ? 'ok' : 'MISS'
    ];
  });
  const head = ['figure', 'value', 'unit', 'target', ''];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]): string =>
    r.map((c, i) => (i === 1 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ');
  console.log('\n' + line(head));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) console.log(line(r));
}

async function main(): Promise<void> {
  const onlyArg = process.argv.indexOf('--only');
  // A full run measures the first-run overhead once, inside `train`.
  const only =
    onlyArg >= 0
      ? (process.argv[onlyArg + 1] ?? '').split(',')
      : Object.keys(SECTIONS).filter((name) => name !== 'train-first-run');
  const t0 = performance.now();
  console.log(
    `Lathe bench — node ${process.version}, ${cpus().length} CPUs, load average ` +
      `${loadavg()[0].toFixed(2)} (other processes on the box skew timings), ${new Date().toISOString()}`
  );
  for (const name of only) {
    const section = SECTIONS[name];
    if (!section)
      throw new Error(`unknown section ${name}; known: ${Object.keys(SECTIONS).join(', ')}`);
    try {
      await section();
    } catch (err) {
      const msg = err instanceof Error ? (err.stack ?? err.message) : String(err);
      console.error(`\nsection ${name} FAILED: ${msg}`);
      failures.push(name);
    }
  }
  mkdirSync(dirname(RESULTS), { recursive: true });
  writeFileSync(
    RESULTS,
    JSON.stringify(onlyArg >= 0 ? mergeWithPrevious() : figures, null, 2) + '\n'
  );
  printTable();
  console.log(
    `\n${figures.length} figures → ${RESULTS} in ${((performance.now() - t0) / 1000).toFixed(0)} s`
  );
  if (failures.length) {
    console.error(`failed sections: ${failures.join(', ')}`);
    process.exitCode = 1;
  }
}

await main();
