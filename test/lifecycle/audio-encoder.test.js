'use strict';
// AudioEncoder on the shared engine: idle unclosed encoders let node exit, busy ones deliver
// every chunk first, worker_threads terminated mid-encode exit cleanly (children/audio-encoder.js).
const test = require('node:test');
const assert = require('node:assert/strict');
const { runChild, result, assertExited, describe } = require('./harness');

test('idle unclosed AudioEncoders (unconfigured, configured, flushed): node exits by itself with code 0', async () => {
  const r = await runChild('audio-encoder.js', ['idle'], { timeout: 10000 });
  assertExited(r, 0);
  const res = result(r);
  assert.equal(res.errors, undefined, describe(r));
  assert.equal(res.state, 'configured');
  assert.ok(res.c >= 47, `AAC chunks of the flushed second: ${res.c}`);
});

test('busy unclosed AudioEncoders: the process stays alive until every chunk is delivered', async () => {
  const r = await runChild('audio-encoder.js', ['busy'], { timeout: 60000 });
  assertExited(r, 0);
  assert.match(r.stdout, /ENCODE_CALLS_DONE/);
  const res = result(r);
  assert.equal(res.errors, undefined, describe(r));
  assert.ok(res.queuedAtEnd > 0, 'inputs were still queued when the script ended');
  // 5 s = 250 frames of 20 ms + 1 for the pre-skip; 240000 + 1024 samples of AAC in 1024-sample frames
  assert.equal(res.opus, 251, `Opus chunks delivered before exit\n${describe(r)}`);
  assert.equal(res.aac, 236, `AAC chunks delivered before exit\n${describe(r)}`);
});

test('8 worker_threads terminated mid-encode: every terminate() resolves, the process exits with 0', async () => {
  const r = await runChild('audio-encoder.js', ['workers'], { timeout: 60000 });
  assertExited(r, 0);
  const res = result(r);
  assert.equal(res.workers.length, 8, describe(r));
  for (const w of res.workers) {
    assert.equal(w.exited, true);
    assert.ok(w.resolved || w.why === 'exited by itself', JSON.stringify(w));
    assert.deepEqual(w.errors, []);
    assert.deepEqual(w.codecErrors, []);
  }
});
