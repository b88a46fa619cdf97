/**
 * The small table every step kind's `examples` are written for: one column of each type, with
 * gaps, a negative-valued column, a constant column and a two-class label. The contract tests
 * fit and apply every example on it, so examples stay true as kinds change.
 */
import type { ColumnSchema } from '../data/types';
import type { CategoryColumn, Frame, NumericColumn } from './frame';

const DAY = 86_400_000;
const JAN_2023 = Date.UTC(2023, 0, 2);

type Values = (number | string | null)[];

const COLUMNS: { name: string; type: ColumnSchema['type']; values: Values }[] = [
  { name: 'price', type: 'float', values: [12.5, 8, null, 30, 19.9, 4.25, 15, 22, 9.5, 11, 27, 6] },
  { name: 'rooms', type: 'integer', values: [3, 2, 4, null, 5, 1, 3, 2, 4, 3, 6, 1] },
  { name: 'change', type: 'float', values: [-2.5, 0.5, 1.5, -0.5, 3, null, 0, -1.5, 2, 1, 4, -3] },
  { name: 'garden', type: 'boolean', values: [1, 0, 1, 1, 0, null, 0, 1, 0, 1, 1, 0] },
  {
    name: 'listed',
    type: 'datetime',
    values: [0, 40, 95, 130, null, 210, 290, 365, 400, 455, 530, 600].map((d) =>
      d === null ? null : JAN_2023 + d * DAY + (d % 24) * 3_600_000
    )
  },
  {
    name: 'city',
    type: 'categorical',
    values: [
      'Lyon',
      'Paris',
      'Lyon',
      null,
      'Nice',
      'Paris',
      'Lyon',
      'Nice',
      'Paris',
      'Lyon',
      'Nice',
      'Lyon'
    ]
  },
  {
    name: 'notes',
    type: 'text',
    values: [
      'sunny flat with a view',
      'quiet street',
      null,
      'needs work',
      'sunny and quiet',
      '',
      'view of the river',
      'quiet flat',
      'flat with a garden',
      'sunny',
      'large garden and a view',
      'needs new windows'
    ]
  },
  { name: 'region', type: 'categorical', values: Array<string>(12).fill('south') },
  {
    name: 'sold',
    type: 'categorical',
    values: ['yes', 'no', 'no', 'yes', 'no', 'no', 'yes', 'no', 'yes', 'no', 'yes', 'no']
  }
];

/** The example table's columns. */
export const EXAMPLE_SCHEMA: readonly ColumnSchema[] = Object.freeze(
  COLUMNS.map(({ name, type }) => Object.freeze({ name, type }))
);

/** The column the examples treat as the target (a two-class label). */
export const EXAMPLE_TARGET = 'sold';

/** A fresh copy of the example table (steps must not change it; tests check that). */
export function exampleFrame(): Frame {
  const rows = COLUMNS[0].values.length;
  return {
    rows,
    columns: COLUMNS.map(({ name, type, values }): NumericColumn | CategoryColumn => {
      if (type === 'categorical' || type === 'text') {
        const dictionary: string[] = [];
        const codes = Int32Array.from(values, (s) => {
          if (s === null) return -1;
          const i = dictionary.indexOf(String(s));
          return i >= 0 ? i : dictionary.push(String(s)) - 1;
        });
        return { kind: 'category', name, type, codes, dictionary };
      }
      return {
        kind: 'number',
        name,
        type,
        values: Float64Array.from(values, (x) => (x === null ? NaN : Number(x)))
      };
    })
  };
}
