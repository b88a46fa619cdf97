/**
 * The inference core (src/lib/core/infer): rows checked against a model's inputs, fed in
 * batches, scored, and explained — against hand-built graphs whose answers are computed here
 * by hand, and against the committed exports with the app's own predictions beside them.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Frame, FrameColumn } from '../../src/lib/core/features/frame';
import { ATTRIBUTION_METHOD, attribute } from '../../src/lib/core/infer/attribution';
import { BATCH_ROWS, predictBatches } from '../../src/lib/core/infer/batch';
import { batchFeeds } from '../../src/lib/core/infer/feeds';
import {
  checkMissing,
  closestNames,
  describeCounts,
  prepareRows
} from '../../src/lib/core/infer/inputs';
import { inferModel, type InferModel } from '../../src/lib/core/infer/model';
import { runOutputs } from '../../src/lib/core/infer/run';
import { rowsFrame, typicalRow } from '../../src/lib/core/infer/typical';
import { attr, GraphBuilder, type Value } from '../../src/lib/core/onnx/graph';
import {
  MISSING_DATETIME,
  METADATA_FORMAT,
  METADATA_VERSION,
  type InputField,
  type OnnxMetadata
} from '../../src/lib/core/onnx/metadata';
import { readOnnx, type OnnxSummary } from '../../src/lib/core/onnx/read';
import { createSession, type Session } from '../../src/lib/core/onnx/runtime';
import { serializeModel } from '../../src/lib/core/onnx/serialize';
import { typicalOf } from '../../src/lib/core/pipeline/export';
import { cat, frame as frameOf, num } from '../fixtures/features/frames';

const DAY = 86_400_000;

/**
 * prediction = 2x − 3y + [c = "a"] + 0.5·z' + 0.001·days(t), where z' is z with a missing value
 * imputed as 5 (x and y have no imputer: a missing one makes the prediction NaN).
 */
function linearGraph(): ReturnType<GraphBuilder['build']> {
  const g = new GraphBuilder('hand');
  const x = g.input('x', 'double');
  const y = g.input('y', 'double');
  const c = g.input('c', 'string');
  const z = g.input('z', 'double');
  const t = g.input('t', 'int64');
  const d = (v: Value, hint: string) =>
    g.op('Cast', [v], { dtype: 'double', shape: v.shape, name: hint }, { to: attr.int(11) });
  const mul = (v: Value, k: number) =>
    g.op('Mul', [v, g.doubles('k', [k])], { dtype: 'double', shape: v.shape });
  const add = (a: Value, b: Value) => g.op('Add', [a, b], { dtype: 'double', shape: a.shape });
  const isA = g.op(
    'LabelEncoder',
    [c],
    { dtype: 'int64', shape: c.shape },
    {
      keys_strings: attr.strings(['a']),
      values_int64s: attr.ints([1]),
      default_int64: attr.int(0)
    },
    'ai.onnx.ml'
  );
  const nan = g.op('IsNaN', [z], { dtype: 'bool', shape: z.shape });
  const zi = g.op('Where', [nan, g.doubles('five', [5]), z], { dtype: 'double', shape: z.shape });
  const days = g.op('Div', [d(t, 't_ms'), g.doubles('day', [DAY])], {
    dtype: 'double',
    shape: t.shape
  });
  let sum = add(mul(x, 2), mul(y, -3));
  sum = add(sum, d(isA, 'is_a'));
  sum = add(sum, mul(zi, 0.5));
  sum = add(sum, mul(days, 0.001));
  const out = g.op('Cast', [sum], { dtype: 'float', shape: sum.shape }, { to: attr.int(1) });
  g.output(out, 'prediction');
  return g.build();
}

function expectedLinear(x: number, y: number, c: string, z: number, tMs: number): number {
  return (
    2 * x - 3 * y + (c === 'a' ? 1 : 0) + 0.5 * (Number.isNaN(z) ? 5 : z) + (0.001 * tMs) / DAY
  );
}

