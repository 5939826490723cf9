'use strict';
// VideoDecoder: every spec throw/reject step (instanceof + name), queue size and
// dequeue events, flush/reset/close semantics, isConfigSupported, config members.
const test = require('node:test');
const assert = require('node:assert/strict');
const { VideoDecoder, EncodedVideoChunk, VideoFrame } = require('..');
const { loadTrack, decodeTrack } = require('./helpers/media');

const noop = () => {};
const isDom = (name) => (e) => e instanceof DOMException && e.name === name;
const isType = (e) => e instanceof TypeError && e.name === 'TypeError';

function collect(config) {
  const out = { frames: [], errors: [] };
  out.decoder = new VideoDecoder({
    output(f) { out.frames.push({ timestamp: f.timestamp, duration: f.duration, frame: f }); },
    error(e) { out.errors.push(e); },
  });
  if (config) out.decoder.configure(config);
  return out;
}

function closeAll(out) {
  for (const f of out.frames) f.frame.close();
}

const configOf = (t) => ({ codec: t.codec, codedWidth: t.codedWidth, codedHeight: t.codedHeight, description: t.description });
const chunk = (c) => new EncodedVideoChunk(c);
const tick = () => new Promise((r) => setImmediate(r));
async function until(cond, ms = 10000) {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 2));
  }
}

test('constructor: init and callbacks are required and must be functions', () => {
  assert.throws(() => new VideoDecoder(), isType);
  assert.throws(() => new VideoDecoder({}), isType);
  assert.throws(() => new VideoDecoder({ output: noop }), isType);
  assert.throws(() => new VideoDecoder({ error: noop }), isType);
  assert.throws(() => new VideoDecoder({ output: 1, error: noop }), isType);
  assert.throws(() => new VideoDecoder({ output: noop, error: 'x' }), isType);
  const d = new VideoDecoder({ output: noop, error: noop });
  assert.equal(d.state, 'unconfigured');
  assert.equal(d.decodeQueueSize, 0);
  assert.ok(d instanceof EventTarget);
  assert.equal(Object.prototype.toString.call(d), '[object VideoDecoder]');
  d.close();
});

test('configure: invalid configs throw TypeError synchronously', () => {
  const d = new VideoDecoder({ output: noop, error: noop });
  const bad = [
    undefined, null, 42, {}, { codec: '' }, { codec: '   ' },
    { codec: 'vp8', codedWidth: 320 }, { codec: 'vp8', codedHeight: 240 },
    { codec: 'vp8', codedWidth: 0, codedHeight: 240 }, { codec: 'vp8', codedWidth: 320, codedHeight: 0 },
    { codec: 'vp8', codedWidth: -1, codedHeight: 240 }, { codec: 'vp8', codedWidth: 2 ** 32, codedHeight: 240 },
    { codec: 'vp8', codedWidth: NaN, codedHeight: 240 },
    { codec: 'vp8', displayAspectWidth: 16 }, { codec: 'vp8', displayAspectWidth: 0, displayAspectHeight: 9 },
    { codec: 'vp8', hardwareAcceleration: 'gpu' }, { codec: 'vp8', description: 'bytes' },
    { codec: 'vp8', colorSpace: { primaries: 'srgb' } }, { codec: 'vp8', rotation: Infinity },
  ];
  for (const c of bad) assert.throws(() => d.configure(c), isType, JSON.stringify(c));
  const detached = new ArrayBuffer(8);
  structuredClone(detached, { transfer: [detached] });
  assert.throws(() => d.configure({ codec: 'avc1.64001f', description: detached }), isType);
  assert.equal(d.state, 'unconfigured', 'a rejected configure changes nothing');
  d.close();
});

