import type {
  DifferenceCategory,
  MetricComparison,
  OutputComparison,
  ReproDifference,
  ReproVerdict,
  Tolerance,
} from '../../../shared/api/review.js';
import type { RunRecord } from './record.js';

/**
 * Metrics whose tolerance is not given: equal up to float noise from a changed summation order, and
 * no more (docs/reproduce.md). A metric outside its tolerance makes the run not reproduced.
 */
export const DEFAULT_TOLERANCE: Required<Tolerance> = { abs: 1e-12, rel: 1e-9 };

/** "0.01" → absolute, "1%" or "1 %" → relative */
export function parseTolerance(text: string): Tolerance {
  const t = text.trim();
  return t.endsWith('%') ? { rel: Number(t.slice(0, -1).trim()) / 100 } : { abs: Number(t) };
}

export function within(a: number, b: number, t: Tolerance): boolean {
  if (Object.is(a, b) || a === b) return true;
  const d = Math.abs(a - b);
  return d <= (t.abs ?? 0) || d <= (t.rel ?? 0) * Math.abs(a);
}

export interface Comparison {
  verdict: ReproVerdict;
  differences: ReproDifference[];
  outputs: OutputComparison[];
  metrics: MetricComparison[];
  suggestions: string[];
}

export interface CompareInput {
  original: RunRecord;
  reproduced: RunRecord;
  /** every point of a series of a run, in step order */
  series: (runId: string, key: string) => { xs: number[]; ys: number[] };
  tolerances: Record<string, Tolerance>;
  /** paths that are data (declared artifacts, or put back from the store) rather than code */
  dataPaths: Set<string>;
  /** differences found while preparing (a binary change not stored, a file git gives otherwise) */
  setupDifferences: ReproDifference[];
}

const show = (v: unknown) => (v === undefined ? null : JSON.stringify(v));
const short = (h: string | null | undefined) => (h ? h.slice(0, 12) : null);

/** The environment as compared: what can change a result, not where it ran (the host name). */
function envFacts(env: Record<string, unknown> | null): Record<string, string | null> {
  if (!env) return {};
  const o = (env.os ?? {}) as Record<string, unknown>;
  const cpu = (env.cpu ?? {}) as Record<string, unknown>;
  const facts: Record<string, string | null> = {
    'python interpreter': (env.python as string | null) ?? null,
    node: (env.node as string | null) ?? null,
    os: `${o.platform ?? '?'} ${o.release ?? '?'} ${o.arch ?? '?'}`,
    cpu: `${cpu.model ?? '?'} × ${cpu.count ?? '?'}`,
  };
  for (const line of (env.pipFreeze as string[] | null) ?? []) {
    const m = /^([A-Za-z0-9_.-]+)\s*(?:==|@)\s*(.+)$/.exec(line);
    if (m) facts[`package ${m[1].toLowerCase()}`] = m[2].trim();
  }
  for (const [name, lock] of Object.entries((env.lockFiles ?? {}) as Record<string, { sha256: string }>))
    facts[`lock file ${name}`] = short(lock.sha256);
  return facts;
}

function diffMaps(
  a: Record<string, unknown>,
  b: Record<string, unknown>,
): { key: string; a: unknown; b: unknown }[] {
  return [...new Set([...Object.keys(a), ...Object.keys(b)])]
    .sort()
    .filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k]))
    .map((k) => ({ key: k, a: a[k], b: b[k] }));
}

function seedAdvice(cmd: string): string {
  if (/\bpython[0-9.]*\b|\.py\b/.test(cmd))
    return 'seed every generator it uses (random.seed, numpy.random.default_rng(seed), torch.manual_seed) from a param, set PYTHONHASHSEED=0, and for torch torch.use_deterministic_algorithms(True)';
  if (/\bnode\b|\.m?js\b/.test(cmd))
    return 'Math.random cannot be seeded: draw from a seeded generator (a seed from params.yaml)';
  return 'seed its random generators from a param';
}

