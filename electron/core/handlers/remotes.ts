import { remoteCalls } from '../../../shared/api/remotes.js';
import type { Handlers } from '../engine.js';
import { listRemotes, openTransport, pickRemote } from '../remote/open.js';
import { pull } from '../remote/pull.js';
import { push } from '../remote/push.js';
import { remoteStatus } from '../remote/status.js';

export const remoteHandlers: Handlers<typeof remoteCalls> = {
  'remotes.list': (_p, engine) => listRemotes(engine.requireProject()),
  'remotes.status': ({ remote }, engine) =>
    remoteStatus(engine.requireProject(), remote, AbortSignal.timeout(60_000)),
  'remotes.push': ({ remote, versions, all }, engine) => {
    const project = engine.requireProject();
    const { name, cfg } = pickRemote(project, remote);
    const { job } = engine.jobs.start({ label: `Pushing to ${name}`, unit: 'bytes' }, (ctx) =>
      push(project, openTransport(project, name, cfg), {
        specs: versions,
        all,
        signal: ctx.signal,
        onProgress: (d, t) => ctx.progress(d, t),
      }),
    );
    return { jobId: job.id };
  },
  'remotes.pull': ({ remote, versions, all }, engine) => {
    const project = engine.requireProject();
    const { name, cfg } = pickRemote(project, remote);
    const { job } = engine.jobs.start({ label: `Pulling from ${name}`, unit: 'bytes' }, (ctx) =>
      pull(project, openTransport(project, name, cfg), {
        specs: versions,
        all,
        signal: ctx.signal,
        onProgress: (d, t) => ctx.progress(d, t),
      }),
    );
    return { jobId: job.id };
  },
};
