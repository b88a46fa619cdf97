import * as v from 'valibot';
import type { ColumnSchema, ColumnType } from '../data/types';
import { BATCH, ELEMENT_TYPES, attr, type GraphBuilder, type Value } from '../onnx/graph';
import type { Lowering } from '../onnx/lowering';
import type { CategoryColumn, Frame, FrameColumn } from './frame';
import { columnsOfType } from './hints';
import type { StepContext, StepKind } from './step';
import {
  categoryColumn,
  checkOutputSize,
  checkUniqueNames,
  columnList,
  comparePy,
  integerIn,
  numberIn,
  replaceColumns,
  schemaIndex,
  stepError
} from './stepkit';

const TYPE = 'text';
const ALLOWED: readonly ColumnType[] = ['text', 'categorical'];

/**
 * Turns a text column into one column per vocabulary token, named `<col>:<token>`, like
 * CountVectorizer / TfidfVectorizer with their defaults:
 * - tokens: every run of 2 or more word characters — the letters and numbers of Unicode 15.1
 *   and "_" (WORD_CHARACTERS) — lowercased code point by code point with the simple mappings
 *   onnxruntime's StringNormalizer applies (LOWERCASE). Fixed tables rather than the engine's
 *   \p{L} and toLowerCase, so that every browser and the exported model find the same tokens.
 *   This is sklearn's token_pattern (?u)\b\w\w+\b after str.lower(), except where Python
 *   lowercases by context or into two code points (a word-final Σ to ς, İ to "i̇") and where
 *   its Unicode version knows other letters;
 * - vocabulary: tokens whose document frequency is within [minDf, maxDf·documents], then the
 *   `maxFeatures` with the highest total count in the training rows — ties by token in code
 *   point order, which is what sklearn picks when its sort is stable (vocabularies of up to 16
 *   candidates or no tie at the cut; numpy's quicksort may pick other tied tokens beyond that);
 *   the kept tokens are sorted by code point like sklearn's vocabulary;
 * - counts: how often each token occurs (integer); tfidf: count × idf with smooth idf
 *   ln((1 + n) / (1 + df)) + 1, then each row scaled to unit Euclidean length (rows without any
 *   vocabulary token stay all zeros) — TfidfVectorizer(norm='l2', smooth_idf=True,
 *   sublinear_tf=False).
 * Missing text is an empty document: all zeros, and it counts as a document in n.
 * The columns replace the text column (after it with `keep`). An empty vocabulary gives no
 * columns (sklearn refuses to fit). The output columns are known after `fit` only, so
 * `outputSchema` leaves them out.
 */
const params = v.strictObject({
  columns: columnList,
  mode: v.optional(v.picklist(['tfidf', 'counts']), 'tfidf'),
  maxFeatures: v.optional(integerIn(1, 10000), 100),
  minDf: v.optional(integerIn(1, 2 ** 31 - 1), 1),
  maxDf: v.optional(numberIn(0, 1), 1),
  keep: v.optional(v.boolean(), false)
});
type Params = v.InferOutput<typeof params>;

type ColumnState = {
  column: string;
  /** Tokens in output order (code point order). */
  vocabulary: string[];
  /** Training rows that contain each token. */
  df: number[];
  /** Total count of each token in the training rows. */
  counts: number[];
  /** tfidf only: ln((1 + n) / (1 + df)) + 1; empty for counts. */
  idf: number[];
  /** Training documents (rows). */
  n: number;
};
type State = { columns: ColumnState[] };

/** Fills the rows of the Tokenizer's output after their tokens; never a token itself. */
const TOKEN_PAD = '#';

interface Tokenizer {
  /** Runs of 2 or more word characters. */
  pattern: RegExp;
  /** The same in RE2's syntax, for onnxruntime's Tokenizer. */
  expression: string;
  /** Code point → its lowercase, for the word characters that have one. */
  lower: Map<number, number>;
}

let tokenizer: Tokenizer | null = null;

function hexRange(item: string): [number, number] {
  const [first, last = first] = item.split('-');
  return [parseInt(first, 16), parseInt(last, 16)];
}

