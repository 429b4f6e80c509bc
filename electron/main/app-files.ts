import { resolveStaticFile, type StaticFile } from '../host/static-files.js';
import { APP_HOST, APP_SCHEME } from './policy.js';

/** Maps an app://strata/… request to a file of the built UI, by the same rules as the browser host. */
export function resolveAppFile(root: string, requestUrl: string): StaticFile {
  let url: URL;
  try {
    url = new URL(requestUrl);
  } catch {
    return { status: 400, reason: 'malformed URL' };
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST)
    return { status: 404, reason: `not an ${APP_SCHEME}://${APP_HOST} URL` };
  return resolveStaticFile(root, url.pathname);
}
