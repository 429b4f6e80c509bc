// Concept-drift detectors over a model's error stream, with river's definitions and defaults
// (river.drift.binary.DDM and EDDM, river.drift.ADWIN and PageHinkley). Each takes one value per
// item (1 = error, 0 = correct for the binary ones; any number for ADWIN and Page-Hinkley) and says
// whether this item completes a detection. As in river, a detector starts afresh with the item after
// a detection, so one change is reported once.

export interface Detector {
  update(x: number): boolean;
  /** Whether the last item put the detector in its warning zone (DDM and EDDM only). */
  readonly warning: boolean;
}

export interface DdmOptions {
  warmStart: number;
  warningThreshold: number;
  driftThreshold: number;
}
export const DDM_DEFAULTS: DdmOptions = { warmStart: 30, warningThreshold: 2, driftThreshold: 3 };

/** Gama et al. (2004): the error rate p and its binomial std s against the minimum of p + s seen. */
export class Ddm implements Detector {
  private n = 0;
  private p = 0;
  private pMin = Infinity;
  private sMin = Infinity;
  private psMin = Infinity;
  private drift = false;
  warning = false;

  constructor(private readonly o: DdmOptions = DDM_DEFAULTS) {}

  update(x: number): boolean {
    if (this.drift) this.reset();
    this.n++;
    this.p += (x - this.p) / this.n;
    const s = Math.sqrt((this.p * (1 - this.p)) / this.n);
    if (this.n > this.o.warmStart) {
      if (this.p + s <= this.psMin) {
        this.pMin = this.p;
        this.sMin = s;
        this.psMin = this.p + s;
      }
      this.warning = this.p + s > this.pMin + this.o.warningThreshold * this.sMin;
      if (this.p + s > this.pMin + this.o.driftThreshold * this.sMin) {
        this.drift = true;
        this.warning = false;
      }
    }
    return this.drift;
  }

  private reset(): void {
    this.n = 0;
    this.p = 0;
    this.pMin = this.sMin = this.psMin = Infinity;
    this.drift = this.warning = false;
  }
}

export interface EddmOptions {
  warmStart: number;
  alpha: number;
  beta: number;
}
export const EDDM_DEFAULTS: EddmOptions = { warmStart: 30, alpha: 0.95, beta: 0.9 };

/** Baena-García et al. (2006): the mean + 2·std of the distance between errors against its maximum. */
export class Eddm implements Detector {
  private n = 0;
  private lastError = 0;
  private errors = 0;
  // Welford's mean and sum of squares of the distances (sample variance, ddof = 1, as river's stats.Var).
  private dn = 0;
  private dMean = 0;
  private dM2 = 0;
  private maxLevel = -1;
  private drift = false;
  warning = false;

  constructor(private readonly o: EddmOptions = EDDM_DEFAULTS) {
    if (o.alpha < o.beta) throw new Error("EDDM's alpha must be greater than or equal to beta");
  }

  update(x: number): boolean {
    if (this.drift) this.reset();
    this.n++;
    if (x === 1) {
      this.errors++;
      const dist = this.n - this.lastError;
      this.dn++;
      const delta = dist - this.dMean;
      this.dMean += delta / this.dn;
      this.dM2 += delta * (dist - this.dMean);
      if (this.n > this.o.warmStart) {
        const std = Math.sqrt(this.dn > 1 ? this.dM2 / (this.dn - 1) : 0);
        const level = this.dMean + 2 * std;
        if (level > this.maxLevel) this.maxLevel = level;
        else if (this.errors > this.o.warmStart) {
          const ratio = level / this.maxLevel;
          if (ratio < this.o.beta) this.drift = true;
          else this.warning = ratio < this.o.alpha;
        }
      }
      this.lastError = this.n;
    }
    return this.drift;
  }

  private reset(): void {
    this.n = this.lastError = this.errors = 0;
    this.dn = this.dMean = this.dM2 = 0;
    this.maxLevel = -1;
    this.drift = this.warning = false;
  }
}

