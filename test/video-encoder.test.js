'use strict';
// VideoEncoder: spec throw/reject steps, queue size and dequeue events, key frames,
// per-frame quantizers, rate control, flush-then-continue, reconfigure, reset,
// temporal layers, alpha, high bit depth, isConfigSupported.
const test = require('node:test');
const assert = require('node:assert/strict');
const { VideoEncoder, VideoFrame, EncodedVideoChunk } = require('..');
const S = require('./helpers/synth');

const noop = () => {};
const isDom = (name) => (e) => e instanceof DOMException && e.name === name;
const isType = (e) => e instanceof TypeError && e.name === 'TypeError';
const W = 320;
const H = 240;

function collect(config) {
  const out = { chunks: [], metas: [], errors: [] };
  out.encoder = new VideoEncoder({
    output(c, m) { out.chunks.push(c); out.metas.push(m); },
    error(e) { out.errors.push(e); },
  });
  if (config) out.encoder.configure(config);
  return out;
}

function encodeN(out, from, n, opts = () => ({}), w = W, h = H) {
  for (let i = from; i < from + n; i++) {
    const f = S.makeFrame(i, w, h);
    out.encoder.encode(f, opts(i));
    f.close();
  }
}

test('constructor and configure: TypeError for invalid arguments', () => {
  assert.throws(() => new VideoEncoder(), isType);
  assert.throws(() => new VideoEncoder({ output: noop }), isType);
  assert.throws(() => new VideoEncoder({ output: noop, error: 5 }), isType);
  const e = new VideoEncoder({ output: noop, error: noop });
  assert.equal(e.state, 'unconfigured');
  assert.equal(e.encodeQueueSize, 0);
  const bad = [
    undefined, {}, { codec: 'vp8' }, { codec: 'vp8', width: 320 }, { codec: '', width: 320, height: 240 },
    { codec: ' ', width: 320, height: 240 }, { codec: 'vp8', width: 0, height: 240 }, { codec: 'vp8', width: 320, height: 0 },
    { codec: 'vp8', width: -1, height: 240 }, { codec: 'vp8', width: 320, height: 240, displayWidth: 0 },
    { codec: 'vp8', width: 320, height: 240, bitrate: -5 }, { codec: 'vp8', width: 320, height: 240, framerate: NaN },
    { codec: 'vp8', width: 320, height: 240, bitrate: 0 }, { codec: 'vp8', width: 320, height: 240, bitrateMode: 'cbr' },
    { codec: 'vp8', width: 320, height: 240, latencyMode: 'fast' }, { codec: 'vp8', width: 320, height: 240, alpha: 'yes' },
    { codec: 'avc1.42001f', width: 320, height: 240, avc: { format: 'mp4' } },
    { codec: 'hvc1.1.6.L93.B0', width: 320, height: 240, hevc: { format: 'avc' } },
  ];
  for (const c of bad) assert.throws(() => e.configure(c), isType, JSON.stringify(c));
  assert.equal(e.state, 'unconfigured');
  e.close();
  assert.throws(() => e.configure({ codec: 'vp8', width: 320, height: 240 }), isDom('InvalidStateError'));
});

test('encode/flush/reset/close in the wrong state; closed frames; non-frames', async () => {
  const e = new VideoEncoder({ output: noop, error: noop });
  const f = S.makeFrame(0, W, H);
  assert.throws(() => e.encode(f), isDom('InvalidStateError'));
  await assert.rejects(e.flush(), isDom('InvalidStateError'));
  e.configure({ codec: 'vp8', width: W, height: H });
  assert.throws(() => e.encode({}), isType);
  assert.throws(() => e.encode(), isType);
  const closed = f.clone();
  closed.close();
  assert.throws(() => e.encode(closed), isType, 'a closed frame is a TypeError');
  e.close();
  assert.throws(() => e.encode(f), isDom('InvalidStateError'));
  await assert.rejects(e.flush(), isDom('InvalidStateError'));
  assert.throws(() => e.reset(), isDom('InvalidStateError'));
  assert.throws(() => e.close(), isDom('InvalidStateError'));
  f.close();
});

test('encode() takes its own reference: the caller may close the frame at once', async () => {
  const out = collect({ codec: 'vp8', width: W, height: H, bitrate: 1e6 });
  encodeN(out, 0, 10); // frames are closed right after encode()
  await out.encoder.flush();
  assert.equal(out.chunks.length, 10);
  assert.ok(out.chunks.every((c) => c instanceof EncodedVideoChunk));
  out.encoder.close();
});

