import type * as arrow from 'apache-arrow';
import {
  ColumnBuilder,
  createBuilder,
  EncodingFallback,
  NumericBuilder,
  scratchBytes,
  StringBuilder,
  type FieldBatch
} from './builders';
import { FNV_OFFSET, FNV_PRIME } from './dictionary';
import { SAMPLE_ROWS, TypeVote, type Inference } from './inference';
import { lexeme, parseLongInto, parseNumber } from './number';
import {
  ChunkReader,
  concatBytes,
  throwIfAborted,
  yieldToEventLoop,
  type ReadContext
} from './source';
import { isValidUtf8, decodeBytes, unescapeQuotes, type TextEncodingName } from './text';
import { makeTable } from './table';
import { LatheError } from '../base/errors';
import { type IngestWarning } from './types';
import { chooseType, columnReport, dedupeNames, type ReadPass, type ReaderResult } from './columns';

const LF = 10;
const CR = 13;
const QUOTE = 34;
const DELIMITERS = [',', '\t', ';', '|'];
const SNIFF_BYTES = 64 * 1024;
const SNIFF_RECORDS = 30;
/** The type sample stops early at this many bytes, so a few huge rows cannot stall it. */
const SAMPLE_BYTES = 16 * 1024 * 1024;
const RAGGED_EXAMPLES = 10;
/** The bulk pass parses a chunk in pieces of about this size, yielding in between. */
const PIECE_BYTES = 512 * 1024;
const FIRST_PIECE_BYTES = 16 * 1024;

/** One record's fields as [start, end, escaped] triples, or null when it runs past the buffer. */
interface RawRecord {
  fields: [number, number, boolean][];
  next: number;
  newlines: number;
}

function parseRecord(b: Uint8Array, pos: number, delim: number, final: boolean): RawRecord | null {
  const n = b.length;
  const fields: [number, number, boolean][] = [];
  let i = pos;
  let newlines = 0;
  for (;;) {
    let s = i;
    let e: number;
    let escaped = false;
    if (i < n && b[i] === QUOTE) {
      s = ++i;
      for (;;) {
        while (i < n && b[i] !== QUOTE) {
          if (b[i] === LF || (b[i] === CR && b[i + 1] !== LF)) newlines++;
          i++;
        }
        if (i + 1 >= n && !final) return null;
        if (i < n && b[i + 1] === QUOTE) {
          escaped = true;
          i += 2;
          continue;
        }
        e = Math.min(i, n);
        if (i < n) i++;
        break;
      }
      if (i < n && b[i] !== delim && b[i] !== LF && b[i] !== CR) {
        escaped = true;
        while (i < n && b[i] !== delim && b[i] !== LF && b[i] !== CR) i++;
        e = i;
      }
    } else {
      while (i < n && b[i] !== delim && b[i] !== LF && b[i] !== CR) i++;
      e = i;
    }
    fields.push([s, e, escaped]);
    if (i >= n) {
      if (!final) return null;
      return { fields, next: n, newlines };
    }
    if (b[i] === delim) {
      i++;
      continue;
    }
    if (b[i] === CR && i + 1 >= n && !final) return null;
    i += b[i] === CR && b[i + 1] === LF ? 2 : 1;
    return { fields, next: i, newlines: newlines + 1 };
  }
}

function skipBlankLines(b: Uint8Array, pos: number): { pos: number; lines: number } {
  let lines = 0;
  while (pos < b.length && (b[pos] === LF || b[pos] === CR)) {
    if (b[pos] === LF || b[pos + 1] !== LF) lines++;
    pos++;
  }
  return { pos, lines };
}

/**
 * Picks the delimiter among , tab ; | that splits the first records (quotes respected) into the
 * same number of fields, more than one; the most fields wins, then the order above (tab first for
 * .tsv). Without a consistent candidate, the one giving most fields on the first record wins.
 */
