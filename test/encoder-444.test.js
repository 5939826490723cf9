'use strict';
// 4:4:4 (and 4:2:2) encoding (issue 10 item 11): the codec string's profile, bit depth and
// chroma subsampling decide the encoder's pixel format. The source frames carry chroma detail
// at full resolution (1-pixel stripes: U alternates from column to column, V from row to row),
// which any chroma subsampling averages away; each case is decoded by this library and by the
// ffmpeg CLI, whose stream info must name the profile and pixel format, whose pixels must equal
// ours, and whose chroma planes must match the source's far better than 4:2:0 can (4:2:0
// controls of the same frames are measured beside them).
const test = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const wc = require('..');
const S = require('./helpers/synth');

const W = 64;
const H = 32;
const N = 3;
// dB. Every plane of every 4:4:4 frame (measured at 3 Mb/s: 33.4-62.9 dB, libvpx the lowest) must reach FLOOR; a
// plane whose stripes were subsampled stays below SUBSAMPLED_CEILING (measured: 13.5-13.6 dB for U/V of the 4:2:0
// controls). RGB channels after the YUV round trip: RGB_FLOOR (measured 25.9-52.8 dB; the 4:2:0 control's R and
// B: 13.0 and 10.6 dB).
const FLOOR = 28;
const SUBSAMPLED_CEILING = 15;
const RGB_FLOOR = 23;

const BITS = { I444: 8, I444P10: 10, I444P12: 12, I422: 8, I422P10: 10, I420: 8 };

// Planes of frame i, in `format` (I444*, I422*): a moving luma gradient, 1-pixel chroma stripes whose phase
// changes with i, all at 25-75% of the code range (limited-range safe).
function planes(format, i) {
  const bits = BITS[format];
  const max = (1 << bits) - 1;
  const cw = format.startsWith('I422') ? W / 2 : W;
  const Arr = bits > 8 ? Uint16Array : Uint8Array;
  const y = new Arr(W * H);
  const u = new Arr(cw * H);
  const v = new Arr(cw * H);
  const at = (f) => Math.round(max * f);
  for (let r = 0; r < H; r++) {
    for (let c = 0; c < W; c++) y[r * W + c] = at(0.25 + 0.5 * (((c + 3 * i) % W) / W) * (0.5 + r / (2 * H)));
    for (let c = 0; c < cw; c++) {
      u[r * cw + c] = at(((c + i) & 1) ? 0.72 : 0.3);
      v[r * cw + c] = at(((r + i) & 1) ? 0.7 : 0.28);
    }
  }
  return { y, u, v, cw, bits, max };
}

function pack(p) {
  const bytes = (a) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  const out = new Uint8Array(p.y.byteLength + p.u.byteLength + p.v.byteLength);
  out.set(bytes(p.y));
  out.set(bytes(p.u), p.y.byteLength);
  out.set(bytes(p.v), p.y.byteLength + p.u.byteLength);
  return out;
}

const BT709 = { primaries: 'bt709', transfer: 'bt709', matrix: 'bt709', fullRange: false };

function yuvFrame(format, i) {
  return new wc.VideoFrame(pack(planes(format, i)), {
    format, codedWidth: W, codedHeight: H, timestamp: S.timestampOf(i), duration: S.DURATION, colorSpace: BT709,
  });
}

// RGB source: R alternates per column, B per row (both chroma axes at full resolution), G a gradient.
function rgb(i) {
  const out = new Uint8Array(W * H * 3);
  for (let r = 0; r < H; r++) {
    for (let c = 0; c < W; c++) {
      const o = (r * W + c) * 3;
      out[o] = ((c + i) & 1) ? 210 : 50;
      out[o + 1] = 60 + Math.round((120 * ((c + 3 * i) % W)) / W);
      out[o + 2] = ((r + i) & 1) ? 200 : 40;
    }
  }
  return out;
}

