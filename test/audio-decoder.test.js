'use strict';
// AudioDecoder: every spec throw/reject step (instanceof + name), queue size and dequeue events,
// flush/reset/close semantics, isConfigSupported (the registrations' strings and description
// rules), configure errors through the error callback, output AudioData.
const test = require('node:test');
const assert = require('node:assert/strict');
const { AudioDecoder, EncodedAudioChunk, AudioData } = require('..');
const { loadAudioTrack, decodeAudio } = require('./helpers/audio');

const noop = () => {};
const isDom = (name) => (e) => e instanceof DOMException && e.name === name;
const isType = (e) => e instanceof TypeError && e.name === 'TypeError';
const chunk = (c) => new EncodedAudioChunk(c);
const cfg = (t, extra = {}) => ({ codec: t.codec, sampleRate: t.sampleRate, numberOfChannels: t.numberOfChannels,
  ...(t.description ? { description: t.description } : {}), ...extra });

function collect(config) {
  const out = { data: [], errors: [] };
  out.decoder = new AudioDecoder({
    output(d) { out.data.push({ timestamp: d.timestamp, frames: d.numberOfFrames, d }); },
    error(e) { out.errors.push(e); },
  });
  if (config) out.decoder.configure(config);
  return out;
}
const closeAll = (out) => { for (const x of out.data) x.d.close(); };
async function until(cond, ms = 10000) {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 2));
  }
}

test('constructor: init and callbacks are required and must be functions', () => {
  assert.throws(() => new AudioDecoder(), isType);
  assert.throws(() => new AudioDecoder({}), isType);
  assert.throws(() => new AudioDecoder({ output: noop }), isType);
  assert.throws(() => new AudioDecoder({ error: noop }), isType);
  assert.throws(() => new AudioDecoder({ output: 1, error: noop }), isType);
  const d = new AudioDecoder({ output: noop, error: noop });
  assert.equal(d.state, 'unconfigured');
  assert.equal(d.decodeQueueSize, 0);
  assert.ok(d instanceof EventTarget);
  assert.equal(Object.prototype.toString.call(d), '[object AudioDecoder]');
  d.close();
  assert.equal(d.state, 'closed');
});

test('configure: invalid configs throw TypeError synchronously and change nothing', () => {
  const d = new AudioDecoder({ output: noop, error: noop });
  const ok = { codec: 'opus', sampleRate: 48000, numberOfChannels: 2 };
  const bad = [undefined, null, 42, {}, { ...ok, codec: '' }, { ...ok, codec: '  ' }, { codec: 'opus', numberOfChannels: 2 },
    { codec: 'opus', sampleRate: 48000 }, { ...ok, sampleRate: 0 }, { ...ok, numberOfChannels: 0 }, { ...ok, sampleRate: -1 },
    { ...ok, sampleRate: 2 ** 32 }, { ...ok, numberOfChannels: NaN }, { ...ok, description: 'OpusHead' }, { ...ok, description: [1, 2] }];
  for (const c of bad) assert.throws(() => d.configure(c), isType, JSON.stringify(c));
  const ab = new ArrayBuffer(19);
  structuredClone(ab, { transfer: [ab] });
  assert.throws(() => d.configure({ ...ok, description: ab }), isType);
  assert.throws(() => d.configure(), isType);
  assert.equal(d.state, 'unconfigured');
  d.close();
  assert.throws(() => d.configure(ok), isDom('InvalidStateError'));
});