export function sniffDelimiter(head: Uint8Array, complete: boolean, preferTab: boolean): string {
  const order = preferTab ? ['\t', ',', ';', '|'] : DELIMITERS;
  let best = '';
  let bestCount = 1;
  let fallback = ',';
  let fallbackCount = 1;
  for (const d of order) {
    const code = d.charCodeAt(0);
    const counts: number[] = [];
    let pos = skipBlankLines(head, 0).pos;
    while (pos < head.length && counts.length < SNIFF_RECORDS) {
      const rec = parseRecord(head, pos, code, true);
      if (!rec) break;
      if (rec.next >= head.length && !complete && counts.length > 0) break;
      counts.push(rec.fields.length);
      pos = skipBlankLines(head, rec.next).pos;
    }
    if (counts.length === 0) continue;
    if (counts[0] > fallbackCount) {
      fallback = d;
      fallbackCount = counts[0];
    }
    if (counts.every((c) => c === counts[0]) && counts[0] > bestCount) {
      best = d;
      bestCount = counts[0];
    }
  }
  return best || fallback;
}

/** Splits records into fields, chunk after chunk, keeping state across chunk boundaries. */
export class Tokenizer {
  line: number;
  ragged = 0;
  readonly raggedLines: number[] = [];
  consumedAll = false;
  private starts = new Int32Array(0);
  private ends = new Int32Array(0);
  private lines = new Int32Array(0);
  private rowsPerByte = 0.01;

  constructor(
    readonly delim: number,
    readonly ncols: number,
    firstLine: number,
    readonly fileName: string
  ) {
    this.line = firstLine;
  }

  private allocate(rows: number, fresh: boolean): void {
    if (!fresh && this.lines.length >= rows) return;
    this.starts = new Int32Array(rows * this.ncols);
    this.ends = new Int32Array(rows * this.ncols);
    this.lines = new Int32Array(rows);
  }

  private growRows(rows: number): void {
    const cap = Math.max(16, Math.ceil(this.lines.length * 1.5));
    const starts = new Int32Array(cap * this.ncols);
    starts.set(this.starts.subarray(0, rows * this.ncols));
    const ends = new Int32Array(cap * this.ncols);
    ends.set(this.ends.subarray(0, rows * this.ncols));
    const lines = new Int32Array(cap);
    lines.set(this.lines.subarray(0, rows));
    this.starts = starts;
    this.ends = ends;
    this.lines = lines;
  }

  /**
   * Tokenizes the complete records of `buf`; `consumed` is where the first incomplete one starts.
   * With `fresh`, the batch gets its own arrays (the caller keeps it); otherwise they are reused.
   */
  tokenize(
    buf: Uint8Array,
    final: boolean,
    fresh: boolean,
    maxRows = Infinity
  ): { batch: FieldBatch; consumed: number } {
    const n = buf.length;
    const delim = this.delim;
    const high = Math.max(delim, CR);
    const ncols = this.ncols;
    this.allocate(Math.ceil(Math.min(n * this.rowsPerByte * 1.1, n / ncols)) + 16, fresh);
    let starts = this.starts;
    let ends = this.ends;
    let lines = this.lines;
    let cap = lines.length;
    let rows = 0;
    let i = 0;
    let line = this.line;
    let consumed = 0;
    let consumedLine = line;
    let incomplete = false;
    let unterminated = -1;
    records: while (i < n && rows < maxRows) {
      const c0 = buf[i];
      if (c0 === LF || c0 === CR) {
        if (c0 === CR) {
          if (i + 1 >= n && !final) {
            incomplete = true;
            break;
          }
          if (buf[i + 1] === LF) i++;
        }
        i++;
        line++;
        consumed = i;
        consumedLine = line;
        continue;
      }
      if (rows === cap) {
        this.growRows(rows);
        starts = this.starts;
        ends = this.ends;
        lines = this.lines;
        cap = lines.length;
      }
      const recordLine = line;
      const base = rows * ncols;
      let f = 0;
      for (;;) {
        let s = i;
        let e: number;
        let escaped = false;
        if (i < n && buf[i] === QUOTE) {
          s = ++i;
          for (;;) {
            while (i < n) {
              const c = buf[i];
              if (c === QUOTE) break;
              if (c === LF || (c === CR && buf[i + 1] !== LF)) line++;
              i++;
            }
            if (i + 1 >= n && !final) {
              incomplete = true;
              break records;
            }
            if (i >= n) {
              unterminated = recordLine;
              e = n;
              break;
            }
            if (buf[i + 1] === QUOTE) {
              escaped = true;
              i += 2;
              continue;
            }
            e = i++;
            break;
          }
          if (i < n) {
            const c = buf[i];
            if (c !== delim && c !== LF && c !== CR) {
              escaped = true;
              while (i < n && buf[i] !== delim && buf[i] !== LF && buf[i] !== CR) i++;
              e = i;
            }
          }
        } else {
          while (i < n) {
            const c = buf[i];
            if (c > high) {
              i++;
              continue;
            }
            if (c === delim || c === LF || c === CR) break;
            i++;
          }
          e = i;
        }
        if (f < ncols) {
          starts[base + f] = escaped ? -s - 2 : s;
          ends[base + f] = e;
        }
        f++;
        if (i >= n) {
          if (!final) {
            incomplete = true;
            break records;
          }
          break;
        }
        const c = buf[i];
        if (c === delim) {
          i++;
          if (i >= n) {
            if (!final) {
              incomplete = true;
              break records;
            }
            if (f < ncols) {
              starts[base + f] = i;
              ends[base + f] = i;
            }
            f++;
            break;
          }
          continue;
        }
        if (c === CR) {
          if (i + 1 >= n && !final) {
            incomplete = true;
            break records;
          }
          if (buf[i + 1] === LF) i++;
        }
        i++;
        line++;
        break;
      }
      if (f !== ncols) {
        for (let k = f; k < ncols; k++) starts[base + k] = -1;
        this.ragged++;
        if (this.raggedLines.length < RAGGED_EXAMPLES) this.raggedLines.push(recordLine);
      }
      lines[rows++] = recordLine;
      consumed = i;
      consumedLine = line;
    }
    if (unterminated > 0) throw unterminatedQuote(this.fileName, unterminated);
    if (!incomplete) {
      consumed = i;
      consumedLine = line;
    }
    this.line = consumedLine;
    this.consumedAll = !incomplete && i >= n;
    if (rows > 0 && consumed > 0) this.rowsPerByte = rows / consumed;
    return { batch: { buf, starts, ends, lines, rows, stride: ncols }, consumed };
  }
}

