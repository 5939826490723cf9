'use strict';
// Soak scenario (run with --expose-gc): a decoder and encoders that are never
// flushed or closed, dropped (unreachable) while busy.
//   dropped  a VideoDecoder fed every chunk of the 320x240 H.264 clip, and two
//            VideoEncoders (H.264 realtime, VP8 realtime) fed 60 320x240 frames
//            each, created in a function that returns nothing; gc() is then called
//            repeatedly while they work. The process must stay alive until their
//            outputs are delivered and then exit by itself with code 0. The counts
//            are printed from process.on('exit').
const { wc, loadTrack, configOf, chunkOf, emit, modeOrSkip, sleep, i420Bytes, frameOf, errText } = require('./util');

const mode = modeOrSkip(['dropped']);

async function main() {
  if (typeof global.gc !== 'function') throw new Error('run with --expose-gc');
  const track = await loadTrack('testsrc2-320x240-h264.mp4');
  const W = 320;
  const H = 240;
  const FRAMES = 60;
  const pics = Array.from({ length: 10 }, (_, i) => i420Bytes(i, W, H));
  const res = {
    mode,
    decoder: { chunks: track.chunks.length, frames: 0, errors: [], lastTs: -1 },
    encoders: [],
    collected: 0,
    gcCalls: 0,
  };
  const registry = new FinalizationRegistry(() => { res.collected++; });
  process.on('exit', (code) => emit({ ...res, code }));

  (function startAndDrop() {
    const dr = res.decoder;
    const d = new wc.VideoDecoder({
      output(f) { dr.frames++; dr.lastTs = f.timestamp; f.close(); },
      error(e) { dr.errors.push(errText(e)); },
    });
    d.configure(configOf(track));
    for (const c of track.chunks) d.decode(chunkOf(c));
    dr.queuedAtEnd = d.decodeQueueSize;
    registry.register(d, 'decoder');
    for (const codec of ['avc1.42000d', 'vp8']) {
      const er = { codec, frames: FRAMES, chunks: 0, errors: [], lastTs: -1 };
      res.encoders.push(er);
      const e = new wc.VideoEncoder({
        output(c) { er.chunks++; er.lastTs = c.timestamp; },
        error(err) { er.errors.push(errText(err)); },
      });
      e.configure({ codec, width: W, height: H, bitrate: 500000, framerate: 30, latencyMode: 'realtime' });
      for (let i = 0; i < FRAMES; i++) {
        const f = frameOf(pics[i % pics.length], W, H, i * 33333);
        e.encode(f);
        f.close();
      }
      er.queuedAtEnd = e.encodeQueueSize;
      registry.register(e, codec);
    }
  })();
  process.stdout.write('CALLS_DONE\n');
  // Collect hard while they work (they are unreachable from here on).
  const end = Date.now() + 300;
  while (Date.now() < end) {
    global.gc();
    res.gcCalls++;
    await sleep(5);
  }
  // nothing else keeps the event loop alive: only the busy codecs may
}

if (mode) main().catch((e) => { console.error(e); process.exitCode = 99; });
