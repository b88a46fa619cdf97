/**
 * The page's half of the bridge: every job runs in a worker through here. Workers are spawned
 * lazily, one job at a time each, and one idle worker per kind is kept warm for the next job.
 * Cancel asks the job to stop and, if it has not within a short grace, ends its worker. A worker
 * that crashes or cannot start fails its jobs with an error as data, never a rejection. A channel
 * serves a stream of requests where only the newest answer matters (the live preview).
 */
import type { LatheErrorData } from '../core/base/errors';
import type { Progress } from '../core/base/progress';
import type { JobOutcome } from '../core/base/errors';
import {
  JOBS,
  type EventOf,
  type FromWorker,
  type JobKind,
  type RequestOf,
  type ResultOf,
  type ToWorker,
  type WorkerName
} from './protocol';

/** What the bridge needs of a Worker (a fake one in tests). */
export interface WorkerLike {
  postMessage(message: ToWorker, transfer?: Transferable[]): void;
  terminate(): void;
  addEventListener(type: 'message' | 'messageerror', listener: (event: MessageEvent) => void): void;
  addEventListener(type: 'error', listener: (event: ErrorEvent) => void): void;
}

export type Spawn = (name: WorkerName) => WorkerLike;

export interface JobCallbacks<E> {
  onProgress?: (progress: Progress) => void;
  onEvent?: (event: E) => void;
}

export interface Job<R> {
  /** Settles with the outcome, never rejects: errors (crash, cancel) are data. */
  readonly result: Promise<JobOutcome<R>>;
  /** Stop and keep nothing: asks the job, then ends its worker after the grace period. */
  cancel(): void;
  /** Finish early and keep what can be kept (training: the best epoch so far). */
  stop(): void;
}

export interface Channel<K extends JobKind> {
  /** Resolves with this request's outcome, or null once a newer request superseded it. */
  request(
    request: RequestOf<K>,
    callbacks?: JobCallbacks<EventOf<K>>
  ): Promise<JobOutcome<ResultOf<K>> | null>;
  /** Ends the channel's worker; pending requests resolve to null. */
  dispose(): void;
}

export interface Bridge {
  start<K extends JobKind>(
    kind: K,
    request: RequestOf<K>,
    callbacks?: JobCallbacks<EventOf<K>>
  ): Job<ResultOf<K>>;
  channel<K extends JobKind>(kind: K): Channel<K>;
  /** Ends every worker; jobs under way fail as cancelled. */
  dispose(): void;
}

export interface BridgeOptions {
  /** How long a cancelled job may take to stop before its worker is ended (1000 ms). */
  graceMs?: number;
  /** Idle workers kept per worker file for the next job (1). */
  idlePerWorker?: number;
}

interface Pending {
  kind: JobKind;
  callbacks: JobCallbacks<unknown>;
  settle: (outcome: JobOutcome<unknown>) => void;
  cancelled: boolean;
  timer?: ReturnType<typeof setTimeout>;
}

interface Slot {
  name: WorkerName;
  worker: WorkerLike;
  jobs: Map<number, Pending>;
  dead: boolean;
  /** Owned by a channel: never pooled. */
  dedicated: boolean;
}

function failure(code: string, message: string, details?: Record<string, unknown>) {
  const error: LatheErrorData = { code, message, ...(details ? { details } : {}) };
  return { ok: false as const, error };
}

