'use strict';
// Per-thread accounting of this process for the benchmark children (bench/audio.js, bench/child.js):
// CPU time, run-queue wait and context switches of each thread, by thread name (Linux; {} elsewhere).
const fs = require('node:fs');

// CPU ms of this process's threads by name (Linux; {} elsewhere); the JS thread is "js". From
// /proc/self/task/*/schedstat (nanoseconds on the CPU, and waiting runnable on a run queue) where
// the kernel has it, else /proc/self/task/*/stat (10 ms ticks, no wait). With `since` (an earlier
// reading): {cpu: {name: ms}, runqueue: {name: ms}} since then; without: the raw reading.
function threadCpu(since) {
  const out = {};
  let tasks = [];
  try { tasks = fs.readdirSync('/proc/self/task'); } catch { return since ? { cpu: {}, runqueue: {} } : out; }
  for (const tid of tasks) {
    let st;
    try { st = fs.readFileSync(`/proc/self/task/${tid}/stat`, 'utf8'); } catch { continue; }
    const close = st.lastIndexOf(')');
    const comm = Number(tid) === process.pid ? 'js' : st.slice(st.indexOf('(') + 1, close);
    let run;
    let wait = 0;
    try {
      [run, wait] = fs.readFileSync(`/proc/self/task/${tid}/schedstat`, 'utf8').trim().split(/\s+/).map((x) => Number(x) / 1e6);
    } catch {
      const f = st.slice(close + 2).split(' ');
      run = (Number(f[11]) + Number(f[12])) * 10; // utime, stime (fields 14, 15), USER_HZ 100
    }
    out[`${comm}#${tid}`] = [run, wait];
  }
  if (!since) return out;
  const cpu = {};
  const runqueue = {};
  for (const [k, [run, wait]] of Object.entries(out)) {
    const name = k.slice(0, k.lastIndexOf('#'));
    const [run0, wait0] = since[k] || [0, 0];
    cpu[name] = Math.round((cpu[name] || 0) + run - run0);
    runqueue[name] = Math.round((runqueue[name] || 0) + wait - wait0);
  }
  return { cpu, runqueue };
}

// Context switches of this process's threads by name (voluntary: it waited; involuntary: it was
// preempted), from /proc/self/task/*/status; with `since`: the switches since then.
function threadSwitches(since) {
  const out = {};
  let tasks = [];
  try { tasks = fs.readdirSync('/proc/self/task'); } catch { return out; }
  for (const tid of tasks) {
    let st;
    try { st = fs.readFileSync(`/proc/self/task/${tid}/status`, 'utf8'); } catch { continue; }
    const comm = Number(tid) === process.pid ? 'js' : /^Name:\s*(.*)$/m.exec(st)[1];
    const v = Number(/^voluntary_ctxt_switches:\s*(\d+)/m.exec(st)[1]);
    const n = Number(/^nonvoluntary_ctxt_switches:\s*(\d+)/m.exec(st)[1]);
    out[`${comm}#${tid}`] = [v, n];
  }
  if (!since) return out;
  const by = {};
  for (const [k, [v, n]] of Object.entries(out)) {
    const name = k.slice(0, k.lastIndexOf('#'));
    const [v0, n0] = since[k] || [0, 0];
    const b = by[name] || (by[name] = { wait: 0, preempt: 0 });
    b.wait += v - v0;
    b.preempt += n - n0;
  }
  return by;
}

module.exports = { threadCpu, threadSwitches };
