// The Electron IPC path without the Electron binary: the real preload (compiled by its own tsconfig
// into CommonJS) runs in a VM context whose `require('electron')` hands it a contextBridge and an
// ipcRenderer that deliver messages, structured-cloned as Electron does, to the real main-side handler
// (answerCall) and a real Engine; the renderer's own createBridgeApi sits on top.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import { Engine } from '../../electron/core/engine.js';
import { answerCall } from '../../electron/main/answer.js';
import {
  APP_ENTRY,
  CALL_CHANNEL,
  EVENT_CHANNEL,
  contractSwitches,
  type SenderFrame,
} from '../../electron/main/policy.js';
import { calls, events } from '../../shared/api/index.js';
import { StrataError } from '../../shared/errors.js';
import { createBridgeApi, type Bridge } from '../../renderer/api/bridge.js';
import { repoRoot, tempDir } from '../helpers/cli.js';

const t = tempDir('strata-electron-bridge-');
const home = path.join(t.dir, 'home');
const previousHome = process.env.STRATA_HOME;
let preloadCode = '';

beforeAll(() => {
  process.env.STRATA_HOME = home;
  const out = path.join(t.dir, 'preload');
  const r = spawnSync(
    path.join(repoRoot, 'node_modules', '.bin', 'tsc'),
    ['-p', 'tsconfig.preload.json', '--outDir', out],
    { cwd: repoRoot, encoding: 'utf8' },
  );
  expect(r.status, r.stdout + r.stderr).toBe(0);
  preloadCode = fs.readFileSync(path.join(out, 'index.js'), 'utf8');
});
afterAll(() => {
  if (previousHome === undefined) delete process.env.STRATA_HOME;
  else process.env.STRATA_HOME = previousHome;
  t.cleanup();
});

type Listener = (event: unknown, ...args: unknown[]) => void;

interface Loaded {
  exposed: Record<string, unknown>;
  required: string[];
  listeners: Map<string, Listener>;
  invoked: unknown[][];
  errors: unknown[];
}

/** Runs the compiled preload the way Electron's sandbox does: a CommonJS script with require, exports and process. */
function loadPreload(
  argv: string[],
  invoke: (channel: string, ...args: unknown[]) => Promise<unknown> = async () => ({
    ok: true,
    result: null,
  }),
): Loaded {
  const loaded: Loaded = { exposed: {}, required: [], listeners: new Map(), invoked: [], errors: [] };
  const electron = {
    contextBridge: { exposeInMainWorld: (key: string, api: unknown) => (loaded.exposed[key] = api) },
    ipcRenderer: {
      invoke: (channel: string, ...args: unknown[]) => {
        loaded.invoked.push([channel, ...args]);
        return invoke(channel, ...structuredClone(args));
      },
      on: (channel: string, listener: Listener) => loaded.listeners.set(channel, listener),
    },
  };
  const module = { exports: {} };
  vm.runInNewContext(preloadCode, {
    require: (id: string) => {
      loaded.required.push(id);
      if (id !== 'electron') throw new Error(`a sandboxed preload cannot require ${id}`);
      return electron;
    },
    module,
    exports: module.exports,
    process: { argv },
    console: { error: (e: unknown) => loaded.errors.push(e) },
  });
  return loaded;
}

const contractArgv = [
  '/usr/bin/electron',
  '--type=renderer',
  ...contractSwitches(Object.keys(calls), Object.keys(events)),
];

describe('the preload', () => {
  it('requires only electron and exposes exactly strataBridge = { call, on }', () => {
    const p = loadPreload(contractArgv);
    expect(p.required).toEqual(['electron']);
    expect(Object.keys(p.exposed)).toEqual(['strataBridge']);
    expect(Object.keys(p.exposed.strataBridge as object).sort()).toEqual(['call', 'on']);
    expect([...p.listeners.keys()]).toEqual([EVENT_CHANNEL]);
  });

  it('sends every call over the one channel the main process serves', async () => {
    const p = loadPreload(contractArgv);
    const bridge = p.exposed.strataBridge as Bridge;
    await bridge.call('project.open', { path: '/x' });
    expect(p.invoked).toEqual([[CALL_CHANNEL, 'project.open', { path: '/x' }]]);
  });

  it('answers a name outside the contract itself, without any IPC', async () => {
    const p = loadPreload(contractArgv);
    const bridge = p.exposed.strataBridge as Bridge;
    expect(await bridge.call('fs.rm', { path: '/' })).toEqual({
      ok: false,
      error: { code: 'UNKNOWN_CALL', message: 'Unknown call "fs.rm".' },
    });
    expect(await bridge.call(42 as unknown as string, {})).toMatchObject({
      ok: false,
      error: { code: 'UNKNOWN_CALL' },
    });
    expect(p.invoked).toEqual([]);
  });

  it('delivers only contract events, to their own subscribers, until unsubscribed', () => {
    const p = loadPreload(contractArgv);
    const bridge = p.exposed.strataBridge as Bridge;
    const seen: unknown[] = [];
    const off = bridge.on('project.changed', (payload) => seen.push(['project', payload]));
    bridge.on('job.update', (payload) => seen.push(['job', payload]));
    const deliver = p.listeners.get(EVENT_CHANNEL)!;
    deliver({}, 'project.changed', { name: 'a' });
    deliver({}, 'job.update', { id: 'j1' });
    deliver({}, 42, { bogus: true });
    off();
    deliver({}, 'project.changed', { name: 'b' });
    expect(seen).toEqual([
      ['project', { name: 'a' }],
      ['job', { id: 'j1' }],
    ]);
    expect(() => bridge.on('fs.readFile', () => undefined)).toThrow(/unknown event "fs.readFile"/);
    expect(() => bridge.on('project.changed', 'not a function' as unknown as () => void)).toThrow(
      /must be a function/,
    );
  });

  it('keeps delivering when one subscriber throws', () => {
    const p = loadPreload(contractArgv);
    const bridge = p.exposed.strataBridge as Bridge;
    const seen: unknown[] = [];
    bridge.on('project.changed', () => {
      throw new Error('broken subscriber');
    });
    bridge.on('project.changed', (payload) => seen.push(payload));
    p.listeners.get(EVENT_CHANNEL)!({}, 'project.changed', null);
    expect(seen).toEqual([null]);
    expect(String(p.errors[0])).toMatch(/broken subscriber/);
  });

  it('refuses every call and event when the main process passed no lists', async () => {
    const p = loadPreload(['/usr/bin/electron']);
    const bridge = p.exposed.strataBridge as Bridge;
    expect(() => bridge.on('project.changed', () => undefined)).toThrow(/unknown event/);
    expect(await bridge.call('app.info', {})).toMatchObject({ ok: false, error: { code: 'UNKNOWN_CALL' } });
    expect(p.invoked).toEqual([]);
  });
});

