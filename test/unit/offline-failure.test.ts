import { describe, expect, it } from 'vitest';
import { describeInstallFailure } from '../../src/lib/ui/offline-failure';

describe('describeInstallFailure', () => {
  it('names the file and the status of a precache response that was refused', () => {
    // What workbox-precaching throws for a 404 (a WorkboxError: name = code, details).
    const error = Object.assign(new Error('bad-precaching-response'), {
      name: 'bad-precaching-response',
      details: { url: 'http://127.0.0.1:4173/index.html?__WB_REVISION__=abc', status: 404 }
    });
    expect(describeInstallFailure(error)).toBe(
      'the server answered 404 for /index.html, a file the offline copy needs'
    );
  });

  it('explains a full disk and a lost connection', () => {
    expect(describeInstallFailure(new DOMException('quota', 'QuotaExceededError'))).toMatch(
      /no room left/
    );
    expect(describeInstallFailure(new TypeError('Failed to fetch'))).toBe(
      'a file of the app could not be downloaded (Failed to fetch); reload when the connection is back'
    );
  });

  it('passes on anything else with its name and message', () => {
    expect(describeInstallFailure(new RangeError('odd'))).toBe(
      'saving the offline copy failed (RangeError: odd)'
    );
    expect(describeInstallFailure(undefined)).toBe('saving the offline copy failed (undefined)');
  });
});
