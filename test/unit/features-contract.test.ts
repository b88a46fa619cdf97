/**
 * The step-kind contract, for every kind in the registry: adding a kind file and its registry
 * line is enough to have it checked here. Each kind's examples parse, fit and apply on the
 * example table (never changing their input, fitted state plain JSON, the declared schema kept)
 * and run in a pipeline; its field hints name real params and say truly which column types a
 * column field takes; its defaults are valid starting params; its ONNX lowering computes what
 * `apply` computes, on the example table and on values training never saw.
 */
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { LatheError } from '../../src/lib/core/base/errors';
import { type ColumnSchema } from '../../src/lib/core/data/types';
import { EXAMPLE_SCHEMA, EXAMPLE_TARGET, exampleFrame } from '../../src/lib/core/features/examples';
import type { Frame } from '../../src/lib/core/features/frame';
import {
  acceptedTypes,
  columnFacts,
  type ColumnFacts,
  type StepDefaults
} from '../../src/lib/core/features/hints';
import { fitPipeline } from '../../src/lib/core/features/pipeline';
import { resolveStep, STEP_KINDS, STEP_TYPES } from '../../src/lib/core/features/registry';
import type { StepContext, StepKind } from '../../src/lib/core/features/step';
import type { PipelineSpec } from '../../src/lib/core/spec/types';
import { cat, frame, num } from '../fixtures/features/frames';
import { expectLoweredEqual, runLowered } from './lowered';

// The kinds are used generically here, as the registry does.
type AnyKind = StepKind<any, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const ctx: StepContext = { index: 2, seed: 7 };
const schemaOf = (f: Frame): ColumnSchema[] =>
  f.columns.map((c) => ({ name: c.name, type: c.type }));

/** Values the example table's training rows never had, for applying fitted state. */
const unseen = () =>
  frame(
    num('price', [1e6, -1e6]),
    num('rooms', [100, -7], 'integer'),
    num('change', [null, 1e9]),
    num('garden', [1, 1], 'boolean'),
    num('listed', [5e12, null], 'datetime'),
    cat('city', ['zzz', 'zzz']),
    cat('notes', ['unseen words here', 'sunny'], 'text'),
    cat('region', ['north', null]),
    cat('sold', ['no', 'yes'])
  );

const snapshot = (f: Frame) =>
  JSON.stringify(f, (_k, x) => (ArrayBuffer.isView(x) ? Array.from(x as Float64Array, String) : x));

function caught(fn: () => unknown): LatheError | null {
  try {
    fn();
  } catch (e) {
    if (e instanceof LatheError) return e;
    throw e;
  }
  return null;
}

/** `sub` appears in `all` in the same order (names and types). */
function isSubsequence(sub: ColumnSchema[], all: ColumnSchema[]): boolean {
  let j = 0;
  for (const c of all) if (j < sub.length && sub[j].name === c.name && sub[j].type === c.type) j++;
  return j === sub.length;
}

function exampleSpec(steps: PipelineSpec['steps']): PipelineSpec {
  return {
    version: 1,
    source: { kind: 'file', hash: 'a'.repeat(64), name: 'example', fileName: 'example.csv' },
    target: EXAMPLE_TARGET,
    task: 'binary',
    split: { method: 'random', seed: 3, train: 0.5, validation: 0.25, test: 0.25 },
    steps,
    seed: 1
  };
}

/** The params' keys, from the strictObject schema (valibot keeps them in `entries`). */
function paramKeys(kind: AnyKind): string[] {
  const entries = (kind.params as unknown as { entries?: Record<string, unknown> }).entries;
  return Object.keys(entries ?? {});
}

const kinds = Object.entries(STEP_KINDS) as [string, AnyKind][];

it('the registry has kinds, and this file checks each of them', () => {
  expect(kinds.length).toBeGreaterThan(0);
  expect(kinds.map(([type]) => type).sort()).toEqual([...STEP_TYPES]);
});

