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
    ? `This site uses ${formatBytes(usage.usage)} of the ${formatBytes(usage.quota)} the browser allows (${formatBytes(Math.max(0, usage.quota - usage.usage))} available).`
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
