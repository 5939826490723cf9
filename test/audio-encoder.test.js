'use strict';
// AudioEncoder: the spec's interface and processing model (every throw/reject step by name and
// instanceof), AudioEncoderConfig conversion, validity and isConfigSupported (with the
// registrations' extensions echoed and defaults filled), the chunk timeline, decoderConfig
// metadata, flush/reconfigure/reset semantics, conversion of all eight sample formats (with the
// converter rebuilt when the input changes), and every codec option really changing the output.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { createHash } = require('node:crypto');
const wc = require('..');
const A = require('./helpers/audio-synth');

const { AudioEncoder, AudioData } = wc;
const OPUS = { codec: 'opus', sampleRate: 48000, numberOfChannels: 2 };
const FORMATS = ['u8', 's16', 's32', 'f32', 'u8-planar', 's16-planar', 's32-planar', 'f32-planar'];

function newEncoder() {
  const out = { chunks: [], metas: [], errors: [] };
  out.encoder = new AudioEncoder({
    output(c, m) { out.chunks.push(c); out.metas.push(m); },
    error(e) { out.errors.push(e); },
  });
  return out;
}

function silence(frames, { rate = 48000, channels = 2, timestamp = 0, format = 'f32' } = {}) {
  return new AudioData({ format, sampleRate: rate, numberOfChannels: channels, numberOfFrames: frames, timestamp, data: new Float32Array(frames * channels) });
}

const md5 = (chunks) => createHash('md5').update(Buffer.concat(chunks.map((c) => Buffer.from(A.bytesOf(c))))).digest('hex');
const isDom = (e, name) => e instanceof DOMException && e.name === name;
const nextTurn = () => new Promise((r) => setImmediate(r));

// ---- constructor, configure, encode, flush, reset, close: the spec's throws

test('constructor: AudioEncoderInit is required, with output and error callbacks (TypeError)', () => {
  assert.throws(() => new AudioEncoder(), TypeError);
  assert.throws(() => new AudioEncoder({ output() {} }), TypeError);
  assert.throws(() => new AudioEncoder({ error() {} }), TypeError);
  assert.throws(() => new AudioEncoder({ output: 1, error() {} }), TypeError);
  const e = new AudioEncoder({ output() {}, error() {} });
  assert.equal(e.state, 'unconfigured');
  assert.equal(e.encodeQueueSize, 0);
  assert.ok(e instanceof EventTarget);
  assert.equal(Object.prototype.toString.call(e), '[object AudioEncoder]');
  e.close();
});

const INVALID = [
  ['no codec', { sampleRate: 48000, numberOfChannels: 2 }],
  ['no sampleRate', { codec: 'opus', numberOfChannels: 2 }],
  ['no numberOfChannels', { codec: 'opus', sampleRate: 48000 }],
  ['empty codec', { ...OPUS, codec: ' \t' }],
  ['sampleRate 0', { ...OPUS, sampleRate: 0 }],
  ['numberOfChannels 0', { ...OPUS, numberOfChannels: 0 }],
  ['sampleRate -1 ([EnforceRange])', { ...OPUS, sampleRate: -1 }],
  ['sampleRate NaN ([EnforceRange])', { ...OPUS, sampleRate: NaN }],
  ['bitrate 0', { ...OPUS, bitrate: 0 }],
  ['Opus bitrate 1 bit/s', { ...OPUS, bitrate: 1 }],
  ['Opus bitrate 6e9', { ...OPUS, bitrate: 6e9 }],
  ['AAC bitrate beyond 6144 bits per channel per frame', { codec: 'mp4a.40.2', sampleRate: 48000, numberOfChannels: 2, bitrate: 600000 }],
  ['MP3 bitrate 400 kbit/s', { codec: 'mp3', sampleRate: 48000, numberOfChannels: 2, bitrate: 400000 }],
  ['PCM bitrate beyond 2^31-1', { codec: 'pcm-s16', sampleRate: 48000, numberOfChannels: 2, bitrate: 2 ** 31 }],
  ['bitrateMode "quantizer"', { ...OPUS, bitrateMode: 'quantizer' }],
  ['opus.frameDuration 7000 (not a multiple of 2500)', { ...OPUS, opus: { frameDuration: 7000 } }],
  ['opus.frameDuration 0', { ...OPUS, opus: { frameDuration: 0 } }],
  ['opus.frameDuration 122500', { ...OPUS, opus: { frameDuration: 122500 } }],
  ['opus.complexity 11', { ...OPUS, opus: { complexity: 11 } }],
  ['opus.packetlossperc 101', { ...OPUS, opus: { packetlossperc: 101 } }],
  ['opus.signal "speech"', { ...OPUS, opus: { signal: 'speech' } }],
  ['opus.application "music"', { ...OPUS, opus: { application: 'music' } }],
  ['opus.format "webm"', { ...OPUS, opus: { format: 'webm' } }],
  ['opus not a dictionary', { ...OPUS, opus: 5 }],
  ['aac.format "raw"', { codec: 'mp4a.40.2', sampleRate: 48000, numberOfChannels: 2, aac: { format: 'raw' } }],
  ['flac.blockSize 8', { codec: 'flac', sampleRate: 48000, numberOfChannels: 2, flac: { blockSize: 8 } }],
  ['flac.blockSize 65536', { codec: 'flac', sampleRate: 48000, numberOfChannels: 2, flac: { blockSize: 65536 } }],
  ['flac.compressLevel 9', { codec: 'flac', sampleRate: 48000, numberOfChannels: 2, flac: { compressLevel: 9 } }],
  ['the opus extension is checked whatever the codec', { codec: 'mp4a.40.2', sampleRate: 48000, numberOfChannels: 2, opus: { complexity: 12 } }],
  ['not a dictionary', 7],
];

