import * as arrow from 'apache-arrow';
import { createSHA256, type IHasher } from 'hash-wasm';
import { datasetHash } from './dataset-hash';

/**
 * The form datasets are stored in, and so what their hash is taken over: Arrow IPC *file*
 * format (the record batches plus a footer; what `.arrow` files hold). Every dataset saved so
 * far, and every link made from one, names the hash of these bytes.
 */
export const DATASET_IPC_FORMAT = 'file';

/** The stored bytes of a dataset table. */
export function datasetBytes(table: arrow.Table): Uint8Array {
  return arrow.tableToIPC(table, DATASET_IPC_FORMAT);
}

/** The stored bytes of a table and their hash, as the store will key them. */
export async function encodeDataset(
  table: arrow.Table
): Promise<{ bytes: Uint8Array; hash: string }> {
  const bytes = datasetBytes(table);
  return { bytes, hash: await datasetHash(bytes) };
}

const DIGEST_READ_BYTES = 4 * 1024 * 1024;

/**
 * SHA-256 of a source file's own bytes, fed by the reads a reader makes anyway: `update` takes
 * any chunk with its offset and hashes the part that continues the prefix hashed so far (a
 * second pass over the same bytes, or a reader that jumps about, adds nothing); `finish` reads
 * whatever was not seen, in chunks, so a file is never held whole for its hash.
 */
export class SourceDigest {
  private position = 0;

  private constructor(
    private readonly source: Blob,
    private readonly hash: IHasher
  ) {}

  static async create(source: Blob): Promise<SourceDigest> {
    const hash = await createSHA256();
    hash.init();
    return new SourceDigest(source, hash);
  }

  /** Bytes of the source hashed so far (a prefix). */
  get hashed(): number {
    return this.position;
  }

  update(offset: number, bytes: Uint8Array): void {
    const end = offset + bytes.length;
    if (offset > this.position || end <= this.position) return;
    this.hash.update(bytes.subarray(this.position - offset));
    this.position = end;
  }

  /** Lowercase hex SHA-256 of the whole source; call once. */
  async finish(): Promise<string> {
    const size = this.source.size;
    while (this.position < size) {
      const end = Math.min(size, this.position + DIGEST_READ_BYTES);
      const bytes = new Uint8Array(await this.source.slice(this.position, end).arrayBuffer());
      this.update(this.position, bytes);
    }
    return this.hash.digest('hex');
  }
}
