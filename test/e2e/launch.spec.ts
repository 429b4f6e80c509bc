import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test, expect, copyProject, exampleDir, startHost, stopHost } from './fixtures.js';

// `strata ui` without --no-open: the browser is given a private file, never the token. Here the
// "browser" is a script that notes the file it was given; Chromium then opens that file as a
// person's browser would, and must land signed in on the app.
test('the launch file signs Chromium in once, without the token on any command line', async ({ page }) => {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-launch-'));
  const record = path.join(scratch, 'argv');
  const opener = path.join(scratch, 'browser.sh');
  fs.writeFileSync(
    opener,
    `#!/bin/sh\nprintf '%s\\n' "$@" > '${record}.tmp'\nmv '${record}.tmp' '${record}'\n`,
    {
      mode: 0o755,
    },
  );
  const host = await startHost(copyProject(exampleDir), [], { open: true, env: { BROWSER: opener } });
  try {
    await expect.poll(() => fs.existsSync(record), { timeout: 20000 }).toBe(true);
    const given = fs.readFileSync(record, 'utf8').trim();
    expect(given).toMatch(/^file:\/\//);
    expect(given).not.toContain(host.token);

    await page.goto(given);
    await page.waitForURL(`${host.origin}/`);
    await expect(page.getByTestId('app-frame')).toBeVisible();
    // Its code spent, the file has no further use and is removed.
    await expect.poll(() => fs.existsSync(new URL(given))).toBe(false);
  } finally {
    await stopHost(host);
    fs.rmSync(host.projectDir, { recursive: true, force: true });
    fs.rmSync(scratch, { recursive: true, force: true });
  }
});
