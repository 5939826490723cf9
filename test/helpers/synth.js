'use strict';
// Synthetic source frames for encoder tests (a moving gradient plus deterministic
// noise, so every frame differs from its neighbours), PSNR, and writers that put
// encoded chunks into files the ffmpeg CLI can decode (Annex B, IVF).
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const wc = require('../..');

// I420 planes of frame i at w x h (moving diagonal gradient, drifting chroma, noise +-3).
function i420(i, w, h) {
  const cw = (w + 1) >> 1;
  const ch = (h + 1) >> 1;
  const y = new Uint8Array(w * h);
  const u = new Uint8Array(cw * ch);
  const v = new Uint8Array(cw * ch);
  let seed = (i + 1) * 2654435761 >>> 0;
  const noise = () => {
    seed ^= seed << 13; seed >>>= 0;
    seed ^= seed >>> 17;
    seed ^= seed << 5; seed >>>= 0;
    return (seed % 7) - 3;
  };
  const shift = i * 6;
  for (let r = 0; r < h; r++) {
    for (let c = 0; c < w; c++) {
      const g = ((c + shift) * 256 / w + (r * 128) / h) % 256;
      const box = ((((c + shift * 2) >> 5) + (r >> 5)) & 1) * 40;
      y[r * w + c] = Math.max(16, Math.min(235, 30 + g * 0.6 + box + noise()));
    }
  }
  for (let r = 0; r < ch; r++) {
    for (let c = 0; c < cw; c++) {
      u[r * cw + c] = 128 + Math.round(60 * Math.sin((c + shift) / 20 + i / 10));
      v[r * cw + c] = 128 + Math.round(60 * Math.cos((r + shift) / 15));
    }
  }
  return { y, u, v, w, h, cw, ch };
}

function packI420(p) {
  const out = new Uint8Array(p.y.length + p.u.length + p.v.length);
  out.set(p.y);
  out.set(p.u, p.y.length);
  out.set(p.v, p.y.length + p.u.length);
  return out;
}

const FPS = 30;
const DURATION = Math.round(1e6 / FPS);
const timestampOf = (i) => Math.round((i * 1e6) / FPS);

function makeFrame(i, w, h, extra = {}) {
  return new wc.VideoFrame(packI420(i420(i, w, h)), {
    format: 'I420', codedWidth: w, codedHeight: h, timestamp: timestampOf(i), duration: DURATION, ...extra,
  });
}

// RGBA version of the same picture (BT.601/709 do not matter: compared after a YUV round trip).
function makeRgbaFrame(i, w, h, extra = {}) {
  const p = i420(i, w, h);
  const rgba = new Uint8Array(w * h * 4);
  for (let r = 0; r < h; r++) {
    for (let c = 0; c < w; c++) {
      const Y = p.y[r * w + c];
      const o = (r * w + c) * 4;
      rgba[o] = Y; rgba[o + 1] = Y; rgba[o + 2] = Y; rgba[o + 3] = 255; // grey: matrix-independent
    }
  }
  return new wc.VideoFrame(rgba, { format: 'RGBA', codedWidth: w, codedHeight: h, timestamp: timestampOf(i), duration: DURATION, ...extra });
}

function psnr(a, b) {
  let se = 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = a[i] - b[i];
    se += d * d;
  }
  if (se === 0) return 100;
  return 10 * Math.log10((255 * 255 * n) / se);
}

// Encodes n synthetic frames; returns {chunks, metas, error}.
async function encodeFrames(config, n, { frameFn = makeFrame, options = () => ({}), w = config.width, h = config.height } = {}) {
  const chunks = [];
  const metas = [];
  let error = null;
  const enc = new wc.VideoEncoder({
    output(chunk, meta) { chunks.push(chunk); metas.push(meta); },
    error(e) { error = e; },
  });
  enc.configure(config);
  for (let i = 0; i < n; i++) {
    const f = frameFn(i, w, h);
    enc.encode(f, options(i));
    f.close();
  }
  await enc.flush().catch((e) => { error ??= e; });
  if (enc.state !== 'closed') enc.close();
  return { chunks, metas, error };
}

function chunkBytes(c) {
  const b = new Uint8Array(c.byteLength);
  c.copyTo(b);
  return b;
}

