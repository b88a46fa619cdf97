import type { Calibration } from '$lib/app/backend';
import type { LatheErrorData } from '$lib/core/base/errors';
import type { Progress } from '$lib/core/base/progress';
import { startJob, type Job } from '$lib/jobs';

/**
 * Which backend is fastest in this browser: remembered after one measurement, which runs in the
 * background when the Train stage first opens (only if nothing is remembered for this browser,
 * adapter and library versions) or when the person asks for it again. One per page session, so
 * a measurement under way goes on while the person visits other stages.
 */
class BackendMeasurement {
  calibration = $state.raw<Calibration | null>(null);
  /** A measurement is under way (not just a look-up of the remembered one). */
  measuring = $state(false);
  progress = $state.raw<Progress | null>(null);
  error = $state.raw<LatheErrorData | null>(null);
  private job: Job<{ calibration: Calibration; measured: boolean }> | null = null;

  /** Looks up the remembered measurement, measuring only when there is none (or `force`). */
  check(force = false) {
    if (this.job || (this.calibration && !force)) return;
    this.error = null;
    this.progress = null;
    this.measuring = force;
    const job = startJob(
      'calibrate',
      { force },
      {
        onProgress: (progress) => {
          this.measuring = true;
          this.progress = progress;
        }
      }
    );
    this.job = job;
    job.result.then((outcome) => {
      this.job = null;
      this.measuring = false;
      this.progress = null;
      if (outcome.ok) this.calibration = outcome.value.calibration;
      else this.error = outcome.error;
    });
  }
}

export const backendMeasurement = new BackendMeasurement();