export interface PageHinkleyOptions {
  minInstances: number;
  delta: number;
  threshold: number;
  alpha: number;
  mode: 'up' | 'down' | 'both';
}
export const PAGE_HINKLEY_DEFAULTS: PageHinkleyOptions = {
  minInstances: 30,
  delta: 0.005,
  threshold: 50,
  alpha: 1 - 0.0001,
  mode: 'both',
};

/** Page (1954), with river's forgetting factor alpha on the cumulative sums and a two-sided mode. */
export class PageHinkley implements Detector {
  private n = 0;
  private mean = 0;
  private sumUp = 0;
  private sumDown = 0;
  private minUp = Infinity;
  private maxDown = -Infinity;
  private drift = false;
  readonly warning = false;

  constructor(private readonly o: PageHinkleyOptions = PAGE_HINKLEY_DEFAULTS) {}

  update(x: number): boolean {
    if (this.drift) this.reset();
    this.n++;
    this.mean += (x - this.mean) / this.n;
    const dev = x - this.mean;
    this.sumUp = this.o.alpha * this.sumUp + dev - this.o.delta;
    this.sumDown = this.o.alpha * this.sumDown + dev + this.o.delta;
    if (this.sumUp < this.minUp) this.minUp = this.sumUp;
    if (this.sumDown > this.maxDown) this.maxDown = this.sumDown;
    if (this.n >= this.o.minInstances) {
      const up = this.sumUp - this.minUp > this.o.threshold;
      const down = this.maxDown - this.sumDown > this.o.threshold;
      this.drift = this.o.mode === 'up' ? up : this.o.mode === 'down' ? down : up || down;
    }
    return this.drift;
  }

  private reset(): void {
    this.n = 0;
    this.mean = this.sumUp = this.sumDown = 0;
    this.minUp = Infinity;
    this.maxDown = -Infinity;
    this.drift = false;
  }
}

export interface AdwinOptions {
  delta: number;
  clock: number;
  maxBuckets: number;
  minWindowLength: number;
  gracePeriod: number;
}
export const ADWIN_DEFAULTS: AdwinOptions = {
  delta: 0.002,
  clock: 32,
  maxBuckets: 5,
  minWindowLength: 5,
  gracePeriod: 10,
};

/**
 * Bifet & Gavaldà (2007), ADWIN2 as river structures it: the window is kept as rows of buckets (row r
 * holds up to maxBuckets + 1 buckets of 2^r items: their total and variance), every `clock` items each
 * cut between buckets is tested with the Hoeffding-style bound ε_cut, and the oldest bucket is dropped
 * while a cut shows a change.
 */
export class Adwin implements Detector {
  private rows: { totals: Float64Array; vars: Float64Array; count: number }[] = [];
  private width = 0;
  private total = 0;
  private variance = 0;
  private tick = 0;
  private drift = false;
  readonly warning = false;

  constructor(private readonly o: AdwinOptions = ADWIN_DEFAULTS) {
    this.reset();
  }

  private newRow() {
    return {
      totals: new Float64Array(this.o.maxBuckets + 1),
      vars: new Float64Array(this.o.maxBuckets + 1),
      count: 0,
    };
  }

  private reset(): void {
    this.rows = [this.newRow()];
    this.width = this.total = this.variance = this.tick = 0;
    this.drift = false;
  }

  update(x: number): boolean {
    if (this.drift) this.reset();
    this.insert(x);
    this.drift = this.detect();
    return this.drift;
  }

  private insert(x: number): void {
    const row = this.rows[0];
    row.totals[row.count] = x;
    row.vars[row.count] = 0;
    row.count++;
    this.width++;
    if (this.width > 1) {
      const d = x - this.total / (this.width - 1);
      this.variance += ((this.width - 1) * d * d) / this.width;
    }
    this.total += x;
    this.compress();
  }

