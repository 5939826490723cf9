'use strict';
// Soak scenario (run with --expose-gc): memory comes back after long runs.
//   decode  a warm-up decode of the whole 720p H.264 clip (300 frames, each closed),
//           RSS measured; then 10 more decodes of it (3,000 frames), a new decoder each
//           time, every frame closed; RSS measured after each run.
//   encode  the same for the encoder: a warm-up encode of 300 320x240 frames (H.264),
//           then 5 more runs of 300 frames, a new encoder each time.
// Every run's output count and error callback are checked here as well.
const { wc, loadTrack, configOf, chunkOf, emit, modeOrSkip, rss, mb, collectGarbage, i420Bytes, frameOf, errText } = require('./util');

const mode = modeOrSkip(['decode', 'encode']);

async function decodeRun(track) {
  let frames = 0;
  let lastTs = -Infinity;
  let ordered = true;
  const errors = [];
  const d = new wc.VideoDecoder({
    output(f) {
      frames++;
      if (f.timestamp <= lastTs) ordered = false;
      lastTs = f.timestamp;
      f.close();
    },
    error(e) { errors.push(errText(e)); },
  });
  d.configure(configOf(track));
  for (const c of track.chunks) d.decode(chunkOf(c));
  await d.flush().catch((e) => errors.push(`flush: ${errText(e)}`));
  if (d.state !== 'closed') d.close();
  return { frames, ordered, errors };
}

const W = 320;
const H = 240;
let pics = null;
async function encodeRun(n) {
  pics ??= Array.from({ length: 30 }, (_, i) => i420Bytes(i, W, H));
  let chunks = 0;
  let bytes = 0;
  const errors = [];
  const e = new wc.VideoEncoder({
    output(chunk) { chunks++; bytes += chunk.byteLength; },
    error(err) { errors.push(errText(err)); },
  });
  e.configure({ codec: 'avc1.42000d', width: W, height: H, bitrate: 500000, framerate: 30 });
  for (let i = 0; i < n; i++) {
    const f = frameOf(pics[i % pics.length], W, H, i * 33333);
    e.encode(f, { keyFrame: i % 60 === 0 });
    f.close();
    if (e.encodeQueueSize > 16) await new Promise((r) => e.addEventListener('dequeue', r, { once: true }));
  }
  await e.flush().catch((err) => errors.push(`flush: ${errText(err)}`));
  if (e.state !== 'closed') e.close();
  return { frames: chunks, bytes, errors };
}

async function main() {
  const t0 = Date.now();
  const track = mode === 'decode' ? await loadTrack('testsrc2-1280x720-h264.mp4') : null;
  const run = mode === 'decode' ? () => decodeRun(track) : () => encodeRun(300);
  const expectedPerRun = mode === 'decode' ? track.chunks.length : 300;
  const RUNS = mode === 'decode' ? 10 : 5;
  const runs = [];
  runs.push(await run()); // warm-up
  await collectGarbage();
  const rssWarm = rss();
  const rssSeries = [];
  for (let i = 0; i < RUNS; i++) {
    runs.push(await run());
    await collectGarbage(2);
    rssSeries.push(mb(rss() - rssWarm));
  }
  await collectGarbage();
  const rssEnd = rss();
  emit({
    mode, runs: RUNS, expectedPerRun,
    perRun: runs.map((r) => r.frames),
    ordered: runs.every((r) => r.ordered !== false),
    errors: runs.flatMap((r) => r.errors),
    rssWarmMB: mb(rssWarm), rssEndMB: mb(rssEnd), growthMB: mb(rssEnd - rssWarm), rssSeriesMB: rssSeries,
    ms: Date.now() - t0,
  });
}

if (mode) main().catch((e) => { console.error(e); process.exitCode = 99; });
