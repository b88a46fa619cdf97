/**
 * The committed exported models (test/fixtures/onnx, written by scripts/make-onnx-fixtures.ts
 * from models trained on the bundled samples; scripts/check-onnx-fixtures.py runs ONNX's own
 * checker over them): onnxruntime-web (wasm) reproduces the app's tfjs predictions stored beside
 * each file, and onnxruntime-node gives the same outputs as onnxruntime-web.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import * as ortNode from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { MODEL_KINDS } from '../../src/lib/core/models/registry';
import { OPSETS } from '../../src/lib/core/onnx/graph';
import { readOnnx } from '../../src/lib/core/onnx/read';
import { createSession, runSession, type OutputTensor } from '../../src/lib/core/onnx/runtime';

const DIR = join(import.meta.dirname, '../fixtures/onnx');
const SAMPLES = ['breast-cancer', 'cars', 'penguins', 'wine'];

interface Expected {
  rows: number;
  inputs: Record<string, number[]>;
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

function feeds(expected: Expected) {
  return Object.fromEntries(
    Object.entries(expected.inputs).map(([name, values]) => [
      name,
      { data: Float64Array.from(values), dims: [expected.rows, 1] }
    ])
  );
}

async function runNode(
  bytes: Uint8Array,
  expected: Expected
): Promise<Record<string, OutputTensor>> {
  const session = await ortNode.InferenceSession.create(bytes, { intraOpNumThreads: 1 });
  const inputs = Object.fromEntries(
    Object.entries(feeds(expected)).map(([name, t]) => [
      name,
      new ortNode.Tensor('float64', t.data, t.dims)
    ])
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
