'use strict';
// worker_threads body for children/workers.js (mode in workerData.mode).
//   busy       decode every chunk, never flush or close; report the first output
//   flushed    decode, flush, report the frame count, leave the decoder open, end
//   unflushed  decode every chunk, no flush, no close; report each output count
//   idle       configure only, leave it open, end
//   throw      output() throws at the 3rd frame with no handler (the Worker fails)
// Run as a plain script (no workerData), it does nothing.
const { isMainThread, parentPort, workerData } = require('node:worker_threads');

if (!isMainThread && workerData && workerData.mode) {
  const { wc, configOf, chunkOf } = require('./common');
  const { mode, track } = workerData;
  let frames = 0;
  const d = new wc.VideoDecoder({
    output(f) {
      frames++;
      f.close();
      if (mode === 'busy' && frames === 1) parentPort.postMessage({ type: 'output', frames });
      if (mode === 'unflushed') parentPort.postMessage({ type: 'output', frames });
      if (mode === 'throw' && frames === 3) throw new Error('lifecycle-test: thrown by output() in a worker');
    },
    error(e) { parentPort.postMessage({ type: 'error', error: `${e.name}: ${e.message}` }); },
  });
  d.configure(configOf(track));
  if (mode !== 'idle') for (const c of track.chunks) d.decode(chunkOf(c));
  parentPort.postMessage({ type: 'started', state: d.state });
  if (mode === 'flushed') {
    d.flush().then(() => parentPort.postMessage({ type: 'flushed', frames, state: d.state }),
      (e) => parentPort.postMessage({ type: 'error', error: `flush: ${e.name}: ${e.message}` }));
  }
}