/** The tables decoded, once. */
function tables(): Tokenizer {
  if (tokenizer) return tokenizer;
  const ranges = WORD_CHARACTERS.split(' ').map(hexRange);
  const hex = (cp: number, open: string) => `\\${open}{${cp.toString(16)}}`;
  const klass = (open: string) =>
    ranges.map(([a, b]) => (a === b ? hex(a, open) : `${hex(a, open)}-${hex(b, open)}`)).join('');
  const lower = new Map<number, number>();
  for (const item of LOWERCASE.split(' ')) {
    const [, span, step, delta] = /^([0-9a-f-]+?)(\/2)?([+-][0-9a-f]+)$/.exec(item)!;
    const [first, last] = hexRange(span);
    const by = parseInt(delta, 16);
    for (let cp = first; cp <= last; cp += step ? 2 : 1) lower.set(cp, cp + by);
  }
  tokenizer = {
    pattern: new RegExp(`[${klass('u')}]{2,}`, 'gu'),
    expression: `[${klass('x')}]{2,}`,
    lower
  };
  return tokenizer;
}

const ASCII = /^[\0-\x7f]*$/;

/** The tokens of a text, in order, as the step and its ONNX lowering read them. */
export function textTokens(text: string): string[] {
  const { pattern, lower } = tables();
  const tokens: string[] = [];
  // exec rather than matchAll, which copies the pattern (and its long class) on every call.
  pattern.lastIndex = 0;
  for (let m = pattern.exec(text); m !== null; m = pattern.exec(text)) {
    const token = m[0];
    if (ASCII.test(token)) {
      tokens.push(token.toLowerCase());
      continue;
    }
    let lowered = '';
    for (const ch of token) {
      const to = lower.get(ch.codePointAt(0)!);
      lowered += to === undefined ? ch : String.fromCodePoint(to);
    }
    tokens.push(lowered);
  }
  return tokens;
}

/** Token → count for one text. */
function tokenize(text: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const t of textTokens(text)) counts.set(t, (counts.get(t) ?? 0) + 1);
  return counts;
}

/** Rows per dictionary entry. */
function rowsPerCode(col: CategoryColumn): Float64Array {
  const out = new Float64Array(col.dictionary.length);
  const codes = col.codes;
  for (let i = 0; i < codes.length; i++) if (codes[i] >= 0) out[codes[i]]++;
  return out;
}

function fitColumn(col: CategoryColumn, p: Params, ctx: StepContext): ColumnState {
  const n = col.codes.length;
  const rows = rowsPerCode(col);
  const df = new Map<string, number>();
  const tf = new Map<string, number>();
  col.dictionary.forEach((text, c) => {
    const r = rows[c];
    if (r === 0) return;
    for (const [t, k] of tokenize(text)) {
      df.set(t, (df.get(t) ?? 0) + r);
      tf.set(t, (tf.get(t) ?? 0) + k * r);
    }
  });
  const high = p.maxDf * n;
  if (high < p.minDf)
    throw stepError(
      ctx,
      TYPE,
      `maxDf × rows (${high}) is below minDf (${p.minDf}) for column "${col.name}": no token can qualify`,
      { column: col.name },
      'STEP_FAILED'
    );
  let tokens = [...df.keys()].filter((t) => {
    const d = df.get(t) ?? 0;
    return d >= p.minDf && d <= high;
  });
  if (tokens.length > p.maxFeatures) {
    tokens.sort((a, b) => (tf.get(b) ?? 0) - (tf.get(a) ?? 0) || comparePy(a, b));
    tokens = tokens.slice(0, p.maxFeatures);
  }
  tokens.sort(comparePy);
  const dfs = tokens.map((t) => df.get(t) ?? 0);
  return {
    column: col.name,
    vocabulary: tokens,
    df: dfs,
    counts: tokens.map((t) => tf.get(t) ?? 0),
    idf: p.mode === 'tfidf' ? dfs.map((d) => Math.log((n + 1) / (d + 1)) + 1) : [],
    n
  };
}

function vectorize(col: CategoryColumn, s: ColumnState, p: Params): FrameColumn[] {
  const where = new Map(s.vocabulary.map((t, j) => [t, j]));
  // One sparse vector per dictionary entry: identical texts give identical rows.
  const index: Int32Array[] = [];
  const value: Float64Array[] = [];
  for (const text of col.dictionary) {
    const js: number[] = [];
    const xs: number[] = [];
    for (const [t, k] of tokenize(text)) {
      const j = where.get(t);
      if (j === undefined) continue;
      js.push(j);
      xs.push(p.mode === 'tfidf' ? k * s.idf[j] : k);
    }
    if (p.mode === 'tfidf' && xs.length) {
      const order = js.map((_, i) => i).sort((a, b) => js[a] - js[b]);
      let sq = 0;
      for (const i of order) sq += xs[i] * xs[i];
      const norm = Math.sqrt(sq);
      for (let i = 0; i < xs.length; i++) xs[i] /= norm;
    }
    index.push(Int32Array.from(js));
    value.push(Float64Array.from(xs));
  }
  const n = col.codes.length;
  const outs = s.vocabulary.map(() => new Float64Array(n));
  const codes = col.codes;
  for (let i = 0; i < n; i++) {
    const c = codes[i];
    if (c < 0) continue;
    const js = index[c];
    const xs = value[c];
    for (let k = 0; k < js.length; k++) outs[js[k]][i] = xs[k];
  }
  const type = p.mode === 'tfidf' ? 'float' : 'integer';
  return s.vocabulary.map((t, j) => ({
    kind: 'number',
    name: `${col.name}:${t}`,
    type,
    values: outs[j]
  }));
}

