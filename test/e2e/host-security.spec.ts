import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import { test, expect, exampleHostPerFile, startHost, stopHost } from './fixtures.js';

// The real `strata ui` child process, probed with plain HTTP from Node: no browser to be lenient or strict for us.
const host = exampleHostPerFile();

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** One request; an event stream is cut after its headers, since it never ends by itself. */
function request(
  pathname: string,
  opts: { method?: string; headers?: Record<string, string>; body?: string; address?: string } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: opts.address ?? '127.0.0.1',
        port: host.port,
        path: pathname,
        method: opts.method ?? 'GET',
        headers: opts.headers,
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

const json = { 'Content-Type': 'application/json' };
const bearer = () => ({ Authorization: `Bearer ${host.token}` });
const call = (name: string, params: unknown, headers: Record<string, string> = bearer()) =>
  request(`/api/call/${name}`, {
    method: 'POST',
    headers: { ...json, ...headers },
    body: JSON.stringify(params),
  });

test('the token is at least 128 random bits, and each launch has its own', async () => {
  expect(Buffer.from(host.token, 'base64url').length * 8).toBeGreaterThanOrEqual(128);
  const other = await startHost(null);
  try {
    expect(other.token).not.toBe(host.token);
    expect(Buffer.from(other.token, 'base64url').length * 8).toBeGreaterThanOrEqual(128);
    // A token is good for its own launch only.
    const cross = await request('/', { headers: { Authorization: `Bearer ${other.token}` } });
    expect(cross.status).toBe(401);
  } finally {
    await stopHost(other);
  }
});

test('without the token every route answers 401: the page, a call and the event stream', async () => {
  expect((await request('/')).status).toBe(401);
  expect((await request('/assets/anything.js')).status).toBe(401);
  expect((await call('app.info', {}, {})).status).toBe(401);
  expect((await request('/api/events')).status).toBe(401);
  expect(
    (await request('/api/events', { headers: { Cookie: `strata_${host.port}=not-the-token` } })).status,
  ).toBe(401);
  expect((await request('/?token=not-the-token')).status).toBe(401);
  expect((await call('app.info', {}, { Authorization: 'Bearer not-the-token' })).status).toBe(401);
});

test('the token in the URL becomes an HttpOnly, SameSite=Strict cookie that then opens everything', async () => {
  const exchange = await request(`/?token=${host.token}`);
  expect(exchange.status).toBe(303);
  expect(exchange.headers.location).toBe('/');
  const setCookie = exchange.headers['set-cookie']?.[0] ?? '';
  expect(setCookie).toMatch(/HttpOnly/i);
  expect(setCookie).toMatch(/SameSite=Strict/i);
  const cookie = setCookie.split(';')[0];

  const page = await request('/', { headers: { Cookie: cookie } });
  expect(page.status).toBe(200);
  expect(page.headers['content-type']).toMatch(/^text\/html/);
  expect(page.body).toContain('<div id="root">');
  const info = await call('app.info', {}, { Cookie: cookie });
  expect(info.status).toBe(200);
  expect(JSON.parse(info.body)).toMatchObject({ ok: true, result: { version: expect.any(String) } });
  const events = await request('/api/events', { headers: { Cookie: cookie } });
  expect(events.status).toBe(200);
  expect(events.headers['content-type']).toMatch(/^text\/event-stream/);
});

test('a Bearer token works too', async () => {
  const info = await call('project.current', {});
  expect(info.status).toBe(200);
  expect(JSON.parse(info.body).result.name).toBe('churn-example');
  expect((await request('/', { headers: bearer() })).status).toBe(200);
});

test('a Host header other than 127.0.0.1 or localhost on this port gets 403, token or not', async () => {
  for (const hostHeader of [
    'evil.example',
    `evil.example:${host.port}`,
    `127.0.0.1:${host.port + 1}`,
    `192.168.1.10:${host.port}`,
  ]) {
    const res = await request('/', { headers: { ...bearer(), Host: hostHeader } });
    expect(res.status, hostHeader).toBe(403);
  }
  expect((await request('/', { headers: { ...bearer(), Host: `localhost:${host.port}` } })).status).toBe(200);
});

test('a POST from a foreign Origin is refused, our own Origin is accepted', async () => {
  for (const origin of ['https://evil.example', `http://127.0.0.1:${host.port + 1}`, 'null']) {
    const res = await call('app.info', {}, { ...bearer(), Origin: origin });
    expect(res.status, origin).toBe(403);
  }
  expect((await call('app.info', {}, { ...bearer(), Origin: host.origin })).status).toBe(200);
});

test("pages carry a CSP with script-src 'self' and no inline scripts", async () => {
  const page = await request('/', { headers: bearer() });
  const csp = String(page.headers['content-security-policy'] ?? '');
  const scriptSrc = csp
    .split(';')
    .map((d) => d.trim())
    .find((d) => d.startsWith('script-src'));
  expect(scriptSrc).toBe("script-src 'self'");
  expect(csp).toContain("frame-ancestors 'none'");
  // The built page itself must live with that policy: no inline <script> bodies.
  expect(page.body).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>\s*\S/);
});

test('bad calls get 400 with a typed code: invalid params, unknown call', async () => {
  const bad = await call('project.inspect', { path: 42 });
  expect(bad.status).toBe(400);
  expect(JSON.parse(bad.body)).toMatchObject({
    ok: false,
    error: { code: 'BAD_REQUEST', message: expect.stringContaining('path') },
  });
  const extra = await call('app.info', { surprise: true });
  expect(extra.status).toBe(400);
  expect(JSON.parse(extra.body).error.code).toBe('BAD_REQUEST');
  const unknown = await call('app.selfDestruct', {});
  expect(unknown.status).toBe(400);
  expect(JSON.parse(unknown.body)).toMatchObject({ ok: false, error: { code: 'UNKNOWN_CALL' } });
  const notJson = await request('/api/call/app.info', {
    method: 'POST',
    headers: { ...json, ...bearer() },
    body: '{oops',
  });
  expect(notJson.status).toBe(400);
  expect(JSON.parse(notJson.body).error.code).toBe('BAD_REQUEST');
});

test('the server listens on 127.0.0.1 only', async () => {
  const refused = (address: string) =>
    new Promise<string>((resolve) => {
      const s = net.connect({ host: address, port: host.port });
      s.once('connect', () => {
        s.destroy();
        resolve('connected');
      });
      s.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? 'error'));
    });
  expect(await refused('127.0.0.1')).toBe('connected');
  const external = Object.values(os.networkInterfaces())
    .flat()
    .find((i) => i && i.family === 'IPv4' && !i.internal);
  test.skip(!external, 'this machine has no non-loopback IPv4 address to try the port on');
  expect(await refused(external!.address)).toBe('ECONNREFUSED');
});
