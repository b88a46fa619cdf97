import { LatheError } from '../core/base/errors';
import type { Json } from '../core/base/json';

/**
 * A plain-data value (records, reports, choices) as the Json a stored record holds: the same
 * value JSON.stringify would write — undefined fields left out, non-finite numbers as null — but
 * checked and typed instead of round-tripped through text. Anything that is not plain data
 * (a typed array, a Map, a class instance, a function) is a programming error and throws.
 */
export function toJson(value: unknown, path = '$'): Json {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (Array.isArray(value)) {
    return value.map((item, i) => (item === undefined ? null : toJson(item, `${path}[${i}]`)));
  }
  if (typeof value === 'object') {
    const proto = Object.getPrototypeOf(value);
    if (proto === Object.prototype || proto === null) {
      const out: { [key: string]: Json } = {};
      for (const [key, item] of Object.entries(value)) {
        if (item !== undefined) out[key] = toJson(item, `${path}.${key}`);
      }
      return out;
    }
  }
  throw new LatheError('NOT_JSON', `${path} is not plain data (${describe(value)}).`, { path });
}

function describe(value: unknown): string {
  if (typeof value !== 'object' || value === null) return typeof value;
  return Object.getPrototypeOf(value)?.constructor?.name ?? 'object';
}

/** toJson for a value that must be an object (a record's map of reports). */
export function toJsonObject(value: unknown, path = '$'): { [key: string]: Json } {
  const json = toJson(value, path);
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw new LatheError('NOT_JSON', `${path} is not an object.`, { path });
  }
  return json;
}