function rgbFrame(format, i) {
  const src = rgb(i);
  const data = new Uint8Array(W * H * 4);
  const [ri, bi] = format.startsWith('BGR') ? [2, 0] : [0, 2];
  for (let p = 0; p < W * H; p++) {
    data[p * 4 + ri] = src[p * 3];
    data[p * 4 + 1] = src[p * 3 + 1];
    data[p * 4 + bi] = src[p * 3 + 2];
    data[p * 4 + 3] = format.endsWith('A') ? 255 : 0; // RGBX/BGRX: the padding byte is not alpha
  }
  return new wc.VideoFrame(data, { format, codedWidth: W, codedHeight: H, timestamp: S.timestampOf(i), duration: S.DURATION });
}

function psnr(a, b, max) {
  let se = 0;
  for (let i = 0; i < a.length; i++) se += (a[i] - b[i]) ** 2;
  return se === 0 ? 100 : 10 * Math.log10((max * max * a.length) / se);
}

async function encode(config, frameFn) {
  const chunks = [];
  let decoderConfig = null;
  let error = null;
  const enc = new wc.VideoEncoder({
    output(chunk, meta) { chunks.push(chunk); if (meta?.decoderConfig) decoderConfig ??= meta.decoderConfig; },
    error(e) { error = e; },
  });
  enc.configure({ width: W, height: H, bitrate: 3_000_000, framerate: 30, ...config });
  for (let i = 0; i < N; i++) {
    const f = frameFn(i);
    enc.encode(f, { keyFrame: i === 0 });
    f.close();
  }
  await enc.flush().catch((e) => { error ??= e; });
  if (enc.state !== 'closed') enc.close();
  assert.equal(error, null, error && `${config.codec}: ${error.name}: ${error.message}`);
  assert.equal(chunks.length, N, `${config.codec}: one chunk per frame`);
  assert.ok(decoderConfig, `${config.codec}: decoderConfig with the first chunk`);
  return { chunks, decoderConfig };
}

// This library's decode: per frame its format and its bytes in that format (packed planes).
async function decode(decoderConfig, chunks, copyFormat) {
  const frames = [];
  let error = null;
  const d = new wc.VideoDecoder({
    async output(f) {
      const opts = copyFormat ? { format: copyFormat } : {};
      const buf = new Uint8Array(f.allocationSize(opts));
      frames.push({ format: f.format, bytes: buf, done: f.copyTo(buf, opts).then(() => f.close()) });
    },
    error(e) { error = e; },
  });
  d.configure(decoderConfig);
  for (const c of chunks) d.decode(c);
  await d.flush().catch((e) => { error ??= e; });
  for (const f of frames) await f.done;
  if (d.state !== 'closed') d.close();
  assert.equal(error, null, error && `${decoderConfig.codec} decode: ${error.name}: ${error.message}`);
  assert.equal(frames.length, N);
  return frames;
}

// Splits packed planar bytes of a decoded frame into Y, U, V sample arrays.
function split(bytes, format) {
  const bits = BITS[format];
  const cw = format.startsWith('I420') || format.startsWith('I422') ? W / 2 : W;
  const ch = format.startsWith('I420') ? H / 2 : H;
  const Arr = bits > 8 ? Uint16Array : Uint8Array;
  const all = new Arr(bytes.buffer, bytes.byteOffset, bytes.byteLength / Arr.BYTES_PER_ELEMENT);
  return { y: all.subarray(0, W * H), u: all.subarray(W * H, W * H + cw * ch), v: all.subarray(W * H + cw * ch), cw, ch };
}

// A decoded chroma plane of cw x ch brought to W x H (nearest sample) to compare with a full-resolution source.
function upsample(plane, cw, ch) {
  if (cw === W && ch === H) return plane;
  const out = new plane.constructor(W * H);
  for (let r = 0; r < H; r++) for (let c = 0; c < W; c++) out[r * W + c] = plane[Math.floor((r * ch) / H) * cw + Math.floor((c * cw) / W)];
  return out;
}

// PSNR of Y, U, V of each decoded frame (brought to the source's bit depth) against its source planes; a
// decoded chroma plane smaller than the source's is upsampled (nearest) first.
function planePsnr(frames, srcFormat) {
  return frames.map((f, i) => {
    const src = planes(srcFormat, i);
    const d = split(f.bytes, f.format);
    const [y, u, v] = [d.y, d.u, d.v].map((a) => toDepth(a, BITS[f.format], src.bits));
    const up = (a) => (d.cw === src.cw && d.ch === H ? a : upsample(a, d.cw, d.ch));
    return { y: psnr(y, src.y, src.max), u: psnr(up(u), src.u, src.max), v: psnr(up(v), src.v, src.max) };
  });
}

