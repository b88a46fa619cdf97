import type { LatheErrorData } from '$lib/core/base/errors';
import type { BackendChoice } from '$lib/core/models/backend';
import type { EpochLog } from '$lib/core/models/train';
import type { Progress } from '$lib/core/base/progress';
import type { TrainRequest } from '$lib/app/requests';
import type { TrainOutcome } from '$lib/app/train';
import { startJob, type Job } from '$lib/jobs';
import { earlyStopMessage } from '$lib/core/models/early-stop';

/** One training run as the Train stage shows it: status, live curves, outcome. */
export class TrainRun {
  running = $state(false);
  status = $state('');
  epochs = $state<EpochLog[]>([]);
  progress = $state.raw<Progress | null>(null);
  backend = $state.raw<BackendChoice | null>(null);
  result = $state.raw<TrainOutcome | null>(null);
  error = $state.raw<LatheErrorData | null>(null);
  stopping = $state(false);
  /** Why early stopping ended the run, in words; '' when it did not. */
  stoppedEarly = $state('');
  private job: Job<TrainOutcome> | null = null;

  start(request: TrainRequest): Promise<TrainOutcome | null> {
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
    const job = startJob('train', request, {
      onProgress: (progress) => (this.progress = progress),
      onEvent: (event) => {
        if (event.type === 'status') this.status = event.message;
        else if (event.type === 'epoch') {
          this.epochs.push(event.log);
          this.status = 'Training';
        } else if (event.type === 'stopped') this.stoppedEarly = earlyStopMessage(event.stop);
        else this.backend = event.choice;
      }
    });
    this.job = job;
    return job.result.then((outcome) => {
      this.running = false;
      this.job = null;
      if (outcome.ok) {
        this.status =
          outcome.value.record.status === 'cancelled' ? 'Stopped; best epoch kept' : 'Finished';
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

  /** Cancels the run: nothing is saved. */
  abort() {
    this.job?.cancel();
  }
}
