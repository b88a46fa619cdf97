/**
 * The text step's ONNX lowering (StringNormalizer → Tokenizer → TfIdfVectorizer, then idf and
 * the row norm in double) against `apply` and against scikit-learn's CountVectorizer /
 * TfidfVectorizer (fixture from scripts/make-feature-fixtures.py), within 1e-9 relative.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { textStep } from '../../src/lib/core/features/text';
import { readOnnx } from '../../src/lib/core/onnx/read';
import { cat, frame } from '../fixtures/features/frames';
import { expectLoweredEqual, runLowered } from './lowered';

type Case = {
  mode: 'counts' | 'tfidf';
  maxFeatures: number | null;
  minDf?: number;
  maxDf?: number;
  vocabulary: string[];
  /** One list per vocabulary token: its value in each test document. */
  output: number[][];
};

const f = JSON.parse(
  readFileSync(new URL('../fixtures/features/text.json', import.meta.url), 'utf8')
) as { train: string[]; test: string[]; cases: Case[] };

function expectClose(got: ArrayLike<number>, expected: readonly number[], where: string): void {
  expect(got.length, where).toBe(expected.length);
  expected.forEach((e, i) => {
    const a = got[i];
    if (Math.abs(a - e) > 1e-9 * Math.max(Math.abs(e), 1e-300))
      expect(a, `${where}, row ${i}`).toBe(e);
  });
}

describe('text lowered vs CountVectorizer / TfidfVectorizer', () => {
  const train = frame(cat('t', f.train, 'text'));
  // A missing text after the fixture's documents: an empty document, as sklearn's "" row.
  const empty = f.test.indexOf('');
  const test = frame(cat('t', [...f.test, null], 'text'));
  for (const c of f.cases) {
    const keep = c.minDf !== undefined;
    it(`${c.mode}, maxFeatures ${c.maxFeatures ?? 'all'}, minDf ${c.minDf ?? 1}, maxDf ${c.maxDf ?? 1}${keep ? ', keep' : ''}`, async () => {
      const params = {
        columns: ['t'],
        mode: c.mode,
        maxFeatures: c.maxFeatures ?? 10000,
        keep,
        ...(c.minDf ? { minDf: c.minDf, maxDf: c.maxDf } : {})
      };
      const run = await runLowered(textStep, params, train, test);
      expectLoweredEqual(run, c.mode);
      expect(run.inputs).toEqual(['t']);
      const names = c.vocabulary.map((t) => `t:${t}`);
      expect([...run.lowered.keys()]).toEqual(keep ? ['t', ...names] : names);
      names.forEach((name, j) => {
        const got = run.lowered.get(name)!;
        expect(got.dims).toEqual([test.rows, 1]);
        expectClose(got.data as Float64Array, [...c.output[j], c.output[j][empty]], name);
      });
    });
  }

  it('the file names the com.microsoft domain and the ops sklearn-onnx uses', async () => {
    const run = await runLowered(textStep, { columns: ['t'] }, train, test);
    const summary = readOnnx(run.bytes, { fileName: 'text.onnx' });
    expect(summary.opsets).toContainEqual({ domain: 'com.microsoft', version: 1 });
    const ops = summary.operators.map((o) => `${o.domain}/${o.opType}`);
    for (const op of ['/StringNormalizer', 'com.microsoft/Tokenizer', '/TfIdfVectorizer'])
      expect(ops).toContain(op);
  });

  it('runs on a batch of no rows and on a batch without any token', async () => {
    for (const rows of [[], ['', null, 'a b c', '!?']] as (string | null)[][]) {
      const run = await runLowered(
        textStep,
        { columns: ['t'] },
        train,
        frame(cat('t', rows, 'text'))
      );
      expectLoweredEqual(run, `${rows.length} rows`);
      for (const column of run.lowered.values())
        expect(Array.from(column.data as Float64Array)).toEqual(rows.map(() => 0));
    }
  });

  it('lowers a vocabulary of one token, an empty vocabulary, and two columns at once', async () => {
    const two = frame(
      cat('a', ['red red blue', 'red', null], 'text'),
      cat('b', ['x', 'y z', 'Green'], 'text')
    );
    const other = frame(
      cat('a', ['blue red', 'RED!', ''], 'text'),
      cat('b', ['green', null, 'a b'], 'text')
    );
    const one = await runLowered(textStep, { columns: ['a'], maxFeatures: 1 }, two, other);
    expectLoweredEqual(one, 'one token');
    expect([...one.lowered.keys()]).toEqual(['b', 'a:red']);
    const counts = await runLowered(textStep, { columns: ['b'], mode: 'counts' }, two, other);
    expectLoweredEqual(counts, 'counts of one token');
    expect([...counts.lowered.keys()]).toEqual(['a', 'b:green']);
    const kept = await runLowered(textStep, { columns: ['b'], keep: true, minDf: 2 }, two, other);
    expectLoweredEqual(kept, 'empty vocabulary, kept');
    expect([...kept.lowered.keys()]).toEqual(['a', 'b']);
    const both = await runLowered(textStep, { columns: ['a', 'b'], mode: 'counts' }, two, other);
    expectLoweredEqual(both, 'two columns');
    expect(both.inputs).toEqual(['a', 'b']);
  });
});