const cancelledOutcome = (kind: JobKind) => failure('CANCELLED', JOBS[kind].cancelled);

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function createBridge(spawn: Spawn, options: BridgeOptions = {}): Bridge {
  const graceMs = options.graceMs ?? 1000;
  const keepIdle = options.idlePerWorker ?? 1;
  const idle = new Map<WorkerName, Slot[]>();
  const live = new Set<Slot>();
  let nextId = 1;

  function open(name: WorkerName, dedicated: boolean): Slot {
    const worker = spawn(name);
    const slot: Slot = { name, worker, jobs: new Map(), dead: false, dedicated };
    live.add(slot);
    worker.addEventListener('message', (event) => receive(slot, event.data as FromWorker));
    worker.addEventListener('error', (event) => {
      event.preventDefault?.();
      crash(slot, `${event.message || 'the worker failed to start'}`);
    });
    worker.addEventListener('messageerror', () =>
      crash(slot, 'a message from its worker could not be read')
    );
    return slot;
  }

  function kill(slot: Slot) {
    if (slot.dead) return;
    slot.dead = true;
    live.delete(slot);
    const list = idle.get(slot.name);
    if (list?.includes(slot)) list.splice(list.indexOf(slot), 1);
    slot.worker.terminate();
  }

  /** Ends the worker and fails its jobs: cancelled ones as cancelled, others as crashed. */
  function crash(slot: Slot, why: string) {
    if (slot.dead) return;
    kill(slot);
    for (const job of slot.jobs.values()) {
      clearTimeout(job.timer);
      job.settle(
        job.cancelled
          ? cancelledOutcome(job.kind)
          : failure('WORKER_CRASHED', `${JOBS[job.kind].label} stopped unexpectedly: ${why}.`, {
              job: job.kind,
              worker: slot.name
            })
      );
    }
    slot.jobs.clear();
  }

  function release(slot: Slot) {
    if (slot.dead || slot.dedicated || slot.jobs.size > 0) return;
    const list = idle.get(slot.name) ?? [];
    idle.set(slot.name, list);
    if (list.length < keepIdle) list.push(slot);
    else kill(slot);
  }

  function receive(slot: Slot, message: FromWorker) {
    const job = slot.jobs.get(message?.id);
    if (!job) return;
    if (message.type === 'progress') job.callbacks.onProgress?.(message.progress);
    else if (message.type === 'event') job.callbacks.onEvent?.(message.event);
    else if (message.type === 'done') {
      slot.jobs.delete(message.id);
      clearTimeout(job.timer);
      const outcome = message.outcome;
      job.settle(job.cancelled && !outcome.ok ? cancelledOutcome(job.kind) : outcome);
      release(slot);
    }
  }

  /** Sends a job to a slot; returns its id, or null when the request could not be sent. */
  function send(slot: Slot, kind: JobKind, request: unknown, job: Pending): number | null {
    const id = nextId++;
    slot.jobs.set(id, job);
    try {
      slot.worker.postMessage({ type: 'start', id, kind, request });
      return id;
    } catch (error) {
      slot.jobs.delete(id);
      release(slot);
      job.settle(
        failure(
          'BAD_REQUEST',
          `${JOBS[kind].label} could not be sent to its worker: ${describeError(error)}.`
        )
      );
      return null;
    }
  }

  function notStarted(kind: JobKind, error: unknown) {
    return failure(
      'WORKER_FAILED_TO_START',
      `${JOBS[kind].label} could not start: ${describeError(error)}.`,
      { job: kind, worker: JOBS[kind].worker }
    );
  }

  function start<K extends JobKind>(
    kind: K,
    request: RequestOf<K>,
    callbacks: JobCallbacks<EventOf<K>> = {}
  ): Job<ResultOf<K>> {
    let settle!: (outcome: JobOutcome<unknown>) => void;
    const result = new Promise<JobOutcome<unknown>>((resolve) => (settle = resolve));
    const typed = result as Promise<JobOutcome<ResultOf<K>>>;
    const name = JOBS[kind].worker;
    let slot: Slot;
    try {
      slot = idle.get(name)?.pop() ?? open(name, false);
    } catch (error) {
      settle(notStarted(kind, error));
      return { result: typed, cancel() {}, stop() {} };
    }
    const job: Pending = {
      kind,
      callbacks: callbacks as JobCallbacks<unknown>,
      settle,
      cancelled: false
    };
    const id = send(slot, kind, request, job);
    const running = () => id !== null && slot.jobs.get(id) === job;
    return {
      result: typed,
      cancel() {
        if (!running() || job.cancelled) return;
        job.cancelled = true;
        slot.worker.postMessage({ type: 'cancel', id: id! });
        job.timer = setTimeout(() => {
          if (running()) crash(slot, 'it was ended after a cancel');
        }, graceMs);
      },
      stop() {
        if (running() && !job.cancelled) slot.worker.postMessage({ type: 'stop', id: id! });
      }
    };
  }

  function channel<K extends JobKind>(kind: K): Channel<K> {
    type Answer = JobOutcome<ResultOf<K>> | null;
    let slot: Slot | null = null;
    let latest = 0;
    let inFlight: { ticket: number; id: number } | null = null;
    let queued: {
      ticket: number;
      request: RequestOf<K>;
      callbacks: JobCallbacks<EventOf<K>>;
      resolve: (answer: Answer) => void;
    } | null = null;

    function pump() {
      if (inFlight || !queued) return;
      const next = queued;
      queued = null;
      const answer = (outcome: JobOutcome<unknown>) => {
        inFlight = null;
        next.resolve(next.ticket === latest ? (outcome as JobOutcome<ResultOf<K>>) : null);
        pump();
      };
      if (!slot || slot.dead) {
        try {
          slot = open(JOBS[kind].worker, true);
        } catch (error) {
          answer(notStarted(kind, error));
          return;
        }
      }
      const job: Pending = {
        kind,
        callbacks: next.callbacks as JobCallbacks<unknown>,
        settle: answer,
        cancelled: false
      };
      inFlight = { ticket: next.ticket, id: -1 };
      const id = send(slot, kind, next.request, job);
      if (id !== null && inFlight?.ticket === next.ticket) inFlight.id = id;
    }

    return {
      request(request, callbacks = {}) {
        const ticket = ++latest;
        return new Promise<Answer>((resolve) => {
          queued?.resolve(null);
          queued = { ticket, request, callbacks, resolve };
          // The answer under way is stale now: ask it to stop (it need not).
          if (inFlight && inFlight.id >= 0 && slot && !slot.dead) {
            slot.worker.postMessage({ type: 'cancel', id: inFlight.id });
          }
          pump();
        });
      },
      dispose() {
        latest++;
        queued?.resolve(null);
        queued = null;
        if (slot) crash(slot, 'the page closed it');
        slot = null;
      }
    };
  }

  return {
    start,
    channel,
    dispose() {
      for (const slot of [...live]) {
        for (const job of slot.jobs.values()) job.cancelled = true;
        crash(slot, 'the page closed it');
      }
      idle.clear();
    }
  };
}