test('configure/decode/flush/reset in the wrong state', async () => {
  const d = new VideoDecoder({ output: noop, error: noop });
  const key = chunk({ type: 'key', timestamp: 0, data: new Uint8Array(10) });
  assert.throws(() => d.decode(key), isDom('InvalidStateError'));
  await assert.rejects(d.flush(), isDom('InvalidStateError'));
  d.reset(); // allowed while unconfigured
  assert.equal(d.state, 'unconfigured');
  d.close();
  assert.equal(d.state, 'closed');
  assert.throws(() => d.configure({ codec: 'vp8' }), isDom('InvalidStateError'));
  assert.throws(() => d.decode(key), isDom('InvalidStateError'));
  await assert.rejects(d.flush(), isDom('InvalidStateError'));
  assert.throws(() => d.reset(), isDom('InvalidStateError'));
  assert.throws(() => d.close(), isDom('InvalidStateError'));
  // a TypeError from the argument still comes first
  assert.throws(() => d.configure({ codec: '' }), isType);
});

test('decode: TypeError for a non-chunk, DataError when a key chunk is required', async () => {
  const t = await loadTrack('testsrc2-320x240-vp8.ivf');
  const out = collect(configOf(t));
  const d = out.decoder;
  assert.throws(() => d.decode({ type: 'key', timestamp: 0, data: new Uint8Array(4) }), isType);
  assert.throws(() => d.decode(), isType);
  // delta chunk first
  assert.throws(() => d.decode(chunk(t.chunks[1])), isDom('DataError'));
  // a delta frame's bytes labelled "key": the data is inspected
  assert.throws(() => d.decode(chunk({ ...t.chunks[1], type: 'key' })), isDom('DataError'));
  assert.equal(d.decodeQueueSize, 0);
  d.decode(chunk(t.chunks[0]));
  d.decode(chunk(t.chunks[1]));
  await d.flush();
  assert.equal(out.frames.length, 2);
  // after flush a key chunk is required again
  assert.throws(() => d.decode(chunk(t.chunks[2])), isDom('DataError'));
  // and after configure
  d.configure(configOf(t));
  assert.throws(() => d.decode(chunk(t.chunks[2])), isDom('DataError'));
  assert.deepEqual(out.errors, []);
  closeAll(out);
  d.close();
});

test('decode: H.264 and HEVC key chunks are inspected (IDR / IRAP)', async () => {
  for (const file of ['testsrc2-320x240-h264.mp4', 'testsrc2-320x240-hevc.hevc']) {
    const t = await loadTrack(file);
    const out = collect(configOf(t));
    const delta = t.chunks.find((c) => c.type === 'delta');
    assert.throws(() => out.decoder.decode(chunk({ ...delta, type: 'key' })), isDom('DataError'), file);
    out.decoder.decode(chunk(t.chunks[0]));
    await out.decoder.flush();
    assert.equal(out.frames.length, 1, file);
    closeAll(out);
    out.decoder.close();
  }
});

test('decodeQueueSize rises at once and falls as the worker takes chunks; dequeue events are coalesced', async () => {
  const t = await loadTrack('testsrc2-320x240-h264.mp4');
  const out = collect(configOf(t));
  const d = out.decoder;
  let events = 0;
  let handlerCalls = 0;
  d.addEventListener('dequeue', (e) => {
    assert.equal(e.type, 'dequeue');
    events++;
  });
  d.ondequeue = function (e) {
    assert.equal(this, d);
    assert.equal(e.type, 'dequeue');
    handlerCalls++;
  };
  assert.equal(typeof d.ondequeue, 'function');
  for (let i = 0; i < t.chunks.length; i++) {
    d.decode(chunk(t.chunks[i]));
    assert.equal(d.decodeQueueSize, i + 1);
  }
  await d.flush();
  await tick();
  await tick();
  assert.equal(d.decodeQueueSize, 0);
  assert.ok(events >= 1 && events < t.chunks.length, `dequeue events ${events} are coalesced`);
  assert.equal(handlerCalls, events);
  assert.equal(out.frames.length, t.chunks.length);
  // no dequeue event without a change
  const before = events;
  await tick();
  await tick();
  assert.equal(events, before);
  d.ondequeue = null;
  assert.equal(d.ondequeue, null);
  closeAll(out);
  d.close();
});

