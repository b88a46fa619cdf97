import type { RegistryRecord } from '$lib/store';
import { downloadBlob } from '../download';
import { workspace } from '../workspace.svelte';
import { onnxFileName } from './model-card';

/** A version's stored ONNX bytes (null when it has none); a failure is shown by the workspace. */
export async function onnxBytes(id: string): Promise<Uint8Array | null> {
  let bytes: Uint8Array | null = null;
  await workspace.registry(async (store) => {
    bytes = (await store.loadModelOnnx(id)).bytes;
  });
  return bytes;
}

/** Downloads a version's ONNX file as `<name>-v<N>.onnx`. */
export async function downloadOnnx(model: RegistryRecord): Promise<void> {
  const bytes = await onnxBytes(model.id);
  if (bytes) downloadBlob(new Blob([bytes as BlobPart]), onnxFileName(model));
}
