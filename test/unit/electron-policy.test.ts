import { describe, it, expect, afterAll } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { APP_ENTRY, externalUrl, isAppUrl, isTrustedSender, projectArg } from '../../electron/main/policy.js';
import { resolveAppFile } from '../../electron/main/app-files.js';
import { tempDir } from '../helpers/cli.js';

const t = tempDir('strata-electron-policy-');
afterAll(() => t.cleanup());

describe('which URLs are our UI', () => {
  it('accepts app://strata/ pages only', () => {
    expect(isAppUrl(APP_ENTRY)).toBe(true);
    expect(isAppUrl('app://strata/assets/index.js?x=1#y')).toBe(true);
    for (const url of [
      'app://other/index.html',
      'file:///work/dist/renderer/index.html',
      'https://strata/index.html',
      'http://127.0.0.1:5173/',
      'app://user:pw@strata/',
      'about:blank',
      '',
      'not a url',
    ]) {
      expect(isAppUrl(url), url).toBe(false);
    }
  });

  it('trusts IPC only from the top frame of our UI', () => {
    expect(isTrustedSender({ url: 'app://strata/index.html', isMainFrame: true })).toBe(true);
    expect(isTrustedSender({ url: 'app://strata/index.html', isMainFrame: false })).toBe(false);
    expect(isTrustedSender({ url: 'https://evil.example/', isMainFrame: true })).toBe(false);
    expect(isTrustedSender({ url: 'file:///etc/passwd', isMainFrame: true })).toBe(false);
    expect(isTrustedSender(null)).toBe(false);
    expect(isTrustedSender(undefined)).toBe(false);
  });

  it('opens only https links externally', () => {
    expect(externalUrl('https://github.com/strata?q=1')).toBe('https://github.com/strata?q=1');
    for (const url of [
      'http://example.com/',
      'file:///etc/passwd',
      'javascript:alert(1)',
      'smb://host/share',
      'ms-msdt:/id',
      'https://user:pw@example.com/',
      'app://strata/',
      'garbage',
    ]) {
      expect(externalUrl(url), url).toBeNull();
    }
  });

  it('finds the project folder on the command line, skipping switches', () => {
    expect(projectArg(['/usr/bin/electron', '/app', '/p/churn'], false)).toBe('/p/churn');
    expect(projectArg(['/usr/bin/electron', '/app', '--inspect=9229', '/p/churn'], false)).toBe('/p/churn');
    expect(
      projectArg(
        ['/usr/bin/electron', '--inspect=0', '--remote-debugging-port=0', '/app', '/p/churn'],
        false,
      ),
    ).toBe('/p/churn');
    expect(projectArg(['/usr/bin/electron', '--inspect=0', '/app'], false)).toBeNull();
    expect(projectArg(['/opt/Strata/strata', '/p/churn'], true)).toBe('/p/churn');
    expect(projectArg(['/opt/Strata/strata', '--no-sandbox'], true)).toBeNull();
    expect(projectArg(['/usr/bin/electron', '/app'], false)).toBeNull();
  });
});

describe('app:// file resolution', () => {
  const root = path.join(t.dir, 'renderer');
  fs.mkdirSync(path.join(root, 'assets'), { recursive: true });
  fs.writeFileSync(path.join(root, 'index.html'), '<!doctype html>');
  fs.writeFileSync(path.join(root, 'assets', 'index-abc.js'), 'export {}');
  fs.writeFileSync(path.join(root, 'assets', 'style.css'), 'body{}');
  fs.writeFileSync(path.join(t.dir, 'secret.txt'), 'do not serve');
  fs.mkdirSync(path.join(t.dir, 'renderer-evil'));
  fs.writeFileSync(path.join(t.dir, 'renderer-evil', 'x.js'), 'do not serve');
  fs.symlinkSync(path.join(t.dir, 'secret.txt'), path.join(root, 'assets', 'link.js'));

  it('serves files of the built UI with their type', () => {
    expect(resolveAppFile(root, 'app://strata/index.html')).toEqual({
      status: 200,
      file: fs.realpathSync(path.join(root, 'index.html')),
      type: 'text/html; charset=utf-8',
      headers: {},
    });
    // Vite's content-hashed assets may be cached for good; index.html, which names them, never.
    expect(resolveAppFile(root, 'app://strata/assets/index-abc.js?v=1')).toMatchObject({
      status: 200,
      type: 'text/javascript; charset=utf-8',
      headers: { 'Cache-Control': expect.stringContaining('immutable') },
    });
    expect(resolveAppFile(root, 'app://strata/assets/style.css')).toMatchObject({
      status: 200,
      type: 'text/css; charset=utf-8',
    });
  });

  it('answers client-side routes and the bare origin with index.html', () => {
    const index = fs.realpathSync(path.join(root, 'index.html'));
    expect(resolveAppFile(root, 'app://strata/')).toMatchObject({ status: 200, file: index });
    expect(resolveAppFile(root, 'app://strata')).toMatchObject({ status: 200, file: index });
    expect(resolveAppFile(root, 'app://strata/runs/compare')).toMatchObject({ status: 200, file: index });
  });

  it('never leaves the UI folder', () => {
    const escapes = [
      'app://strata/../secret.txt',
      'app://strata/%2e%2e/secret.txt',
      'app://strata/assets/%2E%2E%2F%2E%2E%2Fsecret.txt',
      'app://strata/..%2fsecret.txt',
      'app://strata/..%5csecret.txt',
      'app://strata/%2e%2e%2frenderer-evil/x.js',
      'app://strata/assets/link.js',
      'app://strata/index.html%00.js',
    ];
    for (const url of escapes) {
      const r = resolveAppFile(root, url);
      expect(r.status, url).not.toBe(200);
      if (r.status === 200) expect(r.file).not.toContain('secret');
    }
  });

  it('refuses other hosts and schemes, and 404s missing assets', () => {
    expect(resolveAppFile(root, 'app://other/index.html').status).toBe(404);
    expect(resolveAppFile(root, 'file:///etc/passwd').status).toBe(404);
    expect(resolveAppFile(root, 'app://strata/assets/missing.js').status).toBe(404);
    expect(resolveAppFile(root, 'app://strata/%E0%A4%A').status).toBe(400);
    expect(resolveAppFile(root, '::').status).toBe(400);
  });
});
