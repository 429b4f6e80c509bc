// The distribution of the one-sample two-sided Kolmogorov–Smirnov statistic D_n for finite n
// ("kstwo"), following Simard & L'Ecuyer (2011), "Computing the two-sided Kolmogorov-Smirnov
// distribution", J. Stat. Software 39(11): for each region of (n, x) the algorithm they recommend —
// Ruben–Gambino's closed forms at the ends, Durbin's matrix (as Marsaglia, Tsang & Wang compute it),
// Pomeranz's recursion, the Pelz–Good series, and twice the exact one-sided Smirnov tail. scipy's
// kstwo uses the same regions and cut-offs, which is why ks_2samp's asymptotic p-values match ours.
import { lchoose, lgamma } from './special.js';

const E128 = 2 ** 128;
const EM128 = 2 ** -128;
const PI2 = Math.PI ** 2;
const SQRT2PI = Math.sqrt(2 * Math.PI);

/** Exact upper tail of the one-sided statistic, P(D+_n ≥ e), by the Birnbaum–Tingey sum. */
export function smirnovSf(n: number, e: number): number {
  if (e <= 0) return 1;
  if (e >= 1) return 0;
  const last = Math.floor(n * (1 - e));
  let sum = 0;
  let max = -Infinity;
  for (let v = 0; v <= last; v++) {
    const evn = e + v / n;
    const om = 1 - evn;
    if (om <= 0) continue;
    const t = lchoose(n, v) + (v - 1) * Math.log(evn) + (n - v) * Math.log(om);
    if (t > max) max = t;
    // Terms rise to one mode and fall: once far below the largest, the rest cannot matter.
    else if (t < max - 50) break;
    sum += Math.exp(t);
  }
  return sum * e;
}

function clip(p: number): number {
  return p < 0 ? 0 : p > 1 ? 1 : p;
}

/** Durbin's matrix method, P(D_n < d) (Marsaglia, Tsang & Wang 2003), with scaling to avoid overflow. */
function durbinCdf(n: number, d: number): number {
  const k = Math.ceil(n * d);
  const h = k - n * d;
  const m = 2 * k - 1;
  let H: Float64Array = new Float64Array(m * m);
  const v = new Float64Array(m);
  const w = new Float64Array(m);
  let fac = 1;
  for (let j = 1; j <= m; j++) {
    w[j - 1] = fac;
    fac /= j;
    v[j - 1] = (1 - h ** j) * fac;
  }
  v[m - 1] = (1 + Math.max(2 * h - 1, 0) ** m - 2 * h ** m) * fac;
  for (let i = 1; i < m; i++) for (let r = i - 1; r < m; r++) H[r * m + i] = w[r - i + 1];
  for (let r = 0; r < m; r++) H[r * m] = v[r];
  for (let c = 0; c < m; c++) H[(m - 1) * m + c] = v[m - 1 - c];

  const mul = (a: Float64Array, b: Float64Array): Float64Array => {
    const out = new Float64Array(m * m);
    for (let i = 0; i < m; i++)
      for (let l = 0; l < m; l++) {
        const ail = a[i * m + l];
        if (ail === 0) continue;
        for (let j = 0; j < m; j++) out[i * m + j] += ail * b[l * m + j];
      }
    return out;
  };
  let P: Float64Array = new Float64Array(m * m);
  for (let i = 0; i < m; i++) P[i * m + i] = 1;
  let pExp = 0;
  let hExp = 0;
  for (let nn = n; nn > 0; nn = Math.floor(nn / 2)) {
    if (nn % 2) {
      P = mul(P, H);
      pExp += hExp;
    }
    H = mul(H, H);
    hExp *= 2;
    if (Math.abs(H[(k - 1) * m + (k - 1)]) > E128) {
      for (let i = 0; i < H.length; i++) H[i] /= E128;
      hExp += 128;
    }
  }
  let p = P[(k - 1) * m + (k - 1)];
  for (let i = 1; i <= n; i++) {
    p = (i * p) / n;
    if (Math.abs(p) < EM128) {
      p *= E128;
      pExp -= 128;
    }
  }
  return p * 2 ** pExp;
}

