// Compare runs, measured in Debian's Chromium through the real `strata ui` host (needs `npm run build`):
//  1. 10,000 runs × 20 params × 10 metrics: the runs table is interactive ≤ 1 s after the Compare
//     section is shown; sorting by a metric ≤ 100 ms. Comparators, side by side in the same browser:
//     a minimal virtualized list (same row height and overscan as ours) of the same rows, handed to
//     the page as JSON (so without our HTTP round trip and engine: the label says so), parsed and
//     painted; and a sort of those rows plus the repaint of its visible window. The raw SQLite read
//     of the same values is printed too.
//  2. 100 runs × 100,000 steps of one metric: the first chart is drawn ≤ 1 s after the Compare click.
//     Comparator: the same blobs read and decoded (Float64 views) through a connection with the
//     chart reader's settings (openSeriesReader), without downsampling, HTTP or drawing.
//   node --import tsx test/bench/compare-runs.ts      (STRATA_BENCH_RUNS / _STEPS to scale down)
import Database from 'better-sqlite3';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { floats } from '../../electron/core/metrics/chunks.js';
import { openSeriesReader } from '../../electron/core/metrics/reader.js';
import { figure, median, note, size } from './report.js';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');
const RUNS = size('STRATA_BENCH_RUNS', 10_000, 1_000);
const STEPS = size('STRATA_BENCH_STEPS', 100_000, 5_000);
const SERIES_RUNS = 100;
// The runs table's own geometry (renderer/components/runs-table/RunsTable.tsx), for the comparator.
const ROW_HEIGHT = 34;
const OVERSCAN = 4;

function project(name: string, args: string[]): string {
  const dir = path.join(os.tmpdir(), `strata-bench-${name}`);
  const marker = path.join(dir, '.generated');
  if (fs.existsSync(marker) && fs.readFileSync(marker, 'utf8') === args.join(' ')) return dir;
  fs.rmSync(dir, { recursive: true, force: true });
  const r = spawnSync(
    process.execPath,
    ['--import', 'tsx', path.join(root, 'test/bench/generate-runs.ts'), dir, ...args],
    { encoding: 'utf8' },
  );
  if (r.status !== 0) throw new Error(`generator failed: ${r.stderr}`);
  console.log(`generated ${dir}: ${r.stdout.trim()}`);
  fs.writeFileSync(marker, args.join(' '));
  return dir;
}

/** `strata ui` on dir with a throwaway STRATA_HOME; stop() ends it and removes that home. */
async function startUi(dir: string): Promise<{ url: string; stop: () => Promise<void> }> {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-bench-home-'));
  const proc: ChildProcess = spawn(
    process.execPath,
    [path.join(root, 'bin/strata.js'), 'ui', dir, '--no-open', '--port', '0'],
    { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, STRATA_HOME: home } },
  );
  const exited = new Promise((r) => proc.once('exit', r));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    proc.stdout!.on('data', (d) => {
      out += d;
      const m = /Strata UI: (\S+)/.exec(out);
      if (m) resolve(m[1]);
    });
    proc.on('exit', (c) => reject(new Error(`strata ui exited with ${c}`)));
  });
  const stop = async () => {
    proc.kill('SIGTERM');
    const late = setTimeout(() => proc.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(late);
    fs.rmSync(home, { recursive: true, force: true });
  };
  return { url, stop };
}

const ms = (x: number) => `${x.toFixed(0)} ms`;

/** tsx keeps function names by wrapping them in __name(), which the page does not have. */
async function newPage(browser: import('playwright-core').Browser): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.addInitScript('globalThis.__name = (f) => f');
  return page;
}

