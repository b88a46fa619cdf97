import * as v from 'valibot';
import type { Json } from '../core/base/json';

/** A SHA-256 digest as stored: 64 lowercase hex digits. */
export const HASH = v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/));
export const COUNT = v.pipe(v.number(), v.integer(), v.minValue(0));
export const JSON_VALUE: v.GenericSchema<Json> = v.lazy(() =>
  v.union([
    v.null(),
    v.boolean(),
    v.number(),
    v.string(),
    v.array(JSON_VALUE),
    v.record(v.string(), JSON_VALUE)
  ])
);

export type Parsed<T> = { ok: true; record: T } | { ok: false; reason: string };

/** A stored value checked against its schema, or the first problem with its path. */
export function parseStored<S extends v.GenericSchema>(
  schema: S,
  value: unknown
): Parsed<v.InferOutput<S>> {
  const result = v.safeParse(schema, value);
  if (result.success) return { ok: true, record: result.output };
  const issue = result.issues[0];
  const path = v.getDotPath(issue);
  return { ok: false, reason: path ? `${path}: ${issue.message}` : issue.message };
}

/** A record that failed validation: listed so the person can see and delete it. */
export interface Unreadable {
  id: string;
  unreadable: true;
  reason: string;
  name?: string;
}

/**
 * Readable records (in `order`) first, then the unreadable ones, never throwing for either.
 * An unreadable one is named by its key in `keys` when given, else by its own `id` field.
 */
export function partitionStored<T>(
  values: unknown[],
  parse: (value: unknown) => Parsed<T>,
  order: (a: T, b: T) => number,
  keys?: readonly unknown[]
): (T | Unreadable)[] {
  const records: T[] = [];
  const failed: Unreadable[] = [];
  values.forEach((value, i) => {
    const parsed = parse(value);
    if (parsed.ok) records.push(parsed.record);
    else
      failed.push(unreadable(keys ? keys[i] : (field(value, 'id') ?? '?'), parsed.reason, value));
  });
  return [...records.sort(order), ...failed];
}

/** A named field of a value that failed validation, if it is there at all. */
function field(value: unknown, key: string): unknown {
  return value !== null && typeof value === 'object' ? Reflect.get(value, key) : undefined;
}

/** An unreadable entry for a value stored under `key`, with its name when it still has one. */
export function unreadable(key: unknown, reason: string, value: unknown): Unreadable {
  const name = field(value, 'name');
  return {
    id: String(key),
    unreadable: true,
    reason,
    ...(typeof name === 'string' ? { name } : {})
  };
}