const FIELDS: InputField[] = [
  {
    name: 'x',
    type: 'float',
    elementType: 'double',
    missingTokens: ['', 'na'],
    range: { min: 0, max: 10 },
    typical: 5
  },
  {
    name: 'y',
    type: 'integer',
    elementType: 'double',
    missingTokens: ['', 'na'],
    range: { min: 0, max: 4 },
    typical: 2
  },
  {
    name: 'c',
    type: 'categorical',
    elementType: 'string',
    missingTokens: ['', 'na'],
    categories: ['a', 'b'],
    typical: 'a'
  },
  { name: 'z', type: 'float', elementType: 'double', missingTokens: ['', 'na'], typical: 1 },
  {
    name: 't',
    type: 'datetime',
    elementType: 'int64',
    missingTokens: ['', 'na'],
    range: { min: 0, max: 100 * DAY },
    typical: 10 * DAY
  }
];

function metadata(): OnnxMetadata {
  return {
    format: METADATA_FORMAT,
    version: METADATA_VERSION,
    task: 'regression',
    target: 'target',
    inputs: FIELDS,
    outputs: ['prediction'],
    classes: null,
    model: 'linear',
    spec: null,
    trainingOnlySteps: [],
    hashes: { dataset: null, featureSet: null, spec: null, model: null },
    engineVersion: 'test',
    backend: null,
    metrics: {}
  };
}

function linearBytes(withMetadata: boolean): Uint8Array {
  return serializeModel(linearGraph(), {
    producerVersion: 'test',
    modelVersion: 1,
    metadata: withMetadata ? metadata() : null
  });
}

let linear: { session: Session; model: InferModel };

beforeAll(async () => {
  const bytes = linearBytes(true);
  linear = { session: await createSession(bytes), model: inferModel(readOnnx(bytes)) };
});
afterAll(async () => {
  await linear.session.release();
});

