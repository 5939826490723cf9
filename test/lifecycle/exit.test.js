'use strict';
// Process exit with codecs that were never closed (ARCHITECTURE.md 3.5, 3.6, 8):
// idle codecs let node exit by itself; busy ones deliver their outputs first;
// process.exit() or an uncaught exception in the middle of a decode ends the
// process with the right code and no signal. Every scenario runs in a child
// process (children/*.js) under a time limit; a child that outlives it is a hang.
const test = require('node:test');
const assert = require('node:assert/strict');
const { runChild, result, assertExited, describe, heldBackAllowance } = require('./harness');

// Hang check for idle codecs, not a performance assertion: the child needs
// about 0.2 s; a codec that keeps the event loop alive never exits at all.
const IDLE_LIMIT_MS = 10000;

// Frames a decoder may hold back when it is never flushed (see harness.js).
const MAX_HELD_BACK = heldBackAllowance();

for (const mode of ['configured', 'flushed', 'mixed', 'closed-busy']) {
  test(`idle unclosed decoder(s) [${mode}]: node exits by itself with code 0`, async () => {
    const r = await runChild('idle.js', [mode], { timeout: IDLE_LIMIT_MS });
    assertExited(r, 0);
    const res = result(r);
    assert.deepEqual(res.errors, [], describe(r));
    if (mode === 'configured') assert.equal(res.state, 'configured');
    if (mode === 'flushed') {
      assert.equal(res.state, 'configured');
      assert.equal(res.frames, 150, 'frames of the flushed decode');
    }
    if (mode === 'mixed') {
      assert.deepEqual(res.states, ['unconfigured', 'configured', 'configured', 'unconfigured', 'configured', 'configured']);
      assert.equal(res.frames, 150);
      assert.equal(res.vp8Frames, 150);
      assert.equal(res.dequeuesSeen, true, 'the ondequeue handler ran');
    }
    if (mode === 'closed-busy') {
      assert.deepEqual(res.states, ['closed', 'closed', 'closed']);
      assert.equal(res.afterClose, 0, `outputs delivered after close()\n${describe(r)}`);
    }
  });
}

for (const mode of ['one', 'two']) {
  test(`busy unclosed decoder(s) [${mode}]: the process stays alive until the outputs are delivered`, async () => {
    const r = await runChild('busy.js', [mode], { timeout: 60000 });
    assertExited(r, 0);
    assert.match(r.stdout, /DECODE_CALLS_DONE/);
    const res = result(r);
    for (const run of res.runs) {
      assert.deepEqual(run.errors, [], `${run.file}: error callback\n${describe(r)}`);
      assert.equal(run.queuedAtEnd, run.chunks, `${run.file}: every chunk was still queued when the script's code ended`);
      assert.ok(run.frames > 0, `${run.file}: no frame was delivered before exit\n${describe(r)}`);
      assert.ok(run.frames <= run.chunks, `${run.file}: more frames than chunks`);
      assert.ok(run.frames >= run.chunks - MAX_HELD_BACK,
        `${run.file}: only ${run.frames} of ${run.chunks} frames were delivered before exit\n${describe(r)}`);
    }
  });
}

test('process.exit(3) from the output callback mid-decode exits with code 3, no signal', async () => {
  const r = await runChild('exit-mid.js', ['exit-in-output']);
  assertExited(r, 3);
  assert.match(r.stdout, /EXITING/);
  const res = result(r);
  assert.equal(res.exitCode, 3);
  assert.equal(res.frames[0], 5, 'no output after process.exit()');
  assert.equal(res.error, undefined, 'error callback');
});

test('process.exit(3) from a timer while decoders are busy exits with code 3, no signal', async () => {
  const r = await runChild('exit-mid.js', ['exit-in-timer']);
  assertExited(r, 3);
  assert.match(r.stdout, /EXITING/);
  const res = result(r);
  assert.equal(res.exitCode, 3);
  assert.equal(res.error, undefined, 'error callback');
  assert.ok(res.queue.some((q) => q > 0), `the decoders were busy at exit (queue sizes ${res.queue})`);
});

test('an uncaught exception thrown mid-decode exits with code 1 and its message, no signal', async () => {
  const r = await runChild('exit-mid.js', ['throw-in-timer']);
  assertExited(r, 1);
  assert.match(r.stdout, /THROWING/);
  assert.match(r.stderr, /lifecycle-test: thrown from a timer mid-decode/);
  const res = result(r);
  assert.equal(res.error, undefined, 'error callback');
  assert.ok(res.queue.some((q) => q > 0), `the decoders were busy at exit (queue sizes ${res.queue})`);
});
