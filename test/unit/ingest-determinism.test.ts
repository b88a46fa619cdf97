import { readFileSync } from 'node:fs';
import { tableToIPC } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { ingest } from '../../src/lib/core/data/ingest';
import { sha256Hex } from '../../src/lib/core/base/hash';

async function hashOf(bytes: Uint8Array, fileName: string): Promise<string> {
  const { table } = await ingest(new Blob([bytes as Uint8Array<ArrayBuffer>]), { fileName });
  return sha256Hex(tableToIPC(table, 'file'));
}

describe('dataset content hash', () => {
  it('is the same every time the same file is read (shared links check it)', async () => {
    const penguins = readFileSync('public/samples/penguins.csv');
    const first = await hashOf(penguins, 'penguins.csv');
    // Other tables built in between must not shift anything (arrow-js dictionary ids are global).
    await hashOf(readFileSync('public/samples/cars.csv'), 'cars.csv');
    expect(await hashOf(penguins, 'penguins.csv')).toBe(first);
  });
});