/** Judges a reproduction against its original: what differs, why, and the verdict. */
export function compareRuns(input: CompareInput): Comparison {
  const { original: o, reproduced: r } = input;
  const inputs: ReproDifference[] = [...input.setupDifferences];
  for (const d of diffMaps(o.params, r.params))
    inputs.push({
      category: 'params',
      subject: `param ${d.key}`,
      original: show(d.a),
      reproduced: show(d.b),
      note: '',
    });
  if (o.code.state === 'recorded' && r.code.state === 'recorded') {
    if (o.code.commit !== r.code.commit)
      inputs.push({
        category: 'code',
        subject: 'commit',
        original: o.code.commit,
        reproduced: r.code.commit,
        note: '',
      });
    if ((o.code.diff?.sha256 ?? null) !== (r.code.diff?.sha256 ?? null))
      inputs.push({
        category: 'code',
        subject: 'uncommitted change',
        original: o.code.diff ? `${o.code.diff.files} files, ${short(o.code.diff.sha256)}` : 'none',
        reproduced: r.code.diff ? `${r.code.diff.files} files, ${short(r.code.diff.sha256)}` : 'none',
        note: '',
      });
  }
  const produced = new Set(o.stages.flatMap((s) => Object.keys(s.outs)));
  const byStage = new Map(r.stages.map((s) => [s.stage, s]));
  const seen = new Set(inputs.map((d) => d.subject));
  for (const s of o.stages) {
    const rs = byStage.get(s.stage);
    if (!rs) continue;
    for (const d of diffMaps(s.deps, rs.deps)) {
      // An upstream output that differs is a consequence, judged with the outputs.
      if (produced.has(d.key)) continue;
      const category: DifferenceCategory = input.dataPaths.has(d.key) ? 'data' : 'code';
      const subject = `${category === 'data' ? 'data' : 'file'} ${d.key}`;
      if (seen.has(subject)) continue;
      seen.add(subject);
      inputs.push({
        category,
        subject,
        original: short(d.a as string | null) ?? 'missing',
        reproduced: short(d.b as string | null) ?? 'missing',
        note: `read by ${s.stage}`,
      });
    }
  }
  const envDiffs = diffMaps(envFacts(o.environment), envFacts(r.environment));
  for (const d of envDiffs)
    inputs.push({
      category: 'environment',
      subject: d.key,
      original: (d.a as string | undefined) ?? 'not installed',
      reproduced: (d.b as string | undefined) ?? 'not installed',
      note: '',
    });
  if (!o.environment || !r.environment)
    inputs.push({
      category: 'environment',
      subject: 'environment',
      original: o.environment ? 'recorded' : 'not recorded',
      reproduced: r.environment ? 'recorded' : 'not recorded',
      note: 'cannot be compared',
    });

  // Outcomes differ for the first cause found; with none, the same inputs gave different outputs.
  const causes: DifferenceCategory[] = ['code', 'params', 'data', 'environment'];
  const cause = causes.find((c) => inputs.some((d) => d.category === c)) ?? 'nondeterminism';
  const outcomes: ReproDifference[] = [];
  const outputs: OutputComparison[] = [];
  const nondeterministic = new Map<string, string[]>();
  for (const s of o.stages) {
    const rs = byStage.get(s.stage);
    if (rs && rs.status !== 'done')
      outcomes.push({
        category: cause === 'nondeterminism' ? 'environment' : cause,
        subject: `stage ${s.stage}`,
        original: s.status,
        reproduced: rs.status,
        note: 'the stage did not complete in the reproduction; see the reproduction run’s log',
      });
    for (const [p, hash] of Object.entries(s.outs)) {
      const again = rs?.outs[p] ?? null;
      const equal = hash !== null && hash === again;
      outputs.push({ stage: s.stage, path: p, original: hash, reproduced: again, equal });
      if (equal || (rs && rs.status !== 'done')) continue;
      outcomes.push({
        category: cause,
        subject: `out ${p}`,
        original: short(hash),
        reproduced: short(again) ?? 'missing',
        note: `written by ${s.stage}`,
      });
      if (cause === 'nondeterminism')
        nondeterministic.set(s.stage, [...(nondeterministic.get(s.stage) ?? []), p]);
    }
  }
  const metrics: MetricComparison[] = [];
  let outside = false;
  let approximate = false;
  for (const key of [...new Set([...Object.keys(o.metrics), ...Object.keys(r.metrics)])].sort()) {
    const tolerance = input.tolerances[key] ?? DEFAULT_TOLERANCE;
    const a = input.series(o.id, key);
    const b = input.series(r.id, key);
    const ov = o.metrics[key] ?? null;
    const rv = r.metrics[key] ?? null;
    const points = { original: a.ys.length, reproduced: b.ys.length };
    if (ov === null || rv === null || a.ys.length !== b.ys.length) {
      outside = true;
      metrics.push({
        key,
        original: ov,
        reproduced: rv,
        maxDiff: null,
        points,
        tolerance,
        result: 'missing',
      });
      outcomes.push({
        category: cause,
        subject: `metric ${key}`,
        original: ov === null ? 'not logged' : `${ov} (${points.original} points)`,
        reproduced: rv === null ? 'not logged' : `${rv} (${points.reproduced} points)`,
        note: 'logged differently',
      });
      continue;
    }
    let maxDiff = Math.abs(ov - rv);
    let ok = within(ov, rv, tolerance);
    let exact = ov === rv;
    for (let i = 0; i < a.ys.length; i++) {
      const d = Math.abs(a.ys[i] - b.ys[i]);
      if (d > maxDiff) maxDiff = d;
      if (a.ys[i] !== b.ys[i] || a.xs[i] !== b.xs[i]) exact = false;
      if (a.xs[i] !== b.xs[i] || !within(a.ys[i], b.ys[i], tolerance)) ok = false;
    }
    const result = exact ? 'equal' : ok ? 'within' : 'outside';
    metrics.push({ key, original: ov, reproduced: rv, maxDiff, points, tolerance, result });
    if (result === 'within') approximate = true;
    if (result === 'outside') {
      outside = true;
      outcomes.push({
        category: cause,
        subject: `metric ${key}`,
        original: String(ov),
        reproduced: String(rv),
        note: `largest difference over the series ${maxDiff.toPrecision(3)}, beyond the tolerance`,
      });
    }
  }
  const suggestions = [...nondeterministic].map(([stage, outs]) => {
    const cmd = o.stages.find((s) => s.stage === stage)?.cmd ?? '';
    return `${stage}${outs.length ? ` (wrote ${outs.join(', ')})` : ''} gave different results from the same code, params, data and environment: ${seedAdvice(cmd)}.`;
  });
  const metricsOff = metrics.filter((m) => m.result === 'outside').map((m) => m.key);
  if (cause === 'nondeterminism' && metricsOff.length && !suggestions.length)
    suggestions.push(
      `metrics ${metricsOff.join(', ')} changed from the same code, params, data and environment: seed the random generators of the stages that log them, and fix the thread count of parallel reductions (OMP_NUM_THREADS=1).`,
    );
  const failed = outcomes.length > 0 || outside;
  const verdict: ReproVerdict = failed ? 'not-reproduced' : approximate ? 'within-tolerance' : 'exact';
  return { verdict, differences: [...inputs, ...outcomes], outputs, metrics, suggestions };
}
