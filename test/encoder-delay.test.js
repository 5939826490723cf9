'use strict';
// Bounded encoder delay (issue 10 item 9): in latencyMode "quality" the first chunk comes by the
// 4th frame and no encoder holds more than 4 frames at any time, whatever the core count (x264's
// frame threads and x265's grow with it: emulated with configureThreads({encoderThreads})); in
// "realtime" at most 1. Browser-targeted muxing code (Remotion's convertMedia) waits for chunks
// and stalls on an encoder that holds 10+ frames.
//
// Measured structurally, not by timing: the native side posts a frame's dequeue before the
// chunks produced while encoding it, so when chunk j arrives, frames taken = frames sent minus
// encodeQueueSize, and the encoder held taken - 1 - j frames when it produced chunk j.
const test = require('node:test');
const assert = require('node:assert/strict');
const wc = require('..');
const S = require('./helpers/synth');

const W = 160;
const H = 96;
const N = 14;
const CODECS = [
  ['H.264', 'avc1.64001f', { avc: { format: 'annexb' } }],
  ['HEVC', 'hvc1.1.6.L93.B0', { hevc: { format: 'annexb' } }],
  ['VP8', 'vp8', {}],
  ['VP9', 'vp09.00.10.08', {}],
  ['AV1', 'av01.0.04M.08', {}],
];

async function delays(codec, extra, latencyMode) {
  const held = [];
  let error = null;
  const enc = new wc.VideoEncoder({
    output() { held.push(N - enc.encodeQueueSize - 1 - held.length); },
    error(e) { error = e; },
  });
  enc.configure({ codec, width: W, height: H, bitrate: 300_000, framerate: 30, latencyMode, ...extra });
  for (let i = 0; i < N; i++) {
    const f = S.makeFrame(i, W, H);
    enc.encode(f);
    f.close();
  }
  await enc.flush();
  enc.close();
  assert.equal(error, null);
  return held;
}

for (const threads of [0, 16]) {
  for (const latencyMode of ['quality', 'realtime']) {
    test(`${latencyMode}, encoder threads ${threads || 'automatic'}: first chunk by the 4th frame, at most ${latencyMode === 'quality' ? 4 : 1} held`, async () => {
      wc.configureThreads({ encoderThreads: threads });
      try {
        const failures = [];
        for (const [label, codec, extra] of CODECS) {
          const held = await delays(codec, extra, latencyMode);
          assert.equal(held.length, N, label);
          const limit = latencyMode === 'quality' ? 4 : 1;
          if (held[0] > 3) failures.push(`${label}: first chunk produced while taking frame ${held[0] + 1} (held ${held.join(' ')})`);
          // the chunks of frames 0..N-2-limit come before the last frame is taken, each after at most `limit` more
          const steady = held.slice(0, N - 1 - limit);
          if (Math.max(...steady) > limit) failures.push(`${label}: held up to ${Math.max(...steady)} frames, limit ${limit} (held ${held.join(' ')})`);
        }
        assert.deepEqual(failures, []);
      } finally {
        wc.configureThreads({ encoderThreads: 0 });
      }
    });
  }
}
