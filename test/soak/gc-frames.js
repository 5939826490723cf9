'use strict';
// Soak scenario (run with --expose-gc): unclosed 1080p VideoFrames that became
// unreachable are garbage-collected and their pixel memory is given back.
//   buffer   500 VideoFrames constructed from one 1920x1080 I420 buffer (3 MB each,
//            1.5 GB in all), never closed, every reference dropped at once.
//   decoded  the first 60 chunks of the 1080p H.264 clip decoded 5 times (a new
//            decoder each time, flushed and closed); every output frame (3 MB of
//            pixels each, 300 in all) is dropped unclosed.
// Reported: how many a FinalizationRegistry saw collected, and process RSS at the
// start (after a warm-up that closes its frames), at the peak and at the end.
const { wc, loadTrack, configOf, chunkOf, emit, modeOrSkip, sleep, tick, rss, mb, collectGarbage, errText } = require('./util');

const mode = modeOrSkip(['buffer', 'decoded']);
const W = 1920;
const H = 1080;

async function settle(registry, state, target) {
  let rounds = 0;
  for (; rounds < 40 && state.collected < target; rounds++) {
    global.gc();
    await tick();
    await sleep(10);
  }
  await collectGarbage(3);
  return rounds;
}

async function bufferMode() {
  const state = { collected: 0 };
  const registry = new FinalizationRegistry(() => { state.collected++; });
  const bytes = new Uint8Array(W * H * 3 / 2);
  for (let i = 0; i < bytes.length; i += 4096) bytes[i] = i & 0xff;
  const init = (i) => ({ format: 'I420', codedWidth: W, codedHeight: H, timestamp: i * 33333 });
  // Warm-up: the same allocation pattern, with every frame closed.
  for (let i = 0; i < 20; i++) new wc.VideoFrame(bytes, init(i)).close();
  await collectGarbage();
  const rssBefore = rss();
  let rssPeak = rssBefore;
  const N = 500;
  for (let i = 0; i < N; i++) {
    const f = new wc.VideoFrame(bytes, init(i));
    registry.register(f, i);
    if (i % 25 === 24) {
      rssPeak = Math.max(rssPeak, rss());
      await tick(); // let finalizers of already collected frames run
    }
  }
  rssPeak = Math.max(rssPeak, rss());
  const rounds = await settle(registry, state, N);
  const rssAfter = rss();
  emit({ mode, created: N, collected: state.collected, rounds, frameMB: mb(bytes.length),
    rssBeforeMB: mb(rssBefore), rssPeakMB: mb(rssPeak), rssAfterMB: mb(rssAfter) });
}

async function decodeOnce(chunks, cfg, onFrame) {
  const errors = [];
  const d = new wc.VideoDecoder({ output: onFrame, error(e) { errors.push(errText(e)); } });
  d.configure(cfg);
  for (const c of chunks) d.decode(chunkOf(c));
  await d.flush().catch((e) => errors.push(`flush: ${errText(e)}`));
  if (d.state !== 'closed') d.close();
  return errors;
}

async function decodedMode() {
  const track = await loadTrack('testsrc2-1920x1080-h264.h264');
  const chunks = track.chunks.slice(0, 60);
  const cfg = configOf(track);
  const state = { collected: 0 };
  const registry = new FinalizationRegistry(() => { state.collected++; });
  const errors = [];
  // Warm-up: the same decode with every frame closed.
  errors.push(...await decodeOnce(chunks, cfg, (f) => f.close()));
  await collectGarbage();
  const rssBefore = rss();
  let rssPeak = rssBefore;
  let frames = 0;
  let frameBytes = 0;
  const RUNS = 5;
  for (let r = 0; r < RUNS; r++) {
    errors.push(...await decodeOnce(chunks, cfg, (f) => {
      frames++;
      if (!frameBytes) frameBytes = f.allocationSize();
      registry.register(f, frames);
      // dropped: never closed, no reference kept
    }));
    rssPeak = Math.max(rssPeak, rss());
  }
  const rounds = await settle(registry, state, frames);
  const rssAfter = rss();
  emit({ mode, runs: RUNS, chunks: chunks.length, created: frames, collected: state.collected, rounds, errors,
    frameMB: mb(frameBytes), rssBeforeMB: mb(rssBefore), rssPeakMB: mb(rssPeak), rssAfterMB: mb(rssAfter) });
}

if (mode) (mode === 'buffer' ? bufferMode() : decodedMode()).catch((e) => { console.error(e); process.exitCode = 99; });
