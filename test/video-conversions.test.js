'use strict';
// Conversions outside the encoder follow every frame too (issue 10 item 1, the same
// bug class): copyTo({format: "RGBA"}) through its cache of scalers, and decoded
// frames whose pixel format has no VideoPixelFormat (grey, 4:4:0, planar
// RGB) are converted on the decoder's worker (issue 10 item 1, the same bug class
// on the decoder side): the conversion must keep the stream's range and matrix,
// tag the frame with what it did, and follow a stream whose size, range or
// colour space changes mid-way. Streams are made here with the ffmpeg CLI
// (lossless, from pictures of known colours) and concatenated into one chunk
// sequence; every frame's colours are checked through copyTo({format: "RGBA"}).
const test = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const wc = require('..');
const Q = require('./helpers/quadrants');

const TOLERANCE = 3; // lossless streams: only the conversions' rounding

let demuxP;
const demux = () => (demuxP ??= import('./helpers/demux.mjs'));

// Encodes raw frames with the ffmpeg CLI into an IVF file; returns its chunks (EncodedVideoChunk inits).
async function encode(raw, { pixFmt, w, h, frames, codecArgs, colorArgs = [] }) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wc-decconv-'));
  try {
    const src = path.join(dir, 'in.raw');
    const out = path.join(dir, 'out.ivf');
    fs.writeFileSync(src, raw);
    // the same range and matrix on both sides of ffmpeg: no conversion before the encoder
    execFileSync('ffmpeg', ['-v', 'error', '-f', 'rawvideo', '-pix_fmt', pixFmt, '-s', `${w}x${h}`, ...colorArgs, '-i', src,
      '-frames:v', String(frames), '-pix_fmt', pixFmt, ...colorArgs, ...codecArgs, '-f', 'ivf', out]);
    const { readIVF } = await demux();
    return readIVF(new Uint8Array(fs.readFileSync(out))).frames;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

// Planes of a quadrant picture, for ffmpeg's raw input.
function planes(pixFmt, w, h, colours, cs) {
  const at = (x, y) => colours[(y >= h / 2 ? 2 : 0) + (x >= w / 2 ? 1 : 0)];
  if (pixFmt === 'gray') {
    const Y = new Uint8Array(w * h);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) Y[y * w + x] = at(x, y);
    return Y;
  }
  if (pixFmt === 'gbrp') {
    const out = new Uint8Array(w * h * 3);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const [r, g, b] = at(x, y);
        out[y * w + x] = g;
        out[w * h + y * w + x] = b;
        out[2 * w * h + y * w + x] = r;
      }
    }
    return out;
  }
  if (pixFmt === 'yuv440p') {
    const out = new Uint8Array(w * h * 2);
    const ch = h / 2;
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const yuv = Q.rgbToYuv(at(x, y), cs.matrix, cs.fullRange);
        out[y * w + x] = yuv[0];
        if (y % 2 === 0) {
          out[w * h + (y / 2) * w + x] = yuv[1];
          out[w * h + w * ch + (y / 2) * w + x] = yuv[2];
        }
      }
    }
    return out;
  }
  throw new Error(pixFmt);
}

const repeat = (buf, n) => Buffer.concat(Array.from({ length: n }, () => buf));

async function decodeAll(codec, segments) {
  const chunks = [];
  let t = 0;
  for (const seg of segments) {
    for (const f of seg.chunks) {
      chunks.push({ seg, chunk: new wc.EncodedVideoChunk({ type: f.key ? 'key' : 'delta', timestamp: t, duration: 1000, data: f.data }) });
      t += 1000;
    }
  }
  const frames = [];
  const pending = [];
  let error = null;
  const dec = new wc.VideoDecoder({
    output(f) {
      const info = { timestamp: f.timestamp, format: f.format, colorSpace: f.colorSpace.toJSON(), w: f.visibleRect.width, h: f.visibleRect.height };
      pending.push(Q.frameRgba(f).then((r) => { frames.push({ ...info, rgba: r.rgba }); f.close(); }));
    },
    error(e) { error = e; },
  });
  dec.configure({ codec });
  for (const c of chunks) dec.decode(c.chunk);
  await dec.flush().catch((e) => { error ??= e; });
  await Promise.all(pending);
  if (dec.state !== 'closed') dec.close();
  frames.sort((a, b) => a.timestamp - b.timestamp);
  return { frames, segs: chunks.map((c) => c.seg), error };
}

function checkFrames({ frames, segs, error }, label) {
  assert.equal(error, null, error && `${error.name}: ${error.message}`);
  assert.equal(frames.length, segs.length, `${label}: every chunk decodes`);
  const failures = [];
  frames.forEach((f, i) => {
    const seg = segs[i];
    assert.deepEqual([f.w, f.h], [seg.w, seg.h], `${label}: frame ${i} size`);
    const means = Q.quadrantMeans(f.rgba, f.w, f.h);
    seg.want.forEach((want, q) => {
      const d = Q.colourDistance(means[q], want);
      if (d > TOLERANCE) failures.push(`${label} frame ${i} (${seg.name}, ${f.format} ${JSON.stringify(f.colorSpace)}) quadrant ${q}: got ${means[q].map(Math.round)}, want ${want.map(Math.round)}`);
    });
  });
  assert.deepEqual(failures, []);
}