test('configure(): every invalid AudioEncoderConfig is a TypeError and changes no state', () => {
  const { encoder } = newEncoder();
  for (const [what, cfg] of INVALID) {
    assert.throws(() => encoder.configure(cfg), (e) => e instanceof TypeError && /AudioEncoderConfig/.test(e.message), what);
    assert.equal(encoder.state, 'unconfigured', `${what}: state`);
  }
  assert.throws(() => encoder.configure(), TypeError);
  encoder.close();
});

test('isConfigSupported(): an invalid config rejects with TypeError (never throws)', async () => {
  for (const [what, cfg] of INVALID) {
    let p;
    assert.doesNotThrow(() => { p = AudioEncoder.isConfigSupported(cfg); }, what);
    await assert.rejects(p, TypeError, what);
  }
  await assert.rejects(AudioEncoder.isConfigSupported(), TypeError);
});

test('configure() after close(): InvalidStateError; close() twice and reset() after close: InvalidStateError', () => {
  const { encoder, errors } = newEncoder();
  encoder.close();
  assert.equal(encoder.state, 'closed');
  assert.throws(() => encoder.configure(OPUS), (e) => isDom(e, 'InvalidStateError'));
  assert.throws(() => encoder.close(), (e) => isDom(e, 'InvalidStateError'));
  assert.throws(() => encoder.reset(), (e) => isDom(e, 'InvalidStateError'));
  assert.equal(errors.length, 0, 'close() with AbortError never reaches the error callback');
});

test('encode(): TypeError for a non-AudioData or a closed one (before the state check), InvalidStateError when not configured', () => {
  const { encoder } = newEncoder();
  const closed = silence(480);
  closed.close();
  assert.throws(() => encoder.encode(), TypeError);
  assert.throws(() => encoder.encode({ format: 'f32' }), TypeError);
  assert.throws(() => encoder.encode(closed), TypeError, 'detached data is a TypeError even when unconfigured');
  const d = silence(480);
  assert.throws(() => encoder.encode(d), (e) => isDom(e, 'InvalidStateError'));
  encoder.configure(OPUS);
  assert.throws(() => encoder.encode(closed), TypeError);
  encoder.close();
  assert.throws(() => encoder.encode(d), (e) => isDom(e, 'InvalidStateError'));
  d.close();
});

test('encode() clones the data: closing the AudioData right after encode() changes nothing', async () => {
  const { encoder, chunks, errors } = newEncoder();
  encoder.configure({ codec: 'pcm-f32', sampleRate: 48000, numberOfChannels: 1 });
  const src = A.signal(480, 1, 48000);
  const d = A.makeAudioData(src, { format: 'f32', rate: 48000, timestamp: 0 });
  encoder.encode(d);
  d.close();
  await encoder.flush();
  assert.deepEqual(errors, []);
  assert.equal(chunks.length, 1);
  assert.deepEqual(new Float32Array(A.bytesOf(chunks[0]).buffer), src[0]);
  encoder.close();
});

test('flush(): InvalidStateError when unconfigured or closed (a rejected promise)', async () => {
  const { encoder } = newEncoder();
  await assert.rejects(encoder.flush(), (e) => isDom(e, 'InvalidStateError'));
  encoder.close();
  await assert.rejects(encoder.flush(), (e) => isDom(e, 'InvalidStateError'));
});

test('reset() and close() reject pending flushes with AbortError, never call error(), and drop pending output', async () => {
  for (const how of ['reset', 'close']) {
    const { encoder, chunks, errors } = newEncoder();
    encoder.configure(OPUS);
    for (let i = 0; i < 20; i++) encoder.encode(silence(960, { timestamp: i * 20000 }));
    const p = encoder.flush();
    encoder[how]();
    await assert.rejects(p, (e) => isDom(e, 'AbortError'), how);
    assert.equal(encoder.encodeQueueSize, 0, `${how}: queue size`);
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(chunks.length, 0, `${how}: no output of the old configuration after ${how}()`);
    assert.equal(errors.length, 0, `${how}: error() not called`);
    assert.equal(encoder.state, how === 'reset' ? 'unconfigured' : 'closed');
    if (how === 'reset') {
      encoder.configure(OPUS); // usable again
      encoder.encode(silence(960));
      await encoder.flush();
      assert.ok(chunks.length > 0, 'encodes after reset + configure');
      encoder.close();
    }
  }
});

