import { yieldToEventLoop } from '../core/data/source';
import { LatheError } from '../core/base/errors';

/**
 * Lets a cancel message that arrived during synchronous work be received, then throws
 * LatheError 'CANCELLED' if the job was cancelled. Called before a job saves anything.
 */
export async function checkpoint(signal: AbortSignal | undefined, message: string): Promise<void> {
  if (!signal) return;
  await yieldToEventLoop();
  if (signal.aborted) throw new LatheError('CANCELLED', message);
}
