import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Engine } from '../../electron/core/engine.js';
import { cbpe, type ProbabilityFields } from '../../electron/core/drift/performance.js';
import { Project } from '../../electron/core/project/project.js';
import { tempDir } from '../helpers/cli.js';
import { normals, uniform } from '../helpers/drift-data.js';

// CBPE checked against numpy on the same generated rows (test/fixtures/drift/cbpe_reference.py), and
// against the accuracy realised once labels arrive, on streams whose probabilities are calibrated.
const SCRIPT = path.join(import.meta.dirname, '../fixtures/drift/cbpe_reference.py');
interface NumpyCase {
  probs: number[][] | number[];
  predicted?: number[] | null;
  labels?: number[];
  binary?: boolean;
}
interface NumpyAnswer {
  accuracy: number;
  stderr: number;
  low: number;
  high: number;
  realised?: number;
}
function numpy(cases: NumpyCase[]): NumpyAnswer[] {
  return JSON.parse(
    execFileSync('/usr/bin/python3', [SCRIPT], { input: JSON.stringify(cases), encoding: 'utf8' }),
  ) as NumpyAnswer[];
}
const rel = (got: number, want: number) => Math.abs(got - want) / Math.abs(want);

const CLASSES = ['a', 'b', 'c', 'd'];

/**
 * Rows of a k-class model: probabilities are a softmax of normals scaled by `sharpness`, and the label
 * is drawn from them, so they are calibrated by construction. `logged` may distort what the model
 * logs (an overconfident model) while the labels still follow the true probabilities.
 */
function stream(seed: number, n: number, k: number, sharpness: number, logged = (q: number[]) => q) {
  const z = normals(seed, n * k);
  const u = uniform(seed + 1);
  return Array.from({ length: n }, (_, i) => {
    const e = Array.from({ length: k }, (_, j) => Math.exp(sharpness * z[i * k + j]));
    const sum = e.reduce((s, x) => s + x, 0);
    const q = e.map((x) => x / sum);
    let label = 0;
    for (let r = u(), acc = q[0]; r >= acc && label < k - 1;) acc += q[++label];
    const probs = logged(q);
    const argmax = probs.indexOf(Math.max(...probs));
    return { probs, argmax, label };
  });
}

describe('CBPE for multiclass classifiers', () => {
  it('is the mean probability of the predicted class with its Poisson-binomial band, in every logged shape, as numpy computes it', () => {
    const rows = stream(1, 700, 4, 1.5);
    const u = uniform(5);
    // A model whose prediction is not always the most probable class: only `classes` can say which it is.
    const other = rows.map(() => Math.floor(u() * 4));
    const want = numpy([
      { probs: rows.map((r) => r.probs), predicted: null },
      { probs: rows.map((r) => r.probs), predicted: other },
      { probs: rows.map((r) => r.probs[1]), binary: true },
    ]);
    const check = (got: ReturnType<typeof cbpe>, w: NumpyAnswer) => {
      expect(got).not.toBeNull();
      expect(rel(got!.accuracy, w.accuracy)).toBeLessThan(1e-12);
      expect(rel(got!.stderr, w.stderr)).toBeLessThan(1e-12);
      expect(rel(got!.low, w.low)).toBeLessThan(1e-12);
      expect(rel(got!.high, w.high)).toBeLessThan(1e-12);
    };
    const fields = (
      probability: ProbabilityFields['probability'],
      classes?: string[],
    ): ProbabilityFields => ({
      probability,
      classes,
      prediction: 'pred',
    });
    // A list as the deploy service logs it, the prediction being the most probable class.
    const listed = rows.map((r) => ({ pred: CLASSES[r.argmax], proba: r.probs }));
    check(cbpe(listed, fields('proba'), null), want[0]);
    // The same list as JSON text in a CSV cell.
    const text = rows.map((r) => ({ pred: CLASSES[r.argmax], proba: JSON.stringify(r.probs) }));
    check(cbpe(text, fields('proba'), null), want[0]);
    // A list in the order `classes` names, with predictions that are not the argmax.
    const ordered = rows.map((r, i) => ({ pred: CLASSES[other[i]], proba: r.probs }));
    check(cbpe(ordered, fields('proba', CLASSES), null), want[1]);
    // Without `classes` the largest would be taken: a different (wrong) answer for this model.
    expect(cbpe(ordered, fields('proba'), null)!.accuracy).toBeGreaterThan(want[1].accuracy + 0.1);
    // An object class → probability per row.
    const keyed = rows.map((r, i) => ({
      pred: CLASSES[other[i]],
      proba: Object.fromEntries(CLASSES.map((c, j) => [c, r.probs[j]])),
    }));
    check(cbpe(keyed, fields('proba'), null), want[1]);
    // One column per class, named in strata.yaml.
    const columns = rows.map((r, i) => ({
      pred: CLASSES[other[i]],
      ...Object.fromEntries(CLASSES.map((c, j) => [`p_${c}`, r.probs[j]])),
    }));
    const estimate = cbpe(columns, fields(Object.fromEntries(CLASSES.map((c) => [c, `p_${c}`]))), null);
    check(estimate, want[1]);
    expect(estimate).toMatchObject({ classes: 'multiclass', rows: 700, calibrated: false });
    // Binary logs (the positive class's probability) keep max(p, 1 − p).
    const binary = cbpe(
      rows.map((r) => ({ pred: 1, proba: r.probs[1] })),
      fields('proba'),
      null,
    );
    check(binary, want[2]);
    expect(binary!.classes).toBe('binary');
    // Rows without a readable probability of their predicted class are left out and not counted.
    const holes = [...listed.slice(0, 600), { pred: 'a', proba: null }, { pred: 'a', proba: [0.5, 'x'] }];
    expect(cbpe(holes, fields('proba'), null)!.rows).toBe(600);
  });
});

