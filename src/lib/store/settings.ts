import * as v from 'valibot';
import { LatheError } from '../core/base/errors';
import type { Json } from '../core/base/json';
import type { Database } from './db';
import { JSON_VALUE } from './parse';

/** JSON that survives JSON text unchanged: no NaN or ±Infinity (JSON would make them null). */
const SETTING_VALUE: v.GenericSchema<Json> = v.lazy(() =>
  v.union([
    v.null(),
    v.boolean(),
    v.pipe(v.number(), v.finite()),
    v.string(),
    v.array(SETTING_VALUE),
    v.record(v.string(), SETTING_VALUE)
  ])
);
const KEY = v.pipe(v.string(), v.minLength(1), v.maxLength(200));
/** Settings are small: a remembered choice, not an artifact (those go through 'blobs'). */
const MAX_SETTING_CHARS = 1024 * 1024;

export interface SettingMethods {
  /** The JSON value saved under `key`; undefined when there is none or it is not plain JSON. */
  getSetting(key: string): Promise<Json | undefined>;
  /** Saves a plain JSON value (at most 1 MB as text) under `key`, replacing any before. */
  putSetting(key: string, value: Json): Promise<void>;
}

export function settingMethods(database: Database): SettingMethods {
  const { db, withLock } = database;

  function checkKey(key: string) {
    if (!v.is(KEY, key)) {
      throw new LatheError('INVALID_SETTING', 'A setting key is a text of 1 to 200 characters.', {
        key: String(key).slice(0, 200)
      });
    }
  }

  return {
    async getSetting(key) {
      checkKey(key);
      const stored: unknown = await db.get('settings', key);
      return v.is(JSON_VALUE, stored) ? stored : undefined;
    },

    async putSetting(key, value) {
      checkKey(key);
      const text = v.is(SETTING_VALUE, value) ? JSON.stringify(value) : undefined;
      if (text === undefined) {
        throw new LatheError(
          'INVALID_SETTING',
          `The value of setting "${key}" is not plain JSON.`,
          {
            key
          }
        );
      }
      if (text.length > MAX_SETTING_CHARS) {
        throw new LatheError(
          'INVALID_SETTING',
          `The value of setting "${key}" is ${text.length} characters as JSON; settings hold at most ${MAX_SETTING_CHARS}.`,
          { key }
        );
      }
      // Stored as parsed from its JSON text: a fresh plain copy, whatever the caller keeps.
      const copy: unknown = JSON.parse(text);
      await withLock(() => db.put('settings', copy, key));
    }
  };
}
