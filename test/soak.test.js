'use strict';
// Soak tests: many codecs at once, many short codec lifetimes, unclosed 1080p
// frames left to the garbage collector, Workers terminated mid-encode and
// mid-decode, memory that must come back after long runs, codecs dropped while
// busy. Every scenario runs in a child process (test/soak/*.js) under a
// wall-clock limit, through the lifecycle tests' runner (test/lifecycle/harness.js):
// the child must exit by itself with code 0, no signal, and print a RESULT line.
//
// RSS checks: the memory children run with MALLOC_MMAP_THRESHOLD_=131072, which
// pins glibc's mmap threshold so that large pixel buffers are mmapped and given
// back to the OS when freed. With glibc's default (a dynamic threshold that rises
// to the size of the first freed large block), freed 3 MB frames stay in malloc's
// heaps for reuse and RSS measures the allocator rather than the library: the
// numbers then sit 20-130 MB above the start without any leak. Other allocators
// ignore the variable.
const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { runChild, result, assertExited, describe, heldBackAllowance, CHILDREN } = require('./lifecycle/harness');

const SOAK = path.join(__dirname, 'soak');
// harness.runChild resolves scripts against test/lifecycle/children.
const soak = (script) => path.relative(CHILDREN, path.join(SOAK, script));
const PINNED_MALLOC = { MALLOC_MMAP_THRESHOLD_: '131072' };

async function run(script, mode, { timeout = 60000, gc = false, env = {} } = {}) {
  const r = await runChild(soak(script), [mode], { timeout, execArgv: gc ? ['--expose-gc'] : [], env });
  assertExited(r, 0);
  const res = result(r);
  return { r, res, msg: describe(r) };
}

// ------------------------------------------------------------------ 1

test('soak: 64 decoders at once (H.264, HEVC, VP8, VP9, AV1 at 320x240), all flushed: every frame, right timestamps and pixels', async (t) => {
  const { res, msg } = await run('many-decoders.js', 'decode64', { timeout: 90000 });
  t.diagnostic(`${res.peakQueue} chunks queued at once; reference decodes ${res.ms.load} ms, 64 decoders ${res.ms.all} ms`);
  for (const ref of res.reference) {
    assert.deepEqual(ref.errors, [], `reference decode of ${ref.file}\n${msg}`);
    assert.equal(ref.timestampsOk, true, `reference decode of ${ref.file}: timestamps`);
  }
  assert.equal(res.decoders.length, 64);
  assert.deepEqual(new Set(res.decoders.map((d) => d.file)).size, 5, 'all five codecs ran');
  for (const d of res.decoders) {
    const what = `decoder ${d.index} (${d.file})`;
    assert.deepEqual(d.errors, [], `${what}: errors\n${msg}`);
    assert.equal(d.frames, d.chunks, `${what}: ${d.frames} frames for ${d.chunks} chunks\n${msg}`);
    assert.equal(d.timestampsOk, true, `${what}: wrong timestamps (first ${d.firstTimestamps})\n${msg}`);
    assert.equal(d.pixelsOk, true, `${what}: frame ${d.firstBadFrame} differs from a lone decoder's\n${msg}`);
    assert.equal(d.outputsAfterFlush, 0, `${what}: outputs after its flush resolved`);
    assert.equal(d.state, 'configured', `${what}: state after flush`);
  }
});

// ------------------------------------------------------------------ 2

test('soak: 200 decoder lifetimes (new decoder, configure, decode 1-4 chunks, flush or close mid-decode)', async (t) => {
  const { res, msg } = await run('cycles.js', 'decoder-cycles');
  t.diagnostic(`${res.flushed} flushed, ${res.closedBusy} closed mid-decode, ${res.frames} frames, ${res.ms} ms`);
  assert.equal(res.cycles, 200);
  assert.deepEqual(res.problems, [], msg);
  assert.equal(res.errors, 0);
  assert.ok(res.flushed > 100 && res.closedBusy > 50, msg);
});

test('soak: 200 reconfigure cycles on one decoder (codec changes every cycle; flush, reset or neither), then a full decode', async (t) => {
  const { res, msg } = await run('cycles.js', 'reconfigure');
  t.diagnostic(`${res.flushed} flushed, ${res.resets} reset, ${res.unflushed} reconfigured unflushed (${res.unflushedLost} frames lost), ${res.ms} ms`);
  assert.equal(res.cycles, 200);
  assert.deepEqual(res.problems, [], msg);
  assert.equal(res.errors, 0, 'error callback');
  assert.equal(res.stale, 0, 'outputs of a cycle ended by reset() arrived later');
  assert.equal(res.abortedFlushes, res.resets, 'every flush pending at reset() rejected with AbortError');
  assert.equal(res.finalFrames, res.finalChunks, `final decode after 200 reconfigures\n${msg}`);
  assert.equal(res.finalTimestampsOk, true);
  // The spec's configure() neither flushes nor resets: frames of chunks decoded before a
  // reconfigure are outputs of those decode() calls (Chromium flushes the old decoder first).
  await t.test('frames of chunks decoded just before a reconfigure (no flush) are delivered', () => {
    assert.equal(res.unflushedLost, 0, `${res.unflushedLost} frames of ${res.unflushed} unflushed cycles never came out`);
  });
});