async function openCompare(page: Page, url: string): Promise<number> {
  await page.goto(url);
  await page.getByRole('navigation').getByText('Compare', { exact: true }).waitFor();
  // In the page: from the click that shows the section to the first row of the table painted.
  return page.evaluate(async () => {
    const nav = [...document.querySelectorAll('nav a, nav button')].find((e) =>
      e.textContent?.trim().startsWith('Compare'),
    ) as HTMLElement;
    const t0 = performance.now();
    nav.click();
    await new Promise<void>((resolve) => {
      const check = () =>
        document.querySelector('[data-testid=runs-table] [data-run-id]')
          ? resolve()
          : requestAnimationFrame(check);
      check();
    });
    await new Promise((r) => requestAnimationFrame(() => r(null)));
    return performance.now() - t0;
  });
}

async function tableBench(browser: import('playwright-core').Browser): Promise<void> {
  const dir = project(`table-${RUNS}`, ['--runs', String(RUNS), '--params', '20', '--metrics', '10']);
  const db = new Database(path.join(dir, '.strata', 'strata.db'), { readonly: true });
  const raw: number[] = [];
  let read: [unknown[][], unknown[][], unknown[][]] = [[], [], []];
  for (let i = 0; i < 3; i++) {
    const t = performance.now();
    read = [
      db.prepare('SELECT id, name, status, started_at, ended_at FROM runs').raw().all() as unknown[][],
      db.prepare('SELECT run_id, key, value FROM run_params').raw().all() as unknown[][],
      db.prepare('SELECT run_id, key, value FROM run_metrics').raw().all() as unknown[][],
    ];
    raw.push(performance.now() - t);
  }
  // The same rows, as a page would receive them from any backend.
  const byId = new Map<unknown, Record<string, unknown>>();
  for (const [id, name, status, started, ended] of read[0])
    byId.set(id, { id, name, status, started, ended, params: {}, metrics: {} });
  for (const [id, key, value] of read[1])
    (byId.get(id)!.params as Record<string, unknown>)[key as string] = value;
  for (const [id, key, value] of read[2])
    (byId.get(id)!.metrics as Record<string, unknown>)[key as string] = value;
  const rowsJson = JSON.stringify([...byId.values()]);
  const best = db
    .prepare("SELECT run_id FROM run_metrics WHERE key = 'acc' ORDER BY value DESC LIMIT 1")
    .pluck()
    .get() as string;
  db.close();

  const ui = await startUi(dir);
  try {
    const page = await newPage(browser);
    // 1. The first visit: the engine has read the table in its worker since the project opened.
    // 2. After any write to the database (the cached table is then stale): a cold read.
    // 3. Again with nothing changed: the worker's table as it is.
    const writer = new Database(path.join(dir, '.strata', 'strata.db'));
    const touch = () =>
      writer
        .prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('bench.touch', ?)")
        .run(String(Date.now()));
    const loads: number[] = [];
    loads.push(await openCompare(page, ui.url));
    touch();
    loads.push(await openCompare(page, ui.url));
    touch();
    loads.push(await openCompare(page, ui.url));
    loads.push(await openCompare(page, ui.url));
    writer.close();

    // Interactive: a row click selects at once, measured the same way.
    const click = await page.evaluate(async () => {
      const box = document.querySelector(
        '[data-testid=runs-table] [data-run-id] input[type=checkbox]',
      ) as HTMLInputElement;
      const t0 = performance.now();
      box.click();
      await new Promise((r) => requestAnimationFrame(() => r(null)));
      return { ms: performance.now() - t0, checked: box.checked };
    });

    const sorts: number[] = [];
    for (let i = 0; i < 5; i++) {
      sorts.push(
        await page.evaluate(async (want) => {
          const head = document.querySelector(
            '[role=columnheader][data-col="metric:acc"] button',
          ) as HTMLElement;
          const first = () =>
            document.querySelector('[data-testid=runs-table] [data-run-id]')?.getAttribute('data-run-id');
          const t0 = performance.now();
          head.click();
          // desc on the first click, asc on the second, none on the third: click until the best run leads.
          for (let k = 0; k < 3 && first() !== want; k++) {
            await new Promise((r) => requestAnimationFrame(() => r(null)));
            if (first() !== want) head.click();
          }
          await new Promise((r) => requestAnimationFrame(() => r(null)));
          const t = performance.now() - t0;
          if (first() !== want) throw new Error(`sort did not put ${want} first`);
          head.click();
          head.click();
          return t;
        }, best),
      );
    }

    // Comparator in the same browser: a minimal virtualized list of the same rows.
    const virtual = await page.evaluate(
      async ({ text, rowHeight, overscan }) => {
        type Row = {
          id: string;
          name: string;
          status: string;
          started: number;
          ended: number | null;
          params: Record<string, unknown>;
          metrics: Record<string, number>;
        };
        const frame = () => new Promise((r) => requestAnimationFrame(() => r(null)));
        const t0 = performance.now();
        const rows = JSON.parse(text) as Row[];
        const params = [...new Set(rows.flatMap((r) => Object.keys(r.params)))].sort();
        const metrics = [...new Set(rows.flatMap((r) => Object.keys(r.metrics)))].sort();
        const box = document.createElement('div');
        box.style.cssText =
          'position:fixed;inset:0;overflow:auto;background:#fff;z-index:9999;font:13px sans-serif';
        const spacer = document.createElement('div');
        spacer.style.cssText = `position:relative;height:${rows.length * rowHeight}px`;
        box.appendChild(spacer);
        let order = rows;
        const paint = () => {
          const first = Math.max(0, Math.floor(box.scrollTop / rowHeight) - overscan);
          const last = Math.min(
            order.length,
            Math.ceil((box.scrollTop + box.clientHeight) / rowHeight) + overscan,
          );
          spacer.replaceChildren(
            ...order.slice(first, last).map((r, i) => {
              const row = document.createElement('div');
              row.dataset.runId = r.id;
              row.style.cssText = `position:absolute;top:${(first + i) * rowHeight}px;height:${rowHeight}px;display:flex;white-space:nowrap`;
              const cells = [
                r.name,
                r.status,
                new Date(r.started).toLocaleString(),
                ...params.map((k) => String(r.params[k] ?? '')),
                ...metrics.map((k) => (r.metrics[k] === undefined ? '' : r.metrics[k].toPrecision(4))),
              ];
              for (const c of cells) {
                const cell = document.createElement('span');
                cell.style.cssText = 'display:inline-block;width:90px;overflow:hidden';
                cell.textContent = c;
                row.appendChild(cell);
              }
              return row;
            }),
          );
        };
        document.body.appendChild(box);
        paint();
        await frame();
        const render = performance.now() - t0;
        const sorts: number[] = [];
        for (let k = 0; k < 5; k++) {
          const t1 = performance.now();
          order = [...rows].sort((a, b) => (b.metrics.acc ?? -Infinity) - (a.metrics.acc ?? -Infinity));
          paint();
          await frame();
          sorts.push(performance.now() - t1);
        }
        box.remove();
        return { render, sort: sorts.sort((a, b) => a - b)[2] };
      },
      { text: rowsJson, rowHeight: ROW_HEIGHT, overscan: OVERSCAN },
    );
    await page.close();

    const cold = Math.max(loads[1], loads[2]);
    const label =
      'virtualized list of the same rows, same browser, JSON handed to the page (no HTTP, no engine)';
    note(
      `runs table, ${RUNS} runs × 20 params × 10 metrics, from the click that shows Compare to the first row painted:`,
    );
    note(
      `first visit ${ms(loads[0])}; after a write to the database ${ms(loads[1])}, ${ms(loads[2])}; unchanged since the last visit ${ms(loads[3])}; raw SQLite read of the same values ${ms(median(raw))}`,
    );
    note(`row click to selected and painted: ${ms(click.ms)} (checked: ${click.checked})`);
    figure({
      name: 'runs table interactive, first visit',
      value: loads[0],
      unit: 'ms',
      comparator: { label, value: virtual.render },
      targets: [{ on: 'value', op: '<=', limit: 1000 }],
    });
    figure({
      name: 'runs table interactive after a write (cold read), worst of 2',
      value: cold,
      unit: 'ms',
      comparator: { label, value: virtual.render },
      targets: [{ on: 'value', op: '<=', limit: 1000 }],
    });
    figure({
      name: 'sort by a metric, click to repainted, median of 5',
      value: median(sorts),
      unit: 'ms',
      comparator: { label: 'sort + repaint of that virtualized list', value: virtual.sort },
      targets: [{ on: 'value', op: '<=', limit: 100 }],
    });
  } finally {
    await ui.stop();
  }
}

