/**
 * Which tfjs backend is fastest here is measured once per browser, GPU adapter and library
 * versions, and remembered in the store: a training run starts at once on the remembered
 * choice, and the measurement runs again only when one of those changes or when asked.
 */
import * as v from 'valibot';
import {
  BACKEND_NAMES,
  chooseBackend,
  type AdapterInfo,
  type BackendChoice,
  type BackendName,
  type RememberedChoice
} from '../core/models/backend';
import type { Progress } from '../core/base/progress';
import { BACKEND_PREFERENCES } from '../core/spec/types';
import { canonicalJson } from '../core/spec/hash';
import type { Store } from '../store';
import { toJson } from './json';

/** What a worker knows about where it runs: everything backend choice depends on. */
export interface BackendEnvironment {
  /** tfjs-backend-wasm's .wasm files: a folder ending in '/', or each file name → its URL. */
  wasmPath?: string | Record<string, string>;
  /** From navigator.gpu.requestAdapter(); undefined without a WebGPU adapter. */
  adapter?: AdapterInfo;
  /** The browser and its version (navigator.userAgent). */
  browser: string;
  /** Versions of tfjs-core, tfjs-layers and each backend package. */
  versions: Record<string, string>;
  /** Backends to consider; all three by default. */
  candidates?: readonly BackendName[];
}

/** The store's key of the remembered measurement. */
export const CALIBRATION_KEY = 'backend-calibration';

/** What a measurement depends on: a change in any of it makes the measurement stale. */
export interface MeasuredOn {
  browser: string;
  adapter: AdapterInfo | null;
  versions: Record<string, string>;
}

export interface Calibration extends RememberedChoice {
  measuredOn: MeasuredOn;
}

type SettingsStore = Pick<Store, 'getSetting' | 'putSetting'>;

const finite = v.pipe(v.number(), v.finite());
const Adapter = v.object({
  vendor: v.optional(v.string()),
  architecture: v.optional(v.string()),
  device: v.optional(v.string()),
  description: v.optional(v.string()),
  isFallbackAdapter: v.optional(v.boolean())
});
const Versions = v.record(v.string(), v.string());
const Choice = v.object({
  backend: v.picklist(BACKEND_NAMES),
  preference: v.picklist(BACKEND_PREFERENCES),
  reason: v.string(),
  basis: v.picklist(['measured', 'remembered', 'not-measured']),
  measuredAt: v.optional(finite),
  trials: v.array(
    v.object({
      name: v.picklist(BACKEND_NAMES),
      ok: v.boolean(),
      reason: v.optional(v.string()),
      // Stored as null when the check gave a non-finite error.
      maxError: v.optional(
        v.pipe(
          v.nullable(v.number()),
          v.transform((x) => x ?? Infinity)
        )
      ),
      msPerStep: v.optional(finite),
      samplesPerSecond: v.optional(finite),
      ms: finite
    })
  ),
  calibrationMs: finite,
  adapter: v.nullable(Adapter),
  versions: Versions,
  wasm: v.optional(v.object({ simd: v.boolean(), threads: finite }))
});
const CalibrationSchema = v.object({
  measuredOn: v.object({ browser: v.string(), adapter: v.nullable(Adapter), versions: Versions }),
  measuredAt: finite,
  choice: Choice
});

export function measuredOn(env: BackendEnvironment): MeasuredOn {
  return { browser: env.browser, adapter: env.adapter ?? null, versions: env.versions };
}

/** The remembered measurement, if one was made on this browser, adapter and library versions. */
export async function rememberedCalibration(
  store: SettingsStore,
  env: BackendEnvironment
): Promise<Calibration | null> {
  const stored = v.safeParse(CalibrationSchema, await store.getSetting(CALIBRATION_KEY));
  if (!stored.success) return null;
  const calibration: Calibration = stored.output;
  const same = canonicalJson(calibration.measuredOn) === canonicalJson(measuredOn(env));
  return same ? calibration : null;
}

/**
 * The measurement for this environment: the remembered one unless `force`, or a new one (every
 * candidate loaded, checked against a float64 reference and timed), which is then remembered.
 */
export async function calibrateBackends(
  store: SettingsStore,
  env: BackendEnvironment,
  options: { force?: boolean; signal?: AbortSignal; onProgress?: (p: Progress) => void } = {}
): Promise<{ calibration: Calibration; measured: boolean }> {
  if (!options.force) {
    const known = await rememberedCalibration(store, env);
    if (known) return { calibration: known, measured: false };
  }
  const choice: BackendChoice = await chooseBackend({
    preference: 'auto',
    wasmPath: env.wasmPath,
    adapterInfo: env.adapter,
    candidates: env.candidates,
    signal: options.signal,
    onProgress: (done, total, step) =>
      options.onProgress?.({
        phase: 'Measuring backends',
        fraction: done / total,
        count: { done: Math.floor(done / 3), total: Math.ceil(total / 3), unit: 'backends' },
        note: step
      })
  });
  const calibration: Calibration = {
    measuredOn: measuredOn(env),
    measuredAt: choice.measuredAt ?? Date.now(),
    choice
  };
  await store.putSetting(CALIBRATION_KEY, toJson(calibration));
  return { calibration, measured: true };
}
