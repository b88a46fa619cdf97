import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as arrow from 'apache-arrow';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { ingest } from '../../src/lib/core/data/ingest';
import { LatheError } from '../../src/lib/core/base/errors';
import {
  frameToTable,
  schemaOfTable,
  tableToFrame,
  takeRows
} from '../../src/lib/core/features/convert';
import type { CategoryColumn, Frame, NumericColumn } from '../../src/lib/core/features/frame';
import {
  applyPipeline,
  fitPipeline,
  previewPipeline,
  type PipelineProgress
} from '../../src/lib/core/features/pipeline';
import { STEP_KINDS } from '../../src/lib/core/features/registry';
import { createRng } from '../../src/lib/core/base/random';
import type { StepKind } from '../../src/lib/core/features/step';
import { parseSpec } from '../../src/lib/core/pipeline/parse';
import type { PipelineSpec, StepSpec } from '../../src/lib/core/spec/types';
import { validatePipeline } from '../../src/lib/core/features/validate';
import {
  baseSpec,
  fixtureKinds,
  fixtures,
  notExported,
  testKinds
} from '../fixtures/pipelines/kinds';

const kinds = testKinds;
const N = 500;

/** x integer, y float (10% missing), g categorical, t datetime, label binary (4% missing). */
function dataFrame(seed = 1): Frame {
  const rng = createRng(seed);
  const x = new Float64Array(N);
  const y = new Float64Array(N);
  const g = new Int32Array(N);
  const t = new Float64Array(N);
  const label = new Int32Array(N);
  for (let i = 0; i < N; i++) {
    x[i] = Math.floor(rng() * 100);
    y[i] = rng() < 0.1 ? NaN : rng() * 10 - 5;
    g[i] = Math.floor(rng() * 4);
    t[i] = Date.UTC(2020, 0, 1) + i * 3_600_000;
    label[i] = i % 25 === 0 ? -1 : rng() < 0.3 ? 1 : 0;
  }
  return {
    rows: N,
    columns: [
      { kind: 'number', name: 'x', type: 'integer', values: x },
      { kind: 'number', name: 'y', type: 'float', values: y },
      {
        kind: 'category',
        name: 'g',
        type: 'categorical',
        codes: g,
        dictionary: ['a', 'b', 'c', 'd']
      },
      { kind: 'number', name: 't', type: 'datetime', values: t },
      {
        kind: 'category',
        name: 'label',
        type: 'categorical',
        codes: label,
        dictionary: ['no', 'yes']
      }
    ]
  };
}

const num = (frame: Frame, name: string) =>
  frame.columns.find((c) => c.name === name) as NumericColumn;
const cat = (frame: Frame, name: string) =>
  frame.columns.find((c) => c.name === name) as CategoryColumn;

async function rejection(promise: Promise<unknown>): Promise<LatheError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(LatheError);
    return error as LatheError;
  }
  throw new Error('expected a rejection');
}

