import { EncodingFallback } from './builders';
import type { ReaderResult, ReadPass } from './columns';
import { describeJsonValue, isRecord, RecordSink } from './records';
import { readAll, type ReadContext } from './source';
import { decodeBytes, firstInvalidUtf8, lineOf } from './text';
import { LatheError } from '../base/errors';

/** JSON.parse needs the whole text as one string; above this, NDJSON is the way. */
export const MAX_JSON_BYTES = 256 * 1024 * 1024;

export function decodeDocument(bytes: Uint8Array, pass: ReadPass): string {
  let start = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  if (pass.encoding === 'utf-8') {
    const bad = firstInvalidUtf8(bytes);
    if (bad >= 0) throw new EncodingFallback(lineOf(bytes, bad), 'a value');
  } else start = 0;
  return decodeBytes(bytes.subarray(start), pass.encoding);
}

export function jsonErrorLine(text: string, error: unknown): number | undefined {
  const m = /position (\d+)/.exec(String((error as Error).message));
  if (!m) return undefined;
  let line = 1;
  const pos = Number(m[1]);
  for (let i = 0; i < pos && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

export async function readJson(ctx: ReadContext, pass: ReadPass): Promise<ReaderResult> {
  const { fileName } = ctx;
  if (ctx.source.size > MAX_JSON_BYTES) {
    throw new LatheError(
      'FILE_TOO_LARGE',
      `${fileName} is ${Math.round(ctx.source.size / 2 ** 20)} MB; a JSON array can be read up to ${MAX_JSON_BYTES / 2 ** 20} MB. Save it as NDJSON (one record per line), CSV or Parquet instead.`,
      { file: fileName, bytes: ctx.source.size }
    );
  }
  const text = decodeDocument(await readAll(ctx), pass);
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    const line = jsonErrorLine(text, error);
    throw new LatheError(
      'BAD_JSON',
      `${fileName}${line ? `, line ${line}` : ''}: this is not valid JSON (${(error as Error).message}).`,
      { file: fileName, line }
    );
  }
  if (!Array.isArray(doc)) {
    throw new LatheError(
      'BAD_JSON_SHAPE',
      `${fileName} holds ${describeJsonValue(doc)} at the top level; Lathe expects an array of records, like [{"a": 1}, {"a": 2}], or one record per line (NDJSON).`,
      { file: fileName }
    );
  }
  const sink = new RecordSink(pass, fileName);
  for (let i = 0; i < doc.length; i++) {
    const record = doc[i];
    if (!isRecord(record)) {
      throw new LatheError(
        'BAD_JSON_SHAPE',
        `${fileName}, record ${i + 1}: expected an object like {"a": 1} but found ${describeJsonValue(record)}.`,
        { file: fileName, record: i + 1 }
      );
    }
    sink.add(record, i + 1);
  }
  ctx.progress.report(ctx.source.size, sink.rows, true);
  return sink.finish([]);
}
