/**
 * Backend choice in node: wasm and cpu are available, WebGPU is not. A backend whose results
 * disagree with the float64 reference (or are NaN) is rejected and the next one is used — the
 * path a buggy WebGPU takes in the browser.
 */
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { LatheError } from '../../src/lib/core/base/errors';
import {
  checkBackend,
  chooseBackend,
  pickBackend,
  CHECK_TOLERANCE,
  type BackendTrial,
  type RememberedChoice
} from '../../src/lib/core/models/backend';

const wasmPath =
  dirname(
    createRequire(import.meta.url).resolve(
      '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'
    )
  ) + '/';

/** Runs `body` with the cpu BatchMatMul kernel's first output value replaced. */
async function withBrokenCpuMatMul<T>(
  value: (x: number) => number,
  body: () => Promise<T>
): Promise<T> {
  const original = tf.getKernel('BatchMatMul', 'cpu')!;
  tf.unregisterKernel('BatchMatMul', 'cpu');
  tf.registerKernel({
    ...original,
    kernelFunc: (args) => {
      const out = original.kernelFunc(args) as tf.TensorInfo;
      const data = (
        args.backend as unknown as { data: { get(id: object): { values: Float32Array } } }
      ).data;
      const values = data.get(out.dataId).values;
      values[0] = value(values[0]);
      return out;
    }
  });
  try {
    return await body();
  } finally {
    tf.unregisterKernel('BatchMatMul', 'cpu');
    tf.registerKernel(original);
  }
}

