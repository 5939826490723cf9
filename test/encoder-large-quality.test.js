'use strict';
// Quality mode on frames larger than 1280x720 (by area) runs libvpx and libaom at realtime-class
// speeds (src/video/encoder_params.c, wc_enc_fast_quality): VP8 realtime -6, VP9 realtime 6 with
// cyclic-refresh AQ, AV1 realtime usage 7 with two tile columns. Speed is benched (bench/cases.js,
// "encode 1080p ... quality"); this checks that the streams of that branch are right: one chunk
// per frame in order, the requested key frames and no others, every frame decoded by the ffmpeg
// CLI close to its source, and decoding from the forced key frame alone works.
const test = require('node:test');
const assert = require('node:assert/strict');
const S = require('./helpers/synth');

// 1296x736: just above 1280x720's area, the smallest frames that take the branch
const W = 1296;
const H = 736;
const N = 8;
const KEY = 4; // a key frame asked for here
// the synthetic pictures at 2 Mb/s: 36-45 dB per frame here; a broken stream (references lost at
// the forced key frame, a wrong tile layout) decodes to garbage far below
const PSNR_FLOOR = 30;

const CODECS = [
  ['VP8', 'vp8', 'VP80', 'ivf'],
  ['VP9', 'vp09.00.31.08', 'VP90', 'ivf'],
  ['AV1', 'av01.0.05M.08', 'AV01', 'ivf-av1'],
];

for (const [label, codec, fourcc, ext] of CODECS) {
  for (const bitrateMode of ['variable', 'constant']) {
    test(`${label} quality ${bitrateMode} at ${W}x${H}: correct stream, forced key frame honoured`, async () => {
      const { chunks, error } = await S.encodeFrames(
        { codec, width: W, height: H, bitrate: 2_000_000, framerate: 30, latencyMode: 'quality', bitrateMode }, N,
        { options: (i) => ({ keyFrame: i === KEY }) });
      assert.equal(error, null);
      assert.equal(chunks.length, N, 'one chunk per frame');
      assert.deepEqual(chunks.map((c) => c.timestamp), Array.from({ length: N }, (_, i) => S.timestampOf(i)));
      assert.deepEqual(chunks.map((c) => c.type), chunks.map((_, i) => (i === 0 || i === KEY ? 'key' : 'delta')));
      const frames = S.ffmpegDecodeI420(S.toIVF(chunks, fourcc, W, H), ext, W, H);
      assert.equal(frames.length, N, 'ffmpeg decodes every chunk');
      frames.forEach((f, i) => {
        const p = S.psnr(f, S.packI420(S.i420(i, W, H)));
        assert.ok(p >= PSNR_FLOOR, `frame ${i}: ${p.toFixed(2)} dB < ${PSNR_FLOOR}`);
      });
      // from the forced key frame on, alone
      const tail = S.ffmpegDecodeI420(S.toIVF(chunks.slice(KEY), fourcc, W, H), ext, W, H);
      assert.equal(tail.length, N - KEY);
      tail.forEach((f, i) => {
        const p = S.psnr(f, S.packI420(S.i420(KEY + i, W, H)));
        assert.ok(p >= PSNR_FLOOR, `frame ${KEY + i} decoded from the key frame: ${p.toFixed(2)} dB`);
      });
    });
  }
}
