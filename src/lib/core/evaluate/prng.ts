/**
 * A small seeded generator for permutation importance (evaluate keeps its own so it does not
 * depend on the feature steps). Same seed → same sequence on every platform.
 */

/** mulberry32 over a 32-bit seed mixed from any finite number; floats uniform in [0, 1). */
export function seededRandom(seed: number): () => number {
  const s = Number.isFinite(seed) ? Math.floor(seed) : 0;
  let a = (s ^ Math.imul(Math.floor(s / 4294967296) | 0, 0x9e3779b1)) >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Shuffles `a` in place (Fisher–Yates, from the end). */
export function shuffleInPlace(a: Int32Array, rand: () => number): Int32Array {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    const t = a[i];
    a[i] = a[j];
    a[j] = t;
  }
  return a;
}
