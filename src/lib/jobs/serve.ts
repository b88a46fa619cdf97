/**
 * The worker's half of the bridge: receives job requests, checks each against its schema, runs
 * the handler with a cancel signal, a stop signal and a progress reporter, and answers with the
 * outcome as plain data — a thrown error becomes {code, message, details}, never a rejection.
 */
import * as v from 'valibot';
import { LatheError, toErrorData } from '../core/base/errors';
import { ProgressClock, type Progress } from '../core/base/progress';
import type { JobOutcome } from '../core/base/errors';
import {
  CalibrateRequestSchema,
  ExportCsvRequestSchema,
  FeatureSetRequestSchema,
  ImportanceRequestSchema,
  ExportOnnxRequestSchema,
  PredictRequestSchema,
  ImportOnnxRequestSchema,
  IngestRequestSchema,
  PreviewRequestSchema,
  SearchRequestSchema,
  TrainRequestSchema
} from '../app/requests';
import type { EventOf, FromWorker, JobKind, RequestOf, ResultOf } from './protocol';

const SCHEMAS: { readonly [K in JobKind]: v.GenericSchema<unknown, RequestOf<K>> } = {
  ingest: IngestRequestSchema,
  preview: PreviewRequestSchema,
  featureSet: FeatureSetRequestSchema,
  train: TrainRequestSchema,
  search: SearchRequestSchema,
  importance: ImportanceRequestSchema,
  exportOnnx: ExportOnnxRequestSchema,
  predict: PredictRequestSchema,
  calibrate: CalibrateRequestSchema,
  exportCsv: ExportCsvRequestSchema,
  importOnnx: ImportOnnxRequestSchema
};

const Id = v.pipe(v.number(), v.integer(), v.minValue(0));
const MessageSchema = v.variant('type', [
  v.object({
    type: v.literal('start'),
    id: Id,
    kind: v.picklist(Object.keys(SCHEMAS) as JobKind[]),
    request: v.unknown()
  }),
  v.object({ type: v.literal('cancel'), id: Id }),
  v.object({ type: v.literal('stop'), id: Id })
]);

export interface JobContext<E> {
  /** Aborted when the page cancels the job: stop soon, save nothing. */
  signal: AbortSignal;
  /** Aborted when the page asks to finish early, keeping what can be kept. */
  stopSignal: AbortSignal;
  progress(progress: Progress): void;
  emit(event: E): void;
  /** Buffers to move (not copy) to the page with the result. */
  transfer(...buffers: Transferable[]): void;
}

export type JobHandlers = {
  [K in JobKind]?: (request: RequestOf<K>, ctx: JobContext<EventOf<K>>) => Promise<ResultOf<K>>;
};

/** A worker's global scope (or a MessagePort in tests). */
export interface Endpoint {
  postMessage(message: unknown, options?: StructuredSerializeOptions): void;
  addEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
  start?(): void;
}

function issueText(issues: [v.BaseIssue<unknown>, ...v.BaseIssue<unknown>[]]): string {
  const issue = issues[0];
  return `${v.getDotPath(issue) ?? '(root)'}: ${issue.message}`;
}

/** Runs the handlers' jobs for messages arriving at `endpoint` (a worker's `self`). */
export function serveJobs(endpoint: Endpoint, handlers: JobHandlers): void {
  const running = new Map<number, { cancel: AbortController; stop: AbortController }>();
  const post = (message: FromWorker, transfer: Transferable[] = []) =>
    endpoint.postMessage(message, { transfer });

  async function start(id: number, kind: JobKind, request: unknown): Promise<void> {
    const cancel = new AbortController();
    const stop = new AbortController();
    running.set(id, { cancel, stop });
    const clock = new ProgressClock();
    const transfers: Transferable[] = [];
    let outcome: JobOutcome<unknown>;
    try {
      const handler = handlers[kind] as
        ((request: unknown, ctx: JobContext<unknown>) => Promise<unknown>) | undefined;
      if (!handler) throw new LatheError('BAD_REQUEST', `This worker does not run "${kind}" jobs.`);
      const parsed = v.safeParse(SCHEMAS[kind], request);
      if (!parsed.success) {
        throw new LatheError(
          'BAD_REQUEST',
          `Invalid ${kind} request at ${issueText(parsed.issues)}`,
          {
            path: v.getDotPath(parsed.issues[0]) ?? ''
          }
        );
      }
      const value = await handler(parsed.output, {
        signal: cancel.signal,
        stopSignal: stop.signal,
        progress: (p) => post({ type: 'progress', id, progress: clock.stamp(p) }),
        emit: (event) => post({ type: 'event', id, event }),
        transfer: (...buffers) => transfers.push(...buffers)
      });
      outcome = { ok: true, value };
    } catch (error) {
      outcome = { ok: false, error: toErrorData(error) };
      transfers.length = 0;
    } finally {
      running.delete(id);
    }
    try {
      post({ type: 'done', id, outcome }, transfers);
    } catch (error) {
      // The result could not be cloned: still answer, as data.
      post({
        type: 'done',
        id,
        outcome: {
          ok: false,
          error: {
            code: 'RESULT_NOT_SENDABLE',
            message: `The ${kind} job finished but its result could not be sent to the page (${toErrorData(error).message}).`
          }
        }
      });
    }
  }

  endpoint.addEventListener('message', (event: MessageEvent) => {
    const message = v.safeParse(MessageSchema, event.data);
    if (!message.success) {
      const id = (event.data as { id?: unknown } | null)?.id;
      if (typeof id === 'number') {
        post({
          type: 'done',
          id,
          outcome: {
            ok: false,
            error: {
              code: 'BAD_REQUEST',
              message: `Invalid job message at ${issueText(message.issues)}`
            }
          }
        });
      }
      return;
    }
    const m = message.output;
    if (m.type === 'start') void start(m.id, m.kind, m.request);
    else if (m.type === 'cancel') running.get(m.id)?.cancel.abort();
    else running.get(m.id)?.stop.abort();
  });
  endpoint.start?.();
}
