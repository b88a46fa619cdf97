import { sha256Hex } from '../base/hash';
import type { PipelineSpec } from './types';

/** JSON with object keys sorted at every level and no whitespace: one text per value. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return '[' + value.map(canonicalJson).join(',') + ']';
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record)
    .filter((k) => record[k] !== undefined)
    .sort();
  return '{' + keys.map((k) => JSON.stringify(k) + ':' + canonicalJson(record[k])).join(',') + '}';
}

/** SHA-256 (hex) of the spec's canonical JSON: equal specs hash equally whatever their key order. */
export function specHash(spec: PipelineSpec): Promise<string> {
  return sha256Hex(new TextEncoder().encode(canonicalJson(spec)));
}