describe('checking rows against the inputs', () => {
  it('names a missing input with the closest columns, and takes a mapping for it', () => {
    const rows = frameOf(
      num('X', [1, 2]),
      num('yy', [1, 1], 'integer'),
      cat('c', ['a', 'b']),
      num('z', [1, 1]),
      num('t', [0, DAY], 'datetime'),
      cat('note', ['hi', 'there'], 'text')
    );
    const { check, frame } = prepareRows(linear.model, rows);
    expect(frame).toBeNull();
    const byInput = Object.fromEntries(check.inputs.map((c) => [c.input, c]));
    expect(byInput.x.column).toBeNull();
    // Equal but for case; a one-letter name has no near neighbours.
    expect(byInput.x.suggestions).toEqual(['X']);
    expect(byInput.y.suggestions).toEqual([]);
    expect(check.problems.map((p) => [p.code, p.details?.input])).toEqual([
      ['INPUT_MISSING', 'x'],
      ['INPUT_MISSING', 'y']
    ]);
    expect(check.problems[0].message).toBe(
      'The model needs the input "x", and the rows have no column of that name. Closest columns: "X"; choose one for it.'
    );

    const mapped = prepareRows(linear.model, rows, { x: 'X', y: 'yy' });
    expect(mapped.check.problems).toEqual([]);
    expect(mapped.check.inputs.map((c) => [c.input, c.column, c.mapped])).toEqual([
      ['x', 'X', true],
      ['y', 'yy', true],
      ['c', 'c', false],
      ['z', 'z', false],
      ['t', 't', false]
    ]);
    expect(mapped.check.passThrough).toEqual(['note']);
    const wrong = prepareRows(linear.model, rows, { x: 'nope', y: 'yy' });
    expect(wrong.check.problems[0].message).toMatch(
      /^The model's input "x" is mapped to the column "nope", which the rows do not have\./
    );
  });

  it('suggests names equal but for case, spaces and punctuation first, then names holding the input name, then a few edits away', () => {
    const columns = ['Bill', 'Body Mass (kg)', 'body_mass_g', 'Mass', 'Flipper Length (mm)'];
    expect(closestNames('Body Mass (g)', columns)).toEqual(['body_mass_g', 'Body Mass (kg)']);
    expect(closestNames('flipper_length_mm', columns)).toEqual(['Flipper Length (mm)']);
    expect(closestNames('Sex', ['sex', 'Six', 'Sexes', 'Island'])).toEqual(['sex', 'Sexes', 'Six']);
    expect(closestNames('Island', ['island name', 'Ireland', 'Species'])).toEqual([
      'island name',
      'Ireland'
    ]);
  });

  it('refuses the types that cannot feed an input, saying why', () => {
    const rows = frameOf(
      num('x', [DAY, 2 * DAY], 'datetime'),
      num('y', [1, 0], 'boolean'),
      num('c', [1, 0], 'boolean'),
      num('z', [1, 2]),
      cat('t', ['2020-01-01', '2020-01-02'])
    );
    const { check, frame } = prepareRows(linear.model, rows);
    expect(frame).toBeNull();
    expect(check.problems.map((p) => [p.code, p.details?.input, p.details?.columnType])).toEqual([
      ['INPUT_TYPE', 'x', 'datetime'],
      ['INPUT_TYPE', 'c', 'boolean'],
      ['INPUT_TYPE', 't', 'categorical']
    ]);
    expect(check.problems[0].message).toBe(
      'The column "x" (datetime) cannot feed the model\'s input "x" (double): it takes numbers and the column holds dates; read the column as numbers if it holds them.'
    );
    expect(check.problems[2].message).toMatch(
      /it takes dates and the column holds categorical values/
    );
    // A boolean feeds a number input as 0/1.
    expect(check.inputs[1]).toMatchObject({ conversion: 'none', problem: null });
  });

  it('counts missing values, texts that are not numbers, unseen categories and values out of range', () => {
    const rows = frameOf(
      num('x', [1, NaN, 11, -1, 3, 4]),
      cat('y', ['1', 'abc', null, 'NA', ' 2 ', '1e1'], 'text'),
      cat('c', ['a', 'q', 'b', 'r', 'q', null]),
      num('z', [NaN, NaN, 1, 1, 1, 1]),
      num('t', [0, 50 * DAY, 200 * DAY, NaN, 0, 0], 'datetime')
    );
    const { check, frame } = prepareRows(linear.model, rows);
    expect(check.problems).toEqual([]);
    const counts = Object.fromEntries(check.inputs.map((c) => [c.input, c.counts]));
    expect(counts).toEqual({
      x: { missing: 1, notNumbers: 0, unseen: 0, outOfRange: 2 },
      // "abc" is no number; "NA" is a missing-value text; "1e1" = 10 is outside 0..4.
      y: { missing: 2, notNumbers: 1, unseen: 0, outOfRange: 1 },
      c: { missing: 1, notNumbers: 0, unseen: 3, outOfRange: 0 },
      z: { missing: 2, notNumbers: 0, unseen: 0, outOfRange: 0 },
      t: { missing: 1, notNumbers: 0, unseen: 0, outOfRange: 1 }
    });
    expect(check.inputs[1].conversion).toBe('parse');
    expect(check.inputs[1].missingRows).toEqual([2, 3, 4]);
    expect(check.inputs[2].unseenExamples).toEqual(['q', 'r']);
    expect(describeCounts(check.inputs[1])).toBe(
      '"y" → "y": 2 missing values; 1 text that are not numbers (sent as missing); 1 value outside the training range.'
    );
    const feeds = batchFeeds(frame!, linear.model.inputs);
    expect(Array.from(feeds.y.data as Float64Array)).toEqual([1, NaN, NaN, NaN, 2, 10]);
    expect(feeds.c.data).toEqual(['a', 'q', 'b', 'r', 'q', '']);
    expect(Array.from(feeds.t.data as BigInt64Array)).toEqual([
      0n,
      BigInt(50 * DAY),
      BigInt(200 * DAY),
      MISSING_DATETIME,
      0n,
      0n
    ]);
    expect(feeds.x.dims).toEqual([6, 1]);
  });

  it('writes numbers for a category input as their decimal text, counting those not seen in training', () => {
    const rows = frameOf(
      num('x', [1, 1]),
      num('y', [1, 1]),
      num('c', [1, 2.5], 'integer'),
      num('z', [1, 1]),
      num('t', [0, 0], 'datetime')
    );
    const { check, frame } = prepareRows(linear.model, rows);
    expect(check.inputs[2]).toMatchObject({
      conversion: 'format',
      counts: { unseen: 2 },
      unseenExamples: ['1', '2.5']
    });
    expect(batchFeeds(frame!, linear.model.inputs).c.data).toEqual(['1', '2.5']);
  });

  it('stops with the column and its first rows when the model has no imputer for a missing input', async () => {
    const xs = [1, NaN, 2, NaN, 3, NaN, NaN, NaN, NaN];
    const n = xs.length;
    const rows = frameOf(
      num('x', xs),
      num('y', Array(n).fill(1)),
      cat('c', Array(n).fill(null)),
      num('z', Array(n).fill(NaN)),
      num('t', Array(n).fill(NaN), 'datetime')
    );
    const prepared = prepareRows(linear.model, rows);
    expect(prepared.check.problems).toEqual([]);
    const found = await checkMissing(linear.session, linear.model, prepared);
    // z has an imputer; c ("" → not "a") and t (the sentinel) give finite predictions.
    expect(found).toEqual([
      {
        code: 'INPUT_MISSING_NOT_ALLOWED',
        message:
          'The column "x" has 6 missing values (rows 2, 4, 6, 7, 8 …), and the model has no imputer for its input "x": it would predict NaN for those rows. Fill them in or leave those rows out, or add an impute step for "x" and train again.',
        details: { input: 'x', column: 'x', rows: [2, 4, 6, 7, 8], missing: 6 }
      }
    ]);
    expect(prepared.check.problems).toEqual(found);
  });
});

