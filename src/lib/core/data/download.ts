import type { Progress } from '../base/progress';
import { LatheError } from '../base/errors';

/** Downloads a URL into a Blob, reporting bytes as they arrive (fraction of the download). */
export async function downloadWithProgress(
  url: string,
  onProgress: (p: Progress) => void,
  signal?: AbortSignal
): Promise<Blob> {
  let response: Response;
  try {
    response = await fetch(url, { signal, credentials: 'omit', mode: 'cors' });
  } catch (error) {
    if (signal?.aborted) throw new LatheError('CANCELLED', 'Download cancelled.');
    // Browsers report a CORS refusal and an unreachable host the same way, on purpose.
    throw new LatheError(
      'DOWNLOAD_BLOCKED',
      `Could not read ${url}: the server is unreachable or its CORS policy does not allow other sites to read this file. Download the file yourself and drop it here instead.`,
      { url, cause: String(error) }
    );
  }
  if (!response.ok) {
    throw new LatheError(
      'DOWNLOAD_FAILED',
      `The server answered ${response.status} ${response.statusText} for ${url}.`,
      { url, status: response.status }
    );
  }
  const total = Number(response.headers.get('content-length') ?? 0);
  const contentType = response.headers.get('content-type') ?? '';
  if (!response.body) return response.blob();
  const reader = response.body.getReader();
  const parts: Uint8Array[] = [];
  const started = performance.now();
  let done = 0;
  for (;;) {
    const { value, done: finished } = await reader.read();
    if (finished) break;
    parts.push(value);
    done += value.byteLength;
    const seconds = (performance.now() - started) / 1000;
    onProgress({
      phase: 'Downloading',
      fraction: total > 0 ? Math.min(1, done / total) : null,
      count: { done, total: total > 0 ? total : null, unit: 'bytes' },
      ...(seconds > 0 ? { rate: { perSecond: done / seconds, unit: 'bytes' } } : {})
    });
  }
  return new Blob(parts as BlobPart[], { type: contentType });
}
