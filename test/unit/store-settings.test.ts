import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../src/lib/store';

const opened: Store[] = [];
afterEach(() => opened.splice(0).forEach((store) => store.close()));

async function freshStore(factory = new IDBFactory()) {
  const store = await openStore({ factory, name: 'lathe-settings-test' });
  opened.push(store);
  return store;
}

describe('settings', () => {
  it('keeps JSON values by key, across openings of the database', async () => {
    const factory = new IDBFactory();
    const store = await freshStore(factory);
    expect(await store.getSetting('backend.calibration')).toBeUndefined();
    const value = {
      key: 'chromium|swiftshader|tfjs 4.22',
      best: 'wasm',
      trials: [
        { backend: 'webgpu', samplesPerSecond: 980.5 },
        { backend: 'wasm', samplesPerSecond: 51000 }
      ],
      note: null
    };
    await store.putSetting('backend.calibration', value);
    value.best = 'changed after saving';
    await store.putSetting('other', 3);
    const again = await freshStore(factory);
    expect(await again.getSetting('backend.calibration')).toEqual({
      key: 'chromium|swiftshader|tfjs 4.22',
      best: 'wasm',
      trials: [
        { backend: 'webgpu', samplesPerSecond: 980.5 },
        { backend: 'wasm', samplesPerSecond: 51000 }
      ],
      note: null
    });
    expect(await again.getSetting('other')).toBe(3);
    await again.putSetting('other', 'replaced');
    expect(await store.getSetting('other')).toBe('replaced');
  });

  it('refuses what JSON would not keep, and keys that are not short text', async () => {
    const store = await freshStore();
    await expect(store.putSetting('x', { n: Number.NaN })).rejects.toMatchObject({
      code: 'INVALID_SETTING',
      message: expect.stringContaining('"x"')
    });
    await expect(store.putSetting('x', [Infinity])).rejects.toMatchObject({
      code: 'INVALID_SETTING'
    });
    await expect(store.putSetting('', 1)).rejects.toMatchObject({ code: 'INVALID_SETTING' });
    await expect(store.getSetting('k'.repeat(201))).rejects.toMatchObject({
      code: 'INVALID_SETTING'
    });
    await expect(store.putSetting('big', 'x'.repeat(1024 * 1024))).rejects.toMatchObject({
      code: 'INVALID_SETTING'
    });
    expect(await store.getSetting('x')).toBeUndefined();
  });
});
