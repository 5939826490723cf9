'use strict';
// Codecs in worker_threads and environment teardown (ARCHITECTURE.md 3.4, 3.6,
// 3.7, 8): terminating Workers mid-decode stops their codec threads cleanly (no
// crash, every terminate() resolves, no thread left behind) and the process can
// still decode afterwards; Workers that end by themselves with open decoders
// exit normally. Every scenario runs in a child process (children/workers.js).
const test = require('node:test');
const assert = require('node:assert/strict');
const { runChild, result, assertExited, describe, heldBackAllowance } = require('./harness');

// Threads of the process after every Worker is gone, over the count before the
// first one started: the codec threads (worker + libavcodec's) must all be gone.
const THREAD_SLACK = 2;

function assertMainDecode(res, msg) {
  assert.equal(res.main.error, null, `main-thread decode error\n${msg}`);
  assert.equal(res.main.frames, res.main.expected, `main-thread decode after the Workers: frame count\n${msg}`);
  assert.equal(res.main.timestampsOk, true, 'main-thread decode: timestamps');
}

function assertTerminated(res, msg) {
  assert.equal(res.workers.length, res.mode === 'terminate-churn' ? 10 : 20);
  for (const w of res.workers) {
    assert.equal(w.rejected, undefined, `worker ${w.index}: terminate() rejected\n${msg}`);
    if ('resolved' in w) assert.equal(w.resolved, true, `worker ${w.index}: terminate() did not resolve\n${msg}`);
    assert.deepEqual(w.errors, [], `worker ${w.index}: 'error' event\n${msg}`);
    if (w.decoderErrors) assert.deepEqual(w.decoderErrors, [], `worker ${w.index}: decoder error callback\n${msg}`);
  }
  assert.ok(res.threadsAfter <= res.threadsBefore + THREAD_SLACK,
    `threads left after the Workers were terminated: ${res.threadsBefore} before, ${res.threadsAfter} after\n${msg}`);
}

test('20 Workers terminated mid-decode (at first output / 5-50 ms after decode()): clean, then the main thread decodes', async () => {
  const r = await runChild('workers.js', ['terminate'], { timeout: 60000 });
  assertExited(r, 0);
  const res = result(r);
  const msg = describe(r);
  assertTerminated(res, msg);
  for (const w of res.workers) {
    assert.equal(w.sawStarted, true, `worker ${w.index} was terminated before it decoded`);
    assert.notEqual(w.why, 'exited by itself', `worker ${w.index} finished before terminate(): not mid-decode`);
  }
  assertMainDecode(res, msg);
});

test('20 Workers terminated 0-50 ms after creation (loading, constructing, decoding): clean, then the main thread decodes',
  async () => {
    const r = await runChild('workers.js', ['terminate-early'], { timeout: 60000 });
    assertExited(r, 0);
    const res = result(r);
    const msg = describe(r);
    assertTerminated(res, msg);
    assertMainDecode(res, msg);
  });

test('10 Workers terminated while constructing/configuring/closing decoders in a loop: no crash',
  async () => {
    const r = await runChild('workers.js', ['terminate-churn'], { timeout: 60000 });
    assertExited(r, 0);
    const res = result(r);
    const msg = describe(r);
    assertTerminated(res, msg);
    for (const w of res.workers) assert.equal(w.terminateCode, 1, `worker ${w.index}: terminate() result`);
    assertMainDecode(res, msg);
  });

test('Workers that end by themselves with unclosed decoders exit normally; a throwing output() fails only its Worker', async () => {
  const r = await runChild('workers.js', ['natural'], { timeout: 60000 });
  assertExited(r, 0);
  const res = result(r);
  const msg = describe(r);
  assert.equal(res.hung, false, `a Worker with an unclosed decoder never exited\n${msg}`);
  const by = Object.fromEntries(res.workers.map((w) => [w.mode, w]));
  for (const m of ['flushed', 'unflushed', 'idle', 'many-idle']) {
    assert.equal(by[m].exitCode, 0, `${m} Worker exit code\n${msg}`);
    assert.deepEqual(by[m].errors, [], `${m} Worker 'error' event`);
    assert.deepEqual(by[m].decoderErrors, [], `${m} Worker decoder error callback`);
  }
  assert.equal(by.flushed.flushedFrames, by.flushed.chunks, 'flushed Worker: every frame');
  assert.ok(by.unflushed.lastOutput > 0 && by.unflushed.lastOutput >= by.unflushed.chunks - heldBackAllowance(),
    `busy unflushed Worker: ${by.unflushed.lastOutput} of ${by.unflushed.chunks} frames before it exited\n${msg}`);
  assert.equal(by['exit-in-output'].exitCode, 5, `Worker calling process.exit(5) mid-decode\n${msg}`);
  assert.deepEqual(by['exit-in-output'].errors, []);
  assert.equal(by.throw.exitCode, 1, `throwing Worker exit code\n${msg}`);
  assert.deepEqual(by.throw.errors, ['lifecycle-test: thrown by output() in a worker'], 'the Worker failed with the very error');
  assert.ok(res.threadsAfter <= res.threadsBefore + THREAD_SLACK,
    `threads left after the Workers exited: ${res.threadsBefore} before, ${res.threadsAfter} after\n${msg}`);
  assertMainDecode(res, msg);
});

test('process.exit(4) in the main thread while 6 Workers decode: exit code 4, no signal', async () => {
  const r = await runChild('workers.js', ['main-exit'], { timeout: 60000 });
  assertExited(r, 4);
  assert.match(r.stdout, /EXITING/);
  const res = result(r);
  assert.equal(res.started, 6);
  assert.equal(res.code, 4);
});
