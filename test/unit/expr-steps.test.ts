import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { LatheError } from '../../src/lib/core/base/errors';
import { type ColumnSchema } from '../../src/lib/core/data/types';
import { deriveStep } from '../../src/lib/core/features/derive';
import { filterStep } from '../../src/lib/core/features/filter';
import type { Frame } from '../../src/lib/core/features/frame';
import type { StepContext } from '../../src/lib/core/features/step';

const ctx: StepContext = { index: 1, seed: 0 };

function makeFrame(): Frame {
  return {
    rows: 6,
    columns: [
      {
        kind: 'number',
        name: 'price',
        type: 'float',
        values: Float64Array.of(10, 2.5, NaN, -4, 0, 7)
      },
      { kind: 'number', name: 'qty', type: 'integer', values: Float64Array.of(1, 2, 3, NaN, 0, 5) },
      {
        kind: 'category',
        name: 'city',
        type: 'categorical',
        codes: Int32Array.of(0, 1, -1, 0, 2, 1),
        dictionary: ['Paris', 'Rome', 'Oslo']
      },
      {
        kind: 'number',
        name: 'vip',
        type: 'boolean',
        values: Float64Array.of(1, 0, NaN, 1, 0, NaN)
      },
      {
        kind: 'category',
        name: 'note',
        type: 'text',
        codes: Int32Array.of(0, 1, 2, -1, 0, 1),
        dictionary: ['Great stuff', 'meh', 'BAD']
      },
      {
        kind: 'number',
        name: 'at',
        type: 'datetime',
        values: Float64Array.of(
          Date.UTC(2024, 0, 1),
          Date.UTC(2024, 5, 15, 8),
          NaN,
          Date.UTC(2023, 11, 31, 23),
          Date.UTC(2024, 1, 29),
          Date.UTC(2022, 6, 4)
        )
      }
    ]
  };
}

const schemaOf = (f: Frame): ColumnSchema[] =>
  f.columns.map((c) => ({ name: c.name, type: c.type }));

function snapshot(f: Frame): unknown {
  return f.columns.map((c) =>
    c.kind === 'number' ? Array.from(c.values) : [Array.from(c.codes), [...c.dictionary]]
  );
}

function thrown(fn: () => unknown): LatheError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(LatheError);
    return e as LatheError;
  }
  throw new Error('expected an error');
}

function cells(f: Frame, name: string): unknown[] {
  const c = f.columns.find((col) => col.name === name);
  if (!c) throw new Error(`no column ${name}`);
  if (c.kind === 'category') return Array.from(c.codes, (k) => (k < 0 ? null : c.dictionary[k]));
  return Array.from(c.values);
}