  /** Two oldest buckets of a full row merge into one of the next row, which may overflow in turn. */
  private compress(): void {
    for (let r = 0; r < this.rows.length; r++) {
      const row = this.rows[r];
      if (row.count !== this.o.maxBuckets + 1) break;
      if (r + 1 === this.rows.length) this.rows.push(this.newRow());
      const next = this.rows[r + 1];
      const size = 2 ** r;
      const mu1 = row.totals[0] / size;
      const mu2 = row.totals[1] / size;
      next.totals[next.count] = row.totals[0] + row.totals[1];
      next.vars[next.count] = row.vars[0] + row.vars[1] + (size * size * (mu1 - mu2) ** 2) / (2 * size);
      next.count++;
      // Plain loops: copyWithin and fill on six-element arrays cost more than the moves.
      row.count -= 2;
      for (let k = 0; k < row.count; k++) {
        row.totals[k] = row.totals[k + 2];
        row.vars[k] = row.vars[k + 2];
      }
    }
  }

  /** Drops the oldest bucket; returns its size. */
  private dropOldest(): number {
    const r = this.rows.length - 1;
    const row = this.rows[r];
    const size = 2 ** r;
    const u = row.totals[0];
    const v = row.vars[0];
    this.width -= size;
    this.total -= u;
    const mu = u / size;
    const muW = this.total / this.width;
    this.variance -= v + (size * this.width * (mu - muW) ** 2) / (size + this.width);
    row.count--;
    for (let k = 0; k < row.count; k++) {
      row.totals[k] = row.totals[k + 1];
      row.vars[k] = row.vars[k + 1];
    }
    if (row.count === 0) this.rows.pop();
    return size;
  }

  private detect(): boolean {
    let change = false;
    this.tick++;
    if (this.tick % this.o.clock !== 0 || this.width <= this.o.gracePeriod) return false;
    const minLen = this.o.minWindowLength;
    let again = true;
    while (again) {
      again = false;
      // The cut bound ε_cut = √(2·m·σ²·δ′) + (2/3)·δ′·m, with δ′ = ln(2·ln(width)/δ) and
      // m = 1/(n0 − minLen + 1) + 1/(n1 − minLen + 1); width and σ² are fixed during one scan.
      const deltaPrime = Math.log((2 * Math.log(this.width)) / this.o.delta);
      const varTerm = 2 * (this.variance / this.width) * deltaPrime;
      const linTerm = (2 / 3) * deltaPrime;
      let n0 = 0;
      let n1 = this.width;
      let u0 = 0;
      let u1 = this.total;
      // Cuts run from the oldest bucket to the newest: W0 is the older part, W1 the newer.
      scan: for (let r = this.rows.length - 1; r >= 0; r--) {
        const row = this.rows[r];
        const size = 2 ** r;
        const totals = row.totals;
        for (let k = 0; k < row.count - 1; k++) {
          n0 += size;
          n1 -= size;
          u0 += totals[k];
          u1 -= totals[k];
          if (n0 < minLen || n1 < minLen) continue;
          const m = 1 / (n0 - minLen + 1) + 1 / (n1 - minLen + 1);
          if (Math.abs(u0 / n0 - u1 / n1) > Math.sqrt(m * varTerm) + linTerm * m) {
            change = true;
            again = this.width > 0;
            if (again) this.dropOldest();
            break scan;
          }
        }
      }
    }
    return change;
  }
}

export type DetectorName = 'ddm' | 'eddm' | 'adwin' | 'page_hinkley';

export interface DetectorConfig {
  ddm?: Partial<DdmOptions>;
  eddm?: Partial<EddmOptions>;
  adwin?: Partial<AdwinOptions>;
  page_hinkley?: Partial<PageHinkleyOptions>;
}

export function makeDetector(name: DetectorName, config: DetectorConfig = {}): Detector {
  switch (name) {
    case 'ddm':
      return new Ddm({ ...DDM_DEFAULTS, ...config.ddm });
    case 'eddm':
      return new Eddm({ ...EDDM_DEFAULTS, ...config.eddm });
    case 'adwin':
      return new Adwin({ ...ADWIN_DEFAULTS, ...config.adwin });
    case 'page_hinkley':
      return new PageHinkley({ ...PAGE_HINKLEY_DEFAULTS, ...config.page_hinkley });
  }
}

/** The indexes of the items at which the detector reported a drift, over a whole stream. */
export function detect(detector: Detector, stream: ArrayLike<number>): number[] {
  const at: number[] = [];
  for (let i = 0; i < stream.length; i++) if (detector.update(stream[i])) at.push(i);
  return at;
}
