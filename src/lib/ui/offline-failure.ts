/** The message a service worker posts to its pages when saving the offline copy fails. */
export const OFFLINE_FAILED = 'lathe:offline-failed';

export interface OfflineFailedMessage {
  type: typeof OFFLINE_FAILED;
  reason: string;
}

/**
 * Why installing the offline copy failed, in words for the person using the app. `error` is
 * what the precache threw: a workbox error (`name` = its code, `details`), a DOMException or a
 * fetch TypeError.
 */
export function describeInstallFailure(error: unknown): string {
  const e = (error ?? {}) as {
    name?: string;
    message?: string;
    details?: { url?: string; status?: number };
  };
  if (e.name === 'bad-precaching-response' && e.details?.url) {
    const url = new URL(e.details.url, 'http://x');
    const status = e.details.status ? `${e.details.status}` : 'an error';
    return `the server answered ${status} for ${url.pathname}, a file the offline copy needs`;
  }
  if (e.name === 'QuotaExceededError') {
    return 'this browser has no room left to store the offline copy; free some space and reload';
  }
  if (e.name === 'TypeError') {
    return `a file of the app could not be downloaded (${e.message ?? 'network error'}); reload when the connection is back`;
  }
  return `saving the offline copy failed (${[e.name, e.message].filter(Boolean).join(': ') || String(error)})`;
}
