/**
 * The ONNX lowerings of the numeric step kinds against scikit-learn 1.2: each kind is fitted on
 * the training rows of a fixture written by scripts/make-feature-fixtures.py, its graph runs in
 * onnxruntime-web on the test rows (missing values and values outside the training range
 * included), and the graph's columns are compared both with `apply` (expectLoweredEqual) and
 * with the fixture's scikit-learn output, or numpy's statistics, within 1e-9 relative. The kinds
 * scikit-learn has no transformer for (clip, log1p, cast) are checked against the same formula
 * written out here.
 */
import { readFileSync } from 'node:fs';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { bucketizeStep } from '../../src/lib/core/features/bucketize';
import { castStep } from '../../src/lib/core/features/cast';
import { clipStep } from '../../src/lib/core/features/clip';
import { dropconstantStep } from '../../src/lib/core/features/dropconstant';
import type { Frame, NumericColumn } from '../../src/lib/core/features/frame';
import { imputeStep } from '../../src/lib/core/features/impute';
import { log1pStep } from '../../src/lib/core/features/log1p';
import { scaleStep } from '../../src/lib/core/features/scale';
import type { StepContext } from '../../src/lib/core/features/step';
import { winsorizeStep } from '../../src/lib/core/features/winsorize';
import { GraphBuilder } from '../../src/lib/core/onnx/graph';
import { ColumnLowering } from '../../src/lib/core/onnx/lowering';
import { cat, frame, num } from '../fixtures/features/frames';
import { expectLoweredEqual, runLowered, type LoweredRun } from './lowered';

type Num = number | null;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const fixture = (name: string): any =>
  JSON.parse(readFileSync(new URL(`../fixtures/features/${name}`, import.meta.url), 'utf8'));

const numbers = (cols: Num[][], type: NumericColumn['type'] = 'float'): Frame =>
  frame(...cols.map((values, j) => num(`x${j}`, values, type)));

const ctx: StepContext = { index: 0, seed: 1 };

/** Far outside every fixture's training range. */
const FAR = [1e6, -1e6];

/** The graph's numeric column `name`, missing as null. */
function graphNumbers(run: LoweredRun, name: string): Num[] {
  const tensor = run.lowered.get(name);
  if (!tensor) throw new Error(`the graph has no column ${name}`);
  expect(tensor.type, name).toBe('float64');
  return Array.from(tensor.data as Float64Array, (x) => (Number.isNaN(x) ? null : x));
}

function graphTexts(run: LoweredRun, name: string): string[] {
  const tensor = run.lowered.get(name);
  if (!tensor) throw new Error(`the graph has no column ${name}`);
  expect(tensor.type, name).toBe('string');
  return Array.from(tensor.data as string[]);
}

function closeAll(actual: Num[], expected: Num[], what: string): void {
  expect(actual.length, `${what} length`).toBe(expected.length);
  actual.forEach((a, i) => {
    const e = expected[i];
    if (a === null || e === null || !Number.isFinite(e)) expect(a, `${what}[${i}]`).toBe(e);
    else if (!(Math.abs(a - e) <= 1e-9 * Math.max(Math.abs(e), 1e-300)))
      expect(a, `${what}[${i}]`).toBe(e);
  });
}

const missingFlags = (values: Num[]): Num[] => values.map((x) => (x === null ? 1 : 0));

describe('impute vs SimpleImputer, lowered', () => {
  const f = fixture('impute.json');
  const train = numbers(f.train);
  // Imputing leaves values that are present as they are, however far out.
  const test = numbers(f.test.map((col: Num[]) => [...col, ...FAR]));
  const columns = train.columns.map((c) => c.name);
  for (const c of f.cases)
    it(`${c.strategy} with the missing indicator`, async () => {
      const params = { columns, strategy: c.strategy, fillValue: c.fillValue, indicator: true };
      const run = await runLowered(imputeStep, params, train, test);
      expectLoweredEqual(run, c.strategy);
      c.output.forEach((col: Num[], j: number) => {
        closeAll(graphNumbers(run, `x${j}`), [...col, ...FAR], `x${j}`);
        closeAll(
          graphNumbers(run, `x${j}_missing`),
          missingFlags([...f.test[j], ...FAR]),
          `x${j}_missing`
        );
      });
    });
  for (const c of f.text.cases)
    it(`text ${c.strategy} with the missing indicator (unseen "q" kept)`, async () => {
      const run = await runLowered(
        imputeStep,
        { columns: ['s'], strategy: c.strategy, indicator: true },
        frame(cat('s', f.text.train[0])),
        frame(cat('s', f.text.test[0]))
      );
      expectLoweredEqual(run, c.strategy);
      expect(graphTexts(run, 's')).toEqual(c.output[0]);
      expect(graphNumbers(run, 's_missing')).toEqual(missingFlags(f.text.test[0]));
    });
});

