import type { LatheErrorData } from '$lib/core/data/types';
import type { Json } from '$lib/core/features/step';
import { earlyStopMessage, type TrainRequest } from '$lib/core/models/events';
import { TRAIN_DEFAULTS } from '$lib/core/models/settings';
import type { EpochLog, TrainProgress } from '$lib/core/models/train';
import { startTraining, type TrainJob } from '$lib/jobs/train';
import type { ModelRecord } from '$lib/store';

/** One training run as the Train stage shows it: status, live curves, outcome. */
export class TrainRun {
  running = $state(false);
  status = $state('');
  epochs = $state<EpochLog[]>([]);
  progress = $state.raw<TrainProgress | null>(null);
  backend = $state.raw<Json | null>(null);
  result = $state.raw<ModelRecord | null>(null);
  error = $state.raw<LatheErrorData | null>(null);
  stopping = $state(false);
  /** Why early stopping ended the run, in words; '' when it did not. */
  stoppedEarly = $state('');
  private job: TrainJob | null = null;

  start(request: TrainRequest): Promise<ModelRecord | null> {
    if (this.running) return Promise.resolve(null);
    this.running = true;
    this.stopping = false;
    this.status = 'Starting';
    this.epochs = [];
    this.progress = null;
    this.backend = null;
    this.result = null;
    this.error = null;
    this.stoppedEarly = '';
    const planned = request.train?.epochs ?? TRAIN_DEFAULTS.epochs;
    const job = startTraining(request, (event) => {
      if (event.type === 'status') this.status = event.message;
      else if (event.type === 'epoch') {
        this.epochs.push(event.log);
        this.status = 'Training';
        // Short epochs finish between the loop's progress reports: each epoch reports too.
        this.progress = {
          epoch: event.log.epoch,
          epochs: planned,
          batch: 0,
          batches: 0,
          fraction: event.log.epoch / planned,
          samplesPerSecond: event.log.samplesPerSecond
        };
      } else if (event.type === 'stopped') this.stoppedEarly = earlyStopMessage(event.stop);
      else if (event.type === 'progress') this.progress = event.progress;
      else this.backend = event.choice;
    });
    this.job = job;
    return job.result.then((outcome) => {
      this.running = false;
      this.job = null;
      if (outcome.ok) {
        this.status =
          outcome.value.status === 'cancelled' ? 'Stopped; best epoch kept' : 'Finished';
        this.result = outcome.value;
        return outcome.value;
      }
      this.status = outcome.error.code === 'CANCELLED' ? 'Cancelled' : 'Failed';
      this.error = outcome.error;
      return null;
    });
  }

  /** Stops after the current batch; the best checkpoint is kept if the request asked for it. */
  stop() {
    this.stopping = true;
    this.job?.stop();
  }

  abort() {
    this.job?.abort();
  }
}
