/** Byte-level helpers shared by the readers: missing tokens, UTF-8 checks, decoding. */

const utf8Fatal = new TextDecoder('utf-8', { fatal: true });
const utf8Lenient = new TextDecoder('utf-8');
const cp1252 = new TextDecoder('windows-1252');
const encoder = new TextEncoder();

export type TextEncodingName = 'utf-8' | 'windows-1252';

/** True for the MISSING_TOKENS of types.ts: '', na, n/a, null, nan (any case, spaces trimmed). */
export function isMissing(b: Uint8Array, s: number, e: number): boolean {
  while (s < e && (b[s] === 32 || b[s] === 9)) s++;
  while (e > s && (b[e - 1] === 32 || b[e - 1] === 9)) e--;
  const n = e - s;
  if (n === 0) return true;
  if (n > 4 || (b[s] | 32) !== 110) return false;
  if (n === 2) return (b[s + 1] | 32) === 97;
  if (n === 3) {
    const c1 = b[s + 1] | 32;
    const c2 = b[s + 2] | 32;
    return c2 === 97 ? c1 === 47 : c1 === 97 && c2 === 110;
  }
  return n === 4 && (b[s + 1] | 32) === 117 && (b[s + 2] | 32) === 108 && (b[s + 3] | 32) === 108;
}

export function isValidUtf8(b: Uint8Array, s: number, e: number): boolean {
  let i = s;
  while (i < e && b[i] < 128) i++;
  if (i === e) return true;
  try {
    utf8Fatal.decode(b.subarray(s, e));
    return true;
  } catch {
    return false;
  }
}

/** Byte offset of the first invalid UTF-8 sequence in `b`, or -1. */
export function firstInvalidUtf8(b: Uint8Array): number {
  let i = 0;
  const n = b.length;
  while (i < n) {
    const c = b[i];
    if (c < 0x80) {
      i++;
      continue;
    }
    let len: number;
    let min: number;
    if (c >= 0xc2 && c <= 0xdf) {
      len = 2;
      min = 0x80;
    } else if (c >= 0xe0 && c <= 0xef) {
      len = 3;
      min = 0x800;
    } else if (c >= 0xf0 && c <= 0xf4) {
      len = 4;
      min = 0x10000;
    } else return i;
    if (i + len > n) return i;
    let cp = c & (0xff >> (len + 1));
    for (let k = 1; k < len; k++) {
      const d = b[i + k];
      if ((d & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (d & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += len;
  }
  return -1;
}

export function decodeBytes(b: Uint8Array, encoding: TextEncodingName = 'utf-8'): string {
  return encoding === 'utf-8' ? utf8Lenient.decode(b) : cp1252.decode(b);
}

export function encodeText(s: string): Uint8Array {
  return encoder.encode(s);
}

/** Copies the content of a quoted field into `out`, turning "" into " and dropping lone quotes. */
export function unescapeQuotes(b: Uint8Array, s: number, e: number, out: Uint8Array): number {
  let n = 0;
  for (let i = s; i < e; i++) {
    const c = b[i];
    if (c === 34) {
      if (i + 1 < e && b[i + 1] === 34) i++;
      else continue;
    }
    out[n++] = c;
  }
  return n;
}

/** 1-based line of byte offset `pos` (LF, CRLF and lone CR each end a line). */
export function lineOf(b: Uint8Array, pos: number): number {
  let line = 1;
  for (let i = 0; i < pos && i < b.length; i++) {
    const c = b[i];
    if (c === 10 || (c === 13 && b[i + 1] !== 10)) line++;
  }
  return line;
}