test('encodeQueueSize rises at once, falls as the worker takes frames; dequeue events coalesced', async () => {
  const out = collect({ codec: 'vp8', width: W, height: H, bitrate: 1e6, latencyMode: 'realtime' });
  let events = 0;
  out.encoder.ondequeue = () => events++;
  for (let i = 0; i < 30; i++) {
    const f = S.makeFrame(i, W, H);
    out.encoder.encode(f);
    f.close();
    assert.equal(out.encoder.encodeQueueSize, i + 1);
  }
  await out.encoder.flush();
  await new Promise((r) => setImmediate(r));
  assert.equal(out.encoder.encodeQueueSize, 0);
  assert.ok(events >= 1 && events <= 30, `${events} dequeue events (one per task at most)`);
  out.encoder.close();
});

test('unsupported configs: NotSupportedError through the error callback; isConfigSupported says false', async () => {
  const unsupported = [
    { codec: 'vp9', width: W, height: H },
    { codec: 'avc1', width: W, height: H },
    { codec: 'bogus', width: W, height: H },
    { codec: 'avc1.58001f', width: W, height: H }, // Extended profile: x264 cannot
    { codec: 'vp8', width: W, height: H, scalabilityMode: 'L2T2' },
    { codec: 'avc1.42001f', width: W, height: H, scalabilityMode: 'L1T2' },
    { codec: 'avc1.42001f', width: W, height: H, alpha: 'keep' },
    { codec: 'av01.0.04M.08', width: W, height: H, alpha: 'keep' },
    { codec: 'avc1.42001f', width: 321, height: 240 }, // 4:2:0 needs even sizes for x264
  ];
  for (const config of unsupported) {
    const r = await VideoEncoder.isConfigSupported(config);
    assert.equal(r.supported, false, JSON.stringify(config));
    const out = collect(config);
    await assert.rejects(out.encoder.flush(), isDom('NotSupportedError'), JSON.stringify(config));
    assert.equal(out.encoder.state, 'closed');
    assert.equal(out.errors.length, 1);
    assert.equal(out.errors[0].name, 'NotSupportedError');
  }
  const supported = ['avc1.42001f', 'avc1.4d401f', 'avc1.64001f', 'avc3.64001f', 'hvc1.1.6.L93.B0', 'hev1.1.6.L93.B0', 'vp8',
    'vp09.00.10.08', 'vp09.02.10.10', 'av01.0.04M.08', 'av01.0.04M.10'];
  for (const codec of supported) {
    const r = await VideoEncoder.isConfigSupported({ codec, width: 640, height: 480, bitrate: 1e6, framerate: 30, unknown: 1 });
    assert.equal(r.supported, true, codec);
    assert.equal(r.config.unknown, undefined);
    assert.equal(r.config.codec, codec);
    assert.equal(r.config.latencyMode, 'quality');
    assert.equal(r.config.bitrateMode, 'variable');
    assert.equal(r.config.alpha, 'discard');
  }
  await assert.rejects(VideoEncoder.isConfigSupported({ codec: 'vp8', width: 0, height: 10 }), isType);
  for (const m of ['L1T2', 'L1T3']) {
    assert.equal((await VideoEncoder.isConfigSupported({ codec: 'vp8', width: W, height: H, scalabilityMode: m })).supported, true, m);
    assert.equal((await VideoEncoder.isConfigSupported({ codec: 'vp09.00.10.08', width: W, height: H, scalabilityMode: m })).supported, true, m);
  }
  assert.equal((await VideoEncoder.isConfigSupported({ codec: 'vp8', width: W, height: H, alpha: 'keep' })).supported, true);
});

test('keyFrame: true makes a key frame, for every codec; other frames are deltas', async () => {
  for (const codec of ['avc1.42001f', 'hvc1.1.6.L93.B0', 'vp8', 'vp09.00.10.08', 'av01.0.04M.08']) {
    for (const latencyMode of ['quality', 'realtime']) {
      const out = collect({ codec, width: W, height: H, bitrate: 1e6, framerate: 30, latencyMode });
      encodeN(out, 0, 24, (i) => ({ keyFrame: i === 7 || i === 19 }));
      await out.encoder.flush();
      const types = out.chunks.map((c) => c.type);
      const label = `${codec} ${latencyMode}: ${types.map((t) => t[0]).join('')}`;
      assert.equal(types.length, 24, label);
      for (const i of [0, 7, 19]) assert.equal(types[i], 'key', label);
      assert.ok(types.filter((t) => t === 'delta').length >= 18, label);
      // a decoder can start at the forced key frame
      const lib = await S.libDecode(out.metas[0].decoderConfig, out.chunks.slice(7));
      assert.equal(lib.error, null, label);
      assert.equal(lib.frames.length, 17, label);
      out.encoder.close();
    }
  }
});

