'use strict';
// One measured run of this library, in a fresh process: node bench/child.js '<json case>'
// Prints one JSON line: {frames, wallMs, cpuMs, firstFrameMs, loop: {p50, p99, max}, maxRssKiB, ...}.
// The clock starts at the first decode()/encode() call (input already demuxed in memory)
// and stops when flush() resolves; CPU time is the whole process's (all threads).
const path = require('node:path');
const { monitorEventLoopDelay } = require('node:perf_hooks');
const { pathToFileURL } = require('node:url');
const wc = require('..');

const spec = JSON.parse(process.argv[2]);
const fixtures = path.join(__dirname, '..', 'test', 'fixtures');

function loopStats(h) {
  const ms = (ns) => Math.round((ns / 1e6) * 100) / 100;
  return { p50: ms(h.percentile(50)), p99: ms(h.percentile(99)), max: ms(h.max) };
}

async function decodeCase() {
  const { loadTrack } = await import(pathToFileURL(path.join(__dirname, '..', 'test', 'helpers', 'demux.mjs')));
  const track = loadTrack(path.join(fixtures, spec.file), spec.demux || {});
  const repeat = spec.repeat || 1;
  let frames = 0;
  let firstFrame = 0;
  let t0 = 0;
  let copies = [];
  const copyBuf = spec.copyTo ? new Uint8Array(track.codedWidth * track.codedHeight * 4) : null;
  const decoder = new wc.VideoDecoder({
    output(frame) {
      if (frames++ === 0) firstFrame = performance.now() - t0;
      if (copyBuf) copies.push(frame.copyTo(copyBuf, spec.copyTo === 'RGBA' ? { format: 'RGBA' } : {}).then(() => frame.close()));
      else frame.close();
    },
    error(e) { console.error(e); process.exit(1); },
  });
  decoder.configure({ codec: track.codec, codedWidth: track.codedWidth, codedHeight: track.codedHeight, description: track.description });
  const chunks = track.chunks.map((c) => new wc.EncodedVideoChunk(c));
  const h = monitorEventLoopDelay({ resolution: 1 });
  const cpu0 = process.cpuUsage();
  h.enable();
  t0 = performance.now();
  for (let r = 0; r < repeat; r++) {
    for (const c of chunks) decoder.decode(c);
    await decoder.flush();
    // the next round starts again at a key chunk, as after a seek
  }
  await Promise.all(copies);
  const wallMs = performance.now() - t0;
  h.disable();
  const cpu = process.cpuUsage(cpu0);
  decoder.close();
  copies = null;
  return { frames, wallMs, cpuMs: (cpu.user + cpu.system) / 1000, firstFrameMs: firstFrame, loop: loopStats(h) };
}

// Raw I420 source frames (bench/run.js makes the file with ffmpeg's testsrc2 and hands the same file to ffmpeg).
async function encodeCase() {
  const fs = require('node:fs');
  const { width: w, height: h, frames: n } = spec;
  const raw = fs.readFileSync(spec.raw);
  const size = (w * h * 3) / 2;
  let chunks = 0;
  let bytes = 0;
  let firstFrame = 0;
  let t0 = 0;
  const encoder = new wc.VideoEncoder({
    output(chunk) {
      if (chunks++ === 0) firstFrame = performance.now() - t0;
      bytes += chunk.byteLength;
    },
    error(e) { console.error(e); process.exit(1); },
  });
  encoder.configure(spec.config);
  const h0 = monitorEventLoopDelay({ resolution: 1 });
  const cpu0 = process.cpuUsage();
  h0.enable();
  t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const frame = new wc.VideoFrame(raw.subarray(i * size, (i + 1) * size), {
      format: 'I420', codedWidth: w, codedHeight: h, timestamp: Math.round((i * 1e6) / 30), duration: 33333,
    });
    encoder.encode(frame);
    frame.close();
    // a real producer waits when the encoder's queue is long (the spec's backpressure)
    if (encoder.encodeQueueSize > 8) await new Promise((r) => encoder.addEventListener('dequeue', r, { once: true }));
  }
  await encoder.flush();
  const wallMs = performance.now() - t0;
  h0.disable();
  const cpu = process.cpuUsage(cpu0);
  encoder.close();
  return { frames: chunks, wallMs, cpuMs: (cpu.user + cpu.system) / 1000, firstFrameMs: firstFrame, loop: loopStats(h0), bytes };
}

(async () => {
  let r;
  if (spec.kind === 'decode') r = await decodeCase();
  else if (spec.kind === 'encode') r = await encodeCase();
  else throw new Error(`unknown case kind ${spec.kind}`);
  r.maxRssKiB = process.resourceUsage().maxRSS;
  process.stdout.write(`${JSON.stringify(r)}\n`);
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
