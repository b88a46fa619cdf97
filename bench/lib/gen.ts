/**
 * Deterministic generator of the benchmark CSV files (1,000,000 rows × 12 columns, ~105 MB):
 * 8 floats (two with ~1 % missing values, one printed at full precision), 2 categoricals of 20
 * levels, 1 integer, 1 binary 0/1 label. The "quoted" variant has the same numbers but quotes
 * every string field (header included), and its first categorical's levels contain commas,
 * doubled quotes and newlines.
 */
import { createWriteStream, existsSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { prng } from './prng.ts';

export const ROWS = 1_000_000;
/** Part of the file names: bump it whenever the output changes, so stale files aren't reused. */
export const GEN_VERSION = 1;
export const SEED = 20261121;

export const HEADER = [
  'x1',
  'x2',
  'x3',
  'x4',
  'x5',
  'x6',
  'x7',
  'x8',
  'cat_a',
  'cat_b',
  'count',
  'label'
];

const NATO = [
  'alpha',
  'bravo',
  'charlie',
  'delta',
  'echo',
  'foxtrot',
  'golf',
  'hotel',
  'india',
  'juliett',
  'kilo',
  'lima',
  'mike',
  'november',
  'oscar',
  'papa',
  'quebec',
  'romeo',
  'sierra',
  'tango'
];

/** Levels of cat_a in the quoted file: a few need quoting for real. */
const TRICKY = [
  'Smith, John',
  'say "hi"',
  'two\nlines',
  'a,b,"c"',
  'plain',
  'O\'Brien, "Pat"',
  'comma,',
  '"',
  'tab\tinside',
  'crlf\r\nend',
  'kilo',
  'lima',
  'mike',
  'november',
  'oscar',
  'papa',
  'quebec',
  'romeo',
  'sierra',
  'tango'
];

const SEGMENTS = Array.from({ length: 20 }, (_, i) => `segment-${String(i + 1).padStart(2, '0')}`);

function quote(s: string): string {
  return '"' + s.replaceAll('"', '""') + '"';
}

/** Skewed pick among 20 levels (roughly Zipf-like, every level present). */
function pickLevel(u: number): number {
  return Math.min(19, Math.floor(20 * u * u));
}

export async function generateCsv(path: string, quoted: boolean, rows = ROWS): Promise<void> {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = path + '.tmp';
  const out = createWriteStream(tmp);
  const rnd = prng(SEED);
  const normal = (): number => {
    // Box-Muller (one value per call keeps the stream simple).
    const u = 1 - rnd();
    const v = rnd();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  };
  const catA = quoted ? TRICKY.map(quote) : NATO;
  const catB = quoted ? SEGMENTS.map(quote) : SEGMENTS;
  const header = quoted ? HEADER.map(quote) : HEADER;
  let buf = header.join(',') + '\n';
  const write = (s: string): Promise<void> | void => {
    if (out.write(s)) return;
    return new Promise((resolve) => out.once('drain', () => resolve()));
  };
  for (let r = 0; r < rows; r++) {
    const x1 = normal();
    const x2 = 50 + 10 * normal();
    const x3 = rnd();
    const x4 = Math.exp(0.5 * normal());
    const x5 = -3 + 100 * normal();
    const x6 = 2000 * rnd() - 1000;
    const x7 = -Math.log(1 - rnd());
    const x8 = normal();
    const a = pickLevel(rnd());
    const b = Math.floor(20 * rnd());
    const count = Math.floor(100000 * rnd() * rnd());
    const z = 1.5 * x1 - 2 * x3 + 0.3 * (a % 5) - 0.2;
    const label = rnd() < 1 / (1 + Math.exp(-z)) ? 1 : 0;
    const miss3 = rnd() < 0.01;
    const miss8 = rnd() < 0.01;
    buf +=
      x1.toFixed(6) +
      ',' +
      x2.toFixed(4) +
      ',' +
      (miss3 ? '' : x3.toFixed(6)) +
      ',' +
      x4.toFixed(3) +
      ',' +
      x5.toFixed(2) +
      ',' +
      x6.toFixed(5) +
      ',' +
      x7.toFixed(6) +
      ',' +
      (miss8 ? '' : String(x8)) +
      ',' +
      catA[a] +
      ',' +
      catB[b] +
      ',' +
      count +
      ',' +
      label +
      '\n';
    if (buf.length > 1 << 20) {
      await write(buf);
      buf = '';
    }
  }
  await write(buf);
  await new Promise<void>((resolve, reject) =>
    out.end((err?: Error | null) => (err ? reject(err) : resolve()))
  );
  renameSync(tmp, path);
}

/** Generates the file unless it already exists; returns its size in bytes. */
export async function ensureCsv(path: string, quoted: boolean): Promise<number> {
  if (!existsSync(path)) {
    const t0 = performance.now();
    process.stdout.write(`generating ${path} … `);
    await generateCsv(path, quoted);
    process.stdout.write(`${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
  }
  return statSync(path).size;
}
