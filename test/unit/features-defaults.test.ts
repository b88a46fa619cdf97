/**
 * What a newly added step starts with: the kind's defaults for the table it is added to (from the
 * facts of the editor's fitted sample), and the plain words the editor shows when a step still
 * needs a choice.
 */
import { describe, expect, it } from 'vitest';
import { EXAMPLE_TARGET, exampleFrame } from '../../src/lib/core/features/examples';
import { columnFacts, type ColumnFacts } from '../../src/lib/core/features/hints';
import { STEP_KINDS, stepKind, stepProblem } from '../../src/lib/core/features/registry';
import { parseSpec } from '../../src/lib/core/pipeline/parse';
import { toErrorData } from '../../src/lib/core/base/errors';
import { cat, frame, num } from '../fixtures/features/frames';

const facts = columnFacts(exampleFrame());
const bare: ColumnFacts[] = facts.map(({ name, type }) => ({ name, type }));
const defaults = (type: string, columns: readonly ColumnFacts[] = facts, target = EXAMPLE_TARGET) =>
  stepKind(type)!.defaults({ columns, target });

describe('column facts of the fitted sample', () => {
  it('smallest value and gaps of numbers, gaps and distinct values of categories', () => {
    expect(
      columnFacts(
        frame(
          num('x', [3, null, -2, 7]),
          num('k', [null, null], 'integer'),
          cat('c', ['a', null, 'b', 'a'])
        )
      )
    ).toEqual([
      { name: 'x', type: 'float', missing: 1, min: -2, max: 7 },
      { name: 'k', type: 'integer', missing: 2 },
      { name: 'c', type: 'categorical', missing: 1, distinct: 2 }
    ]);
  });
});

describe('defaults of a new step', () => {
  it('log1p: the number columns known to be non-negative', () => {
    // price and rooms are ≥ 0 in the example table; change has negative values.
    expect(defaults('log1p')).toEqual({ columns: ['price', 'rooms'] });
  });
  it('log1p: never 0/1 indicator columns (one-hot outputs)', () => {
    const onehot: ColumnFacts[] = [
      { name: 'x', type: 'float', min: -1.2, max: 3 },
      { name: 'c=a', type: 'float', min: 0, max: 1 },
      { name: 'n', type: 'integer', min: 0, max: 40 }
    ];
    expect(defaults('log1p', onehot)).toEqual({ columns: ['n'] });
    expect(defaults('log1p', onehot.slice(0, 2))).toEqual({ columns: ['x'], signed: true });
  });
  it('log1p: without known values, every number column, signed (defined for negatives)', () => {
    expect(defaults('log1p', bare)).toEqual({
      columns: ['price', 'rooms', 'change'],
      signed: true
    });
    expect(defaults('log1p', [{ name: 'city', type: 'categorical' }])).toBeNull();
  });
  it('scale: the number columns, never the target', () => {
    expect(defaults('scale')).toEqual({ columns: ['price', 'rooms', 'change'] });
    expect(defaults('scale', facts, 'price')).toEqual({ columns: ['rooms', 'change'] });
  });
  it('impute: the columns with gaps; the median when they are all numbers', () => {
    expect(defaults('impute')).toEqual({
      columns: ['price', 'rooms', 'change', 'garden', 'listed', 'city', 'notes'],
      strategy: 'most_frequent'
    });
    const numbers = facts.filter((c) => c.type === 'float' || c.type === 'integer');
    expect(defaults('impute', numbers)).toEqual({
      columns: ['price', 'rooms', 'change'],
      strategy: 'median'
    });
    expect(defaults('impute', bare)).toBeNull();
  });
  it('one-hot: categorical columns of at most 50 values; text goes to the text step', () => {
    expect(defaults('onehot')).toEqual({ columns: ['city', 'region'] });
    const many = facts.map((c) => (c.name === 'city' ? { ...c, distinct: 51 } : c));
    expect(defaults('onehot', many)).toEqual({ columns: ['region'] });
    expect(defaults('text')).toEqual({ columns: ['notes'] });
    expect(defaults('dateparts')).toEqual({ columns: ['listed'] });
  });
  it('balance: the target, when it holds classes; dropconstant protects it', () => {
    expect(defaults('balance')).toEqual({ target: 'sold' });
    expect(defaults('balance', facts, 'price')).toBeNull();
    expect(defaults('dropconstant')).toEqual({ exclude: ['sold'] });
  });
  it('steps that need the person’s choice start empty', () => {
    for (const type of ['drop', 'rename', 'cast', 'filter', 'derive', 'clip', 'bucketize'])
      expect(defaults(type), type).toBeNull();
  });
});

