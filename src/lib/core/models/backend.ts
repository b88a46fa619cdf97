/**
 * Backend choice: initialise each candidate, check it computes a fixed MLP forward/backward pass
 * and an odd-sized matrix product like a float64 reference (a backend that disagrees or gives
 * NaN is rejected with the reason — tfjs WebGPU has known correctness bugs), time a few training
 * steps of a small MLP, and pick the fastest. That measurement takes seconds (far more on a
 * software GPU adapter), so it is made once and remembered by the app; a run then starts on the
 * remembered choice (pickBackend) without waiting. Backends are imported lazily, so a page that
 * never trains never loads them.
 */
import * as tf from '@tensorflow/tfjs-core';
import { version_layers } from '@tensorflow/tfjs-layers';
import { LatheError, toErrorData } from '../base/errors';
import { createRng } from '../base/random';
import type { BackendPreference } from '../spec/types';

export const BACKEND_NAMES = ['webgpu', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];

/** What the page learnt from navigator.gpu.requestAdapter() (GPUAdapterInfo and the flag). */
export interface AdapterInfo {
  vendor?: string;
  architecture?: string;
  device?: string;
  description?: string;
  /** A software adapter (e.g. SwiftShader): correct, but far slower than wasm. */
  isFallbackAdapter?: boolean;
}

export interface BackendOptions {
  preference?: BackendPreference;
  /**
   * Where tfjs-backend-wasm's .wasm files are: a directory URL or path ending in '/', or a map
   * from each file name (tfjs-backend-wasm.wasm, -simd.wasm, -threaded-simd.wasm) to its URL
   * (Vite `?url` imports in the worker). Without it the wasm backend is skipped.
   */
  wasmPath?: string | Record<string, string>;
  /**
   * Let the wasm backend use threads (needs cross-origin isolation). Off by default: its
   * threaded build hangs in a Vite production build (TOOLCHAIN.md). Applies at first init only.
   */
  wasmThreads?: boolean;
  /** Backends to consider, in order of preference on a tie; all three by default. */
  candidates?: readonly BackendName[];
  adapterInfo?: AdapterInfo;
  /** Timed training steps per backend after 2 warm-up steps (4). */
  calibrationSteps?: number;
  /** chooseBackend: called as each backend is loaded, checked and timed. */
  onProgress?: (done: number, total: number, step: string) => void;
  /** chooseBackend: checked between steps; throws LatheError 'CANCELLED' once aborted. */
  signal?: AbortSignal;
}

export interface BackendTrial {
  name: BackendName;
  /** Initialised, agreed with the reference and ran the calibration. */
  ok: boolean;
  /** Why not, in plain words. */
  reason?: string;
  /** Largest relative difference from the float64 reference in the correctness check. */
  maxError?: number;
  /** Milliseconds per training step of the calibration MLP (12-64-64-1, batch 256). */
  msPerStep?: number;
  samplesPerSecond?: number;
  /** Time to initialise, check and calibrate this backend. */
  ms: number;
}

/**
 * How a choice was made: by measuring every candidate now, from a measurement remembered for this
 * browser, adapter and library versions, or without one (nothing measured here yet).
 */
export type ChoiceBasis = 'measured' | 'remembered' | 'not-measured';

export interface BackendChoice {
  backend: BackendName;
  preference: BackendPreference;
  /** Why this backend, e.g. "fastest of wasm, cpu" or a fallback and its cause. */
  reason: string;
  basis: ChoiceBasis;
  /** When the trials were measured (epoch ms); absent when nothing was measured. */
  measuredAt?: number;
  trials: BackendTrial[];
  /** Total time spent choosing. */
  calibrationMs: number;
  adapter: AdapterInfo | null;
  /** Library versions: tfjs-core, tfjs-layers and each loaded backend. */
  versions: Record<string, string>;
  /** wasm only: SIMD and threads in use. */
  wasm?: { simd: boolean; threads: number };
}

/** Relative tolerance of the correctness check (float32 against a float64 reference). */
export const CHECK_TOLERANCE = 1e-3;
const CALIBRATION_BATCH = 256;
const SLOW_STEP_MS = 250;

let wasmPathSet = false;
const versions: Record<string, string> = {};