describe('scale vs StandardScaler / MinMaxScaler / RobustScaler, lowered', () => {
  const f = fixture('scale.json');
  const train = numbers(f.train);
  const test = numbers(f.test.map((col: Num[]) => [...col, ...FAR]));
  const columns = train.columns.map((c) => c.name);
  // The far rows through sklearn's fitted attributes: transform is (x - center) / scale,
  // or x * scale_ + min_ for MinMaxScaler (clipped to the range with clip=True).
  const affine = (center: number[], scale: number[]) => (x: number, j: number) =>
    (x - center[j]) / scale[j];
  const minmax =
    (scale: number[], min: number[], range?: [number, number]) => (x: number, j: number) => {
      const y = x * scale[j] + min[j];
      return range ? Math.min(Math.max(y, range[0]), range[1]) : y;
    };
  const cases = [
    {
      name: 'standard',
      params: {},
      expected: f.standard,
      far: affine(f.standard.mean, f.standard.scale)
    },
    {
      name: 'minmax',
      params: { method: 'minmax' },
      expected: f.minmax,
      far: minmax(f.minmax.scale, f.minmax.min)
    },
    {
      name: 'minmax [-1, 2] with clip',
      params: { method: 'minmax', featureRange: f.minmaxClip.featureRange, clip: true },
      expected: f.minmaxClip,
      far: minmax(f.minmaxClip.scale, f.minmaxClip.min, f.minmaxClip.featureRange)
    },
    {
      name: 'robust',
      params: { method: 'robust' },
      expected: f.robust,
      far: affine(f.robust.center, f.robust.scale)
    },
    {
      name: 'robust 10-90',
      params: { method: 'robust', quantileRange: f.robust1090.quantileRange },
      expected: f.robust1090,
      far: affine(f.robust1090.center, f.robust1090.scale)
    }
  ];
  for (const c of cases)
    it(c.name, async () => {
      const run = await runLowered(scaleStep, { columns, ...c.params }, train, test);
      expectLoweredEqual(run, c.name);
      c.expected.output.forEach((col: Num[], j: number) =>
        closeAll(
          graphNumbers(run, `x${j}`),
          [...col, ...FAR.map((x) => c.far(x, j))],
          `${c.name} x${j}`
        )
      );
    });
  it('without centering or without scaling (StandardScaler / RobustScaler flags)', async () => {
    const mean = f.standard.mean as number[];
    const std = f.standard.scale as number[];
    const all = (g: (x: number, j: number) => number) =>
      f.test.map((col: Num[], j: number) =>
        [...col, ...FAR].map((x) => (x === null ? null : g(x, j)))
      );
    for (const [params, expected] of [
      [{ withCentering: false }, all((x, j) => x / std[j])],
      [{ withScaling: false }, all((x, j) => x - mean[j])],
      [
        { method: 'robust', withScaling: false },
        all((x, j) => x - (f.robust.center as number[])[j])
      ]
    ] as const) {
      const run = await runLowered(scaleStep, { columns, ...params }, train, test);
      expectLoweredEqual(run, JSON.stringify(params));
      expected.forEach((col: Num[], j: number) =>
        closeAll(graphNumbers(run, `x${j}`), col, `${JSON.stringify(params)} x${j}`)
      );
    }
  });
});

describe('bucketize vs KBinsDiscretizer(encode="ordinal"), lowered', () => {
  const f = fixture('kbins.json');
  const train = numbers(f.train);
  const columns = train.columns.map((c) => c.name);
  for (const c of f.cases)
    it(`${c.strategy}, ${c.bins} bins; missing stays missing, ±Infinity to the end bins`, async () => {
      // sklearn refuses NaN and ±Infinity; Lathe keeps NaN and sends ±Infinity to the end bins.
      const test = numbers(c.test.map((col: Num[]) => [...col, null, -Infinity, Infinity]));
      const run = await runLowered(
        bucketizeStep,
        { columns, bins: c.bins, strategy: c.strategy },
        train,
        test
      );
      expectLoweredEqual(run, c.strategy);
      c.output.forEach((col: Num[], j: number) =>
        expect(graphNumbers(run, `x${j}`), `x${j}`).toEqual([...col, null, 0, c.nBins[j] - 1])
      );
    });
});

