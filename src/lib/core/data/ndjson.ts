import { EncodingFallback } from './builders';
import type { ReaderResult, ReadPass } from './columns';
import { describeJsonValue, isRecord, RecordSink } from './records';
import { ChunkReader, concatBytes, type ReadContext } from './source';
import { decodeBytes, firstInvalidUtf8, lineOf } from './text';
import { LatheError } from '../base/errors';

export async function readNdjson(ctx: ReadContext, pass: ReadPass): Promise<ReaderResult> {
  const { fileName } = ctx;
  const reader = new ChunkReader(ctx);
  const sink = new RecordSink(pass, fileName);
  let carry: Uint8Array = new Uint8Array(0);
  let line = 1;
  let first = true;
  for (;;) {
    let data = carry;
    if (!reader.done) data = concatBytes(carry, await reader.next(carry.length));
    const final = reader.done;
    const end = final ? data.length : data.lastIndexOf(10) + 1;
    if (end === 0 && !final) {
      carry = data;
      continue;
    }
    let part = data.subarray(0, end);
    if (first && part[0] === 0xef && part[1] === 0xbb && part[2] === 0xbf) part = part.subarray(3);
    first = false;
    if (pass.encoding === 'utf-8') {
      const bad = firstInvalidUtf8(part);
      if (bad >= 0) throw new EncodingFallback(line + lineOf(part, bad) - 1, 'a value');
    }
    const lines = decodeBytes(part, pass.encoding).split('\n');
    if (part[part.length - 1] === 10) lines.pop();
    for (const text of lines) {
      const trimmed = text.trim();
      if (trimmed) sink.add(parseLine(trimmed, line, fileName, sink.rows === 0), line);
      line++;
    }
    if (final) break;
    carry = data.subarray(end);
    ctx.progress.report(reader.position - carry.length, sink.rows);
  }
  ctx.progress.report(ctx.source.size, sink.rows, true);
  return sink.finish([]);
}

function parseLine(text: string, line: number, fileName: string, firstRecord: boolean) {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const hint =
      firstRecord && text === '{'
        ? ' The file looks like one JSON object spread over many lines; Lathe expects an array of records or one record per line.'
        : '';
    throw new LatheError(
      'BAD_JSON',
      `${fileName}, line ${line}: this line is not valid JSON (${(error as Error).message}).${hint}`,
      { file: fileName, line }
    );
  }
  if (!isRecord(value)) {
    throw new LatheError(
      'BAD_JSON_SHAPE',
      `${fileName}, line ${line}: expected one JSON object per line but found ${describeJsonValue(value)}.`,
      { file: fileName, line }
    );
  }
  return value;
}