test('flush() resolves after all outputs; the decoder keeps working after flush (seeking)', async () => {
  const t = await loadTrack('testsrc2-320x240-h264.mp4');
  const out = collect(configOf(t));
  const d = out.decoder;
  const first = t.chunks.slice(0, 60);
  for (const c of first) d.decode(chunk(c));
  await d.flush();
  assert.equal(out.frames.length, 60, 'every output of the chunks before flush arrived before it resolved');
  // "seek" back to the key chunk at index 30 and decode to the end
  for (const c of t.chunks.slice(30)) d.decode(chunk(c));
  await d.flush();
  assert.equal(out.frames.length, 60 + 120);
  const ts = out.frames.slice(60).map((f) => f.timestamp);
  assert.deepEqual(ts, t.chunks.slice(30).map((c) => c.timestamp).sort((a, b) => a - b));
  assert.equal(d.state, 'configured');
  closeAll(out);
  d.close();
});

test('several flushes resolve in order', async () => {
  const t = await loadTrack('testsrc2-320x240-vp9.ivf');
  const out = collect(configOf(t));
  const d = out.decoder;
  const order = [];
  d.decode(chunk(t.chunks[0]));
  const p1 = d.flush().then(() => order.push([1, out.frames.length]));
  d.decode(chunk(t.chunks[30]));
  const p2 = d.flush().then(() => order.push([2, out.frames.length]));
  // Hold the JS thread so that every event reaches it in one batch: each flush's promise reactions
  // must still run before the next output is delivered, as if each were its own task.
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 300);
  await Promise.all([p1, p2]);
  assert.deepEqual(order, [[1, 1], [2, 2]]);
  closeAll(out);
  d.close();
});

test('reset(): pending flushes reject with AbortError, queue size 0, state unconfigured, no stale output', async () => {
  const t = await loadTrack('testsrc2-1280x720-h264.mp4');
  const out = collect(configOf(t));
  const d = out.decoder;
  let dequeues = 0;
  d.ondequeue = () => dequeues++;
  for (const c of t.chunks) d.decode(chunk(c));
  const p = d.flush();
  const size = d.decodeQueueSize;
  assert.ok(size > 0);
  d.reset();
  assert.equal(d.state, 'unconfigured');
  assert.equal(d.decodeQueueSize, 0);
  await assert.rejects(p, isDom('AbortError'));
  const seen = out.frames.length;
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(out.frames.length, seen, 'no output of the old configuration after reset()');
  assert.ok(dequeues >= 1, 'reset() schedules a dequeue event when the queue size changed');
  assert.throws(() => d.decode(chunk(t.chunks[0])), isDom('InvalidStateError'));
  // configure again and decode normally
  d.configure(configOf(t));
  for (const c of t.chunks.slice(0, 30)) d.decode(chunk(c));
  await d.flush();
  assert.equal(out.frames.length, seen + 30);
  assert.deepEqual(out.errors, []);
  closeAll(out);
  d.close();
});

test('close(): pending flush rejects with AbortError, error callback not called, no output afterwards', async () => {
  const t = await loadTrack('testsrc2-1280x720-h264.mp4');
  const out = collect(configOf(t));
  const d = out.decoder;
  for (const c of t.chunks) d.decode(chunk(c));
  const p = d.flush();
  d.close();
  assert.equal(d.state, 'closed');
  assert.equal(d.decodeQueueSize, 0);
  await assert.rejects(p, isDom('AbortError'));
  const seen = out.frames.length;
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(out.frames.length, seen);
  assert.deepEqual(out.errors, []);
  closeAll(out);
});

test('unsupported configs close the decoder with NotSupportedError through the error callback', async () => {
  for (const codec of ['bogus', 'vp9', 'avc1', 'avc1.64001', 'avc1.ff001f', 'vp09.04.10.08', 'vp09.00.10.10',
    'av01.0.04M.12', 'hev1.9.6.L93.B0', 'VP8', ' vp8', 'mp4a.40.2', 'opus']) {
    const out = collect();
    out.decoder.configure({ codec });
    assert.equal(out.decoder.state, 'configured', 'configure() itself does not throw for an unsupported codec');
    const p = out.decoder.flush();
    await assert.rejects(p, isDom('NotSupportedError'), codec);
    assert.equal(out.decoder.state, 'closed', codec);
    assert.equal(out.errors.length, 1, codec);
    assert.ok(out.errors[0] instanceof DOMException);
    assert.equal(out.errors[0].name, 'NotSupportedError');
    assert.match(out.errors[0].message, /codec/);
  }
});

