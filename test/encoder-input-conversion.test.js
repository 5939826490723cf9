'use strict';
// VideoEncoder input conversion follows every frame (issue 10 item 1): one
// encoder per codec is fed frames whose size (smaller, larger, equal to the
// configured one), pixel format, colour space and visible rectangle change from
// frame to frame; every chunk is decoded back and each quadrant's colour is
// compared with the source's. A conversion built for an earlier frame and reused
// gives wrong colours (or an EncodingError) on the frame after a change.
const test = require('node:test');
const assert = require('node:assert/strict');
const wc = require('..');
const Q = require('./helpers/quadrants');

const W = 96;
const H = 64;
// Lossy coding of flat quadrants, chroma sub-sampling and scaling stay well within this (max channel difference
// of a quadrant's mean: at most 5.0 over every codec here, frame 7 the worst); every misconversion this test exists
// for is at least twice as large (checked below).
const TOLERANCE = 9;

const PALETTE = [
  [200, 60, 180], [40, 180, 70], [230, 220, 40], [30, 40, 200], [220, 50, 40], [90, 200, 220], [240, 240, 240], [25, 20, 30],
];
const coloursOf = (i) => [0, 1, 2, 3].map((q) => PALETTE[(i * 3 + q) % PALETTE.length]);

const BT709 = { primaries: 'bt709', transfer: 'bt709', matrix: 'bt709', fullRange: false };
const BT601 = { primaries: 'smpte170m', transfer: 'smpte170m', matrix: 'smpte170m', fullRange: false };
const BT709_FULL = { ...BT709, fullRange: true };

// [format, width, height, colour space, crop] per frame: every change the conversion depends on.
const SEQUENCE = [
  ['I420', W, H, BT709], // equal to the configured size: no conversion at all
  ['RGBA', W / 2, H / 2, null], // smaller, RGB
  ['NV12', W, H, BT709], // the case: NV12 after RGBA at the configured size
  ['BGRA', W * 2, H * 2, null], // larger, channel order swapped
  ['I444', W, H, BT709], // no chroma sub-sampling
  ['RGBX', 64, 48, null], // another aspect ratio
  ['I420A', 144, 96, BT709], // alpha plane dropped
  ['I420', W, H, BT601], // same format and size as frame 0, another matrix
  ['I420', W, H, BT709_FULL], // another range
  ['NV12', W, H, BT709, { x: 32, y: 16, width: W, height: H }], // configured size, visible rect inside a larger frame
  ['BGRA', W, H, null],
  ['I420', 64, 48, BT601], // smaller and another matrix
  ['RGBA', W, H, null],
  ['I444', 48, 32, BT709_FULL],
  ['I420', W, H, BT709], // back to the first frame's input
];

function sourceFrame(i) {
  const [format, w, h, cs, crop] = SEQUENCE[i];
  const opts = { timestamp: i * 33333 };
  if (cs) opts.cs = cs;
  if (!crop) return Q.quadrantFrame(format, w, h, coloursOf(i), opts);
  // a frame larger than the visible rect, with another colour outside it, viewed through visibleRect
  const big = Q.quadrantFrame(format, crop.x + crop.width + 16, crop.y + crop.height + 16, coloursOf(i), { ...opts, rect: crop });
  const view = new wc.VideoFrame(big, { visibleRect: crop });
  big.close();
  return view;
}

async function encodeSequence(config) {
  const chunks = [];
  const metas = [];
  let error = null;
  const enc = new wc.VideoEncoder({ output(c, m) { chunks.push(c); metas.push(m); }, error(e) { error = e; } });
  enc.configure(config);
  for (let i = 0; i < SEQUENCE.length; i++) {
    const f = sourceFrame(i);
    enc.encode(f);
    f.close();
  }
  await enc.flush().catch((e) => { error ??= e; });
  if (enc.state !== 'closed') enc.close();
  return { chunks, metas, error };
}

