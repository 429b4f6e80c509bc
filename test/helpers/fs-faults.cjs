// Fault injection for node:fs, preloaded with `node --require` so that it runs in every thread of a
// test process (worker threads inherit the flag; loader hooks would not reach them on Node 20).
//
// STRATA_FAULT_ROOT: only calls on paths under this folder, or on file descriptors opened there,
// are counted (module loading and the test's own files elsewhere are not).
// STRATA_FAULT_SPEC: a file holding "<main|worker> <n> <code> <trial>": in threads of that kind,
// the n-th counted call of the trial fails with code (EIO, ENOSPC, EACCES…), once per thread; n = 0
// counts without failing; an empty file turns faults off. Read on every counted call, so pooled
// worker threads follow the trials too; a new trial starts every thread's count again.
// STRATA_FAULT_LOG: a file that gets one JSON line per failed call, and per counted call when n = 0.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { isMainThread, threadId } = require('node:worker_threads');

const root = process.env.STRATA_FAULT_ROOT;
const log = process.env.STRATA_FAULT_LOG;
const specFile = process.env.STRATA_FAULT_SPEC;
if (root && log && specFile) install(path.resolve(root) + path.sep);

function install(under) {
  const real = {
    appendFileSync: fs.appendFileSync,
    closeSync: fs.closeSync,
    close: fs.close,
    readFileSync: fs.readFileSync,
  };
  const kind = isMainThread ? 'main' : 'worker';
  const fds = new Set();
  let trialSeen = null;
  let count = 0;
  const current = () => {
    const [thread, n, code, trial] = real.readFileSync(specFile, 'utf8').trim().split(' ');
    if (!trial) return null;
    if (trial !== trialSeen) {
      trialSeen = trial;
      count = 0;
    }
    return { thread, n: Number(n), code, trial };
  };
  const inside = (p) => {
    if (typeof p === 'number') return fds.has(p);
    if (p instanceof URL) p = p.protocol === 'file:' ? p.pathname : '';
    if (Buffer.isBuffer(p)) p = p.toString();
    return typeof p === 'string' && path.resolve(p).startsWith(under);
  };
  const note = (entry) => real.appendFileSync(log, `${JSON.stringify(entry)}\n`);
  const ERRNO = { EIO: -5, ENOSPC: -28, EACCES: -13 };

  /** Counts a call; returns the error to fail it with, or null. */
  const decide = (name, args) => {
    const target = [args[0], args[1]].find(inside);
    if (target === undefined) return null;
    const s = current();
    if (!s || s.thread !== kind) return null;
    count++;
    const entry = { trial: s.trial, thread: kind, threadId, n: count, fn: name, path: String(target) };
    if (s.n === 0) {
      note(entry);
      return null;
    }
    if (count !== s.n) return null;
    note({ ...entry, fired: s.code });
    const err = new Error(`${s.code}: injected fault, ${name} '${target}'`);
    return Object.assign(err, {
      code: s.code,
      errno: ERRNO[s.code] ?? -5,
      syscall: name,
      path: String(target),
    });
  };
  const track = (name, args, result) => {
    if ((name === 'openSync' || name === 'open') && typeof result === 'number' && inside(args[0]))
      fds.add(result);
    if ((name === 'closeSync' || name === 'close') && typeof args[0] === 'number') fds.delete(args[0]);
  };

  // existsSync answers a question and never throws; watchers and streams are not used by the store.
  const SKIP = new Set([
    'existsSync',
    'exists',
    'watch',
    'watchFile',
    'unwatchFile',
    'createReadStream',
    'createWriteStream',
    'openAsBlob',
  ]);
  for (const name of Object.keys(fs)) {
    const orig = fs[name];
    if (typeof orig !== 'function' || !/^[a-z]/.test(name) || SKIP.has(name)) continue;
    const sync = name.endsWith('Sync');
    const wrapped = function (...args) {
      const err = decide(name, args);
      if (err) {
        // close releases the descriptor even when it reports an error (as on Linux).
        if (name === 'closeSync') {
          real.closeSync(args[0]);
          fds.delete(args[0]);
        }
        if (sync) throw err;
        const cb = args[args.length - 1];
        if (typeof cb !== 'function') throw err;
        if (name === 'close') {
          real.close(args[0], () => process.nextTick(cb, err));
          fds.delete(args[0]);
          return undefined;
        }
        process.nextTick(cb, err);
        return undefined;
      }
      if (sync) {
        const result = orig.apply(this, args);
        track(name, args, result);
        return result;
      }
      const cb = args[args.length - 1];
      if (typeof cb === 'function' && (name === 'open' || name === 'close')) {
        args[args.length - 1] = (e, result) => {
          if (!e) track(name, args, name === 'open' ? result : undefined);
          cb(e, result);
        };
      }
      return orig.apply(this, args);
    };
    Object.assign(wrapped, orig);
    fs[name] = wrapped;
  }
  for (const name of Object.keys(fs.promises)) {
    const orig = fs.promises[name];
    if (typeof orig !== 'function' || name === 'constants' || name === 'watch') continue;
    fs.promises[name] = function (...args) {
      const err = decide(`promises.${name}`, args);
      return err ? Promise.reject(err) : orig.apply(this, args);
    };
  }
}
