import fs from 'node:fs';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import path from 'node:path';
import { pipeline } from 'node:stream';
import type { AddressInfo } from 'node:net';
import type { Engine } from '../core/engine.js';
import { toErrorData } from '../../shared/errors.js';
import {
  SECURITY_HEADERS,
  cookieName,
  hostAllowed,
  newToken,
  originAllowed,
  presentedToken,
  tokensEqual,
} from './security.js';
import { openStaticFile, resolveStaticFile } from './static-files.js';

export interface BrowserHostOptions {
  engine: Engine;
  /** The built renderer (dist/renderer). */
  staticDir: string;
  port?: number;
  token?: string;
}

export interface BrowserHost {
  /** Carries the launch token: for the user's terminal, never for a command line or a log file. */
  url: string;
  port: number;
  token: string;
  /**
   * A URL that signs a browser in once: its code dies on first use or after `ttlMs`, whichever comes
   * first, and `spent` settles then. Safe to leave in a browser's history; the token never is.
   */
  launchUrl(ttlMs: number): { url: string; spent: Promise<void> };
  close(): Promise<void>;
}

/** A call's params are small JSON; anything bigger is a mistake or an attack, answered with 413. */
export const MAX_BODY = 16 * 1024 * 1024;
/** How long an oversized body is still drained after the 413, so the client can read the answer. */
const DRAIN_MS = 10_000;

function send(
  res: ServerResponse,
  status: number,
  body: string,
  type = 'text/plain; charset=utf-8',
  extra: Record<string, string> = {},
): void {
  res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': type, ...extra });
  res.end(body);
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  send(res, status, JSON.stringify(value), 'application/json; charset=utf-8');
}

class BodyTooLarge extends Error {}

/**
 * Reads a request body up to `limit` bytes. Past it, the rest is drained unread (a socket closed
 * under a client still writing would reset the connection before it read our 413) and the read
 * fails with BodyTooLarge.
 */
function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const tooLarge = () => {
      req.removeAllListeners('data');
      req.resume();
      const stop = setTimeout(() => req.socket.destroy(), DRAIN_MS);
      stop.unref();
      req.once('end', () => clearTimeout(stop));
      reject(new BodyTooLarge());
    };
    if (Number(req.headers['content-length'] ?? 0) > limit) return tooLarge();
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) tooLarge();
      else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/**
 * `strata ui`: the renderer and the API over HTTP on 127.0.0.1 only. A random token per launch is
 * exchanged for an HttpOnly, SameSite=Strict cookie; Host and Origin are checked on every request.
 */
