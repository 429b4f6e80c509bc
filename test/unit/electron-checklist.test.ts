// Electron's security checklist (electronjs.org/docs/latest/tutorial/security), checked on the real
// main-process code without the Electron binary: electron/main/index.ts starts against a stand-in
// 'electron' module that records every window, web contents handler, session handler, protocol and
// IPC handler the app installs. Each is then walked against the checklist; a new option, handler or
// channel that nobody reviewed fails here. A source scan covers code the start-up does not reach.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import { APP_ORIGIN, CALL_CHANNEL, EVENT_CHANNEL, isAppUrl } from '../../electron/main/policy.js';
import { CSP } from '../../electron/host/security.js';
import { repoRoot, tempDir } from '../helpers/cli.js';

type Listener = (...args: unknown[]) => unknown;

/** What the app asked of Electron. */
const seen = vi.hoisted(() => ({
  windows: [] as { options: Record<string, unknown>; loaded: string[]; sent: unknown[][] }[],
  ipcHandle: new Map<string, (...args: unknown[]) => unknown>(),
  ipcOn: [] as string[],
  schemes: [] as { scheme: string; privileges: Record<string, unknown> }[],
  protocolHandlers: new Map<string, (req: Request) => Promise<Response>>(),
  opened: [] as string[],
  permissionRequest: null as null | Listener,
  permissionCheck: null as null | Listener,
  devicePermission: null as null | Listener,
  sandboxEnabled: false,
  readyBeforeSandbox: false,
  exited: [] as number[],
  app: null as null | (EventEmitter & Record<string, unknown>),
  ready: null as null | (() => void),
  /** every open dialog's options, and what the next one answers */
  openDialogs: [] as Record<string, unknown>[],
  nextPick: { canceled: true, filePaths: [] as string[] },
}));

vi.mock('electron', async () => {
  const { EventEmitter } = await import('node:events');
  let isReady = false;
  let readyResolve!: () => void;
  const readyPromise = new Promise<void>((r) => (readyResolve = r));
  seen.ready = () => {
    isReady = true;
    readyResolve();
  };
  const app = Object.assign(new EventEmitter(), {
    isPackaged: false,
    name: 'Strata',
    setName: () => undefined,
    setPath: () => undefined,
    getPath: () => '/nonexistent-electron-userdata',
    enableSandbox: () => {
      seen.sandboxEnabled = true;
      seen.readyBeforeSandbox = isReady;
    },
    requestSingleInstanceLock: () => true,
    whenReady: () => readyPromise,
    quit: () => undefined,
    exit: (code: number) => seen.exited.push(code),
  });
  seen.app = app as never;
  class WebContents extends EventEmitter {
    windowOpenHandler: null | Listener = null;
    sent: unknown[][] = [];
    setWindowOpenHandler(h: Listener) {
      this.windowOpenHandler = h;
    }
    send(...args: unknown[]) {
      this.sent.push(args);
    }
  }
  class BrowserWindow extends EventEmitter {
    webContents = new WebContents();
    record: { options: Record<string, unknown>; loaded: string[]; sent: unknown[][] };
    constructor(options: Record<string, unknown>) {
      super();
      this.record = { options, loaded: [], sent: this.webContents.sent };
      seen.windows.push(this.record);
      app.emit('web-contents-created', {}, this.webContents);
    }
    loadURL(url: string) {
      this.record.loaded.push(url);
      return Promise.resolve();
    }
    isDestroyed() {
      return false;
    }
  }
  return {
    app,
    BrowserWindow,
    nativeTheme: { shouldUseDarkColors: false },
    session: {
      defaultSession: {
        setPermissionRequestHandler: (h: Listener) => (seen.permissionRequest = h),
        setPermissionCheckHandler: (h: Listener) => (seen.permissionCheck = h),
        setDevicePermissionHandler: (h: Listener) => (seen.devicePermission = h),
      },
    },
    ipcMain: {
      handle: (channel: string, h: (...args: unknown[]) => unknown) => seen.ipcHandle.set(channel, h),
      on: (channel: string) => seen.ipcOn.push(channel),
      once: (channel: string) => seen.ipcOn.push(channel),
      handleOnce: (channel: string) => seen.ipcOn.push(channel),
    },
    protocol: {
      registerSchemesAsPrivileged: (list: { scheme: string; privileges: Record<string, unknown> }[]) =>
        seen.schemes.push(...list),
      handle: (scheme: string, h: (req: Request) => Promise<Response>) =>
        seen.protocolHandlers.set(scheme, h),
    },
    shell: { openExternal: async (url: string) => void seen.opened.push(url) },
    Menu: { buildFromTemplate: (t: unknown) => t, setApplicationMenu: () => undefined },
    dialog: {
      // Called (window, options) or (options), as Electron's dialog is.
      showOpenDialog: async (...args: unknown[]) => {
        seen.openDialogs.push(args[args.length - 1] as Record<string, unknown>);
        return seen.nextPick;
      },
      showMessageBox: async () => ({ response: 1 }),
      showErrorBox: () => undefined,
    },
  };
});

