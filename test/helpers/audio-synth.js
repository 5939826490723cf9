'use strict';
// Audio encoder test helpers: deterministic source signals as AudioData in any sample
// format, encoding a signal with this library's AudioEncoder, files the ffmpeg CLI
// reads from the encoded chunks (Ogg for Opus/Vorbis, ADTS, native FLAC, raw MP3 and
// PCM), ffmpeg's decode of them, and SNR with the best alignment.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const wc = require('../..');

// Channel c of the test signal at sample i: two tones per channel (different per channel, so a
// channel swap or mix shows) plus a slow chirp, peak about -4 dBFS.
function sample(i, c, rate, lfe = false) {
  const t = i / rate;
  if (c === 3 && lfe) return 0.5 * Math.sin(2 * Math.PI * 55 * t); // the LFE channel of 5.1 and up: low tones only
  const f1 = 220 * (c + 1) + 110;
  const f2 = 1250 + 350 * c;
  return 0.35 * Math.sin(2 * Math.PI * f1 * t) + 0.2 * Math.sin(2 * Math.PI * f2 * t + c) +
    0.1 * Math.sin(2 * Math.PI * (300 + 900 * t) * t);
}

// The signal as planar float channels: Float32Array per channel.
function signal(frames, channels, rate, offset = 0) {
  const out = [];
  for (let c = 0; c < channels; c++) {
    const ch = new Float32Array(frames);
    for (let i = 0; i < frames; i++) ch[i] = sample(offset + i, c, rate, channels >= 6);
    out.push(ch);
  }
  return out;
}

const clamp = (x, lo, hi) => Math.max(lo, Math.min(hi, x));
const BYTES = { u8: 1, s16: 2, s32: 4, f32: 4 };

// Planar float channels -> the bytes of an AudioData in `format` (WebCodecs conventions: u8 biased
// by 128, s16/s32 full scale, planar formats plane after plane).
function encodeSamples(chans, format) {
  const base = format.replace('-planar', '');
  const planar = format.endsWith('-planar');
  const n = chans[0].length;
  const ch = chans.length;
  const bps = BYTES[base];
  const buf = new ArrayBuffer(n * ch * bps);
  const dv = new DataView(buf);
  for (let c = 0; c < ch; c++) {
    for (let i = 0; i < n; i++) {
      const x = chans[c][i];
      const at = (planar ? c * n + i : i * ch + c) * bps;
      if (base === 'u8') dv.setUint8(at, clamp(Math.round(x * 128 + 128), 0, 255));
      else if (base === 's16') dv.setInt16(at, clamp(Math.round(x * 32768), -32768, 32767), true);
      else if (base === 's32') dv.setInt32(at, clamp(Math.round(x * 2147483648), -2147483648, 2147483647), true);
      else dv.setFloat32(at, x, true);
    }
  }
  return new Uint8Array(buf);
}

function makeAudioData(chans, { format = 'f32-planar', rate, timestamp }) {
  return new wc.AudioData({
    format, sampleRate: rate, numberOfChannels: chans.length, numberOfFrames: chans[0].length, timestamp,
    data: encodeSamples(chans, format),
  });
}

// Encodes `frames` samples of the test signal in AudioData of `per` frames (formats cycling
// through `formats`). Returns {chunks, metas, error, source (planar float)}.
async function encodeSignal(config, { frames, per = 1000, formats = ['f32-planar'], timestamp = 0, flush = true } = {}) {
  const chunks = [];
  const metas = [];
  let error = null;
  const enc = new wc.AudioEncoder({
    output(c, m) { chunks.push(c); metas.push(m); },
    error(e) { error = e; },
  });
  enc.configure(config);
  const rate = config.sampleRate;
  const source = signal(frames, config.numberOfChannels, rate);
  let k = 0;
  for (let off = 0; off < frames; off += per, k++) {
    const n = Math.min(per, frames - off);
    const part = source.map((ch) => ch.subarray(off, off + n));
    const data = makeAudioData(part, { format: formats[k % formats.length], rate, timestamp: timestamp + Math.round((off * 1e6) / rate) });
    enc.encode(data);
    data.close();
  }
  if (flush) await enc.flush().catch((e) => { error ??= e; });
  if (enc.state !== 'closed') enc.close();
  return { chunks, metas, error, source };
}

const bytesOf = (chunk) => {
  const b = new Uint8Array(chunk.byteLength);
  chunk.copyTo(b);
  return b;
};

// ---- Ogg (RFC 3533) for Opus (RFC 7845) and Vorbis

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let r = i << 24;
    for (let j = 0; j < 8; j++) r = r & 0x80000000 ? (r << 1) ^ 0x04c11db7 : r << 1;
    t[i] = r >>> 0;
  }
  return t;
})();