test('encodeQueueSize counts queued encodes; dequeue events fire as the worker takes them', async () => {
  const { encoder } = newEncoder();
  let events = 0;
  let handler = 0;
  encoder.addEventListener('dequeue', () => events++);
  encoder.ondequeue = () => handler++;
  encoder.configure(OPUS);
  for (let i = 0; i < 10; i++) encoder.encode(silence(960, { timestamp: i * 20000 }));
  assert.equal(encoder.encodeQueueSize, 10);
  await encoder.flush();
  assert.equal(encoder.encodeQueueSize, 0);
  assert.ok(events >= 1 && events <= 10, `dequeue events: ${events}`);
  assert.equal(handler, events, 'ondequeue sees the same events');
  encoder.close();
});

// ---- isConfigSupported

test('isConfigSupported(): a clean copy of the recognised members, defaults of the registrations filled in', async () => {
  const r = await AudioEncoder.isConfigSupported({ ...OPUS, bitrate: 64000, foo: 1, opus: { frameDuration: 10000, bar: 2 } });
  assert.deepEqual(r, {
    supported: true,
    config: {
      codec: 'opus', sampleRate: 48000, numberOfChannels: 2, bitrate: 64000, bitrateMode: 'variable',
      opus: { application: 'audio', complexity: 9, format: 'opus', frameDuration: 10000, packetlossperc: 0, signal: 'auto', usedtx: false, useinbandfec: false },
    },
  });
  const aac = await AudioEncoder.isConfigSupported({ codec: 'mp4a.40.2', sampleRate: 44100, numberOfChannels: 2, aac: {}, bitrateMode: 'constant' });
  assert.deepEqual(aac, { supported: true, config: { codec: 'mp4a.40.2', sampleRate: 44100, numberOfChannels: 2, bitrateMode: 'constant', aac: { format: 'aac' } } });
  const flac = await AudioEncoder.isConfigSupported({ codec: 'flac', sampleRate: 96000, numberOfChannels: 1, flac: {} });
  assert.deepEqual(flac.config.flac, { blockSize: 0, compressLevel: 5 });
  assert.equal(flac.supported, true);
  const input = { ...OPUS, opus: { complexity: 3 } };
  const again = await AudioEncoder.isConfigSupported(input);
  assert.notEqual(again.config, input);
  assert.notEqual(again.config.opus, input.opus);
  assert.equal(again.config.opus.complexity, 3);
});

test('isConfigSupported(): every codec of the library says yes', async () => {
  const codecs = ['opus', 'mp4a.40.2', 'mp4a.40.02', 'mp4a.67', 'flac', 'mp3', 'mp4a.69', 'mp4a.6B', 'vorbis',
    'pcm-u8', 'pcm-s16', 'pcm-s24', 'pcm-s32', 'pcm-f32', 'ulaw', 'alaw'];
  for (const codec of codecs) {
    const r = await AudioEncoder.isConfigSupported({ codec, sampleRate: 48000, numberOfChannels: 2 });
    assert.equal(r.supported, true, codec);
  }
  const ogg = await AudioEncoder.isConfigSupported({ ...OPUS, opus: { format: 'ogg' } });
  assert.equal(ogg.supported, true, 'Opus "ogg" format');
  const adts = await AudioEncoder.isConfigSupported({ codec: 'mp4a.40.2', sampleRate: 48000, numberOfChannels: 6, aac: { format: 'adts' } });
  assert.equal(adts.supported, true, 'AAC ADTS 5.1');
});

test('isConfigSupported(): unsupported configurations resolve {supported: false}, configure() closes with NotSupportedError', async () => {
  const { execFileSync } = require('node:child_process');
  const fdk = /libfdk_aac/.test(execFileSync('ffmpeg', ['-hide_banner', '-encoders'], { encoding: 'utf8' }));
  const cases = [
    { codec: 'Opus', sampleRate: 48000, numberOfChannels: 2 },
    { codec: ' opus', sampleRate: 48000, numberOfChannels: 2 },
    { codec: 'audio/ogg; codecs=opus', sampleRate: 48000, numberOfChannels: 2 },
    { codec: 'opus.123', sampleRate: 48000, numberOfChannels: 2 },
    { codec: 'mp4a.FF.9', sampleRate: 48000, numberOfChannels: 2 },
    { codec: 'mp4a.40', sampleRate: 48000, numberOfChannels: 2 },
    { codec: 'avc1.42001f', sampleRate: 48000, numberOfChannels: 2 },
    { codec: 'pcm-s8', sampleRate: 48000, numberOfChannels: 2 },
    { ...OPUS, opus: { frameDuration: 7500 } }, // valid (RFC 6716), but libopus encodes 2.5/5/10/20/40/60/80/100/120 ms
    { ...OPUS, numberOfChannels: 256 },
    { ...OPUS, sampleRate: 1e6 },
    { ...OPUS, sampleRate: 1000 },
    { codec: 'mp3', sampleRate: 48000, numberOfChannels: 6 },
    { codec: 'flac', sampleRate: 48000, numberOfChannels: 9 },
    { codec: 'mp4a.40.2', sampleRate: 48000, numberOfChannels: 1024 },
    { codec: 'mp4a.40.2', sampleRate: 48000, numberOfChannels: 7, aac: { format: 'adts' } }, // needs a PCE: no ADTS channel configuration
  ];
  if (!fdk) {
    // never LC under an HE label
    cases.push({ codec: 'mp4a.40.5', sampleRate: 48000, numberOfChannels: 2 }, { codec: 'mp4a.40.05', sampleRate: 48000, numberOfChannels: 2 },
      { codec: 'mp4a.40.29', sampleRate: 48000, numberOfChannels: 2 });
  }
  for (const cfg of cases) {
    const r = await AudioEncoder.isConfigSupported(cfg);
    assert.equal(r.supported, false, JSON.stringify(cfg));
    const { encoder, errors } = newEncoder();
    encoder.configure(cfg);
    assert.equal(encoder.state, 'configured');
    await assert.rejects(encoder.flush(), (e) => isDom(e, 'NotSupportedError'), JSON.stringify(cfg));
    assert.equal(encoder.state, 'closed');
    assert.equal(errors.length, 1);
    assert.ok(isDom(errors[0], 'NotSupportedError'), `${JSON.stringify(cfg)}: ${errors[0]}`);
  }
});

