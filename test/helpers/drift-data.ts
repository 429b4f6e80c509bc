// Seeded generators for the drift tests and benchmark: the same seed gives the same numbers everywhere.

/** mulberry32: a small, fast 32-bit generator; uniform in [0, 1). */
export function uniform(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Normal(mean, sd) values by Box–Muller. */
export function normals(seed: number, n: number, mean = 0, sd = 1): Float64Array {
  const u = uniform(seed);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i += 2) {
    const r = Math.sqrt(-2 * Math.log(1 - u()));
    const t = 2 * Math.PI * u();
    out[i] = mean + sd * r * Math.cos(t);
    if (i + 1 < n) out[i + 1] = mean + sd * r * Math.sin(t);
  }
  return out;
}

/** n draws from categories with the given weights (they need not sum to 1). */
export function categories(seed: number, n: number, weights: number[]): Int32Array {
  const u = uniform(seed);
  const total = weights.reduce((s, w) => s + w, 0);
  const cum: number[] = [];
  let acc = 0;
  for (const w of weights) cum.push((acc += w / total));
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const x = u();
    let k = 0;
    while (k < cum.length - 1 && x >= cum[k]) k++;
    out[i] = k;
  }
  return out;
}

/** A 0/1 error stream whose error rate is rates[k] from changeAt[k - 1] on. */
export function errorStream(seed: number, n: number, rates: number[], changeAt: number[] = []): Float64Array {
  const u = uniform(seed);
  const out = new Float64Array(n);
  let k = 0;
  for (let i = 0; i < n; i++) {
    while (k < changeAt.length && i >= changeAt[k]) k++;
    out[i] = u() < rates[k] ? 1 : 0;
  }
  return out;
}
