'use strict';
// worker_threads bookkeeping shared by the lifecycle and soak children.
const { Worker } = require('node:worker_threads');

// Starts `file` as a Worker and records what it says and how it ends:
// rec.messages, rec.errors, rec.exit (a promise of the exit code), rec.exited.
function startWorker(file, workerData, extra = {}) {
  const w = new Worker(file, { workerData });
  const rec = { ...extra, messages: [], errors: [], exitCode: null, exited: false };
  rec.exit = new Promise((resolve) => {
    w.on('exit', (code) => { rec.exitCode = code; rec.exited = true; resolve(code); });
  });
  w.on('error', (e) => rec.errors.push(e && e.message));
  w.on('message', (m) => rec.messages.push(m));
  rec.worker = w;
  return rec;
}

// terminate() once; the promise resolves when it settles, and rec records how:
// rec.resolved + rec.terminateCode, or rec.rejected.
function terminate(rec) {
  return rec.worker.terminate().then((code) => { rec.resolved = true; rec.terminateCode = code; },
    (e) => { rec.rejected = String(e); });
}

// Terminates Worker number i mid-work: the even ones at their first 'output'
// message, the odd ones 5-50 ms after their 'started' message. rec.why says
// which happened ('exited by itself' when the Worker ended first); onKill runs
// just before terminate(). Resolves when terminate() has settled.
function terminateOnCue(rec, i, onKill = () => {}) {
  return new Promise((resolve) => {
    let done = false;
    const kill = (why) => {
      if (done) return;
      done = true;
      rec.why = why;
      onKill();
      terminate(rec).then(resolve);
    };
    rec.worker.on('message', (m) => {
      if (i % 2 === 0 && m.type === 'output') kill('first output');
      if (i % 2 === 1 && m.type === 'started') setTimeout(() => kill('timer'), 5 + Math.floor(Math.random() * 46));
    });
    rec.exit.then(() => kill('exited by itself'));
  });
}

module.exports = { startWorker, terminate, terminateOnCue };
