import type { SourceDigest } from './identity';
import { LatheError } from '../base/errors';
import { type IngestProgress, type IngestWarning } from './types';

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
  /** Hashes the bytes of `source` as they are read, when `source` is the file as given. */
  digest?: SourceDigest;
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

/**
 * Reads are issued in slices of at most this many bytes, several at once: a file Blob is read in
 * small pieces that each need a turn of the event loop (64 KiB in Node), so concurrent slices
 * progress together, and the next chunk's slices are already under way while one is parsed.
 */
const READ_SLICE_BYTES = 512 * 1024;

interface PendingSlice {
  start: number;
  end: number;
  bytes: Promise<ArrayBuffer>;
}

/**
 * Sequential reads of a Blob; each read may ask for more than the chunk size. The chunk after
 * the one returned is requested before returning (read-ahead), so reading overlaps parsing.
 */
export class ChunkReader {
  /** Bytes handed out so far. */
  position: number;
  /** Bytes requested so far (>= position). */
  private requested: number;
  private readonly pending: PendingSlice[] = [];
  private head: Uint8Array | null = null;
  private readonly sliceBytes: number;

  constructor(
    private readonly ctx: ReadContext,
    start = 0
  ) {
    this.position = start;
    this.requested = start;
    this.sliceBytes = Math.max(1, Math.min(ctx.chunkBytes, READ_SLICE_BYTES));
  }

  get done(): boolean {
    return this.position >= this.ctx.source.size;
  }

  /** The next max(chunkBytes, minBytes) bytes (fewer at the end), in a new array. */
  async next(minBytes = 0): Promise<Uint8Array> {
    const out = new Uint8Array(this.nextLength(minBytes));
    await this.readInto(out, 0, minBytes);
    return out;
  }

  /** How many bytes `next(minBytes)` or `readInto(…, minBytes)` will return. */
  nextLength(minBytes = 0): number {
    const size = this.ctx.source.size;
    return Math.min(size, this.position + Math.max(this.ctx.chunkBytes, minBytes)) - this.position;
  }

  /** Reads the next `nextLength(minBytes)` bytes into dest at `offset`; returns how many. */
  async readInto(dest: Uint8Array, offset: number, minBytes = 0): Promise<number> {
    throwIfAborted(this.ctx.signal, this.ctx.fileName);
    const n = this.nextLength(minBytes);
    const begin = this.position;
    const end = begin + n;
    this.request(end + this.ctx.chunkBytes);
    while (this.position < end) {
      const slice = this.pending[0];
      if (!this.head) this.head = new Uint8Array(await slice.bytes);
      const from = this.position - slice.start;
      const to = Math.min(slice.end, end) - slice.start;
      const piece = this.head.subarray(from, to);
      this.ctx.digest?.update(this.position, piece);
      dest.set(piece, offset + this.position - begin);
      this.position += to - from;
      if (this.position === slice.end) {
        this.pending.shift();
        this.head = null;
      }
    }
    return n;
  }

  /** Starts reading every slice up to `end` not yet requested. */
  private request(end: number): void {
    const size = this.ctx.source.size;
    end = Math.min(end, size);
    while (this.requested < end) {
      const start = this.requested;
      const stop = Math.min(size, start + this.sliceBytes);
      const bytes = this.ctx.source.slice(start, stop).arrayBuffer();
      // Awaited in order later; if ingest stops first (error, cancellation), nobody awaits it.
      bytes.catch(() => undefined);
      this.pending.push({ start, end: stop, bytes });
      this.requested = stop;
    }
  }
}

const scheduleImmediate = (globalThis as { setImmediate?: (f: () => void) => unknown })
  .setImmediate;
let channel: MessageChannel | null = null;
const yielded: (() => void)[] = [];

/**
 * Resolves after the event loop has turned once (unlike awaiting a settled promise, which only
 * runs microtasks), so that I/O callbacks — pieces of reads under way — get to run.
 */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => {
    if (scheduleImmediate) {
      scheduleImmediate(resolve);
      return;
    }
    if (!channel) {
      channel = new MessageChannel();
      channel.port1.onmessage = () => yielded.shift()?.();
    }
    yielded.push(resolve);
    channel.port2.postMessage(null);
  });
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
    await reader.readInto(out, reader.position);
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
