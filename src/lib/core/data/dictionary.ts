import { isValidUtf8 } from './text';

export const FNV_OFFSET = 0x811c9dc5;
export const FNV_PRIME = 0x01000193;

/**
 * Distinct byte strings, interned by content in an open-addressing hash table. The arena and
 * offsets are exactly Arrow's Utf8 layout, so the finished dictionary is used without copying.
 */
export class ByteDictionary {
  arena = new Uint8Array(64);
  arenaLength = 0;
  offsets = new Int32Array(9);
  count = 0;
  private hashes = new Int32Array(8);
  private table = new Int32Array(16).fill(-1);
  private mask = 15;

  constructor(private readonly validateUtf8: boolean) {}

  /** Index of the bytes [s, e), added when new; -2 when new and not valid UTF-8. */
  intern(b: Uint8Array, s: number, e: number): number {
    let h = FNV_OFFSET;
    for (let i = s; i < e; i++) h = Math.imul(h ^ b[i], FNV_PRIME);
    return this.internHashed(b, s, e, h);
  }

  /** `intern` with the FNV-1a hash of the bytes (FNV_OFFSET, FNV_PRIME) already computed. */
  internHashed(b: Uint8Array, s: number, e: number, h: number): number {
    h |= 0;
    const len = e - s;
    const table = this.table;
    const mask = this.mask;
    let slot = h & mask;
    for (;;) {
      const idx = table[slot];
      if (idx < 0) break;
      if (this.hashes[idx] === h) {
        const o = this.offsets[idx];
        if (this.offsets[idx + 1] - o === len) {
          const arena = this.arena;
          let k = 0;
          while (k < len && arena[o + k] === b[s + k]) k++;
          if (k === len) return idx;
        }
      }
      slot = (slot + 1) & mask;
    }
    if (this.validateUtf8 && !isValidUtf8(b, s, e)) return -2;
    return this.insert(b, s, e, h, slot);
  }

  private insert(b: Uint8Array, s: number, e: number, h: number, slot: number): number {
    const len = e - s;
    if (this.arenaLength + len > this.arena.length) {
      const next = new Uint8Array(Math.max(this.arena.length * 2, this.arenaLength + len));
      next.set(this.arena.subarray(0, this.arenaLength));
      this.arena = next;
    }
    this.arena.set(b.subarray(s, e), this.arenaLength);
    this.arenaLength += len;
    const idx = this.count++;
    if (this.count >= this.offsets.length) {
      const next = new Int32Array(this.offsets.length * 2);
      next.set(this.offsets);
      this.offsets = next;
    }
    if (idx >= this.hashes.length) {
      const hashes = new Int32Array(this.hashes.length * 2);
      hashes.set(this.hashes);
      this.hashes = hashes;
    }
    this.offsets[idx + 1] = this.arenaLength;
    this.hashes[idx] = h;
    this.table[slot] = idx;
    if (this.count * 2 > this.mask) this.rehash();
    return idx;
  }

  private rehash(): void {
    const size = (this.mask + 1) * 2;
    const table = new Int32Array(size).fill(-1);
    const mask = size - 1;
    for (let idx = 0; idx < this.count; idx++) {
      let slot = this.hashes[idx] & mask;
      while (table[slot] >= 0) slot = (slot + 1) & mask;
      table[slot] = idx;
    }
    this.table = table;
    this.mask = mask;
  }

  /** Releases the hash table; the arena and offsets stay valid. */
  seal(): { bytes: Uint8Array; offsets: Int32Array } {
    this.table = new Int32Array(0);
    return {
      bytes: this.arena.subarray(0, this.arenaLength),
      offsets: this.offsets.subarray(0, this.count + 1)
    };
  }
}
