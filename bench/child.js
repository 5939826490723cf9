'use strict';
// One measured run of this library, in a fresh process: node bench/child.js '<json case>'
// Prints one JSON line: {frames, wallMs, cpuMs, firstFrameMs, loop: {p50, p99, max}, maxRssKiB, ...}.
// The clock starts at the first decode()/encode() call (input already demuxed or read into
// memory) and stops when flush() resolves; CPU time is the whole process's (all threads).
const fs = require('node:fs');
const path = require('node:path');
const { monitorEventLoopDelay } = require('node:perf_hooks');
const { threadCpu, threadSwitches } = require('./threads');
const { pathToFileURL } = require('node:url');
// The implementation under test: this library, or a peer's module (bench/peers.js).
const wc = require(process.env.WEBCODECS_BENCH_IMPL || '..');

const spec = JSON.parse(process.argv[2]);
const fixtures = path.join(__dirname, '..', 'test', 'fixtures');

function loopStats(h) {
  const ms = (ns) => Math.round((ns / 1e6) * 100) / 100;
  return { p50: ms(h.percentile(50)), p99: ms(h.percentile(99)), max: ms(h.max) };
}

// Measures fn (which returns {frames, firstFrameMs?, ...}) with the event-loop histogram and CPU time.
async function measured(fn) {
  const h = monitorEventLoopDelay({ resolution: 1 });
  const cpu0 = process.cpuUsage();
  const threads0 = threadCpu();
  const switches0 = threadSwitches();
  h.enable();
  const t0 = performance.now();
  const r = await fn(t0);
  const wallMs = performance.now() - t0;
  h.disable();
  const cpu = process.cpuUsage(cpu0);
  // per thread name: CPU ms, ms runnable but waiting for a CPU, and waits/preemptions (bench/threads.js)
  const threads = threadCpu(threads0);
  return { ...r, wallMs, cpuMs: (cpu.user + cpu.system) / 1000, loop: loopStats(h),
    threadCpuMs: threads.cpu, threadRunqueueMs: threads.runqueue, threadSwitches: threadSwitches(switches0) };
}

async function loadChunks(file, demux = {}, repeat = 1) {
  const { loadTrack } = await import(pathToFileURL(path.join(__dirname, '..', 'test', 'helpers', 'demux.mjs')));
  const track = loadTrack(path.join(fixtures, file), demux);
  const span = track.chunks.length ? track.chunks[track.chunks.length - 1].timestamp + (track.chunks[1]?.timestamp ?? 33333) : 0;
  const chunks = [];
  for (let r = 0; r < repeat; r++) {
    for (const c of track.chunks) chunks.push(new wc.EncodedVideoChunk({ ...c, timestamp: c.timestamp + r * span }));
  }
  return { track, chunks };
}

// Decode: the clip (repeated `repeat` times back to back, one flush at the end).
// copyTo: "I420" copies every frame out, "RGBA" converts every frame (a real consumer).
async function decodeCase() {
  const { track, chunks } = await loadChunks(spec.file, spec.demux, spec.repeat || 1);
  let frames = 0;
  let firstFrame = 0;
  let t0 = 0;
  const copies = [];
  const buf = spec.copyTo ? new Uint8Array(track.codedWidth * track.codedHeight * 4) : null;
  const decoder = new wc.VideoDecoder({
    output(frame) {
      if (frames++ === 0) firstFrame = performance.now() - t0;
      if (buf) copies.push(frame.copyTo(buf, spec.copyTo === 'RGBA' ? { format: 'RGBA' } : {}).then(() => frame.close()));
      else frame.close();
    },
    error(e) { console.error(e); process.exit(1); },
  });
  decoder.configure({ codec: track.codec, codedWidth: track.codedWidth, codedHeight: track.codedHeight, description: track.description });
  const r = await measured(async (start) => {
    t0 = start;
    for (const c of chunks) {
      decoder.decode(c);
      // a demuxer feeding a real pipeline keeps the queue bounded (the spec's backpressure)
      if (decoder.decodeQueueSize > 64) await new Promise((res) => decoder.addEventListener('dequeue', res, { once: true }));
    }
    await decoder.flush();
    await Promise.all(copies);
    return { frames, firstFrameMs: firstFrame };
  });
  decoder.close();
  return r;
}