describe('filter step', () => {
  it('validates params: a strict object with a non-empty, bounded expression', () => {
    expect(v.safeParse(filterStep.params, { expr: 'price > 1' }).success).toBe(true);
    expect(v.safeParse(filterStep.params, { expr: '' }).success).toBe(false);
    expect(v.safeParse(filterStep.params, { expr: 'x'.repeat(2001) }).success).toBe(false);
    expect(v.safeParse(filterStep.params, { expr: 'a', extra: 1 }).success).toBe(false);
    expect(v.safeParse(filterStep.params, { expr: 42 }).success).toBe(false);
    expect(filterStep.rows).toBe('all');
    expect(filterStep.type).toBe('filter');
  });

  it('keeps the schema and checks the expression before running', () => {
    const f = makeFrame();
    expect(filterStep.outputSchema(schemaOf(f), { expr: 'price > 0' }, ctx)).toEqual(schemaOf(f));
    const e = thrown(() => filterStep.outputSchema(schemaOf(f), { expr: 'qty >= pric' }, ctx));
    expect(e.code).toBe('STEP_INVALID');
    expect(e.message).toBe('Step 2 (filter): Unknown column "pric" at 7 — did you mean "price"?');
    expect(e.details).toMatchObject({
      step: 1,
      type: 'filter',
      exprCode: 'EXPR_UNKNOWN_COLUMN',
      position: 7,
      length: 4,
      field: 'expr',
      suggestion: 'price'
    });
    const t = thrown(() => filterStep.outputSchema(schemaOf(f), { expr: 'price * 2' }, ctx));
    expect(t.details).toMatchObject({ exprCode: 'EXPR_TYPE', position: 0, length: 9 });
    const s = thrown(() => filterStep.outputSchema(schemaOf(f), { expr: '(price > 1' }, ctx));
    expect(s.details).toMatchObject({ exprCode: 'EXPR_SYNTAX', position: 10, expected: ')' });
  });

  it('keeps the rows where the expression is true on every column', () => {
    const f = makeFrame();
    const before = snapshot(f);
    const p = { expr: "price > 0 and city != 'Oslo'" };
    expect(filterStep.fit(f, p, ctx)).toBeNull();
    const out = filterStep.apply(f, p, null, ctx);
    expect(out.rows).toBe(3);
    expect(cells(out, 'price')).toEqual([10, 2.5, 7]);
    expect(cells(out, 'qty')).toEqual([1, 2, 5]);
    expect(cells(out, 'city')).toEqual(['Paris', 'Rome', 'Rome']);
    expect(cells(out, 'vip')).toEqual([1, 0, NaN]);
    expect(cells(out, 'note')).toEqual(['Great stuff', 'meh', 'meh']);
    expect(cells(out, 'at')).toEqual([
      Date.UTC(2024, 0, 1),
      Date.UTC(2024, 5, 15, 8),
      Date.UTC(2022, 6, 4)
    ]);
    expect(out.columns.map((c) => [c.name, c.type])).toEqual(
      f.columns.map((c) => [c.name, c.type])
    );
    expect(snapshot(f)).toEqual(before);
  });

  it('drops rows whose condition is missing', () => {
    const f = makeFrame();
    expect(cells(filterStep.apply(f, { expr: 'vip' }, null, ctx), 'price')).toEqual([10, -4]);
    expect(cells(filterStep.apply(f, { expr: 'not vip' }, null, ctx), 'price')).toEqual([2.5, 0]);
    expect(cells(filterStep.apply(f, { expr: 'price != 10' }, null, ctx), 'price')).toEqual([
      2.5, -4, 0, 7
    ]);
    expect(cells(filterStep.apply(f, { expr: 'price is null' }, null, ctx), 'qty')).toEqual([3]);
    expect(
      cells(
        filterStep.apply(
          f,
          { expr: "at >= '2024-01-01' and contains(lower(note), 'great')" },
          null,
          ctx
        ),
        'price'
      )
    ).toEqual([10, 0]);
  });

  it('constant conditions keep everything or nothing', () => {
    const f = makeFrame();
    const all = filterStep.apply(f, { expr: 'true or price > 1' }, null, ctx);
    expect(all.rows).toBe(6);
    expect(cells(all, 'price')).toEqual(cells(f, 'price'));
    const none = filterStep.apply(f, { expr: '1 > 2' }, null, ctx);
    expect(none.rows).toBe(0);
    expect(
      none.columns.every((c) => (c.kind === 'number' ? c.values.length : c.codes.length) === 0)
    ).toBe(true);
  });

  it('reports expression errors at apply time too (schema of the frame it gets)', () => {
    const f = makeFrame();
    const e = thrown(() =>
      filterStep.apply(f, { expr: 'sqr(price) > 1' }, null, { index: 4, seed: 0 })
    );
    expect(e.code).toBe('STEP_INVALID');
    expect(e.message).toBe('Step 5 (filter): Unknown function "sqr" at 0 — did you mean "sqrt"?');
  });
});

