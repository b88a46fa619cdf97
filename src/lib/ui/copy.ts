const CELLS = 'th, td, [role="gridcell"], [role="columnheader"], [role="rowheader"]';

/**
 * A `copy` listener for a table that shows rounded numbers: the clipboard gets each selected
 * cell's exact value (its `data-full`, else its text), tab-separated, one line per row.
 */
export function copyFullValues(event: ClipboardEvent) {
  const selection = document.getSelection();
  const root = event.currentTarget as HTMLElement | null;
  if (!selection || selection.isCollapsed || !root || !event.clipboardData) return;
  const cells = [...root.querySelectorAll<HTMLElement>(CELLS)].filter((cell) =>
    selection.containsNode(cell, true)
  );
  if (!cells.some((cell) => cell.dataset.full !== undefined)) return;
  const rows = new Map<Element | null, string[]>();
  for (const cell of cells) {
    const row = rows.get(cell.parentElement) ?? [];
    row.push(cell.dataset.full ?? cell.textContent?.trim() ?? '');
    rows.set(cell.parentElement, row);
  }
  event.clipboardData.setData('text/plain', [...rows.values()].map((r) => r.join('\t')).join('\n'));
  event.preventDefault();
}