async function loadBackend(name: BackendName, options: BackendOptions): Promise<string | null> {
  if (tf.engine().registry[name]) return null;
  try {
    if (name === 'cpu') {
      const cpu = await import('@tensorflow/tfjs-backend-cpu');
      versions['tfjs-backend-cpu'] = cpu.version_cpu;
    } else if (name === 'wasm') {
      const wasm = await import('@tensorflow/tfjs-backend-wasm');
      versions['tfjs-backend-wasm'] = wasm.version_wasm;
      if (!wasmPathSet) {
        if (options.wasmPath === undefined) return 'no location for its .wasm files was given';
        tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', options.wasmThreads === true);
        wasm.setWasmPaths(options.wasmPath);
        wasmPathSet = true;
      }
    } else {
      await import('@tensorflow/tfjs-backend-webgpu');
      // The package exports no version; its version module has it.
      const { version } = await import('@tensorflow/tfjs-backend-webgpu/dist/version');
      versions['tfjs-backend-webgpu'] = version;
      if (!tf.findBackendFactory('webgpu')) return 'WebGPU is not available in this browser';
    }
    const ok = await tf.setBackend(name);
    return ok ? null : 'it failed to initialise';
  } catch (error) {
    return `it failed to initialise (${toErrorData(error).message})`;
  }
}

/** Makes `name` the current backend (importing and initialising it). Throws LatheError. */
export async function useBackend(name: BackendName, options: BackendOptions = {}): Promise<void> {
  const problem = await loadBackend(name, options);
  if (problem || !(await tf.setBackend(name))) {
    throw new LatheError(
      'BACKEND_UNAVAILABLE',
      `The ${name} backend cannot be used: ${problem ?? 'it failed to initialise'}.`,
      {
        backend: name
      }
    );
  }
}

/**
 * Picks the backend to train on and makes it current. 'auto' tries every candidate and takes
 * the fastest that passes the correctness check; a named preference is used if it passes,
 * otherwise the fastest of the others (the reason says why). Throws LatheError 'NO_BACKEND'
 * when none works.
 */
export async function chooseBackend(options: BackendOptions = {}): Promise<BackendChoice> {
  const started = performance.now();
  const preference = options.preference ?? 'auto';
  const candidates = [...(options.candidates ?? BACKEND_NAMES)];
  const trials: BackendTrial[] = [];
  const planned = candidates.length + (candidates.includes(preference as BackendName) ? 0 : 1);
  const total = STAGES.length * planned;
  const stage = (k: number, name: BackendName) => {
    if (options.signal?.aborted) {
      throw new LatheError('CANCELLED', 'Measuring the backends was cancelled.');
    }
    options.onProgress?.(STAGES.length * trials.length + k, total, `${STAGES[k]} ${name}`);
  };
  let chosen: BackendTrial | null = null;
  let reason = '';
  if (preference !== 'auto') {
    const trial = await tryBackend(preference, options, stage);
    trials.push(trial);
    if (trial.ok) {
      chosen = trial;
      reason = `${preference} was chosen in the settings`;
    }
  }
  if (!chosen) {
    for (const name of candidates) {
      if (name === preference) continue;
      trials.push(await tryBackend(name, options, stage));
    }
    const ok = trials.filter((t) => t.ok);
    if (ok.length === 0) {
      throw new LatheError(
        'NO_BACKEND',
        `No TensorFlow.js backend works here: ${trials.map((t) => `${t.name}: ${t.reason}`).join('; ')}.`,
        { trials }
      );
    }
    chosen = ok.reduce((a, b) => ((b.msPerStep ?? Infinity) < (a.msPerStep ?? Infinity) ? b : a));
    const fastest = `fastest of ${ok.map((t) => t.name).join(', ')}`;
    const failed = trials.find((t) => t.name === preference && !t.ok);
    reason = failed
      ? `${preference} cannot be used (${failed.reason}); ${chosen.name} is the ${fastest}`
      : fastest;
  }
  await tf.setBackend(chosen.name);
  options.onProgress?.(total, total, `${chosen.name} chosen`);
  const choice: BackendChoice = {
    backend: chosen.name,
    preference,
    reason,
    basis: 'measured',
    measuredAt: Date.now(),
    trials,
    calibrationMs: performance.now() - started,
    adapter: options.adapterInfo ?? null,
    versions: { 'tfjs-core': tf.version_core, 'tfjs-layers': version_layers, ...versions }
  };
  if (chosen.name === 'wasm') {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    choice.wasm = {
      simd: (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) === true,
      threads: wasm.getThreadsCount()
    };
  }
  return choice;
}