test('decode/flush/reset/close in the wrong state; DataError for a delta chunk when a key chunk is required', async () => {
  const d = new AudioDecoder({ output: noop, error: noop });
  const k = chunk({ type: 'key', timestamp: 0, data: new Uint8Array(4) });
  assert.throws(() => d.decode(k), isDom('InvalidStateError'));
  await assert.rejects(d.flush(), isDom('InvalidStateError'));
  assert.throws(() => d.decode({ type: 'key', timestamp: 0, data: new Uint8Array(1) }), isType);
  assert.throws(() => d.decode(), isType);
  d.configure({ codec: 'pcm-s16', sampleRate: 8000, numberOfChannels: 1 });
  assert.throws(() => d.decode(chunk({ type: 'delta', timestamp: 0, data: new Uint8Array(4) })), isDom('DataError'));
  assert.equal(d.decodeQueueSize, 0);
  d.decode(k);
  d.decode(chunk({ type: 'delta', timestamp: 250, data: new Uint8Array(4) })); // accepted after a key chunk
  await d.flush();
  assert.throws(() => d.decode(chunk({ type: 'delta', timestamp: 0, data: new Uint8Array(4) })), isDom('DataError'), 'key chunk required after flush');
  d.reset();
  assert.equal(d.state, 'unconfigured');
  assert.throws(() => d.decode(k), isDom('InvalidStateError'));
  d.close();
  assert.throws(() => d.reset(), isDom('InvalidStateError'));
  assert.throws(() => d.close(), isDom('InvalidStateError'));
  await assert.rejects(d.flush(), isDom('InvalidStateError'));
});

test('PCM: one AudioData per chunk, its samples, rate, channels and timestamp; duration from the frame count', async () => {
  const out = collect({ codec: 'pcm-s16', sampleRate: 16000, numberOfChannels: 2 });
  const samples = new Int16Array([1, -1, 2, -2, 3, -3, 32767, -32768]);
  out.decoder.decode(chunk({ type: 'key', timestamp: 1000, data: samples }));
  out.decoder.decode(chunk({ type: 'key', timestamp: 1250, data: samples.subarray(0, 4) }));
  await out.decoder.flush();
  assert.equal(out.data.length, 2);
  const [a, b] = out.data.map((x) => x.d);
  assert.ok(a instanceof AudioData);
  assert.deepEqual([a.format, a.sampleRate, a.numberOfChannels, a.numberOfFrames, a.timestamp, a.duration], ['s16', 16000, 2, 4, 1000, 250]);
  assert.deepEqual([b.numberOfFrames, b.timestamp], [2, 1250]);
  const got = new Int16Array(8);
  a.copyTo(got, { planeIndex: 0 });
  assert.deepEqual(got, samples);
  const right = new Float32Array(4);
  a.copyTo(right, { planeIndex: 1, format: 'f32-planar' });
  assert.deepEqual(Array.from(right), [-1, -2, -3, -32768].map((x) => x / 32768));
  closeAll(out);
  out.decoder.close();
});

test('after flush() the next chunk starts a new stream: its own timestamp, even one the sample count would have snapped', async () => {
  // The spec's flush() leaves the decoder needing a key chunk: what follows is a new stream, so its
  // timestamps are not continued from (or snapped to within 1 ms of) the sample count before the flush.
  const out = collect({ codec: 'pcm-s16', sampleRate: 48000, numberOfChannels: 1 });
  for (const ts of [0, 0, 500, 125]) {
    out.decoder.decode(chunk({ type: 'key', timestamp: ts, data: new Int16Array(2) }));
    await out.decoder.flush();
  }
  assert.deepEqual(out.data.map((x) => x.timestamp), [0, 0, 500, 125]); // whole samples at 48 kHz (a first timestamp is snapped to the nearest sample)
  // without a flush between them the count still rules (a chunk 1 us off its predicted time)
  out.decoder.decode(chunk({ type: 'key', timestamp: 1000, data: new Int16Array(48) }));
  out.decoder.decode(chunk({ type: 'key', timestamp: 1999, data: new Int16Array(48) }));
  await out.decoder.flush();
  assert.deepEqual(out.data.slice(4).map((x) => x.timestamp), [1000, 2000]);
  closeAll(out);
  out.decoder.close();
});