describe.each(kinds)('step kind "%s"', (type, kind) => {
  it('is registered under its own type, with a label and examples', () => {
    expect(kind.type).toBe(type);
    expect(kind.label.length).toBeGreaterThan(0);
    expect(kind.examples.length).toBeGreaterThan(0);
  });

  it('hints name real params; column fields are lists of names or one name', () => {
    const keys = paramKeys(kind);
    for (const [key, hint] of Object.entries(kind.fields)) {
      expect(keys, `${type}.fields.${key}`).toContain(key);
      if (hint.widget === 'columns' || hint.widget === 'column') {
        for (const example of kind.examples) {
          const value = example[key];
          if (value === undefined) continue;
          if (hint.widget === 'columns') expect(Array.isArray(value)).toBe(true);
          else expect(typeof value).toBe('string');
        }
      }
    }
  });

  it.each(kind.examples.map((e) => [JSON.stringify(e), e] as const))(
    'example %s parses, fits and applies, keeping its promises',
    async (_, example) => {
      const params = v.parse(kind.params, example);
      expect(resolveStep({ type, ...example }, 0).params).toEqual(params);
      expect(v.safeParse(kind.params, { ...example, bogus: 1 }).success).toBe(false);

      const train = exampleFrame();
      const test = unseen();
      const before = [snapshot(train), snapshot(test)];
      const declared = kind.outputSchema([...EXAMPLE_SCHEMA], params, ctx);
      const fitted = kind.fit(train, params, ctx);
      const state = JSON.parse(JSON.stringify(fitted));
      expect(state).toEqual(fitted);
      expect(kind.fit(exampleFrame(), params, ctx)).toEqual(fitted);
      const out = kind.apply(train, params, state, ctx);
      const outTest = kind.apply(test, params, state, ctx);
      expect([snapshot(train), snapshot(test)]).toEqual(before);

      for (const o of [out, outTest])
        for (const c of o.columns)
          expect(c.kind === 'number' ? c.values.length : c.codes.length).toBe(o.rows);
      const produced = schemaOf(out);
      const schemaAfterFit = kind.schemaAfterFit ?? 'exact';
      if (schemaAfterFit === 'exact') expect(produced).toEqual(declared);
      else if (schemaAfterFit === 'adds') expect(isSubsequence(declared, produced)).toBe(true);
      else expect(isSubsequence(produced, declared)).toBe(true);
      if (kind.rows !== 'train') expect(schemaOf(outTest)).toEqual(produced);

      const fit = await fitPipeline(exampleFrame(), exampleSpec([{ type, ...example }]));
      expect(fit.schema).toEqual(schemaOf(fit.splits.test));
    }
  );

  if (kind.rows !== undefined) {
    it('is left out of exported models (it only chooses rows while training)', () => {
      expect(kind.lower).toBeNull();
    });
  } else {
    it.each(kind.examples.map((e) => [JSON.stringify(e), e] as const))(
      'example %s lowers to ONNX that computes what apply computes',
      async (_, example) => {
        const train = exampleFrame();
        for (const [name, test] of [
          ['example table', exampleFrame()],
          ['unseen values', unseen()]
        ] as const) {
          expectLoweredEqual(await runLowered(kind, example, train, test, ctx), name);
        }
      }
    );
  }

  // The simplest example using each column field: a missing column and every column type the
  // hint says the field does not take are refused before running, naming step and column.
  const columnFields = Object.entries(kind.fields).filter(
    ([, h]) => h.widget === 'columns' || h.widget === 'column'
  );
  for (const [key, hint] of columnFields) {
    const example = kind.examples
      .filter((e) => e[key] !== undefined && (!Array.isArray(e[key]) || e[key].length > 0))
      .sort((a, b) => Object.keys(a).length - Object.keys(b).length)[0];
    if (!example) continue;
    const withColumn = (name: string): StepDefaults => ({
      ...example,
      [key]: hint.widget === 'columns' ? [name] : name
    });
    it(`"${key}" refuses a missing column`, () => {
      const params = v.parse(kind.params, withColumn('nope'));
      for (const e of [
        caught(() => kind.outputSchema([...EXAMPLE_SCHEMA], params, ctx)),
        caught(() => kind.fit(exampleFrame(), params, ctx))
      ]) {
        expect(e?.code).toBe('STEP_INVALID');
        expect(e?.message).toMatch(
          new RegExp(`^Step 3 \\(${type}\\): column "nope" does not exist`)
        );
        expect(e?.details?.column).toBe('nope');
      }
    });
    it(`"${key}" takes exactly the column types its hint says`, () => {
      const accepted = acceptedTypes(hint, example);
      for (const column of EXAMPLE_SCHEMA) {
        const params = v.parse(kind.params, withColumn(column.name));
        const errors = [
          caught(() => kind.outputSchema([...EXAMPLE_SCHEMA], params, ctx)),
          caught(() => kind.fit(exampleFrame(), params, ctx))
        ];
        const refused = !accepted || accepted.includes(column.type) ? null : column.type;
        for (const e of errors) {
          if (refused) {
            expect(e?.code, `${column.name} (${column.type})`).toBe('STEP_INVALID');
            expect(e?.message).toMatch(
              new RegExp(`^Step 3 \\(${type}\\): column "${column.name}" is ${refused}; `)
            );
          } else {
            expect(e?.details?.columnType, `${column.name} (${column.type})`).toBeUndefined();
          }
        }
      }
    });
  }

  describe('defaults', () => {
    const facts = columnFacts(exampleFrame());
    const bare: ColumnFacts[] = EXAMPLE_SCHEMA.map(({ name, type }) => ({ name, type }));
    it.each([
      ['the example table with facts', facts, EXAMPLE_TARGET],
      ['names and types only', bare, EXAMPLE_TARGET],
      ['no target', bare.filter((c) => c.name !== EXAMPLE_TARGET), null],
      ['an empty table', [], null]
    ] as const)('on %s: none, or valid params', (_, columns, target) => {
      const defaults = kind.defaults({ columns, target });
      if (defaults === null) return;
      const params = v.parse(kind.params, defaults);
      const schema = columns.map(({ name, type }) => ({ name, type }));
      expect(() => kind.outputSchema(schema, params, ctx)).not.toThrow();
    });
    it('on the example table they run in a pipeline that keeps the target', async () => {
      const defaults = kind.defaults({ columns: facts, target: EXAMPLE_TARGET });
      if (defaults === null) return;
      const fit = await fitPipeline(exampleFrame(), exampleSpec([{ type, ...defaults }]));
      expect(fit.schema.some((c) => c.name === EXAMPLE_TARGET)).toBe(true);
    });
  });
});
