// While a project is open in the app, each monitor runs whenever its logs or labels folder has a
// settled change, and an alert is pushed to the UI (which turns it into a notification).
import fs from 'node:fs';
import path from 'node:path';
import type { Engine } from '../engine.js';
import type { Project } from '../project/project.js';
import type { ProjectService } from '../project-service.js';
import { DEFAULTS } from './defaults.js';
import { listLogFiles } from './logs.js';
import { monitorState, runMonitor } from './monitor.js';

const POLL_MS = 1000;

function signature(project: Project, folders: (string | undefined)[]): string {
  const parts: string[] = [];
  for (const f of folders) {
    if (!f) continue;
    for (const file of listLogFiles(path.resolve(project.root, f))) {
      try {
        const st = fs.statSync(file);
        // A file still being written changes its signature again on the next look, so it is read
        // only once it has been quiet for the settle time.
        if (Date.now() - st.mtimeMs < DEFAULTS.settleMs) parts.push(`${file} unsettled`);
        else parts.push(`${file} ${st.size} ${st.mtimeMs}`);
      } catch {
        // Gone between the listing and the stat: the next look sees the folder as it is.
      }
    }
  }
  return parts.join('\n');
}

export function startMonitoring(project: Project, engine: Engine, pollMs = POLL_MS): ProjectService {
  const seen = new Map<string, string>();
  let running = false;
  let disposed = false;
  const tick = async () => {
    if (running || disposed) return;
    running = true;
    try {
      for (const [name, m] of Object.entries(project.config.config.monitors)) {
        const sig = signature(project, [m.logs, m.labels]);
        if (seen.get(name) === sig || sig.includes(' unsettled')) continue;
        try {
          const { newWindows, alert } = await runMonitor(project, name);
          seen.set(name, sig);
          if (disposed) return;
          if (newWindows > 0 || alert) engine.emit('drift.updated', { monitor: name });
          if (alert) {
            const st = await monitorState(project, name);
            const last = st.windows.at(-1);
            engine.emit('drift.alert', {
              monitor: name,
              window: last?.index ?? 0,
              columns: last ? last.report.columns.filter((c) => c.status === 'drift').map((c) => c.name) : [],
              detections: [
                ...new Set(st.detections.filter((d) => d.window === last?.index).map((d) => d.detector)),
              ],
              at: new Date().toISOString(),
            });
          }
        } catch {
          // The error is stored with the monitor (last_error) and shown by the UI; try again on change.
          seen.set(name, sig);
          if (!disposed) engine.emit('drift.updated', { monitor: name });
        }
      }
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void tick(), pollMs);
  void tick();
  return {
    dispose() {
      disposed = true;
      clearInterval(timer);
    },
  };
}