describe('scoring in batches', () => {
  it('scores rows across a batch boundary as computed by hand, with progress', async () => {
    const n = 70_000;
    const x = Float64Array.from({ length: n }, (_, i) => (i % 101) / 10);
    const y = Float64Array.from({ length: n }, (_, i) => i % 5);
    const c = Array.from({ length: n }, (_, i) => (i % 3 === 0 ? 'a' : 'b'));
    const z = Float64Array.from({ length: n }, (_, i) => (i % 7 === 0 ? NaN : i % 4));
    const t = Float64Array.from({ length: n }, (_, i) => (i % 50) * DAY);
    const rows: Frame = {
      rows: n,
      columns: [
        { kind: 'number', name: 'x', type: 'float', values: x },
        { kind: 'number', name: 'y', type: 'integer', values: y },
        cat('c', c),
        { kind: 'number', name: 'z', type: 'float', values: z },
        { kind: 'number', name: 't', type: 'datetime', values: t }
      ]
    };
    const { frame } = prepareRows(linear.model, rows);
    const seen: [number, number | null][] = [];
    const result = await predictBatches(linear.session, linear.model, frame!, {
      onProgress: (p) => seen.push([p.count!.done, p.count!.total])
    });
    expect(seen).toEqual([
      [0, n],
      [BATCH_ROWS, n],
      [n, n]
    ]);
    expect(result.rows).toBe(n);
    expect(result.label).toBeNull();
    expect(result.probabilities).toBeNull();
    expect(result.prediction!.length).toBe(n);
    let worst = 0;
    for (let i = 0; i < n; i++) {
      const want = expectedLinear(x[i], y[i], c[i], z[i], t[i]);
      worst = Math.max(worst, Math.abs(result.prediction![i] - want) / Math.max(1, Math.abs(want)));
    }
    expect(worst).toBeLessThan(1e-6);
    expect(result.outputs.map((o) => [o.name, o.role, o.width])).toEqual([
      ['prediction', 'prediction', 1]
    ]);
  });

  it('stops between batches once cancelled', async () => {
    const n = 10;
    const rows = frameOf(
      num('x', Array(n).fill(1)),
      num('y', Array(n).fill(1)),
      cat('c', Array(n).fill('a')),
      num('z', Array(n).fill(1)),
      num('t', Array(n).fill(0), 'datetime')
    );
    const { frame } = prepareRows(linear.model, rows);
    const controller = new AbortController();
    const done: number[] = [];
    const run = predictBatches(linear.session, linear.model, frame!, {
      batchRows: 4,
      signal: controller.signal,
      onProgress: (p) => {
        done.push(p.count!.done);
        if (p.count!.done >= 4) controller.abort();
      }
    });
    await expect(run).rejects.toMatchObject({
      code: 'CANCELLED',
      message: 'Predicting was cancelled after 4 of 10 rows.'
    });
    expect(done).toEqual([0, 4]);
  });

  it("reproduces the app's predictions of a committed export (penguins, logistic), batch by batch", async () => {
    const dir = join(import.meta.dirname, '../fixtures/onnx');
    const bytes = new Uint8Array(readFileSync(join(dir, 'penguins-logistic.onnx')));
    const expected = JSON.parse(
      readFileSync(join(dir, 'penguins-logistic.expected.json'), 'utf8')
    ) as {
      rows: number;
      inputs: Record<string, { elementType: string; values: (number | string | null)[] }>;
      outputs: { label: string[]; probabilities: number[][] };
    };
    const columns: FrameColumn[] = Object.entries(expected.inputs).map(
      ([name, { elementType, values }]) =>
        elementType === 'string'
          ? cat(
              name,
              values.map((v) => (v === '' ? null : (v as string)))
            )
          : num(
              name,
              values.map((v) => (v === null ? NaN : (v as number)))
            )
    );
    // Reversed, with an extra column: inputs are found by name, the rest passes through.
    const rows: Frame = {
      rows: expected.rows,
      columns: [
        ...columns.reverse(),
        cat(
          'id',
          Array.from({ length: expected.rows }, (_, i) => `r${i}`)
        )
      ]
    };
    const model = inferModel(readOnnx(bytes));
    const session = await createSession(bytes);
    try {
      const prepared = prepareRows(model, rows);
      expect(prepared.check.problems).toEqual([]);
      expect(prepared.check.passThrough).toEqual(['id']);
      expect(await checkMissing(session, model, prepared)).toEqual([]);
      const result = await predictBatches(session, model, prepared.frame!, { batchRows: 7 });
      expect(result.classes).toEqual(model.metadata!.classes);
      expect(result.label).toEqual(expected.outputs.label);
      const k = result.classes!.length;
      let worst = 0;
      expected.outputs.probabilities.forEach((row, i) =>
        row.forEach(
          (p, j) => (worst = Math.max(worst, Math.abs(result.probabilities![i * k + j] - p)))
        )
      );
      expect(worst).toBeLessThanOrEqual(1e-5);
    } finally {
      await session.release();
    }
  });

  it('reads a file without metadata through its tensor outputs, leaving out a ZipMap', () => {
    const summary = readOnnx(linearBytes(false));
    expect(summary.metadata).toBeNull();
    const model = inferModel({
      ...summary,
      outputs: [
        { name: 'output_label', kind: 'tensor', elementType: 'int64', shape: ['N'] },
        { name: 'output_probability', kind: 'sequence', elementType: null, shape: null },
        { name: 'scores', kind: 'tensor', elementType: 'float', shape: ['N', 3] }
      ]
    } satisfies OnnxSummary);
    expect(model.outputs).toEqual([
      { name: 'output_label', elementType: 'int64', role: 'label' },
      { name: 'scores', elementType: 'float', role: 'probabilities' }
    ]);
    expect(inferModel(summary).outputs).toEqual([
      { name: 'prediction', elementType: 'float', role: 'prediction' }
    ]);
    expect(inferModel(summary).inputs.every((i) => i.field === null)).toBe(true);
    expect(typicalRow(inferModel(summary))).toEqual({
      x: null,
      y: null,
      c: null,
      z: null,
      t: null
    });
  });

  it('fetches only the outputs it reads', async () => {
    const g = new GraphBuilder('two');
    const x = g.input('x', 'double');
    g.output(g.op('Neg', [x], { dtype: 'double', shape: x.shape }), 'kept');
    g.output(g.op('Abs', [x], { dtype: 'double', shape: x.shape }), 'left');
    const bytes = serializeModel(g.build(), { producerVersion: 'test', modelVersion: 1 });
    const summary = readOnnx(bytes);
    const model = inferModel({ ...summary, outputs: summary.outputs.slice(0, 1) });
    const session = await createSession(bytes);
    try {
      const out = await runOutputs(session, model, {
        x: { data: Float64Array.of(-2), dims: [1, 1] }
      });
      expect(Object.keys(out)).toEqual(['kept']);
      expect(Array.from(out.kept.data as Float64Array)).toEqual([2]);
    } finally {
      await session.release();
    }
  });

  it('refuses an input wider than one column', () => {
    const summary = readOnnx(linearBytes(false));
    const model = inferModel({
      ...summary,
      inputs: [{ name: 'float_input', kind: 'tensor', elementType: 'float', shape: ['N', 4] }]
    });
    const { check } = prepareRows(model, frameOf(num('float_input', [1])));
    expect(check.problems[0].message).toBe(
      'The column "float_input" (float) cannot feed the model\'s input "float_input" (float): it takes a tensor of shape [N, 4]; Lathe feeds each input one column, [N, 1] or [N].'
    );
  });
});

