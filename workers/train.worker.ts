import { version_core } from '@tensorflow/tfjs-core';
import { version_layers } from '@tensorflow/tfjs-layers';
import { version as cpuVersion } from '@tensorflow/tfjs-backend-cpu/dist/version';
import { version as wasmVersion } from '@tensorflow/tfjs-backend-wasm/dist/version';
import { version as webgpuVersion } from '@tensorflow/tfjs-backend-webgpu/dist/version';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import ortWasm from 'onnxruntime-web/ort-wasm-simd-threaded.wasm?url';
import { calibrateBackends } from '../src/lib/app/backend';
import { computeImportance } from '../src/lib/app/importance';
import { exportSavedModel } from '../src/lib/app/onnx';
import { runSearch } from '../src/lib/app/search';
import { trainAndRegister, type TrainEnvironment } from '../src/lib/app/train';
import { LATHE_VERSION } from '../src/lib/core/base/version';
import type { AdapterInfo } from '../src/lib/core/models/backend';
import { serveJobs, type JobContext } from '../src/lib/jobs/serve';
import { withStore } from '../src/lib/store';

interface GpuLike {
  requestAdapter(): Promise<{ info?: AdapterInfo; isFallbackAdapter?: boolean } | null>;
}

async function adapterInfo(): Promise<AdapterInfo | undefined> {
  const gpu: GpuLike | undefined = Reflect.get(navigator, 'gpu');
  if (!gpu) return undefined;
  try {
    const adapter = await gpu.requestAdapter();
    if (!adapter?.info) return undefined;
    const { vendor, architecture, device, description } = adapter.info;
    const fallback = adapter.info.isFallbackAdapter ?? adapter.isFallbackAdapter;
    return {
      vendor,
      architecture,
      device,
      description,
      ...(fallback !== undefined ? { isFallbackAdapter: fallback } : {})
    };
  } catch {
    return undefined;
  }
}

let environment: Promise<TrainEnvironment> | null = null;
const env = () =>
  (environment ??= adapterInfo().then((adapter) => ({
    wasmPath: {
      'tfjs-backend-wasm.wasm': wasmPlain,
      'tfjs-backend-wasm-simd.wasm': wasmSimd,
      'tfjs-backend-wasm-threaded-simd.wasm': wasmThreaded
    },
    adapter,
    browser: navigator.userAgent,
    versions: {
      'tfjs-core': version_core,
      'tfjs-layers': version_layers,
      'tfjs-backend-cpu': cpuVersion,
      'tfjs-backend-wasm': wasmVersion,
      'tfjs-backend-webgpu': webgpuVersion
    },
    onnx: { runtime: { wasmPaths: { wasm: ortWasm } }, producerVersion: LATHE_VERSION }
  })));

/** What a long job's app function takes from its job: cancel, stop, progress and events. */
function hooks<E>(job: JobContext<E>) {
  return {
    signal: job.signal,
    stopSignal: job.stopSignal,
    onProgress: job.progress,
    onEvent: job.emit
  };
}

serveJobs(self, {
  train: async (request, job) =>
    withStore(async (store) => trainAndRegister(store, request, await env(), hooks(job))),
  search: async (request, job) =>
    withStore(async (store) => runSearch(store, request, await env(), hooks(job))),
  importance: async (request, job) =>
    withStore(async (store) =>
      computeImportance(store, request, await env(), {
        signal: job.signal,
        onProgress: job.progress
      })
    ),
  exportOnnx: async (request, job) =>
    withStore(async (store) => {
      const { onnx, wasmPath } = await env();
      return exportSavedModel(
        store,
        request,
        { ...onnx, wasmPath },
        { signal: job.signal, onProgress: job.progress }
      );
    }),
  calibrate: async (request, job) =>
    withStore(async (store) =>
      calibrateBackends(store, await env(), {
        force: request.force,
        signal: job.signal,
        onProgress: job.progress
      })
    )
});