/**
 * The step's tokenizer as graph nodes: texts [M] → their tokens [M, T], each row padded with
 * TOKEN_PAD after its tokens.
 */
export function lowerTokenizer(g: GraphBuilder, text: Value): Value {
  const lowered = g.op(
    'StringNormalizer',
    [text],
    { dtype: 'string', shape: text.shape, name: `${text.name}_lower` },
    {
      case_change_action: attr.string('LOWER'),
      is_case_sensitive: attr.int(0),
      // Native onnxruntime refuses the model when the locale is not installed; its default,
      // en_US.UTF-8, is missing from slim Linux images, C.UTF-8 is in every glibc system.
      // onnxruntime-web ignores it.
      locale: attr.string('C.UTF-8')
    }
  );
  return g.op(
    'Tokenizer',
    [lowered],
    { dtype: 'string', shape: null, name: `${text.name}_tokens` },
    {
      mark: attr.int(0),
      mincharnum: attr.int(1),
      pad_value: attr.string(TOKEN_PAD),
      tokenexp: attr.string(tables().expression)
    },
    'com.microsoft'
  );
}

/**
 * One column's vocabulary values, [N, V] double: StringNormalizer → Tokenizer →
 * TfIdfVectorizer (counts), as sklearn-onnx lowers its vectorizers, then idf and the rows'
 * Euclidean norm in double. A row of "" is added to the texts and dropped from the counts, so
 * that a batch of no rows runs (StringNormalizer refuses an empty input).
 */
function lowerVectorizer(g: GraphBuilder, text: Value, s: ColumnState, p: Params): Value {
  const flat = g.op('Reshape', [text, g.int64s('flat', [-1])], {
    dtype: 'string',
    shape: [BATCH],
    name: `${s.column}_texts`
  });
  const padded = g.op(
    'Concat',
    [flat, g.strings('empty_text', [''])],
    {
      dtype: 'string',
      shape: null,
      name: `${s.column}_padded`
    },
    { axis: attr.int(0) }
  );
  const v = s.vocabulary.length;
  const counts = g.op(
    'TfIdfVectorizer',
    [lowerTokenizer(g, padded)],
    { dtype: 'float', shape: null, name: `${s.column}_counts` },
    {
      mode: attr.string('TF'),
      min_gram_length: attr.int(1),
      max_gram_length: attr.int(1),
      max_skip_count: attr.int(0),
      ngram_counts: attr.ints([0]),
      ngram_indexes: attr.ints(s.vocabulary.map((_, j) => j)),
      pool_strings: attr.strings(s.vocabulary)
    }
  );
  const rows = g.op(
    'Slice',
    [counts, g.int64s('first_row', [0]), g.int64s('last_row', [-1]), g.int64s('rows_axis', [0])],
    { dtype: 'float', shape: [BATCH, v], name: `${s.column}_row_counts` }
  );
  const shape = [BATCH, v];
  const tf = g.op(
    'Cast',
    [rows],
    { dtype: 'double', shape, name: `${s.column}_tf` },
    { to: attr.int(ELEMENT_TYPES.double) }
  );
  if (p.mode === 'counts') return tf;
  const weighted = g.op('Mul', [tf, g.doubles(`${s.column}_idf`, s.idf, [1, v])], {
    dtype: 'double',
    shape,
    name: `${s.column}_tfidf`
  });
  const rowShape = [BATCH, 1];
  const squares = g.op(
    'ReduceSumSquare',
    [weighted],
    { dtype: 'double', shape: rowShape, name: `${s.column}_squares` },
    { axes: attr.ints([1]), keepdims: attr.int(1) }
  );
  const norm = g.op('Sqrt', [squares], {
    dtype: 'double',
    shape: rowShape,
    name: `${s.column}_norm`
  });
  const zero = g.doubles('zero', [0], []);
  const empty = g.op('Equal', [norm, zero], {
    dtype: 'bool',
    shape: rowShape,
    name: `${s.column}_empty`
  });
  const divisor = g.op('Where', [empty, g.doubles('one', [1], []), norm], {
    dtype: 'double',
    shape: rowShape,
    name: `${s.column}_divisor`
  });
  return g.op('Div', [weighted, divisor], { dtype: 'double', shape, name: `${s.column}_values` });
}

