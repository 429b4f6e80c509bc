import os from 'node:os';
import { ctCalls } from '../../../shared/api/ct.js';
import type { Handlers } from '../engine.js';
import { championHistory } from '../ct/champions.js';
import { loadPolicy } from '../ct/config.js';
import { ctLoopFor } from '../ct/loop.js';
import { decide, getCycle, listCycles } from '../ct/records.js';

const person = (who?: string) => who ?? os.userInfo().username;

export const ctHandlers: Handlers<typeof ctCalls> = {
  'ct.status': (_p, engine) => ctLoopFor(engine.requireProject(), engine).status(),
  'ct.cycles': ({ limit }, engine) => listCycles(engine.requireProject(), limit),
  'ct.cycle': ({ id }, engine) => getCycle(engine.requireProject(), id),
  'ct.run': ({ who }, engine) => ctLoopFor(engine.requireProject(), engine).runNow(person(who)),
  'ct.approve': ({ id, who }, engine) => decide(engine.requireProject(), id, 'approve', person(who)),
  'ct.reject': ({ id, who }, engine) => decide(engine.requireProject(), id, 'reject', person(who)),
  'ct.pause': (_p, engine) => ctLoopFor(engine.requireProject(), engine).setPaused(true),
  'ct.resume': (_p, engine) => ctLoopFor(engine.requireProject(), engine).setPaused(false),
  'ct.champions': async (_p, engine) => {
    const project = engine.requireProject();
    const policy = loadPolicy(project);
    return policy ? championHistory(engine, project, policy) : [];
  },
};
