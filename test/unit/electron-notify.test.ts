// Desktop notifications from the Electron host, run under Node against a stand-in `electron` module
// (the binary cannot be downloaded here): a drift alert from the real engine shows one notification;
// clicking it brings the window forward; other events show none. A CT cycle that waits for approval
// shows one whose click opens the Automation view (and, on macOS only, whose Approve / Reject buttons
// decide the real cycle in the project's database).
import { describe, expect, it, vi } from 'vitest';
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import { Engine } from '../../electron/core/engine.js';
import { noticeFor } from '../../electron/main/notices.js';
import { ctService } from '../../electron/core/ct/service.js';
import type { CtCycle } from '../../shared/api/ct.js';
import { tempDir } from '../helpers/cli.js';

interface Options {
  title: string;
  body: string;
  actions?: { type: string; text: string }[];
}
const shown = vi.hoisted(() => [] as { options: Options; note: EventEmitter }[]);

vi.mock('electron', async () => {
  const { EventEmitter: Emitter } = await import('node:events');
  class Notification extends Emitter {
    static isSupported = () => true;
    constructor(private options: Options) {
      super();
    }
    show() {
      shown.push({ options: this.options, note: this });
    }
  }
  return { Notification };
});

describe('desktop notifications', () => {
  it('say which monitor drifted, in which window and what; nothing for other events', () => {
    expect(
      noticeFor('drift.alert', {
        monitor: 'churn',
        window: 3,
        columns: ['age', 'plan'],
        detections: [],
        at: '',
      }),
    ).toEqual({ title: 'Drift in churn', body: 'Window 3: age, plan drifted.' });
    expect(
      noticeFor('drift.alert', { monitor: 'm', window: 1, columns: [], detections: ['adwin'], at: '' })?.body,
    ).toBe("Window 1: adwin detected a change in the model's errors.");
    expect(noticeFor('run.update', {})).toBeNull();
  });

  it('show one for an alert the engine emits, and a click focuses the window', async () => {
    const { notifyAlerts } = await import('../../electron/main/notify.js');
    const engine = new Engine({ services: [], rememberRecent: false });
    const win = { isMinimized: () => true, restore: vi.fn(), focus: vi.fn() };
    const stop = notifyAlerts(engine, () => win as never);
    engine.emit('run.metrics', { runId: 'r', keys: [] });
    expect(shown).toHaveLength(0);
    engine.emit('drift.alert', { monitor: 'churn', window: 2, columns: ['age'], detections: [], at: '' });
    expect(shown.map((s) => s.options.title)).toEqual(['Drift in churn']);
    shown[0].note.emit('click');
    expect(win.restore).toHaveBeenCalled();
    expect(win.focus).toHaveBeenCalled();
    stop();
    engine.emit('drift.alert', { monitor: 'churn', window: 3, columns: ['age'], detections: [], at: '' });
    expect(shown).toHaveLength(1);
    await engine.shutdown();
  });
});

