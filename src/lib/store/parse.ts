import * as v from 'valibot';

/** A stored value checked against its schema, or the first problem with its path. */
export function parseStored<T>(
  schema: v.GenericSchema<unknown, T>,
  value: unknown
): { ok: true; record: T } | { ok: false; reason: string } {
  const result = v.safeParse(schema, value);
  if (result.success) return { ok: true, record: result.output };
  const issue = result.issues[0];
  const path = v.getDotPath(issue);
  return { ok: false, reason: path ? `${path}: ${issue.message}` : issue.message };
}
