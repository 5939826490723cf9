'use strict';
// reset() and close() racing the worker (ARCHITECTURE.md 3.6; WebCodecs "Reset
// VideoDecoder" / "Close VideoDecoder"): nothing produced before a reset or close
// reaches `output`, pending flush promises reject with AbortError, the error
// callback stays silent, and the process exits 0. Scenarios run in children.
const test = require('node:test');
const assert = require('node:assert/strict');
const { runChild, result, assertExited, describe } = require('./harness');

test('1000-reset storm: no stale output, pending flushes abort, final decode is complete', async () => {
  const r = await runChild('storm.js', ['storm'], { timeout: 60000 });
  assertExited(r, 0);
  const res = result(r);
  const msg = describe(r);
  assert.equal(res.resets, 1000);
  assert.deepEqual(res.errors, [], `error callback called\n${msg}`);
  assert.equal(res.late, 0, `outputs from before a reset reached the output callback: ${JSON.stringify(res.lateSample)}\n${msg}`);
  assert.deepEqual(res.flushes.bad, [], `flush promises settled wrongly\n${msg}`);
  assert.equal(res.flushes.abort + res.flushes.resolvedBeforeReset, res.flushes.issued, 'every flush promise settled');
  assert.ok(res.flushes.abort > 0, 'some flush was still pending at reset() and was aborted');
  assert.equal(res.finalFlush, 'resolved');
  assert.equal(res.finalFrames, res.expectedFrames, `final run frame count\n${msg}`);
  assert.equal(res.finalTimestampsOk, true, 'final run: every frame carries a final-run timestamp, in presentation order');
  assert.equal(res.queueAfter, 0, 'decodeQueueSize after the final flush');
  assert.equal(res.state, 'configured');
});

for (const mode of ['sync', 'timer', 'in-output']) {
  test(`close() during flush() [${mode}]: AbortError, no error callback, closed, no output after close`, async () => {
    const r = await runChild('close-flush.js', [mode], { timeout: 60000 });
    assertExited(r, 0);
    const res = result(r);
    const msg = describe(r);
    assert.equal(res.closed, true);
    assert.equal(res.flushSettledBeforeClose, false, `the flush settled before close(): the scenario did not race\n${msg}`);
    assert.equal(res.flush.pending, undefined, `the flush promise never settled after close()\n${msg}`);
    assert.equal(res.flush.rejected, true, `the flush promise must reject\n${msg}`);
    assert.equal(res.flush.isDOMException, true, 'rejection is a DOMException');
    assert.equal(res.flush.name, 'AbortError');
    assert.deepEqual(res.errors, [], `error callback called\n${msg}`);
    assert.equal(res.state, 'closed');
    assert.equal(res.stateAtSettle, 'closed');
    assert.equal(res.afterClose, 0, `outputs delivered after close()\n${msg}`);
    assert.equal(res.queueAfter, 0, 'decodeQueueSize after close()');
    if (mode === 'in-output') assert.equal(res.frames, 10);
  });
}