describe('fitPipeline', () => {
  it('drops rows without a target, splits, fits on train and applies everywhere', async () => {
    const table = frameToTable(dataFrame());
    const spec = baseSpec({ steps: [{ type: 'center', columns: ['x', 'y'] }] });
    const fit = await fitPipeline(table, spec, { kinds });
    expect(fit.counts).toEqual({
      input: N,
      missingTarget: 20,
      missingTime: 0,
      train: 288,
      validation: 96,
      test: 96
    });
    const frame = tableToFrame(table);
    const trainX = [...fit.indices.train].map((r) => num(frame, 'x').values[r]);
    const mean = trainX.reduce((a, b) => a + b, 0) / trainX.length;
    expect(fit.states).toEqual([{ x: mean, y: expect.any(Number) }]);
    for (const split of ['train', 'validation', 'test'] as const) {
      const out = fit.splits[split];
      expect(out.rows).toBe(fit.indices[split].length);
      expect(out.columns.map((c) => c.type)).toEqual(fit.schema.map((c) => c.type));
      const first = fit.indices[split][0];
      expect(num(out, 'x').values[0]).toBeCloseTo(num(frame, 'x').values[first] - mean, 12);
      expect(cat(out, 'label').codes.every((c) => c >= 0)).toBe(true);
    }
    expect(fit.schema.find((c) => c.name === 'x')?.type).toBe('float');
  });

  it('proves no leakage: wild changes to validation and test rows leave the fitted state unchanged', async () => {
    const spec = baseSpec({
      steps: [
        { type: 'center', columns: ['x', 'y'] },
        { type: 'repeat', times: 2 },
        { type: 'center', columns: ['x'] }
      ]
    });
    const original = dataFrame();
    const fit = await fitPipeline(frameToTable(original), spec, { kinds });

    const rng = createRng(99);
    const held = [...fit.indices.validation, ...fit.indices.test];
    const mutated: Frame = {
      rows: N,
      columns: original.columns.map((c) => {
        if (c.name === 'label') return c;
        if (c.kind === 'category') {
          const codes = c.codes.slice();
          for (const r of held) codes[r] = rng() < 0.5 ? -1 : 3;
          return { ...c, codes };
        }
        const values = c.values.slice();
        for (const r of held) values[r] = rng() < 0.2 ? NaN : (rng() - 0.5) * 1e12;
        return { ...c, values };
      })
    };
    const refit = await fitPipeline(frameToTable(mutated), spec, { kinds });
    expect(refit.indices).toEqual(fit.indices);
    expect(refit.states).toEqual(fit.states);
    expect(refit.splits.train).toEqual(fit.splits.train);
    expect(refit.splits.validation).not.toEqual(fit.splits.validation);

    // The same with real step kinds of the registry (each must be there: a missing one is a
    // failure, never a silently shorter list).
    const realSteps: StepSpec[] = [
      { type: 'impute', columns: ['y'], strategy: 'median', indicator: true },
      { type: 'scale', columns: ['x', 'y'], method: 'robust' },
      { type: 'onehot', columns: ['g'] }
    ];
    for (const s of realSteps) expect(Object.keys(STEP_KINDS)).toContain(s.type);
    const realSpec = baseSpec({ steps: realSteps });
    const a = await fitPipeline(frameToTable(original), realSpec);
    const b = await fitPipeline(frameToTable(mutated), realSpec);
    expect(b.states).toEqual(a.states);
    expect(b.splits.train).toEqual(a.splits.train);
  });

  it('runs a step that drops columns it finds useless once fitted (dropconstant)', async () => {
    const frame = dataFrame();
    const constant: NumericColumn = {
      kind: 'number',
      name: 'k',
      type: 'float',
      values: new Float64Array(N).fill(3)
    };
    frame.columns.splice(1, 0, constant);
    const spec = baseSpec({ steps: [{ type: 'dropconstant', exclude: ['label'] }] });
    const fit = await fitPipeline(frameToTable(frame), spec);
    expect(fit.states).toEqual([
      { dropped: [{ column: 'k', reason: 'constant', missingFraction: 0 }] }
    ]);
    for (const split of ['train', 'validation', 'test'] as const)
      expect(fit.splits[split].columns.map((c) => c.name)).toEqual(['x', 'y', 'g', 't', 'label']);
  });

  it('applies row steps to the splits they name', async () => {
    const spec = baseSpec({
      steps: [
        { type: 'keepAbove', column: 'x', above: 49 },
        { type: 'repeat', times: 3 }
      ]
    });
    const fit = await fitPipeline(frameToTable(dataFrame()), spec, { kinds });
    for (const split of ['validation', 'test'] as const) {
      expect(num(fit.splits[split], 'x').values.every((x) => x > 49)).toBe(true);
      expect(fit.splits[split].rows).toBeLessThan(fit.indices[split].length);
    }
    const kept = [...fit.indices.train].filter((r) => num(dataFrame(), 'x').values[r] > 49).length;
    expect(fit.splits.train.rows).toBe(kept * 3);
  });

  it('is deterministic: the same spec and data give the same bytes', async () => {
    const spec = baseSpec({
      split: { method: 'stratified', seed: 8, train: 0.5, validation: 0.25, test: 0.25 }
    });
    const table = frameToTable(dataFrame());
    const bytes = async () => {
      const fit = await fitPipeline(table, spec, { kinds });
      return ['train', 'validation', 'test'].map((s) =>
        arrow.tableToIPC(frameToTable(fit.splits[s as 'train']), 'stream')
      );
    };
    expect(await bytes()).toEqual(await bytes());
  });

  it('splits by time when asked, dropping rows without a time', async () => {
    const frame = dataFrame();
    num(frame, 't').values[3] = NaN;
    const spec = baseSpec({
      split: { method: 'time', seed: 1, train: 0.6, validation: 0.2, test: 0.2, timeColumn: 't' }
    });
    const fit = await fitPipeline(frame, spec, { kinds });
    expect(fit.counts.missingTime).toBe(1);
    const times = num(frame, 't').values;
    const last = fit.indices.train[fit.indices.train.length - 1];
    expect(times[last]).toBeLessThan(times[fit.indices.validation[0]]);
    expect(times[fit.indices.validation.at(-1)!]).toBeLessThan(times[fit.indices.test[0]]);
  });

  it('reports progress per step and honours cancellation', async () => {
    const spec = baseSpec({
      steps: [
        { type: 'center', columns: ['x'] },
        { type: 'center', columns: ['y'] },
        { type: 'drop', columns: ['g'] }
      ]
    });
    const table = frameToTable(dataFrame());
    const seen: PipelineProgress[] = [];
    await fitPipeline(table, spec, { kinds, onProgress: (p) => seen.push(p) });
    expect(seen[0].phase).toBe('split');
    expect(seen.at(-1)).toMatchObject({ phase: 'done', step: 3, steps: 3, fraction: 1 });
    expect(seen.filter((p) => p.phase === 'fit').map((p) => p.type)).toEqual([
      'center',
      'center',
      'drop'
    ]);
    for (let i = 1; i < seen.length; i++) {
      expect(seen[i].fraction).toBeGreaterThanOrEqual(seen[i - 1].fraction);
    }
    expect(seen.at(-1)!.rows).toBeGreaterThan(0);

    const controller = new AbortController();
    const error = await rejection(
      fitPipeline(table, spec, {
        kinds,
        signal: controller.signal,
        onProgress: (p) => p.step === 1 && controller.abort()
      })
    );
    expect(error.code).toBe('CANCELLED');
    expect(
      (await rejection(fitPipeline(table, spec, { kinds, signal: controller.signal }))).code
    ).toBe('CANCELLED');
  });

  it('sees a cancel that arrives as a separate task while steps run', async () => {
    const slow: StepKind = {
      type: 'slow',
      label: 'Slow',
      fields: {},
      examples: [],
      defaults: () => null,
      params: v.strictObject({}),
      outputSchema: (input) => input,
      fit: () => {
        const until = performance.now() + 15;
        while (performance.now() < until);
        return null;
      },
      apply: (frame) => frame,
      lower: notExported
    };
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 20);
    const steps = Array.from({ length: 40 }, () => ({ type: 'slow' }));
    const started = performance.now();
    const error = await rejection(
      fitPipeline(dataFrame(), baseSpec({ steps }), {
        kinds: { ...kinds, slow },
        signal: controller.signal
      })
    );
    expect(error.code).toBe('CANCELLED');
    expect(performance.now() - started).toBeLessThan(300);
  });

  it('names the step that fails, and catches steps that break their promises', async () => {
    const boom: StepKind = {
      type: 'boom',
      label: 'Boom',
      fields: {},
      examples: [],
      defaults: () => null,
      params: v.strictObject({}),
      outputSchema: (input) => input,
      fit: () => {
        throw new Error('division by zero');
      },
      apply: (frame) => frame,
      lower: notExported
    };
    const liar: StepKind = {
      ...boom,
      type: 'liar',
      fit: () => null,
      apply: (f) => ({ ...f, columns: f.columns.slice(1) })
    };
    const all = { ...kinds, boom, liar };
    const table = frameToTable(dataFrame());
    const failed = await rejection(
      fitPipeline(
        table,
        baseSpec({ steps: [{ type: 'center', columns: ['x'] }, { type: 'boom' }] }),
        {
          kinds: all
        }
      )
    );
    expect(failed.code).toBe('STEP_FAILED');
    expect(failed.message).toBe('Step 2 (boom): division by zero');
    expect(failed.details).toMatchObject({ stepIndex: 1, type: 'boom' });
    const lied = await rejection(
      fitPipeline(table, baseSpec({ steps: [{ type: 'liar' }] }), { kinds: all })
    );
    expect(lied.message).toMatch(/columns other than it declared/);
    const invalid = await rejection(
      fitPipeline(table, baseSpec({ steps: [{ type: 'center', columns: ['nope'] }] }), { kinds })
    );
    expect(invalid.code).toBe('STEP_INVALID');
    expect(invalid.details?.stepIndex).toBe(0);
  });

  it('refuses a target that does not fit the task', async () => {
    const frame = dataFrame();
    const three = {
      ...cat(frame, 'label'),
      codes: cat(frame, 'label').codes.map((c, i) => (c < 0 ? c : i % 3)),
      dictionary: ['a', 'b', 'c']
    };
    const threeClasses = {
      ...frame,
      columns: frame.columns.map((c) => (c.name === 'label' ? three : c))
    };
    const error = await rejection(fitPipeline(threeClasses, baseSpec(), { kinds }));
    expect(error.code).toBe('TARGET_INVALID');
    expect(error.message).toMatch(/has 3 classes; a binary task needs exactly 2/);
    const none = { ...three, codes: new Int32Array(N).fill(-1) };
    const empty = { ...frame, columns: frame.columns.map((c) => (c.name === 'label' ? none : c)) };
    expect((await rejection(fitPipeline(empty, baseSpec(), { kinds }))).message).toMatch(
      /No row has a value/
    );
  });
});

