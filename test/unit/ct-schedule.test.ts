// A schedule firing live: `strata ct watch` with a `schedule:` naming one coming minute starts a cycle
// when that minute comes, through the loop's real timer (the next due time is cron.ts's pure
// nextCronTime, tested in ct-cron; no clock is faked here). Cron has minutes, not seconds, so this one
// test waits for a real minute boundary: between 15 and 75 s.
import { afterEach, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import type { CtCycle } from '../../shared/api/ct.js';
import { runCli, spawnCli, tempDir } from '../helpers/cli.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0).reverse()) c();
});

describe('a CT schedule', () => {
  it('starts a cycle in `strata ct watch` when its minute comes, and none before', async () => {
    const t = tempDir('strata-ct-schedule-');
    cleanups.push(t.cleanup);
    // The first minute boundary at least 15 s away, so the watcher is up before it.
    const due = new Date(Date.now() + 15000);
    due.setSeconds(0, 0);
    due.setMinutes(due.getMinutes() + 1);
    const schedule = `${due.getMinutes()} ${due.getHours()} ${due.getDate()} ${due.getMonth() + 1} *`;
    fs.writeFileSync(
      path.join(t.dir, 'strata.yaml'),
      `artifacts:
  model: { path: model.txt, kind: model }
stages:
  train:
    cmd: node -e "require('fs').writeFileSync('model.txt', String(Date.now()))"
    outs: [model.txt]
    always_changed: true
ct:
  schedule: "${schedule}"
  model: model
  promote: champion
`,
    );
    expect(runCli(['init', t.dir]).code).toBe(0);
    const watch = spawnCli(['ct', 'watch', '--project', t.dir]);
    const exited = new Promise((r) => watch.once('exit', r));
    cleanups.push(() => watch.kill('SIGKILL'));
    let out = '';
    watch.stdout!.on('data', (d) => (out += d));
    watch.stderr!.on('data', (d) => (out += d));
    const until = async (what: string, ok: () => boolean, ms: number) => {
      const end = Date.now() + ms;
      while (!ok()) {
        if (Date.now() > end) throw new Error(`no ${what} in ${ms} ms; strata ct watch said:\n${out}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    await until('watcher', () => out.includes('Watching for triggers'), 14000);
    expect(Date.now()).toBeLessThan(due.getTime());
    await until(
      'scheduled cycle',
      () => /cycle 1 (succeeded|failed)/.test(out),
      due.getTime() - Date.now() + 30000,
    );
    watch.kill('SIGTERM');
    await exited;

    const cycles = JSON.parse(runCli(['ct', 'cycles', '--json', '--project', t.dir]).stdout) as CtCycle[];
    expect(cycles).toHaveLength(1);
    const [c] = cycles;
    expect(c).toMatchObject({ trigger: 'schedule', reason: schedule, status: 'succeeded', version: 1 });
    const late = Date.parse(c.startedAt) - due.getTime();
    expect(late).toBeGreaterThanOrEqual(0);
    // the minute it names, not a later one (the settle time and the process's start are seconds, not minutes)
    expect(late).toBeLessThan(60000);
  }, 120000);
});
