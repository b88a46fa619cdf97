/**
 * The one seeded generator family: sfc32 seeded through splitmix32. Same seed, same sequence on
 * every engine (node, browsers, workers). Splits, step sampling, weight initialisation, batch
 * shuffles, dropout, search and permutation importance all draw from it.
 */

/** splitmix32: spreads a seed (and nearby seeds) over the whole 32-bit state space. */
function splitmix32(state: number): () => number {
  return () => {
    state = (state + 0x9e3779b9) | 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/** Turns any number (a spec's seed may be large or negative) into a 32-bit seed. */
export function seed32(seed: number): number {
  if (!Number.isFinite(seed)) return 0;
  const hi = Math.floor(seed / 4294967296);
  // Mix the high part in, so seeds beyond 2^32 still give different sequences.
  return (Math.floor(seed) ^ Math.imul(hi | 0, 0x9e3779b1)) >>> 0;
}

/** Uniform floats in [0, 1). */
export function createRng(seed: number): () => number {
  const init = splitmix32(seed >>> 0);
  let a = init();
  let b = init();
  let c = init();
  let d = init();
  const next = () => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  for (let i = 0; i < 12; i++) next();
  return next;
}

/** An independent seed for stream `n` of a seed (e.g. one per pipeline step). */
export function deriveSeed(seed: number, n: number): number {
  return splitmix32((seed ^ Math.imul(n + 1, 0x27d4eb2d)) >>> 0)();
}

/** A uniform integer in [0, n). */
export function randomInt(rand: () => number, n: number): number {
  return Math.floor(rand() * n);
}

/** Fisher–Yates from the end, in place. */
export function shuffleInPlace(values: Int32Array, rand: () => number): Int32Array {
  for (let i = values.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    const t = values[i];
    values[i] = values[j];
    values[j] = t;
  }
  return values;
}

/**
 * `k` distinct values drawn uniformly from `pool` without replacement (a partial Fisher–Yates
 * shuffle on a copy); `pool` itself is left untouched.
 */
export function sampleWithoutReplacement(
  rand: () => number,
  pool: Int32Array,
  k: number
): Int32Array {
  const a = pool.slice();
  const n = a.length;
  const m = Math.min(k, n);
  for (let i = 0; i < m; i++) {
    const j = i + randomInt(rand, n - i);
    const t = a[i];
    a[i] = a[j];
    a[j] = t;
  }
  return a.subarray(0, m);
}