test('isConfigSupported: TypeError for invalid configs, answers for valid ones, a clean copy of the config', async () => {
  await assert.rejects(VideoDecoder.isConfigSupported(), isType);
  await assert.rejects(VideoDecoder.isConfigSupported({ codec: '' }), isType);
  await assert.rejects(VideoDecoder.isConfigSupported({ codec: 'vp8', codedWidth: 10 }), isType);
  const yes = ['vp8', 'vp09.00.10.08', 'vp09.02.10.10', 'vp09.01.20.08.03.01.01.01.00', 'av01.0.04M.08', 'av01.0.04M.10',
    'avc1.42001e', 'avc1.4d401f', 'avc1.64001f', 'avc3.640028', 'hvc1.1.6.L93.B0', 'hev1.2.4.L120.B0'];
  for (const codec of yes) {
    const r = await VideoDecoder.isConfigSupported({ codec });
    assert.equal(r.supported, true, codec);
  }
  for (const codec of ['vp9', 'avc1', 'hev1', 'av1', 'av01', 'h264', 'avc1.6400', 'vp09.00.10.08.01']) {
    const r = await VideoDecoder.isConfigSupported({ codec });
    assert.equal(r.supported, false, codec);
  }
  const description = new Uint8Array((await loadTrack('testsrc2-320x240-h264.mp4')).description);
  const config = {
    codec: 'avc1.64000d', codedWidth: 320, codedHeight: 240, description, displayAspectWidth: 4, displayAspectHeight: 3,
    colorSpace: { primaries: 'bt709' }, optimizeForLatency: true, unknownMember: 1,
  };
  const r = await VideoDecoder.isConfigSupported(config);
  assert.equal(r.supported, true);
  assert.equal(r.config.unknownMember, undefined);
  assert.equal(r.config.codec, 'avc1.64000d');
  assert.equal(r.config.hardwareAcceleration, 'no-preference');
  assert.equal(r.config.optimizeForLatency, true);
  assert.deepEqual(r.config.colorSpace, { primaries: 'bt709', transfer: null, matrix: null, fullRange: null });
  assert.notEqual(r.config.description, description, 'description is copied');
  assert.deepEqual(new Uint8Array(r.config.description.buffer), description);
  // garbage avcC: really opening the decoder says no
  const bad = await VideoDecoder.isConfigSupported({ codec: 'avc1.64001f', description: new Uint8Array([1, 2, 3]) });
  assert.equal(bad.supported, false);
});

test('a closed decoder rejects outputs of corrupt data with EncodingError, and a fresh one still decodes', async () => {
  const t = await loadTrack('testsrc2-320x240-vp9.ivf');
  const out = collect(configOf(t));
  const d = out.decoder;
  d.decode(chunk(t.chunks[0]));
  // a truncated, bit-flipped delta chunk
  const bad = new Uint8Array(t.chunks[1].data.subarray(0, 20));
  for (let i = 3; i < bad.length; i++) bad[i] ^= 0xa5;
  d.decode(chunk({ type: 'delta', timestamp: 1, data: bad }));
  const p = d.flush();
  const err = await p.then(() => null, (e) => e);
  if (err) {
    assert.ok(err instanceof DOMException && err.name === 'EncodingError');
    assert.equal(d.state, 'closed');
    assert.equal(out.errors.length, 1);
    assert.equal(out.errors[0].name, 'EncodingError');
    assert.match(out.errors[0].message, /avcodec_/);
  }
  closeAll(out);
  if (d.state !== 'closed') d.close();
  const { frames, error } = await decodeTrack(t);
  assert.equal(error, null);
  assert.equal(frames.length, t.chunks.length);
});