// per-frame quantizers (ranges, mapping, bits per quantizer): test/encoder-quantizer.test.js

test('constant bitrate: within 20% of the target over 300 frames', async () => {
  for (const codec of ['avc1.42001f', 'vp8', 'vp09.00.10.08']) {
    const bitrate = 600_000;
    const out = collect({ codec, width: W, height: H, bitrate, bitrateMode: 'constant', framerate: 30, latencyMode: 'realtime' });
    encodeN(out, 0, 300);
    await out.encoder.flush();
    const bits = out.chunks.reduce((a, c) => a + c.byteLength, 0) * 8;
    const rate = bits / 10;
    assert.ok(Math.abs(rate - bitrate) / bitrate < 0.2, `${codec}: ${Math.round(rate)} b/s for a ${bitrate} b/s target`);
    out.encoder.close();
  }
});

test('flush() then keep encoding; reconfigure to a new size after flush; decoderConfig when it changes', async () => {
  for (const codec of ['avc1.42001f', 'hvc1.1.6.L93.B0', 'vp8', 'vp09.00.10.08', 'av01.0.04M.08']) {
    const out = collect({ codec, width: W, height: H, bitrate: 1e6, framerate: 30 });
    encodeN(out, 0, 10);
    await out.encoder.flush();
    assert.equal(out.chunks.length, 10, codec);
    encodeN(out, 10, 10);
    await out.encoder.flush();
    assert.equal(out.chunks.length, 20, `${codec}: encoding continues after flush`);
    assert.deepEqual(out.chunks.map((c) => c.timestamp), Array.from({ length: 20 }, (_, i) => S.timestampOf(i)));
    assert.ok(out.metas[0].decoderConfig);
    assert.equal(out.metas.slice(1, 20).filter((m) => m.decoderConfig).length, 0, `${codec}: no new decoderConfig when nothing changed`);
    // the whole stream (across the flush) decodes with the first decoderConfig
    const lib = await S.libDecode(out.metas[0].decoderConfig, out.chunks);
    assert.equal(lib.error, null, codec);
    assert.equal(lib.frames.length, 20, codec);
    // reconfigure to a new size
    out.encoder.configure({ codec, width: 160, height: 120, bitrate: 3e5, framerate: 30 });
    encodeN(out, 20, 5, () => ({}), 160, 120);
    await out.encoder.flush();
    assert.equal(out.chunks.length, 25, codec);
    const dc = out.metas[20].decoderConfig;
    assert.ok(dc, `${codec}: new decoderConfig after reconfigure`);
    assert.deepEqual([dc.codedWidth, dc.codedHeight], [160, 120]);
    assert.equal(out.chunks[20].type, 'key');
    const lib2 = await S.libDecode(dc, out.chunks.slice(20));
    assert.equal(lib2.frames.length, 5, codec);
    out.encoder.close();
  }
});

test('frames of another size are scaled to the configured size', async () => {
  const out = collect({ codec: 'vp8', width: 160, height: 120, bitrate: 5e5 });
  encodeN(out, 0, 3, () => ({}), 320, 240);
  await out.encoder.flush();
  const lib = await S.libDecode(out.metas[0].decoderConfig, out.chunks);
  assert.equal(lib.frames.length, 3);
  assert.equal(lib.frames[0].bytes.length, 160 * 120 * 3 / 2);
  out.encoder.close();
});

test('reset() mid-stream: flush rejects with AbortError, no old output, reconfigure and encode again', async () => {
  const out = collect({ codec: 'avc1.42001f', width: 640, height: 480, bitrate: 1e6 });
  encodeN(out, 0, 60, () => ({}), 640, 480);
  const p = out.encoder.flush();
  out.encoder.reset();
  assert.equal(out.encoder.state, 'unconfigured');
  assert.equal(out.encoder.encodeQueueSize, 0);
  await assert.rejects(p, isDom('AbortError'));
  const seen = out.chunks.length;
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(out.chunks.length, seen, 'no output after reset');
  const f = S.makeFrame(0, W, H);
  assert.throws(() => out.encoder.encode(f), isDom('InvalidStateError'));
  f.close();
  out.encoder.configure({ codec: 'avc1.42001f', width: W, height: H, bitrate: 1e6 });
  encodeN(out, 0, 5);
  await out.encoder.flush();
  assert.equal(out.chunks.length, seen + 5);
  assert.ok(out.metas[seen].decoderConfig, 'decoderConfig again after reset');
  assert.deepEqual(out.errors, []);
  out.encoder.close();
});