describe('chooseBackend', () => {
  it('skips wasm when not told where its .wasm files are', async () => {
    const choice = await chooseBackend({ candidates: ['wasm', 'cpu'] });
    expect(choice.backend).toBe('cpu');
    expect(choice.trials[0]).toMatchObject({
      name: 'wasm',
      ok: false,
      reason: 'no location for its .wasm files was given'
    });
  });

  it('calibrates every candidate and picks the fastest that computes correctly', async () => {
    const before = tf.memory().numTensors;
    const adapterInfo = { vendor: 'google', architecture: 'swiftshader', isFallbackAdapter: true };
    const choice = await chooseBackend({ wasmPath, adapterInfo });
    expect(tf.memory().numTensors).toBe(before);
    expect(choice.trials.map((t) => t.name)).toEqual(['webgpu', 'wasm', 'cpu']);
    const [webgpu, wasm, cpu] = choice.trials;
    expect(webgpu).toMatchObject({ ok: false, reason: 'WebGPU is not available in this browser' });
    for (const trial of [wasm, cpu]) {
      expect(trial.ok).toBe(true);
      expect(trial.maxError).toBeLessThan(CHECK_TOLERANCE);
      expect(trial.msPerStep).toBeGreaterThan(0);
      expect(trial.samplesPerSecond).toBeCloseTo((256 / trial.msPerStep!) * 1000, 6);
    }
    const fastest = wasm.msPerStep! < cpu.msPerStep! ? 'wasm' : 'cpu';
    expect(choice.backend).toBe(fastest);
    expect(tf.getBackend()).toBe(fastest);
    expect(choice.reason).toBe('fastest of wasm, cpu');
    expect(choice.preference).toBe('auto');
    expect(choice.adapter).toEqual(adapterInfo);
    expect(choice.calibrationMs).toBeGreaterThan(0);
    expect(choice.versions).toMatchObject({
      'tfjs-core': tf.version_core,
      'tfjs-layers': tf.version_core,
      'tfjs-backend-cpu': tf.version_core,
      'tfjs-backend-wasm': tf.version_core
    });
    if (choice.backend === 'wasm') expect(choice.wasm).toEqual({ simd: true, threads: 1 });
  });

  it('uses a named preference when it works, without timing the others', async () => {
    const choice = await chooseBackend({ wasmPath, preference: 'cpu' });
    expect(choice.backend).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    expect(choice.reason).toBe('cpu was chosen in the settings');
    expect(choice.trials.map((t) => t.name)).toEqual(['cpu']);
  });

  it('falls back, saying why, when the preferred backend is unavailable', async () => {
    const choice = await chooseBackend({ wasmPath, preference: 'webgpu' });
    expect(['wasm', 'cpu']).toContain(choice.backend);
    expect(choice.reason).toMatch(
      /^webgpu cannot be used \(WebGPU is not available in this browser\); (wasm|cpu) is the fastest of wasm, cpu$/
    );
  });

  it('rejects a backend whose results disagree with the reference, and one giving NaN', async () => {
    await withBrokenCpuMatMul(
      (x) => x + 0.05,
      async () => {
        await tf.setBackend('cpu');
        const check = await checkBackend();
        expect(check.problem).toMatch(/differ from the reference by .* \(tolerance 0.001\)/);
        const choice = await chooseBackend({ wasmPath, preference: 'cpu' });
        expect(choice.backend).toBe('wasm');
        expect(choice.trials[0]).toMatchObject({ name: 'cpu', ok: false });
        expect(choice.reason).toMatch(
          /^cpu cannot be used \(its results differ from the reference/
        );
      }
    );
    await withBrokenCpuMatMul(
      () => NaN,
      async () => {
        const choice = await chooseBackend({ wasmPath, candidates: ['cpu', 'wasm'] });
        expect(choice.backend).toBe('wasm');
        expect(choice.trials[0].reason).toMatch(/came out NaN in a fixed test computation/);
      }
    );
    await tf.setBackend('cpu');
    expect((await checkBackend()).problem).toBeNull();
  });

  it('fails with every reason when no backend works', async () => {
    const error = await chooseBackend({ wasmPath, candidates: ['webgpu'] }).catch(
      (e: unknown) => e
    );
    expect(error).toBeInstanceOf(LatheError);
    expect((error as LatheError).code).toBe('NO_BACKEND');
    expect((error as LatheError).message).toMatch(
      /webgpu: WebGPU is not available in this browser/
    );
  });
});

describe('pickBackend', () => {
  const measuredAt = Date.UTC(2026, 11, 5, 9, 30);
  async function remembered(trials: BackendTrial[]): Promise<RememberedChoice> {
    const choice = await chooseBackend({ wasmPath, candidates: ['cpu'] });
    return { choice: { ...choice, trials }, measuredAt };
  }
  const trial = (name: BackendTrial['name'], msPerStep: number | null, reason?: string) =>
    msPerStep === null
      ? { name, ok: false, reason, ms: 1 }
      : { name, ok: true, msPerStep, samplesPerSecond: 256_000 / msPerStep, ms: 1 };

  it('starts on the remembered fastest backend without measuring anything', async () => {
    const memory = await remembered([
      trial('webgpu', null, 'WebGPU is not available in this browser'),
      trial('wasm', 9),
      trial('cpu', 3)
    ]);
    const choice = await pickBackend({ wasmPath, remembered: memory });
    expect(choice).toMatchObject({
      backend: 'cpu',
      basis: 'remembered',
      measuredAt,
      trials: memory.choice.trials,
      reason: 'fastest of cpu, wasm in the measurement of 2026-12-05 09:30 UTC'
    });
    expect(tf.getBackend()).toBe('cpu');
  });

  it('starts on wasm while nothing is measured, and says so', async () => {
    const choice = await pickBackend({ wasmPath, remembered: null });
    expect(choice).toMatchObject({ backend: 'wasm', basis: 'not-measured', trials: [] });
    expect(choice.measuredAt).toBeUndefined();
    expect(choice.reason).toBe(
      'not measured in this browser yet; wasm is used until the measurement is done'
    );
    expect(tf.getBackend()).toBe('wasm');
  });

  it('keeps a named preference that passed, and moves off one the measurement rejected', async () => {
    const memory = await remembered([
      trial('webgpu', null, 'its results differ from the reference by 2.00e-1 (tolerance 0.001)'),
      trial('wasm', 9),
      trial('cpu', 3)
    ]);
    const wasm = await pickBackend({ wasmPath, preference: 'wasm', remembered: memory });
    expect(wasm).toMatchObject({ backend: 'wasm', reason: 'wasm was chosen in the settings' });
    const webgpu = await pickBackend({ wasmPath, preference: 'webgpu', remembered: memory });
    expect(webgpu.backend).toBe('cpu');
    expect(webgpu.reason).toBe(
      'webgpu cannot be used (its results differ from the reference by 2.00e-1 (tolerance 0.001), found by the measurement of 2026-12-05 09:30 UTC); cpu is used instead'
    );
  });

  it('checks a named preference that was never measured before using it', async () => {
    await withBrokenCpuMatMul(
      () => NaN,
      async () => {
        const choice = await pickBackend({ wasmPath, preference: 'cpu', remembered: null });
        expect(choice.backend).toBe('wasm');
        expect(choice.reason).toMatch(
          /^cpu was chosen in the settings; cpu: its loss came out NaN .*, so wasm is used$/
        );
      }
    );
  });
});
