'use strict';
// worker_threads body for test/soak/workers.js (mode in workerData.mode).
//   encode  encode 720p synthetic I420 frames (workerData.pics, packed I420 bytes)
//           with workerData.codec for ever, keeping about 8 frames queued; posts
//           'started' after the first encode() calls and 'output' at the first chunk
//   decode  decode every chunk of workerData.track, never flush or close; posts
//           'started' after the decode() calls and 'output' at the first frame
// Both run until the Worker is terminated. Run as a plain script (no workerData),
// it does nothing.
const { isMainThread, parentPort, workerData } = require('node:worker_threads');

function encode(wc) {
  const { codec, pics, width, height } = workerData;
  let outputs = 0;
  const e = new wc.VideoEncoder({
    output() {
      if (++outputs === 1) parentPort.postMessage({ type: 'output' });
    },
    error(err) { parentPort.postMessage({ type: 'error', error: `${err.name}: ${err.message}` }); },
  });
  e.configure({ codec, width, height, bitrate: 2000000, framerate: 30 });
  let i = 0;
  const feed = () => {
    while (e.state === 'configured' && e.encodeQueueSize < 8) {
      const f = new wc.VideoFrame(pics[i % pics.length], { format: 'I420', codedWidth: width, codedHeight: height, timestamp: i * 33333, duration: 33333 });
      e.encode(f, { keyFrame: i % 30 === 0 });
      f.close();
      i++;
    }
  };
  e.ondequeue = feed;
  feed();
  parentPort.postMessage({ type: 'started' });
}

function decode(wc) {
  const { track } = workerData;
  let outputs = 0;
  const kept = [];
  const d = new wc.VideoDecoder({
    output(f) {
      if (kept.length < 4) kept.push(f); // some frames stay open at termination
      else f.close();
      if (++outputs === 1) parentPort.postMessage({ type: 'output' });
    },
    error(err) { parentPort.postMessage({ type: 'error', error: `${err.name}: ${err.message}` }); },
  });
  d.configure({ codec: track.codec, codedWidth: track.codedWidth, codedHeight: track.codedHeight, description: track.description });
  for (const c of track.chunks) d.decode(new wc.EncodedVideoChunk(c));
  parentPort.postMessage({ type: 'started' });
}

if (!isMainThread && workerData && workerData.mode) {
  const wc = require('../..');
  if (workerData.mode === 'encode') encode(wc);
  else decode(wc);
}
