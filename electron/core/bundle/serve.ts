// strata serve <bundle>: verified, extracted into a temporary folder, served from there; the
// folder goes when the server is stopped.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { StrataError } from '../../../shared/errors.js';
import type { ServeInfo } from '../../../shared/api/deploy.js';
import { serveFolder } from '../deploy/serve.js';
import { readBundle } from './read.js';
import { reportOf } from './verify.js';

export async function serveBundle(
  file: string,
  opts: { port?: number; python?: string; logs?: string },
): Promise<ServeInfo> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-bundle-'));
  try {
    const r = await readBundle(file, { extractTo: tmp });
    const report = reportOf(file, r);
    if (!report.ok)
      throw new StrataError(
        'BUNDLE_INVALID',
        `${path.basename(file)} is refused: ${report.problems.join('; ')}`,
      );
    return await serveFolder({
      modelDir: path.join(tmp, 'model'),
      model: r.manifest.model.name,
      version: r.manifest.model.version,
      port: opts.port,
      python: opts.python,
      logs: opts.logs,
      cwd: tmp,
      cleanup: tmp,
    });
  } catch (err) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
}