// ---- the timeline and metadata

const EVERY_CODEC = [
  { codec: 'opus', sampleRate: 48000, numberOfChannels: 2 },
  { codec: 'opus', sampleRate: 44100, numberOfChannels: 1 }, // resampled inside
  { codec: 'mp4a.40.2', sampleRate: 44100, numberOfChannels: 2 },
  { codec: 'mp4a.40.2', sampleRate: 48000, numberOfChannels: 2, aac: { format: 'adts' } },
  { codec: 'flac', sampleRate: 48000, numberOfChannels: 2 },
  { codec: 'mp3', sampleRate: 44100, numberOfChannels: 2 },
  { codec: 'vorbis', sampleRate: 48000, numberOfChannels: 2 },
  { codec: 'pcm-s24', sampleRate: 96000, numberOfChannels: 2 },
  { codec: 'alaw', sampleRate: 8000, numberOfChannels: 1 },
];

test('every codec: key chunks on a contiguous sample-accurate timeline from the first input, durations > 0 covering the input', async () => {
  for (const cfg of EVERY_CODEC) {
    const what = JSON.stringify(cfg);
    const frames = Math.round(cfg.sampleRate * 0.5) + 7;
    const t0 = 1_000_003;
    const r = await A.encodeSignal(cfg, { frames, per: 997, timestamp: t0 });
    assert.equal(r.error, null, `${what}: ${r.error}`);
    assert.ok(r.chunks.length > 0, what);
    assert.equal(r.chunks[0].timestamp, t0, `${what}: the first chunk starts at the first input's timestamp`);
    let total = 0;
    r.chunks.forEach((c, i) => {
      assert.equal(c.type, 'key', `${what}: chunk ${i} type`);
      assert.ok(c.duration > 0, `${what}: chunk ${i} duration ${c.duration}`);
      assert.ok(c.byteLength > 0, `${what}: chunk ${i} bytes`);
      if (i > 0) assert.equal(c.timestamp, r.chunks[i - 1].timestamp + r.chunks[i - 1].duration, `${what}: chunk ${i} follows chunk ${i - 1}`);
      total += c.duration;
    });
    const inputUs = Math.floor((frames * 1e6) / cfg.sampleRate);
    assert.ok(total >= inputUs, `${what}: durations ${total} us cover the input's ${inputUs} us`);
    const dc = r.metas[0].decoderConfig;
    assert.ok(dc, `${what}: decoderConfig with the first chunk`);
    assert.equal(dc.codec, cfg.codec);
    assert.equal(dc.sampleRate, cfg.sampleRate, `${what}: the configured rate is reported`);
    assert.equal(dc.numberOfChannels, cfg.numberOfChannels);
    const withConfig = r.metas.map((m, i) => (m.decoderConfig ? i : -1)).filter((i) => i >= 0);
    if (cfg.codec === 'flac') assert.deepEqual(withConfig, [0, r.chunks.length - 1], 'FLAC: again with the final STREAMINFO');
    else assert.deepEqual(withConfig, [0], `${what}: decoderConfig only with the first chunk`);
  }
});

