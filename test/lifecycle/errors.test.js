'use strict';
// A throwing `output` callback is reported, not swallowed (ARCHITECTURE.md 8;
// WebCodecs "report the exception"): in Node that is process 'uncaughtException'.
const test = require('node:test');
const assert = require('node:assert/strict');
const { runChild, result, assertExited, describe } = require('./harness');

test('an exception thrown by output() reaches uncaughtException as the same object; decoding goes on', async () => {
  const r = await runChild('throw-output.js', ['handled'], { timeout: 60000 });
  assertExited(r, 0);
  const res = result(r);
  const msg = describe(r);
  assert.equal(res.thrown, 2);
  assert.equal(res.caught, 2, `uncaughtException calls\n${msg}`);
  assert.equal(res.sameObjects, true, 'the handler received the very Error objects that were thrown, in order');
  assert.deepEqual(res.caughtMessages, ['lifecycle-test: thrown by output() at frame 3', 'lifecycle-test: thrown by output() at frame 7']);
  assert.equal(res.frames, 150, `decoding continued after the throws\n${msg}`);
  assert.equal(res.framesAfterFirstThrow, 147);
  assert.equal(res.flush, 'resolved');
  assert.deepEqual(res.errors, [], 'the error callback is not called for an exception in output()');
  assert.equal(res.state, 'configured', 'the decoder is not closed by an exception in output()');
});

test('without a handler, an exception thrown by output() ends the process non-zero with its message', async () => {
  const r = await runChild('throw-output.js', ['unhandled'], { timeout: 60000 });
  assert.equal(r.timedOut, false, `the child hung\n${describe(r)}`);
  assert.equal(r.signal, null, `the child died of a signal\n${describe(r)}`);
  assert.notEqual(r.code, 0, `the exception was swallowed\n${describe(r)}`);
  assert.match(r.stdout, /THROWING 3/);
  assert.doesNotMatch(r.stdout, /RESULT/, 'the script went on as if nothing happened');
  assert.match(r.stderr, /lifecycle-test: thrown by output\(\) at frame 3/);
});
