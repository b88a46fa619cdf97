/** Checks that a peer built the same table as Lathe: same layout, nulls and values. */
import type { Table, Vector } from 'apache-arrow';
import { kindOf } from './arrow-build.ts';

const SAMPLE_STEP = 997;

function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a === 'number' && typeof b === 'number') return Number.isNaN(a) && Number.isNaN(b);
  if (typeof a === 'boolean' || typeof b === 'boolean') return Number(a) === Number(b);
  return false;
}

function nulls(v: Vector): number {
  let n = 0;
  for (const d of v.data) n += d.nullCount;
  return n;
}

/** Returns human-readable differences (empty when the tables agree). */
export function compareTables(lathe: Table, peer: Table, limit = 5): string[] {
  const diffs: string[] = [];
  if (lathe.numRows !== peer.numRows) diffs.push(`rows ${lathe.numRows} vs ${peer.numRows}`);
  if (lathe.numCols !== peer.numCols) diffs.push(`columns ${lathe.numCols} vs ${peer.numCols}`);
  const rows = Math.min(lathe.numRows, peer.numRows);
  for (const field of lathe.schema.fields) {
    const a = lathe.getChild(field.name);
    const b = peer.getChild(field.name);
    if (!a || !b) {
      diffs.push(`column ${field.name} missing in peer`);
      continue;
    }
    if (kindOf(a.type) !== kindOf(b.type)) {
      diffs.push(`${field.name}: type ${String(a.type)} vs ${String(b.type)}`);
      continue;
    }
    if (nulls(a) !== nulls(b)) diffs.push(`${field.name}: nulls ${nulls(a)} vs ${nulls(b)}`);
    let bad = 0;
    for (let r = 0; r < rows && bad < limit; r += r < 5000 ? 1 : SAMPLE_STEP) {
      const x: unknown = a.get(r);
      const y: unknown = b.get(r);
      if (!sameValue(x, y)) {
        bad++;
        diffs.push(`${field.name}[${r}]: ${JSON.stringify(x)} vs ${JSON.stringify(y)}`);
      }
    }
  }
  return diffs;
}