function oggPage(packet, { serial, seq, granule, bos = false, eos = false }) {
  const segs = [];
  let left = packet.length;
  do { segs.push(Math.min(255, left)); left -= 255; } while (left >= 0 && segs[segs.length - 1] === 255);
  const head = new Uint8Array(27 + segs.length);
  const dv = new DataView(head.buffer);
  head.set([0x4f, 0x67, 0x67, 0x53, 0]);
  head[5] = (bos ? 2 : 0) | (eos ? 4 : 0);
  dv.setBigInt64(6, BigInt(granule), true);
  dv.setUint32(14, serial, true);
  dv.setUint32(18, seq, true);
  head[26] = segs.length;
  head.set(segs, 27);
  const page = new Uint8Array(head.length + packet.length);
  page.set(head);
  page.set(packet, head.length);
  let crc = 0;
  for (const b of page) crc = ((crc << 8) ^ CRC_TABLE[((crc >>> 24) ^ b) & 0xff]) >>> 0;
  new DataView(page.buffer).setUint32(22, crc, true);
  return page;
}

function concat(parts) {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}

// Splits a Xiph-laced description (Vorbis registration) into its three header packets.
function xiphSplit(desc) {
  const d = new Uint8Array(desc);
  const count = d[0] + 1;
  const sizes = [];
  let i = 1;
  for (let k = 0; k < count - 1; k++) {
    let s = 0;
    while (d[i] === 255) { s += 255; i++; }
    s += d[i++];
    sizes.push(s);
  }
  const out = [];
  for (const s of sizes) { out.push(d.subarray(i, i + s)); i += s; }
  out.push(d.subarray(i));
  return out;
}

// One packet per page; granule = samples (at 48 kHz for Opus, pre-skip included) at the end of
// the page, from the chunk durations.
function oggFile(kind, description, chunks, rate) {
  const serial = 0x57434e41;
  let seq = 0;
  const pages = [];
  const unit = kind === 'opus' ? 48000 : rate;
  if (kind === 'opus') {
    const head = new Uint8Array(description);
    const preskip = head[10] | (head[11] << 8);
    pages.push(oggPage(head, { serial, seq: seq++, granule: 0, bos: true }));
    const tags = concat([new TextEncoder().encode('OpusTags'), new Uint8Array([4, 0, 0, 0]), new TextEncoder().encode('test'), new Uint8Array(4)]);
    pages.push(oggPage(tags, { serial, seq: seq++, granule: 0 }));
    let granule = preskip;
    chunks.forEach((c, i) => {
      granule += Math.round((c.duration * unit) / 1e6);
      pages.push(oggPage(bytesOf(c), { serial, seq: seq++, granule, eos: i === chunks.length - 1 }));
    });
  } else {
    const [id, comment, setup] = xiphSplit(description);
    pages.push(oggPage(id, { serial, seq: seq++, granule: 0, bos: true }));
    pages.push(oggPage(comment, { serial, seq: seq++, granule: 0 }));
    pages.push(oggPage(setup, { serial, seq: seq++, granule: 0 }));
    let granule = 0;
    chunks.forEach((c, i) => {
      granule += Math.round((c.duration * unit) / 1e6);
      pages.push(oggPage(bytesOf(c), { serial, seq: seq++, granule, eos: i === chunks.length - 1 }));
    });
  }
  return concat(pages);
}

// ---- AAC: ADTS headers from the AudioSpecificConfig, for raw ("aac" format) frames

function adtsWrap(asc, chunks) {
  const a = new Uint8Array(asc);
  const aot = a[0] >> 3;
  const sfi = ((a[0] & 7) << 1) | (a[1] >> 7);
  const chan = (a[1] >> 3) & 15;
  return concat(chunks.map((c) => {
    const raw = bytesOf(c);
    const len = raw.length + 7;
    const h = new Uint8Array([0xff, 0xf1, ((aot - 1) << 6) | (sfi << 2) | (chan >> 2), ((chan & 3) << 6) | (len >> 11),
      (len >> 3) & 0xff, ((len & 7) << 5) | 0x1f, 0xfc]);
    return concat([h, raw]);
  }));
}