test('timestamps follow the sample count across chunks, and restart at a real gap', async () => {
  // 3 chunks of 160 frames at 48 kHz (3333.33 us each) with timestamps rounded down to milliseconds, then a gap
  const out = collect({ codec: 'pcm-u8', sampleRate: 48000, numberOfChannels: 1 });
  const data = new Uint8Array(160).fill(128);
  for (const ts of [0, 3000, 6000, 500000]) out.decoder.decode(chunk({ type: 'key', timestamp: ts, data }));
  await out.decoder.flush();
  assert.deepEqual(out.data.map((x) => x.timestamp), [0, 3333, 6667, 500000]);
  closeAll(out);
  out.decoder.close();
});

test('decodeQueueSize rises at once and falls as the worker takes chunks; dequeue events are coalesced', async () => {
  const out = collect({ codec: 'pcm-f32', sampleRate: 48000, numberOfChannels: 1 });
  let events = 0;
  out.decoder.ondequeue = () => { events++; };
  const data = new Float32Array(480);
  for (let i = 0; i < 50; i++) out.decoder.decode(chunk({ type: 'key', timestamp: i * 10000, data }));
  assert.equal(out.decoder.decodeQueueSize, 50);
  await out.decoder.flush();
  assert.equal(out.decoder.decodeQueueSize, 0);
  assert.ok(events >= 1 && events <= 50, `${events} dequeue events`);
  assert.equal(out.data.length, 50);
  closeAll(out);
  out.decoder.close();
});

test('flush() resolves after all outputs and the decoder keeps working; several flushes resolve in order', async () => {
  const track = loadAudioTrack('opus-48000-stereo.ogg');
  const out = collect(cfg(track));
  const order = [];
  for (const c of track.chunks.slice(0, 5)) out.decoder.decode(chunk(c));
  const p1 = out.decoder.flush().then(() => order.push(['flush1', out.data.length]));
  for (const c of track.chunks.slice(5, 8)) out.decoder.decode(chunk(c));
  const p2 = out.decoder.flush().then(() => order.push(['flush2', out.data.length]));
  await Promise.all([p1, p2]);
  assert.deepEqual(order, [['flush1', 5], ['flush2', 8]]);
  assert.equal(out.errors.length, 0);
  closeAll(out);
  out.decoder.close();
});

test('reset(): pending flushes reject with AbortError, queue size 0, no output of the old epoch; configure again works', async () => {
  const track = loadAudioTrack('mp3-44100-stereo.mp3');
  for (let round = 0; round < 20; round++) {
    const out = collect(cfg(track));
    for (const c of track.chunks) out.decoder.decode(chunk(c));
    const p = out.decoder.flush();
    out.decoder.reset();
    const seen = out.data.length;
    assert.equal(out.decoder.decodeQueueSize, 0);
    await assert.rejects(p, isDom('AbortError'));
    await new Promise((r) => setTimeout(r, 5));
    assert.equal(out.data.length, seen, 'no output after reset');
    out.decoder.configure(cfg(track));
    out.decoder.decode(chunk(track.chunks[0]));
    await out.decoder.flush();
    assert.equal(out.data.length, seen + 1);
    assert.equal(out.errors.length, 0);
    closeAll(out);
    out.decoder.close();
  }
});

test('close(): pending flush rejects with AbortError, error callback not called', async () => {
  const track = loadAudioTrack('aac-lc-44100-stereo.m4a');
  const out = collect(cfg(track));
  for (const c of track.chunks) out.decoder.decode(chunk(c));
  const p = out.decoder.flush();
  out.decoder.close();
  await assert.rejects(p, isDom('AbortError'));
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(out.errors.length, 0);
  closeAll(out);
});

const SUPPORTED = ['mp4a.40.2', 'mp4a.40.02', 'mp4a.40.5', 'mp4a.40.05', 'mp4a.40.29', 'mp4a.67', 'mp3', 'mp4a.69', 'mp4a.6B',
  'opus', 'flac', 'vorbis', 'pcm-u8', 'pcm-s16', 'pcm-s24', 'pcm-s32', 'pcm-f32', 'ulaw', 'alaw'];