// Encode raw frames (I420, or RGBA through `new VideoFrame`) read from the same file ffmpeg reads.
// Also measured: the encoder's delay, from the dequeue events (each is posted when the worker takes
// frame k, after every chunk of frames 0..k-1: k minus the chunks seen then is what the encoder
// holds), and with spec.psnr the chunks are kept and, after the clock stops, decoded by the ffmpeg
// CLI and compared with the source (ffmpeg's psnr filter: average and worst frame).
async function encodeCase() {
  const { width: w, height: h, frames: n, format = 'I420' } = spec;
  // frames are read from the file one at a time, as ffmpeg reads them (the page cache holds it),
  // asynchronously as a real producer would (a sync read of 8 MB would block the event loop)
  const file = path.isAbsolute(spec.raw) ? spec.raw : path.join(__dirname, '..', spec.raw);
  const fh = await fs.promises.open(file, 'r');
  const size = format === 'RGBA' ? w * h * 4 : (w * h * 3) / 2;
  const rawFrames = Math.floor((await fh.stat()).size / size); // the source is cycled when shorter than n
  const pixels = Buffer.allocUnsafe(size);
  let chunks = 0;
  let bytes = 0;
  let firstFrame = 0;
  let t0 = 0;
  let sent = 0;
  let maxDelay = 0;
  let firstChunkAfter = null; // frames taken by the encoder before its first chunk
  const kept = [];
  const encoder = new wc.VideoEncoder({
    output(chunk) {
      if (chunks++ === 0) firstFrame = performance.now() - t0;
      bytes += chunk.byteLength;
      if (spec.psnr) {
        const b = new Uint8Array(chunk.byteLength);
        chunk.copyTo(b);
        kept.push({ timestamp: chunk.timestamp, data: b });
      }
    },
    error(e) { console.error(e); process.exit(1); },
  });
  encoder.addEventListener('dequeue', () => {
    const k = sent - encoder.encodeQueueSize - 1; // frames finished before this one was taken
    maxDelay = Math.max(maxDelay, k - chunks);
    if (firstChunkAfter === null && chunks > 0) firstChunkAfter = k;
  });
  encoder.configure(spec.config);
  const r = await measured(async (start) => {
    t0 = start;
    for (let i = 0; i < n; i++) {
      await fh.read(pixels, 0, size, (i % rawFrames) * size);
      const frame = new wc.VideoFrame(pixels, {
        format, codedWidth: w, codedHeight: h, timestamp: Math.round((i * 1e6) / 30), duration: 33333,
      });
      encoder.encode(frame);
      sent++;
      frame.close();
      // a producer that leaves the event loop free: yield after each frame, wait when the queue is long
      if (encoder.encodeQueueSize > 8) await new Promise((res) => encoder.addEventListener('dequeue', res, { once: true }));
      else await new Promise(setImmediate);
    }
    await encoder.flush();
    return { frames: chunks, firstFrameMs: firstFrame, bytes };
  });
  encoder.close();
  await fh.close();
  r.delay = { firstChunkAfter: firstChunkAfter ?? n, max: maxDelay };
  r.kbps = Math.round((bytes * 8 * 30) / n / 1000);
  if (spec.psnr) r.psnr = psnrOf(kept, spec, file, Math.min(n, rawFrames));
  return r;
}

