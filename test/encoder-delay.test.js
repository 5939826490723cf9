'use strict';
// Bounded encoder delay (issue 10 item 9): in latencyMode "quality" the first chunk comes by the
// 4th frame and no encoder holds more than 4 frames at any time, whatever the core count (x264's
// frame threads and x265's grow with it: emulated with configureThreads({encoderThreads})); in
// "realtime" at most 1. Browser-targeted muxing code (Remotion's convertMedia) waits for chunks
// and stalls on an encoder that holds 10+ frames.
// x265 held 11 frames in quality mode on 2 cores (lookahead 8, automatic frame threads) and 13
// with 16 encoder threads; now none (src/video/encoder_params.c).
//
// Measured structurally, not by timing: one frame in flight at a time. Frame i is encoded once
// the worker has taken frame i-1 (its dequeue event); the native side posts frame i's dequeue
// after every chunk produced while encoding frames 0..i-1, so the chunks seen at that dequeue are
// those of frames the encoder has finished, and i minus them is what it holds (as
// bench/child.js measures it). A second frame is never queued, so no dequeue can be coalesced.
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
  const held = []; // held[i]: frames inside the encoder when it took frame i
  let chunks = 0;
  let error = null;
  const enc = new wc.VideoEncoder({ output() { chunks++; }, error(e) { error = e; } });
  enc.configure({ codec, width: W, height: H, bitrate: 300_000, framerate: 30, latencyMode, ...extra });
  for (let i = 0; i < N; i++) {
    const f = S.makeFrame(i, W, H);
    const taken = new Promise((res) => enc.addEventListener('dequeue', res, { once: true }));
    enc.encode(f);
    f.close();
    await taken;
    held.push(i - chunks);
  }
  await enc.flush();
  enc.close();
  assert.equal(error, null);
  assert.equal(chunks, N);
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
          const limit = latencyMode === 'quality' ? 4 : 1;
          const first = held.findIndex((h, i) => i - h > 0); // the first frame taken after a chunk came
          if (first < 0 || first > 4) failures.push(`${label}: first chunk after ${first} frames (held ${held.join(' ')})`);
          if (Math.max(...held) > limit) failures.push(`${label}: held up to ${Math.max(...held)} frames, limit ${limit} (held ${held.join(' ')})`);
        }
        assert.deepEqual(failures, []);
      } finally {
        wc.configureThreads({ encoderThreads: 0 });
      }
    });
  }
}
