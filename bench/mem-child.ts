/**
 * One parse in a fresh process, reporting its peak resident set size, so parsers cannot pollute
 * each other's memory figures. run.ts bundles this file to bench/data/node/mem-child.mjs (see
 * lib/bundle-node.ts) and spawns, per parser:
 *   node --expose-gc bench/data/node/mem-child.mjs <lathe|udsv|papaparse> <file.csv> <target-json>
 * (`node --import tsx bench/mem-child.ts …` works too, with tsx's ~35 MB in the baseline.)
 * Prints one JSON line: { parser, bytes, rows, millis, baselineRss, peakRss, maxRss, … } (bytes).
 */
import { openAsBlob, readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import type { TargetColumn } from './lib/arrow-build.ts';

const [parser, path, targetJson] = process.argv.slice(2);
if (!parser || !path) throw new Error('usage: mem-child.ts <parser> <file> [target-json]');
/**
 * Peak RSS of this process image. On Linux, getrusage's ru_maxrss (process.resourceUsage().maxRSS)
 * survives fork + exec, so a child spawned by a big parent inherits the parent's RSS as its
 * "peak"; /proc/self/status VmHWM belongs to the new address space only. Elsewhere, fall back.
 */
function peakRss(): number {
  try {
    const m = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (m) return Number(m[1]) * 1024;
  } catch {
    /* not Linux */
  }
  return process.resourceUsage().maxRSS * 1024;
}

const bytes = statSync(path).size;
const baselineRss = peakRss();
const maxRssInherited = process.resourceUsage().maxRSS * 1024;
const t0 = performance.now();
let rows: number;
// Import only the parser under test, so the others' code isn't in this process's baseline.
if (parser === 'lathe') {
  const { ingest } = await import('./lib/lathe.ts');
  const { table } = await ingest(await openAsBlob(path), { fileName: basename(path) });
  rows = table.numRows;
} else if (parser === 'udsv' || parser === 'papaparse') {
  const target = JSON.parse(targetJson ?? '[]') as TargetColumn[];
  const peers = await import('./lib/peers.ts');
  const table = await peers.PEERS[parser](path, target, { quoted: false });
  rows = table.numRows;
} else {
  throw new Error(`unknown parser ${parser}`);
}
const millis = performance.now() - t0;
console.log(
  JSON.stringify({
    parser,
    bytes,
    rows,
    millis,
    baselineRss,
    peakRss: peakRss(),
    maxRss: process.resourceUsage().maxRSS * 1024,
    maxRssInherited
  })
);