const KIND_NUMBER = 0;
const KIND_STRING = 1;
const KIND_OTHER = 2;
const MAX_SAFE = 9007199254740991;
const POW10 = [
  1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17,
  1e18, 1e19, 1e20, 1e21, 1e22
];

/**
 * The bulk path: splits records and converts fields in one pass, writing straight into the
 * column builders. Plain decimals and strings are handled inline; everything else goes through
 * the builders' byte parsers. A record cut by the end of a non-final buffer is parsed again
 * with the next buffer, which the builders' idempotent setters make safe.
 */
export class RecordParser {
  private readonly kinds: Int8Array;
  private readonly numeric: (NumericBuilder | null)[];
  private readonly strings: (StringBuilder | null)[];
  private readonly values: Float64Array[];
  private readonly nonIntegral: Uint8Array;
  private capacity = 0;

  constructor(
    private readonly state: Tokenizer,
    private readonly builders: ColumnBuilder[],
    private readonly decimal: number,
    /** The row count estimated from the sample, which the builders were sized for. */
    private readonly expectedRows = 0
  ) {
    const n = builders.length;
    this.kinds = new Int8Array(n);
    this.numeric = builders.map((b) =>
      b instanceof NumericBuilder && !(b.options.forced && b.options.type === 'integer') ? b : null
    );
    this.strings = builders.map((b) => (b instanceof StringBuilder ? b : null));
    for (let c = 0; c < n; c++) {
      this.kinds[c] = this.numeric[c] ? KIND_NUMBER : this.strings[c] ? KIND_STRING : KIND_OTHER;
    }
    this.values = new Array<Float64Array>(n);
    this.nonIntegral = new Uint8Array(n);
  }

  /** Makes room for rows [0, rows); rows [0, filled) hold values that growing must keep. */
  private reserve(rows: number, filled: number): void {
    for (const b of this.builders) {
      // `length` is only brought up to date at the end of `parse`, and a builder that grows
      // copies its first `length` rows.
      b.length = filled;
      b.reserve(rows);
    }
    this.capacity = rows;
    for (let c = 0; c < this.builders.length; c++) {
      const nb = this.numeric[c];
      if (nb) this.values[c] = nb.values;
    }
  }