/** A full measurement (chooseBackend with 'auto') kept for later runs, and when it was made. */
export interface RememberedChoice {
  choice: BackendChoice;
  measuredAt: number;
}

function utcMinute(ms: number): string {
  return new Date(ms).toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
}

/**
 * Picks the backend without measuring: from a remembered measurement when there is one (the
 * fastest backend that passed, or the preference if it passed), else wasm ('auto'), or the
 * preference after a correctness check. Makes it current; only loading a backend takes time.
 * Throws LatheError 'NO_BACKEND' when none can be loaded.
 */
export async function pickBackend(
  options: BackendOptions & { remembered: RememberedChoice | null }
): Promise<BackendChoice> {
  const started = performance.now();
  const preference = options.preference ?? 'auto';
  const memory = options.remembered;
  const allowed = (name: BackendName) => !options.candidates || options.candidates.includes(name);
  const trials = memory?.choice.trials ?? [];
  const passed = trials
    .filter((t) => t.ok && allowed(t.name))
    .sort((a, b) => (a.msPerStep ?? Infinity) - (b.msPerStep ?? Infinity))
    .map((t) => t.name);
  const when = memory ? `the measurement of ${utcMinute(memory.measuredAt)}` : '';
  const defaults: BackendName[] = (['wasm', 'cpu'] as const).filter(allowed);
  let order: BackendName[];
  let reason: string;
  let checkFirst: BackendName | null = null;
  if (preference === 'auto') {
    order = passed.length ? passed : defaults;
    reason = passed.length
      ? `fastest of ${passed.join(', ')} in ${when}`
      : 'not measured in this browser yet; wasm is used until the measurement is done';
  } else {
    const known = trials.find((t) => t.name === preference);
    const others = (passed.length ? passed : defaults).filter((n) => n !== preference);
    if (known && !known.ok) {
      order = others;
      reason = `${preference} cannot be used (${known.reason}, found by ${when})`;
    } else {
      order = [preference, ...others];
      reason = `${preference} was chosen in the settings`;
      if (!known) checkFirst = preference;
    }
  }
  const failures: string[] = [];
  let chosen: BackendName | null = null;
  for (const name of order) {
    const problem = await loadBackend(name, options);
    if (problem || !(await tf.setBackend(name))) {
      failures.push(`${name}: ${problem ?? 'it failed to initialise'}`);
      continue;
    }
    if (name === checkFirst) {
      const check = await checkBackend();
      if (check.problem) {
        failures.push(`${name}: ${check.problem}`);
        continue;
      }
    }
    chosen = name;
    break;
  }
  if (!chosen) {
    throw new LatheError(
      'NO_BACKEND',
      `No TensorFlow.js backend works here: ${failures.join('; ')}.`,
      { failures }
    );
  }
  if (chosen !== order[0] || failures.length) {
    reason += `; ${failures.join('; ')}, so ${chosen} is used`;
  } else if (preference !== 'auto' && order[0] !== preference) {
    reason += `; ${chosen} is used instead`;
  }
  const choice: BackendChoice = {
    backend: chosen,
    preference,
    reason,
    basis: memory ? 'remembered' : 'not-measured',
    ...(memory ? { measuredAt: memory.measuredAt } : {}),
    trials,
    calibrationMs: performance.now() - started,
    adapter: options.adapterInfo ?? null,
    versions: { 'tfjs-core': tf.version_core, 'tfjs-layers': version_layers, ...versions }
  };
  if (chosen === 'wasm') {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    choice.wasm = {
      simd: (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) === true,
      threads: wasm.getThreadsCount()
    };
  }
  return choice;
}

const STAGES = ['loading', 'checking', 'timing'] as const;

