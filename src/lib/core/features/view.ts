import type { ColumnSchema } from '../data/types';
import type { LatheErrorData } from '../base/errors';
import type { Frame } from './frame';
import type { ColumnFacts } from './hints';
import type { PipelinePreview } from './pipeline';
import type { Json } from '../base/json';

/** A few rows as plain values, small enough to post to the page on every edit. */
export interface FrameView {
  rows: number;
  columns: { name: string; type: ColumnSchema['type']; values: (number | string | null)[] }[];
}

export interface PreviewView {
  input: { schema: ColumnSchema[]; head: FrameView };
  steps: { schema: ColumnSchema[]; head: FrameView; state: Json }[];
  error?: { stepIndex: number | null; error: LatheErrorData };
  fittedRows: number;
  /** The columns after the last step run, with facts from the fitted sample. */
  facts: ColumnFacts[];
}

export function frameView(frame: Frame): FrameView {
  return {
    rows: frame.rows,
    columns: frame.columns.map((c) => ({
      name: c.name,
      type: c.type,
      values:
        c.kind === 'number'
          ? Array.from(c.values, (x) => (x !== x ? null : x))
          : Array.from(c.codes, (code) => (code < 0 ? null : c.dictionary[code]))
    }))
  };
}

export function toPreviewView(preview: PipelinePreview): PreviewView {
  return {
    input: { schema: preview.input.schema, head: frameView(preview.input.rows) },
    steps: preview.steps.map((s) => ({
      schema: s.schema,
      head: frameView(s.rows),
      state: s.state
    })),
    ...(preview.error ? { error: preview.error } : {}),
    fittedRows: preview.fittedRows,
    facts: preview.facts
  };
}
