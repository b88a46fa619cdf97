/**
 * From probabilities to predicted classes: the arg-max of each row, the first column winning a
 * tie (numpy's `argmax`). A binary row of [0.5, 0.5] therefore predicts class 0.
 */
export function argmaxRows(proba: Float64Array, n: number, k: number): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const base = i * k;
    let best = 0;
    let bestValue = proba[base];
    for (let c = 1; c < k; c++) {
      if (proba[base + c] > bestValue) {
        bestValue = proba[base + c];
        best = c;
      }
    }
    out[i] = best;
  }
  return out;
}

/** Column `c` of a row-major n×k matrix, as its own array. */
export function column(matrix: Float64Array, n: number, k: number, c: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = matrix[i * k + c];
  return out;
}

/** 1 where `labels[i] === c`, else 0: the one-vs-rest target of class `c`. */
export function oneVsRest(labels: Int32Array, c: number): Uint8Array {
  const out = new Uint8Array(labels.length);
  for (let i = 0; i < labels.length; i++) out[i] = labels[i] === c ? 1 : 0;
  return out;
}
