'use strict';
// Scenario (run with --expose-gc): unclosed decoders that became unreachable are
// garbage-collected, and their codec threads stop.
//   configured  200 decoders, configured (VP8), never closed, dropped
//   decoded     50 decoders that decoded + flushed 10 frames each, never closed, dropped
//   busy        20 decoders dropped while busy (150 chunks queued each, no flush):
//               gc() while they work must not lose their outputs; once idle they
//               are collected
//   frames-outlive  20 decoders decode + flush 10 frames each; the frames are kept,
//               the decoders dropped and collected; then every frame is copied,
//               cloned and closed
// A FinalizationRegistry counts the collected ones; the OS thread count of the
// process is reported before, at the peak and after.
const { wc, loadTrack, configOf, chunkOf, emit, modeOrSkip, sleep, tick, threadCount } = require('./common');

const mode = modeOrSkip(['configured', 'decoded', 'busy', 'frames-outlive']);

async function main() {
  if (typeof global.gc !== 'function') throw new Error('run with --expose-gc');
  const track = await loadTrack('testsrc2-320x240-vp8.ivf');
  await require('node:fs').promises.readFile(__filename); // start libuv's pool before counting threads
  let collected = 0;
  const registry = new FinalizationRegistry(() => { collected++; });
  const threadsBefore = threadCount();
  const n = { configured: 200, decoded: 50, busy: 20, 'frames-outlive': 20 }[mode];
  const keptFrames = [];
  let errors = 0;
  let frames = 0;
  const perDecoder = new Array(n).fill(0);
  let gcWhileBusy = 0;
  await (async () => {
    const flushes = [];
    for (let i = 0; i < n; i++) {
      const d = new wc.VideoDecoder({ output(f) {
          frames++;
          perDecoder[i]++;
          if (mode === 'frames-outlive') keptFrames.push(f);
          else f.close();
        }, error() { errors++; } });
      d.configure(configOf(track));
      if (mode === 'decoded' || mode === 'frames-outlive') {
        for (const c of track.chunks.slice(0, 10)) d.decode(chunkOf(c));
        flushes.push(d.flush());
      } else if (mode === 'busy') {
        for (const c of track.chunks) d.decode(chunkOf(c));
      }
      registry.register(d, i);
    }
    await Promise.all(flushes);
  })();
  const threadsPeak = threadCount();
  if (mode === 'busy') {
    // Collect hard while the (unreachable) decoders work; stop once no frame came for 300 ms.
    let last = -1;
    let quietSince = Date.now();
    while (Date.now() - quietSince < 300) {
      global.gc();
      gcWhileBusy++;
      await sleep(5);
      if (frames !== last) { last = frames; quietSince = Date.now(); }
    }
  }
  // Let every decoder go idle (its last command done), then collect.
  for (let i = 0; i < 5; i++) await tick();
  await sleep(100);
  let rounds = 0;
  for (; rounds < 20 && collected < n; rounds++) {
    global.gc();
    await tick();
    await sleep(10);
  }
  let framesUsed = 0;
  const frameErrors = [];
  for (const f of keptFrames) {
    try {
      const buf = new Uint8Array(f.allocationSize());
      await f.copyTo(buf);
      const c = f.clone();
      c.close();
      f.close();
      framesUsed++;
    } catch (e) {
      frameErrors.push(`${e.name}: ${e.message}`);
    }
  }
  await sleep(100); // let collected codecs' threads finish and be joined
  for (let i = 0; i < 3; i++) await tick();
  emit({ mode, created: n, collected, rounds, errors, frames, chunks: track.chunks.length, minPerDecoder: Math.min(...perDecoder),
    gcWhileBusy, framesUsed, frameErrors: frameErrors.slice(0, 3), threadsBefore, threadsPeak, threadsAfter: threadCount() });
}

if (mode) main().catch((e) => { console.error(e); process.exitCode = 99; });
