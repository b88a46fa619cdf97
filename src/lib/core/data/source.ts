import { LatheError, type IngestProgress, type IngestWarning } from './types';

export const DEFAULT_CHUNK_BYTES = 4 * 1024 * 1024;
const PROGRESS_INTERVAL_MS = 100;

/** What every reader gets: the bytes, where they came from, and how to report back. */
export interface ReadContext {
  source: Blob;
  fileName: string;
  chunkBytes: number;
  signal?: AbortSignal;
  progress: ProgressReporter;
  warnings: IngestWarning[];
}

export function throwIfAborted(signal: AbortSignal | undefined, fileName: string): void {
  if (signal?.aborted) {
    throw new LatheError('CANCELLED', `Reading ${fileName} was cancelled.`, { file: fileName });
  }
}

export class ProgressReporter {
  private readonly started = performance.now();
  private last = 0;

  constructor(
    readonly bytesTotal: number,
    private readonly onProgress?: (p: IngestProgress) => void
  ) {}

  report(bytesRead: number, rows: number, force = false): void {
    if (!this.onProgress) return;
    const now = performance.now();
    if (!force && now - this.last < PROGRESS_INTERVAL_MS) return;
    this.last = now;
    const seconds = (now - this.started) / 1000;
    this.onProgress({
      bytesRead: Math.min(bytesRead, this.bytesTotal),
      bytesTotal: this.bytesTotal,
      rows,
      rowsPerSecond: seconds > 0 ? Math.round(rows / seconds) : 0
    });
  }
}

/** Sequential reads of a Blob; each read may ask for more than the chunk size. */
export class ChunkReader {
  position: number;

  constructor(
    private readonly ctx: ReadContext,
    start = 0
  ) {
    this.position = start;
  }

  get done(): boolean {
    return this.position >= this.ctx.source.size;
  }

  async next(minBytes = 0): Promise<Uint8Array> {
    throwIfAborted(this.ctx.signal, this.ctx.fileName);
    const end = Math.min(
      this.ctx.source.size,
      this.position + Math.max(this.ctx.chunkBytes, minBytes)
    );
    const bytes = new Uint8Array(await this.ctx.source.slice(this.position, end).arrayBuffer());
    this.position = end;
    return bytes;
  }
}

export function concatBytes(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  if (b.length === 0) return a;
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

export async function readAll(ctx: ReadContext): Promise<Uint8Array> {
  const reader = new ChunkReader(ctx);
  const out = new Uint8Array(ctx.source.size);
  while (!reader.done) {
    const at = reader.position;
    out.set(await reader.next(), at);
    ctx.progress.report(reader.position, 0);
  }
  return out;
}

export function isGzip(head: Uint8Array): boolean {
  return head.length >= 3 && head[0] === 0x1f && head[1] === 0x8b && head[2] === 8;
}

export async function gunzip(source: Blob, fileName: string): Promise<Blob> {
  try {
    const stream = source.stream().pipeThrough(new DecompressionStream('gzip'));
    return await new Response(stream).blob();
  } catch (error) {
    throw new LatheError(
      'BAD_GZIP',
      `${fileName} looks gzip-compressed but could not be decompressed (${(error as Error).message}).`,
      { file: fileName }
    );
  }
}