describe('bucketize with many bins, lowered', () => {
  // The graph's binary search against a plain count of the fitted inner edges ≤ x.
  const f = fixture('kbins.json');
  for (const [bins, strategy] of [
    [1000, 'uniform'],
    [64, 'uniform'],
    [7, 'quantile']
  ] as const)
    it(`${strategy}, ${bins} bins`, async () => {
      const train = numbers([f.train[0]]);
      const x: Num[] = [...f.train[0], ...f.cases[0].test[0], null, -Infinity, Infinity, ...FAR];
      const run = await runLowered(
        bucketizeStep,
        { columns: ['x0'], bins, strategy },
        train,
        numbers([x])
      );
      expectLoweredEqual(run);
      const { edges } = bucketizeStep.fit(train, { columns: ['x0'], bins, strategy }, ctx)
        .columns[0];
      expect(edges.length).toBe(strategy === 'uniform' ? bins + 1 : 8);
      const inner = edges.slice(1, -1);
      expect(graphNumbers(run, 'x0')).toEqual(
        x.map((v) => (v === null ? null : inner.filter((e) => e <= v).length))
      );
    });
});

describe('winsorize vs numpy percentiles, lowered', () => {
  // KBinsDiscretizer's quantile edges are numpy percentiles of the training column: with 5
  // bins the inner edges of x0 are its 20th … 80th percentiles.
  const f = fixture('kbins.json');
  const c = f.cases.find(
    (k: { strategy: string; bins: number }) => k.strategy === 'quantile' && k.bins === 5
  );
  it('clamps to the 20th and 80th training percentiles', async () => {
    expect(c.nBins[0]).toBe(5);
    const [lo, hi] = [c.edges[0][1], c.edges[0][4]];
    const x: Num[] = [...c.test[0], null, -Infinity, Infinity];
    const run = await runLowered(
      winsorizeStep,
      { columns: ['x0'], lower: 0.2, upper: 0.8 },
      numbers([f.train[0]]),
      numbers([x])
    );
    expectLoweredEqual(run);
    const expected = x.map((v) => (v === null ? null : Math.min(Math.max(v, lo), hi)));
    closeAll(graphNumbers(run, 'x0'), expected, 'x0');
  });
});