function lowerColumn(onnx: Lowering, s: ColumnState, p: Params): void {
  const text = onnx.column(s.column);
  if (text.dtype !== 'string') {
    onnx.refuse(`the column "${s.column}" holds ${text.dtype} values, not text.`);
  }
  if (!p.keep) onnx.dropColumn(s.column);
  const v = s.vocabulary.length;
  if (v === 0) return;
  const g = onnx.graph;
  const values = lowerVectorizer(g, text, s, p);
  const names = s.vocabulary.map((t) => `${s.column}:${t}`);
  const columns =
    v === 1
      ? [values]
      : g.node(
          'Split',
          [values],
          names.map((name) => ({ dtype: 'double' as const, shape: [BATCH, 1], name })),
          { axis: attr.int(1) }
        );
  names.forEach((name, j) => onnx.setColumn(name, columns[j]));
}

export const textStep: StepKind<Params, State> = {
  type: TYPE,
  label: 'Text to token counts / TF-IDF',
  params,
  fields: {
    columns: { label: 'Text columns', widget: 'columns', accepts: ALLOWED },
    mode: { label: 'Values', help: 'tfidf: weighted and normalised per row; counts: occurrences.' },
    maxFeatures: { label: 'Vocabulary size' },
    minDf: { label: 'Ignore words in fewer rows than' },
    maxDf: { label: 'Ignore words in more than this share of rows' },
    keep: { label: 'Keep the text column' }
  },
  examples: [
    { columns: ['notes'] },
    { columns: ['notes'], mode: 'counts', maxFeatures: 5, keep: true },
    { columns: ['notes'], minDf: 2, keep: true }
  ],
  defaults(input) {
    const columns = columnsOfType(input, ['text']);
    return columns.length ? { columns } : null;
  },
  schemaAfterFit: 'adds',
  outputSchema(input: ColumnSchema[], p: Params, ctx: StepContext): ColumnSchema[] {
    const replacements = new Map<string, ColumnSchema[]>();
    for (const name of p.columns) {
      const c = input[schemaIndex(input, name, ctx, TYPE, ALLOWED)];
      replacements.set(name, p.keep ? [c] : []);
    }
    return replaceColumns(input, replacements);
  },
  fit(train: Frame, p: Params, ctx: StepContext): State {
    return {
      columns: p.columns.map((name) =>
        fitColumn(categoryColumn(train, name, ctx, TYPE, ALLOWED), p, ctx)
      )
    };
  },
  apply(frame: Frame, p: Params, state: State, ctx: StepContext): Frame {
    const created = state.columns.reduce((sum, s) => sum + s.vocabulary.length, 0);
    checkOutputSize(ctx, TYPE, frame.rows, created);
    const replacements = new Map<string, FrameColumn[]>();
    for (const s of state.columns) {
      const col = categoryColumn(frame, s.column, ctx, TYPE, ALLOWED);
      replacements.set(s.column, [...(p.keep ? [col] : []), ...vectorize(col, s, p)]);
    }
    const columns = replaceColumns(frame.columns, replacements);
    checkUniqueNames(columns, ctx, TYPE);
    return { rows: frame.rows, columns };
  },
  lower(onnx, p: Params, state: State): void {
    for (const s of state.columns) lowerColumn(onnx, s, p);
  }
};

/**
 * The word characters: the code points of General_Category L* and N* in Unicode 15.1, and "_"
 * — RE2's [\p{L}\p{N}_] in onnxruntime 1.30 — as hex ranges `first-last`.
 */
