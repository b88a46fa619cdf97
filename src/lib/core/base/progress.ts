/** What a progress report counts. */
export type ProgressUnit =
  'bytes' | 'rows' | 'samples' | 'epochs' | 'steps' | 'runs' | 'backends' | 'passes';

/**
 * The one progress report of every long job (ingest, feature build, training, search, …), as the
 * job streams it to the page and the ProgressBar shows it.
 */
export interface Progress {
  /** What is happening now, in a few words: "Reading rows", "Training", "Saving". */
  phase: string;
  /** 0..1 of the whole job; null while the total is unknown (an indeterminate bar). */
  fraction: number | null;
  /** Where the job is in its own terms: 3 of 100 epochs, 12 MB of 40 MB. */
  count?: { done: number; total: number | null; unit: ProgressUnit };
  /** How fast it goes now. */
  rate?: { perSecond: number; unit: ProgressUnit };
  /** Seconds left; filled in from the pace of `fraction` when the job does not know better. */
  etaSeconds?: number | null;
  /** Training: the latest epoch's training loss. */
  loss?: number;
  /** A short detail: the step running, the settings of a search run. */
  note?: string;
}

/** Reports before this much of the job (or this long) give no estimate: too noisy. */
const MIN_FRACTION = 0.02;
const MIN_SECONDS = 0.5;

/**
 * Fills in `etaSeconds` from how fast `fraction` has moved since the job's first report, for
 * jobs that cannot estimate it themselves. One clock per job.
 */
export class ProgressClock {
  private start: { at: number; fraction: number } | null = null;

  constructor(private readonly now: () => number = () => performance.now()) {}

  stamp(progress: Progress): Progress {
    const at = this.now();
    const fraction = progress.fraction;
    if (fraction === null) return { ...progress, etaSeconds: progress.etaSeconds ?? null };
    this.start ??= { at, fraction };
    if (progress.etaSeconds !== undefined) return progress;
    const seconds = (at - this.start.at) / 1000;
    const done = fraction - this.start.fraction;
    const etaSeconds =
      done >= MIN_FRACTION && seconds >= MIN_SECONDS
        ? Math.max(0, (seconds * (1 - fraction)) / done)
        : null;
    return { ...progress, etaSeconds };
  }
}
