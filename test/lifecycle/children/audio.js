'use strict';
// Scenario: AudioDecoder lifecycle (mode in argv[2]).
//   idle        a decoder that decoded and flushed, and one only configured, never closed: node exits
//   busy        600 chunks queued, never flushed nor closed, the script ends: every output is delivered
//               before node exits (counted at 'exit')
//   workers     20 worker_threads decoding Opus/AAC, terminated mid-decode (the even ones at their first
//               output, the odd ones 5-50 ms after they start); then this thread decodes and gets every frame
//   storm       2000 rounds of configure/decode/reset/close in a tight loop, with flushes rejected by
//               reset; then a clean decode on one of them
//   worker      (inside a Worker) decode the track in workerData in a loop until terminated
const { isMainThread, parentPort, workerData } = require('node:worker_threads');
const path = require('node:path');
const wc = require('../../..');
const kit = require('../../helpers/workers');

const emit = (o) => process.stdout.write(`RESULT ${JSON.stringify(o)}\n`);
const cfg = (t) => ({ codec: t.codec, sampleRate: t.sampleRate, numberOfChannels: t.numberOfChannels, ...(t.description ? { description: t.description } : {}) });
const chunkOf = (c) => new wc.EncodedAudioChunk({ type: 'key', timestamp: c.timestamp, data: c.data });
const pcm = (n) => ({ codec: 'pcm-s16', sampleRate: 48000, numberOfChannels: 2,
  chunks: Array.from({ length: n }, (_, i) => ({ timestamp: i * 10000, data: new Int16Array(960).fill(i) })) });

async function main(mode) {
  if (mode === 'idle') {
    const { loadAudioTrack } = require('../../helpers/audio');
    const t = loadAudioTrack('opus-48000-stereo.ogg');
    let n = 0;
    const a = new wc.AudioDecoder({ output(d) { n++; d.close(); }, error(e) { emit({ error: e.message }); } });
    a.configure(cfg(t));
    for (const c of t.chunks) a.decode(chunkOf(c));
    await a.flush();
    const b = new wc.AudioDecoder({ output() {}, error() {} });
    b.configure({ codec: 'mp3', sampleRate: 44100, numberOfChannels: 2 });
    emit({ outputs: n, chunks: t.chunks.length, states: [a.state, b.state] });
  } else if (mode === 'busy') {
    const t = pcm(600);
    let n = 0;
    const d = new wc.AudioDecoder({ output(x) { n++; x.close(); }, error(e) { process.stdout.write(`ERROR ${e.message}\n`); } });
    d.configure(cfg(t));
    for (const c of t.chunks) d.decode(chunkOf(c));
    process.on('exit', () => emit({ outputs: n, chunks: t.chunks.length }));
  } else if (mode === 'workers') {
    const { loadAudioTrack } = require('../../helpers/audio');
    const tracks = ['opus-48000-stereo.ogg', 'aac-lc-44100-stereo.m4a'].map((f) => {
      const t = loadAudioTrack(f);
      return { ...cfg(t), chunks: t.chunks.map((c) => ({ timestamp: c.timestamp, data: c.data })) };
    });
    const recs = [];
    for (let i = 0; i < 20; i++) {
      const rec = kit.startWorker(__filename, { track: tracks[i % 2] }, {});
      recs.push(rec);
      rec.done = kit.terminateOnCue(rec, i);
    }
    await Promise.all(recs.map((r) => r.done));
    let frames = 0;
    const t = tracks[0];
    const d = new wc.AudioDecoder({ output(x) { frames++; x.close(); }, error() {} });
    d.configure(t);
    for (const c of t.chunks) d.decode(chunkOf(c));
    await d.flush();
    d.close();
    emit({ terminated: recs.filter((r) => r.resolved).length, workerErrors: recs.flatMap((r) => r.errors), frames, chunks: t.chunks.length });
  } else if (mode === 'storm') {
    const t = pcm(5);
    let aborts = 0;
    let errors = 0;
    let stale = 0;
    for (let i = 0; i < 2000; i++) {
      let epochDone = false;
      const d = new wc.AudioDecoder({ output(x) { if (epochDone) stale++; x.close(); }, error() { errors++; } });
      d.configure(i % 3 ? cfg(t) : { codec: 'opus', sampleRate: 48000, numberOfChannels: 2 });
      for (const c of t.chunks) d.decode(chunkOf(c));
      d.flush().catch((e) => { if (e.name === 'AbortError') aborts++; });
      d.reset();
      epochDone = true;
      if (i % 2) { d.configure(cfg(t)); d.decode(chunkOf(t.chunks[0])); }
      d.close();
    }
    await new Promise((r) => setTimeout(r, 50));
    let frames = 0;
    const d = new wc.AudioDecoder({ output(x) { frames++; x.close(); }, error() { errors++; } });
    d.configure(cfg(t));
    for (const c of t.chunks) d.decode(chunkOf(c));
    await d.flush();
    d.close();
    emit({ aborts, errors, stale, frames });
  }
}

if (!isMainThread) {
  const t = workerData.track;
  let first = true;
  const d = new wc.AudioDecoder({ output(x) { if (first) { first = false; parentPort.postMessage({ type: 'output' }); } x.close(); }, error() {} });
  (async () => {
    parentPort.postMessage({ type: 'started' });
    for (;;) {
      d.configure(t);
      for (const c of t.chunks) d.decode(chunkOf(c));
      await d.flush();
    }
  })();
} else if (process.argv[2]) {
  main(process.argv[2]);
}