  /** Parses the records of `buf` as rows row0, row0 + 1, …; returns rows and bytes consumed. */
  parse(buf: Uint8Array, final: boolean, row0: number): { rows: number; consumed: number } {
    const state = this.state;
    const n = buf.length;
    const delim = state.delim;
    const high = Math.max(delim, CR);
    const decimal = this.decimal;
    const ncols = state.ncols;
    const kinds = this.kinds;
    const builders = this.builders;
    const numeric = this.numeric;
    const strings = this.strings;
    const nonIntegral = this.nonIntegral;
    const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    if (this.capacity < row0 + 1) {
      this.reserve(Math.max(this.expectedRows, Math.ceil((row0 + 1) * 1.25) + 1024), row0);
    }
    const values = this.values;
    let row = row0;
    let i = 0;
    let line = state.line;
    let consumed = 0;
    let consumedLine = line;
    let incomplete = false;
    let unterminated = -1;
    records: while (i < n) {
      const c0 = buf[i];
      if (c0 === LF || c0 === CR) {
        if (c0 === CR) {
          if (i + 1 >= n && !final) {
            incomplete = true;
            break;
          }
          if (buf[i + 1] === LF) i++;
        }
        i++;
        line++;
        consumed = i;
        consumedLine = line;
        continue;
      }
      if (row >= this.capacity) this.reserve(Math.ceil(row * 1.25) + 1024, row);
      const recordLine = line;
      let f = 0;
      for (;;) {
        if (i < n && buf[i] === QUOTE) {
          const s = ++i;
          let e: number;
          let escaped = false;
          for (;;) {
            while (i < n) {
              const c = buf[i];
              if (c === QUOTE) break;
              if (c === LF || (c === CR && buf[i + 1] !== LF)) line++;
              i++;
            }
            if (i + 1 >= n && !final) {
              incomplete = true;
              break records;
            }
            if (i >= n) {
              unterminated = recordLine;
              e = n;
              break;
            }
            if (buf[i + 1] === QUOTE) {
              escaped = true;
              i += 2;
              continue;
            }
            e = i++;
            break;
          }
          if (i < n) {
            const c = buf[i];
            if (c !== delim && c !== LF && c !== CR) {
              escaped = true;
              while (i < n && buf[i] !== delim && buf[i] !== LF && buf[i] !== CR) i++;
              e = i;
            }
          }
          if (f < ncols) builders[f].setField(row, buf, s, e, escaped, recordLine);
        } else if (f >= ncols) {
          while (i < n && buf[i] !== delim && buf[i] !== LF && buf[i] !== CR) i++;
        } else if (kinds[f] === KIND_NUMBER) {
          const s = i;
          let neg = false;
          if (buf[i] === 45) {
            neg = true;
            i++;
          }
          let m = 0;
          let digits = 0;
          let fraction = -1;
          while (i < n) {
            const d = buf[i] - 48;
            if (d >>> 0 > 9) break;
            m = m * 10 + d;
            i++;
            digits++;
          }
          if (i < n && buf[i] === decimal) {
            i++;
            const f0 = i;
            // Four digits at a time while there are (SWAR): x holds bytes i..i+3, the first in
            // its low byte; the mask test passes only when all four are '0'–'9'.
            while (i + 4 <= n) {
              const x = view.getUint32(i, true);
              if ((x & 0xf0f0f0f0) !== 0x30303030) break; // each byte 0x30–0x3f
              if (((x + 0x06060606) & 0xf0f0f0f0) !== 0x30303030) break; // and none above 0x39
              const p = x - 0x30303030; // digits d0 d1 d2 d3, one per byte
              const q = (p * 10 + (p >>> 8)) & 0x00ff00ff; // d0d1 and d2d3, two per byte pair
              m = m * 10000 + ((q & 0xff) * 100 + (q >>> 16));
              i += 4;
            }
            while (i < n) {
              const d = buf[i] - 48;
              if (d >>> 0 > 9) break;
              m = m * 10 + d;
              i++;
            }
            fraction = i - f0;
            digits += fraction;
          }
          const t = i < n ? buf[i] : LF;
          let v = NaN;
          if ((t === delim || t === LF || t === CR) && digits > 0) {
            // m is exact iff the digits' value is at most 2^53 - 1 (rounding is monotonic).
            if (m <= MAX_SAFE && fraction <= 22) v = fraction > 0 ? m / POW10[fraction] : m;
            else {
              const out = values[f];
              parseLongInto(
                buf,
                neg ? s + 1 : s,
                i,
                fraction > 0 ? -fraction : 0,
                i,
                decimal,
                out,
                row
              );
              v = out[row];
              if (v === Infinity) v = NaN;
              else nonIntegral[f] = 1; // as parseNumber: not an exact integer lexeme
            }
          }
          if (v === v) {
            values[f][row] = neg ? -v : v;
            if (fraction >= 0) nonIntegral[f] = 1;
            else if (buf[s] === 48 && v > 0) {
              (numeric[f] as NumericBuilder).noteLeadingZero(row, buf, s, i, recordLine);
            }
          } else {
            while (i < n && buf[i] !== delim && buf[i] !== LF && buf[i] !== CR) i++;
            builders[f].setBytes(row, buf, s, i, recordLine);
          }
        } else if (kinds[f] === KIND_STRING) {
          const s = i;
          let h = FNV_OFFSET;
          while (i < n) {
            const c = buf[i];
            if (c <= high && (c === delim || c === LF || c === CR)) break;
            h = Math.imul(h ^ c, FNV_PRIME);
            i++;
          }
          (strings[f] as StringBuilder).setHashed(row, buf, s, i, h, recordLine);
        } else {
          const s = i;
          while (i < n && buf[i] !== delim && buf[i] !== LF && buf[i] !== CR) i++;
          builders[f].setBytes(row, buf, s, i, recordLine);
        }
        f++;
        if (i >= n) {
          if (!final) {
            incomplete = true;
            break records;
          }
          break;
        }
        const c = buf[i];
        if (c === delim) {
          i++;
          if (i >= n) {
            if (!final) {
              incomplete = true;
              break records;
            }
            if (f < ncols) builders[f].setNull(row);
            f++;
            break;
          }
          continue;
        }
        if (c === CR) {
          if (i + 1 >= n && !final) {
            incomplete = true;
            break records;
          }
          if (buf[i + 1] === LF) i++;
        }
        i++;
        line++;
        break;
      }
      if (f !== ncols) {
        for (let k = f; k < ncols; k++) builders[k].setNull(row);
        state.ragged++;
        if (state.raggedLines.length < RAGGED_EXAMPLES) state.raggedLines.push(recordLine);
      }
      row++;
      consumed = i;
      consumedLine = line;
    }
    if (unterminated > 0) throw unterminatedQuote(state.fileName, unterminated);
    if (!incomplete) {
      consumed = i;
      consumedLine = line;
    }
    state.line = consumedLine;
    for (let c = 0; c < ncols; c++) {
      builders[c].length = row;
      if (nonIntegral[c]) (this.numeric[c] as NumericBuilder).markNonIntegral();
    }
    return { rows: row - row0, consumed };
  }
}

