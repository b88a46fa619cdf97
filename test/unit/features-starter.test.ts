/**
 * The starter pipeline (core/features/starter.ts): what it does with each column type, which date
 * parts it takes from the span of a datetime column, and that it runs on every bundled sample.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ingest } from '../../src/lib/core/data/ingest';
import { profileTable } from '../../src/lib/core/data/profile';
import type { DatasetProfile } from '../../src/lib/core/data/types';
import { fitPipeline } from '../../src/lib/core/features/pipeline';
import { datePartsFor, starterSpec, suggestTask } from '../../src/lib/core/features/starter';
import { parseSpec } from '../../src/lib/core/pipeline/parse';
import type { SpecSource } from '../../src/lib/core/spec/types';
import { validatePipeline } from '../../src/lib/core/features/validate';

const root = join(import.meta.dirname, '../..');
const source: SpecSource = { kind: 'file', hash: 'b'.repeat(64), name: 't', fileName: 't.csv' };

async function read(text: string, fileName = 't.csv') {
  const { table } = await ingest(new Blob([text]), { fileName });
  return { table, profile: profileTable(table) };
}

/** A CSV of one datetime column `d` (ISO instants) and a numeric target `y`. */
function dates(instants: number[]): string {
  return ['d,y', ...instants.map((t, i) => `${new Date(t).toISOString()},${i % 7}.5`)].join('\n');
}

const DAY = 86_400_000;
const range = (n: number, step: number, from = Date.UTC(2021, 0, 1)) =>
  Array.from({ length: n }, (_, i) => from + i * step);

function dateColumn(profile: DatasetProfile) {
  const column = profile.columns.find((c) => c.name === 'd');
  expect(column?.type).toBe('datetime');
  return column!;
}

describe('date parts that fit the span of the dates', () => {
  it.each([
    [
      'yearly values over 12 years (model years, all on 1 January)',
      range(13, 365.25 * DAY, Date.UTC(1970, 0, 1)),
      ['year']
    ],
    [
      'monthly values over 3 years',
      Array.from({ length: 36 }, (_, i) => Date.UTC(2020, i, 1)),
      ['year', 'month']
    ],
    ['daily values over 18 months', range(548, DAY), ['year', 'month', 'dayofweek']],
    ['daily values over 6 weeks', range(42, DAY), ['dayofweek']],
    ['hourly values over 5 days', range(120, 3_600_000), ['hour']],
    ['hourly values over 4 months', range(24 * 120, 3_600_000), ['month', 'dayofweek', 'hour']],
    ['one date', [Date.UTC(2020, 5, 1), Date.UTC(2020, 5, 1)], []]
  ] as const)('%s → %j', async (_, instants, parts) => {
    const { profile } = await read(dates([...instants]));
    expect(datePartsFor(dateColumn(profile))).toEqual(parts);
  });

  it('a datetime column becomes parts: the year a number, the rest one-hot; no parts, dropped', async () => {
    const text = [
      'when,once,label,y',
      ...range(548, DAY).map(
        (t, i) => `${new Date(t).toISOString()},2020-01-01,${i % 3 ? 'a' : 'b'},${i % 5}.5`
      )
    ].join('\n');
    const { table, profile } = await read(text);
    const spec = starterSpec({ source, profile });
    expect(spec.target).toBe('y');
    expect(spec.steps).toEqual([
      { type: 'drop', columns: ['once'] },
      { type: 'dateparts', columns: ['when'], parts: ['year', 'month', 'dayofweek'] },
      { type: 'impute', columns: ['when_year'], strategy: 'median' },
      { type: 'scale', columns: ['when_year'], method: 'standard' },
      { type: 'onehot', columns: ['label', 'when_month', 'when_dayofweek'] }
    ]);
    const fitted = await fitPipeline(table, parseSpec(spec));
    expect(fitted.schema.map((c) => c.name)).toEqual([
      'when_year',
      ...Array.from({ length: 12 }, (_, m) => `when_month=${m + 1}`),
      ...Array.from({ length: 7 }, (_, d) => `when_dayofweek=${d}`),
      'label=a',
      'label=b',
      'y'
    ]);
  });

  it('a numeric year column stays a number', async () => {
    const text = ['year,size,y', ...range(30, 1).map((_, i) => `${1990 + i},${i % 4},${i}.5`)];
    const { profile } = await read(text.join('\n'));
    expect(profile.columns[0].type).toBe('integer');
    const spec = starterSpec({ source, profile, target: 'y' });
    expect(spec.steps).toEqual([
      { type: 'impute', columns: ['year', 'size'], strategy: 'median' },
      { type: 'scale', columns: ['year', 'size'], method: 'standard' }
    ]);
  });
});

describe('the starter on the bundled samples', () => {
  const samples = JSON.parse(readFileSync(join(root, 'public/samples/index.json'), 'utf8')) as {
    id: string;
    file: string;
    target: string;
    task: string;
  }[];

  it.each(samples)('$id: valid, with the sample task, and it runs', async (sample) => {
    const { table, profile } = await read(
      readFileSync(join(root, 'public/samples', sample.file), 'utf8'),
      sample.file
    );
    const spec = parseSpec(starterSpec({ source, profile, target: sample.target }));
    expect([spec.target, spec.task]).toEqual([sample.target, sample.task]);
    expect(suggestTask(profile, sample.target)).toBe(sample.task);
    expect(validatePipeline(spec, profile.columns).ok).toBe(true);
    const fitted = await fitPipeline(table, spec);
    expect(fitted.splits.train.rows).toBeGreaterThan(0);
  });

  it('cars: Year (a date) becomes its year; Name (an ID) is dropped', async () => {
    const { profile } = await read(
      readFileSync(join(root, 'public/samples/cars.csv'), 'utf8'),
      'cars.csv'
    );
    const spec = starterSpec({ source, profile, target: 'Miles_per_Gallon' });
    expect(spec.steps).toEqual([
      { type: 'drop', columns: ['Name'] },
      { type: 'dateparts', columns: ['Year'], parts: ['year'] },
      {
        type: 'impute',
        columns: [
          'Cylinders',
          'Displacement',
          'Horsepower',
          'Weight_in_lbs',
          'Acceleration',
          'Year_year'
        ],
        strategy: 'median'
      },
      {
        type: 'scale',
        columns: [
          'Cylinders',
          'Displacement',
          'Horsepower',
          'Weight_in_lbs',
          'Acceleration',
          'Year_year'
        ],
        method: 'standard'
      },
      { type: 'onehot', columns: ['Origin'] }
    ]);
  });

  it('without a known target, predicts the last column', async () => {
    const { profile } = await read('a,b,c\n1,x,2.5\n2,y,3.5\n3,x,1.5');
    expect(starterSpec({ source, profile }).target).toBe('c');
    expect(starterSpec({ source, profile, target: 'nope' }).target).toBe('c');
    expect(starterSpec({ source, profile, target: 'b' })).toMatchObject({
      target: 'b',
      task: 'binary',
      split: { method: 'stratified' }
    });
  });
});