const N = 2; // frames per segment: a key frame and one more

test('AV1 monochrome (dav1d outputs grey): limited and full range and a size change in one stream keep their luma', async () => {
  const levels = [40, 100, 170, 230];
  const grey = (v, full) => { const x = full ? v : (v - 16) * 255 / 219; return [x, x, x]; };
  const segments = [];
  for (const [name, w, h, full] of [['limited', 64, 48, false], ['full', 64, 48, true], ['limited, larger', 96, 64, false]]) {
    const chunks = await encode(repeat(planes('gray', w, h, levels), N), {
      pixFmt: 'gray', w, h, frames: N, colorArgs: ['-color_range', full ? 'pc' : 'tv'],
      codecArgs: ['-c:v', 'libaom-av1', '-cpu-used', '8', '-aom-params', 'lossless=1'],
    });
    segments.push({ name, w, h, chunks, want: levels.map((v) => grey(v, full)) });
  }
  const r = await decodeAll('av01.0.04M.08', segments);
  checkFrames(r, 'AV1 grey');
  for (const f of r.frames) assert.equal(f.format, 'I420');
  assert.deepEqual(r.frames.map((f) => f.colorSpace.fullRange), [false, false, true, true, false, false], 'fullRange follows the stream');
});

test('VP9 profile 1 4:4:0 (no VideoPixelFormat): matrix and range kept, also when they change mid-stream', async () => {
  const colours = [[200, 60, 180], [40, 180, 70], [230, 220, 40], [30, 40, 200]];
  const segments = [];
  for (const [name, cs, args] of [
    ['bt709 limited', { matrix: 'bt709', fullRange: false }, ['-colorspace', 'bt709', '-color_range', 'tv']],
    ['bt709 full', { matrix: 'bt709', fullRange: true }, ['-colorspace', 'bt709', '-color_range', 'pc']],
    ['smpte170m limited', { matrix: 'smpte170m', fullRange: false }, ['-colorspace', 'smpte170m', '-color_range', 'tv']],
  ]) {
    const chunks = await encode(repeat(planes('yuv440p', 64, 48, colours, cs), N), {
      pixFmt: 'yuv440p', w: 64, h: 48, frames: N, colorArgs: args,
      codecArgs: ['-c:v', 'libvpx-vp9', '-lossless', '1', '-deadline', 'realtime', '-cpu-used', '8'],
    });
    segments.push({ name, w: 64, h: 48, chunks, want: colours });
  }
  const r = await decodeAll('vp09.01.10.08', segments);
  checkFrames(r, 'VP9 4:4:0');
});

test('VP9 planar RGB (gbrp): converted colours agree with the colour space the frame reports', async () => {
  const colours = [[200, 60, 180], [40, 180, 70], [230, 220, 40], [30, 40, 200]];
  const segments = [];
  for (const [name, w, h] of [['64x48', 64, 48], ['96x64', 96, 64]]) {
    const chunks = await encode(repeat(planes('gbrp', w, h, colours), N), {
      pixFmt: 'gbrp', w, h, frames: N, codecArgs: ['-c:v', 'libvpx-vp9', '-lossless', '1', '-deadline', 'realtime', '-cpu-used', '8'],
    });
    segments.push({ name, w, h, chunks, want: colours });
  }
  const r = await decodeAll('vp09.01.10.08', segments);
  checkFrames(r, 'VP9 gbrp');
});

test('copyTo RGBA: frames of one size alternating format, matrix and range each get their own conversion', async () => {
  // copyTo's scalers are cached per environment (src/video/frame_copy.c); a context made for one frame and
  // reused for a frame with another matrix or range would shift every colour.
  const colours = [[200, 60, 180], [40, 180, 70], [230, 220, 40], [30, 40, 200]];
  const spaces = [
    { primaries: 'bt709', transfer: 'bt709', matrix: 'bt709', fullRange: false },
    { primaries: 'smpte170m', transfer: 'smpte170m', matrix: 'smpte170m', fullRange: false },
    { primaries: 'bt709', transfer: 'bt709', matrix: 'bt709', fullRange: true },
    { primaries: 'bt2020', transfer: 'bt709', matrix: 'bt2020-ncl', fullRange: false },
  ];
  const failures = [];
  for (let round = 0; round < 2; round++) {
    for (const format of ['I420', 'NV12', 'I444', 'I420A']) {
      for (const cs of spaces) {
        const f = Q.quadrantFrame(format, 64, 48, colours, { cs });
        const { rgba, w, h } = await Q.frameRgba(f);
        f.close();
        const means = Q.quadrantMeans(rgba, w, h);
        colours.forEach((c, q) => {
          if (Q.colourDistance(means[q], c) > TOLERANCE) failures.push(`${format} ${cs.matrix} ${cs.fullRange ? 'full' : 'limited'} quadrant ${q}: got ${means[q].map(Math.round)}, want ${c}`);
        });
      }
    }
  }
  assert.deepEqual(failures, []);
});
