import { createBuilder, type ColumnBuilder } from './builders';
import { chooseType, columnReport, type Choice, type ReadPass, type ReaderResult } from './columns';
import { SAMPLE_ROWS, TypeVote } from './inference';
import { makeTable } from './table';
import { LatheError } from '../base/errors';
import { type IngestWarning } from './types';

/**
 * Collects records (JSON objects) into columns: keys unioned in first-seen order, types inferred
 * from the first SAMPLE_ROWS records, later keys back-filled with nulls.
 */
export class RecordSink {
  private readonly names: string[] = [];
  private readonly index = new Map<string, number>();
  private sample: { record: Record<string, unknown>; line: number }[] = [];
  private builders: ColumnBuilder[] | null = null;
  private choices: Choice[] = [];
  rows = 0;

  constructor(
    private readonly pass: ReadPass,
    private readonly fileName: string
  ) {}

  add(record: Record<string, unknown>, line: number): void {
    for (const key in record) {
      if (!this.index.has(key)) this.addColumn(key, record[key], line);
    }
    if (!this.builders) {
      this.sample.push({ record, line });
      if (this.sample.length >= SAMPLE_ROWS) this.flushSample();
      return;
    }
    this.append(record, line);
  }

  private addColumn(key: string, first: unknown, line: number): void {
    this.index.set(key, this.names.length);
    this.names.push(key);
    if (this.builders) {
      const vote = new TypeVote();
      vote.addValue(first, false, line);
      const builder = this.makeBuilder(key, vote);
      builder.appendNulls(this.rows);
      this.builders.push(builder);
    }
  }

  private makeBuilder(name: string, vote: TypeVote): ColumnBuilder {
    const choice = chooseType(name, vote.infer(name), this.pass);
    this.choices.push(choice);
    return createBuilder({
      name,
      type: choice.type,
      forced: choice.forced,
      decimal: 46,
      encoding: 'utf-8',
      capacity: 1024,
      date: choice.date
    });
  }

  private flushSample(): void {
    const votes = this.names.map(() => new TypeVote());
    for (const { record, line } of this.sample) {
      for (let c = 0; c < this.names.length; c++) {
        votes[c].addValue(record[this.names[c]], false, line);
      }
    }
    this.builders = this.names.map((name, c) => this.makeBuilder(name, votes[c]));
    for (const { record, line } of this.sample) this.append(record, line);
    this.sample = [];
  }

  private append(record: Record<string, unknown>, line: number): void {
    const builders = this.builders as ColumnBuilder[];
    for (let c = 0; c < builders.length; c++) builders[c].appendValue(record[this.names[c]], line);
    this.rows++;
  }

  finish(warnings: IngestWarning[]): ReaderResult {
    if (!this.builders) this.flushSample();
    if (this.rows === 0) {
      throw new LatheError('NO_ROWS', `${this.fileName} contains no records.`, {
        file: this.fileName
      });
    }
    const built = (this.builders as ColumnBuilder[]).map((b) => b.finish());
    const columns = built.map((b, c) => ({
      name: this.names[c],
      ...b,
      choice: this.choices[c]
    }));
    return {
      table: makeTable(columns, this.rows),
      rows: this.rows,
      columns: columns.map(columnReport),
      warnings
    };
  }
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function describeJsonValue(v: unknown): string {
  if (Array.isArray(v)) return 'an array';
  if (v === null) return 'null';
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}
