/**
 * Training runs as the train worker runs them, on a real store (fake-indexeddb): the backend
 * measurement remembered per environment, runs that start on the remembered choice, identical
 * runs reused and different ones versioned, search, and permutation importance.
 */
import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import {
  CALIBRATION_KEY,
  calibrateBackends,
  rememberedCalibration
} from '../../src/lib/app/backend';
import { computeImportance } from '../../src/lib/app/importance';
import type { TrainRequest } from '../../src/lib/app/requests';
import { runSearch, type SearchEvent } from '../../src/lib/app/search';
import { trainAndRegister, type TrainEvent } from '../../src/lib/app/train';
import type { BackendChoice } from '../../src/lib/core/models/backend';
import type { Progress } from '../../src/lib/core/base/progress';
import type { ModelRecord, Store } from '../../src/lib/store';
import { nodeEnvironment, penguinsWorkspace } from '../fixtures/app/penguins';

const opened: Store[] = [];
afterEach(() => opened.splice(0).forEach((s) => s.close()));

async function workspace(name: string) {
  const w = await penguinsWorkspace(name);
  opened.push(w.store);
  return w;
}

function request(featureSetId: string, train: TrainRequest['train'] = {}): TrainRequest {
  return {
    featureSetId,
    model: { type: 'logistic' },
    train: { epochs: 4, earlyStopping: false, seed: 1, backend: 'auto', ...train },
    keepBestOnCancel: false
  };
}

function choiceOf(record: ModelRecord): BackendChoice {
  return (record.backend as unknown as { choice: BackendChoice }).choice;
}

describe('the remembered backend measurement', () => {
  it('is measured once per environment, kept across sessions, and measured again when asked', async () => {
    const { store, reopen } = await workspace('lathe-app-calibration');
    const env = nodeEnvironment();
    expect(await rememberedCalibration(store, env)).toBeNull();
    const seen: Progress[] = [];
    const first = await calibrateBackends(store, env, { onProgress: (p) => seen.push(p) });
    expect(first.measured).toBe(true);
    expect(first.calibration.choice.trials.map((t) => [t.name, t.ok])).toEqual([
      ['wasm', true],
      ['cpu', true]
    ]);
    expect(seen.map((p) => p.note)).toEqual([
      'loading wasm',
      'checking wasm',
      'timing wasm',
      'loading cpu',
      'checking cpu',
      'timing cpu',
      `${first.calibration.choice.backend} chosen`
    ]);
    expect(seen.at(-1)?.fraction).toBe(1);

    // A new session in the same browser: remembered, not measured.
    const later = await reopen();
    opened.push(later);
    const again = await calibrateBackends(later, env);
    expect(again).toEqual({ calibration: first.calibration, measured: false });
    // Another browser version, adapter or library version: measured again.
    for (const changed of [
      { ...env, browser: 'node (next version)' },
      { ...env, versions: { 'tfjs-core': '4.23.0' } },
      { ...env, adapter: { vendor: 'google', architecture: 'swiftshader' } }
    ]) {
      expect(await rememberedCalibration(later, changed)).toBeNull();
    }
    const forced = await calibrateBackends(later, env, { force: true });
    expect(forced.measured).toBe(true);
    expect(forced.calibration.measuredAt).toBeGreaterThanOrEqual(first.calibration.measuredAt);
    // A damaged setting is ignored, never trusted.
    await later.putSetting(CALIBRATION_KEY, { measuredOn: 'nonsense' });
    expect(await rememberedCalibration(later, env)).toBeNull();
  });
});

