import { LatheError } from '../core/base/errors';
import { formatBytes } from '../core/base/format';
import type { Database } from './db';
import { parseDatasetRecord, type DatasetRecord } from './records';

/** A quota failure, told with what is used and which saved datasets would free the most room. */
export async function quotaError(
  database: Database,
  what: string,
  bytes: number,
  cause: string | undefined
): Promise<LatheError> {
  const [usage, values] = await Promise.all([
    database.estimate(),
    database.db.getAll('datasets').catch((): unknown[] => [])
  ]);
  const saved = values.flatMap((value): DatasetRecord[] => {
    const parsed = parseDatasetRecord(value);
    return parsed.ok ? [parsed.record] : [];
  });
  const largest = saved.sort((a, b) => b.bytes - a.bytes).slice(0, 3);
  const used = usage
    ? usageText(usage)
    : `Saved datasets take ${formatBytes(saved.reduce((sum, d) => sum + d.bytes, 0))}.`;
  const hint = largest.length
    ? ` The largest saved datasets are ${largest.map((d) => `"${d.name}" (${formatBytes(d.bytes)})`).join(', ')}; delete some of them to make room.`
    : ' Free space in the browser (or on the disk) and try again.';
  return new LatheError(
    'QUOTA_EXCEEDED',
    `Not enough storage to save "${what}" (${formatBytes(bytes)}). ${used}${hint} Everything saved before is unchanged.`,
    {
      needed: bytes,
      usage: usage?.usage,
      quota: usage?.quota,
      largest: largest.map((d) => ({ id: d.id, name: d.name, bytes: d.bytes })),
      cause
    }
  );
}

/** What the site uses of what the browser allows, in words. */
export function usageText(usage: { usage: number; quota: number }): string {
  return `This site uses ${formatBytes(usage.usage)} of the ${formatBytes(usage.quota)} the browser allows (${formatBytes(Math.max(0, usage.quota - usage.usage))} available).`;
}

/** Past this share of the quota, writes that keep growing (the prediction log) warn. */
export const QUOTA_WARNING_SHARE = 0.8;

/** The storage estimate when the site uses at least `share` of its quota, else null. */
export async function nearQuota(
  database: Pick<Database, 'estimate'>,
  share = QUOTA_WARNING_SHARE
): Promise<{ usage: number; quota: number } | null> {
  const usage = await database.estimate();
  return usage && usage.quota > 0 && usage.usage >= share * usage.quota ? usage : null;
}
