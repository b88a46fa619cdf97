import type { Json } from '../base/json';
import type { ModelSpec, TrainSpec } from '../spec/types';
import type { EpochLog, TrainProgress } from './train';

/** What the page asks the training worker for: the spec sections are parsed there. */
export interface TrainRequest {
  featureSetId: string;
  model: ModelSpec;
  train?: TrainSpec;
  name?: string;
  /** On cancel, register the best checkpoint so far instead of nothing. */
  keepBestOnCancel: boolean;
}

/** Streamed from the training worker while a run goes on. */
export type TrainEvent =
  | { type: 'status'; message: string }
  | { type: 'epoch'; log: EpochLog }
  | { type: 'progress'; progress: TrainProgress }
  | { type: 'backend'; choice: Json };
