/**
 * Rows as a model's graph inputs. The checked columns are first brought to what each input
 * takes (coerceColumn: numbers parsed from text with the ingest's parser, numbers written as
 * category text, missing tokens made missing), named as the inputs; a batch of that Frame
 * then becomes tensors through features/lower.ts frameFeeds, as at export.
 */
import { parseNumber } from '../data/number';
import { MISSING_TOKENS } from '../data/types';
import type { CategoryColumn, Frame, FrameColumn, NumericColumn } from '../features/frame';
import { frameFeeds } from '../features/lower';
import type { InputTensor } from '../onnx/runtime';
import type { ModelInput } from './model';

/**
 * How a column reaches an input: as it is, numbers parsed from text ('parse'), or numbers
 * written as text ('format').
 */
export type Conversion = 'none' | 'parse' | 'format';

/** The missing-value texts of an input (compared trimmed, case-insensitively). */
export function missingTokensOf(input: ModelInput): Set<string> {
  return new Set((input.field?.missingTokens ?? MISSING_TOKENS).map((t) => t.trim().toLowerCase()));
}

const utf8 = new TextEncoder();

/** The number a text reads as, the ingest's way ('.' decimals); NaN when it is none. */
export function parseText(text: string): number {
  const bytes = utf8.encode(text);
  return parseNumber(bytes, 0, bytes.length);
}

/** A number as category text: its shortest round-trip decimal ("3", "2.5"); "" when missing. */
export function formatNumber(x: number): string {
  return x === x ? String(x) : '';
}

function numberType(input: ModelInput): NumericColumn['type'] {
  if (input.field?.type === 'datetime' || input.elementType === 'int64') return 'datetime';
  return 'float';
}

/**
 * `column` as `input` takes it, named as the input. Texts that are missing tokens become
 * missing; with 'parse', texts that are not numbers become missing too (the caller counts them).
 */
export function coerceColumn(
  column: FrameColumn,
  input: ModelInput,
  conversion: Conversion
): FrameColumn {
  const tokens = missingTokensOf(input);
  if (column.kind === 'number') {
    if (conversion === 'format') {
      const dictionary: string[] = [];
      const index = new Map<string, number>();
      const codes = new Int32Array(column.values.length);
      column.values.forEach((x, i) => {
        if (x !== x) {
          codes[i] = -1;
          return;
        }
        const text = formatNumber(x);
        let code = index.get(text);
        if (code === undefined) {
          code = dictionary.length;
          dictionary.push(text);
          index.set(text, code);
        }
        codes[i] = code;
      });
      return { kind: 'category', name: input.name, type: 'categorical', codes, dictionary };
    }
    return { ...column, name: input.name, type: numberType(input) };
  }
  const missing = column.dictionary.map((d) => tokens.has(d.trim().toLowerCase()));
  if (conversion === 'parse') {
    const parsed = column.dictionary.map((d, i) => (missing[i] ? NaN : parseText(d)));
    const values = new Float64Array(column.codes.length);
    column.codes.forEach((c, i) => {
      values[i] = c < 0 ? NaN : parsed[c];
    });
    return { kind: 'number', name: input.name, type: numberType(input), values };
  }
  const category: CategoryColumn = { ...column, name: input.name };
  if (missing.some(Boolean)) {
    category.codes = column.codes.map((c) => (c >= 0 && missing[c] ? -1 : c));
  }
  return category;
}

function sliceColumn(column: FrameColumn, start: number, end: number): FrameColumn {
  return column.kind === 'number'
    ? { ...column, values: column.values.subarray(start, end) }
    : { ...column, codes: column.codes.subarray(start, end) };
}

/** Rows [start, end) of a Frame, sharing its arrays. */
export function sliceFrame(frame: Frame, start: number, end: number): Frame {
  return { rows: end - start, columns: frame.columns.map((c) => sliceColumn(c, start, end)) };
}

/**
 * The feeds of rows [start, end) of `prepared` (columns named and coerced as the inputs,
 * prepareRows in inputs.ts). A 'float' input gets float32 values; an input of rank 1 gets [N].
 */
export function batchFeeds(
  prepared: Frame,
  inputs: readonly ModelInput[],
  start = 0,
  end = prepared.rows
): Record<string, InputTensor> {
  const feeds = frameFeeds(
    sliceFrame(prepared, start, end),
    inputs.map((i) => i.name)
  );
  for (const input of inputs) {
    const feed = feeds[input.name];
    const data =
      input.elementType === 'float' && feed.data instanceof Float64Array
        ? Float32Array.from(feed.data)
        : feed.data;
    const dims = input.shape?.length === 1 ? [end - start] : feed.dims;
    feeds[input.name] = { data, dims };
  }
  return feeds;
}
