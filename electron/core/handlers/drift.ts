import { driftCalls } from '../../../shared/api/drift.js';
import type { Handlers } from '../engine.js';
import { listMonitors, monitorState, runMonitor } from '../drift/monitor.js';
import { driftReportFiles } from '../drift/report.js';
import { compareSamples } from '../drift/service.js';

export const driftHandlers: Handlers<typeof driftCalls> = {
  'drift.compare': ({ reference, current, columns }, engine) =>
    compareSamples(engine.requireProject(), reference, current, columns),
  'drift.monitors': (_p, engine) => listMonitors(engine.requireProject()),
  'drift.monitor': async ({ name, run }, engine) => {
    const project = engine.requireProject();
    if (run) await runMonitor(project, name);
    return monitorState(project, name);
  },
  'drift.report': async ({ name }, engine) =>
    driftReportFiles(await monitorState(engine.requireProject(), name)),
};
