/**
 * The peers: each reads the same file, parses it with its fastest documented settings and builds
 * the same Arrow table Lathe builds (same column order and physical types), through the efficient
 * builders in arrow-build.ts.
 *
 * - uDSV 0.7: incremental parsing (`parser.chunk`) of a decoded text stream, typed tuples from its
 *   own schema inference (`inferSchema` on the first chunk + `typedArrs`), rows handed straight to
 *   the column builders (no accumulation). Measured here as faster than whole-string
 *   `typedCols`, and it uses far less memory.
 * - Papa Parse 5: streaming (`chunk` callback) from a file stream, `fastMode` when the file has no
 *   quote character, and no `dynamicTyping` — its per-value regex typing was ~3× slower here than
 *   leaving strings and letting the builder convert with `Number()`.
 */
import { createReadStream, openAsBlob } from 'node:fs';
import Papa from 'papaparse';
import type { Table } from 'apache-arrow';
import { inferSchema, initParser, type Parser } from 'udsv';
import { buildersFor, finishTable, type TargetColumn } from './arrow-build.ts';

export type PeerName = 'udsv' | 'papaparse';

export interface PeerOptions {
  /** Whether the file contains quote characters (Papa Parse's fast mode needs none). */
  quoted: boolean;
  /** Papa Parse only: let it type values itself (slower; reported for reference). */
  dynamicTyping?: boolean;
}

/**
 * What a careful implementer does without knowing the row count: extrapolate from the first 64 KiB
 * (plus 10 %), so the builders rarely grow. Growing still works (capacity doubles).
 */
async function estimateRows(blob: Blob): Promise<number> {
  const head = new Uint8Array(await blob.slice(0, 1 << 16).arrayBuffer());
  let lines = 0;
  for (let i = 0; i < head.length; i++) if (head[i] === 10) lines++;
  if (lines === 0 || head.length >= blob.size) return lines + 1;
  return Math.ceil((blob.size / head.length) * lines * 1.1);
}

export async function udsvToArrow(
  path: string,
  target: TargetColumn[],
  _opts: PeerOptions
): Promise<Table> {
  const blob = await openAsBlob(path);
  const builders = buildersFor(target, await estimateRows(blob));
  const width = builders.length;
  const onRow = (row: unknown[]): void => {
    for (let c = 0; c < width; c++) builders[c].push(row[c]);
  };
  let parser: Parser | null = null;
  const reader = blob.stream().pipeThrough(new TextDecoderStream()).getReader();
  for (;;) {
    const { done, value: text } = await reader.read();
    if (done) break;
    parser ??= initParser(inferSchema(text));
    parser.chunk<unknown[]>(text, parser.typedArrs, onRow);
  }
  parser?.end();
  return finishTable(target, builders);
}

export async function papaparseToArrow(
  path: string,
  target: TargetColumn[],
  opts: PeerOptions
): Promise<Table> {
  const builders = buildersFor(target, await estimateRows(await openAsBlob(path)));
  const width = builders.length;
  let header = true;
  await new Promise<void>((resolve, reject) => {
    Papa.parse<unknown[]>(createReadStream(path) as unknown as File, {
      fastMode: opts.quoted ? false : true,
      dynamicTyping: opts.dynamicTyping ?? false,
      skipEmptyLines: true,
      chunk: (res) => {
        const rows = res.data;
        for (let r = header ? 1 : 0; r < rows.length; r++) {
          const row = rows[r];
          for (let c = 0; c < width; c++) builders[c].push(row[c]);
        }
        header = false;
      },
      complete: () => resolve(),
      error: (err: Error) => reject(err)
    });
  });
  return finishTable(target, builders);
}

export const PEERS: Record<
  PeerName,
  (path: string, target: TargetColumn[], opts: PeerOptions) => Promise<Table>
> = {
  udsv: udsvToArrow,
  papaparse: papaparseToArrow
};
