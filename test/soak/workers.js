'use strict';
// Soak scenario: worker_threads terminated while their codecs work.
//   encode  20 Workers encoding 720p synthetic frames (even: H.264, odd: VP8), all at
//           once; Workers 0, 2, 4... are terminated at their first output chunk,
//           1, 3, 5... 5-50 ms after they started encoding (their encoders hold
//           queued frames either way).
//   decode  20 Workers decoding the 1080p H.264 clip (never flushed), terminated the
//           same way (first output / 5-50 ms after the decode() calls).
// Every terminate() must resolve; then this (main) thread encodes 30 320x240 frames
// with H.264 and with VP8, decodes them again and checks count, timestamps and
// PSNR against the source. The OS thread count is reported before and after.
const path = require('node:path');
const fs = require('node:fs');
const { psnr } = require('../helpers/synth');
const kit = require('../helpers/workers');
const { wc, loadTrack, configOf, emit, modeOrSkip, sleep, threadCount, i420Bytes, frameOf, errText } = require('./util');

const mode = modeOrSkip(['encode', 'decode']);
const WORKER = path.join(__dirname, 'worker.js');
const N = 20;

function startWorker(workerData) {
  return kit.startWorker(WORKER, workerData);
}

// Encodes n frames with `codec`, decodes the chunks; compares with the source.
async function roundTrip(codec, n = 30) {
  const W = 320;
  const H = 240;
  const pics = Array.from({ length: n }, (_, i) => i420Bytes(i, W, H));
  const chunks = [];
  let decoderConfig = null;
  const errors = [];
  const enc = new wc.VideoEncoder({
    output(c, meta) {
      chunks.push(c);
      if (meta && meta.decoderConfig) decoderConfig ??= meta.decoderConfig;
    },
    error(e) { errors.push(`encoder: ${errText(e)}`); },
  });
  enc.configure({ codec, width: W, height: H, bitrate: 1000000, framerate: 30 });
  for (let i = 0; i < n; i++) {
    const f = frameOf(pics[i], W, H, i * 33333);
    enc.encode(f, { keyFrame: i === 0 });
    f.close();
  }
  await enc.flush().catch((e) => errors.push(`encoder flush: ${errText(e)}`));
  enc.close();
  const frames = [];
  const dec = new wc.VideoDecoder({
    output(f) {
      const buf = new Uint8Array(f.allocationSize());
      f.copyTo(buf);
      frames.push({ timestamp: f.timestamp, buf });
      f.close();
    },
    error(e) { errors.push(`decoder: ${errText(e)}`); },
  });
  if (decoderConfig) {
    dec.configure(decoderConfig);
    for (const c of chunks) dec.decode(c);
    await dec.flush().catch((e) => errors.push(`decoder flush: ${errText(e)}`));
  }
  if (dec.state !== 'closed') dec.close();
  const minPsnr = frames.length ? Math.min(...frames.map((f, i) => psnr(f.buf, pics[i]))) : 0;
  return {
    codec, chunks: chunks.length, frames: frames.length, expected: n, errors,
    timestampsOk: JSON.stringify(frames.map((f) => f.timestamp)) === JSON.stringify(pics.map((_, i) => i * 33333)),
    minPsnr: Math.round(minPsnr * 10) / 10,
  };
}

async function main() {
  const t0 = Date.now();
  let data;
  if (mode === 'encode') {
    const width = 1280;
    const height = 720;
    const pics = [0, 1, 2, 3].map((i) => i420Bytes(i, width, height));
    data = (i) => ({ mode, codec: i % 2 ? 'vp8' : 'avc1.64001f', pics, width, height });
  } else {
    const t = await loadTrack('testsrc2-1920x1080-h264.h264');
    const track = { ...configOf(t), chunks: t.chunks };
    data = () => ({ mode, track });
  }
  await fs.promises.readFile(__filename); // start libuv's thread pool before counting threads
  const threadsBefore = threadCount();
  let threadsPeak = threadsBefore;
  const recs = [];
  for (let i = 0; i < N; i++) {
    const rec = startWorker(data(i));
    rec.index = i;
    recs.push(rec);
    rec.terminated = kit.terminateOnCue(rec, i, () => { threadsPeak = Math.max(threadsPeak, threadCount()); });
  }
  await Promise.all(recs.map((r) => r.terminated));
  await Promise.all(recs.map((r) => r.exit));
  const tTerminated = Date.now();
  await sleep(50);
  const threadsAfter = threadCount();
  const main = [await roundTrip('avc1.42001e'), await roundTrip('vp8')];
  emit({
    mode,
    workers: recs.map((r) => ({
      index: r.index, why: r.why, resolved: !!r.resolved, rejected: r.rejected, terminateCode: r.terminateCode, exitCode: r.exitCode,
      errors: r.errors, codecErrors: r.messages.filter((m) => m.type === 'error').map((m) => m.error),
      sawStarted: r.messages.some((m) => m.type === 'started'), sawOutput: r.messages.some((m) => m.type === 'output'),
    })),
    threadsBefore, threadsPeak, threadsAfter, main,
    ms: { workers: tTerminated - t0, total: Date.now() - t0 },
  });
}

if (mode) main().catch((e) => { console.error(e); process.exitCode = 99; });
