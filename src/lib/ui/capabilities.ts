/** What this browser offers for compute and storage, shown in the status area. */

export interface GpuInfo {
  available: boolean;
  /** True for a software adapter such as SwiftShader: WebGPU works but is slow. */
  fallback: boolean;
  description: string;
}

export interface ComputeCapabilities {
  gpu: GpuInfo;
  wasmSimd: boolean;
  wasmThreads: boolean;
  crossOriginIsolated: boolean;
  cores: number;
}

// (module (func (result v128) i32.const 0 i8x16.splat i8x16.popcnt))
const SIMD_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15,
  253, 98, 11
]);

interface AdapterInfoLike {
  vendor?: string;
  architecture?: string;
  device?: string;
  description?: string;
  isFallbackAdapter?: boolean;
}
interface AdapterLike {
  info?: AdapterInfoLike;
  isFallbackAdapter?: boolean;
}
interface GpuLike {
  requestAdapter(): Promise<AdapterLike | null>;
}

async function probeGpu(): Promise<GpuInfo> {
  // Typed by hand: the adapter's `info` is newer than the WebGPU typings here.
  const gpu: GpuLike | undefined = Reflect.get(navigator, 'gpu');
  if (!gpu) return { available: false, fallback: false, description: 'WebGPU not offered' };
  try {
    const adapter = await gpu.requestAdapter();
    if (!adapter) return { available: false, fallback: false, description: 'no WebGPU adapter' };
    const info = adapter.info ?? {};
    const fallback = Boolean(info.isFallbackAdapter ?? adapter.isFallbackAdapter);
    const name =
      [info.vendor, info.architecture, info.device, info.description].filter(Boolean).join(' ') ||
      'unnamed adapter';
    return { available: true, fallback, description: name };
  } catch (error) {
    return { available: false, fallback: false, description: `WebGPU failed: ${String(error)}` };
  }
}

export async function probeCompute(): Promise<ComputeCapabilities> {
  const isolated = globalThis.crossOriginIsolated === true;
  return {
    gpu: await probeGpu(),
    wasmSimd: typeof WebAssembly === 'object' && WebAssembly.validate(SIMD_PROBE),
    wasmThreads: isolated && typeof SharedArrayBuffer === 'function',
    crossOriginIsolated: isolated,
    cores: navigator.hardwareConcurrency ?? 1
  };
}

export interface StorageState {
  usage: number;
  quota: number;
  persisted: boolean;
  supported: boolean;
}

export async function probeStorage(): Promise<StorageState> {
  const storage = navigator.storage;
  if (!storage?.estimate) return { usage: 0, quota: 0, persisted: false, supported: false };
  const [estimate, persisted] = await Promise.all([
    storage.estimate(),
    storage.persisted ? storage.persisted() : Promise.resolve(false)
  ]);
  return {
    usage: estimate.usage ?? 0,
    quota: estimate.quota ?? 0,
    persisted,
    supported: true
  };
}

/** Asks the browser not to evict Lathe's data under storage pressure. */
export async function requestPersistence(): Promise<boolean> {
  return navigator.storage?.persist ? navigator.storage.persist() : false;
}