// Average and worst-frame PSNR (Y, U, V weighted 4:1:1 as ffmpeg's "average") of the kept chunks,
// decoded by the ffmpeg CLI, against the raw source.
function psnrOf(kept, s, raw, n) {
  const os = require('node:os');
  const { spawnSync } = require('node:child_process');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wc-bench-'));
  try {
    const codec = s.config.codec;
    const annexb = /^(avc|hvc|hev)/.test(codec);
    let file;
    if (annexb) {
      file = path.join(dir, codec.startsWith('avc') ? 'enc.h264' : 'enc.hevc');
      fs.writeFileSync(file, Buffer.concat(kept.map((c) => c.data)));
    } else {
      file = path.join(dir, 'enc.ivf');
      const header = Buffer.alloc(32);
      header.write('DKIF', 0);
      header.writeUInt16LE(32, 6);
      header.write(codec === 'vp8' ? 'VP80' : codec.startsWith('vp09') ? 'VP90' : 'AV01', 8);
      header.writeUInt16LE(s.width, 12);
      header.writeUInt16LE(s.height, 14);
      header.writeUInt32LE(30, 16);
      header.writeUInt32LE(1, 20);
      header.writeUInt32LE(kept.length, 24);
      const parts = [header];
      kept.forEach((c, i) => {
        const fh = Buffer.alloc(12);
        fh.writeUInt32LE(c.data.length, 0);
        fh.writeBigUInt64LE(BigInt(i), 4);
        parts.push(fh, Buffer.from(c.data));
      });
      fs.writeFileSync(file, Buffer.concat(parts));
    }
    const stats = path.join(dir, 'psnr.log');
    const dec = codec.startsWith('av01') ? ['-c:v', 'libdav1d'] : [];
    const r = spawnSync('ffmpeg', ['-v', 'error', ...dec, '-i', file, '-f', 'rawvideo', '-pix_fmt', s.format === 'RGBA' ? 'rgba' : 'yuv420p',
      '-s', `${s.width}x${s.height}`, '-r', '30', '-i', raw, '-frames:v', String(n), '-lavfi', `[0:v]settb=1/30,setpts=N[a];[1:v]settb=1/30,setpts=N[b];[a][b]psnr=stats_file=${stats}`,
      '-f', 'null', '-'], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`psnr: ffmpeg failed\n${r.stderr}`);
    const per = fs.readFileSync(stats, 'utf8').trim().split('\n').map((l) => Number(/psnr_avg:([\d.inf]+)/.exec(l)[1]));
    const finite = per.map((x) => (Number.isFinite(x) ? x : 100));
    // ffmpeg's overall figure: from the mean squared error over all frames, not the mean of dBs
    const mse = finite.reduce((a, x) => a + 10 ** (-x / 10), 0) / finite.length;
    return { frames: per.length, avg: Math.round(-10 * Math.log10(mse) * 100) / 100, min: Math.round(Math.min(...finite) * 100) / 100 };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

// Transcode: decode a clip and encode every frame (the decoder's output frames go straight to the encoder).
async function transcodeCase() {
  const { track, chunks } = await loadChunks(spec.file, spec.demux);
  let out = 0;
  let firstFrame = 0;
  let t0 = 0;
  let encoder;
  const decoder = new wc.VideoDecoder({
    output(frame) {
      encoder.encode(frame);
      frame.close();
    },
    error(e) { console.error(e); process.exit(1); },
  });
  encoder = new wc.VideoEncoder({
    output() { if (out++ === 0) firstFrame = performance.now() - t0; },
    error(e) { console.error(e); process.exit(1); },
  });
  decoder.configure({ codec: track.codec, codedWidth: track.codedWidth, codedHeight: track.codedHeight, description: track.description });
  encoder.configure({ width: track.codedWidth, height: track.codedHeight, framerate: 30, ...spec.config });
  const r = await measured(async (start) => {
    t0 = start;
    const dequeued = (codec) => new Promise((res) => codec.addEventListener('dequeue', res, { once: true }));
    for (const c of chunks) {
      decoder.decode(c);
      // backpressure on both codecs, waiting for their dequeue events (no polling)
      while (decoder.decodeQueueSize > 16) await dequeued(decoder);
      while (encoder.encodeQueueSize > 8) await dequeued(encoder);
    }
    await decoder.flush();
    await encoder.flush();
    return { frames: out, firstFrameMs: firstFrame };
  });
  decoder.close();
  encoder.close();
  return r;
}

// copyTo of one decoded 1080p frame, repeated: I420 (plain copy) or RGBA (threaded conversion).
async function copyCase() {
  const { track, chunks } = await loadChunks(spec.file, spec.demux);
  let frame = null;
  const decoder = new wc.VideoDecoder({ output(f) { if (!frame) frame = f; else f.close(); }, error(e) { throw e; } });
  decoder.configure({ codec: track.codec, codedWidth: track.codedWidth, codedHeight: track.codedHeight, description: track.description });
  for (const c of chunks.slice(0, 5)) decoder.decode(c);
  await decoder.flush();
  decoder.close();
  const opts = spec.format ? { format: spec.format } : {};
  const buf = new Uint8Array(frame.allocationSize(opts));
  const times = [];
  const r = await measured(async () => {
    for (let i = 0; i < spec.iterations; i++) {
      const t = performance.now();
      await frame.copyTo(buf, opts);
      times.push(performance.now() - t);
    }
    return { frames: spec.iterations };
  });
  times.sort((a, b) => a - b);
  frame.close();
  return { ...r, copyMsMedian: times[times.length >> 1], copyMsP99: times[Math.floor(times.length * 0.99)] };
}

// Memory after many decoded-and-closed frames: RSS sampled every 500 frames; slope after warm-up.
async function memoryCase() {
  const { track, chunks } = await loadChunks(spec.file, spec.demux, spec.repeat);
  const samples = [];
  let frames = 0;
  const decoder = new wc.VideoDecoder({
    output(f) {
      f.close();
      if (++frames % 500 === 0) samples.push([frames, process.memoryUsage().rss]);
    },
    error(e) { throw e; },
  });
  decoder.configure({ codec: track.codec, codedWidth: track.codedWidth, codedHeight: track.codedHeight, description: track.description });
  const r = await measured(async () => {
    for (const c of chunks) {
      decoder.decode(c);
      if (decoder.decodeQueueSize > 64) await new Promise((res) => decoder.addEventListener('dequeue', res, { once: true }));
    }
    await decoder.flush();
    return { frames };
  });
  decoder.close();
  // least-squares slope of RSS over frames, after the first 2,000 (warm-up)
  const pts = samples.filter(([n]) => n > 2000);
  const mx = pts.reduce((a, [x]) => a + x, 0) / pts.length;
  const my = pts.reduce((a, [, y]) => a + y, 0) / pts.length;
  const slope = pts.reduce((a, [x, y]) => a + (x - mx) * (y - my), 0) / pts.reduce((a, [x]) => a + (x - mx) ** 2, 0);
  return { ...r, rssSlopeKiBPerFrame: slope / 1024, rssEndMiB: samples[samples.length - 1][1] / 1048576 };
}

// What a held decoded frame costs: decode the clip keeping the first `hold` frames open, then
// RSS growth over the same decode with every frame closed, per held frame (vs its pixel bytes).
async function heldCase() {
  const { track, chunks } = await loadChunks(spec.file, spec.demux);
  const decodeAll = async (hold) => {
    const kept = [];
    const decoder = new wc.VideoDecoder({
      output(f) { if (kept.length < hold) kept.push(f); else f.close(); },
      error(e) { throw e; },
    });
    decoder.configure({ codec: track.codec, codedWidth: track.codedWidth, codedHeight: track.codedHeight, description: track.description });
    for (const c of chunks) decoder.decode(c);
    await decoder.flush();
    decoder.close();
    return kept;
  };
  (await decodeAll(0)).length; // warm-up: the allocator and the codec reach their steady size
  const before = process.memoryUsage().rss;
  const r = await measured(async () => {
    const kept = await decodeAll(spec.hold);
    const after = process.memoryUsage().rss;
    const frameBytes = kept[0].allocationSize();
    for (const f of kept) f.close();
    return { frames: kept.length, heldMiBPerFrame: (after - before) / kept.length / 1048576, frameBytes };
  });
  return r;
}

// Audio encode: raw interleaved f32 samples (the same file ffmpeg reads), in memory before the
// clock starts, handed over as AudioData of `per` frames with a producer that yields after each.
async function audioEncodeCase() {
  const { rate, channels, per } = spec;
  const raw = fs.readFileSync(path.isAbsolute(spec.raw) ? spec.raw : path.join(__dirname, '..', spec.raw));
  const frames = raw.length / (4 * channels);
  let chunks = 0;
  let bytes = 0;
  let firstFrame = 0;
  let t0 = 0;
  const encoder = new wc.AudioEncoder({
    output(chunk) {
      if (chunks++ === 0) firstFrame = performance.now() - t0;
      bytes += chunk.byteLength;
    },
    error(e) { console.error(e); process.exit(1); },
  });
  encoder.configure(spec.config);
  const r = await measured(async (start) => {
    t0 = start;
    for (let off = 0; off < frames; off += per) {
      const n = Math.min(per, frames - off);
      const data = new wc.AudioData({
        format: 'f32', sampleRate: rate, numberOfChannels: channels, numberOfFrames: n, timestamp: Math.round((off * 1e6) / rate),
        data: raw.subarray(off * 4 * channels, (off + n) * 4 * channels),
      });
      encoder.encode(data);
      data.close();
      if (encoder.encodeQueueSize > 16) await new Promise((res) => encoder.addEventListener('dequeue', res, { once: true }));
      else await new Promise(setImmediate);
    }
    await encoder.flush();
    return { frames: chunks, firstFrameMs: firstFrame, bytes };
  });
  encoder.close();
  return r;
}

const KINDS = { 'audio-encode': audioEncodeCase, decode: decodeCase, encode: encodeCase, transcode: transcodeCase, copy: copyCase, memory: memoryCase, held: heldCase };

(async () => {
  const run = KINDS[spec.kind];
  if (!run) throw new Error(`unknown case kind ${spec.kind}`);
  const r = await run();
  r.maxRssKiB = process.resourceUsage().maxRSS;
  process.stdout.write(`${JSON.stringify(r)}\n`);
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
