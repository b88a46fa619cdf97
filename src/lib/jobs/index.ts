/** The app's jobs: start one in its worker, stream its progress and events, cancel it. */
import { createBridge, type Bridge } from './bridge';
import { spawnWorker } from './spawn';

export type { Channel, Job, JobCallbacks } from './bridge';
export { JOBS, type EventOf, type JobKind, type RequestOf, type ResultOf } from './protocol';

let bridge: Bridge | null = null;
const jobs = (): Bridge => (bridge ??= createBridge(spawnWorker));

export const startJob: Bridge['start'] = (kind, request, callbacks) =>
  jobs().start(kind, request, callbacks);

export const openChannel: Bridge['channel'] = (kind) => jobs().channel(kind);
