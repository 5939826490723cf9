'use strict';
// worker_threads body for children/workers.js (mode in workerData.mode).
//   busy       decode every chunk, never flush or close, keep the first 8 frames
//              open; report the first output
//   flushed    decode, flush, report the frame count, leave the decoder open, end
//   unflushed  decode every chunk, no flush, no close; report each output count
//   idle       configure only, leave it open, end
//   many-idle  50 decoders, configured, kept reachable, never closed; end
//   exit-in-output  process.exit(5) from output() at the 5th frame
//   throw      output() throws at the 3rd frame with no handler (the Worker fails)
//   churn      until terminated: construct, configure, decode one key chunk and
//              close decoders, 20 per turn of the event loop
// Run as a plain script (no workerData), it does nothing.
const { isMainThread, parentPort, workerData } = require('node:worker_threads');

function churn() {
  const { wc, configOf, chunkOf } = require('./common');
  const { track } = workerData;
  const cfg = configOf(track);
  parentPort.postMessage({ type: 'started' });
  (async () => {
    for (;;) {
      for (let i = 0; i < 20; i++) {
        const d = new wc.VideoDecoder({ output(f) { f.close(); }, error() {} });
        d.configure(cfg);
        d.decode(chunkOf(track.chunks[0]));
        d.close();
      }
      await new Promise((r) => setImmediate(r));
    }
  })();
}

if (!isMainThread && workerData && workerData.mode === 'churn') {
  churn();
} else if (!isMainThread && workerData && workerData.mode) {
  const { wc, configOf, chunkOf } = require('./common');
  const { mode, track } = workerData;
  let frames = 0;
  const kept = [];
  const d = new wc.VideoDecoder({
    output(f) {
      frames++;
      if (mode === 'busy' && kept.length < 8) kept.push(f);
      else f.close();
      if (mode === 'exit-in-output' && frames === 5) process.exit(5);
      if (mode === 'busy' && frames === 1) parentPort.postMessage({ type: 'output', frames });
      if (mode === 'unflushed') parentPort.postMessage({ type: 'output', frames });
      if (mode === 'throw' && frames === 3) throw new Error('lifecycle-test: thrown by output() in a worker');
    },
    error(e) { parentPort.postMessage({ type: 'error', error: `${e.name}: ${e.message}` }); },
  });
  d.configure(configOf(track));
  if (mode === 'many-idle') {
    globalThis.keep = [d];
    for (let i = 1; i < 50; i++) {
      const x = new wc.VideoDecoder({ output(f) { f.close(); }, error(e) { parentPort.postMessage({ type: 'error', error: `${e.name}: ${e.message}` }); } });
      x.configure(configOf(track));
      globalThis.keep.push(x);
    }
  } else if (mode !== 'idle') for (const c of track.chunks) d.decode(chunkOf(c));
  parentPort.postMessage({ type: 'started', state: d.state });
  if (mode === 'flushed') {
    d.flush().then(() => parentPort.postMessage({ type: 'flushed', frames, state: d.state }),
      (e) => parentPort.postMessage({ type: 'error', error: `flush: ${e.name}: ${e.message}` }));
  }
}