function unterminatedQuote(fileName: string, line: number): LatheError {
  return new LatheError(
    'UNTERMINATED_QUOTE',
    `${fileName}, line ${line}: a quoted field opens here but its closing quote never comes, so the rest of the file would be one value. Check for a stray " character.`,
    { file: fileName, line }
  );
}

function decodeHeader(
  b: Uint8Array,
  fields: [number, number, boolean][],
  encoding: TextEncodingName,
  line: number
): string[] {
  return fields.map(([s, e, escaped], i) => {
    let bytes = b.subarray(s, e);
    if (escaped) {
      const scratch = scratchBytes(e - s);
      bytes = scratch.slice(0, unescapeQuotes(b, s, e, scratch));
    }
    if (encoding === 'utf-8' && !isValidUtf8(bytes, 0, bytes.length)) {
      throw new EncodingFallback(line, `header field ${i + 1}`);
    }
    return decodeBytes(bytes, encoding);
  });
}

/** ';'-separated files may write decimals with a comma: decided by a vote over the sample. */
function decimalByteOf(batches: FieldBatch[], delim: number): number {
  if (delim !== 59) return 46;
  let comma = 0;
  let dot = 0;
  let seen = 0;
  for (const b of batches) {
    for (let k = 0; k < b.rows * b.stride && seen < SAMPLE_ROWS * b.stride; k++, seen++) {
      const s = b.starts[k];
      if (s < 0) continue;
      const e = b.ends[k];
      const vDot = parseNumber(b.buf, s, e, 46);
      if (vDot === vDot && !lexeme.integer) dot++;
      else if (vDot !== vDot) {
        const vComma = parseNumber(b.buf, s, e, 44);
        if (vComma === vComma && !lexeme.integer) comma++;
      }
    }
  }
  return comma > dot ? 44 : 46;
}

