/**
 * Rows given value by value (the single-row form, probes, attribution) as the Frame the
 * inputs take, and the typical row a form starts from: the medians and modes the export
 * wrote into the metadata (InputField.typical). A file made elsewhere carries none, so its
 * form starts empty.
 */
import type { Frame, FrameColumn } from '../features/frame';
import { parseText } from './feeds';
import type { InferModel, ModelInput } from './model';

/**
 * One input's value: a number (datetimes in epoch ms), a text for string inputs, or null for
 * missing.
 */
export type InputValue = number | string | null;
export type InputRow = Record<string, InputValue>;

/** The typical value of each input (null where the file has none). */
export function typicalRow(model: InferModel): InputRow {
  return Object.fromEntries(model.inputs.map((i) => [i.name, i.field?.typical ?? null]));
}

function isStringInput(input: ModelInput): boolean {
  return input.elementType === 'string';
}

function columnOf(input: ModelInput, rows: readonly InputRow[]): FrameColumn {
  const values = rows.map((r) => (Object.hasOwn(r, input.name) ? r[input.name] : null));
  if (isStringInput(input)) {
    const dictionary: string[] = [];
    const index = new Map<string, number>();
    const codes = Int32Array.from(values, (v) => {
      if (v === null) return -1;
      const text = String(v);
      let code = index.get(text);
      if (code === undefined) {
        code = dictionary.length;
        dictionary.push(text);
        index.set(text, code);
      }
      return code;
    });
    return { kind: 'category', name: input.name, type: 'categorical', codes, dictionary };
  }
  const dates = input.field?.type === 'datetime' || input.elementType === 'int64';
  return {
    kind: 'number',
    name: input.name,
    type: dates ? 'datetime' : 'float',
    values: Float64Array.from(values, (v) =>
      v === null || v === '' ? NaN : typeof v === 'number' ? v : parseText(v)
    )
  };
}

/**
 * Rows of input values as the Frame batchFeeds takes (one column per input, named as it);
 * an input a row leaves out is missing, and a text for a number input is read as the ingest
 * reads numbers (NaN, missing, when it is none).
 */
export function rowsFrame(model: InferModel, rows: readonly InputRow[]): Frame {
  return { rows: rows.length, columns: model.inputs.map((i) => columnOf(i, rows)) };
}
