'use strict';
// Unclosed codecs that became unreachable are garbage-collected and their threads
// stop (ARCHITECTURE.md 3.5, 3.6, 8: "--expose-gc shows unclosed idle codecs are
// collected"); busy ones are not collected before their outputs are delivered.
const test = require('node:test');
const assert = require('node:assert/strict');
const { runChild, result, assertExited, describe, heldBackAllowance } = require('./harness');

const CASES = [
  // mode, decoders, at least collected
  ['configured', 200, 150],
  ['decoded', 50, 40],
  ['busy', 20, 15],
  ['frames-outlive', 20, 15],
];

for (const [mode, created, minCollected] of CASES) {
  test(`unreachable unclosed decoders are collected [${mode}: ${created}]`, async () => {
    const r = await runChild('gc.js', [mode], { timeout: 60000, execArgv: ['--expose-gc'] });
    assertExited(r, 0);
    const res = result(r);
    const msg = describe(r);
    assert.equal(res.created, created);
    assert.equal(res.errors, 0, 'error callback');
    assert.ok(res.collected >= minCollected, `only ${res.collected} of ${created} decoders were collected\n${msg}`);
    // Each codec runs a worker thread (and libavcodec's); collected ones must have stopped them.
    const perDecoder = Math.max(1, (res.threadsPeak - res.threadsBefore) / created);
    const allowed = res.threadsBefore + Math.ceil((created - res.collected) * perDecoder) + 2;
    assert.ok(res.threadsAfter <= allowed,
      `threads: ${res.threadsBefore} before, ${res.threadsPeak} at the peak, ${res.threadsAfter} after collecting ${res.collected}\n${msg}`);
    if (mode === 'decoded' || mode === 'frames-outlive') assert.equal(res.frames, created * 10, 'frames of the flushed decodes');
    if (mode === 'frames-outlive') {
      assert.deepEqual(res.frameErrors, [], `VideoFrames failed after their decoder was collected\n${msg}`);
      assert.equal(res.framesUsed, res.frames, 'every kept frame could be copied, cloned and closed');
    }
    if (mode === 'busy') {
      assert.ok(res.gcWhileBusy > 0);
      assert.ok(res.minPerDecoder >= res.chunks - heldBackAllowance(),
        `a decoder collected while busy lost outputs: ${res.minPerDecoder} of ${res.chunks}\n${msg}`);
    }
  });
}