// Samples of `from` bits at `to` bits (a 12-bit stream of 10-bit frames is compared at 10 bits, rounded).
function toDepth(a, from, to) {
  if (from === to) return a;
  if (from < to) return Uint16Array.from(a, (x) => x << (to - from));
  const shift = from - to;
  return a.map((x) => Math.min((1 << to) - 1, (x + (1 << (shift - 1))) >> shift));
}

function container(codec, chunks, decoderConfig) {
  if (codec.startsWith('vp09')) return { buf: S.toIVF(chunks, 'VP90', W, H), ext: 'ivf', dec: [] };
  if (codec.startsWith('av01')) return { buf: S.toIVF(chunks, 'AV01', W, H), ext: 'ivf', dec: ['-c:v', 'libdav1d'] };
  const hevc = codec.startsWith('hvc1');
  return { buf: S.toAnnexB(chunks, decoderConfig.description, hevc), ext: hevc ? 'hevc' : 'h264', dec: [] };
}

// The ffmpeg CLI on the stream: ffprobe's profile and pix_fmt, and every frame as raw planes in pixFmt.
function ffmpegView(codec, chunks, decoderConfig, pixFmt) {
  const { buf, ext, dec } = container(codec, chunks, decoderConfig);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wc-444-'));
  try {
    const file = path.join(dir, `in.${ext}`);
    fs.writeFileSync(file, buf);
    const probe = JSON.parse(execFileSync('ffprobe', ['-v', 'error', '-select_streams', 'v:0',
      '-show_entries', 'stream=profile,pix_fmt', '-of', 'json', file], { encoding: 'utf8' })).streams[0];
    const raw = execFileSync('ffmpeg', ['-v', 'error', ...dec, '-i', file, '-fps_mode', 'passthrough', '-f', 'rawvideo',
      '-pix_fmt', pixFmt, '-'], { maxBuffer: 1 << 26 });
    return { profile: probe.profile, pixFmt: probe.pix_fmt, raw };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

// [codec string, source format, decoded format (= ffmpeg pix_fmt), canonical output codec, ffprobe profile]
const CASES = [
  ['vp09.01.10.08', 'I444', 'I444', 'vp09.01.10.08.03.01.01.01.00', 'Profile 1'],
  ['vp09.03.10.10', 'I444P10', 'I444P10', 'vp09.03.10.10.03.01.01.01.00', 'Profile 3'],
  ['vp09.03.10.12', 'I444P12', 'I444P12', 'vp09.03.10.12.03.01.01.01.00', 'Profile 3'],
  ['av01.1.04M.08', 'I444', 'I444', 'av01.1.00M.08.0.000.01.01.01.0', 'High'],
  ['av01.1.04M.10', 'I444P10', 'I444P10', 'av01.1.00M.10.0.000.01.01.01.0', 'High'],
  ['av01.2.04M.12', 'I444P12', 'I444P12', 'av01.2.00M.12.0.000.01.01.01.0', 'Professional'],
  ['avc1.f4000c', 'I444', 'I444', 'avc1.f4000c', 'High 4:4:4 Predictive'],
  ['avc1.f4000c', 'I444P10', 'I444P10', 'avc1.f4000c', 'High 4:4:4 Predictive'],
  ['hvc1.4.10.L30.9E.08', 'I444', 'I444', 'hvc1.4.10.L30.9E.8', 'Rext'],
  ['hvc1.4.10.L30.9C.08', 'I444P10', 'I444P10', 'hvc1.4.10.L30.9C.8', 'Rext'],
  // the codec string decides over the frames: a 4:2:2 long form, 4:4:4 from 4:2:2 frames, and HEVC RExt flags
  ['vp09.01.10.08.02.01.01.01.00', 'I444', 'I422', 'vp09.01.10.08.02.01.01.01.00', 'Profile 1'],
  ['vp09.01.10.08', 'I422', 'I422', 'vp09.01.10.08.02.01.01.01.00', 'Profile 1'],
  ['av01.2.04M.10', 'I444P10', 'I422P10', 'av01.2.00M.10.0.100.01.01.01.0', 'Professional'],
  ['av01.2.04M.12.0.000.01.01.01.0', 'I444P10', 'I444P12', 'av01.2.00M.12.0.000.01.01.01.0', 'Professional'],
  ['hvc1.4.10.L30.9E.08', 'I444P10', 'I444', 'hvc1.4.10.L30.9E.8', 'Rext'], // Main 4:4:4: 8 bits
  ['hvc1.4.10.L30.9D.08', 'I444', 'I422P10', 'hvc1.4.10.L30.9D.8', 'Rext'], // Main 4:2:2 10
];

const FFMPEG_FMT = { I444: 'yuv444p', I444P10: 'yuv444p10le', I444P12: 'yuv444p12le', I422: 'yuv422p', I422P10: 'yuv422p10le', I420: 'yuv420p' };

for (const [codec, srcFormat, outFormat, canonical, profile] of CASES) {
  test(`${codec} from ${srcFormat}: ${outFormat} stream (${profile}), chroma kept; ffmpeg decodes the same pixels`, async (t) => {
    const support = await wc.VideoEncoder.isConfigSupported({ codec, width: W, height: H });
    assert.equal(support.supported, true, `isConfigSupported(${codec})`);
    const { chunks, decoderConfig } = await encode({ codec }, (i) => yuvFrame(srcFormat, i));
    assert.equal(decoderConfig.codec, canonical);
    assert.equal((await wc.VideoDecoder.isConfigSupported(decoderConfig)).supported, true, 'the output codec string decodes');

    const frames = await decode(decoderConfig, chunks);
    assert.deepEqual(frames.map((f) => f.format), Array(N).fill(outFormat), 'decoded format');
    // a 4:2:2 stream of 4:4:4 frames keeps V's row stripes and loses U's column stripes
    const scores = planePsnr(frames, srcFormat);
    const subsampledU = outFormat.startsWith('I422') && !srcFormat.startsWith('I422');
    t.diagnostic(`${codec} ${srcFormat}: worst Y ${worst(scores, 'y')} U ${worst(scores, 'u')} V ${worst(scores, 'v')} dB`);
    scores.forEach((s, i) => {
      const msg = `${codec} frame ${i}: Y ${s.y.toFixed(1)} U ${s.u.toFixed(1)} V ${s.v.toFixed(1)} dB`;
      assert.ok(s.y >= FLOOR && s.v >= FLOOR, msg);
      if (subsampledU) assert.ok(s.u <= SUBSAMPLED_CEILING, `${msg}: U was subsampled horizontally`);
      else assert.ok(s.u >= FLOOR, msg);
    });

    const ff = ffmpegView(codec, chunks, decoderConfig, FFMPEG_FMT[outFormat]);
    assert.equal(ff.pixFmt, FFMPEG_FMT[outFormat], 'ffprobe pix_fmt');
    assert.equal(ff.profile, profile, 'ffprobe profile');
    const ours = Buffer.concat(frames.map((f) => f.bytes));
    assert.equal(ff.raw.length, ours.length, 'ffmpeg frame bytes');
    assert.ok(ff.raw.equals(ours), 'ffmpeg decodes the same pixels as this library');
  });
}

const worst = (scores, k) => Math.min(...scores.map((s) => s[k])).toFixed(1);

// The controls: a 4:2:0 codec string given the same 4:4:4 frames subsamples them as before, and then the stripes
// are gone (each pair averaged): these are the chroma PSNRs the 4:4:4 cases above must beat.
for (const codec of ['vp09.00.10.08', 'av01.0.04M.08', 'avc1.64000c', 'hvc1.1.6.L30.90']) {
  test(`control: ${codec} (4:2:0) from I444 frames is I420 and loses the 1-pixel chroma stripes`, async (t) => {
    const { chunks, decoderConfig } = await encode({ codec }, (i) => yuvFrame('I444', i));
    const frames = await decode(decoderConfig, chunks);
    assert.deepEqual(frames.map((f) => f.format), Array(N).fill('I420'));
    const scores = planePsnr(frames, 'I444');
    t.diagnostic(`${codec} I444: worst Y ${worst(scores, 'y')}, best U ${Math.max(...scores.map((x) => x.u)).toFixed(1)} ` +
      `V ${Math.max(...scores.map((x) => x.v)).toFixed(1)} dB`);
    for (const x of scores) {
      assert.ok(x.y >= FLOOR, `Y ${x.y.toFixed(1)} dB`);
      assert.ok(x.u <= SUBSAMPLED_CEILING && x.v <= SUBSAMPLED_CEILING, `U ${x.u.toFixed(1)} V ${x.v.toFixed(1)} dB: subsampled`);
    }
  });
}

// RGB frames go to 4:4:4 without subsampling: decoded back to RGBA, R (column stripes) and B (row stripes) survive.
const RGB_CASES = [
  ['vp09.01.10.08', 'RGBA'], ['vp09.01.10.08', 'BGRA'], ['vp09.01.10.08', 'RGBX'], ['vp09.01.10.08', 'BGRX'],
  ['av01.1.04M.08', 'BGRA'], ['avc1.f4000c', 'RGBX'], ['hvc1.4.10.L30.9E.08', 'RGBA'],
];

function rgbPsnr(frames) {
  return frames.map((f, i) => {
    const src = rgb(i);
    const ch = [[], [], []];
    const want = [[], [], []];
    for (let p = 0; p < W * H; p++) {
      for (let k = 0; k < 3; k++) {
        ch[k].push(f.bytes[p * 4 + k]);
        want[k].push(src[p * 3 + k]);
      }
    }
    return { r: psnr(ch[0], want[0], 255), g: psnr(ch[1], want[1], 255), b: psnr(ch[2], want[2], 255) };
  });
}

for (const [codec, format] of RGB_CASES) {
  test(`${codec} from ${format}: converted to I444 without subsampling (RGB comes back with its stripes)`, async (t) => {
    const { chunks, decoderConfig } = await encode({ codec }, (i) => rgbFrame(format, i));
    const frames = await decode(decoderConfig, chunks, 'RGBA');
    assert.deepEqual(frames.map((f) => f.format), Array(N).fill('I444'));
    const scores = rgbPsnr(frames);
    t.diagnostic(`${codec} ${format}: worst R ${worst(scores, 'r')} G ${worst(scores, 'g')} B ${worst(scores, 'b')} dB`);
    for (const x of scores) assert.ok(x.r >= RGB_FLOOR && x.g >= RGB_FLOOR && x.b >= RGB_FLOOR, `R ${x.r.toFixed(1)} G ${x.g.toFixed(1)} B ${x.b.toFixed(1)} dB`);
  });
}

test('control: vp09.00.10.08 (4:2:0) from RGBA frames loses the stripes in R and B', async (t) => {
  const { chunks, decoderConfig } = await encode({ codec: 'vp09.00.10.08' }, (i) => rgbFrame('RGBA', i));
  const frames = await decode(decoderConfig, chunks, 'RGBA');
  assert.deepEqual(frames.map((f) => f.format), Array(N).fill('I420'));
  const scores = rgbPsnr(frames);
  t.diagnostic(`vp09.00.10.08 RGBA: best R ${Math.max(...scores.map((x) => x.r)).toFixed(1)} B ${Math.max(...scores.map((x) => x.b)).toFixed(1)} dB`);
  for (const x of scores) assert.ok(x.r <= SUBSAMPLED_CEILING && x.b <= SUBSAMPLED_CEILING, `R ${x.r.toFixed(1)} B ${x.b.toFixed(1)} dB`);
});

test('monochrome AV1 is not encodable: isConfigSupported false, configure closes with NotSupportedError naming it', async () => {
  const codec = 'av01.0.04M.08.1.110.01.01.01.0';
  assert.equal((await wc.VideoEncoder.isConfigSupported({ codec, width: W, height: H })).supported, false);
  let error = null;
  const enc = new wc.VideoEncoder({ output() {}, error(e) { error = e; } });
  enc.configure({ codec, width: W, height: H });
  await enc.flush().catch(() => {});
  assert.ok(error instanceof DOMException);
  assert.equal(error.name, 'NotSupportedError');
  assert.match(error.message, /monochrome/);
  assert.equal(enc.state, 'closed');
});
