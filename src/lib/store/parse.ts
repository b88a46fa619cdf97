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
export function parseStored<T>(schema: v.GenericSchema<unknown, T>, value: unknown): Parsed<T> {
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

/** Readable records (in `order`) first, then the unreadable ones, never throwing for either. */
export function partitionStored<T>(
  values: unknown[],
  parse: (value: unknown) => Parsed<T>,
  order: (a: T, b: T) => number
): (T | Unreadable)[] {
  const records: T[] = [];
  const unreadable: Unreadable[] = [];
  for (const value of values) {
    const parsed = parse(value);
    if (parsed.ok) {
      records.push(parsed.record);
      continue;
    }
    const raw = value as { id?: unknown; name?: unknown } | null;
    unreadable.push({
      id: String(raw?.id ?? '?'),
      unreadable: true,
      reason: parsed.reason,
      ...(typeof raw?.name === 'string' ? { name: raw.name } : {})
    });
  }
  return [...records.sort(order), ...unreadable];
}
