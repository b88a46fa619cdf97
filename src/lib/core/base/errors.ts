/** Plain-data error: crosses worker boundaries unchanged. */
export interface LatheErrorData {
  code: string;
  message: string;
  details?: Record<string, unknown>;
}

export class LatheError extends Error implements LatheErrorData {
  readonly code: string;
  readonly details?: Record<string, unknown>;
  constructor(code: string, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = 'LatheError';
    this.code = code;
    this.details = details;
  }
  toData(): LatheErrorData {
    return { code: this.code, message: this.message, details: this.details };
  }
}

export function toErrorData(error: unknown): LatheErrorData {
  if (error instanceof LatheError) return error.toData();
  if (error instanceof Error) return { code: 'INTERNAL', message: error.message };
  return { code: 'INTERNAL', message: String(error) };
}

/** What a job returns across a worker boundary: its value, or an error as data. */
export type JobOutcome<T> = { ok: true; value: T } | { ok: false; error: LatheErrorData };