describe('trainAndRegister', () => {
  it('starts on wasm while nothing is measured, then on the remembered choice without measuring', async () => {
    const { store, featureSet } = await workspace('lathe-app-train-backend');
    const env = nodeEnvironment();
    const events: TrainEvent[] = [];
    const first = await trainAndRegister(store, request(featureSet.id), env, {
      onEvent: (e) => events.push(e)
    });
    const firstChoice = choiceOf(first.record);
    expect(firstChoice).toMatchObject({ backend: 'wasm', basis: 'not-measured', trials: [] });
    expect(firstChoice.reason).toMatch(/^not measured in this browser yet/);
    expect(events.find((e) => e.type === 'backend')).toMatchObject({ choice: { backend: 'wasm' } });
    expect(events.filter((e) => e.type === 'epoch')).toHaveLength(4);

    // Measured on cpu alone, so the remembered fastest differs from the default.
    const { calibration } = await calibrateBackends(store, { ...env, candidates: ['cpu'] });
    const second = await trainAndRegister(store, request(featureSet.id), env);
    const secondChoice = choiceOf(second.record);
    expect(secondChoice).toMatchObject({
      backend: 'cpu',
      basis: 'remembered',
      measuredAt: calibration.measuredAt
    });
    expect(secondChoice.trials).toEqual(calibration.choice.trials);
    expect(secondChoice.reason).toMatch(/^fastest of cpu in the measurement of \d{4}-\d\d-\d\d/);
    // The backend actually used differs: a new version.
    expect(second.reused).toBe(false);
    expect([first.record.version, second.record.version]).toEqual([1, 2]);
  });

  it('reuses an identical run and says so with its own facts; any recorded difference is a new version', async () => {
    const { store, featureSet } = await workspace('lathe-app-train-reuse');
    const env = nodeEnvironment();
    const first = await trainAndRegister(store, request(featureSet.id), env);
    expect(first).toMatchObject({ reused: false, record: { version: 1 } });
    const again = await trainAndRegister(store, request(featureSet.id), env);
    expect(again.reused).toBe(true);
    expect(again.record).toEqual(first.record);
    expect(again.runMs).toBeGreaterThan(0);
    expect(await store.listModels()).toHaveLength(1);

    const seed = await trainAndRegister(store, request(featureSet.id, { seed: 2 }), env);
    const epochs = await trainAndRegister(store, request(featureSet.id, { epochs: 5 }), env);
    const forced = await trainAndRegister(store, request(featureSet.id, { backend: 'wasm' }), env);
    expect([seed, epochs, forced].map((r) => [r.reused, r.record.version])).toEqual([
      [false, 2],
      [false, 3],
      [false, 4]
    ]);
    // Naming a run does not make it another run.
    const named = await trainAndRegister(
      store,
      { ...request(featureSet.id), name: 'same run, new name' },
      env
    );
    expect(named).toMatchObject({ reused: true, record: { version: 1 } });
    expect(await store.listModels()).toHaveLength(4);
  });

  it('saves nothing when cancelled, and the best epoch when stopped with keep-best', async () => {
    const { store, featureSet } = await workspace('lathe-app-train-cancel');
    const env = nodeEnvironment();
    await expect(
      trainAndRegister(store, request(featureSet.id), env, { signal: AbortSignal.abort() })
    ).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(await store.listModels()).toEqual([]);

    const stop = new AbortController();
    const kept = await trainAndRegister(
      store,
      { ...request(featureSet.id, { epochs: 500 }), keepBestOnCancel: true },
      env,
      {
        stopSignal: stop.signal,
        onEvent: (e) => {
          if (e.type === 'epoch' && e.log.epoch === 3) stop.abort();
        }
      }
    );
    expect(kept.record.status).toBe('cancelled');
    expect(kept.record.history.length).toBeGreaterThanOrEqual(3);
    expect(kept.record.history.length).toBeLessThan(500);
  });

  it('reports determinate progress with epochs, rate and loss', async () => {
    const { store, featureSet } = await workspace('lathe-app-train-progress');
    const seen: Progress[] = [];
    await trainAndRegister(store, request(featureSet.id), nodeEnvironment(), {
      onProgress: (p) => seen.push(p)
    });
    const training = seen.filter((p) => p.phase === 'Training');
    // One report as each epoch ends (more may come within epochs), with its loss and time left.
    for (const done of [1, 2, 3, 4]) {
      expect(training).toContainEqual(
        expect.objectContaining({
          fraction: done / 4,
          count: { done, total: 4, unit: 'epochs' },
          loss: expect.any(Number),
          etaSeconds: expect.any(Number)
        })
      );
    }
    const fractions = training.map((p) => p.fraction ?? 0);
    expect(fractions).toEqual([...fractions].sort((a, b) => a - b));
    expect(training.every((p) => (p.rate?.perSecond ?? 0) > 0)).toBe(true);
    expect(seen.at(-1)?.phase).toBe('Saving the model');
  });
});

describe('runSearch', () => {
  it('trains each point as a version, and stops between runs when asked', async () => {
    const { store, featureSet } = await workspace('lathe-app-search');
    const events: SearchEvent[] = [];
    const result = await runSearch(
      store,
      {
        base: { ...request(featureSet.id), name: 'lr' },
        space: { learningRate: [0.01, 0.1] },
        mode: 'grid'
      },
      nodeEnvironment(),
      { onEvent: (e) => events.push(e) }
    );
    expect(result.stopped).toBe(false);
    expect(result.points).toEqual([{ learningRate: 0.01 }, { learningRate: 0.1 }]);
    const records = result.runs.map((r) => (r.outcome.ok ? r.outcome.value.record : null));
    expect(records.map((r) => [r?.name, r?.version])).toEqual([
      ['lr #1', 1],
      ['lr #2', 2]
    ]);
    expect(
      records.map((r) => (r?.spec as { train: { learningRate: number } }).train.learningRate)
    ).toEqual([0.01, 0.1]);
    expect(events.map((e) => e.type)).toEqual(['plan', 'run', 'result', 'run', 'result']);

    const stop = new AbortController();
    const stopped = await runSearch(
      store,
      { base: request(featureSet.id), space: { l2: [0, 0.01, 0.1] }, mode: 'grid' },
      nodeEnvironment(),
      {
        stopSignal: stop.signal,
        onEvent: (e) => {
          if (e.type === 'result') stop.abort();
        }
      }
    );
    expect(stopped.stopped).toBe(true);
    expect(stopped.runs).toHaveLength(1);
  });

  it('refuses a search with fewer than two combinations', async () => {
    const { store, featureSet } = await workspace('lathe-app-search-small');
    await expect(
      runSearch(
        store,
        { base: request(featureSet.id), space: { learningRate: [0.01] }, mode: 'grid' },
        nodeEnvironment()
      )
    ).rejects.toMatchObject({
      code: 'SEARCH_INVALID',
      message: 'List at least two values to compare.'
    });
  });
});

describe('computeImportance', () => {
  it("shuffles each feature of a saved model on its test split; the baseline is the model's test accuracy", async () => {
    const { store, featureSet } = await workspace('lathe-app-importance');
    const env = nodeEnvironment();
    const { record } = await trainAndRegister(store, request(featureSet.id, { epochs: 20 }), env);
    const seen: Progress[] = [];
    const importance = await computeImportance(store, { modelId: record.id }, env, {
      onProgress: (p) => seen.push(p)
    });
    expect(importance.metric).toBe('accuracy');
    expect(importance.features.map((f) => f.name)).toEqual(record.featureNames);
    const test = record.metrics.test as { accuracy: number };
    expect(importance.baseline).toBeCloseTo(test.accuracy, 12);
    expect(seen.at(-1)).toMatchObject({ fraction: 1, phase: 'Shuffling features' });
  });
});
