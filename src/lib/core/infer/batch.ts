/**
 * Scoring prepared rows (inputs.ts prepareRows) through a session, BATCH_ROWS at a time, with
 * progress and cancellation between batches. The outputs come back as columns: the label as
 * text, the probabilities as an n×k matrix in class order, or the prediction; and every tensor
 * output the model has, by name.
 */
import { LatheError } from '../base/errors';
import type { Progress } from '../base/progress';
import type { Frame } from '../features/frame';
import type { OutputTensor, Session } from '../onnx/runtime';
import { batchFeeds } from './feeds';
import type { InferModel, OutputRole } from './model';
import { runOutputs, widthOf } from './run';

export const BATCH_ROWS = 65_536;

export interface OutputColumn {
  name: string;
  role: OutputRole;
  /** Values per row (k for probabilities). */
  width: number;
  /** Numbers as float32, row-major; labels and other text or int64 outputs as text. */
  values: Float32Array | string[];
}

export interface Predictions {
  rows: number;
  /** The label output per row; null when the model has none. */
  label: string[] | null;
  /** n×k, row-major, in the order of `classes`; null when the model has none. */
  probabilities: Float32Array | null;
  /** Class labels of the probability columns; null when not known. */
  classes: string[] | null;
  /** Regression: one value per row; else null. */
  prediction: Float32Array | null;
  /** Every tensor output, in the graph's order. */
  outputs: OutputColumn[];
}

export interface BatchOptions {
  /** Rows per run (BATCH_ROWS). */
  batchRows?: number;
  onProgress?: (progress: Progress) => void;
  /** Checked before each batch: once aborted, throws LatheError 'CANCELLED'. */
  signal?: AbortSignal;
  /** Milliseconds since some origin, for the rate (performance.now). */
  now?: () => number;
}

function isText(data: OutputTensor['data']): data is string[] | BigInt64Array {
  return Array.isArray(data) || data instanceof BigInt64Array;
}

class Collector {
  width = -1;
  numbers: Float32Array | null = null;
  texts: string[] | null = null;

  constructor(
    readonly name: string,
    readonly role: OutputRole,
    readonly rows: number
  ) {}

  add(tensor: OutputTensor, start: number, count: number): void {
    const w = widthOf(tensor, count);
    if (this.width < 0) this.width = w;
    if (w !== this.width) {
      throw new LatheError(
        'ONNX_OUTPUT',
        `The model's output "${this.name}" has ${w} values per row in one batch and ${this.width} in another.`,
        { output: this.name }
      );
    }
    const data = tensor.data;
    if (isText(data)) {
      this.texts ??= [];
      for (let i = 0; i < data.length; i++) this.texts.push(String(data[i]));
    } else {
      this.numbers ??= new Float32Array(this.rows * w);
      if (data instanceof Uint8Array) this.numbers.set(Float32Array.from(data), start * w);
      else this.numbers.set(data, start * w);
    }
  }

  column(): OutputColumn {
    return {
      name: this.name,
      role: this.role,
      width: Math.max(this.width, 0),
      values: this.texts ?? this.numbers ?? new Float32Array(0)
    };
  }
}

/**
 * Runs the model on every row of `prepared`, in batches. Throws LatheError 'CANCELLED' when
 * `signal` is aborted between batches; what was computed is dropped.
 */
export async function predictBatches(
  session: Session,
  model: InferModel,
  prepared: Frame,
  options: BatchOptions = {}
): Promise<Predictions> {
  const batchRows = options.batchRows ?? BATCH_ROWS;
  const now = options.now ?? (() => performance.now());
  const rows = prepared.rows;
  const collectors = model.outputs.map((o) => new Collector(o.name, o.role, rows));
  const started = now();
  const report = (done: number) => {
    const seconds = (now() - started) / 1000;
    options.onProgress?.({
      phase: 'Predicting',
      fraction: rows === 0 ? 1 : done / rows,
      count: { done, total: rows, unit: 'rows' },
      rate: { perSecond: seconds > 0 ? done / seconds : 0, unit: 'rows' },
      etaSeconds: done > 0 && seconds > 0 ? ((rows - done) * seconds) / done : null
    });
  };
  report(0);
  for (let start = 0; start < rows; start += batchRows) {
    if (options.signal?.aborted) {
      throw new LatheError(
        'CANCELLED',
        `Predicting was cancelled after ${start.toLocaleString('en')} of ${rows.toLocaleString('en')} rows.`,
        { rowsDone: start, rows }
      );
    }
    const end = Math.min(rows, start + batchRows);
    const outputs = await runOutputs(
      session,
      model,
      batchFeeds(prepared, model.inputs, start, end)
    );
    collectors.forEach((c) => c.add(outputs[c.name], start, end - start));
    report(end);
  }
  const columns = collectors.map((c) => c.column());
  const find = (role: OutputRole) => columns.find((c) => c.role === role) ?? null;
  const label = find('label');
  const probabilities = find('probabilities');
  const prediction = find('prediction');
  const numbers = (c: OutputColumn | null) =>
    c && c.values instanceof Float32Array ? c.values : null;
  return {
    rows,
    label: label && Array.isArray(label.values) ? label.values : null,
    probabilities: numbers(probabilities),
    classes: probabilities ? model.classes : null,
    prediction: numbers(prediction),
    outputs: columns
  };
}
