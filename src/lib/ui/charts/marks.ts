/**
 * Series styling shared by the charts: colours from the theme's CSS variables, dash patterns and
 * marker shapes, so that no series is told apart by colour alone.
 */

export const COLORS = [
  'var(--bar)',
  'var(--bar-2)',
  'var(--error)',
  'var(--ok)',
  'var(--accent)',
  'var(--ink)',
  'var(--warn)',
  'var(--muted)'
] as const;

export type MarkerKind =
  'circle' | 'square' | 'triangle' | 'diamond' | 'plus' | 'cross' | 'ring' | 'box';

export const MARKERS: readonly MarkerKind[] = [
  'circle',
  'square',
  'triangle',
  'diamond',
  'plus',
  'cross',
  'ring',
  'box'
];

/** Dash pattern for the `dashed` flag (solid otherwise). */
export const DASH = '7 4';

export function colorAt(i: number): string {
  return COLORS[i % COLORS.length];
}

export function markerAt(i: number): MarkerKind {
  return MARKERS[i % MARKERS.length];
}

/** Whether a marker is drawn filled (the others are outlines on the panel colour, or strokes). */
export function markerFill(kind: MarkerKind, color: string): string {
  if (kind === 'plus' || kind === 'cross') return 'none';
  if (kind === 'ring' || kind === 'box') return 'var(--panel)';
  return color;
}

const r2 = (v: number) => Math.round(v * 100) / 100;

/** Path data for one marker centred on (x, y), radius about r. */
export function markerPath(kind: MarkerKind, x: number, y: number, r = 3.5): string {
  const X = r2(x);
  const Y = r2(y);
  switch (kind) {
    case 'circle':
    case 'ring':
      return `M${r2(x - r)},${Y}a${r},${r} 0 1,0 ${2 * r},0a${r},${r} 0 1,0 ${-2 * r},0Z`;
    case 'square':
    case 'box': {
      const s = r * 0.9;
      return `M${r2(x - s)},${r2(y - s)}h${r2(2 * s)}v${r2(2 * s)}h${r2(-2 * s)}Z`;
    }
    case 'triangle':
      return `M${X},${r2(y - r * 1.25)}L${r2(x + r * 1.15)},${r2(y + r * 0.85)}L${r2(x - r * 1.15)},${r2(y + r * 0.85)}Z`;
    case 'diamond':
      return `M${X},${r2(y - r * 1.3)}L${r2(x + r * 1.3)},${Y}L${X},${r2(y + r * 1.3)}L${r2(x - r * 1.3)},${Y}Z`;
    case 'plus':
      return `M${r2(x - r * 1.2)},${Y}H${r2(x + r * 1.2)}M${X},${r2(y - r * 1.2)}V${r2(y + r * 1.2)}`;
    case 'cross':
      return `M${r2(x - r)},${r2(y - r)}L${r2(x + r)},${r2(y + r)}M${r2(x - r)},${r2(y + r)}L${r2(x + r)},${r2(y - r)}`;
  }
}