describe('what the editor says about a step that needs a choice', () => {
  const specWith = (step: Record<string, unknown>) => ({
    version: 1,
    source: { kind: 'file', hash: 'a'.repeat(64), name: 'd', fileName: 'd.csv' },
    target: 'y',
    task: 'regression',
    split: { method: 'random', seed: 1, train: 0.6, validation: 0.2, test: 0.2 },
    steps: [{ type: 'drop', columns: ['a'] }, { type: 'scale', columns: ['b'] }, step],
    seed: 1
  });
  const problemOf = (step: Record<string, unknown>) => {
    const spec = specWith(step);
    try {
      parseSpec(spec);
    } catch (error) {
      return stepProblem(toErrorData(error), spec.steps as { type: string }[]);
    }
    throw new Error('expected the spec to be refused');
  };

  it.each([
    [{ type: 'log1p' }, 'Step 3 (log1p): choose at least one column', 'choose at least one column'],
    [{ type: 'balance' }, 'Step 3 (balance): choose a column', 'choose a column'],
    [{ type: 'filter' }, 'Step 3 (filter): write an expression', 'write an expression'],
    [{ type: 'cast', columns: ['a'] }, 'Step 3 (cast): fill in "New type"', 'fill in "New type"'],
    [
      { type: 'log1p', columns: [] },
      'Step 3 (log1p): list at least one column',
      'list at least one column'
    ]
  ])('%j → %s', (step, message, what) => {
    const problem = problemOf(step);
    expect(problem.stepIndex).toBe(2);
    expect(problem.error.message).toBe(message);
    expect(problem.what).toBe(what);
    expect(problem.error.code).toBe('SPEC_INVALID');
  });

  it('leaves other errors as they are', () => {
    const error = {
      code: 'SPEC_INVALID',
      message: 'Invalid pipeline spec at split: train, validation and test must sum to 1',
      details: { path: 'split' }
    };
    expect(stepProblem(error, [])).toEqual({ stepIndex: null, error, what: error.message });
    const unknown = problemOf({ type: 'nope' });
    expect(unknown.stepIndex).toBe(2);
    expect(unknown.error.message).toMatch(
      /^Invalid pipeline spec at steps\[2\]\.type: unknown step type "nope"/
    );
  });

  it('every kind with a required column field asks for it in plain words', () => {
    for (const [type, kind] of Object.entries(STEP_KINDS)) {
      for (const [key, hint] of Object.entries(kind.fields)) {
        if (hint.widget !== 'columns' && hint.widget !== 'column') continue;
        const params = kind.examples.find((e) => key in e);
        if (!params) continue;
        const rest = Object.fromEntries(Object.entries(params).filter(([k]) => k !== key));
        const spec = specWith({ type, ...rest });
        let message: string;
        try {
          parseSpec(spec);
          continue; // the field is optional
        } catch (error) {
          message = stepProblem(toErrorData(error), spec.steps as { type: string }[]).error.message;
        }
        expect(message, `${type}.${key}`).toMatch(
          new RegExp(`^Step 3 \\(${type}\\): choose (at least one column|a column)$`)
        );
      }
    }
  });
});
