/**
 * The jobs, and the messages between the page and a worker. Each job names the worker file that
 * runs it, the request it takes (checked there against app/requests.ts), the events it streams
 * beside its Progress, and what it returns. A new job (export, predict, drift) is one entry in
 * JobTable and JOBS here, its request schema in app/requests.ts (listed in serve.ts's SCHEMAS),
 * its orchestration in src/lib/app, and one handler in its worker; the compiler points at any
 * place left out.
 */
import type { PreviewView } from '../core/features/view';
import type { FeatureImportance } from '../core/models/importance';
import type { ModelRecord } from '../store/models';
import type { PredictResult } from '../app/predict';
import type { Progress } from '../core/base/progress';
import type { IngestRequest } from '../core/data/request';
import type { JobOutcome } from '../core/base/errors';
import type { Calibration } from '../app/backend';
import type { FeatureRunResult } from '../app/features';
import type { ImportOnnxResult } from '../app/import-onnx';
import type { IngestResult } from '../app/ingest';
import type {
  CalibrateRequest,
  ExportCsvRequest,
  FeatureSetRequest,
  ImportanceRequest,
  ExportOnnxRequest,
  PredictRequest,
  ImportOnnxRequest,
  PreviewRequest,
  SearchRequest,
  TrainRequest
} from '../app/requests';
import type { SearchEvent, SearchResult } from '../app/search';
import type { TrainEvent, TrainOutcome } from '../app/train';

/** The worker entry points (workers/<name>.worker.ts). */
export const WORKER_NAMES = ['ingest', 'features', 'train', 'export', 'onnx'] as const;
export type WorkerName = (typeof WORKER_NAMES)[number];

export interface JobTable {
  ingest: { request: IngestRequest; result: IngestResult; event: never };
  preview: { request: PreviewRequest; result: PreviewView; event: never };
  featureSet: { request: FeatureSetRequest; result: FeatureRunResult; event: never };
  train: { request: TrainRequest; result: TrainOutcome; event: TrainEvent };
  search: { request: SearchRequest; result: SearchResult; event: SearchEvent };
  importance: { request: ImportanceRequest; result: FeatureImportance; event: never };
  exportOnnx: { request: ExportOnnxRequest; result: ModelRecord; event: never };
  predict: { request: PredictRequest; result: PredictResult; event: never };
  calibrate: {
    request: CalibrateRequest;
    result: { calibration: Calibration; measured: boolean };
    event: never;
  };
  exportCsv: { request: ExportCsvRequest; result: Blob; event: never };
  importOnnx: { request: ImportOnnxRequest; result: ImportOnnxResult; event: never };
}

export type JobKind = keyof JobTable;
export type RequestOf<K extends JobKind> = JobTable[K]['request'];
export type ResultOf<K extends JobKind> = JobTable[K]['result'];
export type EventOf<K extends JobKind> = JobTable[K]['event'];

export interface JobInfo {
  worker: WorkerName;
  /** The job in a few words, as the subject of a sentence ("The import stopped …"). */
  label: string;
  /** Told when the person cancels it. */
  cancelled: string;
}

export const JOBS: { readonly [K in JobKind]: JobInfo } = {
  ingest: {
    worker: 'ingest',
    label: 'The import',
    cancelled: 'Import cancelled. Nothing was saved.'
  },
  preview: { worker: 'features', label: 'The preview', cancelled: 'Preview cancelled.' },
  featureSet: {
    worker: 'features',
    label: 'The pipeline',
    cancelled: 'Cancelled. No feature set was saved.'
  },
  train: {
    worker: 'train',
    label: 'Training',
    cancelled: 'Training cancelled. No model was saved.'
  },
  search: {
    worker: 'train',
    label: 'The search',
    cancelled: 'Search cancelled. The run under way was not saved.'
  },
  predict: {
    worker: 'onnx',
    label: 'Predicting',
    cancelled: 'Predicting was cancelled. Nothing was logged.'
  },
  exportOnnx: {
    worker: 'train',
    label: 'The ONNX export',
    cancelled: 'Export cancelled. Nothing was saved.'
  },
  importance: {
    worker: 'train',
    label: 'Feature importance',
    cancelled: 'Feature importance cancelled.'
  },
  calibrate: {
    worker: 'train',
    label: 'Measuring the backends',
    cancelled: 'Measuring the backends was cancelled; nothing was remembered.'
  },
  exportCsv: { worker: 'export', label: 'The CSV export', cancelled: 'CSV export cancelled.' },
  importOnnx: {
    worker: 'onnx',
    label: 'The ONNX import',
    cancelled: 'ONNX import cancelled. Nothing was saved.'
  }
};

/** Page → worker. */
export type ToWorker =
  | { type: 'start'; id: number; kind: JobKind; request: unknown }
  /** Stop and keep nothing. */
  | { type: 'cancel'; id: number }
  /** Finish early, keeping what the job can keep (e.g. the best epoch so far). */
  | { type: 'stop'; id: number };

/** Worker → page. */
export type FromWorker =
  | { type: 'progress'; id: number; progress: Progress }
  | { type: 'event'; id: number; event: unknown }
  | { type: 'done'; id: number; outcome: JobOutcome<unknown> };