// Length-prefixed H.264/HEVC access units + avcC/hvcC -> Annex B stream (parameter sets before key frames).
function toAnnexB(chunks, description, hevc) {
  const d = new Uint8Array(description);
  const ps = [];
  if (!hevc) {
    let p = 6;
    const nsps = d[5] & 0x1f;
    for (let i = 0; i < nsps; i++) { const l = (d[p] << 8) | d[p + 1]; ps.push(d.subarray(p + 2, p + 2 + l)); p += 2 + l; }
    const npps = d[p++];
    for (let i = 0; i < npps; i++) { const l = (d[p] << 8) | d[p + 1]; ps.push(d.subarray(p + 2, p + 2 + l)); p += 2 + l; }
  } else {
    let p = 23;
    const narr = d[22];
    for (let a = 0; a < narr; a++) {
      const n = (d[p + 1] << 8) | d[p + 2];
      p += 3;
      for (let i = 0; i < n; i++) { const l = (d[p] << 8) | d[p + 1]; ps.push(d.subarray(p + 2, p + 2 + l)); p += 2 + l; }
    }
  }
  const parts = [];
  const sc = Uint8Array.of(0, 0, 0, 1);
  for (const c of chunks) {
    if (c.type === 'key') for (const n of ps) parts.push(sc, n);
    const b = chunkBytes(c);
    for (let p = 0; p + 4 <= b.length;) {
      const l = (b[p] << 24 | b[p + 1] << 16 | b[p + 2] << 8 | b[p + 3]) >>> 0;
      parts.push(sc, b.subarray(p + 4, p + 4 + l));
      p += 4 + l;
    }
  }
  return Buffer.concat(parts);
}

function toIVF(chunks, fourcc, w, h) {
  const header = Buffer.alloc(32);
  header.write('DKIF', 0);
  header.writeUInt16LE(0, 4);
  header.writeUInt16LE(32, 6);
  header.write(fourcc, 8);
  header.writeUInt16LE(w, 12);
  header.writeUInt16LE(h, 14);
  header.writeUInt32LE(1000000, 16); // timebase den (microseconds)
  header.writeUInt32LE(1, 20);
  header.writeUInt32LE(chunks.length, 24);
  const parts = [header];
  for (const c of chunks) {
    const fh = Buffer.alloc(12);
    fh.writeUInt32LE(c.byteLength, 0);
    fh.writeBigUInt64LE(BigInt(c.timestamp), 4);
    parts.push(fh, Buffer.from(chunkBytes(c)));
  }
  return Buffer.concat(parts);
}

// Decodes a file with the ffmpeg CLI into I420 frames of w x h (presentation order).
function ffmpegDecodeI420(buf, ext, w, h, format = 'yuv420p') {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wc-enc-'));
  try {
    const file = path.join(dir, `in.${ext}`);
    fs.writeFileSync(file, buf);
    const dec = ext === 'ivf-av1' ? ['-c:v', 'libdav1d'] : [];
    const input = ext === 'ivf-av1' ? (fs.renameSync(file, path.join(dir, 'in.ivf')), path.join(dir, 'in.ivf')) : file;
    const fmtArgs = ext === 'h264' ? ['-f', 'h264'] : ext === 'hevc' ? ['-f', 'hevc'] : [];
    const out = execFileSync('ffmpeg', ['-v', 'error', ...fmtArgs, ...dec, '-i', input, '-fps_mode', 'passthrough', '-pix_fmt', format, '-f', 'rawvideo', '-'],
      { maxBuffer: 1 << 28 });
    const size = w * h + 2 * ((w + 1) >> 1) * ((h + 1) >> 1);
    const frames = [];
    for (let p = 0; p + size <= out.length; p += size) frames.push(new Uint8Array(out.buffer, out.byteOffset + p, size));
    return frames;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

// Decodes chunks with this library; returns the I420 bytes of each frame and its timestamp/duration.
async function libDecode(decoderConfig, chunks) {
  const frames = [];
  const pending = [];
  let error = null;
  const d = new wc.VideoDecoder({
    output(f) {
      const buf = new Uint8Array(f.allocationSize());
      const rec = { timestamp: f.timestamp, duration: f.duration, format: f.format, bytes: buf };
      frames.push(rec);
      pending.push(f.copyTo(buf).then(() => f.close()));
    },
    error(e) { error = e; },
  });
  d.configure(decoderConfig);
  for (const c of chunks) d.decode(c);
  await d.flush().catch((e) => { error ??= e; });
  await Promise.all(pending);
  if (d.state !== 'closed') d.close();
  return { frames, error };
}

module.exports = { i420, packI420, makeFrame, makeRgbaFrame, psnr, encodeFrames, chunkBytes, toAnnexB, toIVF, ffmpegDecodeI420, libDecode, timestampOf, DURATION, FPS };
