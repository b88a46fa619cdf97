import { LatheError } from '../../base/errors';

/** Hard limits that keep hostile input (from URLs and shared specs) harmless. */
export const EXPR_LIMITS = {
  /** Characters (UTF-16 code units) in one expression. */
  maxLength: 2000,
  /** Nested parentheses, unary operators and function calls. */
  maxNesting: 64,
  /** Height of the syntax tree, which also bounds how many intermediate columns are alive. */
  maxHeight: 256,
  /** Characters in the distinct values of one computed string column (concat can amplify). */
  maxStringChars: 100_000_000
} as const;

export type ExprErrorCode =
  'EXPR_SYNTAX' | 'EXPR_UNKNOWN_FUNCTION' | 'EXPR_UNKNOWN_COLUMN' | 'EXPR_TYPE';

/**
 * An expression error. `what` is the message before the position; the position is appended as
 * " at N" (0-based UTF-16 offset, i.e. a JS string index), followed by `tail` (a hint).
 * `details` always carries `{ position, length }` so an editor can underline the span.
 */
export function exprError(
  code: ExprErrorCode,
  what: string,
  position: number,
  length: number,
  tail = '',
  extra: Record<string, unknown> = {}
): LatheError {
  return new LatheError(code, `${what} at ${position}${tail}`, {
    ...extra,
    position,
    length: Math.max(0, length)
  });
}

/** Optimal-string-alignment edit distance (Levenshtein plus adjacent transpositions). */
export function editDistance(a: string, b: string): number {
  const n = a.length;
  const m = b.length;
  if (n === 0) return m;
  if (m === 0) return n;
  let prev2 = new Array<number>(m + 1).fill(0);
  let prev = Array.from({ length: m + 1 }, (_, j) => j);
  let cur = new Array<number>(m + 1).fill(0);
  for (let i = 1; i <= n; i++) {
    cur[0] = i;
    for (let j = 1; j <= m; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d = Math.min(d, prev2[j - 2] + 1);
      }
      cur[j] = d;
    }
    [prev2, prev, cur] = [prev, cur, prev2];
  }
  return prev[m];
}

/**
 * The candidate closest to `name`, or undefined when none is plausibly meant. A match that differs
 * only in letter case always wins; otherwise the distance must be at most max(1, length / 3).
 */
export function suggest(name: string, candidates: Iterable<string>): string | undefined {
  const lower = name.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  const limit = Math.max(1, Math.floor(name.length / 3));
  for (const candidate of candidates) {
    if (candidate.length > name.length + limit || candidate.length < name.length - limit) continue;
    const d =
      candidate.toLowerCase() === lower ? 0.5 : editDistance(lower, candidate.toLowerCase());
    if (d < bestDistance) {
      bestDistance = d;
      best = candidate;
    }
  }
  return bestDistance <= limit ? best : undefined;
}