/** Pomeranz's recursion (1974) for P(D_n ≤ x); used for small n only. */
function pomeranzCdf(n: number, x: number): number {
  const t = n * x;
  const ll = Math.floor(t);
  const f = t - ll;
  const g = Math.min(f, 1 - f);
  const ceilf = f > 0 ? 1 : 0;
  const roundf = f > 0.5 ? 1 : 0;
  const npwrs = 2 * (ll + 1);
  const gp = new Float64Array(npwrs);
  const g2p = new Float64Array(npwrs);
  const g12p = new Float64Array(npwrs);
  gp[0] = g2p[0] = g12p[0] = 1;
  for (let k = 1; k < npwrs; k++) {
    gp[k] = (gp[k - 1] * (g / n)) / k;
    g2p[k] = (g2p[k - 1] * ((2 * g) / n)) / k;
    g12p[k] = (g12p[k - 1] * ((1 - 2 * g) / n)) / k;
  }
  // The column range [j1, j2] of row i of the recursion (Pomeranz's A_i bounds).
  const bounds = (i: number): [number, number] => {
    let j1: number;
    let j2: number;
    if (i === 0) {
      j1 = -ll - ceilf - 1;
      j2 = ll + ceilf - 1;
    } else {
      const half = Math.floor((i + 1) / 2);
      if ((i + 1) % 2 === 0) {
        if (half === n + 1) {
          j1 = n - ll - ceilf - 1;
          j2 = n + ll + ceilf - 1;
        } else {
          j1 = half - 1 - ll - roundf - 1;
          j2 = half + ll - 1 + ceilf - 1;
        }
      } else {
        j1 = half - 1 - ll - 1;
        j2 = half + ll + roundf - 1;
      }
    }
    return [Math.max(j1 + 2, 0), Math.min(j2, n)];
  };
  let V0 = new Float64Array(npwrs);
  let V1 = new Float64Array(npwrs);
  V1[0] = 1;
  let s0 = 0;
  let s1 = 0;
  let expnt = 0;
  let j1 = bounds(0)[0];
  let j2: number;
  for (let i = 1; i < 2 * n + 2; i++) {
    const k1 = j1;
    [V0, V1] = [V1, V0];
    [s0, s1] = [s1, s0];
    V1.fill(0);
    [j1, j2] = bounds(i);
    const pw = i === 1 || i === 2 * n + 1 ? gp : i % 2 ? g2p : g12p;
    const len = j2 - k1 + 1;
    if (len > 0) {
      // V1[r] = sum_{s<=r'} V0[k1 - s0 + s] * pw[r' - s] for r' = j1 - k1 + r: a truncated convolution.
      const start = j1 - k1;
      const count = j2 - j1 + 1;
      let mx = 0;
      for (let r = 0; r < count; r++) {
        const q = start + r;
        let acc = 0;
        for (let s = 0; s <= q && s < len; s++) acc += V0[k1 - s0 + s] * pw[q - s];
        V1[r] = acc;
        if (acc > mx) mx = acc;
      }
      if (mx > 0 && mx < EM128) {
        for (let r = 0; r < count; r++) V1[r] *= E128;
        expnt -= 128;
      }
      s1 = s0 + j1 - k1;
    }
  }
  let ans = V1[n - s1];
  for (let k = 1; k <= n; k++) {
    if (Math.abs(ans) > E128) {
      ans *= EM128;
      expnt += 128;
    }
    ans *= k;
  }
  return ans * 2 ** expnt;
}

/** The Pelz–Good (1976) expansion of P(D_n ≤ x), for large n. */
function pelzGoodCdf(n: number, x: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const z = Math.sqrt(n) * x;
  const z2 = z * z;
  const z4 = z2 * z2;
  const z6 = z4 * z2;
  const qlog = -PI2 / 8 / z2;
  if (qlog < -708) return 0;
  let q = Math.exp(qlog);
  const k1a = -z2;
  const k1b = PI2 / 4;
  const k2a = 6 * z6 + 2 * z4;
  const k2b = ((2 * z4 - 5 * z2) * PI2) / 4;
  const k2c = (PI2 * PI2 * (1 - 2 * z2)) / 16;
  const k3d = (PI2 ** 3 * (5 - 30 * z2)) / 64;
  const k3c = (PI2 * PI2 * (-60 * z2 + 212 * z4)) / 16;
  const k3b = (PI2 * (135 * z4 - 96 * z6)) / 4;
  const k3a = -30 * z6 - 90 * z ** 8;
  const K = [0, 0, 0, 0];
  const maxk = Math.ceil((16 * z) / Math.PI);
  for (let k = maxk; k > 0; k--) {
    const m = 2 * k - 1;
    const m2 = m * m;
    const m4 = m2 * m2;
    const m6 = m4 * m2;
    const qp = q ** (8 * k);
    K[0] = K[0] * qp + 1;
    K[1] = K[1] * qp + (k1a + k1b * m2);
    K[2] = K[2] * qp + (k2a + k2b * m2 + k2c * m4);
    K[3] = K[3] * qp + (k3a + k3b * m2 + k3c * m4 + k3d * m6);
  }
  const div = [z, 6 * z4, 72 * z ** 7, 6480 * z ** 10];
  for (let i = 0; i < 4; i++) K[i] = (K[i] * q * SQRT2PI) / div[i];
  q = Math.exp(-PI2 / 2 / z2);
  let e2 = 0;
  let e3 = 0;
  const s3z = Math.sqrt(3) * z;
  for (let k = maxk; k > 0; k--) {
    const k2 = k * k;
    const qk = q ** k2;
    e2 += k2 * qk;
    e3 += (s3z + Math.PI * k) * (s3z - Math.PI * k) * k2 * qk;
  }
  K[2] += (e2 * PI2 * SQRT2PI) / (-36 * z2 * z);
  K[3] += (e3 * PI2 * SQRT2PI) / (216 * z6);
  let sum = 0;
  for (let i = 0; i < 4; i++) sum += K[i] / n ** (i / 2);
  return sum;
}

/** ln(n! / n^n). */
function logFactorialOverPower(n: number): number {
  return lgamma(n + 1) - n * Math.log(n);
}

/** P(D_n > x): the survival function of the two-sided one-sample KS statistic for sample size n. */
export function kolmogorovSmirnovSf(n: number, x: number): number {
  if (x >= 1) return 0;
  if (x <= 0) return 1;
  const t = n * x;
  if (t <= 1) {
    if (t <= 0.5) return 1;
    const cdf = Math.exp(logFactorialOverPower(n) + n * Math.log(2 * t - 1));
    return clip(1 - cdf);
  }
  if (t >= n - 1) return clip(2 * (1 - x) ** n);
  if (x >= 0.5) return clip(2 * smirnovSf(n, x));
  const nx2 = t * x;
  if (n <= 140) {
    if (nx2 <= 0.754693) return clip(1 - durbinCdf(n, x));
    if (nx2 <= 4) return clip(1 - pomeranzCdf(n, x));
    return clip(2 * smirnovSf(n, x));
  }
  if (nx2 >= 370) return 0;
  if (nx2 >= 2.2) return clip(2 * smirnovSf(n, x));
  const cdf = n <= 100000 && n * x ** 1.5 <= 1.4 ? durbinCdf(n, x) : pelzGoodCdf(n, x);
  return clip(1 - clip(cdf));
}