test('descriptions: OpusHead with the real pre-skip (both formats), AudioSpecificConfig, fLaC + STREAMINFO, Xiph-laced Vorbis headers, none for ADTS/MP3/PCM', async () => {
  const desc = async (cfg) => {
    const r = await A.encodeSignal(cfg, { frames: 4800 });
    assert.equal(r.error, null);
    const d = r.metas[0].decoderConfig.description;
    return { d: d && new Uint8Array(d), r };
  };
  for (const format of ['opus', 'ogg']) {
    for (const [app, preskip] of [['audio', 312], ['lowdelay', 120]]) {
      const { d } = await desc({ ...OPUS, sampleRate: 44100, opus: { format, application: app } });
      assert.equal(Buffer.from(d.subarray(0, 8)).toString(), 'OpusHead');
      assert.equal(d[8], 1, 'version');
      assert.equal(d[9], 2, 'channels');
      assert.equal(d[10] | (d[11] << 8), preskip, `${format}/${app}: pre-skip (libopus lookahead at 48 kHz)`);
      assert.equal(new DataView(d.buffer).getUint32(12, true), 44100, 'input sample rate: the configured one');
      assert.equal(d[18], 0, 'mapping family 0');
      assert.equal(d.length, 19);
    }
  }
  const six = (await desc({ ...OPUS, numberOfChannels: 6 })).d;
  assert.equal(six[18], 1, '5.1: mapping family 1');
  assert.deepEqual([...six.subarray(19)], [4, 2, 0, 4, 1, 2, 3, 5], 'streams, coupled, Vorbis-order mapping');
  const asc = (await desc({ codec: 'mp4a.40.2', sampleRate: 48000, numberOfChannels: 2 })).d;
  assert.equal(asc[0] >> 3, 2, 'AudioSpecificConfig: object type 2 (LC)');
  assert.equal(((asc[0] & 7) << 1) | (asc[1] >> 7), 3, 'sampling frequency index 3 (48 kHz)');
  assert.equal((asc[1] >> 3) & 15, 2, 'channel configuration 2');
  const flac = (await desc({ codec: 'flac', sampleRate: 48000, numberOfChannels: 2 })).d;
  assert.equal(Buffer.from(flac.subarray(0, 4)).toString(), 'fLaC');
  assert.deepEqual([...flac.subarray(4, 8)], [0x80, 0, 0, 34], 'last metadata block, STREAMINFO, 34 bytes');
  assert.equal(flac.length, 42);
  const vorbis = (await desc({ codec: 'vorbis', sampleRate: 48000, numberOfChannels: 2 })).d;
  const [id, comment, setup] = A.xiphSplit(vorbis);
  assert.equal(vorbis[0], 2, 'Xiph lacing of three packets');
  assert.equal(Buffer.from(id.subarray(1, 7)).toString(), 'vorbis');
  assert.deepEqual([id[0], comment[0], setup[0]], [1, 3, 5], 'identification, comment, setup headers');
  for (const cfg of [{ codec: 'mp4a.40.2', sampleRate: 48000, numberOfChannels: 2, aac: { format: 'adts' } }, { codec: 'mp3', sampleRate: 48000, numberOfChannels: 2 },
    { codec: 'pcm-s16', sampleRate: 48000, numberOfChannels: 2 }, { codec: 'ulaw', sampleRate: 8000, numberOfChannels: 1 }]) {
    const { d } = await desc(cfg);
    assert.equal(d, undefined, `${cfg.codec}: no description`);
  }
});

test('flush() drains everything and encoding continues: a new timeline from the next input, decoderConfig only if it changed', async () => {
  const { encoder, chunks, metas, errors } = newEncoder();
  encoder.configure({ codec: 'mp4a.40.2', sampleRate: 48000, numberOfChannels: 2 });
  encoder.encode(A.makeAudioData(A.signal(3000, 2, 48000), { rate: 48000, timestamp: 500 }));
  await encoder.flush();
  const first = chunks.length;
  // 3000 samples + 1024 of priming, in frames of 1024: 4 frames plus the encoder's tail
  assert.ok(first >= 4, `first segment: ${first} chunks`);
  assert.ok(chunks.slice(0, first).reduce((s, c) => s + c.duration, 0) >= 62500, 'first segment covers its 3000 samples');
  encoder.encode(A.makeAudioData(A.signal(3000, 2, 48000), { rate: 48000, timestamp: 9_000_000 }));
  await encoder.flush();
  assert.deepEqual(errors, []);
  assert.ok(chunks.length >= 2 * first - 1, 'second segment');
  assert.equal(chunks[first].timestamp, 9_000_000, 'the second segment starts at its first input');
  assert.equal(metas[first].decoderConfig, undefined, 'same AudioSpecificConfig: no new decoderConfig');
  encoder.close();
});

test('configure() again drains the old encoder: all its chunks first, then decoderConfig with the first chunk of the new one', async () => {
  const { encoder, chunks, metas, errors } = newEncoder();
  encoder.configure(OPUS);
  encoder.encode(A.makeAudioData(A.signal(4800, 2, 48000), { rate: 48000, timestamp: 0 }));
  encoder.configure({ ...OPUS, bitrate: 32000 }); // no flush in between
  encoder.encode(A.makeAudioData(A.signal(4800, 2, 48000), { rate: 48000, timestamp: 700000 }));
  await encoder.flush();
  assert.deepEqual(errors, []);
  const second = chunks.findIndex((c) => c.timestamp === 700000);
  assert.ok(second > 0, 'the new configuration starts at its first input');
  // 4800 samples + 312 pre-skip: 6 frames of 960
  assert.equal(second, 6, 'the old encoder produced every chunk of its input');
  assert.ok(metas[0].decoderConfig && metas[second].decoderConfig, 'decoderConfig after each configure()');
  assert.equal(metas.filter((m) => m.decoderConfig).length, 2);
  encoder.close();
});

