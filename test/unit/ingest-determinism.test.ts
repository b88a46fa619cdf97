import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import * as arrow from 'apache-arrow';
import { tableToIPC } from 'apache-arrow';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { describe, expect, it } from 'vitest';
import { tableToArrowIpc } from '../../src/lib/core/data/export';
import { datasetBytes, encodeDataset, SourceDigest } from '../../src/lib/core/data/identity';
import { ingest } from '../../src/lib/core/data/ingest';
import { sha256Hex } from '../../src/lib/core/base/hash';
import { fixtures } from '../fixtures/pipelines/kinds';

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

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const blobOf = (bytes: Uint8Array) => new Blob([bytes as Uint8Array<ArrayBuffer>]);
const ARROW_MAGIC = 'ARROW1';

describe('one definition of the dataset hash', () => {
  it('is the SHA-256 of the Arrow IPC file format, and export writes that same form', async () => {
    const { table } = await ingest(blobOf(readFileSync('public/samples/penguins.csv')), {
      fileName: 'penguins.csv'
    });
    const { bytes, hash } = await encodeDataset(table);
    const text = (b: Uint8Array) => new TextDecoder().decode(b);
    expect(text(bytes.subarray(0, 6))).toBe(ARROW_MAGIC);
    expect(text(bytes.subarray(bytes.length - 6))).toBe(ARROW_MAGIC);
    expect(hash).toBe(sha256(bytes));
    expect(datasetBytes(table)).toEqual(bytes);
    // The dataset export calls itself the stored form; it must be byte for byte that form.
    expect(tableToArrowIpc(table)).toEqual(bytes);
  });

  it('the example specs name the bundled samples by the hash the store gives them', async () => {
    for (const { file, json } of fixtures) {
      const { source } = json as {
        source: { fileName?: string; sampleId?: string; hash: string; sourceHash?: string };
      };
      const sample = source.fileName ?? `${source.sampleId}.csv`;
      const bytes = readFileSync(`public/samples/${sample}`);
      const { table, sourceHash } = await ingest(blobOf(bytes), { fileName: sample });
      expect(source.hash, file).toBe((await encodeDataset(table)).hash);
      expect(source.sourceHash, file).toBe(sha256(bytes));
      expect(sourceHash, file).toBe(sha256(bytes));
    }
  });
});

describe('source hash', () => {
  const csv = Array.from({ length: 400 }, (_, i) => `${i},${(i * 7) % 13},x${i % 5}`).join('\n');
  const csvBytes = new TextEncoder().encode(`a,b,c\n${csv}\n`);

  async function sourceHashOf(bytes: Uint8Array, fileName: string, chunkBytes?: number) {
    return (await ingest(blobOf(bytes), { fileName, chunkBytes })).sourceHash;
  }

  it('is the SHA-256 of the file’s own bytes, whatever the format and however it is read', async () => {
    const ndjson = new TextEncoder().encode(
      Array.from({ length: 50 }, (_, i) => JSON.stringify({ a: i, s: `v${i}` })).join('\n')
    );
    const json = new TextEncoder().encode(JSON.stringify([{ a: 1 }, { a: 2, b: 'x' }]));
    const ipc = arrow.tableToIPC(
      arrow.tableFromArrays({ a: Float64Array.from([1, 2, 3]) }),
      'file'
    );
    const parquet = new Uint8Array(
      parquetWriteBuffer({ columnData: [{ name: 'n', data: [1, 2, 3], type: 'INT32' }] })
    );
    const gzipped = new Uint8Array(gzipSync(csvBytes));
    // Windows-1252 (an é as 0xE9): the first pass stops at it, the second reads it all again.
    const latin = Uint8Array.from([
      ...new TextEncoder().encode('name,n\ncaf'),
      0xe9,
      ...new TextEncoder().encode(',1\nthe,2\n')
    ]);
    const widened = new TextEncoder().encode(
      `a,b\n${Array.from({ length: 5000 }, (_, i) => (i < 2000 ? `${i},${i}` : `w${i},${i}`)).join('\n')}\n`
    );
    const cases: [Uint8Array, string, number?][] = [
      [csvBytes, 'a.csv'],
      [csvBytes, 'a.csv', 37],
      [ndjson, 'a.ndjson', 64],
      [json, 'a.json', 5],
      [ipc, 'a.arrow', 100],
      [parquet, 'a.parquet'],
      [gzipped, 'a.csv.gz', 50],
      [latin, 'latin.csv', 4],
      [widened, 'w.csv', 1000]
    ];
    for (const [bytes, fileName, chunkBytes] of cases) {
      expect(await sourceHashOf(bytes, fileName, chunkBytes), fileName).toBe(sha256(bytes));
    }
  });

  it('stays the same when the file is read with other types; the dataset hash does not', async () => {
    const file = readFileSync('public/samples/penguins.csv');
    const detected = await ingest(blobOf(file), { fileName: 'penguins.csv' });
    const overridden = await ingest(blobOf(file), {
      fileName: 'penguins.csv',
      columnTypes: { 'Flipper Length (mm)': 'categorical' }
    });
    expect(overridden.sourceHash).toBe(detected.sourceHash);
    expect((await encodeDataset(overridden.table)).hash).not.toBe(
      (await encodeDataset(detected.table)).hash
    );
  });
});

describe('SourceDigest', () => {
  it('hashes only what continues its prefix and reads the rest itself', async () => {
    const bytes = Uint8Array.from({ length: 1000 }, (_, i) => (i * 31) & 255);
    const digest = await SourceDigest.create(blobOf(bytes));
    digest.update(0, bytes.subarray(0, 100));
    digest.update(300, bytes.subarray(300, 400)); // a gap: ignored
    digest.update(50, bytes.subarray(50, 150)); // overlaps: only 100..150 is new
    digest.update(0, bytes.subarray(0, 120)); // all seen before
    expect(digest.hashed).toBe(150);
    expect(await digest.finish()).toBe(sha256(bytes));
  });
});
