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