function inferTypes(batches: FieldBatch[], names: string[], decimal: number): Inference[] {
  const ncols = names.length;
  const votes = Array.from({ length: ncols }, () => new TypeVote());
  let left = SAMPLE_ROWS;
  for (const b of batches) {
    const rows = Math.min(b.rows, left);
    left -= rows;
    for (let c = 0; c < ncols; c++) {
      const vote = votes[c];
      for (let r = 0, k = c; r < rows; r++, k += ncols) {
        const s = b.starts[k];
        if (s >= 0) vote.addBytes(b.buf, s, b.ends[k], decimal, b.lines[r]);
        else if (s < -1) {
          const scratch = scratchBytes(b.ends[k] + s + 2);
          const n = unescapeQuotes(b.buf, -s - 2, b.ends[k], scratch);
          vote.addBytes(scratch, 0, n, decimal, b.lines[r]);
        }
      }
    }
    if (left === 0) break;
  }
  return votes.map((v, c) => v.infer(names[c]));
}

export async function readCsv(ctx: ReadContext, pass: ReadPass): Promise<ReaderResult> {
  const { fileName } = ctx;
  const reader = new ChunkReader(ctx);
  let buf = await reader.next();
  while (buf.length < SNIFF_BYTES && !reader.done) buf = concatBytes(buf, await reader.next());
  if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) buf = buf.subarray(3);
  const blank = skipBlankLines(buf, 0);
  if (reader.done && buf.every((c) => c === 32 || c === 9 || c === LF || c === CR)) {
    throw new LatheError('EMPTY_FILE', `${fileName} is empty: there is no header and no data.`, {
      file: fileName
    });
  }
  const delimiter =
    pass.delimiter ?? sniffDelimiter(buf, reader.done, /\.(tsv|tab)(\.gz)?$/i.test(fileName));
  const delim = delimiter.charCodeAt(0);
  let header = parseRecord(buf, blank.pos, delim, reader.done);
  while (!header) {
    buf = concatBytes(buf, await reader.next(buf.length));
    header = parseRecord(buf, blank.pos, delim, reader.done);
  }
  const headerLine = blank.lines + 1;
  const raw = decodeHeader(buf, header.fields, pass.encoding, headerLine);
  const { names, renamed } = dedupeNames(raw);
  const ncols = names.length;
  const tokenizer = new Tokenizer(delim, ncols, headerLine + header.newlines, fileName);
  let carry = buf.subarray(header.next);

  let window: Uint8Array | null = null;
  /** The carry-over followed by the next chunk; in place (in `window`) once the sample is done. */
  const read = async (): Promise<{ data: Uint8Array; final: boolean }> => {
    if (reader.done) return { data: carry, final: true };
    if (!window) {
      const chunk = await reader.next(carry.length);
      return { data: concatBytes(carry, chunk), final: reader.done };
    }
    const size = carry.length + reader.nextLength(carry.length);
    if (size > window.length) {
      const next = new Uint8Array(size);
      next.set(carry);
      window = next;
    } else if (carry.buffer === window.buffer) {
      window.copyWithin(0, carry.byteOffset, carry.byteOffset + carry.length);
    } else window.set(carry);
    await reader.readInto(window, carry.length, carry.length);
    return { data: window.subarray(0, size), final: reader.done };
  };

  const sample: FieldBatch[] = [];
  let sampleRows = 0;
  let finished = false;
  while (sampleRows < SAMPLE_ROWS && reader.position < SAMPLE_BYTES && !finished) {
    const { data, final } = await read();
    const { batch, consumed } = tokenizer.tokenize(data, final, true, SAMPLE_ROWS - sampleRows);
    carry = data.subarray(consumed);
    finished = final && tokenizer.consumedAll;
    sample.push(batch);
    sampleRows += batch.rows;
  }
  if (sampleRows === 0) {
    throw new LatheError(
      'NO_ROWS',
      `${fileName} has a header (${names.slice(0, 5).join(', ')}${ncols > 5 ? ', …' : ''}) but no rows of data.`,
      { file: fileName }
    );
  }
  const decimal = decimalByteOf(sample, delim);
  const inferred = inferTypes(sample, names, decimal);
  const sampleBytes = Math.max(1, reader.position - header.next - carry.length);
  const capacity = Math.min(
    Math.ceil(((sampleRows * ctx.source.size) / sampleBytes) * 1.05) + 16,
    1 << 26
  );
  const choices = names.map((name, c) => chooseType(name, inferred[c], pass));
  const builders = names.map((name, c) =>
    createBuilder({
      name,
      type: choices[c].type,
      forced: choices[c].forced,
      decimal,
      encoding: pass.encoding,
      capacity,
      date: choices[c].date
    })
  );
  for (const batch of sample) {
    for (let c = 0; c < ncols; c++) builders[c].appendFields(batch, c);
  }
  sample.length = 0;
  let rows = sampleRows;
  const parser = new RecordParser(tokenizer, builders, decimal, capacity);
  window = new Uint8Array(ctx.chunkBytes + Math.max(carry.length, 1024));
  // The first piece is small, so that `parse` runs to its end once before V8 optimizes it:
  // code it has never reached has no type feedback, and reaching it later deoptimizes.
  let piece = FIRST_PIECE_BYTES;
  while (!finished) {
    const { data, final } = await read();
    let end = data.length;
    if (!final) {
      end = data.lastIndexOf(LF) + 1 || data.lastIndexOf(CR) + 1;
      if (end === 0) {
        carry = data;
        continue;
      }
    }
    // In pieces of about PIECE_BYTES cut after a newline, yielding to the event loop between
    // them: the reads under way (the next chunk) progress only when it turns. A newline inside
    // quotes just leaves an incomplete record, which the next piece parses again.
    let at = 0;
    let whole = false;
    for (;;) {
      let cut = end;
      if (!whole && end - at > piece * 2) cut = data.indexOf(LF, at + piece) + 1 || end;
      piece = PIECE_BYTES;
      const { rows: parsed, consumed } = parser.parse(
        at === 0 && cut === data.length ? data : data.subarray(at, cut),
        final && cut === end,
        rows
      );
      rows += parsed;
      at += consumed;
      if (cut === end) break;
      whole = consumed === 0; // a record longer than a piece: parse the rest at once
      await yieldToEventLoop();
      throwIfAborted(ctx.signal, fileName);
    }
    carry = data.subarray(at);
    finished = final;
    ctx.progress.report(reader.position - carry.length, rows);
  }
  ctx.progress.report(ctx.source.size, rows, true);

  const warnings: IngestWarning[] = [];
  if (renamed.length) warnings.push(renamedWarning(fileName, renamed));
  if (tokenizer.ragged) {
    warnings.push({
      code: 'RAGGED_ROWS',
      message: `${fileName}: ${tokenizer.ragged} row${tokenizer.ragged === 1 ? '' : 's'} did not have ${ncols} field${ncols === 1 ? '' : 's'} (line${tokenizer.raggedLines.length === 1 ? '' : 's'} ${tokenizer.raggedLines.join(', ')}${tokenizer.ragged > tokenizer.raggedLines.length ? ', …' : ''}). Short rows were padded with missing values; extra fields were dropped.`,
      details: { count: tokenizer.ragged, lines: tokenizer.raggedLines, expectedFields: ncols }
    });
  }
  const built = builders.map((b) => b.finish());
  const columns = built.map((b, c) => ({ name: names[c], ...b, choice: choices[c] }));
  const table: arrow.Table = makeTable(columns, rows);
  return { table, rows, columns: columns.map(columnReport), warnings, delimiter };
}

export function renamedWarning(
  fileName: string,
  renamed: { from: string; to: string }[]
): IngestWarning {
  const list = renamed.map((r) => (r.from ? `"${r.from}" → "${r.to}"` : `(blank) → "${r.to}"`));
  return {
    code: 'RENAMED_COLUMNS',
    message: `${fileName}: some column names were blank or repeated, so they were renamed: ${list.slice(0, 10).join(', ')}${list.length > 10 ? ', …' : ''}.`,
    details: { renamed }
  };
}
