import { LatheError } from '../base/errors';
import { type SourceFormat } from './types';

const BINARY_MAGICS: { bytes: number[]; what: string }[] = [
  { bytes: [0x89, 0x50, 0x4e, 0x47], what: 'a PNG image' },
  { bytes: [0xff, 0xd8, 0xff], what: 'a JPEG image' },
  { bytes: [0x47, 0x49, 0x46, 0x38], what: 'a GIF image' },
  { bytes: [0x25, 0x50, 0x44, 0x46], what: 'a PDF document' },
  { bytes: [0x50, 0x4b, 0x03, 0x04], what: 'a ZIP archive (an Excel .xlsx file is one)' },
  { bytes: [0xd0, 0xcf, 0x11, 0xe0], what: 'an old Microsoft Office file (.xls)' },
  { bytes: [0x53, 0x51, 0x4c, 0x69, 0x74, 0x65], what: 'an SQLite database' },
  { bytes: [0x37, 0x7a, 0xbc, 0xaf], what: 'a 7-Zip archive' },
  { bytes: [0x4f, 0x52, 0x43], what: 'an ORC file' },
  { bytes: [0x1f, 0x8b], what: 'a gzip-compressed file' }
];

const EXTENSIONS: [RegExp, SourceFormat][] = [
  [/\.(csv|tsv|tab|txt)$/, 'csv'],
  [/\.json$/, 'json'],
  [/\.(ndjson|jsonl)$/, 'ndjson'],
  [/\.(arrow|feather|ipc|arrows)$/, 'arrow'],
  [/\.(parquet|pq)$/, 'parquet']
];

function startsWith(head: Uint8Array, bytes: number[], at = 0): boolean {
  return bytes.every((b, i) => head[at + i] === b);
}

function formatOfName(fileName: string): SourceFormat | undefined {
  const name = fileName.toLowerCase().replace(/\.gz$/, '');
  return EXTENSIONS.find(([re]) => re.test(name))?.[1];
}

function formatOfContent(head: Uint8Array, fileName: string): SourceFormat | undefined {
  if (startsWith(head, [0x41, 0x52, 0x52, 0x4f, 0x57, 0x31])) return 'arrow';
  if (startsWith(head, [0xff, 0xff, 0xff, 0xff]) && head.length >= 8) return 'arrow';
  if (startsWith(head, [0x50, 0x41, 0x52, 0x31])) return 'parquet';
  for (const m of BINARY_MAGICS) {
    if (startsWith(head, m.bytes)) {
      throw new LatheError(
        'UNSUPPORTED_FORMAT',
        `${fileName} looks like ${m.what}, not a data table. Lathe reads CSV, TSV, JSON, NDJSON, Arrow and Parquet files.`,
        { file: fileName, looksLike: m.what }
      );
    }
  }
  if (startsWith(head, [0xff, 0xfe]) || startsWith(head, [0xfe, 0xff])) {
    throw new LatheError(
      'UNSUPPORTED_FORMAT',
      `${fileName} is UTF-16 text. Save it as UTF-8 (or CSV UTF-8 in Excel) and try again.`,
      { file: fileName, looksLike: 'UTF-16 text' }
    );
  }
  if (head.includes(0)) {
    throw new LatheError(
      'UNSUPPORTED_FORMAT',
      `${fileName} contains binary data (NUL bytes), not text or a known table format. Lathe reads CSV, TSV, JSON, NDJSON, Arrow and Parquet files.`,
      { file: fileName, looksLike: 'binary data' }
    );
  }
  let i = startsWith(head, [0xef, 0xbb, 0xbf]) ? 3 : 0;
  while (i < head.length && (head[i] === 32 || head[i] === 9 || head[i] === 10 || head[i] === 13)) {
    i++;
  }
  if (head[i] === 0x5b) return 'json';
  if (head[i] === 0x7b) return 'ndjson';
  return undefined;
}

/**
 * Format by content first (magic bytes, the first non-space character), by extension second.
 * Throws UNSUPPORTED_FORMAT for images, archives and other binary content.
 */
export function detectFormat(
  head: Uint8Array,
  fileName: string
): { format: SourceFormat; mismatch?: string } {
  const byContent = formatOfContent(head, fileName);
  const byName = formatOfName(fileName);
  if (!byContent) {
    if (byName !== 'arrow' && byName !== 'parquet') return { format: byName ?? 'csv' };
    return {
      format: 'csv',
      mismatch: `${fileName} is named like ${byName.toUpperCase()} but its content is text; it was read as CSV.`
    };
  }
  if (byName && byName !== byContent && !(byName === 'json' && byContent === 'ndjson')) {
    return {
      format: byContent,
      mismatch: `${fileName} is named like ${byName.toUpperCase()} but its content is ${byContent.toUpperCase()}; it was read as ${byContent.toUpperCase()}.`
    };
  }
  return { format: byContent };
}
