/**
 * "Why this prediction" for one row, for any model through its session: occlusion against the
 * typical row. Each input's value in turn is replaced by its typical value, the rest of the row
 * kept; the contribution of the value is how much the score moves back:
 *   contribution = score(row) − score(row with that input typical),
 * where the score is the probability of the class predicted for the row (classification) or
 * the prediction (regression). One run scores the row and every replacement together.
 */
import { LatheError } from '../base/errors';
import type { Session } from '../onnx/runtime';
import { batchFeeds } from './feeds';
import type { InferModel } from './model';
import { runOutputs, widthOf } from './run';
import { rowsFrame, typicalRow, type InputRow, type InputValue } from './typical';

/** The method's name, as the page shows it. */
export const ATTRIBUTION_METHOD =
  'Occlusion against the typical row: each value replaced by the training median (numbers) or most frequent value (categories), the change in the score it causes';

export interface Contribution {
  input: string;
  value: InputValue;
  typical: InputValue;
  /** score(row) − score(row with this input typical); null when the input has no typical value. */
  contribution: number | null;
}

export interface Attribution {
  method: typeof ATTRIBUTION_METHOD;
  /** What is scored: the predicted class's probability, or the prediction. */
  score: { kind: 'probability'; class: string } | { kind: 'prediction' };
  /** The row's score. */
  value: number;
  /** Largest contribution (in size) first; inputs without a typical value last. */
  contributions: Contribution[];
}

function same(a: InputValue, b: InputValue): boolean {
  return a === b || (typeof a === 'number' && typeof b === 'number' && a !== a && b !== b);
}

/**
 * Attributes the model's score on `row` to its inputs. `typical` defaults to the metadata's
 * typical row; pass one (medians of the rows at hand) for a file without metadata.
 */
export async function attribute(
  session: Session,
  model: InferModel,
  row: InputRow,
  typical: InputRow = typicalRow(model)
): Promise<Attribution> {
  const probabilities = model.outputs.find((o) => o.role === 'probabilities');
  const prediction = model.outputs.find((o) => o.role === 'prediction');
  const scored = probabilities ?? prediction;
  if (!scored) {
    throw new LatheError(
      'ATTRIBUTION_UNAVAILABLE',
      'The model has no probability or prediction output, so no value can be attributed to its inputs.'
    );
  }
  const value = (name: string): InputValue => (Object.hasOwn(row, name) ? row[name] : null);
  const varied = model.inputs.filter((i) => {
    const t = typical[i.name] ?? null;
    return t !== null && !same(t, value(i.name));
  });
  const rows = [row, ...varied.map((i) => ({ ...row, [i.name]: typical[i.name] }))];
  const outputs = await runOutputs(
    session,
    model,
    batchFeeds(rowsFrame(model, rows), model.inputs)
  );
  const tensor = outputs[scored.name];
  const data = tensor.data as Float32Array | Float64Array;
  const k = widthOf(tensor, rows.length);
  let column = 0;
  if (scored === probabilities) {
    for (let c = 1; c < k; c++) if (data[c] > data[column]) column = c;
  }
  const scoreOf = (r: number) => data[r * k + column];
  const base = scoreOf(0);
  const byInput = new Map(varied.map((input, j) => [input.name, base - scoreOf(j + 1)]));
  const contributions: Contribution[] = model.inputs.map((input) => {
    const t = typical[input.name] ?? null;
    return {
      input: input.name,
      value: value(input.name),
      typical: t,
      contribution: t === null ? null : (byInput.get(input.name) ?? 0)
    };
  });
  contributions.sort((a, b) =>
    a.contribution === null
      ? b.contribution === null
        ? 0
        : 1
      : b.contribution === null
        ? -1
        : Math.abs(b.contribution) - Math.abs(a.contribution)
  );
  return {
    method: ATTRIBUTION_METHOD,
    score:
      scored === probabilities
        ? { kind: 'probability', class: model.classes?.[column] ?? String(column) }
        : { kind: 'prediction' },
    value: base,
    contributions
  };
}
