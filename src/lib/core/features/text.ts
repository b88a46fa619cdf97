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
 * - tokens: the text lowercased, then every run of 2 or more word characters (letters, digits,
 *   underscore) — sklearn's token_pattern (?u)\b\w\w+\b;
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

const TOKEN = /[\p{L}\p{N}_]{2,}/gu;

/** The tokens of the text, as onnxruntime's Tokenizer reads them (RE2 syntax). */
const TOKEN_EXPRESSION = '[\\p{L}\\p{N}_]{2,}';

/** Fills the rows of the Tokenizer's output after their tokens; never a token itself. */
const TOKEN_PAD = '#';

/** Token → count for one text. */
function tokenize(text: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const m of text.toLowerCase().matchAll(TOKEN)) counts.set(m[0], (counts.get(m[0]) ?? 0) + 1);
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
    { case_change_action: attr.string('LOWER'), is_case_sensitive: attr.int(0) }
  );
  return g.op(
    'Tokenizer',
    [lowered],
    { dtype: 'string', shape: null, name: `${text.name}_tokens` },
    {
      mark: attr.int(0),
      mincharnum: attr.int(1),
      pad_value: attr.string(TOKEN_PAD),
      tokenexp: attr.string(TOKEN_EXPRESSION)
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