describe('numeric kinds without a scikit-learn transformer, lowered', () => {
  const f = fixture('scale.json');
  const train = numbers(f.train);
  // Edge values: where log1p is -Infinity, signed zero, infinity, and values so close to 0 that
  // ln(1 + x) would lose their digits.
  const EDGES = [-1, -0, Infinity, 1e-10, -3e-17, 5e-300];
  const test = numbers(f.test.map((col: Num[]) => [...col, ...FAR, ...EDGES]));
  const x = (j: number): Num[] => [...f.test[j], ...FAR, ...EDGES];
  const map = (j: number, g: (v: number) => number): Num[] =>
    x(j).map((v) => {
      if (v === null) return null;
      const y = g(v);
      return Number.isNaN(y) ? null : y;
    });

  it('clip: numpy.clip to fixed bounds', async () => {
    const run = await runLowered(
      clipStep,
      { columns: ['x0', 'x2'], min: 30, max: 60 },
      train,
      test
    );
    expectLoweredEqual(run);
    for (const j of [0, 2])
      closeAll(
        graphNumbers(run, `x${j}`),
        map(j, (v) => Math.min(Math.max(v, 30), 60)),
        `x${j}`
      );
  });
  it('log1p: numpy.log1p, and sign(x)·log1p(|x|) when signed', async () => {
    const plain = await runLowered(log1pStep, { columns: ['x0', 'x2'] }, train, test);
    expectLoweredEqual(plain);
    for (const j of [0, 2]) closeAll(graphNumbers(plain, `x${j}`), map(j, Math.log1p), `x${j}`);
    const signed = await runLowered(log1pStep, { columns: ['x0'], signed: true }, train, test);
    expectLoweredEqual(signed);
    closeAll(
      graphNumbers(signed, 'x0'),
      map(0, (v) => Math.sign(v) * Math.log1p(Math.abs(v))),
      'signed x0'
    );
  });
  it('cast float → integer truncates toward zero; ±Infinity becomes missing', async () => {
    const run = await runLowered(castStep, { columns: ['x0', 'x2'], to: 'integer' }, train, test);
    expectLoweredEqual(run);
    for (const j of [0, 2])
      expect(graphNumbers(run, `x${j}`), `x${j}`).toEqual(
        map(j, (v) => (Number.isFinite(v) ? Math.trunc(v) + 0 : NaN))
      );
  });
  it('cast float → boolean is 1 for any number but 0; → datetime keeps the JS date range', async () => {
    const bool = await runLowered(castStep, { columns: ['x0'], to: 'boolean' }, train, test);
    expectLoweredEqual(bool);
    expect(graphNumbers(bool, 'x0')).toEqual(map(0, (v) => (v === 0 ? 0 : 1)));
    const date = await runLowered(castStep, { columns: ['x3'], to: 'datetime' }, train, test);
    expectLoweredEqual(date);
    closeAll(
      graphNumbers(date, 'x3'),
      map(3, (v) => (Math.abs(v) <= 8.64e15 ? v : NaN)),
      'x3'
    );
  });
  it('cast integer / boolean → categorical: plain digits, "true" / "false"', async () => {
    const k = fixture('kbins.json');
    const ints: Num[] = [...k.train[1], null, -9007199254740991, 9007199254740991, -0];
    const bools: Num[] = ints.map((v) => (v === null ? null : v === 0 ? 0 : 1));
    const t = frame(num('i', ints, 'integer'), num('b', bools, 'boolean'));
    const run = await runLowered(castStep, { columns: ['i', 'b'], to: 'categorical' }, t, t);
    expectLoweredEqual(run);
    expect(graphTexts(run, 'i')).toEqual(ints.map((v) => (v === null ? '' : BigInt(v).toString())));
    expect(graphTexts(run, 'b')).toEqual(
      bools.map((v) => (v === null ? '' : v ? 'true' : 'false'))
    );
  });
  it('dropconstant drops the columns whose training variance is 0 (VarianceThreshold)', async () => {
    const run = await runLowered(dropconstantStep, {}, train, test);
    expectLoweredEqual(run);
    const kept = (f.standard.var as number[]).flatMap((v, j) => (v > 0 ? [`x${j}`] : []));
    expect(kept.length).toBe(4);
    expect([...run.lowered.keys()]).toEqual(kept);
    for (const name of kept) closeAll(graphNumbers(run, name), x(Number(name.slice(1))), name);
  });
});

describe('cast conversions ONNX opset 17 cannot express are refused, naming the column', () => {
  const t = frame(
    num('f', [1.5, null]),
    num('d', [0, 86_400_000], 'datetime'),
    cat('s', ['1.5', 'yes'])
  );
  for (const [column, to, reason] of [
    ['f', 'text', /column "f": writing float numbers as text needs their shortest round-trip/],
    ['d', 'categorical', /column "d": writing datetimes as ISO 8601 text/],
    ['s', 'float', /column "s": reading categorical values as float parses text/],
    ['s', 'boolean', /column "s": reading categorical values as boolean parses text/],
    ['s', 'datetime', /column "s": reading categorical values as datetime parses text/]
  ] as const)
    it(`${column} → ${to}`, async () => {
      const run = runLowered(castStep, { columns: [column], to }, t, t);
      await expect(run).rejects.toMatchObject({ code: 'ONNX_NOT_LOWERABLE' });
      await expect(run).rejects.toThrow(/^The step "Step 1 \(cast\)" cannot be exported to ONNX/);
      await expect(run).rejects.toThrow(reason);
    });
  it('a state fitted before cast recorded the column types', () => {
    const ctx = new ColumnLowering(new GraphBuilder(), [{ name: 'f', type: 'float' }]);
    ctx.step = 'Step 2 (cast)';
    const params = v.parse(castStep.params, { columns: ['f'], to: 'integer' });
    const old = { invalid: [] } as unknown as ReturnType<typeof castStep.fit>;
    expect(() => castStep.lower!(ctx, params, old, { index: 1, seed: 1 })).toThrow(
      /^The step "Step 2 \(cast\)" cannot be exported to ONNX: its fitted state does not record the column types; fit the pipeline again\.$/
    );
  });
});
