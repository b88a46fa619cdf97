import type { OnnxSummary } from '$lib/core/onnx/read';
import type { ModelRecord } from '$lib/store';
import { safeFileName } from '../download';

export const MODEL_CARD_FORMAT = 'lathe-model-card';

/** The file name of a version's ONNX export: `<name>-v<N>.onnx`, made safe for any file system. */
export function onnxFileName(model: Pick<ModelRecord, 'name' | 'version'>): string {
  return `${safeFileName(model.name, 'model')}-v${model.version}.onnx`;
}

/**
 * The JSON that travels with an exported file: the file's name, size and SHA-256, the checks it
 * passed, and the metadata the file itself carries, read back from its bytes.
 */
export function modelCard(model: ModelRecord, summary: OnnxSummary) {
  if (!model.onnx) throw new Error(`v${model.version} has no ONNX file.`);
  return {
    format: MODEL_CARD_FORMAT,
    name: model.name,
    version: model.version,
    id: model.id,
    createdAt: new Date(model.createdAt).toISOString(),
    file: { name: onnxFileName(model), bytes: model.onnx.bytes, sha256: model.onnx.hash },
    checks: model.onnx.checks,
    onnx: {
      irVersion: summary.irVersion,
      opsets: summary.opsets,
      producer: `${summary.producerName} ${summary.producerVersion}`,
      inputs: summary.inputs,
      outputs: summary.outputs
    },
    metadata: summary.metadata
  };
}