const UNSUPPORTED = ['aac', 'mp4a', 'mp4a.40', 'mp4a.40.1', 'mp4a.FF.9', 'opus.123', 'Opus', ' opus', 'opus ', 'audio/ogg; codecs=opus',
  'audio/mpeg', 'vp8', 'avc1.42001e', 'av01.0.04M.08', 'pcm', 'pcm-s8', 'pcm-f64', 'wav', 'mp4a.66', 'mp4a.40.002'];

test('isConfigSupported: the registrations\' codec strings, unsupported strings, absurd rates and channel counts', async () => {
  for (const codec of SUPPORTED) {
    const r = await AudioDecoder.isConfigSupported({ codec, sampleRate: 44100, numberOfChannels: 2 });
    assert.equal(r.supported, true, codec);
    assert.deepEqual(r.config, { codec, sampleRate: 44100, numberOfChannels: 2 });
  }
  for (const codec of UNSUPPORTED) {
    const r = await AudioDecoder.isConfigSupported({ codec, sampleRate: 44100, numberOfChannels: 2 });
    assert.equal(r.supported, false, codec);
  }
  for (const [sampleRate, numberOfChannels] of [[1, 2], [2000, 2], [10 ** 9, 2], [44100, 1024], [48000, 256]]) {
    const r = await AudioDecoder.isConfigSupported({ codec: 'pcm-s16', sampleRate, numberOfChannels });
    assert.equal(r.supported, false, `${sampleRate} Hz x${numberOfChannels}`);
  }
  for (const c of [{ codec: 'opus', sampleRate: 0, numberOfChannels: 2 }, { codec: 'opus', sampleRate: 48000, numberOfChannels: 0 }, { codec: '' }, {}]) {
    await assert.rejects(AudioDecoder.isConfigSupported(c), isType);
  }
  await assert.rejects(AudioDecoder.isConfigSupported(), isType);
});

test('isConfigSupported: description rules, a clean copy of the recognised members', async () => {
  const opus = loadAudioTrack('opus-48000-5.1-family1.ogg');
  const flac = loadAudioTrack('flac-44100-stereo-s16.flac');
  const vorbis = loadAudioTrack('vorbis-44100-stereo.ogg');
  const aac = loadAudioTrack('aac-lc-44100-stereo.m4a');
  const yes = async (c, why) => assert.equal((await AudioDecoder.isConfigSupported(c)).supported, true, why);
  const no = async (c, why) => assert.equal((await AudioDecoder.isConfigSupported(c)).supported, false, why);
  await yes(cfg(opus), 'Opus 5.1 with its OpusHead (family 1)');
  await yes(cfg(loadAudioTrack('opus-48000-4ch-family255.ogg')), 'Opus family 255');
  await yes({ codec: 'opus', sampleRate: 48000, numberOfChannels: 6 }, 'Opus 5.1 without a description: supported, as Chrome says (configure fails)');
  await no({ codec: 'opus', sampleRate: 48000, numberOfChannels: 2, description: new Uint8Array(19) }, 'not an OpusHead');
  await no({ ...cfg(opus), description: opus.description.subarray(0, 22) }, 'mapping table cut short');
  await yes(cfg(flac), 'FLAC with fLaC + STREAMINFO');
  await yes({ codec: 'flac', sampleRate: 44100, numberOfChannels: 2 }, 'FLAC without a description: supported (configure fails)');
  await no({ codec: 'flac', sampleRate: 44100, numberOfChannels: 2, description: flac.description.subarray(4) }, 'STREAMINFO without fLaC');
  await yes(cfg(vorbis), 'Vorbis with its headers');
  await no({ ...cfg(vorbis), description: vorbis.description.subarray(0, 30) }, 'Vorbis headers cut short');
  await yes(cfg(aac), 'AAC with an AudioSpecificConfig');
  await no({ ...cfg(aac), description: new Uint8Array([0xff, 0xff]) }, 'a broken AudioSpecificConfig');
  await no({ codec: 'pcm-s16', sampleRate: 44100, numberOfChannels: 2, description: new Uint8Array(4) }, 'PCM takes no description');
  await yes({ codec: 'mp3', sampleRate: 44100, numberOfChannels: 2, description: new Uint8Array(4) }, 'MP3 ignores the description');
  const desc = new Uint8Array(flac.description);
  const r = await AudioDecoder.isConfigSupported({ codec: 'flac', sampleRate: 44100, numberOfChannels: 2, description: desc, unknown: 1, codedWidth: 3 });
  assert.deepEqual(Object.keys(r.config).sort(), ['codec', 'description', 'numberOfChannels', 'sampleRate']);
  assert.notEqual(r.config.description, desc);
  assert.ok(r.config.description instanceof Uint8Array);
  assert.deepEqual(r.config.description, desc);
});

