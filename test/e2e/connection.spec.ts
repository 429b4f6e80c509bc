import fs from 'node:fs';
import {
  test,
  expect,
  copyProject,
  exampleDir,
  screenPath,
  signIn,
  startHost,
  stopHost,
} from './fixtures.js';

test('a tab whose `strata ui` stopped says it lost contact instead of showing stale data silently', async ({
  page,
}) => {
  const host = await startHost(copyProject(exampleDir));
  try {
    await signIn(page, host);
    await expect(page.getByTestId('app-frame')).toBeVisible();
    await expect(page.getByTestId('offline-banner')).toHaveCount(0);
    // The section has read what it shows before the host goes (the runs table is read by a worker and
    // can still be on its way; that read would fail with the same notice).
    await expect(page.getByRole('heading', { name: 'No runs yet' })).toBeVisible();
    await stopHost(host);
    const banner = page.getByTestId('offline-banner');
    await expect(banner).toBeVisible();
    await expect(banner).toContainText('strata ui');
    await page.screenshot({ path: screenPath('offline') });
    // A call made now fails with a message that says what to do, not a bare network error.
    await page.getByRole('button', { name: 'Scan workspace' }).click();
    await expect(page.getByTestId('error-notice')).toContainText('Lost contact with the Strata engine');
  } finally {
    await stopHost(host);
    fs.rmSync(host.projectDir, { recursive: true, force: true });
  }
});