async function decodeToRgba(decoderConfig, chunks) {
  const frames = [];
  const pending = [];
  let error = null;
  const dec = new wc.VideoDecoder({
    output(f) {
      pending.push(Q.frameRgba(f).then((r) => { frames.push({ timestamp: f.timestamp, ...r }); f.close(); }));
    },
    error(e) { error = e; },
  });
  dec.configure(decoderConfig);
  for (const c of chunks) dec.decode(c);
  await dec.flush().catch((e) => { error ??= e; });
  await Promise.all(pending);
  if (dec.state !== 'closed') dec.close();
  frames.sort((a, b) => a.timestamp - b.timestamp);
  return { frames, error };
}

const CODECS = [
  { codec: 'avc1.64001f' },
  { codec: 'hvc1.1.6.L93.B0' },
  { codec: 'vp8' },
  { codec: 'vp09.00.10.08' },
  { codec: 'av01.0.04M.08' },
  // 10-bit streams: every 8-bit frame is converted (depth, and range where it differs)
  { codec: 'vp09.02.10.10' },
  { codec: 'av01.0.04M.10' },
  // VP9 with alpha kept: the encoder is fed YUVA 4:2:0, so frames without alpha are converted into it
  { codec: 'vp09.00.10.08', alpha: 'keep', label: 'vp09.00.10.08 alpha "keep"' },
];

test('the test can fail: each colour-space frame is far from its colour when read with the stream\'s tags', () => {
  // Frames 7, 8, 11, 13 differ from the stream (BT.709 limited) only in matrix or range. Were they passed to the
  // encoder unconverted, their YUV would be read as BT.709 limited: that must land beyond 2 x TOLERANCE.
  for (const i of [7, 8, 11, 13]) {
    const cs = SEQUENCE[i][3];
    const worst = Math.max(...coloursOf(i).map((c) => Q.colourDistance(Q.yuvToRgb(Q.rgbToYuv(c, cs.matrix, cs.fullRange), 'bt709', false), c)));
    assert.ok(worst > 2 * TOLERANCE, `frame ${i}: misread by at most ${worst.toFixed(1)}`);
  }
  // and every frame's quadrants differ from the previous frame's (a stale picture is caught)
  for (let i = 1; i < SEQUENCE.length; i++) {
    const worst = Math.max(...coloursOf(i).map((c, q) => Q.colourDistance(c, coloursOf(i - 1)[q])));
    assert.ok(worst > 2 * TOLERANCE, `frame ${i} repeats frame ${i - 1}`);
  }
});

for (const c of CODECS) {
  test(`${c.label ?? c.codec}: frames changing size, format, colour space and visible rect from frame to frame keep their colours`, async () => {
    const config = { codec: c.codec, width: W, height: H, bitrate: 2_000_000, framerate: 30 };
    if (c.alpha) config.alpha = c.alpha;
    const { chunks, metas, error } = await encodeSequence(config);
    assert.equal(error, null, error && `${error.name}: ${error.message}`);
    assert.equal(chunks.length, SEQUENCE.length, 'one chunk per frame');
    const dc = metas[0].decoderConfig;
    assert.deepEqual(dc.colorSpace, BT709, 'the stream is tagged with the first frame\'s colour space');
    const { frames, error: decError } = await decodeToRgba(dc, chunks);
    assert.equal(decError, null, decError && `${decError.name}: ${decError.message}`);
    assert.equal(frames.length, SEQUENCE.length, 'every chunk decodes');
    const failures = [];
    frames.forEach((f, i) => {
      assert.equal(f.timestamp, i * 33333);
      assert.deepEqual([f.w, f.h], [W, H]);
      const means = Q.quadrantMeans(f.rgba, f.w, f.h);
      coloursOf(i).forEach((want, q) => {
        const d = Q.colourDistance(means[q], want);
        if (d > TOLERANCE) {
          failures.push(`frame ${i} (${SEQUENCE[i][0]} ${SEQUENCE[i][1]}x${SEQUENCE[i][2]}${SEQUENCE[i][4] ? ' cropped' : ''}) quadrant ${q}: ` +
            `got ${means[q].map(Math.round)}, want ${want} (off by ${d.toFixed(1)})`);
        }
      });
    });
    assert.deepEqual(failures, []);
  });
}