const t = tempDir('strata-electron-checklist-');
const previous = { home: process.env.STRATA_HOME, argv: process.argv };
const contents: EventEmitter[] = [];

beforeAll(async () => {
  process.env.STRATA_HOME = path.join(t.dir, 'home');
  // As `electron <app>` starts it: no project folder named.
  process.argv = ['/usr/bin/electron', repoRoot];
  await import('../../electron/main/index.js');
  seen.app!.on('web-contents-created', (_e: unknown, wc: EventEmitter) => contents.push(wc));
  seen.ready!();
  // The ready handler opens no project, then creates the window.
  for (let i = 0; i < 100 && seen.windows.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
});
afterAll(async () => {
  const quit = { preventDefault: () => undefined };
  seen.app!.emit('will-quit', quit);
  for (let i = 0; i < 100 && seen.exited.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
  process.argv = previous.argv;
  if (previous.home === undefined) delete process.env.STRATA_HOME;
  else process.env.STRATA_HOME = previous.home;
  t.cleanup();
});

// Every webPreferences key the app may set, with the only value the checklist allows (or a check).
const reviewedPreferences: Record<string, (v: unknown) => boolean> = {
  preload: (v) => typeof v === 'string' && v.endsWith(path.join('preload', 'index.js')),
  contextIsolation: (v) => v === true,
  sandbox: (v) => v === true,
  nodeIntegration: (v) => v === false,
  nodeIntegrationInSubFrames: (v) => v === false,
  nodeIntegrationInWorker: (v) => v === false,
  webSecurity: (v) => v === true,
  allowRunningInsecureContent: (v) => v === false,
  webviewTag: (v) => v === false,
  navigateOnDragDrop: (v) => v === false,
  devTools: (v) => typeof v === 'boolean',
  additionalArguments: (v) =>
    Array.isArray(v) && v.every((a) => typeof a === 'string' && a.startsWith('--strata-')),
};
// Window options outside webPreferences that are plain looks.
const reviewedWindowOptions = new Set([
  'width',
  'height',
  'minWidth',
  'minHeight',
  'title',
  'show',
  'backgroundColor',
  'webPreferences',
]);

describe('windows and web contents', () => {
  it('opens one window, on our bundled UI only', () => {
    expect(seen.windows).toHaveLength(1);
    for (const w of seen.windows) {
      expect(w.loaded.length).toBeGreaterThan(0);
      for (const url of w.loaded) expect(isAppUrl(url), url).toBe(true);
    }
  });

  it('sets every security preference, and no option that was not reviewed', () => {
    for (const w of seen.windows) {
      for (const key of Object.keys(w.options))
        expect(reviewedWindowOptions.has(key), `window option ${key} is not reviewed`).toBe(true);
      const prefs = w.options.webPreferences as Record<string, unknown>;
      for (const [key, ok] of Object.entries(reviewedPreferences))
        expect(ok(prefs[key]), `webPreferences.${key} = ${JSON.stringify(prefs[key])}`).toBe(true);
      for (const key of Object.keys(prefs))
        expect(key in reviewedPreferences, `webPreferences.${key} is not reviewed`).toBe(true);
    }
  });

  it('turns on the sandbox for every renderer before the app is ready', () => {
    expect(seen.sandboxEnabled).toBe(true);
    expect(seen.readyBeforeSandbox).toBe(false);
  });

  it('hardens every web contents: no navigation, no new windows, no webviews', () => {
    expect(contents.length).toBeGreaterThan(0);
    for (const wc of contents as (EventEmitter & { windowOpenHandler: Listener | null })[]) {
      expect(wc.listenerCount('will-navigate')).toBeGreaterThan(0);
      expect(wc.listenerCount('will-attach-webview')).toBeGreaterThan(0);
      expect(wc.windowOpenHandler).not.toBeNull();
      for (const url of [
        'https://evil.example/',
        'http://127.0.0.1:1/',
        'file:///etc/passwd',
        `${APP_ORIGIN}/elsewhere.html`,
        'javascript:alert(1)',
        'about:blank',
      ]) {
        let prevented = false;
        wc.emit('will-navigate', { preventDefault: () => (prevented = true) }, url);
        expect(prevented, `navigation to ${url}`).toBe(true);
        expect(wc.windowOpenHandler!({ url }), `window.open(${url})`).toEqual({ action: 'deny' });
      }
      let webview = false;
      wc.emit('will-attach-webview', { preventDefault: () => (webview = true) }, {}, {});
      expect(webview).toBe(true);
    }
  });

  it('hands only https links to the system browser, never other schemes', () => {
    seen.opened.length = 0;
    const wc = contents[0] as EventEmitter & { windowOpenHandler: Listener };
    for (const url of [
      'file:///etc/passwd',
      'smb://host/share',
      'ms-msdt:/id',
      'http://example.com/',
      'javascript:alert(1)',
      'https://user:pw@example.com/',
    ]) {
      wc.emit('will-navigate', { preventDefault: () => undefined }, url);
      wc.windowOpenHandler({ url });
    }
    expect(seen.opened).toEqual([]);
    wc.windowOpenHandler({ url: 'https://github.com/' });
    expect(seen.opened).toEqual(['https://github.com/']);
  });
});

describe('session', () => {
  it('denies every permission request and check', () => {
    expect(seen.permissionRequest).not.toBeNull();
    expect(seen.permissionCheck).not.toBeNull();
    expect(seen.devicePermission).not.toBeNull();
    for (const permission of [
      'media',
      'geolocation',
      'notifications',
      'midi',
      'pointerLock',
      'fullscreen',
      'openExternal',
      'clipboard-read',
      'hid',
      'serial',
      'usb',
      'display-capture',
    ]) {
      let granted: unknown = 'no answer';
      seen.permissionRequest!({}, permission, (g: boolean) => (granted = g), { requestingUrl: APP_ORIGIN });
      expect(granted, permission).toBe(false);
      expect(seen.permissionCheck!({}, permission, APP_ORIGIN, {}), permission).toBe(false);
    }
    expect(seen.devicePermission!({ deviceType: 'usb', origin: APP_ORIGIN })).toBe(false);
  });
});

describe('the app:// protocol', () => {
  it('is one scheme with no privilege that bypasses CSP or adds service workers', () => {
    expect(seen.schemes.map((s) => s.scheme)).toEqual(['app']);
    const p = seen.schemes[0].privileges;
    expect(p.bypassCSP ?? false).toBe(false);
    expect(p.allowServiceWorkers ?? false).toBe(false);
    expect(p.secure).toBe(true);
    expect([...seen.protocolHandlers.keys()]).toEqual(['app']);
  });

  it('answers with the CSP, refuses other methods, and never leaves the UI folder', async () => {
    const handler = seen.protocolHandlers.get('app')!;
    const post = await handler(new Request(`${APP_ORIGIN}/index.html`, { method: 'POST' }));
    expect(post.status).toBe(405);
    for (const url of [`${APP_ORIGIN}/../../../etc/passwd`, `${APP_ORIGIN}/%2e%2e/%2e%2e/package.json`]) {
      const res = await handler(new Request(url));
      // A path without an extension is a client-side route (index.html, when the UI is built).
      const body = await res.text();
      expect(body, url).not.toContain('root:');
      expect(body, url).not.toContain('"name": "strata-mlops"');
      expect(res.headers.get('content-security-policy'), url).toBe(CSP);
    }
    expect(CSP).toContain("script-src 'self'");
    expect(CSP).not.toContain('unsafe-eval');
    expect(CSP).toContain("object-src 'none'");
  });
});

describe('IPC', () => {
  it('has exactly one channel, an invoke handler; no fire-and-forget or synchronous ones', () => {
    expect([...seen.ipcHandle.keys()]).toEqual([CALL_CHANNEL]);
    expect(seen.ipcOn).toEqual([]);
  });

  it('checks the sender of every message before anything else', async () => {
    const target = path.join(t.dir, 'would-be-project');
    for (const senderFrame of [
      { url: 'https://evil.example/', parent: null },
      { url: `${APP_ORIGIN}/index.html`, parent: {} },
      { url: 'file:///index.html', parent: null },
      null,
    ]) {
      for (const handler of seen.ipcHandle.values()) {
        const answer = await handler({ senderFrame }, 'project.init', { path: target });
        expect(answer, JSON.stringify(senderFrame)).toMatchObject({
          ok: false,
          error: { code: 'UNAUTHORIZED' },
        });
      }
    }
    expect(fs.existsSync(target)).toBe(false);
  });

  it('validates the name and the params of every message from our UI', async () => {
    const ours = { senderFrame: { url: `${APP_ORIGIN}/index.html`, parent: null } };
    const handler = seen.ipcHandle.get(CALL_CHANNEL)!;
    for (const [name, params, code] of [
      ['fs.rm', {}, 'UNKNOWN_CALL'],
      ['__proto__', {}, 'UNKNOWN_CALL'],
      ['constructor', {}, 'UNKNOWN_CALL'],
      [{ toString: () => 'app.info' }, {}, 'UNKNOWN_CALL'],
      [42, {}, 'UNKNOWN_CALL'],
      ['project.open', { path: 42 }, 'BAD_REQUEST'],
      ['project.open', [], 'BAD_REQUEST'],
      ['app.info', { extra: true }, 'BAD_REQUEST'],
    ] as const) {
      expect(await handler(ours, name, params), String(name)).toMatchObject({ ok: false, error: { code } });
    }
    expect(await handler(ours, 'app.info', {})).toMatchObject({ ok: true });
  });

  it('opens a bundle through the native file picker: one file, bundle extensions, over the one channel', async () => {
    const ours = { senderFrame: { url: `${APP_ORIGIN}/index.html`, parent: null } };
    const handler = seen.ipcHandle.get(CALL_CHANNEL)!;
    // The preload lets through only the names the main process passes it: this one among them.
    const args = (seen.windows[0].options.webPreferences as { additionalArguments: string[] })
      .additionalArguments;
    const calls = args.find((a) => a.startsWith('--strata-calls='))!.slice('--strata-calls='.length);
    expect(calls.split(',')).toContain('app.pickBundle');
    expect(await handler(ours, 'app.info', {})).toMatchObject({ ok: true, result: { canPickBundle: true } });
    expect(await handler(ours, 'app.pickBundle', { path: '/etc/passwd' })).toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST' },
    });
    seen.openDialogs.length = 0;
    seen.nextPick = { canceled: false, filePaths: ['/home/you/Downloads/model-3.tar'] };
    expect(await handler(ours, 'app.pickBundle', {})).toEqual({
      ok: true,
      result: { path: '/home/you/Downloads/model-3.tar' },
    });
    seen.nextPick = { canceled: true, filePaths: [] };
    expect(await handler(ours, 'app.pickBundle', {})).toEqual({ ok: true, result: { path: null } });
    expect(seen.openDialogs).toHaveLength(2);
    for (const options of seen.openDialogs) {
      expect(options.properties).toEqual(['openFile']);
      expect(options.filters).toContainEqual({ name: 'Strata bundle', extensions: ['tar', 'tgz', 'gz'] });
    }
  });

  it('pushes events to the window on the one event channel', () => {
    const sent = seen.windows.flatMap((w) => w.sent);
    for (const [channel] of sent) expect(channel).toBe(EVENT_CHANNEL);
  });
});