describe('applyPipeline', () => {
  it('reproduces the fitted splits and transforms rows without a target', async () => {
    const spec = baseSpec({
      steps: [
        { type: 'center', columns: ['x', 'y'] },
        { type: 'repeat', times: 2 },
        { type: 'drop', columns: ['t'] }
      ]
    });
    const frame = dataFrame();
    const fit = await fitPipeline(frame, spec, { kinds });
    const validation = await applyPipeline(
      takeRows(frame, fit.indices.validation),
      spec,
      fit.states,
      { kinds }
    );
    expect(validation.frame).toEqual(fit.splits.validation);
    expect(validation.schema).toEqual(fit.schema);

    const unlabeled = { ...frame, columns: frame.columns.filter((c) => c.name !== 'label') };
    const scored = await applyPipeline(frameToTable(unlabeled), spec, fit.states, { kinds });
    expect(scored.frame.rows).toBe(N);
    expect(scored.schema.map((c) => c.name)).toEqual(['x', 'y', 'g']);

    const mismatch = await rejection(applyPipeline(frame, spec, fit.states.slice(1), { kinds }));
    expect(mismatch.code).toBe('STATE_MISMATCH');
  });

  it('tells which input rows a filter kept, and with `inference` keeps every row', async () => {
    const spec = baseSpec({
      steps: [
        { type: 'scale', columns: ['x'] },
        { type: 'filter', expr: 'x > 0.5' },
        { type: 'drop', columns: ['t'] }
      ]
    });
    const frame = dataFrame();
    const fit = await fitPipeline(frame, spec);
    const raw = takeRows(frame, fit.indices.test);
    const applied = await applyPipeline(raw, spec, fit.states);
    expect(applied.frame).toEqual(fit.splits.test);
    // The rows kept are those whose scaled x is above 0.5, by their own reckoning.
    const { center, scale } = (fit.states[0] as { columns: { center: number; scale: number }[] })
      .columns[0];
    const rawX = num(raw, 'x').values;
    const expected = [...rawX.keys()].filter((i) => (rawX[i] - center) / scale > 0.5);
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.length).toBeLessThan(raw.rows);
    expect(Array.from(applied.rowIds!)).toEqual(expected);

    const inference = await applyPipeline(raw, spec, fit.states, { inference: true });
    expect(inference.frame.rows).toBe(raw.rows);
    expect(Array.from(inference.rowIds!)).toEqual([...rawX.keys()]);
    expect(takeRows(inference.frame, applied.rowIds!)).toEqual(applied.frame);

    // A row step that cannot tell which rows it keeps leaves the row numbers unknown.
    const unknown = baseSpec({ steps: [{ type: 'keepAbove', column: 'y', above: 0 }] });
    const fitted = await fitPipeline(frame, unknown, { kinds });
    expect((await applyPipeline(raw, unknown, fitted.states, { kinds })).rowIds).toBeNull();
  });
});