test('configure with an unsupported config closes the decoder with NotSupportedError through the error callback', async () => {
  const flacNoDesc = { codec: 'flac', sampleRate: 44100, numberOfChannels: 2 };
  for (const c of [{ codec: 'mp4a.FF.9', sampleRate: 44100, numberOfChannels: 2 }, { codec: 'vp8', sampleRate: 44100, numberOfChannels: 2 },
    flacNoDesc, { codec: 'vorbis', sampleRate: 44100, numberOfChannels: 2 }, { codec: 'opus', sampleRate: 48000, numberOfChannels: 6 },
    { codec: 'pcm-s16', sampleRate: 44100, numberOfChannels: 1024 }, { codec: 'alaw', sampleRate: 8000, numberOfChannels: 1, description: new Uint8Array(1) }]) {
    const out = collect(c);
    assert.equal(out.decoder.state, 'configured');
    const p = out.decoder.flush();
    await assert.rejects(p, (e) => e instanceof DOMException && (e.name === 'NotSupportedError' || e.name === 'AbortError'));
    await until(() => out.errors.length === 1);
    assert.ok(isDom('NotSupportedError')(out.errors[0]), `${c.codec}: ${out.errors[0].name} ${out.errors[0].message}`);
    assert.equal(out.decoder.state, 'closed');
  }
});

test('corrupt data closes the decoder with EncodingError through the error callback; a fresh decoder still decodes', async () => {
  const track = loadAudioTrack('aac-lc-44100-stereo.m4a');
  const out = collect(cfg(track));
  out.decoder.decode(chunk({ type: 'key', timestamp: 0, data: new Uint8Array(300).fill(0xff) }));
  await out.decoder.flush().catch(() => {});
  await until(() => out.errors.length === 1);
  assert.ok(isDom('EncodingError')(out.errors[0]), `${out.errors[0].name}: ${out.errors[0].message}`);
  assert.equal(out.decoder.state, 'closed');
  const { outputs, error } = await decodeAudio(track);
  assert.equal(error, null);
  assert.equal(outputs.length, track.chunks.length);
});

test('reconfigure: outputs of chunks decoded before still come out, then the new codec decodes', async () => {
  const a = loadAudioTrack('pcm-s16-44100-stereo.wav');
  const b = loadAudioTrack('opus-48000-stereo.ogg');
  const out = collect(cfg(a));
  for (const c of a.chunks) out.decoder.decode(chunk(c));
  out.decoder.configure(cfg(b));
  for (const c of b.chunks) out.decoder.decode(chunk(c));
  await out.decoder.flush();
  assert.equal(out.errors.length, 0);
  assert.equal(out.data.length, a.chunks.length + b.chunks.length);
  assert.deepEqual([...new Set(out.data.map((x) => `${x.d.format}/${x.d.sampleRate}`))], ['s16/44100', 'f32-planar/48000']);
  closeAll(out);
  out.decoder.close();
});