describe('a multiclass monitor over prediction logs', () => {
  let engine: Engine | null = null;
  const cleanups: (() => void)[] = [];
  afterEach(async () => {
    await engine?.shutdown();
    engine = null;
    cleanups.splice(0).forEach((c) => c());
    delete process.env.STRATA_HOME;
  });

  const jsonl = (r: Record<string, unknown>[]) => r.map((x) => JSON.stringify(x)).join('\n') + '\n';
  const settle = (file: string) => {
    const past = new Date(Date.now() - 60_000);
    fs.utimesSync(file, past, past);
  };
  function project(yaml: string, reference: string): string {
    const home = tempDir('strata-home-');
    const p = tempDir();
    cleanups.push(home.cleanup, p.cleanup);
    process.env.STRATA_HOME = home.dir;
    fs.writeFileSync(path.join(p.dir, 'ref.csv'), reference);
    fs.mkdirSync(path.join(p.dir, 'logs'));
    fs.mkdirSync(path.join(p.dir, 'labels'));
    fs.writeFileSync(path.join(p.dir, 'strata.yaml'), yaml);
    Project.init(p.dir).close();
    engine = new Engine({ services: [], rememberRecent: false });
    engine.openProject(p.dir);
    return p.dir;
  }
  const WINDOW = 500;
  const yaml = [
    'monitors:',
    '  m:',
    '    reference: ref.csv',
    '    logs: logs',
    '    labels: labels',
    '    id: id',
    '    label: label',
    '    prediction: pred',
    '    probability: proba',
    '    classes: [a, b, c]',
    `    window: { rows: ${WINDOW} }`,
    '',
  ].join('\n');

  it('estimates each window without labels, as numpy does, and the accuracy realised once labels arrive falls in the band', async () => {
    const x = normals(40, 2000);
    const root = project(
      yaml,
      'x,label\n' + Array.from(x, (v, i) => `${v},${CLASSES[i % 3]}`).join('\n') + '\n',
    );
    // 20 windows; from the 11th on the model is less sure (its inputs moved to a harder region), so
    // its accuracy drops: the estimate has to follow without a single label.
    const rows = [...stream(41, 10 * WINDOW, 3, 1.6), ...stream(42, 10 * WINDOW, 3, 0.6)];
    const feature = normals(43, rows.length);
    const logs = rows.map((r, i) => ({
      id: `r${i}`,
      x: feature[i],
      pred: CLASSES[r.argmax],
      proba: r.probs,
    }));
    fs.writeFileSync(path.join(root, 'logs', 'p.jsonl'), jsonl(logs));
    settle(path.join(root, 'logs', 'p.jsonl'));

    let s = await engine!.invoke('drift.monitor', { name: 'm', run: true });
    expect(s.error).toBeNull();
    expect(s.labels).toEqual({ joined: 0, waiting: rows.length });
    expect(s.windows).toHaveLength(20);
    const want = numpy(
      s.windows.map((w) => {
        const slice = rows.slice(w.firstRow, w.firstRow + w.rows);
        return { probs: slice.map((r) => r.probs), predicted: null, labels: slice.map((r) => r.label) };
      }),
    );
    s.windows.forEach((w, i) => {
      expect(w.estimated).toMatchObject({ classes: 'multiclass', rows: WINDOW, calibrated: false });
      expect(rel(w.estimated!.accuracy, want[i].accuracy)).toBeLessThan(1e-12);
      expect(rel(w.estimated!.stderr, want[i].stderr)).toBeLessThan(1e-12);
      expect(w.performance).toBeNull();
    });
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const est = s.windows.map((w) => w.estimated!.accuracy);
    expect(mean(est.slice(0, 10)) - mean(est.slice(10))).toBeGreaterThan(0.15);

    fs.writeFileSync(
      path.join(root, 'labels', 'l.jsonl'),
      jsonl(rows.map((r, i) => ({ id: `r${i}`, label: CLASSES[r.label] }))),
    );
    settle(path.join(root, 'labels', 'l.jsonl'));
    s = await engine!.invoke('drift.monitor', { name: 'm', run: true });
    expect(s.labels).toEqual({ joined: rows.length, waiting: 0 });
    const inside = s.windows.filter((w, i) => {
      expect(w.performance!.accuracy).toBeCloseTo(want[i].realised!, 12);
      return w.performance!.accuracy! >= w.estimated!.low && w.performance!.accuracy! <= w.estimated!.high;
    });
    // A 95% band: about one window in twenty may fall outside.
    expect(inside.length).toBeGreaterThanOrEqual(18);
  }, 60_000);

  it("an overconfident model's probabilities are recalibrated on the reference's labels (top-label histogram binning)", async () => {
    // The model logs sharpened probabilities (q³, renormalised): more confident than it is right.
    const sharpen = (q: number[]) => {
      const c = q.map((p) => p ** 3);
      const t = c.reduce((a, b) => a + b, 0);
      return c.map((p) => p / t);
    };
    const ref = stream(50, 5000, 3, 1.0, sharpen);
    const root = project(
      yaml,
      'x,label,pred,proba\n' +
        ref
          .map((r, i) => `${i % 7},${CLASSES[r.label]},${CLASSES[r.argmax]},"${JSON.stringify(r.probs)}"`)
          .join('\n') +
        '\n',
    );
    const rows = stream(51, 8 * WINDOW, 3, 1.0, sharpen);
    const logs = rows.map((r, i) => ({
      id: `r${i}`,
      x: i % 7,
      pred: CLASSES[r.argmax],
      label: CLASSES[r.label],
      proba: r.probs,
    }));
    fs.writeFileSync(path.join(root, 'logs', 'p.jsonl'), jsonl(logs));
    settle(path.join(root, 'logs', 'p.jsonl'));
    const s = await engine!.invoke('drift.monitor', { name: 'm', run: true });
    expect(s.error).toBeNull();
    const raw = numpy(
      s.windows.map((w) => ({ probs: rows.slice(w.firstRow, w.firstRow + w.rows).map((r) => r.probs) })),
    );
    let inside = 0;
    s.windows.forEach((w, i) => {
      const realised = w.performance!.accuracy!;
      expect(w.estimated!.calibrated).toBe(true);
      // As logged, the probabilities would promise far more than the model delivers …
      expect(raw[i].accuracy - realised).toBeGreaterThan(3 * raw[i].stderr);
      // … recalibrated, the estimate is where the accuracy lands.
      if (realised >= w.estimated!.low && realised <= w.estimated!.high) inside++;
    });
    expect(inside).toBeGreaterThanOrEqual(7);
  }, 60_000);

  it('strata.yaml: per-class columns need the prediction, classes need a list column', () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const open = (monitor: string) => {
      fs.writeFileSync(path.join(dir, 'strata.yaml'), `monitors:\n  m:\n    logs: logs\n${monitor}`);
      return () => Project.open(dir).close();
    };
    expect(open('    probability: { a: p_a, b: p_b }\n')).toThrow(/prediction column that picks one/);
    expect(open('    prediction: pred\n    probability: { a: p_a }\n    classes: [a, b]\n')).toThrow(
      /classes name the order of a logged list/,
    );
    expect(open('    probability: proba\n    classes: [a, b]\n')).toThrow(/set prediction too/);
  });
});

