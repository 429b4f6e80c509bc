// Desktop notifications from the Electron host, run under Node against a stand-in `electron` module
// (the binary cannot be downloaded here): a drift alert from the real engine shows one notification;
// clicking it brings the window forward; other events show none.
import { describe, expect, it, vi } from 'vitest';
import { EventEmitter } from 'node:events';
import { Engine } from '../../electron/core/engine.js';
import { noticeFor } from '../../electron/main/notices.js';

const shown = vi.hoisted(() => [] as { options: { title: string; body: string }; note: EventEmitter }[]);

vi.mock('electron', async () => {
  const { EventEmitter: Emitter } = await import('node:events');
  class Notification extends Emitter {
    static isSupported = () => true;
    constructor(private options: { title: string; body: string }) {
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
