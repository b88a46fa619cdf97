/**
 * Test harness for step lowerings: fits a step kind on a training frame, applies it to another
 * frame, lowers the fitted step into a graph over the raw columns, runs that graph in
 * onnxruntime-web (wasm) on the same rows, and compares every column with `apply`'s: numbers
 * within a relative 1e-9 (NaN only where apply gives NaN), categories and text as equal
 * strings ("" where apply has a missing value).
 */
import * as v from 'valibot';
import { expect } from 'vitest';
import type { Json } from '../../src/lib/core/base/json';
import type { Frame, FrameColumn } from '../../src/lib/core/features/frame';
import { frameFeeds } from '../../src/lib/core/features/lower';
import type { StepContext, StepKind } from '../../src/lib/core/features/step';
import { GraphBuilder } from '../../src/lib/core/onnx/graph';
import { ColumnLowering } from '../../src/lib/core/onnx/lowering';
import { createSession, runSession, type OutputTensor } from '../../src/lib/core/onnx/runtime';
import { serializeModel } from '../../src/lib/core/onnx/serialize';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyKind = StepKind<any, any>;

export interface LoweredRun {
  /** What `apply` gives on the test frame. */
  applied: Frame;
  /** The graph's result per column name after the step. */
  lowered: Map<string, OutputTensor>;
  /** The graph's input names (the raw columns it reads). */
  inputs: string[];
  bytes: Uint8Array;
}

const STEP: StepContext = { index: 0, seed: 1 };

/** Fits on `train`, applies to `test`, and runs the lowered step on `test`'s raw columns. */
export async function runLowered(
  kind: AnyKind,
  rawParams: unknown,
  train: Frame,
  test: Frame = train,
  step: StepContext = STEP
): Promise<LoweredRun> {
  const params = v.parse(kind.params, rawParams);
  const state = JSON.parse(JSON.stringify(kind.fit(train, params, step))) as Json;
  const applied = kind.apply(test, params, state, step);
  if (typeof kind.lower !== 'function') throw new Error(`${kind.type} has no lowering`);
  const g = new GraphBuilder();
  const ctx = new ColumnLowering(
    g,
    test.columns.map((c) => ({ name: c.name, type: c.type }))
  );
  ctx.step = `Step 1 (${kind.type})`;
  kind.lower(ctx, params, state, step);
  const names = ctx.columns;
  const outputs = names.map((name, i) => g.output(ctx.column(name), `out${i}`));
  const graph = g.build();
  const bytes = serializeModel(graph, { producerVersion: 'test', modelVersion: 1 });
  const session = await createSession(bytes);
  const inputs = graph.inputs.map((i) => i.name);
  try {
    const result = await runSession(session, frameFeeds(test, inputs));
    const lowered = new Map(names.map((name, i) => [name, result[outputs[i].name]]));
    return { applied, lowered, inputs, bytes };
  } finally {
    await session.release();
  }
}

function expectColumn(column: FrameColumn, got: OutputTensor, rows: number, where: string): void {
  expect(got.dims, `${where}: shape`).toEqual([rows, 1]);
  if (column.kind === 'category') {
    expect(got.type, `${where}: type`).toBe('string');
    const expected = Array.from(column.codes, (c) => (c < 0 ? '' : column.dictionary[c]));
    expect(Array.from(got.data as string[]), where).toEqual(expected);
    return;
  }
  expect(got.type, `${where}: type`).toBe('float64');
  const data = got.data as Float64Array;
  for (let i = 0; i < rows; i++) {
    const e = column.values[i];
    const a = data[i];
    const same =
      Object.is(a, e) ||
      (Number.isNaN(e) && Number.isNaN(a)) ||
      Math.abs(a - e) <= 1e-9 * Math.max(Math.abs(e), 1e-300);
    if (!same) expect(a, `${where}, row ${i}`).toBe(e);
  }
}

/** Every column `apply` gives is in the graph's results, with the same values. */
export function expectLoweredEqual(run: LoweredRun, what = ''): void {
  const { applied, lowered } = run;
  expect([...lowered.keys()].sort(), `${what} columns`).toEqual(
    applied.columns.map((c) => c.name).sort()
  );
  for (const column of applied.columns) {
    expectColumn(column, lowered.get(column.name)!, applied.rows, `${what} "${column.name}"`);
  }
}