test('outputs outlive their decoder and stay readable', async () => {
  const track = loadAudioTrack('vorbis-44100-stereo.ogg');
  const kept = [];
  const d = new AudioDecoder({ output(x) { kept.push(x); }, error: noop });
  d.configure(cfg(track));
  for (const c of track.chunks) d.decode(chunk(c));
  await d.flush();
  d.close();
  assert.ok(kept.length > 10);
  const buf = new Float32Array(kept[3].numberOfFrames);
  kept[3].copyTo(buf, { planeIndex: 1 });
  assert.ok(buf.some((x) => x !== 0));
  for (const x of kept) x.close();
});

test('the priming switch: with WEBCODECS_NATIVE_AUDIO_PRIMING=keep the Opus pre-skip is output, at the chunk\'s own timestamp', async () => {
  const { spawnSync } = require('node:child_process');
  const { ffmpegDecode } = require('./helpers/audio');
  const script = `
    const { loadAudioTrack, decodeAudio } = require(${JSON.stringify(require.resolve('./helpers/audio'))});
    const t = loadAudioTrack('opus-48000-stereo.ogg');
    decodeAudio(t, { type: 'f32' }).then(({ outputs, error }) => {
      const md5 = (b) => require('node:crypto').createHash('md5').update(b).digest('hex');
      console.log(JSON.stringify({ error: error && error.message, first: t.chunks[0].timestamp,
        outputs: outputs.map((o) => [o.timestamp, o.numberOfFrames, md5(o.bytes)]) }));
    });`;
  const runWith = (priming) => {
    const env = { ...process.env };
    delete env.NODE_TEST_CONTEXT;
    if (priming) env.WEBCODECS_NATIVE_AUDIO_PRIMING = priming; else delete env.WEBCODECS_NATIVE_AUDIO_PRIMING;
    const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', env, timeout: 60000 });
    assert.equal(r.status, 0, r.stderr);
    return JSON.parse(r.stdout.trim().split('\n').pop());
  };
  const keep = runWith('keep');
  const discard = runWith(null);
  assert.equal(keep.error, null);
  assert.equal(keep.first, -6500, 'the clip starts 312 samples before 0');
  assert.deepEqual(keep.outputs[0].slice(0, 2), [-6500, 960], 'priming kept: the whole first packet at its own timestamp');
  assert.deepEqual(discard.outputs[0].slice(0, 2), [0, 648], 'priming discarded (default): 312 samples fewer, at 0');
  // kept: exactly FFmpeg's decode with no trimming at all
  const { loadAudioTrack } = require('./helpers/audio');
  const ref = ffmpegDecode(loadAudioTrack('opus-48000-stereo.ogg').file, 'f32', { skipManual: true });
  assert.deepEqual(keep.outputs.map((o) => o[2]), ref.frames.map((f) => f.md5));
});

test('outputs kept open while later ones are closed keep their own samples, during decoding and after the decoder is closed', async () => {
  // The worker reuses the memory of closed outputs (and closed ones go back to it): one still open
  // must never be written to, and one outliving its decoder stays readable and closable.
  const kept = [];
  let n = 0;
  const d = new AudioDecoder({
    output(a) { if (n++ % 10 === 0) kept.push(a); else a.close(); },
    error(e) { throw e; },
  });
  d.configure({ codec: 'pcm-s16', sampleRate: 48000, numberOfChannels: 1 });
  for (let i = 0; i < 300; i++) {
    d.decode(chunk({ type: 'key', timestamp: i * 1000, data: new Int16Array(48).fill(i) }));
    if (i % 50 === 49) await d.flush();
  }
  await d.flush();
  assert.equal(n, 300);
  const check = () => kept.forEach((a, k) => {
    const got = new Int16Array(48);
    a.copyTo(got, { planeIndex: 0 });
    assert.deepEqual(Array.from(new Set(got)), [k * 10], `output ${k * 10}`);
  });
  check();
  d.close();
  check();
  const c = kept[3].clone();
  kept.forEach((a) => a.close());
  const got = new Int16Array(48);
  c.copyTo(got, { planeIndex: 0 });
  assert.equal(got[47], 30);
  c.close();
});
