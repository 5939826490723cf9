'use strict';
// Scenario: AudioEncoders left unclosed, on the same engine as the video codecs.
//   idle     three encoders (unconfigured, configured, one that encoded and flushed) sit
//            idle: node exits by itself
//   busy     an Opus and an AAC encoder get 5 s of audio each and a flush() nobody awaits:
//            the process stays alive until every chunk is delivered, then exits
//   workers  8 worker_threads encoding Opus/FLAC, terminated mid-encode: all exit cleanly
// Prints RESULT from process.on('exit'); never calls process.exit().
const { isMainThread, parentPort, workerData } = require('node:worker_threads');
const path = require('node:path');
const { wc, emit, modeOrSkip } = require('./common');
const { startWorker, terminateOnCue } = require(path.join(__dirname, '..', '..', 'helpers', 'workers.js'));

function audio(frames, timestamp, rate = 48000, channels = 2) {
  const data = new Float32Array(frames * channels);
  for (let i = 0; i < data.length; i++) data[i] = 0.3 * Math.sin((2 * Math.PI * 440 * Math.floor(i / channels)) / rate);
  return new wc.AudioData({ format: 'f32', sampleRate: rate, numberOfChannels: channels, numberOfFrames: frames, timestamp, data });
}

function encoder(out, key) {
  out[key] = 0;
  return new wc.AudioEncoder({ output() { out[key]++; }, error(e) { (out.errors ??= []).push(String(e)); } });
}

function feed(enc, seconds) {
  let n = 0;
  for (let off = 0; off < 48000 * seconds; off += 960, n++) {
    const d = audio(960, Math.round((off * 1e6) / 48000));
    enc.encode(d);
    d.close();
  }
  return n;
}

if (!isMainThread) {
  // worker: encode until terminated, telling the parent when it started and at the first output
  let outputs = 0;
  const enc = new wc.AudioEncoder({
    output() { if (outputs++ === 0) parentPort.postMessage({ type: 'output' }); },
    error(e) { parentPort.postMessage({ type: 'error', message: String(e) }); },
  });
  enc.configure(workerData.codec === 'flac' ? { codec: 'flac', sampleRate: 48000, numberOfChannels: 2 }
    : { codec: 'opus', sampleRate: 48000, numberOfChannels: 2 });
  parentPort.postMessage({ type: 'started' });
  feed(enc, 30);
  enc.flush().then(() => parentPort.postMessage({ type: 'flushed' }), () => {});
} else {
  const mode = modeOrSkip(['idle', 'busy', 'workers']);
  const out = {};
  if (mode) process.on('exit', (code) => emit({ mode, code, ...out }));
  if (mode === 'idle') {
    (async () => {
      encoder(out, 'a');
      encoder(out, 'b').configure({ codec: 'opus', sampleRate: 48000, numberOfChannels: 2 });
      const c = encoder(out, 'c');
      c.configure({ codec: 'mp4a.40.2', sampleRate: 48000, numberOfChannels: 2 });
      feed(c, 1);
      await c.flush();
      out.state = c.state;
    })();
  } else if (mode === 'busy') {
    const a = encoder(out, 'opus');
    a.configure({ codec: 'opus', sampleRate: 48000, numberOfChannels: 2 });
    const b = encoder(out, 'aac');
    b.configure({ codec: 'mp4a.40.2', sampleRate: 48000, numberOfChannels: 2 });
    out.inputs = feed(a, 5);
    feed(b, 5);
    a.flush();
    b.flush();
    out.queuedAtEnd = a.encodeQueueSize + b.encodeQueueSize;
    process.stdout.write('ENCODE_CALLS_DONE\n');
  } else if (mode === 'workers') {
    const recs = [];
    for (let i = 0; i < 8; i++) recs.push(startWorker(__filename, { codec: i % 2 ? 'flac' : 'opus' }));
    Promise.all(recs.map((r, i) => terminateOnCue(r, i))).then(() => Promise.all(recs.map((r) => r.exit))).then(() => {
      out.workers = recs.map((r) => ({ why: r.why, resolved: !!r.resolved, rejected: r.rejected ?? null, errors: r.errors, exited: r.exited,
        codecErrors: r.messages.filter((m) => m.type === 'error') }));
    });
  }
}