describe('the source of the Electron host', () => {
  const dirs = ['electron/main', 'electron/preload'];
  const files = dirs.flatMap((d) =>
    fs
      .readdirSync(path.join(repoRoot, d))
      .filter((f) => f.endsWith('.ts'))
      .map((f) => path.join(d, f)),
  );
  const source = (f: string) => fs.readFileSync(path.join(repoRoot, f), 'utf8');

  it('sets no preference that weakens a renderer, anywhere', () => {
    const weak = [
      /contextIsolation\s*:\s*false/,
      /sandbox\s*:\s*false/,
      /nodeIntegration\w*\s*:\s*true/,
      /webSecurity\s*:\s*false/,
      /allowRunningInsecureContent\s*:\s*true/,
      /webviewTag\s*:\s*true/,
      /experimentalFeatures\s*:\s*true/,
      /enableBlinkFeatures/,
      /enableRemoteModule/,
      /@electron\/remote/,
      /executeJavaScript/,
      /bypassCSP\s*:\s*true/,
      /disable-web-security/,
      /--no-sandbox/,
      /ignore-certificate-errors/,
    ];
    for (const f of files)
      for (const re of weak) expect(re.test(source(f)), `${f} matches ${re}`).toBe(false);
  });

  it('keeps each powerful API in the one file that was reviewed for it', () => {
    const owners: [RegExp, string][] = [
      [/new BrowserWindow\(/, 'electron/main/window.ts'],
      [/\bshell\.\w+\(/, 'electron/main/harden.ts'],
      [/\bipcMain\.\w+\(/, 'electron/main/ipc.ts'],
      [/\bprotocol\.\w+\(/, 'electron/main/protocol.ts'],
      [/setPermission\w*Handler|setDevicePermissionHandler/, 'electron/main/harden.ts'],
      [/setWindowOpenHandler/, 'electron/main/harden.ts'],
      [/contextBridge\.exposeInMainWorld/, 'electron/preload/index.ts'],
    ];
    for (const [re, owner] of owners) {
      const users = files.filter((f) => re.test(source(f)));
      expect(users, String(re)).toEqual([owner]);
    }
  });
});
