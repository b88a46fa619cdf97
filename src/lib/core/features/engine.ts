import { sha256Hex } from '../base/hash';
import { specHash } from '../spec/hash';
import type { PipelineSpec } from '../spec/types';

/**
 * Bumped whenever a step's output could change for the same spec and data, so feature sets
 * saved by an older engine are recomputed instead of reused.
 */
export const FEATURE_ENGINE_VERSION = '3';

/** The spec's hash, leaving out its display name: renaming a pipeline changes no feature. */
export function pipelineHash(spec: PipelineSpec): Promise<string> {
  const { name: _name, ...rest } = spec;
  return specHash(rest as PipelineSpec);
}

/** The id a feature set is saved under: what it was derived from, and by which engine. */
export async function featureSetKey(datasetHash: string, spec: PipelineSpec): Promise<string> {
  const text = `${datasetHash}\n${await pipelineHash(spec)}\n${FEATURE_ENGINE_VERSION}`;
  return sha256Hex(new TextEncoder().encode(text));
}
