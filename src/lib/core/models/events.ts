import type { Json } from '../features/step';
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
  /** Early stopping ended the run: when, why, and which epoch's weights are kept. */
  | { type: 'stopped'; stop: EarlyStop }
  | { type: 'progress'; progress: TrainProgress }
  | { type: 'backend'; choice: Json };

/** Why early stopping ended a run: told to the person as it happens and kept with the result. */
export interface EarlyStop {
  /** The last epoch run (1-based). */
  epoch: number;
  /** Epochs in a row without an improvement of the monitored loss that ended the run. */
  patience: number;
  /** The epoch whose weights were kept. */
  bestEpoch: number;
  monitor: 'val_loss' | 'loss';
}

/** "Stopped early at epoch 37: validation loss did not improve for 15 epochs; kept epoch 22." */
export function earlyStopMessage(stop: EarlyStop): string {
  const loss = stop.monitor === 'val_loss' ? 'validation loss' : 'training loss';
  const epochs = stop.patience === 1 ? '1 epoch' : `${stop.patience} epochs`;
  return `Stopped early at epoch ${stop.epoch}: ${loss} did not improve for ${epochs}; kept epoch ${stop.bestEpoch}.`;
}
