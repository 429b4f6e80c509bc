// The browser host's whole route table over real HTTP: every route and every call of the contract,
// with and without the token, with good and bad Host and Origin headers; then the edges of the call
// route (malformed names, oversized bodies) and of the static files (symlinks planted in the UI folder).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { calls } from '../../shared/api/index.js';
import { Engine } from '../../electron/core/engine.js';
import { MAX_BODY, startBrowserHost, type BrowserHost } from '../../electron/host/server.js';
import { resolveAppFile } from '../../electron/main/app-files.js';
import { tempDir } from '../helpers/cli.js';

const t = tempDir('strata-host-routes-');
const ui = path.join(t.dir, 'dist', 'renderer');
const SECRET = 'outside the UI folder: never served';
let engine: Engine;
let host: BrowserHost;

beforeAll(async () => {
  process.env.STRATA_HOME = path.join(t.dir, 'home');
  fs.mkdirSync(path.join(ui, 'assets'), { recursive: true });
  fs.writeFileSync(path.join(ui, 'index.html'), '<!doctype html><div id="root"></div>');
  fs.writeFileSync(path.join(ui, 'assets', 'index-abc.js'), 'export {}');
  fs.mkdirSync(path.join(t.dir, 'outside'));
  fs.writeFileSync(path.join(t.dir, 'outside', 'secret.txt'), SECRET);
  // Planted links: a file and a folder of the UI that point out of it.
  fs.symlinkSync(path.join(t.dir, 'outside', 'secret.txt'), path.join(ui, 'assets', 'leak.js'));
  fs.symlinkSync(path.join(t.dir, 'outside'), path.join(ui, 'linked'));
  engine = new Engine();
  host = await startBrowserHost({ engine, staticDir: ui });
});
afterAll(async () => {
  await host?.close();
  await engine?.shutdown();
  t.cleanup();
});

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** One request with exactly the headers given (Host included); an event stream is cut after its headers. */
function request(
  pathname: string,
  opts: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port: host.port,
        path: pathname,
        method: opts.method ?? 'GET',
        headers: { Host: `127.0.0.1:${host.port}`, ...opts.headers },
      },
      (res) => {
        if ((res.headers['content-type'] ?? '').startsWith('text/event-stream')) {
          resolve({ status: res.statusCode!, headers: res.headers, body: '' });
          res.destroy();
          return;
        }
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

const bearer = () => ({ Authorization: `Bearer ${host.token}` });
const json = { 'Content-Type': 'application/json' };

type Route = { path: string; method: string; body?: string; headers?: Record<string, string> };

/** Every route: the pages and assets, the event stream, and one POST per call of the contract. */
function routes(): Route[] {
  return [
    { path: '/', method: 'GET' },
    { path: '/index.html', method: 'GET' },
    { path: '/assets/index-abc.js', method: 'GET' },
    { path: '/runs/compare', method: 'GET' },
    { path: '/api/events', method: 'GET' },
    // A JSON array is never valid params, so every call is answered by validation and none runs.
    ...Object.keys(calls).map((name) => ({
      path: `/api/call/${name}`,
      method: 'POST',
      body: '[]',
      headers: json,
    })),
  ];
}

describe('the route table', () => {
  it('covers every call of the contract', () => {
    expect(routes().filter((r) => r.path.startsWith('/api/call/')).length).toBe(Object.keys(calls).length);
    expect(Object.keys(calls).length).toBeGreaterThan(20);
  });

  it('answers 401 to every route without the token, or with a wrong one', async () => {
    for (const r of routes()) {
      const wrong: Record<string, string>[] = [
        {},
        { Authorization: 'Bearer wrong' },
        { Cookie: `strata_${host.port}=wrong` },
      ];
      for (const auth of wrong) {
        const res = await request(r.path, {
          method: r.method,
          body: r.body,
          headers: { ...r.headers, ...auth },
        });
        expect(res.status, `${r.method} ${r.path} ${JSON.stringify(auth)}`).toBe(401);
      }
    }
  });

  it('answers 403 to every route with a foreign Host or Origin, token or not', async () => {
    const badHosts = [
      'evil.example',
      `evil.example:${host.port}`,
      `127.0.0.1:${host.port + 1}`,
      `[::1]:${host.port}`,
    ];
    const badOrigins = [
      'https://evil.example',
      `http://127.0.0.1:${host.port + 1}`,
      'null',
      `http://localhost:1`,
    ];
    for (const r of routes()) {
      for (const Host of badHosts) {
        const res = await request(r.path, {
          method: r.method,
          body: r.body,
          headers: { ...r.headers, ...bearer(), Host },
        });
        expect(res.status, `${r.method} ${r.path} Host: ${Host}`).toBe(403);
      }
      for (const Origin of badOrigins) {
        const res = await request(r.path, {
          method: r.method,
          body: r.body,
          headers: { ...r.headers, ...bearer(), Origin },
        });
        expect(res.status, `${r.method} ${r.path} Origin: ${Origin}`).toBe(403);
      }
    }
  });

  it('lets every route through with the token and our own Host and Origin', async () => {
    for (const r of routes()) {
      for (const Host of [`127.0.0.1:${host.port}`, `localhost:${host.port}`]) {
        const res = await request(r.path, {
          method: r.method,
          body: r.body,
          headers: { ...r.headers, ...bearer(), Host, Origin: `http://${Host}` },
        });
        const what = `${r.method} ${r.path} via ${Host}`;
        if (r.path.startsWith('/api/call/')) {
          expect(res.status, what).toBe(400);
          expect(JSON.parse(res.body).error.code, what).toBe('BAD_REQUEST');
        } else {
          expect(res.status, what).toBe(200);
        }
        expect(res.headers['content-security-policy'], what).toContain("default-src 'self'");
      }
    }
  });

  it('signs in only through our own Host and Origin, with the token or a live one-time code', async () => {
    const signIns = () => [`/?token=${host.token}`, `/${new URL(host.launchUrl(60000).url).search}`];
    for (const p of signIns()) {
      const foreign: Record<string, string>[] = [
        { Host: 'evil.example' },
        { Origin: 'https://evil.example' },
      ];
      for (const headers of foreign) {
        const res = await request(p, { headers });
        expect(res.status, `${p} ${JSON.stringify(headers)}`).toBe(403);
        expect(res.headers['set-cookie'], p).toBeUndefined();
      }
    }
    for (const p of ['/?token=wrong', '/?code=wrong', `/?code=${host.token}`]) {
      const res = await request(p);
      expect(res.status, p).toBe(401);
      expect(res.headers['set-cookie'], p).toBeUndefined();
    }
    for (const p of signIns()) {
      const res = await request(p);
      // The token redirects; a code answers with a page that moves on (see server.ts for why).
      expect(res.status, p).toBe(p.includes('token=') ? 303 : 200);
      expect(res.headers['set-cookie']?.[0], p).toMatch(/HttpOnly; SameSite=Strict/);
    }
  });

  it('refuses other methods and bodies that are not JSON', async () => {
    expect((await request('/api/call/app.info', { headers: bearer() })).status).toBe(405);
    expect((await request('/', { method: 'POST', headers: bearer() })).status).toBe(405);
    expect((await request('/', { method: 'DELETE', headers: bearer() })).status).toBe(405);
    const form = await request('/api/call/app.info', {
      method: 'POST',
      headers: { ...bearer(), 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'a=1',
    });
    expect(form.status).toBe(415);
  });
});

describe('the call route', () => {
  it('answers a malformed percent-escape in a call name with 400, not 500', async () => {
    for (const name of ['%E0%A4%A', '%', 'app.info%zz', '%C0%AF']) {
      const res = await request(`/api/call/${name}`, {
        method: 'POST',
        headers: { ...json, ...bearer() },
        body: '{}',
      });
      expect(res.status, name).toBe(400);
      expect(JSON.parse(res.body).error.code, name).toBe('BAD_REQUEST');
    }
    // Names that are properties of every JavaScript object are unknown calls, nothing more.
    for (const name of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
      const res = await request(`/api/call/${name}`, {
        method: 'POST',
        headers: { ...json, ...bearer() },
        body: '{}',
      });
      expect(res.status, name).toBe(400);
      expect(JSON.parse(res.body).error.code, name).toBe('UNKNOWN_CALL');
    }
  });

  it('answers an oversized body with its 413, whether announced or streamed', async () => {
    const big = Buffer.alloc(MAX_BODY + 1024 * 1024, 0x20);
    const announced = await request('/api/call/app.info', {
      method: 'POST',
      headers: { ...json, ...bearer() },
      body: big,
    });
    expect(announced.status).toBe(413);
    expect(JSON.parse(announced.body)).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    // Chunked: no length up front, so the limit is found while reading.
    const streamed = await new Promise<Answer>((resolve, reject) => {
      const req = http.request(
        {
          host: '127.0.0.1',
          port: host.port,
          path: '/api/call/app.info',
          method: 'POST',
          headers: { ...json, ...bearer(), 'Transfer-Encoding': 'chunked' },
        },
        (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (c) => (body += c));
          res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
        },
      );
      req.on('error', reject);
      const chunk = Buffer.alloc(1024 * 1024, 0x20);
      for (let i = 0; i < big.length / chunk.length; i++) req.write(chunk);
      req.end();
    });
    expect(streamed.status).toBe(413);
    // The server is still there for the next call.
    expect(
      (await request('/api/call/app.info', { method: 'POST', headers: { ...json, ...bearer() }, body: '{}' }))
        .status,
    ).toBe(200);
  });
});

describe('static files, for both hosts', () => {
  it('never follow a symlink out of the UI folder', async () => {
    for (const p of ['/assets/leak.js', '/linked/secret.txt', '/assets/..%2flinked/secret.txt']) {
      const res = await request(p, { headers: bearer() });
      expect(res.status, p).not.toBe(200);
      expect(res.body, p).not.toContain(SECRET);
      const app = resolveAppFile(ui, `app://strata${p}`);
      expect(app.status, `app://strata${p}`).not.toBe(200);
    }
  });

  it('serve the UI the same way over HTTP and app://', async () => {
    for (const p of [
      '/',
      '/index.html',
      '/assets/index-abc.js',
      '/runs/compare',
      '/assets/missing.js',
      '/%E0%A4%A',
    ]) {
      const res = await request(p, { headers: bearer() });
      const app = resolveAppFile(ui, `app://strata${p}`);
      expect(res.status, p).toBe(app.status);
      if (app.status === 200) {
        expect(res.headers['content-type'], p).toBe(app.type);
        expect(res.body, p).toBe(fs.readFileSync(app.file, 'utf8'));
        expect(res.headers['cache-control'], p).toBe(app.headers['Cache-Control'] ?? 'no-store');
      }
    }
  });
});