test('soak: 100 encoder lifetimes (H.264, VP8, VP9: configure, encode 3 frames, flush or close mid-encode)', async (t) => {
  const { res, msg } = await run('cycles.js', 'encoder-cycles');
  t.diagnostic(`${res.flushed} flushed, ${res.closedBusy} closed mid-encode, ${res.chunks} chunks, ${res.ms} ms`);
  assert.equal(res.cycles, 100);
  assert.deepEqual(res.problems, [], msg);
  assert.equal(res.errors, 0);
  assert.equal(res.flushed, 75);
  assert.ok(res.chunks >= res.flushed * 3, msg);
});

// ------------------------------------------------------------------ 3

// Under AddressSanitizer freed memory sits in ASan's quarantine and allocator and is not handed back,
// so RSS says nothing about leaks there: that run judges leaks with LeakSanitizer instead, and these
// tests keep every other check (frames collected, outputs complete). The normal run judges RSS.
const SANITIZED = process.env.WC_SANITIZED === '1';
function assertMemory(t, ok, message) {
  if (SANITIZED) t.diagnostic('RSS not judged under AddressSanitizer (LeakSanitizer checks leaks in this run)');
  else assert.ok(ok, message);
}

test('soak: 500 unclosed 1080p VideoFrames from a buffer (1.5 GB) are collected and their memory comes back', async (t) => {
  const { res, msg } = await run('gc-frames.js', 'buffer', { gc: true, env: PINNED_MALLOC });
  t.diagnostic(`collected ${res.collected}/${res.created}; RSS ${res.rssBeforeMB} -> peak ${res.rssPeakMB} -> ${res.rssAfterMB} MB`);
  assert.equal(res.created, 500);
  assert.ok(res.frameMB > 2.9, 'each frame holds ~3 MB');
  assert.ok(res.collected >= 450, `only ${res.collected} of 500 frames were collected\n${msg}`);
  assertMemory(t, res.rssAfterMB < res.rssBeforeMB + 150,
    `RSS ${res.rssBeforeMB} MB before, ${res.rssPeakMB} MB at the peak, ${res.rssAfterMB} MB after collection\n${msg}`);
});

test('soak: 300 unclosed decoded 1080p frames (5 x 60 chunks) are all collected and their memory comes back', async (t) => {
  const { res, msg } = await run('gc-frames.js', 'decoded', { gc: true, env: PINNED_MALLOC });
  t.diagnostic(`collected ${res.collected}/${res.created}; RSS ${res.rssBeforeMB} -> peak ${res.rssPeakMB} -> ${res.rssAfterMB} MB`);
  assert.deepEqual(res.errors, [], msg);
  assert.equal(res.created, res.runs * res.chunks, 'every chunk gave a frame');
  assert.equal(res.collected, res.created, `${res.collected} of ${res.created} decoded frames were collected\n${msg}`);
  assertMemory(t, res.rssAfterMB < res.rssBeforeMB + 150,
    `RSS ${res.rssBeforeMB} MB before, ${res.rssPeakMB} MB at the peak, ${res.rssAfterMB} MB after collection\n${msg}`);
});

// ------------------------------------------------------------------ 4

function assertWorkersTerminated(t, res, msg) {
  t.diagnostic(`threads ${res.threadsBefore} -> peak ${res.threadsPeak} -> ${res.threadsAfter}; workers ${res.ms.workers} ms; ` +
    `main-thread PSNR ${res.main.map((m) => `${m.codec} ${m.minPsnr} dB`).join(', ')}`);
  assert.equal(res.workers.length, 20);
  for (const w of res.workers) {
    assert.equal(w.rejected, undefined, `worker ${w.index}: terminate() rejected\n${msg}`);
    assert.equal(w.resolved, true, `worker ${w.index}: terminate() did not resolve\n${msg}`);
    assert.equal(w.sawStarted, true, `worker ${w.index} was terminated before it started`);
    assert.notEqual(w.why, 'exited by itself', `worker ${w.index} ended by itself: not terminated mid-work\n${msg}`);
    assert.deepEqual(w.errors, [], `worker ${w.index}: 'error' event\n${msg}`);
    assert.deepEqual(w.codecErrors, [], `worker ${w.index}: codec error callback\n${msg}`);
  }
  assert.ok(res.threadsAfter <= res.threadsBefore + 2,
    `threads: ${res.threadsBefore} before the Workers, ${res.threadsPeak} at the peak, ${res.threadsAfter} after\n${msg}`);
  for (const m of res.main) {
    assert.deepEqual(m.errors, [], `main thread ${m.codec} round trip\n${msg}`);
    assert.equal(m.chunks, m.expected, `main thread ${m.codec}: chunks`);
    assert.equal(m.frames, m.expected, `main thread ${m.codec}: decoded frames`);
    assert.equal(m.timestampsOk, true, `main thread ${m.codec}: timestamps`);
    assert.ok(m.minPsnr > 30, `main thread ${m.codec}: PSNR ${m.minPsnr} dB`);
  }
}

