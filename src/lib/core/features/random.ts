/**
 * Small seeded pseudo-random numbers for steps that sample (class balancing). Deterministic
 * across platforms: same seed, same sequence, in node, browsers and workers alike.
 */

/** Turns any number (the spec's seed may be large or negative) into a 32-bit seed. */
export function seed32(seed: number): number {
  if (!Number.isFinite(seed)) return 0;
  const hi = Math.floor(seed / 4294967296);
  // Mix the high part in, so seeds beyond 2^32 still give different sequences.
  return (Math.floor(seed) ^ Math.imul(hi | 0, 0x9e3779b1)) >>> 0;
}

/** mulberry32: a 32-bit state generator; returns floats uniform in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed32(seed);
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A uniform integer in [0, n). */
export function randomInt(rand: () => number, n: number): number {
  return Math.floor(rand() * n);
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
