/**
 * The text step's ONNX lowering (StringNormalizer → Tokenizer → TfIdfVectorizer, then idf and
 * the row norm in double) against `apply` and against scikit-learn's CountVectorizer /
 * TfidfVectorizer (fixture from scripts/make-feature-fixtures.py), within 1e-9 relative.
 */
import { readFileSync } from 'node:fs';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { lowerTokenizer, textStep, textTokens } from '../../src/lib/core/features/text';
import { GraphBuilder } from '../../src/lib/core/onnx/graph';
import { createSession, runSession } from '../../src/lib/core/onnx/runtime';
import { serializeModel } from '../../src/lib/core/onnx/serialize';
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

/**
 * Texts beyond ASCII, with the tokens written by hand: lowercasing is per code point with the
 * simple mappings (İ → i, Σ → σ even at the end of a word), letters and numbers of every script
 * are token characters, marks, symbols and emoji are not.
 */
const UNICODE: [string, Record<string, number>][] = [
  ['Naïve CAFÉ déjà-vu, café', { naïve: 1, café: 2, déjà: 1, vu: 1 }],
  ['STRASSE Straße GROẞ', { strasse: 1, straße: 1, groß: 1 }],
  ['İstanbul İZMİR', { istanbul: 1, izmir: 1 }],
  ['ΟΔΟΣ Σοφία ὈΔΥΣΣΕΎΣ', { οδοσ: 1, σοφία: 1, ὀδυσσεύσ: 1 }],
  ['ISPARTA ılık', { isparta: 1, ılık: 1 }],
  ['ĲSSELMEER ǅemal', { ĳsselmeer: 1, ǆemal: 1 }],
  ['東京タワー 서울 北', { 東京タワー: 1, 서울: 1 }],
  ['👍👍 ok😀fine ⒶⒷ', { ok: 1, fine: 1 }],
  ['٣٤ ١٢٣ १२३ ＡＢ１２ Ⅻ ⅫⅢ', { '٣٤': 1, '١٢٣': 1, '१२३': 1, ａｂ１２: 1, ⅻⅲ: 1 }],
  ['cafe\u0301 snake_case 3.14 x2', { cafe: 1, snake_case: 1, '14': 1, x2: 1 }],
  // Glagolitic capital letter (Unicode 14): a letter, which onnxruntime does not lowercase.
  ['\u2c2f\u2c2f \u2c5f\u2c5f', { '\u2c2f\u2c2f': 1, '\u2c5f\u2c5f': 1 }],
  // Letters new in Unicode 16 separate tokens, as in Unicode 15.1.
  ['ab\u1c89cd \u1c8a\u1c8a', { ab: 1, cd: 1 }]
];

describe('text beyond ASCII', () => {
  it.each(UNICODE)('%s', async (text, tokens) => {
    const rows = frame(cat('t', [text, 'zz'], 'text'));
    const run = await runLowered(textStep, { columns: ['t'], mode: 'counts' }, rows);
    expectLoweredEqual(run, text);
    const params = v.parse(textStep.params, { columns: ['t'], mode: 'counts' });
    const { vocabulary, counts } = textStep.fit(rows, params, { index: 0, seed: 1 }).columns[0];
    const got = Object.fromEntries(vocabulary.map((t, j) => [t, counts[j]]));
    delete got.zz;
    expect(got).toEqual(tokens);
  });
});

/** The lowered tokenizer's tokens of each text, run in onnxruntime-web, one batch at a time. */
async function graphTokens(batches: readonly (readonly string[])[]): Promise<string[][]> {
  const g = new GraphBuilder();
  g.output(lowerTokenizer(g, g.input('texts', 'string', ['M'])), 'tokens', null);
  const session = await createSession(
    serializeModel(g.build(), { producerVersion: 'test', modelVersion: 1 })
  );
  const rows: string[][] = [];
  try {
    for (const texts of batches) {
      const { tokens } = await runSession(session, {
        texts: { data: texts, dims: [texts.length] }
      });
      const width = tokens.dims[1];
      const data = tokens.data as string[];
      texts.forEach((_, i) =>
        rows.push(data.slice(i * width, (i + 1) * width).filter((t) => t !== '#'))
      );
    }
  } finally {
    await session.release();
  }
  return rows;
}

/** Each text's tokens from apply and from the graph are the same; else the first differences. */
function expectSameTokens(texts: readonly string[], got: string[][]): void {
  const differences: string[] = [];
  texts.forEach((text, i) => {
    const apply = textTokens(text);
    const graph = got[i];
    const k = apply.findIndex((t, j) => t !== graph[j]);
    if (k >= 0 || apply.length !== graph.length) {
      const at = k >= 0 ? k : Math.min(apply.length, graph.length);
      differences.push(`text ${i}, token ${at}: apply ${apply[at]}, graph ${graph[at]}`);
    }
  });
  expect(differences.slice(0, 5)).toEqual([]);
}

describe('the tokenizer and its lowering', () => {
  it('agree on every code point but NUL (each twice, so that a word character makes a token)', async () => {
    // 256 code points to a text, apart: onnxruntime-web passes a string up to its first NUL.
    // One batch per plane: a batch's tokens are as wide as its text with the most.
    const planes: string[][] = [];
    let covered = 0;
    for (let plane = 0; plane <= 0x10; plane++) {
      const texts: string[] = [];
      for (let start = plane << 16; start < (plane + 1) << 16; start += 256) {
        const text: string[] = [];
        for (let cp = Math.max(start, 1); cp < start + 256; cp++) {
          if (cp >= 0xd800 && cp <= 0xdfff) continue;
          text.push(String.fromCodePoint(cp).repeat(2));
          covered++;
        }
        if (text.length) texts.push(text.join(' '));
      }
      planes.push(texts);
    }
    expect(covered).toBe(0x10ffff - 0x800);
    expectSameTokens(planes.flat(), await graphTokens(planes));
  });

  it('agree on random mixtures of letters, digits, marks, symbols and separators', async () => {
    const pool = [...'aZ_9 .-,ÉéßẞİıΣσςΟ東京서울٣१ＡＭⅫ👍Ⓐ\u0301\u00a0\u2c2f\u1c89'];
    pool.push('\u{2ebf0}', '\u{10570}', '\u{1e922}', '\u{31350}');
    let seed = 20261203;
    const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
    const texts = Array.from({ length: 5000 }, () =>
      Array.from(
        { length: 1 + Math.floor(next() * 12) },
        () => pool[Math.floor(next() * pool.length)]
      ).join('')
    );
    expectSameTokens(texts, await graphTokens([texts]));
  });
});