test('AudioData whose sampleRate or numberOfChannels differs from the config: EncodingError through error(), as Chrome does', async () => {
  for (const bad of [{ rate: 44100, channels: 2 }, { rate: 48000, channels: 1 }]) {
    const { encoder, chunks, errors } = newEncoder();
    encoder.configure(OPUS);
    encoder.encode(silence(960));
    encoder.encode(silence(960, bad));
    await assert.rejects(encoder.flush(), (e) => isDom(e, 'EncodingError'));
    assert.equal(encoder.state, 'closed');
    assert.equal(errors.length, 1);
    assert.ok(isDom(errors[0], 'EncodingError'), String(errors[0]));
    assert.match(errors[0].message, /sampleRate|numberOfChannels/);
    await nextTurn();
    assert.ok(chunks.length <= 1);
  }
});

// ---- sample formats and the converter

// The samples an AudioData in `format` holds for the float signal, as float (exact conversions).
function quantized(chans, format) {
  const base = format.replace('-planar', '');
  return chans.map((ch) => Float32Array.from(ch, (x) => {
    if (base === 'u8') return (Math.max(0, Math.min(255, Math.round(x * 128 + 128))) - 128) / 128;
    if (base === 's16') return Math.max(-32768, Math.min(32767, Math.round(x * 32768))) / 32768;
    if (base === 's32') return Math.fround(Math.max(-2147483648, Math.min(2147483647, Math.round(x * 2147483648))) / 2147483648);
    return x;
  }));
}

function pcmF32Samples(chunks, channels) {
  const all = A.concat(chunks.map(A.bytesOf));
  const f = new Float32Array(all.buffer, all.byteOffset, all.length / 4);
  const n = f.length / channels;
  return Array.from({ length: channels }, (_, c) => Float32Array.from({ length: n }, (__, i) => f[i * channels + c]));
}

test('all eight AudioSampleFormats are converted exactly (pcm-f32 output against the expected samples)', async () => {
  for (const format of FORMATS) {
    const r = await A.encodeSignal({ codec: 'pcm-f32', sampleRate: 48000, numberOfChannels: 3 }, { frames: 2000, per: 500, formats: [format] });
    assert.equal(r.error, null, format);
    const got = pcmF32Samples(r.chunks, 3);
    const want = quantized(r.source, format);
    for (let c = 0; c < 3; c++) assert.deepEqual(got[c], want[c], `${format}: channel ${c}`);
  }
});

test('the converter is rebuilt whenever the input format changes (formats alternating inside one stream)', async () => {
  const per = 250;
  const r = await A.encodeSignal({ codec: 'pcm-f32', sampleRate: 48000, numberOfChannels: 2 }, { frames: per * 16, per, formats: FORMATS });
  assert.equal(r.error, null);
  const got = pcmF32Samples(r.chunks, 2);
  for (let k = 0; k < 16; k++) {
    const part = r.source.map((ch) => ch.subarray(k * per, (k + 1) * per));
    const want = quantized(part, FORMATS[k % 8]);
    for (let c = 0; c < 2; c++) assert.deepEqual(got[c].subarray(k * per, (k + 1) * per), want[c], `part ${k} (${FORMATS[k % 8]}), channel ${c}`);
  }
});

test('resampling converter (Opus at 44.1 kHz) rebuilt on every format change loses no samples: same quality and length as one format', async () => {
  const cfg = { codec: 'opus', sampleRate: 44100, numberOfChannels: 2, bitrate: 128000 };
  const decode = (r) => {
    const c = A.containerFor('opus', r.metas[0], r.chunks, 44100);
    return A.ffmpegDecode(A.writeTemp(c.ext, c.data), { ...c, rate: 44100, channels: 2 });
  };
  const one = await A.encodeSignal(cfg, { frames: 44100, per: 1031 });
  const mixed = await A.encodeSignal(cfg, { frames: 44100, per: 1031, formats: ['f32-planar', 's16', 'f32', 's32-planar', 's16-planar', 's32'] });
  assert.equal(mixed.error, null);
  const a = decode(one);
  const b = decode(mixed);
  const snrOne = A.snrAt(one.source, a, 0);
  const snrMixed = A.snrAt(mixed.source, b, 0);
  assert.ok(snrOne > 30, `one format: ${snrOne.toFixed(1)} dB`);
  assert.ok(snrMixed > snrOne - 2, `alternating formats: ${snrMixed.toFixed(1)} dB vs ${snrOne.toFixed(1)} dB`);
  assert.equal(b[0].length, a[0].length, 'decoded length');
  assert.equal(A.bestLag(mixed.source, b, 64).lag, 0, 'no drift');
});

// ---- every option changes what comes out