describe('derive step', () => {
  it('validates params', () => {
    expect(v.safeParse(deriveStep.params, { name: 'y', expr: 'price * 2' }).success).toBe(true);
    expect(v.safeParse(deriveStep.params, { name: '', expr: 'price' }).success).toBe(false);
    expect(v.safeParse(deriveStep.params, { name: 'y' }).success).toBe(false);
    expect(v.safeParse(deriveStep.params, { name: 'y', expr: '1', type: 'derive' }).success).toBe(
      false
    );
    expect(deriveStep.rows).toBeUndefined();
  });

  it('declares the output schema with the inferred type', () => {
    const s = schemaOf(makeFrame());
    const out = (name: string, expr: string) => deriveStep.outputSchema(s, { name, expr }, ctx);
    expect(out('total', 'price * qty').at(-1)).toEqual({ name: 'total', type: 'float' });
    expect(out('big', 'price > 5').at(-1)).toEqual({ name: 'big', type: 'boolean' });
    expect(out('c', 'lower(city)').at(-1)).toEqual({ name: 'c', type: 'categorical' });
    expect(out('n', 'trim(note)').at(-1)).toEqual({ name: 'n', type: 'text' });
    expect(out('d', 'at + 86400000').at(-1)).toEqual({ name: 'd', type: 'datetime' });
    expect(out('q', 'qty').at(-1)).toEqual({ name: 'q', type: 'integer' });
    // Replacing keeps the position.
    expect(out('qty', 'qty * 1.5')).toEqual(
      s.map((c) => (c.name === 'qty' ? { name: 'qty', type: 'float' } : c))
    );
    expect(out('x', '1')).toHaveLength(s.length + 1);
  });

  it('adds a computed column without touching the input', () => {
    const f = makeFrame();
    const before = snapshot(f);
    const p = { name: 'total', expr: 'round(price * qty, 1)' };
    expect(deriveStep.fit(f, p, ctx)).toBeNull();
    const out = deriveStep.apply(f, p, null, ctx);
    expect(out.rows).toBe(6);
    expect(out.columns.map((c) => c.name)).toEqual([...f.columns.map((c) => c.name), 'total']);
    expect(out.columns.at(-1)).toMatchObject({ kind: 'number', type: 'float' });
    expect(cells(out, 'total')).toEqual([10, 5, NaN, NaN, 0, 35]);
    for (let i = 0; i < f.columns.length; i++) expect(out.columns[i]).toBe(f.columns[i]);
    expect(snapshot(f)).toEqual(before);
  });

  it('replaces a column in place, reading its old values', () => {
    const f = makeFrame();
    const out = deriveStep.apply(f, { name: 'price', expr: 'coalesce(price, 0) * 2' }, null, ctx);
    expect(out.columns.map((c) => c.name)).toEqual(f.columns.map((c) => c.name));
    expect(cells(out, 'price')).toEqual([20, 5, 0, -8, 0, 14]);
    expect(cells(f, 'price')).toEqual([10, 2.5, NaN, -4, 0, 7]);
  });

  it('booleans are stored as 0/1 with NaN where missing', () => {
    const out = deriveStep.apply(makeFrame(), { name: 'ok', expr: 'vip or price > 5' }, null, ctx);
    expect(out.columns.at(-1)).toMatchObject({ kind: 'number', type: 'boolean' });
    expect(cells(out, 'ok')).toEqual([1, 0, NaN, 1, 0, 1]);
  });

  it('strings become a categorical column with a compact dictionary', () => {
    const out = deriveStep.apply(
      makeFrame(),
      { name: 'size', expr: "if(price > 5, 'big', if(price > 0, 'small', 'none'))" },
      null,
      ctx
    );
    const col = out.columns.at(-1);
    expect(col).toMatchObject({ kind: 'category', type: 'categorical', name: 'size' });
    if (col?.kind !== 'category') throw new Error('category expected');
    expect(cells(out, 'size')).toEqual(['big', 'small', 'none', 'none', 'none', 'big']);
    expect([...col.dictionary].sort()).toEqual(['big', 'none', 'small']);
    const only = deriveStep.apply(
      makeFrame(),
      { name: 'c', expr: "if(city = 'Paris', city, null)" },
      null,
      ctx
    );
    const c = only.columns.at(-1);
    expect(c?.kind === 'category' && c.dictionary).toEqual(['Paris']);
  });

  it('text stays text; datetimes stay datetimes', () => {
    const f = makeFrame();
    const t = deriveStep.apply(f, { name: 'n', expr: 'upper(note)' }, null, ctx);
    expect(t.columns.at(-1)).toMatchObject({ kind: 'category', type: 'text' });
    expect(cells(t, 'n')).toEqual(['GREAT STUFF', 'MEH', 'BAD', null, 'GREAT STUFF', 'MEH']);
    const d = deriveStep.apply(f, { name: 'next', expr: 'at + 86400000' }, null, ctx);
    expect(d.columns.at(-1)).toMatchObject({ kind: 'number', type: 'datetime' });
    expect(cells(d, 'next')[0]).toBe(Date.UTC(2024, 0, 2));
    const y = deriveStep.apply(f, { name: 'y', expr: 'year(at)' }, null, ctx);
    expect(cells(y, 'y')).toEqual([2024, 2024, NaN, 2023, 2024, 2022]);
  });

  it('copies rather than shares arrays, and broadcasts constants', () => {
    const f = makeFrame();
    const copy = deriveStep.apply(f, { name: 'q2', expr: 'qty' }, null, ctx);
    const q2 = copy.columns.at(-1);
    expect(q2).toMatchObject({ type: 'integer' });
    expect(q2?.kind === 'number' && q2.values).not.toBe(
      f.columns[1].kind === 'number' && f.columns[1].values
    );
    for (const expr of ['number(qty)', 'min(qty)', 'coalesce(qty)', '+qty']) {
      const out = deriveStep.apply(f, { name: 'z', expr }, null, ctx);
      const z = out.columns.at(-1);
      expect(z?.kind === 'number' && z.values).not.toBe(
        f.columns[1].kind === 'number' && f.columns[1].values
      );
    }
    const cityCopy = deriveStep
      .apply(f, { name: 'c2', expr: 'string(city)' }, null, ctx)
      .columns.at(-1);
    expect(cityCopy?.kind === 'category' && cityCopy.codes).not.toBe(
      f.columns[2].kind === 'category' && f.columns[2].codes
    );
    const k = deriveStep.apply(f, { name: 'k', expr: '2 ^ 10' }, null, ctx);
    expect(cells(k, 'k')).toEqual([1024, 1024, 1024, 1024, 1024, 1024]);
    const s = deriveStep.apply(f, { name: 's', expr: "'x'" }, null, ctx);
    expect(cells(s, 's')).toEqual(['x', 'x', 'x', 'x', 'x', 'x']);
    const n = deriveStep.apply(f, { name: 'n', expr: 'null' }, null, ctx);
    expect(n.columns.at(-1)).toMatchObject({ type: 'float' });
    expect(cells(n, 'n')).toEqual([NaN, NaN, NaN, NaN, NaN, NaN]);
  });

  it('errors name the step and the position', () => {
    const s = schemaOf(makeFrame());
    const e = thrown(() => deriveStep.outputSchema(s, { name: 'x', expr: "price + 'a'" }, ctx));
    expect(e.code).toBe('STEP_INVALID');
    expect(e.message).toBe(
      `Step 2 (derive): Operator "+" needs numbers but 'a' is a string at 8 — use concat(a, b) to join strings, or number(x) to read one as a number`
    );
    expect(e.details).toMatchObject({
      step: 1,
      type: 'derive',
      exprCode: 'EXPR_TYPE',
      position: 8,
      length: 3
    });
  });

  it('a concat that would build huge text fails the step instead of the tab', () => {
    const big = 'x'.repeat(60_000_000);
    const f: Frame = {
      rows: 1,
      columns: [
        { kind: 'category', name: 's', type: 'text', codes: Int32Array.of(0), dictionary: [big] }
      ]
    };
    const e = thrown(() => deriveStep.apply(f, { name: 't', expr: 'concat(s, s)' }, null, ctx));
    expect(e.code).toBe('STEP_FAILED');
    expect(e.message).toBe(
      'Step 2 (derive): concat() would build more than 100000000 characters of distinct text'
    );
    expect(e.details).toMatchObject({ exprCode: 'EXPR_TOO_LARGE', step: 1 });
  });

  it('a column named __proto__ can be derived and read back', () => {
    const f = makeFrame();
    const out = deriveStep.apply(f, { name: '__proto__', expr: 'price + 1' }, null, ctx);
    expect(cells(out, '__proto__')).toEqual([11, 3.5, NaN, -3, 1, 8]);
    const again = deriveStep.apply(out, { name: 'p2', expr: '`__proto__` * 2' }, null, ctx);
    expect(cells(again, 'p2')).toEqual([22, 7, NaN, -6, 2, 16]);
    expect(
      deriveStep.outputSchema(schemaOf(out), { name: 'p3', expr: '__proto__' }, ctx).at(-1)
    ).toEqual({
      name: 'p3',
      type: 'float'
    });
  });

  it('filter then derive, as a pipeline would run them', () => {
    let f = makeFrame();
    const steps = [
      { kind: filterStep, p: { expr: 'isnull(price) or price >= 0' } },
      {
        kind: deriveStep,
        p: { name: 'label', expr: "concat(coalesce(city, '?'), ':', string(coalesce(qty, -1)))" }
      }
    ] as const;
    let schema = schemaOf(f);
    for (const [i, s] of steps.entries()) {
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      const kind = s.kind as any;
      schema = kind.outputSchema(schema, s.p, { index: i, seed: 0 });
      f = kind.apply(f, s.p, kind.fit(f, s.p, { index: i, seed: 0 }), { index: i, seed: 0 });
    }
    expect(schemaOf(f)).toEqual(schema);
    expect(cells(f, 'label')).toEqual(['Paris:1', 'Rome:2', '?:3', 'Oslo:0', 'Rome:5']);
  });
});