describe('renderer → preload → main → engine', () => {
  function connect(engine: Engine, frame: SenderFrame | null) {
    const p = loadPreload(contractArgv, (channel, name, params) => {
      expect(channel).toBe(CALL_CHANNEL);
      return answerCall(engine, frame, name, params).then((a) => structuredClone(a));
    });
    return {
      api: createBridgeApi(p.exposed.strataBridge as Bridge),
      deliver: p.listeners.get(EVENT_CHANNEL)!,
    };
  }

  it('answers a call, and turns engine errors back into StrataErrors', async () => {
    const engine = new Engine({
      pickFolder: async () => '/picked',
      pickBundle: async () => '/picked/model.tar',
    });
    const { api } = connect(engine, { url: APP_ENTRY, isMainFrame: true });
    const info = await api.call('app.info', {});
    expect(info.canPickFolder).toBe(true);
    expect(info.canPickBundle).toBe(true);
    expect(await api.call('app.pickFolder', {})).toEqual({ path: '/picked' });
    expect(await api.call('app.pickBundle', {})).toEqual({ path: '/picked/model.tar' });
    const missing = path.join(t.dir, 'no-such-folder');
    const err = await api.call('project.open', { path: missing }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StrataError);
    expect((err as StrataError).code).toBe('PROJECT_MISSING');
    const bad = await api.call('project.open', { path: 42 } as never).catch((e: unknown) => e);
    expect((bad as StrataError).code).toBe('BAD_REQUEST');
    const unknown = await api.call('fs.rm' as never, {} as never).catch((e: unknown) => e);
    expect((unknown as StrataError).code).toBe('UNKNOWN_CALL');
    engine.dispose();
  });

  it('validates names and params in the main process too, whatever the renderer sends', async () => {
    const engine = new Engine();
    const frame = { url: APP_ENTRY, isMainFrame: true };
    expect(await answerCall(engine, frame, 'fs.rm', {})).toMatchObject({
      ok: false,
      error: { code: 'UNKNOWN_CALL' },
    });
    expect(await answerCall(engine, frame, { toString: () => 'app.info' }, {})).toMatchObject({
      ok: false,
      error: { code: 'UNKNOWN_CALL' },
    });
    expect(await answerCall(engine, frame, 'recent.forget', { path: '' })).toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST' },
    });
    expect(await answerCall(engine, frame, 'project.current', { extra: 1 })).toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST' },
    });
    expect(await answerCall(engine, frame, 'project.current', undefined)).toEqual({ ok: true, result: null });
    engine.dispose();
  });

  it('refuses calls from frames that are not our UI, before the engine sees them', async () => {
    const engine = new Engine();
    const target = path.join(t.dir, 'would-be-project');
    for (const frame of [
      { url: 'https://evil.example/', isMainFrame: true },
      { url: APP_ENTRY, isMainFrame: false },
      null,
    ]) {
      const { api } = connect(engine, frame);
      const err = await api.call('project.init', { path: target }).catch((e: unknown) => e);
      expect((err as StrataError).code).toBe('UNAUTHORIZED');
    }
    expect(fs.existsSync(target)).toBe(false);
    expect(engine.project).toBeNull();
    engine.dispose();
  });

  it('forwards engine events to the renderer', async () => {
    const engine = new Engine();
    const { api, deliver } = connect(engine, { url: APP_ENTRY, isMainFrame: true });
    const seen: unknown[] = [];
    api.on('project.changed', (summary) => seen.push(summary?.name ?? null));
    // What electron/main/ipc.ts forwardEvents does with webContents.send.
    engine.subscribe((event, payload) => deliver({}, event, structuredClone(payload)));
    const dir = path.join(t.dir, 'events-project');
    await api.call('project.init', { path: dir });
    await api.call('project.close', {});
    expect(seen).toEqual(['events-project', null]);
    engine.dispose();
  });
});