test('Opus options are applied: complexity, signal, application, packet loss + FEC, DTX, frameDuration, bitrate and bitrateMode', async () => {
  const run = async (extra, base = { ...OPUS, bitrate: 64000 }, frames = 48000) => {
    const r = await A.encodeSignal({ ...base, ...extra }, { frames });
    assert.equal(r.error, null, JSON.stringify(extra));
    return r;
  };
  const ref = await run({});
  const differs = async (extra, base, frames) => assert.notEqual(md5((await run(extra, base, frames)).chunks), md5((await run({}, base, frames)).chunks), JSON.stringify(extra));
  await differs({ opus: { complexity: 0 } });
  await differs({ opus: { application: 'voip' } });
  await differs({ opus: { packetlossperc: 20 } });
  await differs({ opus: { packetlossperc: 20, useinbandfec: true } }, { ...OPUS, bitrate: 64000, opus: { packetlossperc: 20 } });
  const low = { codec: 'opus', sampleRate: 48000, numberOfChannels: 1, bitrate: 12000 };
  await differs({ opus: { signal: 'music' } }, low);
  await differs({ opus: { signal: 'voice' } }, { ...low, opus: { signal: 'music' } });
  // bitrate: about right in constant mode, every packet the same size
  const cbr = await run({ bitrateMode: 'constant' });
  const sizes = new Set(cbr.chunks.map((c) => c.byteLength));
  assert.deepEqual([...sizes], [160], 'hard CBR: 64 kbit/s x 20 ms = 160 bytes per packet');
  assert.ok(new Set(ref.chunks.map((c) => c.byteLength)).size > 1, 'VBR: packet sizes vary');
  for (const us of [2500, 10000, 60000, 120000]) {
    const r = await run({ opus: { frameDuration: us } }, undefined, 4800 * 3);
    assert.ok(r.chunks.every((c) => c.duration === us), `frameDuration ${us}`);
  }
  // DTX: silence is not transmitted (a packet at most every 400 ms), the timeline keeps its place
  const dtx = async (usedtx) => {
    const { encoder, chunks } = newEncoder();
    encoder.configure({ ...OPUS, opus: { usedtx } });
    encoder.encode(silence(48000));
    await encoder.flush();
    encoder.close();
    return chunks;
  };
  const on = await dtx(true);
  const off = await dtx(false);
  assert.equal(off.length, 51);
  assert.ok(on.length < 20, `DTX: ${on.length} chunks of 51`);
  assert.ok(on.every((c) => c.timestamp % 20000 === 0 && c.duration === 20000), 'DTX chunks stay on the 20 ms grid');
});

test('AAC: "adts" puts an ADTS header on every chunk (length, rate, channels), "aac" gives raw frames; MPEG-2 (mp4a.67) sets the ID bit', async () => {
  for (const [codec, mpeg2] of [['mp4a.40.2', 0], ['mp4a.67', 1]]) {
    const r = await A.encodeSignal({ codec, sampleRate: 44100, numberOfChannels: 2, aac: { format: 'adts' } }, { frames: 10000 });
    assert.equal(r.error, null);
    for (const c of r.chunks) {
      const b = A.bytesOf(c);
      assert.equal(b[0], 0xff);
      assert.equal(b[1] & 0xf6, 0xf0, 'syncword, layer 0');
      assert.equal((b[1] >> 3) & 1, mpeg2, 'ID');
      assert.equal(b[1] & 1, 1, 'no CRC');
      assert.equal(b[2] >> 6, 1, 'profile: LC');
      assert.equal((b[2] >> 2) & 15, 4, 'sampling frequency index 4 (44.1 kHz)');
      assert.equal(((b[2] & 1) << 2) | (b[3] >> 6), 2, 'channel configuration');
      assert.equal(((b[3] & 3) << 11) | (b[4] << 3) | (b[5] >> 5), b.length, 'aac_frame_length');
    }
  }
  const raw = await A.encodeSignal({ codec: 'mp4a.40.2', sampleRate: 44100, numberOfChannels: 2 }, { frames: 10000 });
  assert.ok(raw.chunks.some((c) => A.bytesOf(c)[0] !== 0xff), 'raw frames carry no sync word');
});

test('FLAC: blockSize sets the frame length, compressLevel the effort; MP3 and Vorbis bitrateMode', async () => {
  const flac = async (flacCfg) => (await A.encodeSignal({ codec: 'flac', sampleRate: 48000, numberOfChannels: 2, flac: flacCfg }, { frames: 48000 })).chunks;
  const b1152 = await flac({ blockSize: 1152 });
  assert.ok(b1152.slice(0, -1).every((c) => c.duration === 24000), 'blockSize 1152 at 48 kHz: 24000 us');
  assert.equal(b1152[b1152.length - 1].duration, Math.round(((48000 % 1152) * 1e6) / 48000), 'the last, short frame');
  const l0 = (await flac({ compressLevel: 0 })).reduce((s, c) => s + c.byteLength, 0);
  const l8 = (await flac({ compressLevel: 8 })).reduce((s, c) => s + c.byteLength, 0);
  assert.ok(l8 < l0, `compressLevel 8 (${l8} bytes) smaller than 0 (${l0})`);
  const mp3 = async (bitrateMode) => (await A.encodeSignal({ codec: 'mp3', sampleRate: 44100, numberOfChannels: 2, bitrate: 128000, bitrateMode }, { frames: 44100 })).chunks;
  const cbr = new Set((await mp3('constant')).map((c) => c.byteLength));
  assert.ok([...cbr].every((n) => n === 417 || n === 418), `MP3 CBR 128 kbit/s at 44.1 kHz: 417/418-byte frames (${[...cbr]})`);
  assert.ok(new Set((await mp3('variable')).map((c) => c.byteLength)).size > 2, 'MP3 ABR: frame sizes vary');
  const vorbis = async (bitrateMode) => md5((await A.encodeSignal({ codec: 'vorbis', sampleRate: 48000, numberOfChannels: 2, bitrate: 128000, bitrateMode }, { frames: 24000 })).chunks);
  assert.notEqual(await vorbis('constant'), await vorbis('variable'), 'Vorbis managed (constant) vs average bitrate');
});

