import { protocol } from 'electron';
import { SECURITY_HEADERS } from '../host/security.js';
import { openStaticFile } from '../host/static-files.js';
import { resolveAppFile } from './app-files.js';
import { APP_SCHEME } from './policy.js';

/**
 * Must run before the app is ready. `standard` + `secure` give the UI a real origin (app://strata)
 * that fetch and CSP 'self' understand, without any file:// access. Vite's module scripts and
 * stylesheets are fetched in CORS mode, which Chromium allows only for CORS-enabled schemes; other
 * origins still cannot read our responses (no Access-Control-Allow-Origin, CORP same-origin).
 */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    {
      scheme: APP_SCHEME,
      privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true, codeCache: true },
    },
  ]);
}

function plain(status: number, text: string): Response {
  return new Response(text, {
    status,
    headers: { ...SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8' },
  });
}

/** Serves the built renderer on app://strata/ with the browser host's file rules and security headers (CSP included). */
export function serveApp(rendererDir: string): void {
  protocol.handle(APP_SCHEME, async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return plain(405, 'Method Not Allowed');
    const found = resolveAppFile(rendererDir, request.url);
    if (found.status !== 200) return plain(found.status, found.reason);
    try {
      const handle = await openStaticFile(found.file);
      const body = await handle.readFile().finally(() => handle.close());
      return new Response(new Uint8Array(body), {
        status: 200,
        headers: { ...SECURITY_HEADERS, 'Content-Type': found.type, ...found.headers },
      });
    } catch (err) {
      return plain(500, `Cannot read ${found.file}: ${(err as Error).message}`);
    }
  });
}