describe('previewPipeline', () => {
  it('shows the first rows and schema after each step, fitted on a capped train sample', () => {
    const spec = baseSpec({
      steps: [
        { type: 'center', columns: ['x'] },
        { type: 'keepAbove', column: 'y', above: 0 },
        { type: 'drop', columns: ['g'] }
      ]
    });
    const preview = previewPipeline(dataFrame(), spec, { kinds, rows: 20, sampleRows: 100 });
    expect(preview.error).toBeUndefined();
    expect(preview.fittedRows).toBe(100);
    expect(preview.input.rows.rows).toBe(20);
    expect(preview.steps).toHaveLength(3);
    expect(preview.steps.map((s) => s.schema.length)).toEqual([5, 5, 4]);
    expect(preview.steps[1].rows.rows).toBe(20);
    expect(num(preview.steps[1].rows, 'y').values.every((y) => y > 0)).toBe(true);
    expect(preview.steps[0].state).toEqual({ x: expect.any(Number) });
    const upTo = previewPipeline(dataFrame(), spec, { kinds, upToStep: 0 });
    expect(upTo.steps).toHaveLength(1);
  });

  it('gives facts of the last stage for a new step: range and gaps of the fitted sample', () => {
    const spec = baseSpec({ steps: [{ type: 'keepAbove', column: 'y', above: 0 }] });
    const preview = previewPipeline(dataFrame(), spec, { kinds, sampleRows: 100 });
    expect(preview.facts.map(({ name, type }) => ({ name, type }))).toEqual(
      preview.steps[0].schema
    );
    const y = preview.facts.find((c) => c.name === 'y');
    // keepAbove dropped the rows without y and those with y ≤ 0; y was drawn from [-5, 5).
    expect(y).toMatchObject({ missing: 0 });
    expect(y!.min).toBeGreaterThan(0);
    expect(y!.max).toBeLessThan(5);
    expect(preview.facts.find((c) => c.name === 'g')).toMatchObject({ distinct: 4 });
  });

  it('returns the stages before the first problem, and the problem', () => {
    const spec = baseSpec({
      steps: [
        { type: 'center', columns: ['x'] },
        { type: 'center', columns: ['missing'] },
        { type: 'drop', columns: ['g'] }
      ]
    });
    const preview = previewPipeline(dataFrame(), spec, { kinds });
    expect(preview.steps).toHaveLength(1);
    expect(preview.error?.stepIndex).toBe(1);
    expect(preview.error?.error.code).toBe('STEP_INVALID');
    const noTarget = previewPipeline(dataFrame(), baseSpec({ target: 'nope' }), { kinds });
    expect(noTarget.error?.stepIndex).toBeNull();
    expect(noTarget.input.rows.rows).toBe(50);
  });
});