test('Opus with 100 channels (mapping family 255) from planar s16: every channel carried; resampling beyond 64 channels is unsupported', async () => {
  const ch = 100;
  const r = await A.encodeSignal({ codec: 'opus', sampleRate: 48000, numberOfChannels: ch, bitrate: 64000 * ch }, { frames: 9600, formats: ['s16-planar', 'f32'] });
  assert.equal(r.error, null, String(r.error));
  const d = new Uint8Array(r.metas[0].decoderConfig.description);
  assert.equal(d[9], ch, 'OpusHead channels');
  assert.equal(d[18], 255, 'mapping family 255');
  assert.deepEqual([d[19], d[20]], [ch, 0], '100 streams, none coupled');
  assert.deepEqual([...d.subarray(21)], Array.from({ length: ch }, (_, i) => i), 'identity mapping');
  // the Ogg file is an Opus stream of 100 channels to ffprobe; the ffmpeg CLI cannot convert 100
  // channels for its raw output (libswresample), so this library's AudioDecoder decodes it
  const { execFileSync } = require('node:child_process');
  const box = A.containerFor('opus', r.metas[0], r.chunks, 48000);
  const st = JSON.parse(execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'stream=codec_name,channels', '-of', 'json', A.writeTemp(box.ext, box.data)],
    { encoding: 'utf8' })).streams[0];
  assert.deepEqual([st.codec_name, st.channels], ['opus', ch]);
  const dec = await A.libraryDecode(r.metas[0].decoderConfig, r.chunks);
  assert.equal(dec.error, null, String(dec.error));
  const got = dec.chans;
  assert.equal(got.length, ch);
  // (channels whose test tones lie within Opus's 20 kHz band: channel c has tones at 220(c+1)+110 and 1250+350c Hz)
  for (const c of [0, 1, 12, 25, 30]) {
    const snr = A.snrAt([r.source[c].subarray(0, 9000)], [got[c]], 0);
    assert.ok(snr > 20, `channel ${c}: ${snr.toFixed(1)} dB`);
    assert.ok(snr > A.snrAt([r.source[c].subarray(0, 9000)], [got[c + 1]], 0) + 20, `channel ${c} is not its neighbour`);
  }
  const resampled = await AudioEncoder.isConfigSupported({ codec: 'opus', sampleRate: 44100, numberOfChannels: ch });
  assert.equal(resampled.supported, false);
});

test('ordering in loops: flush() resolves after every chunk of its input; after reset() no chunk of the old configuration appears (300 rounds)', async () => {
  const { encoder, chunks, errors } = newEncoder();
  let seen = 0;
  for (let round = 0; round < 300; round++) {
    const codec = round % 3 === 0 ? { codec: 'pcm-s16', sampleRate: 48000, numberOfChannels: 2 } : round % 3 === 1 ? OPUS
      : { codec: 'mp4a.40.2', sampleRate: 48000, numberOfChannels: 2 };
    encoder.configure(codec);
    const t0 = round * 1_000_000;
    const inputs = 1 + (round % 5);
    for (let i = 0; i < inputs; i++) encoder.encode(silence(960, { timestamp: t0 + i * 20000 }));
    if (round % 4 === 3) {
      // reset with work in flight: its chunks must never come out
      const p = encoder.flush();
      encoder.reset();
      await assert.rejects(p, (e) => isDom(e, 'AbortError'));
      await nextTurn();
      assert.ok(chunks.slice(seen).every((c) => c.timestamp < t0), `round ${round}: a chunk of the reset configuration came out`);
      seen = chunks.length;
      continue;
    }
    await encoder.flush();
    const mine = chunks.slice(seen).filter((c) => c.timestamp >= t0);
    const total = mine.reduce((s, c) => s + c.duration, 0);
    assert.ok(total >= inputs * 20000, `round ${round} (${codec.codec}): ${mine.length} chunks, ${total} us of ${inputs * 20000} when flush() resolved`);
    assert.equal(mine[0].timestamp, t0, `round ${round}: first chunk at the first input`);
    assert.equal(encoder.encodeQueueSize, 0);
    seen = chunks.length;
  }
  assert.deepEqual(errors, []);
  encoder.close();
});