test('soak: 20 Workers terminated mid-encode (720p H.264 / VP8): all terminate() resolve, then the main thread encodes and decodes', async (t) => {
  const { res, msg } = await run('workers.js', 'encode', { timeout: 90000 });
  assertWorkersTerminated(t, res, msg);
});

test('soak: 20 Workers terminated mid-decode (1080p H.264): all terminate() resolve, then the main thread encodes and decodes', async (t) => {
  const { res, msg } = await run('workers.js', 'decode', { timeout: 90000 });
  assertWorkersTerminated(t, res, msg);
});

// ------------------------------------------------------------------ 5

test('soak: memory comes back after 10 decodes of the 720p clip (3,000 frames, a new decoder each time)', async (t) => {
  const { res, msg } = await run('memory.js', 'decode', { gc: true, env: PINNED_MALLOC, timeout: 90000 });
  t.diagnostic(`RSS after warm-up ${res.rssWarmMB} MB; growth after each run ${res.rssSeriesMB.join(', ')} MB; ${res.ms} ms`);
  assert.deepEqual(res.errors, [], msg);
  assert.deepEqual(res.perRun, new Array(res.runs + 1).fill(res.expectedPerRun), 'every run decoded every frame');
  assert.equal(res.ordered, true, 'timestamps increase');
  // One leaked 720p frame per decoded frame would be ~1.4 MB x 3,000.
  assertMemory(t, res.growthMB < 30, `RSS grew ${res.growthMB} MB over the warm-up (${res.rssSeriesMB.join(', ')} MB after each run)\n${msg}`);
});

test('soak: memory comes back after 5 encodes of 300 320x240 frames (a new encoder each time)', async (t) => {
  const { res, msg } = await run('memory.js', 'encode', { gc: true, env: PINNED_MALLOC, timeout: 90000 });
  t.diagnostic(`RSS after warm-up ${res.rssWarmMB} MB; growth after each run ${res.rssSeriesMB.join(', ')} MB; ${res.ms} ms`);
  assert.deepEqual(res.errors, [], msg);
  assert.deepEqual(res.perRun, new Array(res.runs + 1).fill(res.expectedPerRun), 'every run gave a chunk per frame');
  assertMemory(t, res.growthMB < 30, `RSS grew ${res.growthMB} MB over the warm-up (${res.rssSeriesMB.join(', ')} MB after each run)\n${msg}`);
});

// ------------------------------------------------------------------ 6

test('soak: a decoder and two encoders dropped while busy (never flushed or closed): outputs delivered, then exit 0', async (t) => {
  const { r, res, msg } = await run('dropped-busy.js', 'dropped', { gc: true, timeout: 30000 });
  t.diagnostic(`decoder ${res.decoder.frames}/${res.decoder.chunks} frames, ` +
    `${res.encoders.map((e) => `${e.codec} ${e.chunks}/${e.frames} chunks`).join(', ')}; ${res.gcCalls} gc() calls while busy; ${res.collected} of 3 collected`);
  assert.match(r.stdout, /CALLS_DONE/);
  assert.equal(res.code, 0);
  assert.ok(res.gcCalls > 0);
  const d = res.decoder;
  assert.deepEqual(d.errors, [], msg);
  assert.equal(d.queuedAtEnd, d.chunks, 'every chunk was queued when the decoder was dropped');
  assert.ok(d.frames <= d.chunks);
  assert.ok(d.frames >= d.chunks - heldBackAllowance(), `decoder: only ${d.frames} of ${d.chunks} frames before exit\n${msg}`);
  assert.equal(res.encoders.length, 2);
  for (const e of res.encoders) {
    assert.deepEqual(e.errors, [], `${e.codec}\n${msg}`);
    assert.equal(e.queuedAtEnd, e.frames, `${e.codec}: every frame was queued when the encoder was dropped`);
    assert.ok(e.chunks <= e.frames);
    // realtime encoders (no look-ahead) give a chunk per frame without a flush
    assert.ok(e.chunks >= e.frames - 8, `${e.codec}: only ${e.chunks} of ${e.frames} chunks before exit\n${msg}`);
  }
});

// A bare `node --test` also loads test/soak/*.js as test files: without a mode they must do nothing.
test('soak children are plain scripts that do nothing without a mode', async () => {
  for (const script of ['many-decoders.js', 'cycles.js', 'gc-frames.js', 'workers.js', 'memory.js', 'dropped-busy.js', 'worker.js']) {
    const r = await runChild(soak(script), [], { timeout: 20000 });
    assertExited(r, 0);
    assert.equal(r.stdout, '', script);
  }
});