describe('example pipelines on the bundled samples', () => {
  const samples = join(import.meta.dirname, '../../public/samples');

  it('fit, apply and preview end to end with the registered step kinds', async () => {
    const options = { kinds: fixtureKinds() };
    for (const { file, json } of fixtures) {
      const spec: PipelineSpec = parseSpec(json, options);
      const sampleFile =
        spec.source.fileName ?? `${(spec.source as { sampleId: string }).sampleId}.csv`;
      const bytes = readFileSync(join(samples, sampleFile));
      const { table } = await ingest(new Blob([bytes]), { fileName: sampleFile });
      const check = validatePipeline(spec, schemaOfTable(table), options);
      expect(check.ok, `${file}: ${JSON.stringify(!check.ok && check.error)}`).toBe(true);
      const fit = await fitPipeline(table, spec, options);
      // One-hot columns are known after fitting only: the static schema is a subset.
      expect(fit.schema, file).toEqual(expect.arrayContaining(check.steps.at(-1)!));
      expect(JSON.parse(JSON.stringify(fit.states)), file).toEqual(fit.states);
      expect(fit.splits.train.rows, file).toBeGreaterThan(fit.splits.test.rows);
      const test = await applyPipeline(
        takeRows(tableToFrame(table), fit.indices.test),
        spec,
        fit.states,
        options
      );
      expect(test.frame, file).toEqual(fit.splits.test);
      const preview = previewPipeline(table, spec, options);
      expect(preview.error, file).toBeUndefined();
      expect(preview.steps).toHaveLength(spec.steps.length);
    }
  });
});