describe('desktop notifications for CT cycles', () => {
  const cycle = (over: Partial<CtCycle>): CtCycle => ({
    id: 4,
    trigger: 'dataset',
    triggers: [],
    reason: 'batches@2',
    status: 'running',
    step: 'approval',
    steps: [],
    outcome: null,
    model: 'model',
    version: 2,
    decidedBy: null,
    startedAt: '',
    endedAt: null,
    ...over,
  });

  it('tell of a waiting, finished, failed, rejected or interrupted cycle, not of one still running', () => {
    expect(noticeFor('ct.cycle', cycle({ status: 'waiting' }))).toEqual({
      title: 'CT cycle 4 waits for approval',
      body: 'model@2: batches@2',
      show: '#pipelines/automation',
      approve: 4,
    });
    expect(noticeFor('ct.cycle', cycle({ status: 'failed', outcome: 'validation fail' }))).toEqual({
      title: 'CT cycle 4 failed',
      body: 'validation fail',
      show: '#pipelines/automation',
    });
    expect(noticeFor('ct.cycle', cycle({ status: 'succeeded', outcome: 'model@2 serving' }))?.title).toBe(
      'CT cycle 4 finished',
    );
    expect(noticeFor('ct.cycle', cycle({ status: 'running' }))).toBeNull();
    expect(noticeFor('ct.cycle', cycle({ status: 'unchanged' }))).toBeNull();
  });

  /** A project whose CT cycle waits for a person before it promotes: a real cycle row, waiting. */
  async function waitingCycle() {
    const t = tempDir('strata-notify-ct-');
    fs.writeFileSync(
      path.join(t.dir, 'strata.yaml'),
      `artifacts:
  model: { path: model.txt, kind: model }
stages:
  train:
    cmd: node -e "require('fs').writeFileSync('model.txt', String(Date.now()))"
    outs: [model.txt]
    always_changed: true
ct:
  model: model
  promote: champion
  approval: promote
`,
    );
    const engine = new Engine({ services: [ctService], rememberRecent: false });
    engine.openProject(t.dir, 'init');
    return { engine, t };
  }

  async function until<T>(fn: () => Promise<T | undefined> | T | undefined): Promise<T> {
    const end = Date.now() + 60000;
    for (;;) {
      const v = await fn();
      if (v !== undefined) return v;
      if (Date.now() > end) throw new Error('timed out');
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  it.each(['linux', 'win32'] as const)(
    'on %s: no buttons; a click focuses the window and opens the Automation view',
    async (platform) => {
      shown.length = 0;
      const { notifyAlerts } = await import('../../electron/main/notify.js');
      const { engine, t } = await waitingCycle();
      const send = vi.fn();
      const win = {
        isMinimized: () => false,
        isDestroyed: () => false,
        restore: vi.fn(),
        focus: vi.fn(),
        webContents: { send },
      };
      const stop = notifyAlerts(engine, () => win as never, platform);
      try {
        const { cycleId } = await engine.invoke('ct.run', {});
        const note = await until(() =>
          shown.find((s) => s.options.title === `CT cycle ${cycleId} waits for approval`),
        );
        expect(note.options.actions).toBeUndefined();
        note.note.emit('click');
        expect(win.focus).toHaveBeenCalled();
        expect(send).toHaveBeenCalledWith('strata:event', 'app.show', { to: '#pipelines/automation' });
        await engine.invoke('ct.reject', { id: cycleId });
      } finally {
        stop();
        await engine.shutdown();
        t.cleanup();
      }
    },
    90000,
  );

  it('on macOS: Approve and Reject on the notification decide the waiting cycle', async () => {
    shown.length = 0;
    const { notifyAlerts } = await import('../../electron/main/notify.js');
    const { engine, t } = await waitingCycle();
    const stop = notifyAlerts(engine, () => null, 'darwin');
    try {
      const decided = async (id: number) =>
        until(async () => {
          const c = await engine.invoke('ct.cycle', { id });
          return ['running', 'waiting'].includes(c.status) ? undefined : c;
        });
      const first = (await engine.invoke('ct.run', {})).cycleId;
      const ask1 = await until(() =>
        shown.find((s) => s.options.title === `CT cycle ${first} waits for approval`),
      );
      expect(ask1.options.actions?.map((a) => a.text)).toEqual(['Approve', 'Reject']);
      ask1.note.emit('action', {}, 0);
      const approved = await decided(first);
      expect(approved.status).toBe('succeeded');
      expect(approved.steps.find((s) => s.name === 'approval')?.message).toMatch(/^approved by /);
      await until(() => shown.find((s) => s.options.title === `CT cycle ${first} finished`));

      const second = (await engine.invoke('ct.run', {})).cycleId;
      const ask2 = await until(() =>
        shown.find((s) => s.options.title === `CT cycle ${second} waits for approval`),
      );
      ask2.note.emit('action', {}, 1);
      const rejected = await decided(second);
      expect(rejected.status).toBe('rejected');
      const champion = (await engine.invoke('artifacts.versions', { artifact: 'model' })).versions.find((v) =>
        v.aliases.includes('champion'),
      );
      expect(champion?.number).toBe(approved.version);
    } finally {
      stop();
      await engine.shutdown();
      t.cleanup();
    }
  }, 90000);
});
