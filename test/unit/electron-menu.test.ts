import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import type { RecentProject } from '../../shared/api/app.js';
import { Engine } from '../../electron/core/engine.js';
import {
  menuTemplate,
  type MenuActions,
  type MenuItemSpec,
  type MenuState,
} from '../../electron/main/menu-template.js';
import {
  closeProjectFlow,
  menuInputs,
  openProjectFlow,
  reviewProjectFlow,
  type MenuDialogs,
} from '../../electron/main/menu-actions.js';
import { repoRoot, tempDir } from '../helpers/cli.js';

const t = tempDir('strata-electron-menu-');
const previousHome = process.env.STRATA_HOME;
beforeAll(() => {
  process.env.STRATA_HOME = path.join(t.dir, 'home');
});
afterAll(() => {
  if (previousHome === undefined) delete process.env.STRATA_HOME;
  else process.env.STRATA_HOME = previousHome;
  t.cleanup();
});

function recorder() {
  const calls: string[] = [];
  const actions: MenuActions = {
    openProject: () => calls.push('open'),
    reviewProject: () => calls.push('review'),
    openRecent: (p) => calls.push(`recent:${p}`),
    closeProject: () => calls.push('close'),
  };
  return { calls, actions };
}

const base: MenuState = {
  platform: 'linux',
  appName: 'Strata',
  recent: [],
  hasProject: false,
  devTools: false,
};

function top(template: MenuItemSpec[], label: string): MenuItemSpec[] {
  const menu = template.find((m) => m.label === label);
  expect(menu, `menu ${label}`).toBeDefined();
  return menu!.submenu!;
}
function item(items: MenuItemSpec[], label: string): MenuItemSpec {
  const found = items.find((i) => i.label === label);
  expect(found, `item ${label}`).toBeDefined();
  return found!;
}

describe('menu template', () => {
  it('File has Open Project…, Open Recent, Close Project and Quit with the usual shortcuts', () => {
    const { calls, actions } = recorder();
    const file = top(menuTemplate({ ...base, hasProject: true }, actions), 'File');
    expect(item(file, 'Open Project…').accelerator).toBe('CmdOrCtrl+O');
    expect(item(file, 'Close Project')).toMatchObject({ accelerator: 'CmdOrCtrl+W', enabled: true });
    expect(item(file, 'Quit')).toMatchObject({ role: 'quit', accelerator: 'CmdOrCtrl+Q' });
    item(file, 'Open Project…').click!();
    item(file, 'Close Project').click!();
    expect(calls).toEqual(['open', 'close']);
  });

  it('greys out Close Project when nothing is open', () => {
    const file = top(menuTemplate(base, recorder().actions), 'File');
    expect(item(file, 'Close Project').enabled).toBe(false);
  });

  it('lists recent projects, disabling the ones that are gone', () => {
    const recent: RecentProject[] = [
      { path: '/p/churn', name: 'churn', openedAt: '2026-01-02T00:00:00Z', exists: true },
      { path: '/p/old', name: 'old', openedAt: '2026-01-01T00:00:00Z', exists: false },
    ];
    const { calls, actions } = recorder();
    const items = item(top(menuTemplate({ ...base, recent }, actions), 'File'), 'Open Recent').submenu!;
    expect(items.map((i) => [i.label, i.enabled])).toEqual([
      ['churn — /p/churn', true],
      ['old — /p/old', false],
    ]);
    items[0].click!();
    expect(calls).toEqual(['recent:/p/churn']);
    const empty = item(top(menuTemplate(base, actions), 'File'), 'Open Recent').submenu!;
    expect(empty).toEqual([{ label: 'No Recent Projects', enabled: false }]);
  });

  it('has Edit and View menus made of standard roles, with developer tools only in development', () => {
    const t1 = menuTemplate(base, recorder().actions);
    expect(
      top(t1, 'Edit')
        .filter((i) => i.role)
        .map((i) => i.role),
    ).toEqual(['undo', 'redo', 'cut', 'copy', 'paste', 'delete', 'selectAll']);
    expect(top(t1, 'View').some((i) => i.role === 'toggleDevTools')).toBe(false);
    expect(
      top(menuTemplate({ ...base, devTools: true }, recorder().actions), 'View').some(
        (i) => i.role === 'toggleDevTools',
      ),
    ).toBe(true);
  });

  it('on macOS puts an app menu first and Quit there, not under File', () => {
    const mac = menuTemplate({ ...base, platform: 'darwin' }, recorder().actions);
    expect(mac.map((m) => m.label ?? m.role)).toEqual(['Strata', 'File', 'Edit', 'View', 'windowMenu']);
    expect(mac[0].submenu!.find((i) => i.role === 'quit')?.accelerator).toBe('CmdOrCtrl+Q');
    expect(top(mac, 'File').some((i) => i.role === 'quit')).toBe(false);
  });
});

