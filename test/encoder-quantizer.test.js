'use strict';
// Per-frame quantizers (bitrateMode "quantizer") on the ranges of the current codec
// registrations: AVC/HEVC 0-51 (the QP), VP9/AV1 0-255 (the codec's own quantizer index,
// w3c/webcodecs PR 915, November 2025). libvpx and libaom take 0-63 through FFmpeg; the
// index is mapped with their quantizer_to_qindex table, and every frame's base_q_idx in the
// bitstream (read with FFmpeg's trace_headers) must be the index the table gives for it.
const test = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { VideoEncoder } = require('..');
const S = require('./helpers/synth');

const W = 160;
const H = 120;
const isType = (e) => e instanceof TypeError && e.name === 'TypeError';

// libvpx (vp9_quantize.c) and libaom (av1_quantize.c): quantizer 0-63 -> quantizer index 0-255
const QINDEX = [0, 4, 8, 12, 16, 20, 24, 28, 32, 36, 40, 44, 48, 52, 56, 60, 64, 68, 72, 76, 80, 84, 88, 92, 96, 100,
  104, 108, 112, 116, 120, 124, 128, 132, 136, 140, 144, 148, 152, 156, 160, 164, 168, 172, 176, 180, 184, 188, 192, 196,
  200, 204, 208, 212, 216, 220, 224, 228, 232, 236, 240, 244, 249, 255];
// the index the encoder can really use for a requested one: the first table entry at or above it
const usable = (q) => QINDEX.find((x) => x >= q);

function encode(codec, qs) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    const metas = [];
    const enc = new VideoEncoder({ output(c, m) { chunks.push(c); metas.push(m); }, error: reject });
    enc.configure({ codec, width: W, height: H, bitrateMode: 'quantizer', framerate: 30 });
    const reg = codec.startsWith('vp09') ? 'vp9' : codec.startsWith('av01') ? 'av1' : codec.startsWith('avc') ? 'avc' : 'hevc';
    qs.forEach((q, i) => {
      const f = S.makeFrame(i, W, H);
      enc.encode(f, { [reg]: { quantizer: q } });
      f.close();
    });
    enc.flush().then(() => { enc.close(); resolve({ chunks, metas }); }, reject);
  });
}

// Per frame of an IVF stream, from FFmpeg's trace_headers: {key, refresh (VP9 refresh_frame_flags), q (base_q_idx)}
function frameHeaders(chunks, fourcc) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wc-q-'));
  try {
    const file = path.join(dir, 'q.ivf');
    fs.writeFileSync(file, S.toIVF(chunks, fourcc, W, H));
    const r = spawnSync('ffmpeg', ['-hide_banner', '-i', file, '-c', 'copy', '-bsf:v', 'trace_headers', '-f', 'null', '-'],
      { encoding: 'utf8', maxBuffer: 1 << 26 });
    const frames = [];
    for (const [, name, v] of r.stderr.matchAll(/ (frame_type|refresh_frame_flags|base_q_idx)\s+[01]+ = (\d+)/g)) {
      if (name === 'frame_type') frames.push({ key: Number(v) === 0, refresh: 255 });
      else if (name === 'refresh_frame_flags') frames[frames.length - 1].refresh = Number(v);
      else frames[frames.length - 1].q = Number(v);
    }
    return frames;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

// 112 is Mediabunny's default for AV1; 41, 185 and 250 fall between table entries
const QS = [112, 112, 112, 41, 41, 200, 185, 250, 255, 0, 112, 112, 240, 240];

test('av01: quantizer 0-255 is every frame\'s quantizer index (base_q_idx), at open and at every change', async () => {
  const { chunks } = await encode('av01.0.04M.08', QS);
  assert.equal(chunks.length, QS.length);
  assert.deepEqual(frameHeaders(chunks, 'AV01').map((f) => f.q), QS.map(usable));
});

// libvpx takes the quantizer as the frame's ceiling (FFmpeg re-reads only qmax per frame): plain
// inter frames get it exactly; key frames and golden-frame refreshes get libvpx's boost below it
// once it is high (a key frame at most ~184, seen 184-199), and so may frames at the very top (249-255).
test('vp09: quantizer 0-255 is the frame\'s quantizer index (base_q_idx), at open and at every change', async () => {
  const { chunks } = await encode('vp09.00.10.08', QS);
  assert.equal(chunks.length, QS.length);
  const frames = frameHeaders(chunks, 'VP90');
  assert.equal(frames.length, QS.length);
  frames.forEach((f, i) => {
    const want = usable(QS[i]);
    const label = `frame ${i} (quantizer ${QS[i]}, key ${f.key}, refresh ${f.refresh}): base_q_idx ${f.q}, want ${want}`;
    assert.ok(f.q <= want, label);
    if ((f.key && want <= 184) || (!f.key && f.refresh === 1 && want <= 240)) assert.equal(f.q, want, label);
  });
  assert.equal(frames[0].key, true);
});

test('per-frame quantizer: bits fall as the quantizer rises, for every registration', async () => {
  const cases = [
    ['avc1.42001f', [10, 22, 34, 46]],
    ['hvc1.1.6.L93.B0', [10, 22, 34, 46]],
    ['vp09.00.10.08', [32, 96, 160, 224]],
    ['av01.0.04M.08', [32, 96, 160, 224]],
  ];
  for (const [codec, qs] of cases) {
    const sizes = [];
    for (const q of qs) {
      const { chunks } = await encode(codec, new Array(6).fill(q));
      sizes.push(chunks.reduce((a, c) => a + c.byteLength, 0));
    }
    for (let i = 1; i < sizes.length; i++) assert.ok(sizes[i] < sizes[i - 1], `${codec}: sizes ${sizes} fall with quantizer ${qs}`);
    // changing the quantizer frame by frame within one stream: high-q frames are smaller
    const { chunks } = await encode(codec, Array.from({ length: 12 }, (_, i) => (i < 6 ? qs[0] : qs[3])));
    const first = chunks.slice(1, 6).reduce((a, c) => a + c.byteLength, 0);
    const second = chunks.slice(7, 12).reduce((a, c) => a + c.byteLength, 0);
    assert.ok(second < first, `${codec}: quantizer ${qs[3]} frames (${second} B) smaller than quantizer ${qs[0]} frames (${first} B)`);
  }
});

test('quantizer out of the registration\'s range: TypeError naming the member; the top of the range is accepted', async () => {
  for (const [codec, reg, max] of [['avc1.42001f', 'avc', 51], ['hvc1.1.6.L93.B0', 'hevc', 51], ['vp09.00.10.08', 'vp9', 255], ['av01.0.04M.08', 'av1', 255]]) {
    const errors = [];
    const chunks = [];
    const enc = new VideoEncoder({ output(c) { chunks.push(c); }, error(e) { errors.push(e); } });
    enc.configure({ codec, width: W, height: H, bitrateMode: 'quantizer', framerate: 30 });
    const f = S.makeFrame(0, W, H);
    assert.throws(() => enc.encode(f, { [reg]: { quantizer: max + 1 } }), (e) => isType(e) &&
      e.message.includes(`VideoEncoderEncodeOptions.${reg}.quantizer`) && e.message.includes(`[0, ${max}]`), codec);
    assert.equal(enc.encodeQueueSize, 0, `${codec}: nothing queued by the failed call`);
    enc.encode(f, { [reg]: { quantizer: max } });
    f.close();
    await enc.flush();
    assert.deepEqual(errors, []);
    assert.equal(chunks.length, 1, codec);
    enc.close();
  }
});