async function chartBench(browser: import('playwright-core').Browser): Promise<void> {
  const dir = project(`series-${STEPS}`, [
    '--runs',
    String(SERIES_RUNS),
    '--params',
    '5',
    '--metrics',
    '0',
    '--steps',
    String(STEPS),
    '--series-runs',
    String(SERIES_RUNS),
  ]);
  const db = openSeriesReader(path.join(dir, '.strata', 'strata.db'));
  const chunks = db.prepare("SELECT n, steps, vals FROM metric_chunks WHERE key = 'm0_curve'");
  const reads: number[] = [];
  let points = 0;
  for (let i = 0; i < 3; i++) {
    const t = performance.now();
    let sum = 0;
    points = 0;
    for (const r of chunks.iterate() as Iterable<{ n: number; steps: Buffer; vals: Buffer }>) {
      const steps = floats(r.steps);
      const vals = floats(r.vals);
      sum += steps[r.n - 1] + vals[r.n - 1];
      points += r.n;
    }
    reads.push(performance.now() - t);
    if (!Number.isFinite(sum)) throw new Error('undecodable series');
  }
  db.close();

  const ui = await startUi(dir);
  try {
    const page = await newPage(browser);
    const times: number[] = [];
    for (let i = 0; i < 3; i++) {
      await openCompare(page, ui.url);
      await page.getByRole('button', { name: /Select shown/ }).click();
      await page
        .locator('.section-header__subtitle')
        .filter({ hasText: `${SERIES_RUNS} selected` })
        .waitFor();
      times.push(
        await page.evaluate(async () => {
          const button = document.querySelector('[data-testid=compare-button]') as HTMLElement;
          const t0 = performance.now();
          button.click();
          await new Promise<void>((resolve) => {
            const check = () =>
              document.querySelector('[data-metric="m0_curve"] [data-drawn]')
                ? resolve()
                : requestAnimationFrame(check);
            check();
          });
          return performance.now() - t0;
        }),
      );
    }
    const stored = await page.locator('[data-metric="m0_curve"]').getAttribute('data-points-stored');
    const drawn = await page
      .locator('[data-metric="m0_curve"] .scatterlayer path.js-line')
      .evaluateAll((els) =>
        els.reduce((s, e) => s + ((e.getAttribute('d') ?? '').match(/L/g)?.length ?? 0) + 1, 0),
      );
    await page.close();
    note(
      `metric chart, ${SERIES_RUNS} runs × ${STEPS.toLocaleString('en-US')} steps (${Number(stored).toLocaleString('en-US')} points stored, ${drawn.toLocaleString('en-US')} drawn): ${times.map(ms).join(', ')}`,
    );
    figure({
      name: 'first chart drawn after the Compare click, median of 3',
      value: median(times),
      unit: 'ms',
      comparator: {
        label: `read + decode of the same ${points.toLocaleString('en-US')} points, same connection settings (no downsampling, HTTP or drawing)`,
        value: median(reads),
      },
      targets: [{ on: 'value', op: '<=', limit: 1000 }],
    });
  } finally {
    await ui.stop();
  }
}

if (!fs.existsSync(path.join(root, 'dist/renderer/index.html')) || !fs.existsSync(path.join(root, 'out'))) {
  console.error('compare-runs bench: run `npm run build` first (it drives the built UI through `strata ui`)');
  process.exit(1);
}
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
  ],
});
try {
  // `compare-runs.ts table` or `… chart` runs one half.
  const only = process.argv[2];
  if (only !== 'chart') await tableBench(browser);
  if (only !== 'table') await chartBench(browser);
} finally {
  await browser.close();
}
