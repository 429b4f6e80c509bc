import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { makeProject, type Fixture } from './runs-fixture.js';

let fx: Fixture | null = null;
afterEach(() => {
  fx?.cleanup();
  fx = null;
});

const PIPELINE = `stages:
  make:
    cmd: node -e "require('fs').writeFileSync('out.txt', 'x')"
    deps: [in.txt]
    outs: [out.txt]
  use:
    cmd: node -e "require('fs').writeFileSync('final.txt', require('fs').readFileSync('out.txt'))"
    deps: [out.txt]
    outs: [final.txt]
`;

describe('a run with nothing to do', () => {
  it("records no run, says up to date with each stage's reason, and a later real run is listed first", () => {
    fx = makeProject(PIPELINE, { 'in.txt': 'a' });
    const first = runCli(['run', '--project', fx.dir]);
    expect(first.code, first.stderr).toBe(0);
    const runs = () =>
      JSON.parse(runCli(['runs', '--json', '--project', fx!.dir]).stdout) as { id: string }[];
    const [real] = runs();
    const again = runCli(['run', '--project', fx.dir]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toContain(
      'up to date: every stage was up to date: nothing ran, so no run was recorded',
    );
    expect(again.stderr).toMatch(/make +skipped .*up to date/);
    // `strata runs --limit 1` is still the run that did something.
    expect(JSON.parse(runCli(['runs', '--limit', '1', '--json', '--project', fx.dir]).stdout)).toMatchObject([
      { id: real.id, status: 'done' },
    ]);
    expect(runs()).toHaveLength(1);
    expect(fs.readdirSync(path.join(fx.dir, '.strata', 'runs'))).toEqual([real.id]);
    const json = JSON.parse(runCli(['run', '--json', '--project', fx.dir]).stdout);
    expect(json).toMatchObject({ upToDate: true });

    // Half of it to do: a run, whose skipped stage kept its out rather than wrote it.
    fs.writeFileSync(
      path.join(fx.dir, 'strata.yaml'),
      PIPELINE.replace(".readFileSync('out.txt'))", ".readFileSync('out.txt') + '!')"),
    );
    const partial = runCli(['run', '--project', fx.dir]);
    expect(partial.code, partial.stderr).toBe(0);
    const [latest] = runs();
    expect(latest.id).not.toBe(real.id);
    const show = runCli(['show', latest.id, '--project', fx.dir]).stdout;
    expect(show).toMatch(/kept +out@1 +out\.txt +\(make, up to date\)/);
    expect(show).toMatch(/wrote final@\d+ +final\.txt +\(use\)/);
  }, 180000);
});