describe('the typical row', () => {
  it('is the median of finite numbers, the most frequent boolean and category (ties by code point)', () => {
    expect(typicalOf(num('a', [3, 1, NaN, 2, 10]))).toBe(2.5);
    expect(typicalOf(num('a', [3, 1, 2]))).toBe(2);
    expect(typicalOf(num('a', [NaN]))).toBeUndefined();
    expect(typicalOf(num('a', [1, 0, 1, NaN, 0], 'boolean'))).toBe(0);
    expect(typicalOf(num('a', [1, 0, 1], 'boolean'))).toBe(1);
    expect(typicalOf(cat('a', ['b', 'a', 'b', null, 'a', 'c', null, null]))).toBe('a');
    expect(typicalOf(cat('a', ['Z', 'a', 'a', 'Z']))).toBe('Z');
  });

  it('comes from the metadata of an export, within the training range', () => {
    const bytes = new Uint8Array(
      readFileSync(join(import.meta.dirname, '../fixtures/onnx/penguins-logistic.onnx'))
    );
    const model = inferModel(readOnnx(bytes));
    const row = typicalRow(model);
    for (const input of model.inputs) {
      const value = row[input.name];
      const { range, categories } = input.field!;
      if (range) expect(value as number).toBeGreaterThanOrEqual(range.min);
      if (range) expect(value as number).toBeLessThanOrEqual(range.max);
      if (categories) expect(categories).toContain(value);
    }
    expect(Object.keys(row)).toEqual(model.inputs.map((i) => i.name));
  });

  it('scores as the hand-computed value when fed as a single row', async () => {
    const frame = rowsFrame(linear.model, [typicalRow(linear.model)]);
    const result = await predictBatches(linear.session, linear.model, frame);
    expect(result.prediction![0]).toBeCloseTo(expectedLinear(5, 2, 'a', 1, 10 * DAY), 5);
  });
});