async function tryBackend(
  name: BackendName,
  options: BackendOptions,
  stage: (k: number, name: BackendName) => void
): Promise<BackendTrial> {
  const started = performance.now();
  const done = (trial: Omit<BackendTrial, 'ms' | 'name'>): BackendTrial => ({
    name,
    ...trial,
    ms: performance.now() - started
  });
  stage(0, name);
  const problem = await loadBackend(name, options);
  if (problem) return done({ ok: false, reason: problem });
  if (!(await tf.setBackend(name))) {
    return done({ ok: false, reason: 'it failed to initialise' });
  }
  const before = tf.memory().numTensors;
  try {
    stage(1, name);
    const check = await checkBackend();
    if (check.problem) {
      return done({ ok: false, reason: check.problem, maxError: check.maxError });
    }
    stage(2, name);
    const msPerStep = await calibrate(options.calibrationSteps ?? 4);
    return done({
      ok: true,
      maxError: check.maxError,
      msPerStep,
      samplesPerSecond: (CALIBRATION_BATCH / msPerStep) * 1000
    });
  } catch (error) {
    if (options.signal?.aborted) throw error;
    return done({ ok: false, reason: `it failed while checking (${toErrorData(error).message})` });
  } finally {
    const leaked = tf.memory().numTensors - before;
    if (leaked > 0) console.warn(`backend check left ${leaked} tensors on ${name}`);
  }
}

/**
 * The correctness check: loss and gradients of a 5-6-3 softmax MLP (ReLU) on 8 rows, and a
 * 70×33 · 33×65 product (odd sizes reach the edges of GPU tiles), against float64 JS.
 */
export async function checkBackend(): Promise<{ problem: string | null; maxError: number }> {
  const ref = referenceMlp();
  const [A, B, C] = referenceMatMul();
  const results = tf.tidy(() => {
    const x = tf.tensor2d(ref.x, [8, 5]);
    const labels = tf.oneHot(tf.tensor1d(ref.y, 'int32'), 3);
    const f = (w1: tf.Tensor, b1: tf.Tensor, w2: tf.Tensor, b2: tf.Tensor) => {
      const h = tf.relu(tf.add(tf.matMul(x, w1), b1));
      const z = tf.add(tf.matMul(h, w2), b2);
      return tf.mean(tf.neg(tf.sum(tf.mul(labels, tf.logSoftmax(z)), 1))) as tf.Scalar;
    };
    const params = [
      tf.tensor2d(ref.w1, [5, 6]),
      tf.tensor1d(ref.b1),
      tf.tensor2d(ref.w2, [6, 3]),
      tf.tensor1d(ref.b2)
    ];
    const { value, grads } = tf.valueAndGrads(f)(params);
    const product = tf.matMul(tf.tensor2d(A, [70, 33]), tf.tensor2d(B, [33, 65]));
    return [value, ...grads, product];
  });
  const values: Float32Array[] = [];
  for (const t of results) {
    values.push((await t.data()) as Float32Array);
    t.dispose();
  }
  const expected = [[ref.loss], ref.dw1, ref.db1, ref.dw2, ref.db2, C];
  const names = ['loss', 'gradient', 'gradient', 'gradient', 'gradient', 'matrix product'];
  let maxError = 0;
  for (let k = 0; k < expected.length; k++) {
    const got = values[k];
    const want = expected[k];
    for (let i = 0; i < want.length; i++) {
      if (!Number.isFinite(got[i])) {
        return {
          problem: `its ${names[k]} came out ${got[i]} in a fixed test computation`,
          maxError: Infinity
        };
      }
      const error = Math.abs(got[i] - want[i]) / (1 + Math.abs(want[i]));
      if (error > maxError) maxError = error;
    }
  }
  const problem =
    maxError > CHECK_TOLERANCE
      ? `its results differ from the reference by ${maxError.toExponential(2)} (tolerance ${CHECK_TOLERANCE})`
      : null;
  return { problem, maxError };
}

function uniform(rng: () => number, n: number, scale: number): Float32Array {
  return Float32Array.from({ length: n }, () => (2 * rng() - 1) * scale);
}

function referenceMatMul(): [Float32Array, Float32Array, Float64Array] {
  const rng = createRng(7);
  const a = uniform(rng, 70 * 33, 1);
  const b = uniform(rng, 33 * 65, 1);
  const c = new Float64Array(70 * 65);
  for (let i = 0; i < 70; i++) {
    for (let j = 0; j < 65; j++) {
      let s = 0;
      for (let k = 0; k < 33; k++) s += a[i * 33 + k] * b[k * 65 + j];
      c[i * 65 + j] = s;
    }
  }
  return [a, b, c];
}