const WORD_CHARACTERS = [
  '30-39 41-5a 5f 61-7a aa b2-b3 b5 b9-ba bc-be c0-d6 d8-f6 f8-2c1 2c6-2d1 2e0-2e4 2ec',
  '2ee 370-374 376-377 37a-37d 37f 386 388-38a 38c 38e-3a1 3a3-3f5 3f7-481 48a-52f',
  '531-556 559 560-588 5d0-5ea 5ef-5f2 620-64a 660-669 66e-66f 671-6d3 6d5 6e5-6e6',
  '6ee-6fc 6ff 710 712-72f 74d-7a5 7b1 7c0-7ea 7f4-7f5 7fa 800-815 81a 824 828 840-858',
  '860-86a 870-887 889-88e 8a0-8c9 904-939 93d 950 958-961 966-96f 971-980 985-98c',
  '98f-990 993-9a8 9aa-9b0 9b2 9b6-9b9 9bd 9ce 9dc-9dd 9df-9e1 9e6-9f1 9f4-9f9 9fc',
  'a05-a0a a0f-a10 a13-a28 a2a-a30 a32-a33 a35-a36 a38-a39 a59-a5c a5e a66-a6f a72-a74',
  'a85-a8d a8f-a91 a93-aa8 aaa-ab0 ab2-ab3 ab5-ab9 abd ad0 ae0-ae1 ae6-aef af9 b05-b0c',
  'b0f-b10 b13-b28 b2a-b30 b32-b33 b35-b39 b3d b5c-b5d b5f-b61 b66-b6f b71-b77 b83',
  'b85-b8a b8e-b90 b92-b95 b99-b9a b9c b9e-b9f ba3-ba4 ba8-baa bae-bb9 bd0 be6-bf2',
  'c05-c0c c0e-c10 c12-c28 c2a-c39 c3d c58-c5a c5d c60-c61 c66-c6f c78-c7e c80 c85-c8c',
  'c8e-c90 c92-ca8 caa-cb3 cb5-cb9 cbd cdd-cde ce0-ce1 ce6-cef cf1-cf2 d04-d0c d0e-d10',
  'd12-d3a d3d d4e d54-d56 d58-d61 d66-d78 d7a-d7f d85-d96 d9a-db1 db3-dbb dbd dc0-dc6',
  'de6-def e01-e30 e32-e33 e40-e46 e50-e59 e81-e82 e84 e86-e8a e8c-ea3 ea5 ea7-eb0',
  'eb2-eb3 ebd ec0-ec4 ec6 ed0-ed9 edc-edf f00 f20-f33 f40-f47 f49-f6c f88-f8c 1000-102a',
  '103f-1049 1050-1055 105a-105d 1061 1065-1066 106e-1070 1075-1081 108e 1090-1099',
  '10a0-10c5 10c7 10cd 10d0-10fa 10fc-1248 124a-124d 1250-1256 1258 125a-125d 1260-1288',
  '128a-128d 1290-12b0 12b2-12b5 12b8-12be 12c0 12c2-12c5 12c8-12d6 12d8-1310 1312-1315',
  '1318-135a 1369-137c 1380-138f 13a0-13f5 13f8-13fd 1401-166c 166f-167f 1681-169a',
  '16a0-16ea 16ee-16f8 1700-1711 171f-1731 1740-1751 1760-176c 176e-1770 1780-17b3 17d7',
  '17dc 17e0-17e9 17f0-17f9 1810-1819 1820-1878 1880-1884 1887-18a8 18aa 18b0-18f5',
  '1900-191e 1946-196d 1970-1974 1980-19ab 19b0-19c9 19d0-19da 1a00-1a16 1a20-1a54',
  '1a80-1a89 1a90-1a99 1aa7 1b05-1b33 1b45-1b4c 1b50-1b59 1b83-1ba0 1bae-1be5 1c00-1c23',
  '1c40-1c49 1c4d-1c7d 1c80-1c88 1c90-1cba 1cbd-1cbf 1ce9-1cec 1cee-1cf3 1cf5-1cf6 1cfa',
  '1d00-1dbf 1e00-1f15 1f18-1f1d 1f20-1f45 1f48-1f4d 1f50-1f57 1f59 1f5b 1f5d 1f5f-1f7d',
  '1f80-1fb4 1fb6-1fbc 1fbe 1fc2-1fc4 1fc6-1fcc 1fd0-1fd3 1fd6-1fdb 1fe0-1fec 1ff2-1ff4',
  '1ff6-1ffc 2070-2071 2074-2079 207f-2089 2090-209c 2102 2107 210a-2113 2115 2119-211d',
  '2124 2126 2128 212a-212d 212f-2139 213c-213f 2145-2149 214e 2150-2189 2460-249b',
  '24ea-24ff 2776-2793 2c00-2ce4 2ceb-2cee 2cf2-2cf3 2cfd 2d00-2d25 2d27 2d2d 2d30-2d67',
  '2d6f 2d80-2d96 2da0-2da6 2da8-2dae 2db0-2db6 2db8-2dbe 2dc0-2dc6 2dc8-2dce 2dd0-2dd6',
  '2dd8-2dde 2e2f 3005-3007 3021-3029 3031-3035 3038-303c 3041-3096 309d-309f 30a1-30fa',
  '30fc-30ff 3105-312f 3131-318e 3192-3195 31a0-31bf 31f0-31ff 3220-3229 3248-324f',
  '3251-325f 3280-3289 32b1-32bf 3400-4dbf 4e00-a48c a4d0-a4fd a500-a60c a610-a62b',
  'a640-a66e a67f-a69d a6a0-a6ef a717-a71f a722-a788 a78b-a7ca a7d0-a7d1 a7d3 a7d5-a7d9',
  'a7f2-a801 a803-a805 a807-a80a a80c-a822 a830-a835 a840-a873 a882-a8b3 a8d0-a8d9',
  'a8f2-a8f7 a8fb a8fd-a8fe a900-a925 a930-a946 a960-a97c a984-a9b2 a9cf-a9d9 a9e0-a9e4',
  'a9e6-a9fe aa00-aa28 aa40-aa42 aa44-aa4b aa50-aa59 aa60-aa76 aa7a aa7e-aaaf aab1',
  'aab5-aab6 aab9-aabd aac0 aac2 aadb-aadd aae0-aaea aaf2-aaf4 ab01-ab06 ab09-ab0e',
  'ab11-ab16 ab20-ab26 ab28-ab2e ab30-ab5a ab5c-ab69 ab70-abe2 abf0-abf9 ac00-d7a3',
  'd7b0-d7c6 d7cb-d7fb f900-fa6d fa70-fad9 fb00-fb06 fb13-fb17 fb1d fb1f-fb28 fb2a-fb36',
  'fb38-fb3c fb3e fb40-fb41 fb43-fb44 fb46-fbb1 fbd3-fd3d fd50-fd8f fd92-fdc7 fdf0-fdfb',
  'fe70-fe74 fe76-fefc ff10-ff19 ff21-ff3a ff41-ff5a ff66-ffbe ffc2-ffc7 ffca-ffcf',
  'ffd2-ffd7 ffda-ffdc 10000-1000b 1000d-10026 10028-1003a 1003c-1003d 1003f-1004d',
  '10050-1005d 10080-100fa 10107-10133 10140-10178 1018a-1018b 10280-1029c 102a0-102d0',
  '102e1-102fb 10300-10323 1032d-1034a 10350-10375 10380-1039d 103a0-103c3 103c8-103cf',
  '103d1-103d5 10400-1049d 104a0-104a9 104b0-104d3 104d8-104fb 10500-10527 10530-10563',
  '10570-1057a 1057c-1058a 1058c-10592 10594-10595 10597-105a1 105a3-105b1 105b3-105b9',
  '105bb-105bc 10600-10736 10740-10755 10760-10767 10780-10785 10787-107b0 107b2-107ba',
  '10800-10805 10808 1080a-10835 10837-10838 1083c 1083f-10855 10858-10876 10879-1089e',
  '108a7-108af 108e0-108f2 108f4-108f5 108fb-1091b 10920-10939 10980-109b7 109bc-109cf',
  '109d2-10a00 10a10-10a13 10a15-10a17 10a19-10a35 10a40-10a48 10a60-10a7e 10a80-10a9f',
  '10ac0-10ac7 10ac9-10ae4 10aeb-10aef 10b00-10b35 10b40-10b55 10b58-10b72 10b78-10b91',
  '10ba9-10baf 10c00-10c48 10c80-10cb2 10cc0-10cf2 10cfa-10d23 10d30-10d39 10e60-10e7e',
  '10e80-10ea9 10eb0-10eb1 10f00-10f27 10f30-10f45 10f51-10f54 10f70-10f81 10fb0-10fcb',
  '10fe0-10ff6 11003-11037 11052-1106f 11071-11072 11075 11083-110af 110d0-110e8',
  '110f0-110f9 11103-11126 11136-1113f 11144 11147 11150-11172 11176 11183-111b2',
  '111c1-111c4 111d0-111da 111dc 111e1-111f4 11200-11211 11213-1122b 1123f-11240',
  '11280-11286 11288 1128a-1128d 1128f-1129d 1129f-112a8 112b0-112de 112f0-112f9',
  '11305-1130c 1130f-11310 11313-11328 1132a-11330 11332-11333 11335-11339 1133d 11350',
  '1135d-11361 11400-11434 11447-1144a 11450-11459 1145f-11461 11480-114af 114c4-114c5',
  '114c7 114d0-114d9 11580-115ae 115d8-115db 11600-1162f 11644 11650-11659 11680-116aa',
  '116b8 116c0-116c9 11700-1171a 11730-1173b 11740-11746 11800-1182b 118a0-118f2',
  '118ff-11906 11909 1190c-11913 11915-11916 11918-1192f 1193f 11941 11950-11959',
  '119a0-119a7 119aa-119d0 119e1 119e3 11a00 11a0b-11a32 11a3a 11a50 11a5c-11a89 11a9d',
  '11ab0-11af8 11c00-11c08 11c0a-11c2e 11c40 11c50-11c6c 11c72-11c8f 11d00-11d06',
  '11d08-11d09 11d0b-11d30 11d46 11d50-11d59 11d60-11d65 11d67-11d68 11d6a-11d89 11d98',
  '11da0-11da9 11ee0-11ef2 11f02 11f04-11f10 11f12-11f33 11f50-11f59 11fb0 11fc0-11fd4',
  '12000-12399 12400-1246e 12480-12543 12f90-12ff0 13000-1342f 13441-13446 14400-14646',
  '16800-16a38 16a40-16a5e 16a60-16a69 16a70-16abe 16ac0-16ac9 16ad0-16aed 16b00-16b2f',
  '16b40-16b43 16b50-16b59 16b5b-16b61 16b63-16b77 16b7d-16b8f 16e40-16e96 16f00-16f4a',
  '16f50 16f93-16f9f 16fe0-16fe1 16fe3 17000-187f7 18800-18cd5 18d00-18d08 1aff0-1aff3',
  '1aff5-1affb 1affd-1affe 1b000-1b122 1b132 1b150-1b152 1b155 1b164-1b167 1b170-1b2fb',
  '1bc00-1bc6a 1bc70-1bc7c 1bc80-1bc88 1bc90-1bc99 1d2c0-1d2d3 1d2e0-1d2f3 1d360-1d378',
  '1d400-1d454 1d456-1d49c 1d49e-1d49f 1d4a2 1d4a5-1d4a6 1d4a9-1d4ac 1d4ae-1d4b9 1d4bb',
  '1d4bd-1d4c3 1d4c5-1d505 1d507-1d50a 1d50d-1d514 1d516-1d51c 1d51e-1d539 1d53b-1d53e',
  '1d540-1d544 1d546 1d54a-1d550 1d552-1d6a5 1d6a8-1d6c0 1d6c2-1d6da 1d6dc-1d6fa',
  '1d6fc-1d714 1d716-1d734 1d736-1d74e 1d750-1d76e 1d770-1d788 1d78a-1d7a8 1d7aa-1d7c2',
  '1d7c4-1d7cb 1d7ce-1d7ff 1df00-1df1e 1df25-1df2a 1e030-1e06d 1e100-1e12c 1e137-1e13d',
  '1e140-1e149 1e14e 1e290-1e2ad 1e2c0-1e2eb 1e2f0-1e2f9 1e4d0-1e4eb 1e4f0-1e4f9',
  '1e7e0-1e7e6 1e7e8-1e7eb 1e7ed-1e7ee 1e7f0-1e7fe 1e800-1e8c4 1e8c7-1e8cf 1e900-1e943',
  '1e94b 1e950-1e959 1ec71-1ecab 1ecad-1ecaf 1ecb1-1ecb4 1ed01-1ed2d 1ed2f-1ed3d',
  '1ee00-1ee03 1ee05-1ee1f 1ee21-1ee22 1ee24 1ee27 1ee29-1ee32 1ee34-1ee37 1ee39 1ee3b',
  '1ee42 1ee47 1ee49 1ee4b 1ee4d-1ee4f 1ee51-1ee52 1ee54 1ee57 1ee59 1ee5b 1ee5d 1ee5f',
  '1ee61-1ee62 1ee64 1ee67-1ee6a 1ee6c-1ee72 1ee74-1ee77 1ee79-1ee7c 1ee7e 1ee80-1ee89',
  '1ee8b-1ee9b 1eea1-1eea3 1eea5-1eea9 1eeab-1eebb 1f100-1f10c 1fbf0-1fbf9 20000-2a6df',
  '2a700-2b739 2b740-2b81d 2b820-2cea1 2ceb0-2ebe0 2ebf0-2ee5d 2f800-2fa1d 30000-3134a',
  '31350-323af'
].join(' ');

