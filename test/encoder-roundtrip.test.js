'use strict';
// Round trip for every codec: synthetic frames are encoded, then decoded by this
// library and by the ffmpeg CLI. Every decoded frame must be within 30 dB PSNR of
// its own source and closer to it than to its neighbours (catches reordering);
// chunk timestamps and durations are the frames' own, microsecond exact.
const test = require('node:test');
const assert = require('node:assert/strict');
const S = require('./helpers/synth');

const W = 320;
const H = 240;
const N = 40;

const CASES = [
  { codec: 'avc1.42001f', ext: 'h264' },
  { codec: 'avc1.64001f', ext: 'h264', extra: { latencyMode: 'realtime' } },
  { codec: 'avc1.64001f', ext: 'h264-annexb', extra: { avc: { format: 'annexb' } } },
  { codec: 'hvc1.1.6.L93.B0', ext: 'hevc' },
  { codec: 'hev1.1.6.L93.B0', ext: 'hevc-annexb', extra: { hevc: { format: 'annexb' }, latencyMode: 'realtime' } },
  { codec: 'vp8', ext: 'ivf-vp8' },
  { codec: 'vp8', ext: 'ivf-vp8', extra: { latencyMode: 'realtime' } },
  { codec: 'vp09.00.10.08', ext: 'ivf-vp9' },
  { codec: 'vp09.00.10.08', ext: 'ivf-vp9', extra: { latencyMode: 'realtime' } },
  { codec: 'av01.0.04M.08', ext: 'ivf-av1' },
  { codec: 'av01.0.04M.08', ext: 'ivf-av1', extra: { latencyMode: 'realtime' } },
];

function sources() {
  return Array.from({ length: N }, (_, i) => S.packI420(S.i420(i, W, H)));
}

function checkQuality(decoded, src, label) {
  assert.equal(decoded.length, src.length, `${label}: frame count`);
  for (let i = 0; i < decoded.length; i++) {
    const own = S.psnr(decoded[i], src[i]);
    assert.ok(own >= 30, `${label}: frame ${i} PSNR ${own.toFixed(1)} dB < 30`);
    for (const j of [i - 1, i + 1]) {
      if (j < 0 || j >= src.length) continue;
      const other = S.psnr(decoded[i], src[j]);
      assert.ok(own > other, `${label}: frame ${i} is closer to source ${j} (${other.toFixed(1)} dB) than to its own (${own.toFixed(1)} dB)`);
    }
  }
}

for (const c of CASES) {
  const label = `${c.codec} ${JSON.stringify(c.extra || {})}`;
  test(`round trip ${label}: PSNR >= 30 dB per frame, in order, exact timestamps (this library and ffmpeg decode)`, async () => {
    const config = { codec: c.codec, width: W, height: H, bitrate: 1_500_000, framerate: 30, ...c.extra };
    const { chunks, metas, error } = await S.encodeFrames(config, N);
    assert.equal(error, null, error && `${error.name}: ${error.message}`);
    assert.equal(chunks.length, N, 'one chunk per frame');
    chunks.forEach((ch, i) => {
      assert.equal(ch.timestamp, S.timestampOf(i), `chunk ${i} timestamp`);
      assert.equal(ch.duration, S.DURATION, `chunk ${i} duration`);
    });
    assert.equal(chunks[0].type, 'key');
    const dc = metas[0].decoderConfig;
    assert.ok(dc, 'decoderConfig with the first chunk');
    assert.equal(dc.codedWidth, W);
    assert.equal(dc.codedHeight, H);
    assert.deepEqual(dc.colorSpace, { primaries: 'bt709', transfer: 'bt709', matrix: 'bt709', fullRange: false });
    const src = sources();

    // this library
    const lib = await S.libDecode(dc, chunks);
    assert.equal(lib.error, null, lib.error && lib.error.message);
    assert.deepEqual(lib.frames.map((f) => f.timestamp), chunks.map((ch) => ch.timestamp));
    assert.deepEqual(lib.frames.map((f) => f.duration), chunks.map(() => S.DURATION));
    checkQuality(lib.frames.map((f) => f.bytes), src, `${label} (webcodecs-native decode)`);

    // the ffmpeg CLI, from a raw stream / IVF file
    let buf;
    let ext = c.ext;
    if (ext === 'h264') buf = S.toAnnexB(chunks, dc.description, false);
    else if (ext === 'hevc') buf = S.toAnnexB(chunks, dc.description, true);
    else if (ext === 'h264-annexb' || ext === 'hevc-annexb') {
      assert.equal(dc.description, undefined, 'annexb: no description');
      buf = Buffer.concat(chunks.map((ch) => Buffer.from(S.chunkBytes(ch))));
      ext = ext.slice(0, 4);
      const first = S.chunkBytes(chunks[0]);
      assert.deepEqual([...first.subarray(0, 3)], [0, 0, 0], 'annexb chunks start with a start code');
    } else {
      buf = S.toIVF(chunks, { 'ivf-vp8': 'VP80', 'ivf-vp9': 'VP90', 'ivf-av1': 'AV01' }[ext], W, H);
    }
    const ff = S.ffmpegDecodeI420(buf, ext, W, H);
    checkQuality(ff, src, `${label} (ffmpeg decode)`);
  });
}

test('RGBA frames are converted with a correct matrix and tagged limited-range BT.601 (SD) / BT.709 (HD)', async () => {
  for (const [w, h, matrix] of [[320, 240, 'smpte170m'], [1280, 720, 'bt709']]) {
    const { chunks, metas, error } = await S.encodeFrames({ codec: 'vp09.00.10.08', width: w, height: h, bitrate: 3_000_000 }, 3,
      { frameFn: S.makeRgbaFrame });
    assert.equal(error, null);
    const cs = metas[0].decoderConfig.colorSpace;
    assert.equal(cs.matrix, matrix);
    assert.equal(cs.fullRange, false);
    const lib = await S.libDecode(metas[0].decoderConfig, chunks);
    // grey RGBA (R = G = B = Y') must decode to luma 16 + Y' * 219 / 255 and neutral chroma
    const src = S.i420(0, w, h);
    const y = lib.frames[0].bytes.subarray(0, w * h);
    let se = 0;
    for (let i = 0; i < w * h; i++) {
      const d = y[i] - (16 + (src.y[i] * 219) / 255);
      se += d * d;
    }
    const p = 10 * Math.log10((255 * 255 * w * h) / se);
    assert.ok(p > 30, `luma of the RGB->YUV conversion: ${p.toFixed(1)} dB`);
    const u = lib.frames[0].bytes.subarray(w * h, w * h + ((w + 1) >> 1) * ((h + 1) >> 1));
    const meanU = u.reduce((a, b) => a + b, 0) / u.length;
    assert.ok(Math.abs(meanU - 128) < 2, `grey has neutral chroma (mean U ${meanU})`);
  }
});