/** Forward and backward of the check MLP in float64 (inputs are float32 values). */
function referenceMlp() {
  const rng = createRng(11);
  const n = 8;
  const [D, H, K] = [5, 6, 3];
  const x = uniform(rng, n * D, 2);
  const w1 = uniform(rng, D * H, 1);
  const b1 = uniform(rng, H, 0.5);
  const w2 = uniform(rng, H * K, 1);
  const b2 = uniform(rng, K, 0.5);
  const y = Int32Array.from({ length: n }, (_, i) => i % K);
  const pre = new Float64Array(n * H);
  const h = new Float64Array(n * H);
  const dz = new Float64Array(n * K);
  let loss = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < H; j++) {
      let s = b1[j];
      for (let k = 0; k < D; k++) s += x[i * D + k] * w1[k * H + j];
      pre[i * H + j] = s;
      h[i * H + j] = Math.max(0, s);
    }
    const z = new Float64Array(K);
    for (let c = 0; c < K; c++) {
      let s = b2[c];
      for (let j = 0; j < H; j++) s += h[i * H + j] * w2[j * K + c];
      z[c] = s;
    }
    const m = Math.max(...z);
    let sum = 0;
    for (let c = 0; c < K; c++) sum += Math.exp(z[c] - m);
    for (let c = 0; c < K; c++) {
      const p = Math.exp(z[c] - m) / sum;
      dz[i * K + c] = (p - (c === y[i] ? 1 : 0)) / n;
    }
    loss -= (z[y[i]] - m - Math.log(sum)) / n;
  }
  const dw2 = new Float64Array(H * K);
  const db2 = new Float64Array(K);
  const dh = new Float64Array(n * H);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < K; c++) {
      db2[c] += dz[i * K + c];
      for (let j = 0; j < H; j++) {
        dw2[j * K + c] += h[i * H + j] * dz[i * K + c];
        dh[i * H + j] += dz[i * K + c] * w2[j * K + c];
      }
    }
  }
  const dw1 = new Float64Array(D * H);
  const db1 = new Float64Array(H);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < H; j++) {
      const g = pre[i * H + j] > 0 ? dh[i * H + j] : 0;
      db1[j] += g;
      for (let k = 0; k < D; k++) dw1[k * H + j] += x[i * D + k] * g;
    }
  }
  return { x, y, w1, b1, w2, b2, loss, dw1, db1, dw2, db2 };
}

/** Milliseconds per Adam step of a 12-64-64-1 MLP on a fixed batch of 256 (after 2 warm-ups). */
async function calibrate(steps: number): Promise<number> {
  const rng = createRng(3);
  const shapes: [number, number][] = [
    [12, 64],
    [64, 64],
    [64, 1]
  ];
  // Inside tidy, so the initial values are freed (tidy keeps variables).
  const variables = tf.tidy(() =>
    shapes.flatMap(([i, o]) => [
      tf.variable(tf.tensor2d(uniform(rng, i * o, Math.sqrt(6 / (i + o))), [i, o])),
      tf.variable(tf.zeros([o]))
    ])
  );
  const x = tf.tensor2d(uniform(rng, CALIBRATION_BATCH * 12, 1), [CALIBRATION_BATCH, 12]);
  const y = tf.tensor2d(uniform(rng, CALIBRATION_BATCH, 1), [CALIBRATION_BATCH, 1]);
  const optimizer = tf.train.adam(1e-3);
  const step = () =>
    optimizer.minimize(
      () => {
        let h: tf.Tensor = x;
        for (let l = 0; l < 3; l++) {
          h = tf.add(tf.matMul(h, variables[2 * l]), variables[2 * l + 1]);
          if (l < 2) h = tf.relu(h);
        }
        return tf.mean(tf.square(tf.sub(h, y))) as tf.Scalar;
      },
      true,
      variables
    )!;
  try {
    let warmMs = 0;
    for (let i = 0; i < 2; i++) {
      const t0 = performance.now();
      const cost = step();
      await cost.data();
      cost.dispose();
      warmMs = performance.now() - t0;
    }
    // A slow backend (a software GPU adapter) is timed on one step: the choice is clear anyway.
    const timed = warmMs > SLOW_STEP_MS ? 1 : Math.max(1, steps);
    const t0 = performance.now();
    let last: tf.Scalar | null = null;
    for (let i = 0; i < timed; i++) {
      last?.dispose();
      last = step();
    }
    await last?.data();
    last?.dispose();
    return (performance.now() - t0) / timed;
  } finally {
    optimizer.dispose();
    for (const v of variables) v.dispose();
    x.dispose();
    y.dispose();
  }
}