test('config members shape the output frames: displayAspect, colorSpace, rotation, flip', async () => {
  const t = await loadTrack('testsrc2-320x240-vp8.ivf');
  t.chunks = t.chunks.slice(0, 2);
  let r = await decodeTrack(t, { config: { displayAspectWidth: 16, displayAspectHeight: 9 } });
  assert.deepEqual([r.frames[0].displayWidth, r.frames[0].displayHeight], [427, 240]);
  r = await decodeTrack(t, { config: { displayAspectWidth: 1, displayAspectHeight: 1 } });
  assert.deepEqual([r.frames[0].displayWidth, r.frames[0].displayHeight], [320, 320]);
  const cs = { primaries: 'bt470bg', transfer: 'smpte170m', matrix: 'smpte170m', fullRange: true };
  r = await decodeTrack(t, { config: { colorSpace: cs } });
  assert.deepEqual(r.frames[0].colorSpace, cs);
  let seen;
  r = await decodeTrack(t, { config: { rotation: 90, flip: true }, onFrame: (f) => { seen ??= [f.rotation, f.flip]; } });
  assert.deepEqual(seen, [90, true]);
  assert.deepEqual([r.frames[0].displayWidth, r.frames[0].displayHeight], [240, 320]);
});

test('optimizeForLatency: a VP8/VP9 frame comes out for its own chunk, without a flush', async () => {
  for (const file of ['testsrc2-320x240-vp8.ivf', 'testsrc2-320x240-vp9.ivf', 'testsrc2-320x240-av1.ivf']) {
    const t = await loadTrack(file);
    const out = collect({ ...configOf(t), optimizeForLatency: true });
    out.decoder.decode(chunk(t.chunks[0]));
    await until(() => out.frames.length === 1);
    assert.equal(out.frames[0].timestamp, t.chunks[0].timestamp);
    closeAll(out);
    out.decoder.close();
  }
});

test('outputs are VideoFrames; frames outlive their decoder; stats are readable without blocking', async () => {
  const t = await loadTrack('testsrc2-320x240-h264.mp4');
  const out = collect(configOf(t));
  const d = out.decoder;
  for (const c of t.chunks.slice(0, 30)) d.decode(chunk(c));
  const s0 = d.stats;
  assert.equal(typeof s0.queueDepth, 'number');
  await d.flush();
  const s = d.stats;
  assert.equal(s.inputs, 30);
  assert.equal(s.outputs, 30);
  assert.equal(s.framesAlive, 30);
  assert.ok(s.meanMs > 0 && s.maxMs >= s.meanMs);
  d.close();
  const f = out.frames[0].frame;
  assert.ok(f instanceof VideoFrame);
  const buf = new Uint8Array(f.allocationSize());
  await f.copyTo(buf);
  assert.ok(buf.some((x) => x !== 0));
  closeAll(out);
  assert.equal(d.stats.framesAlive, 0);
});

test('reconfigure to another codec while configured', async () => {
  const a = await loadTrack('testsrc2-320x240-vp8.ivf');
  const b = await loadTrack('testsrc2-320x240-av1.ivf');
  const out = collect(configOf(a));
  for (const c of a.chunks.slice(0, 10)) out.decoder.decode(chunk(c));
  await out.decoder.flush();
  out.decoder.configure(configOf(b));
  for (const c of b.chunks.slice(0, 10)) out.decoder.decode(chunk(c));
  await out.decoder.flush();
  assert.equal(out.frames.length, 20);
  assert.deepEqual(out.errors, []);
  closeAll(out);
  out.decoder.close();
});

test('configure() again without a flush: frames of the chunks already decoded still come out', async () => {
  const t = await loadTrack('testsrc2-320x240-h264.mp4'); // B-frames: the decoder holds frames back
  const out = collect(configOf(t));
  for (const c of t.chunks.slice(0, 10)) out.decoder.decode(chunk(c));
  out.decoder.configure(configOf(t));
  for (const c of t.chunks.slice(30, 35)) out.decoder.decode(chunk(c));
  await out.decoder.flush();
  assert.equal(out.frames.length, 15);
  assert.deepEqual(out.frames.slice(0, 10).map((f) => f.timestamp), t.chunks.slice(0, 10).map((c) => c.timestamp).sort((a, b) => a - b));
  assert.deepEqual(out.errors, []);
  closeAll(out);
  out.decoder.close();
});