/**
 * The simple lowercase mappings of the word characters, as onnxruntime-web's StringNormalizer
 * applies them (its C library's towlower: Unicode 12.1, so capitals added since stay as they
 * are): `first-last+delta` moves every code point from first to last by delta (hex), `/2` every
 * second one. test/unit/features-lower-text.test.ts checks both tables against onnxruntime on
 * every code point.
 */
const LOWERCASE = [
  '41-5a+20 c0-d6+20 d8-de+20 100-12e/2+1 130-c7 132-136/2+1 139-147/2+1 14a-176/2+1',
  '178-79 179-17d/2+1 181+d2 182-184/2+1 186+ce 187+1 189-18a+cd 18b+1 18e+4f 18f+ca',
  '190+cb 191+1 193+cd 194+cf 196+d3 197+d1 198+1 19c+d3 19d+d5 19f+d6 1a0-1a4/2+1 1a6+da',
  '1a7+1 1a9+da 1ac+1 1ae+da 1af+1 1b1-1b2+d9 1b3-1b5/2+1 1b7+db 1b8+1 1bc+1 1c4+2 1c5+1',
  '1c7+2 1c8+1 1ca+2 1cb-1db/2+1 1de-1ee/2+1 1f1+2 1f2-1f4/2+1 1f6-61 1f7-38 1f8-21e/2+1',
  '220-82 222-232/2+1 23a+2a2b 23b+1 23d-a3 23e+2a28 241+1 243-c3 244+45 245+47',
  '246-24e/2+1 370-372/2+1 376+1 37f+74 386+26 388-38a+25 38c+40 38e-38f+3f 391-3a1+20',
  '3a3-3ab+20 3cf+8 3d8-3ee/2+1 3f4-3c 3f7+1 3f9-7 3fa+1 3fd-3ff-82 400-40f+50 410-42f+20',
  '460-480/2+1 48a-4be/2+1 4c0+f 4c1-4cd/2+1 4d0-52e/2+1 531-556+30 10a0-10c5+1c60',
  '10c7+1c60 10cd+1c60 13a0-13ef+97d0 13f0-13f5+8 1c90-1cba-bc0 1cbd-1cbf-bc0',
  '1e00-1e94/2+1 1e9e-1dbf 1ea0-1efe/2+1 1f08-1f0f-8 1f18-1f1d-8 1f28-1f2f-8 1f38-1f3f-8',
  '1f48-1f4d-8 1f59-1f5f/2-8 1f68-1f6f-8 1f88-1f8f-8 1f98-1f9f-8 1fa8-1faf-8 1fb8-1fb9-8',
  '1fba-1fbb-4a 1fbc-9 1fc8-1fcb-56 1fcc-9 1fd8-1fd9-8 1fda-1fdb-64 1fe8-1fe9-8',
  '1fea-1feb-70 1fec-7 1ff8-1ff9-80 1ffa-1ffb-7e 1ffc-9 2126-1d5d 212a-20bf 212b-2046',
  '2132+1c 2160-216f+10 2183+1 2c00-2c2e+30 2c60+1 2c62-29f7 2c63-ee6 2c64-29e7',
  '2c67-2c6b/2+1 2c6d-2a1c 2c6e-29fd 2c6f-2a1f 2c70-2a1e 2c72+1 2c75+1 2c7e-2c7f-2a3f',
  '2c80-2ce2/2+1 2ceb-2ced/2+1 2cf2+1 a640-a66c/2+1 a680-a69a/2+1 a722-a72e/2+1',
  'a732-a76e/2+1 a779-a77b/2+1 a77d-8a04 a77e-a786/2+1 a78b+1 a78d-a528 a790-a792/2+1',
  'a796-a7a8/2+1 a7aa-a544 a7ab-a54f a7ac-a54b a7ad-a541 a7ae-a544 a7b0-a512 a7b1-a52a',
  'a7b2-a515 a7b3+3a0 a7b4-a7be/2+1 a7c2+1 a7c4-30 a7c5-a543 a7c6-8a38 ff21-ff3a+20',
  '10400-10427+28 104b0-104d3+28 10c80-10cb2+40 118a0-118bf+20 16e40-16e5f+20',
  '1e900-1e921+22'
].join(' ');
