import type { ColumnType } from '../data/types';

/**
 * The in-memory shape feature steps work on: one typed array per column, no per-row objects.
 * Numeric kinds (integer, float, boolean as 0/1, datetime as epoch ms) are Float64Array with
 * NaN for missing — the convention scikit-learn uses, so fitted state compares directly.
 * Categorical and text columns are Int32Array codes into `dictionary`, with -1 for missing.
 */
export interface NumericColumn {
  kind: 'number';
  name: string;
  type: 'integer' | 'float' | 'boolean' | 'datetime';
  values: Float64Array;
}

export interface CategoryColumn {
  kind: 'category';
  name: string;
  type: 'categorical' | 'text';
  codes: Int32Array;
  dictionary: string[];
}

export type FrameColumn = NumericColumn | CategoryColumn;

export interface Frame {
  rows: number;
  columns: FrameColumn[];
}

export function columnKind(type: ColumnType): FrameColumn['kind'] {
  return type === 'categorical' || type === 'text' ? 'category' : 'number';
}
