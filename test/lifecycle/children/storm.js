'use strict';
// Scenario: 1000-reset storm on one decoder, then a clean final decode.
// Iteration i: configure, decode 0..5 chunks whose timestamps are moved by
// i * 1e9 us, every third time flush(), every other time let the event loop
// run (so the worker is mid-command at reset() and outputs
// of iteration i may legitimately arrive), every 100th iteration decode 40
// chunks and wait for the first output (the worker is mid-stream), then reset().
// Checked in the child, reported in RESULT:
//   - an output is only ever delivered while its own iteration is current
//     (none from before a reset reaches `output` after it)
//   - a flush still pending at reset() rejects with an AbortError DOMException;
//     none resolves after the reset that follows it
//   - the error callback is never called
//   - the final configure + decode + flush delivers every frame, with final-run
//     timestamps, in presentation order
const { wc, loadTrack, configOf, chunkOf, emit, modeOrSkip, tick, sleep } = require('./common');

const mode = modeOrSkip(['storm']);
const N = 1000;
const OFF = 1e9;

async function main() {
  const track = await loadTrack('testsrc2-320x240-h264.mp4');
  const cfg = configOf(track);
  let iter = 0;
  let resets = 0;
  const late = [];
  const errors = [];
  const finalTs = [];
  let midOutputs = 0;
  let waiter = null;
  const waitTimeouts = [];
  const d = new wc.VideoDecoder({
    output(f) {
      const it = Math.floor(f.timestamp / OFF);
      if (it !== iter) late.push({ frameIteration: it, current: iter, timestamp: f.timestamp });
      else if (it === N) finalTs.push(f.timestamp);
      else midOutputs++;
      f.close();
      if (waiter) { const w = waiter; waiter = null; w(); }
    },
    error(e) { errors.push(`${e.name}: ${e.message}`); },
  });
  const flushes = { issued: 0, abort: 0, resolvedBeforeReset: 0, bad: [] };
  const settled = [];
  for (let i = 0; i < N; i++) {
    iter = i;
    d.configure(cfg);
    const long = i % 100 === 50;
    const k = long ? 40 : i % 6;
    for (let j = 0; j < k; j++) d.decode(chunkOf(track.chunks[j], i * OFF));
    if (i % 3 === 0) {
      const at = resets;
      flushes.issued++;
      settled.push(d.flush().then(() => {
        if (resets !== at) flushes.bad.push(`iteration ${i}: flush resolved after reset()`);
        else flushes.resolvedBeforeReset++;
      }, (e) => {
        if (e instanceof DOMException && e.name === 'AbortError' && resets !== at) flushes.abort++;
        else flushes.bad.push(`iteration ${i}: flush rejected with ${e && e.name}: ${e && e.message} (resets ${at} -> ${resets})`);
      }));
    }
    if (long) {
      // Wait for a first output of this iteration (or give up after 2 s): the worker is busy decoding.
      let timer;
      const got = await new Promise((r) => {
        waiter = () => r(true);
        timer = setTimeout(() => r(false), 2000);
      });
      clearTimeout(timer);
      waiter = null;
      if (!got) waitTimeouts.push(i);
    } else if (i % 7 === 0) {
      await sleep(1);
    } else if (i % 2 === 0) {
      await tick();
    }
    d.reset();
    resets++;
    iter = i + 1; // nothing of iteration i may arrive from now on
  }
  iter = N;
  d.configure(cfg);
  for (const c of track.chunks) d.decode(chunkOf(c, N * OFF));
  let finalFlush = 'pending';
  await d.flush().then(() => { finalFlush = 'resolved'; }, (e) => { finalFlush = `${e.name}: ${e.message}`; });
  await Promise.all(settled);
  const want = track.chunks.map((c) => c.timestamp + N * OFF).sort((a, b) => a - b);
  emit({
    mode,
    iterations: N,
    resets,
    late: late.length,
    lateSample: late.slice(0, 5),
    errors,
    flushes,
    midOutputs,
    waitTimeouts,
    finalFlush,
    finalFrames: finalTs.length,
    expectedFrames: want.length,
    finalTimestampsOk: JSON.stringify(finalTs) === JSON.stringify(want),
    queueAfter: d.decodeQueueSize,
    state: d.state,
    workerInputs: d.stats.inputs,
    workerOutputs: d.stats.outputs,
  });
}

if (mode) main().catch((e) => { console.error(e); process.exitCode = 99; });