export async function startBrowserHost(opts: BrowserHostOptions): Promise<BrowserHost> {
  const token = opts.token ?? newToken();
  const staticRoot = path.resolve(opts.staticDir);
  let port = 0;
  const streams = new Set<ServerResponse>();
  const launchCodes = new Map<string, () => void>();

  const server = http.createServer((req, res) => {
    handle(req, res).catch((err) => {
      if (!res.headersSent) sendJson(res, 500, { ok: false, error: toErrorData(err) });
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!hostAllowed(req, port)) return send(res, 403, 'Forbidden: unexpected Host header');
    if (!originAllowed(req, port)) return send(res, 403, 'Forbidden: cross-origin request');
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);

    const cookie = `${cookieName(port)}=${token}; HttpOnly; SameSite=Strict; Path=/`;
    const signIn = () => send(res, 303, '', 'text/plain', { Location: '/', 'Set-Cookie': cookie });
    const fromQuery = url.searchParams.get('token');
    if (fromQuery !== null && req.method === 'GET') {
      if (!tokensEqual(fromQuery, token)) return send(res, 401, 'Unauthorized: wrong token');
      return signIn();
    }
    const code = url.searchParams.get('code');
    if (code !== null && req.method === 'GET') {
      const spend = launchCodes.get(code);
      if (!spend)
        return send(
          res,
          401,
          'Unauthorized: this sign-in link was already used or has expired. Open the URL that `strata ui` printed.',
        );
      spend();
      // Reached from the launch file (a file:// page), this request is cross-site, and a browser
      // does not send a SameSite=Strict cookie on a redirect it follows from it. A page of our own
      // that moves on to / makes that next request same-site, so the cookie goes with it.
      return send(
        res,
        200,
        '<!doctype html><meta http-equiv="refresh" content="0;url=/"><title>Strata</title>',
        'text/html; charset=utf-8',
        { 'Set-Cookie': cookie },
      );
    }
    const presented = presentedToken(req, port);
    if (presented === null || !tokensEqual(presented, token)) {
      return send(res, 401, 'Unauthorized: open the URL that `strata ui` printed (it carries the token).');
    }

    if (url.pathname.startsWith('/api/call/')) {
      if (req.method !== 'POST') return send(res, 405, 'Method Not Allowed', 'text/plain', { Allow: 'POST' });
      if (!(req.headers['content-type'] ?? '').startsWith('application/json')) {
        return sendJson(res, 415, {
          ok: false,
          error: { code: 'BAD_REQUEST', message: 'expected application/json' },
        });
      }
      let name: string;
      try {
        name = decodeURIComponent(url.pathname.slice('/api/call/'.length));
      } catch {
        return sendJson(res, 400, {
          ok: false,
          error: { code: 'BAD_REQUEST', message: 'malformed percent-escape in the call name' },
        });
      }
      let params: unknown;
      try {
        const body = await readBody(req, MAX_BODY);
        params = body ? JSON.parse(body) : {};
      } catch (err) {
        if (err instanceof BodyTooLarge) {
          res.setHeader('Connection', 'close');
          return sendJson(res, 413, {
            ok: false,
            error: { code: 'BAD_REQUEST', message: `request body over ${MAX_BODY / 1024 / 1024} MiB` },
          });
        }
        return sendJson(res, 400, {
          ok: false,
          error: { code: 'BAD_REQUEST', message: `invalid JSON body: ${(err as Error).message}` },
        });
      }
      try {
        const result = await opts.engine.call(name, params);
        return sendJson(res, 200, { ok: true, result: result ?? null });
      } catch (err) {
        const error = toErrorData(err);
        const status = error.code === 'BAD_REQUEST' || error.code === 'UNKNOWN_CALL' ? 400 : 200;
        return sendJson(res, status, { ok: false, error });
      }
    }

    if (url.pathname === '/api/events') {
      res.writeHead(200, {
        ...SECURITY_HEADERS,
        'Content-Type': 'text/event-stream',
        Connection: 'keep-alive',
      });
      res.write(': connected\n\n');
      streams.add(res);
      req.on('close', () => streams.delete(res));
      return;
    }

    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'Method Not Allowed');
    return serveStatic(url.pathname, res);
  }

  async function serveStatic(pathname: string, res: ServerResponse): Promise<void> {
    const found = resolveStaticFile(staticRoot, pathname);
    if (found.status !== 200) {
      if (!fs.existsSync(path.join(staticRoot, 'index.html')))
        return send(
          res,
          500,
          `The UI is not built: ${staticRoot}/index.html is missing. Run \`npm run build\`.`,
        );
      return send(res, found.status, found.reason);
    }
    const handle = await openStaticFile(found.file);
    res.writeHead(200, { ...SECURITY_HEADERS, 'Content-Type': found.type, ...found.headers });
    // pipeline closes the file when the client goes away mid-download.
    pipeline(handle.createReadStream(), res, () => undefined);
  }

  const unsubscribe = opts.engine.subscribe((event, payload) => {
    const frame = `event: ${event}\ndata: ${JSON.stringify(payload)}\n\n`;
    for (const s of streams) s.write(frame);
  });
  const heartbeat = setInterval(() => {
    for (const s of streams) s.write(': ping\n\n');
  }, 15000);
  heartbeat.unref();

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;

  function launchUrl(ttlMs: number): { url: string; spent: Promise<void> } {
    const code = newToken();
    let spend!: () => void;
    const spent = new Promise<void>((resolve) => {
      const timer = setTimeout(() => spend(), ttlMs);
      timer.unref();
      spend = () => {
        clearTimeout(timer);
        launchCodes.delete(code);
        resolve();
      };
    });
    launchCodes.set(code, spend);
    return { url: `http://127.0.0.1:${port}/?code=${code}`, spent };
  }

  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    port,
    token,
    launchUrl,
    close: () =>
      new Promise<void>((resolve) => {
        for (const spend of [...launchCodes.values()]) spend();
        clearInterval(heartbeat);
        unsubscribe();
        for (const s of streams) s.end();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