test('alpha: "keep" for VP8/VP9 delivers the alpha plane as a second stream in alphaSideData', async () => {
  for (const codec of ['vp8', 'vp09.00.10.08']) {
    const out = collect({ codec, width: W, height: H, bitrate: 1e6, alpha: 'keep' });
    for (let i = 0; i < 5; i++) {
      const p = S.i420(i, W, H);
      const a = new Uint8Array(W * H);
      for (let r = 0; r < H; r++) for (let c = 0; c < W; c++) a[r * W + c] = c < W / 2 ? 255 : 64;
      const data = new Uint8Array(W * H * 2 + p.u.length * 2);
      data.set(p.y); data.set(p.u, W * H); data.set(p.v, W * H + p.u.length); data.set(a, W * H + 2 * p.u.length);
      const f = new VideoFrame(data, { format: 'I420A', codedWidth: W, codedHeight: H, timestamp: S.timestampOf(i), duration: S.DURATION });
      out.encoder.encode(f);
      f.close();
    }
    await out.encoder.flush();
    assert.equal(out.chunks.length, 5);
    for (const m of out.metas) assert.ok(m.alphaSideData && m.alphaSideData.byteLength > 0, codec);
    // the side data is itself a stream of the same codec carrying the alpha plane as luma
    const alphaChunks = out.metas.map((m, i) => new EncodedVideoChunk({ type: out.chunks[i].type, timestamp: out.chunks[i].timestamp, data: m.alphaSideData }));
    const lib = await S.libDecode({ codec: out.metas[0].decoderConfig.codec }, alphaChunks);
    assert.equal(lib.frames.length, 5);
    const y = lib.frames[0].bytes;
    assert.ok(Math.abs(y[10 * W + 10] - 255) < 8 && Math.abs(y[10 * W + W - 10] - 64) < 8, `${codec}: alpha plane round-trips`);
    out.encoder.close();
  }
});

test('high bit depth: 10-bit input to VP9 profile 2, AV1 and HEVC Main 10; decoderConfig says 10 bit', async () => {
  for (const [codec, dec] of [['vp09.02.10.10', /^vp09\.02\.\d\d\.10$/], ['av01.0.04M.10', /^av01\.0\.\d\dM\.10$/], ['hvc1.2.4.L93.B0', /^hvc1\.2\./]]) {
    const out = collect({ codec, width: W, height: H, bitrate: 1e6 });
    for (let i = 0; i < 4; i++) {
      const p = S.i420(i, W, H);
      const data = new Uint16Array(W * H + 2 * p.u.length);
      data.set(Array.from(p.y, (x) => x * 4));
      data.set(Array.from(p.u, (x) => x * 4), W * H);
      data.set(Array.from(p.v, (x) => x * 4), W * H + p.u.length);
      const f = new VideoFrame(data, { format: 'I420P10', codedWidth: W, codedHeight: H, timestamp: S.timestampOf(i) });
      out.encoder.encode(f);
      f.close();
    }
    await out.encoder.flush();
    assert.deepEqual(out.errors, [], codec);
    const dc = out.metas[0].decoderConfig;
    assert.match(dc.codec, dec);
    const lib = await S.libDecode(dc, out.chunks);
    assert.equal(lib.frames.length, 4);
    assert.equal(lib.frames[0].format, 'I420P10');
    out.encoder.close();
  }
});

test('configure() again without a flush: frames already encoded still produce their chunks', async () => {
  for (const codec of ['avc1.42001f', 'vp09.00.10.08']) {
    const out = collect({ codec, width: W, height: H, bitrate: 1e6 });
    encodeN(out, 0, 10);
    out.encoder.configure({ codec, width: 160, height: 120, bitrate: 3e5 });
    encodeN(out, 10, 3, () => ({}), 160, 120);
    await out.encoder.flush();
    assert.equal(out.chunks.length, 13, codec);
    assert.deepEqual(out.chunks.map((c) => c.timestamp), Array.from({ length: 13 }, (_, i) => S.timestampOf(i)), codec);
    assert.ok(out.metas[10].decoderConfig && out.metas[10].decoderConfig.codedWidth === 160, codec);
    out.encoder.close();
  }
});