describe('the drift HTML report', () => {
  const cleanups: (() => void)[] = [];
  let engine: Engine | null = null;
  afterEach(async () => {
    await engine?.shutdown();
    engine = null;
    cleanups.splice(0).forEach((c) => c());
    delete process.env.STRATA_HOME;
  });

  it("shades the CBPE estimate's 95% band behind its line, each window's interval around its estimate", async () => {
    const home = tempDir('strata-home-');
    const p = tempDir();
    cleanups.push(home.cleanup, p.cleanup);
    process.env.STRATA_HOME = home.dir;
    const x = normals(60, 600);
    fs.writeFileSync(
      path.join(p.dir, 'ref.csv'),
      'x,label\n' + Array.from(x, (v, i) => `${v},${CLASSES[i % 3]}`).join('\n') + '\n',
    );
    fs.mkdirSync(path.join(p.dir, 'logs'));
    const rows = stream(61, 4 * 300, 3, 1.2);
    const logs = rows.map((r, i) => JSON.stringify({ x: i % 5, pred: CLASSES[r.argmax], proba: r.probs }));
    const log = path.join(p.dir, 'logs', 'p.jsonl');
    fs.writeFileSync(log, logs.join('\n') + '\n');
    const past = new Date(Date.now() - 60_000);
    fs.utimesSync(log, past, past);
    fs.writeFileSync(
      path.join(p.dir, 'strata.yaml'),
      'monitors:\n  m:\n    reference: ref.csv\n    logs: logs\n    prediction: pred\n    probability: proba\n    classes: [a, b, c]\n    window: { rows: 300 }\n',
    );
    Project.init(p.dir).close();
    engine = new Engine({ services: [], rememberRecent: false });
    engine.openProject(p.dir);
    const s = await engine.invoke('drift.monitor', { name: 'm', run: true });
    expect(s.error).toBeNull();
    expect(s.windows).toHaveLength(4);
    const { html } = await engine.invoke('drift.report', { name: 'm' });
    // The performance table's row: measured (none here, no labels), then estimated.
    const section = html.text.slice(html.text.indexOf('Model performance per window'));
    const svg = [...section.matchAll(/<svg[^]*?<\/svg>/g)][1][0];
    const pairs = (attr: string) =>
      attr.split(' ').map((pt) => pt.split(',').map(Number) as [number, number]);
    const band = /<polygon class="band" points="([^"]+)"/.exec(svg);
    expect(band).not.toBeNull();
    const poly = pairs(band![1]);
    const line = pairs(/<polyline points="([^"]+)"/.exec(svg)![1]);
    // Upper edge left to right, lower edge back: the estimate lies between them in every window
    // (SVG y grows downwards), and the band has width.
    expect(poly).toHaveLength(2 * line.length);
    line.forEach(([lx, ly], i) => {
      const [ux, uy] = poly[i];
      const [bx, by] = poly[poly.length - 1 - i];
      expect(ux).toBe(lx);
      expect(bx).toBe(lx);
      expect(uy).toBeLessThan(ly);
      expect(by).toBeGreaterThan(ly);
    });
    // The band is part of the content-addressed page: asked again, the same bytes.
    const again = await engine.invoke('drift.report', { name: 'm' });
    expect(again.html.sha256).toBe(html.sha256);
  }, 60_000);
});
