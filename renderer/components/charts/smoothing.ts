/**
 * Exponential moving average with the bias at the start corrected (as TensorBoard does), so a smoothed
 * line starts at the data instead of at zero. weight 0 = no smoothing, towards 1 = smoother.
 */
export function smooth(y: ArrayLike<number>, weight: number): Float64Array {
  const out = new Float64Array(y.length);
  if (weight <= 0) {
    for (let i = 0; i < y.length; i++) out[i] = y[i];
    return out;
  }
  let last = 0;
  let debias = 0;
  for (let i = 0; i < y.length; i++) {
    const v = y[i];
    if (!Number.isFinite(v)) {
      out[i] = v;
      continue;
    }
    last = last * weight + (1 - weight) * v;
    debias = debias * weight + (1 - weight);
    out[i] = last / debias;
  }
  return out;
}
