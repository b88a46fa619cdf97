/**
 * The committed exported models (test/fixtures/onnx, written by scripts/make-onnx-fixtures.ts
 * through the app's export from models trained on the bundled samples; scripts/
 * check-onnx-fixtures.py runs ONNX's own checker over them): given raw rows, onnxruntime-web
 * (wasm) reproduces the app's own predictions (apply, then tfjs) stored beside each file, and
 * onnxruntime-node gives the same outputs as onnxruntime-web.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import * as ortNode from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { STEP_KINDS } from '../../src/lib/core/features/registry';
import { MODEL_KINDS } from '../../src/lib/core/models/registry';
import { OPSETS } from '../../src/lib/core/onnx/graph';
import { readOnnx } from '../../src/lib/core/onnx/read';
import { MISSING_DATETIME } from '../../src/lib/core/onnx/metadata';
import {
  createSession,
  runSession,
  type InputTensor,
  type OutputTensor
} from '../../src/lib/core/onnx/runtime';

const DIR = join(import.meta.dirname, '../fixtures/onnx');
const SAMPLES = ['breast-cancer', 'cars', 'penguins', 'wine'];

interface Expected {
  rows: number;
  /** Raw input rows as the graph takes them; null is missing (NaN, or the datetime sentinel). */
  inputs: Record<
    string,
    { elementType: 'double' | 'string' | 'int64'; values: (number | string | null)[] }
  >;
  outputs: { label?: string[]; probabilities?: number[][]; prediction?: number[][] };
}

const files = readdirSync(DIR)
  .filter((f) => f.endsWith('.onnx'))
  .sort();

function load(file: string) {
  const bytes = new Uint8Array(readFileSync(join(DIR, file)));
  const expected = JSON.parse(
    readFileSync(join(DIR, file.replace(/\.onnx$/, '.expected.json')), 'utf8')
  ) as Expected;
  return { bytes, expected };
}

function feeds(expected: Expected): Record<string, InputTensor> {
  const dims = [expected.rows, 1];
  return Object.fromEntries(
    Object.entries(expected.inputs).map(([name, { elementType, values }]) => {
      if (elementType === 'string') return [name, { data: values as string[], dims }];
      if (elementType === 'int64') {
        const data = BigInt64Array.from(values, (x) =>
          x === null ? MISSING_DATETIME : BigInt(x as number)
        );
        return [name, { data, dims }];
      }
      return [
        name,
        { data: Float64Array.from(values, (x) => (x === null ? NaN : (x as number))), dims }
      ];
    })
  );
}

const NODE_TYPES = {
  float32: 'float32',
  float64: 'float64',
  int64: 'int64',
  string: 'string'
} as const;

async function runNode(
  bytes: Uint8Array,
  expected: Expected
): Promise<Record<string, OutputTensor>> {
  const session = await ortNode.InferenceSession.create(bytes, { intraOpNumThreads: 1 });
  const inputs = Object.fromEntries(
    Object.entries(feeds(expected)).map(([name, t]) => {
      const type =
        t.data instanceof Float64Array
          ? NODE_TYPES.float64
          : t.data instanceof BigInt64Array
            ? NODE_TYPES.int64
            : NODE_TYPES.string;
      return [name, new ortNode.Tensor(type, t.data as never, [...t.dims])];
    })
  );
  const results = await session.run(inputs);
  await session.release();
  return Object.fromEntries(
    Object.entries(results).map(([name, t]) => [
      name,
      { type: t.type, dims: [...t.dims], data: t.data as OutputTensor['data'] }
    ])
  );
}

describe('committed ONNX fixtures', () => {
  it('cover every bundled sample and every model kind × task', () => {
    const seen = new Set<string>();
    for (const file of files) {
      const { metadata } = readOnnx(load(file).bytes);
      seen.add(`${metadata!.model}/${metadata!.task}`);
    }
    for (const [type, kind] of Object.entries(MODEL_KINDS)) {
      for (const task of kind.tasks) expect(seen).toContain(`${type}/${task}`);
    }
    for (const sample of SAMPLES) expect(files.some((f) => f.startsWith(`${sample}-`))).toBe(true);
  });

  it('include one pipeline using every step kind (those that only choose rows left out)', () => {
    const everyKind = Object.keys(STEP_KINDS).sort();
    const covering = files.filter((file) => {
      const { spec, trainingOnlySteps } = readOnnx(load(file).bytes).metadata!;
      const types = new Set((spec as { steps: { type: string }[] }).steps.map((s) => s.type));
      return everyKind.every((t) => types.has(t)) && trainingOnlySteps.length > 0;
    });
    expect(covering.length, 'a fixture whose spec uses every step kind').toBeGreaterThan(0);
  });

  for (const file of files) {
    it(`${file}: onnxruntime-web reproduces the app's predictions; onnxruntime-node agrees`, async () => {
      const { bytes, expected } = load(file);
      const summary = readOnnx(bytes, { fileName: file });
      const metadata = summary.metadata!;
      expect(summary.producerName).toBe('lathe');
      expect(summary.irVersion).toBe(8);
      for (const { domain, version } of summary.opsets) {
        expect(version).toBeLessThanOrEqual(OPSETS[domain as keyof typeof OPSETS]);
      }
      expect(summary.inputs.map((i) => i.name)).toEqual(Object.keys(expected.inputs));
      expect(summary.inputs.map((i) => i.name)).toEqual(metadata.inputs.map((i) => i.name));
      expect(summary.outputs.map((o) => o.name)).toEqual(metadata.outputs);
      expect(summary.outputs.every((o) => o.kind === 'tensor')).toBe(true);

      const session = await createSession(bytes);
      const web = await runSession(session, feeds(expected));
      await session.release();
      const n = expected.rows;
      if (metadata.task === 'regression') {
        const want = expected.outputs.prediction!.flat();
        const got = web.prediction.data as Float32Array;
        expect(web.prediction.dims).toEqual([n, 1]);
        for (let i = 0; i < n; i++) {
          expect(
            Math.abs(got[i] - want[i]) / Math.max(1, Math.abs(want[i])),
            `row ${i}`
          ).toBeLessThanOrEqual(1e-5);
        }
      } else {
        const k = metadata.classes!.length;
        const want = expected.outputs.probabilities!.flat();
        const got = web.probabilities.data as Float32Array;
        expect(web.probabilities.dims).toEqual([n, k]);
        for (let i = 0; i < n * k; i++)
          expect(Math.abs(got[i] - want[i]), `value ${i}`).toBeLessThanOrEqual(1e-5);
        expect(web.label.data).toEqual(expected.outputs.label);
      }

      const native = await runNode(bytes, expected);
      expect(Object.keys(native).sort()).toEqual(Object.keys(web).sort());
      for (const [name, tensor] of Object.entries(web)) {
        expect(native[name].dims, name).toEqual(tensor.dims);
        if (tensor.type === 'string') expect(native[name].data, name).toEqual(tensor.data);
        else {
          const a = native[name].data as Float32Array;
          const b = tensor.data as Float32Array;
          for (let i = 0; i < b.length; i++)
            expect(Math.abs(a[i] - b[i]), `${name}[${i}]`).toBeLessThanOrEqual(
              1e-6 * Math.max(1, Math.abs(b[i]))
            );
        }
      }
    });
  }
});