describe('menu actions through the engine', () => {
  function dialogs(answerInit: boolean) {
    const shown: { title: string; message: string }[] = [];
    const asked: string[] = [];
    const d: MenuDialogs = {
      confirmInit: async (dir) => {
        asked.push(dir);
        return answerInit;
      },
      showError: (title, message) => shown.push({ title, message }),
    };
    return { d, shown, asked };
  }

  function exampleCopy(): string {
    const dir = fs.mkdtempSync(path.join(t.dir, 'example-'));
    fs.cpSync(path.join(repoRoot, 'resources', 'examples', 'tabular'), dir, {
      recursive: true,
      filter: (p) => path.basename(p) !== '.strata',
    });
    return dir;
  }

  it('Open Project… opens the picked project and the menu then lists it', async () => {
    const dir = exampleCopy();
    const engine = new Engine({ pickFolder: async () => dir });
    const { d, shown } = dialogs(false);
    await openProjectFlow(engine, d);
    expect(shown).toEqual([]);
    expect(engine.project?.root).toBe(dir);
    const inputs = await menuInputs(engine);
    expect(inputs.hasProject).toBe(true);
    expect(inputs.recent[0]).toMatchObject({ path: dir, exists: true });
    await closeProjectFlow(engine, d);
    expect(engine.project).toBeNull();
    expect((await menuInputs(engine)).hasProject).toBe(false);
    engine.dispose();
  });

  it('Open for Review (Read-Only)… opens the picked project read-only; a folder with no record is refused', async () => {
    const { calls, actions } = recorder();
    item(top(menuTemplate(base, actions), 'File'), 'Open for Review (Read-Only)…').click!();
    expect(calls).toEqual(['review']);

    const dir = exampleCopy();
    const engine = new Engine({ pickFolder: async () => dir, services: [] });
    const first = dialogs(false);
    await reviewProjectFlow(engine, first.d);
    expect(first.shown[0]?.message).toContain('there is no record to review');
    expect(engine.project).toBeNull();
    // Once it has a record (opened normally once), it opens for review and refuses to be changed.
    await openProjectFlow(engine, first.d);
    await closeProjectFlow(engine, first.d);
    const second = dialogs(false);
    await reviewProjectFlow(engine, second.d);
    expect(second.shown).toEqual([]);
    expect(engine.project?.readOnly).toBe(true);
    await expect(engine.call('pipelines.run', {})).rejects.toMatchObject({ code: 'READ_ONLY' });
    await closeProjectFlow(engine, second.d);
    // Closed, the engine is no longer in review mode.
    await openProjectFlow(engine, second.d);
    expect(engine.project?.readOnly).toBe(false);
    await engine.dispose();
  });

  it('does nothing when the picker is cancelled', async () => {
    const engine = new Engine({ pickFolder: async () => null });
    const { d, shown, asked } = dialogs(true);
    await openProjectFlow(engine, d);
    expect([engine.project, shown, asked]).toEqual([null, [], []]);
    engine.dispose();
  });

  it('shows a failing folder picker as an error instead of an unhandled rejection', async () => {
    const engine = new Engine({
      pickFolder: async () => {
        throw new Error('portal unavailable');
      },
    });
    const { d, shown } = dialogs(true);
    await openProjectFlow(engine, d);
    expect(shown).toHaveLength(1);
    expect(shown[0].message).toContain('portal unavailable');
    expect(engine.project).toBeNull();
    engine.dispose();
  });

  it('asks before initialising a plain folder, and writes nothing when declined', async () => {
    const dir = fs.mkdtempSync(path.join(t.dir, 'plain-'));
    const engine = new Engine();
    const declined = dialogs(false);
    await openProjectFlow(engine, declined.d, dir);
    expect(declined.asked).toEqual([dir]);
    expect(fs.readdirSync(dir)).toEqual([]);
    expect(engine.project).toBeNull();

    const accepted = dialogs(true);
    await openProjectFlow(engine, accepted.d, dir);
    expect(accepted.shown).toEqual([]);
    expect(engine.project?.root).toBe(dir);
    expect(fs.existsSync(path.join(dir, 'strata.yaml'))).toBe(true);
    engine.dispose();
  });

  it('shows why a project cannot be opened (a missing folder, a broken strata.yaml) and creates nothing', async () => {
    const engine = new Engine();
    const missing = path.join(t.dir, 'gone');
    const a = dialogs(true);
    await openProjectFlow(engine, a.d, missing);
    expect(a.asked).toEqual([]);
    expect(a.shown).toHaveLength(1);
    expect(a.shown[0].message).toContain(missing);
    expect(fs.existsSync(missing)).toBe(false);

    const broken = fs.mkdtempSync(path.join(t.dir, 'broken-'));
    fs.writeFileSync(path.join(broken, 'strata.yaml'), 'name: x\nstages: [\n');
    const b = dialogs(true);
    await openProjectFlow(engine, b.d, broken);
    expect(b.shown).toHaveLength(1);
    expect(b.shown[0].message).toMatch(/strata\.yaml:\d+/);
    expect(fs.existsSync(path.join(broken, '.strata'))).toBe(false);
    expect(engine.project).toBeNull();
    engine.dispose();
  });
});