describe('why this prediction', () => {
  it("gives each value's occlusion effect against the typical row, largest first", async () => {
    const row = { x: 7, y: 1, c: 'b', z: null, t: 10 * DAY };
    const result = await attribute(linear.session, linear.model, row);
    expect(result.method).toBe(ATTRIBUTION_METHOD);
    expect(result.score).toEqual({ kind: 'prediction' });
    expect(result.value).toBeCloseTo(expectedLinear(7, 1, 'b', NaN, 10 * DAY), 5);
    // 2·(7 − 5) = 4, −3·(1 − 2) = 3, 0.5·(5 − 1) = 2 (missing z is imputed as 5), 0 − 1 = −1;
    // t equals its typical value.
    expect(result.contributions.map((c) => c.input)).toEqual(['x', 'y', 'z', 'c', 't']);
    const by = Object.fromEntries(result.contributions.map((c) => [c.input, c.contribution!]));
    expect(by.x).toBeCloseTo(4, 4);
    expect(by.y).toBeCloseTo(3, 4);
    expect(by.z).toBeCloseTo(2, 4);
    expect(by.c).toBeCloseTo(-1, 4);
    expect(by.t).toBe(0);
  });

  it("scores the predicted class's probability for a classifier", async () => {
    const bytes = new Uint8Array(
      readFileSync(join(import.meta.dirname, '../fixtures/onnx/penguins-logistic.onnx'))
    );
    const model = inferModel(readOnnx(bytes));
    const session = await createSession(bytes);
    try {
      const typical = typicalRow(model);
      const row = { ...typical, Island: 'Torgersen', 'Beak Length (mm)': 36 };
      const result = await attribute(session, model, row);
      const single = await predictBatches(session, model, rowsFrame(model, [row]));
      const k = model.classes!.length;
      const probabilities = Array.from(single.probabilities!.subarray(0, k));
      const best = probabilities.indexOf(Math.max(...probabilities));
      expect(result.score).toEqual({ kind: 'probability', class: model.classes![best] });
      expect(result.value).toBe(probabilities[best]);
      // Only the two changed inputs move the score; each is that class's probability at the row
      // minus at the row with the value put back to typical.
      const back = await predictBatches(
        session,
        model,
        rowsFrame(model, [{ ...row, Island: typical.Island }])
      );
      const island = result.contributions.find((c) => c.input === 'Island')!;
      expect(island.contribution).toBeCloseTo(probabilities[best] - back.probabilities![best], 6);
      expect(
        result.contributions
          .filter((c) => c.contribution !== 0)
          .map((c) => c.input)
          .sort()
      ).toEqual(['Beak Length (mm)', 'Island']);
    } finally {
      await session.release();
    }
  });
});
