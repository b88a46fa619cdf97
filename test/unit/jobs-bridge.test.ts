/**
 * The job bridge end to end in node: the page half (createBridge) talks to the worker half
 * (serveJobs) over a real MessageChannel, through a fake Worker that can crash or fail to start.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LatheError } from '../../src/lib/core/base/errors';
import { ProgressClock, type Progress } from '../../src/lib/core/base/progress';
import { createBridge, type Bridge, type WorkerLike } from '../../src/lib/jobs/bridge';
import type { ToWorker, WorkerName } from '../../src/lib/jobs/protocol';
import { serveJobs, type JobHandlers } from '../../src/lib/jobs/serve';

class FakeWorker implements WorkerLike {
  terminated = false;
  private readonly events = new EventTarget();
  private readonly page: MessagePort;
  private readonly inside: MessagePort;

  constructor(handlers: JobHandlers) {
    const { port1, port2 } = new MessageChannel();
    this.page = port1;
    this.inside = port2;
    port1.onmessage = (event) => {
      if (!this.terminated) {
        this.events.dispatchEvent(new MessageEvent('message', { data: event.data }));
      }
    };
    serveJobs(port2, handlers);
  }

  addEventListener(type: string, listener: (event: MessageEvent & ErrorEvent) => void) {
    this.events.addEventListener(type, listener as EventListener);
  }

  postMessage(message: ToWorker) {
    if (!this.terminated) this.page.postMessage(message);
  }

  terminate() {
    this.terminated = true;
    this.page.close();
    this.inside.close();
  }

  /** What a worker whose script throws (or cannot load) fires at the page. */
  crash(message: string) {
    this.events.dispatchEvent(Object.assign(new Event('error'), { message }));
  }
}

const bridges: Bridge[] = [];
afterEach(() => bridges.splice(0).forEach((b) => b.dispose()));

function setup(handlers: JobHandlers, options: { graceMs?: number; failSpawn?: boolean } = {}) {
  const spawned: { name: WorkerName; worker: FakeWorker }[] = [];
  const bridge = createBridge(
    (name) => {
      if (options.failSpawn) throw new Error('workers are disabled here');
      const worker = new FakeWorker(handlers);
      spawned.push({ name, worker });
      return worker;
    },
    { graceMs: options.graceMs ?? 50 }
  );
  bridges.push(bridge);
  return { bridge, spawned };
}

const tick = (ms = 0) => new Promise((resolve) => setTimeout(resolve, ms));

function untilAborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) =>
    signal.addEventListener('abort', () => resolve(), { once: true })
  );
}

const calibration = (fastest: 'wasm' | 'cpu') => ({
  measured: true,
  calibration: {
    measuredOn: { browser: 'test', adapter: null, versions: {} },
    measuredAt: 1,
    choice: {
      backend: fastest,
      preference: 'auto' as const,
      reason: 'fastest',
      basis: 'measured' as const,
      trials: [],
      calibrationMs: 1,
      adapter: null,
      versions: {}
    }
  }
});

