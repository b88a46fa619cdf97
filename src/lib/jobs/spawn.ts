/**
 * The one place the app starts a worker. Each worker file is imported as `?worker&url`: Vite
 * bundles it as a worker of its own (module format, see vite.config.ts) and gives its URL.
 */
import exportUrl from '../../../workers/export.worker.ts?worker&url';
import featuresUrl from '../../../workers/features.worker.ts?worker&url';
import ingestUrl from '../../../workers/ingest.worker.ts?worker&url';
import onnxUrl from '../../../workers/onnx.worker.ts?worker&url';
import trainUrl from '../../../workers/train.worker.ts?worker&url';
import type { WorkerLike } from './bridge';
import type { WorkerName } from './protocol';

const URLS: Record<WorkerName, string> = {
  ingest: ingestUrl,
  features: featuresUrl,
  train: trainUrl,
  export: exportUrl,
  onnx: onnxUrl
};

export function spawnWorker(name: WorkerName): WorkerLike {
  return new Worker(URLS[name], { type: 'module', name: `lathe-${name}` });
}
