'use strict';
// AudioDecoder lifecycle in child processes (children/audio.js) under a time limit: idle unclosed
// decoders let node exit; a busy one delivers every output first; worker_threads terminated
// mid-decode; a reset/close storm. A child that outlives its limit is a hang.
const test = require('node:test');
const assert = require('node:assert/strict');
const { runChild, result, assertExited, describe } = require('./harness');

test('audio: idle unclosed decoders (flushed, only configured): node exits by itself with code 0', async () => {
  const r = await runChild('audio.js', ['idle'], { timeout: 20000 });
  assertExited(r, 0);
  const res = result(r);
  assert.equal(res.outputs, res.chunks, describe(r));
  assert.deepEqual(res.states, ['configured', 'configured']);
});

test('audio: a busy unclosed decoder keeps the process alive until every output is delivered', async () => {
  const r = await runChild('audio.js', ['busy'], { timeout: 30000 });
  assertExited(r, 0);
  assert.doesNotMatch(r.stdout, /ERROR/);
  const res = result(r);
  assert.equal(res.outputs, res.chunks, describe(r));
});

test('audio: 20 worker_threads terminated mid-decode; the main thread then decodes every frame', async () => {
  const r = await runChild('audio.js', ['workers'], { timeout: 60000 });
  assertExited(r, 0);
  const res = result(r);
  assert.equal(res.terminated, 20, describe(r));
  assert.deepEqual(res.workerErrors, []);
  assert.equal(res.frames, res.chunks);
});

test('audio: 2000 rounds of configure/decode/flush/reset/close: flushes abort, no stale output, no error, no hang', async () => {
  const r = await runChild('audio.js', ['storm'], { timeout: 60000 });
  assertExited(r, 0);
  const res = result(r);
  assert.equal(res.aborts, 2000, describe(r));
  assert.equal(res.stale, 0);
  assert.equal(res.errors, 0);
  assert.equal(res.frames, 5);
});