describe('the job bridge', () => {
  it('runs a typed request in a lazily spawned worker, streams progress, returns the result', async () => {
    const { bridge, spawned } = setup({
      async calibrate(request, job) {
        job.progress({ phase: 'Measuring backends', fraction: 0.5 });
        return { ...calibration(request.force ? 'cpu' : 'wasm') };
      }
    });
    expect(spawned).toHaveLength(0);
    const seen: Progress[] = [];
    const job = bridge.start('calibrate', { force: true }, { onProgress: (p) => seen.push(p) });
    const outcome = await job.result;
    expect(outcome.ok && outcome.value.calibration.choice.backend).toBe('cpu');
    expect(seen).toEqual([{ phase: 'Measuring backends', fraction: 0.5, etaSeconds: null }]);
    expect(spawned.map((s) => s.name)).toEqual(['train']);
    // The idle worker is kept warm and serves the next job.
    await bridge.start('calibrate', { force: false }).result;
    expect(spawned).toHaveLength(1);
  });

  it('refuses a request that does not match its schema, naming the field', async () => {
    let ran = false;
    const { bridge } = setup({
      async importance() {
        ran = true;
        throw new Error('unreachable');
      }
    });
    const outcome = await bridge.start('importance', { modelId: '../../etc/passwd' }).result;
    expect(ran).toBe(false);
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.error.code).toBe('BAD_REQUEST');
    expect(outcome.error.message).toMatch(
      /^Invalid importance request at modelId: expected a SHA-256/
    );
  });

  it('returns a thrown error as data: code, message and details', async () => {
    const { bridge } = setup({
      async exportCsv(request) {
        throw new LatheError(
          'DATASET_NOT_FOUND',
          `There is no saved dataset ${request.datasetId}.`,
          {
            id: request.datasetId
          }
        );
      }
    });
    const id = 'a'.repeat(64);
    expect(await bridge.start('exportCsv', { datasetId: id }).result).toEqual({
      ok: false,
      error: {
        code: 'DATASET_NOT_FOUND',
        message: `There is no saved dataset ${id}.`,
        details: { id }
      }
    });
  });

  it('cancels cooperatively: the job stops, says so, and its worker stays in use', async () => {
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    const { bridge, spawned } = setup({
      async calibrate(_request, job) {
        started();
        await untilAborted(job.signal);
        throw new LatheError('CANCELLED', 'stopped between steps');
      }
    });
    const job = bridge.start('calibrate', { force: true });
    await running;
    job.cancel();
    expect(await job.result).toEqual({
      ok: false,
      error: {
        code: 'CANCELLED',
        message: 'Measuring the backends was cancelled; nothing was remembered.'
      }
    });
    expect(spawned[0].worker.terminated).toBe(false);
  });

  it('ends a worker that does not stop within the grace period after a cancel', async () => {
    const { bridge, spawned } = setup(
      {
        // Never looks at its signal.
        calibrate: () => new Promise(() => {})
      },
      { graceMs: 30 }
    );
    const job = bridge.start('calibrate', { force: true });
    await tick(10);
    job.cancel();
    const outcome = await job.result;
    expect(outcome.ok || outcome.error.code).toBe('CANCELLED');
    expect(spawned[0].worker.terminated).toBe(true);
    // The next job gets a fresh worker.
    void bridge.start('calibrate', { force: false });
    expect(spawned).toHaveLength(2);
  });

  it('stop asks the job to finish early and still delivers its result', async () => {
    const { bridge } = setup({
      async calibrate(_request, job) {
        await untilAborted(job.stopSignal);
        return calibration('wasm');
      }
    });
    const job = bridge.start('calibrate', { force: true });
    await tick(10);
    job.stop();
    const outcome = await job.result;
    expect(outcome.ok && outcome.value.calibration.choice.backend).toBe('wasm');
  });

  it('turns a crashed worker into an error as data and replaces it', async () => {
    const { bridge, spawned } = setup({ calibrate: () => new Promise(() => {}) });
    const job = bridge.start('calibrate', { force: true });
    await tick(10);
    spawned[0].worker.crash('Uncaught ReferenceError: e is not defined');
    expect(await job.result).toEqual({
      ok: false,
      error: {
        code: 'WORKER_CRASHED',
        message:
          'Measuring the backends stopped unexpectedly: Uncaught ReferenceError: e is not defined.',
        details: { job: 'calibrate', worker: 'train' }
      }
    });
    expect(spawned[0].worker.terminated).toBe(true);
    const failedToLoad = bridge.start('importance', { modelId: 'b'.repeat(64) });
    expect(spawned).toHaveLength(2);
    spawned[1].worker.crash('');
    const outcome = await failedToLoad.result;
    expect(!outcome.ok && outcome.error.message).toBe(
      'Feature importance stopped unexpectedly: the worker failed to start.'
    );
  });

  it('reports a worker that cannot be created as an error, without throwing', async () => {
    const { bridge } = setup({}, { failSpawn: true });
    expect(
      await bridge.start('ingest', { input: { kind: 'url', url: 'https://x.org/a.csv' } }).result
    ).toEqual({
      ok: false,
      error: {
        code: 'WORKER_FAILED_TO_START',
        message: 'The import could not start: workers are disabled here.',
        details: { job: 'ingest', worker: 'ingest' }
      }
    });
  });

  it('delivers only the newest answer of a channel, and skips requests superseded while queued', async () => {
    const ran: string[] = [];
    const gates = new Map<string, () => void>();
    const { bridge } = setup({
      async exportCsv(request) {
        ran.push(request.datasetId[0]);
        await new Promise<void>((resolve) => gates.set(request.datasetId[0], resolve));
        return new Blob([request.datasetId[0]]);
      }
    });
    const channel = bridge.channel('exportCsv');
    const first = channel.request({ datasetId: '1'.repeat(64) });
    await tick(10);
    const second = channel.request({ datasetId: '2'.repeat(64) });
    const third = channel.request({ datasetId: '3'.repeat(64) });
    expect(await second).toBeNull();
    gates.get('1')!();
    expect(await first).toBeNull();
    await tick(10);
    gates.get('3')!();
    const answer = await third;
    expect(answer?.ok && (await answer.value.text())).toBe('3');
    expect(ran).toEqual(['1', '3']);
    channel.dispose();
  });
});

describe('ProgressClock', () => {
  it('estimates the time left from the pace of the fraction since the first report', () => {
    let now = 0;
    const clock = new ProgressClock(() => now);
    expect(clock.stamp({ phase: 'Reading rows', fraction: 0.1 }).etaSeconds).toBeNull();
    now = 2000;
    // 0.2 of the job in 2 s: the remaining 0.7 takes 7 s.
    expect(clock.stamp({ phase: 'Reading rows', fraction: 0.3 }).etaSeconds).toBeCloseTo(7, 12);
    expect(clock.stamp({ phase: 'Saving', fraction: 0.9, etaSeconds: 1 }).etaSeconds).toBe(1);
    expect(clock.stamp({ phase: 'Starting', fraction: null }).etaSeconds).toBeNull();
  });
});

describe('the layout', () => {
  it('has one place that creates a worker', () => {
    const root = join(import.meta.dirname, '../..');
    const sites: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) walk(path);
        else if (/\.(ts|js|svelte)$/.test(name)) {
          readFileSync(path, 'utf8')
            .split('\n')
            .forEach((line, i) => {
              if (/new (Shared)?Worker\(/.test(line))
                sites.push(`${relative(root, path)}:${i + 1}`);
            });
        }
      }
    };
    walk(join(root, 'src'));
    walk(join(root, 'workers'));
    expect(sites).toHaveLength(1);
    expect(sites[0]).toMatch(/^src\/lib\/jobs\/spawn\.ts:\d+$/);
  });
});
