// Relative import: plain TypeScript, tested in node without SvelteKit's aliases.
import type { DatasetRecord } from '../store';

const SHOWN_TYPES = 3;

/**
 * What tells a re-import from the dataset it re-imports, e.g. "v2, types changed: zip →
 * categorical"; empty for a first import read with the detected types.
 */
export function versionNote(record: DatasetRecord): string {
  const parts: string[] = [];
  if (record.version !== undefined && record.version > 1) parts.push(`v${record.version}`);
  const types = Object.entries(record.columnTypes ?? {});
  if (types.length) {
    const shown = types.slice(0, SHOWN_TYPES).map(([column, type]) => `${column} → ${type}`);
    const more = types.length > SHOWN_TYPES ? `, ${types.length - SHOWN_TYPES} more` : '';
    parts.push(`types changed: ${shown.join(', ')}${more}`);
  }
  return parts.join(', ');
}

/** A dataset's name as lists show it: "penguins (v2, types changed: …)". */
export function datasetLabel(record: DatasetRecord): string {
  const note = versionNote(record);
  return note ? `${record.name} (${note})` : record.name;
}