// The file (and ffmpeg input format) that holds the chunks of a codec.
function containerFor(codec, meta, chunks, rate) {
  const desc = meta?.decoderConfig?.description;
  if (codec === 'opus') return { data: oggFile('opus', desc, chunks, rate), ext: 'opus', format: 'ogg' };
  if (codec === 'vorbis') return { data: oggFile('vorbis', desc, chunks, rate), ext: 'ogg', format: 'ogg' };
  if (codec === 'flac') return { data: concat([new Uint8Array(desc), ...chunks.map(bytesOf)]), ext: 'flac', format: 'flac' };
  if (codec.startsWith('mp4a.4') || codec === 'mp4a.67') {
    return { data: desc ? adtsWrap(desc, chunks) : concat(chunks.map(bytesOf)), ext: 'aac', format: 'aac' };
  }
  if (codec === 'mp3' || codec.startsWith('mp4a.6')) return { data: concat(chunks.map(bytesOf)), ext: 'mp3', format: 'mp3' };
  const raw = { 'pcm-u8': 'u8', 'pcm-s16': 's16le', 'pcm-s24': 's24le', 'pcm-s32': 's32le', 'pcm-f32': 'f32le', ulaw: 'mulaw', alaw: 'alaw' };
  return { data: concat(chunks.map(bytesOf)), ext: 'raw', format: raw[codec], raw: true };
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'wc-audio-'));
process.on('exit', () => fs.rmSync(tmp, { recursive: true, force: true }));
let fileNo = 0;

function writeTemp(ext, data) {
  const file = path.join(tmp, `f${fileNo++}.${ext}`);
  fs.writeFileSync(file, data);
  return file;
}

// ffmpeg's decode of a file to planar float channels at `rate` Hz.
function ffmpegDecode(file, { format, raw, rate, channels, inRate }) {
  const input = raw ? ['-f', format, '-ar', String(inRate), '-ac', String(channels)] : ['-f', format];
  // no -ac on the output: it would remix the decoder's layout (3.0, quad) into the default one (2.1, 4.0)
  const out = execFileSync('ffmpeg', ['-v', 'error', ...input, '-i', file, '-f', 'f32le', '-ar', String(rate), '-'],
    { maxBuffer: 1 << 28 });
  const f = new Float32Array(out.buffer, out.byteOffset, out.length / 4);
  const n = f.length / channels;
  const chans = [];
  for (let c = 0; c < channels; c++) {
    const ch = new Float32Array(n);
    for (let i = 0; i < n; i++) ch[i] = f[i * channels + c];
    chans.push(ch);
  }
  return chans;
}

// SNR (dB) of `got` against `ref` over the reference's length (all channels), with got shifted by
// lag samples (got[i + lag] ~ ref[i]).
function snrAt(ref, got, lag, skip = 0) {
  let s = 0;
  let e = 0;
  for (let c = 0; c < ref.length; c++) {
    const n = Math.min(ref[c].length, got[c].length - lag);
    for (let i = skip; i < n; i++) {
      const d = got[c][i + lag] - ref[c][i];
      s += ref[c][i] * ref[c][i];
      e += d * d;
    }
  }
  return e === 0 ? Infinity : 10 * Math.log10(s / e);
}

// The lag in [0, maxLag] with the best SNR, and that SNR.
function bestLag(ref, got, maxLag = 4096, skip = 0) {
  let best = { lag: 0, snr: -Infinity };
  for (let lag = 0; lag <= maxLag; lag++) {
    const s = snrAt(ref, got, lag, skip);
    if (s > best.snr) best = { lag, snr: s };
  }
  return best;
}

// Decodes chunks with this library's AudioDecoder configured with `decoderConfig`: planar float
// channels (copyTo f32-planar), the output rate, the first output's timestamp, the error if any.
async function libraryDecode(decoderConfig, chunks) {
  const parts = [];
  let first = null;
  let rate = 0;
  let error = null;
  const dec = new wc.AudioDecoder({
    output(a) {
      if (first === null) first = a.timestamp;
      rate = a.sampleRate;
      parts.push(Array.from({ length: a.numberOfChannels }, (_, c) => {
        const p = new Float32Array(a.numberOfFrames);
        a.copyTo(p, { planeIndex: c, format: 'f32-planar' });
        return p;
      }));
      a.close();
    },
    error(e) { error = e; },
  });
  dec.configure(decoderConfig);
  for (const c of chunks) dec.decode(c);
  await dec.flush().catch((e) => { error ??= e; });
  if (dec.state !== 'closed') dec.close();
  const channels = parts.length ? parts[0].length : 0;
  const chans = Array.from({ length: channels }, (_, c) => {
    const out = new Float32Array(parts.reduce((n, p) => n + p[c].length, 0));
    let o = 0;
    for (const p of parts) { out.set(p[c], o); o += p[c].length; }
    return out;
  });
  return { chans, rate, first, error };
}

module.exports = {
  libraryDecode,
  sample, signal, encodeSamples, makeAudioData, encodeSignal, bytesOf, oggFile, adtsWrap, containerFor, writeTemp,
  ffmpegDecode, snrAt, bestLag, concat, xiphSplit,
};
