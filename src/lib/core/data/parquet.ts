import { parquetMetadataAsync, parquetRead, parquetSchema } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { buildFromVectors } from './arrow';
import { columnReport, dedupeNames, type ReaderResult, type ReadPass } from './columns';
import { TypeVote } from './inference';
import { renamedWarning } from './csv';
import type { ReadContext } from './source';
import { makeTable } from './table';
import { LatheError } from '../base/errors';

const SAMPLE = 2000;

export async function readParquet(ctx: ReadContext, pass: ReadPass): Promise<ReaderResult> {
  const { source, fileName } = ctx;
  const file = {
    byteLength: source.size,
    slice: (start: number, end?: number) => source.slice(start, end).arrayBuffer()
  };
  let rows: number;
  let names: string[];
  const chunks = new Map<string, { rowStart: number; data: ArrayLike<unknown> }[]>();
  try {
    const metadata = await parquetMetadataAsync(file);
    rows = Number(metadata.num_rows);
    names = parquetSchema(metadata).children.map((c) => c.element.name);
    await parquetRead({
      file,
      metadata,
      compressors,
      onChunk: (chunk) => {
        const list = chunks.get(chunk.columnName) ?? [];
        list.push({ rowStart: chunk.rowStart, data: chunk.columnData as ArrayLike<unknown> });
        chunks.set(chunk.columnName, list);
      }
    });
  } catch (error) {
    throw new LatheError(
      'BAD_PARQUET',
      `${fileName} could not be read as Parquet (${(error as Error).message}).`,
      { file: fileName }
    );
  }
  const vectors = names.map((name) => {
    const list = (chunks.get(name) ?? []).sort((a, b) => a.rowStart - b.rowStart);
    const get = (i: number): unknown => {
      for (const chunk of list) {
        if (i >= chunk.rowStart && i < chunk.rowStart + chunk.data.length) {
          return chunk.data[i - chunk.rowStart];
        }
      }
      return null;
    };
    const vote = new TypeVote();
    for (let i = 0; i < Math.min(rows, SAMPLE); i++) vote.addValue(get(i), true, i + 1);
    return { vote, datetime: vote.type === 'datetime', length: rows, get };
  });
  const dedup = dedupeNames(names);
  const typed = vectors.map((v, c) => ({ ...v, inference: v.vote.infer(dedup.names[c]) }));
  const { columns } = buildFromVectors(dedup.names, typed, rows, pass);
  ctx.progress.report(source.size, rows, true);
  return {
    table: makeTable(columns, rows),
    rows,
    columns: columns.map(columnReport),
    warnings: dedup.renamed.length ? [renamedWarning(fileName, dedup.renamed)] : []
  };
}
