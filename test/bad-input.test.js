'use strict';
// Bad input everywhere gives the spec's error, with a message that names the
// member (or the method) and the rule, and never leaves a codec or frame broken.
//
// For every dictionary of the API (VideoDecoderConfig, VideoEncoderConfig,
// EncodedVideoChunkInit, VideoFrameBufferInit, VideoFrameInit,
// VideoFrameCopyToOptions, PlaneLayout, VideoColorSpaceInit,
// VideoEncoderEncodeOptions) each member gets the wrong types (strings where
// numbers go, objects where enums/dictionaries/buffers go, Symbols, BigInts) and,
// for [EnforceRange] integers, out-of-range values (negative, 2**32 for unsigned
// long, 2**53 for long long, NaN, +-Infinity): each must be a TypeError (instanceof,
// .name) whose message matches the member's name. Then the rules the spec checks
// after conversion (sizes, layouts, rects), every wrong state of both codecs
// (InvalidStateError), DataError, NotSupportedError and EncodingError through the
// error callback, and that a rejected call changes nothing.
//
// A case the library gets wrong is kept and marked `todo` (see TODO below), so the
// suite stays green while the bug is visible.
const test = require('node:test');
const assert = require('node:assert/strict');
const { VideoDecoder, VideoEncoder, VideoFrame, EncodedVideoChunk, VideoColorSpace } = require('..');
const { loadTrack } = require('./helpers/media');
const S = require('./helpers/synth');

// ------------------------------------------------------------------ library bugs
// subtest name -> one line on what the library does wrong (the subtest is `todo`).
const TODO = {
};

// ------------------------------------------------------------------ helpers

const noop = () => {};
const SYM = Symbol('bad');
const show = (v) => {
  if (typeof v === 'symbol') return 'Symbol()';
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'string') return JSON.stringify(v);
  if (v instanceof ArrayBuffer) return 'ArrayBuffer';
  if (ArrayBuffer.isView(v)) return v.constructor.name;
  try { return JSON.stringify(v) ?? String(v); } catch { return String(v); }
};
const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
// A regex that finds `Dict.member` (or `Dict.a.b`, `Dict.layout[1].offset`) in a message.
const names = (path) => new RegExp(escape(path));

// The bad values, by IDL type.
const NOT_A_NUMBER = ['abc', {}, SYM, 10n]; // a string, an object, a Symbol, a BigInt
const UNSIGNED_LONG = [...NOT_A_NUMBER, -1, 2 ** 32, NaN, Infinity, -Infinity];
const LONG_LONG = [...NOT_A_NUMBER, 2 ** 53, -(2 ** 53), NaN, Infinity, -Infinity];
const UNSIGNED_LONG_LONG = [...NOT_A_NUMBER, -1, 2 ** 53, NaN, Infinity, -Infinity];
const DOUBLE = ['abc', {}, SYM, 10n, NaN, Infinity, -Infinity];
const ENUM = ['bogus', '', {}, 42, SYM];
const STRING = [SYM]; // anything else converts to a string
const DICT = [5, 'str', true, SYM, 10n];
const BUFFER = ['bytes', 5, {}, [1, 2, 3], null, SYM];
const SEQUENCE = [5, 'abc', {}, true, SYM];
const PLAIN_INTEGER = [SYM, 10n]; // long long / unsigned long long without [EnforceRange]

function checkError(e, ctor, name, re, label) {
  assert.ok(e instanceof ctor, `${label}: expected ${ctor.name} (${name}), got ${e && e.constructor && e.constructor.name}: ${e && e.message}`);
  assert.equal(e.name, name, `${label}: name`);
  assert.equal(typeof e.message, 'string');
  assert.ok(e.message.length > 0, `${label}: empty message`);
  assert.match(e.message, re, `${label}: the message must name the member/method`);
  return true;
}

function throwsType(fn, re, label) {
  assert.throws(fn, (e) => checkError(e, TypeError, 'TypeError', re, label), `${label}: did not throw`);
}

function throwsDom(fn, name, re, label) {
  assert.throws(fn, (e) => checkError(e, DOMException, name, re, label), `${label}: did not throw`);
}

// A promise-returning method: it must return a promise (never throw) that rejects.
async function rejects(fn, ctor, name, re, label) {
  let p;
  assert.doesNotThrow(() => { p = fn(); }, `${label}: threw instead of returning a rejected promise`);
  assert.ok(p instanceof Promise, `${label}: did not return a promise`);
  await assert.rejects(p, (e) => checkError(e, ctor, name, re, label), `${label}: did not reject`);
}
const rejectsType = (fn, re, label) => rejects(fn, TypeError, 'TypeError', re, label);

// {...base} with `path` ("a" or "a.b" or "layout[1].offset") set to v.
function withMember(base, path, v) {
  const out = structuredClone(base);
  const keys = path.replace(/\[(\d+)\]/g, '.$1').split('.');
  let o = out;
  for (const k of keys.slice(0, -1)) {
    if (o[k] === undefined || o[k] === null || typeof o[k] !== 'object') o[k] = {};
    o = o[k];
  }
  o[keys[keys.length - 1]] = v;
  return out;
}
function without(base, key) {
  const out = { ...base };
  delete out[key];
  return out;
}

// One subtest per member: every bad value of the member through `check(path, value, label, re)`.
// A value with its own TODO entry ("Dict.member = value") runs in a subtest of its own.
async function members(t, dict, rows, check) {
  for (const [path, values, re = names(`${dict}.${path}`)] of rows) {
    const name = `${dict}.${path}`;
    const own = values.filter((v) => TODO[`${name} = ${show(v)}`]);
    await t.test(name, { todo: TODO[name] }, async () => {
      for (const v of values) if (!own.includes(v)) await check(path, v, `${name} = ${show(v)}`, re);
    });
    for (const v of own) {
      const label = `${name} = ${show(v)}`;
      await t.test(label, { todo: TODO[label] }, () => check(path, v, label, re));
    }
  }
}

const I420_16 = () => new Uint8Array(16 * 16 * 3 / 2);
const FRAME_BASE = { format: 'I420', codedWidth: 16, codedHeight: 16, timestamp: 0 };
const LAYOUT_16 = [{ offset: 0, stride: 16 }, { offset: 256, stride: 8 }, { offset: 320, stride: 8 }];
const frame16 = () => new VideoFrame(I420_16(), FRAME_BASE);
const chunkOf = (c) => new EncodedVideoChunk(c);
const configOf = (t) => ({ codec: t.codec, codedWidth: t.codedWidth, codedHeight: t.codedHeight, description: t.description });

// ------------------------------------------------------------------ VideoDecoderConfig

const DECODER_BASE = { codec: 'vp8', codedWidth: 320, codedHeight: 240 };
const DECODER_ROWS = [
  ['codec', STRING],
  ['description', BUFFER],
  ['codedWidth', UNSIGNED_LONG],
  ['codedHeight', UNSIGNED_LONG],
  ['displayAspectWidth', UNSIGNED_LONG],
  ['displayAspectHeight', UNSIGNED_LONG],
  ['colorSpace', DICT],
  ['colorSpace.primaries', ENUM],
  ['colorSpace.transfer', ENUM],
  ['colorSpace.matrix', ENUM],
  ['hardwareAcceleration', ENUM],
  ['rotation', DOUBLE],
];

test('VideoDecoderConfig: wrong types and out-of-range values -> TypeError naming the member (configure and isConfigSupported)', async (t) => {
  const d = new VideoDecoder({ output: noop, error: noop });
  const base = { ...DECODER_BASE, displayAspectWidth: 4, displayAspectHeight: 3 };
  await members(t, 'VideoDecoderConfig', DECODER_ROWS, async (path, v, label, re) => {
    const config = withMember(base, path, v);
    throwsType(() => d.configure(config), re, `configure: ${label}`);
    assert.equal(d.state, 'unconfigured', `${label}: state after the TypeError`);
    await rejectsType(() => VideoDecoder.isConfigSupported(config), re, `isConfigSupported: ${label}`);
  });
  await t.test('VideoDecoderConfig itself and its required codec', async () => {
    for (const v of DICT) {
      throwsType(() => d.configure(v), /VideoDecoderConfig/, `configure(${show(v)})`);
      await rejectsType(() => VideoDecoder.isConfigSupported(v), /VideoDecoderConfig/, `isConfigSupported(${show(v)})`);
    }
    throwsType(() => d.configure(without(DECODER_BASE, 'codec')), /VideoDecoderConfig\.codec.*required/, 'codec missing');
    throwsType(() => d.configure({ codec: '  ' }), /VideoDecoderConfig\.codec/, 'codec blank');
    throwsType(() => d.configure(), /configure/, 'no argument');
  });
  await t.test('VideoDecoderConfig rules: sizes in pairs and non-zero', () => {
    throwsType(() => d.configure({ codec: 'vp8', codedWidth: 320 }), /codedHeight/, 'codedWidth without codedHeight');
    throwsType(() => d.configure({ codec: 'vp8', codedWidth: 0, codedHeight: 240 }), /codedWidth/, 'codedWidth 0');
    throwsType(() => d.configure({ codec: 'vp8', displayAspectWidth: 16 }), /displayAspectHeight/, 'displayAspectWidth alone');
    throwsType(() => d.configure({ codec: 'vp8', displayAspectWidth: 16, displayAspectHeight: 0 }), /displayAspectHeight/, 'aspect 0');
  });
  const name = 'VideoDecoderConfig.description: a detached buffer';
  await t.test(name, { todo: TODO[name] }, async () => {
    const detached = new ArrayBuffer(8);
    structuredClone(detached, { transfer: [detached] });
    const config = { codec: 'avc1.42001e', description: detached };
    throwsType(() => d.configure(config), /VideoDecoderConfig\.description.*detached/, 'configure');
    await rejectsType(() => VideoDecoder.isConfigSupported(config), /VideoDecoderConfig\.description.*detached/, 'isConfigSupported');
  });
  assert.equal(d.state, 'unconfigured');
  d.close();
});

// ------------------------------------------------------------------ VideoEncoderConfig

const ENCODER_BASE = { codec: 'vp8', width: 320, height: 240 };
const ENCODER_ROWS = [
  ['codec', STRING],
  ['width', UNSIGNED_LONG],
  ['height', UNSIGNED_LONG],
  ['displayWidth', UNSIGNED_LONG],
  ['displayHeight', UNSIGNED_LONG],
  ['bitrate', UNSIGNED_LONG_LONG],
  ['framerate', DOUBLE],
  ['hardwareAcceleration', ENUM],
  ['alpha', ENUM],
  ['scalabilityMode', STRING],
  ['bitrateMode', ENUM],
  ['latencyMode', ENUM],
  ['contentHint', STRING],
  ['avc', DICT],
  ['avc.format', ENUM],
  ['hevc', DICT],
  ['hevc.format', ENUM],
];

test('VideoEncoderConfig: wrong types and out-of-range values -> TypeError naming the member (configure and isConfigSupported)', async (t) => {
  const e = new VideoEncoder({ output: noop, error: noop });
  const base = { ...ENCODER_BASE, displayWidth: 320, displayHeight: 240 };
  await members(t, 'VideoEncoderConfig', ENCODER_ROWS, async (path, v, label, re) => {
    const codec = path.startsWith('avc') ? 'avc1.42001f' : path.startsWith('hevc') ? 'hvc1.1.6.L93.B0' : base.codec;
    const config = withMember({ ...base, codec }, path, v);
    throwsType(() => e.configure(config), re, `configure: ${label}`);
    assert.equal(e.state, 'unconfigured', `${label}: state after the TypeError`);
    await rejectsType(() => VideoEncoder.isConfigSupported(config), re, `isConfigSupported: ${label}`);
  });
  await t.test('VideoEncoderConfig itself and its required members', async () => {
    for (const v of DICT) {
      throwsType(() => e.configure(v), /VideoEncoderConfig/, `configure(${show(v)})`);
      await rejectsType(() => VideoEncoder.isConfigSupported(v), /VideoEncoderConfig/, `isConfigSupported(${show(v)})`);
    }
    for (const k of ['codec', 'width', 'height']) {
      throwsType(() => e.configure(without(ENCODER_BASE, k)), new RegExp(`VideoEncoderConfig\\.${k}.*required`), `${k} missing`);
    }
    throwsType(() => e.configure({ ...ENCODER_BASE, codec: '' }), /VideoEncoderConfig\.codec/, 'codec empty');
    throwsType(() => e.configure(), /configure/, 'no argument');
  });
  await t.test('VideoEncoderConfig rules: non-zero sizes, non-zero bitrate', () => {
    throwsType(() => e.configure({ ...ENCODER_BASE, width: 0 }), /width/, 'width 0');
    throwsType(() => e.configure({ ...ENCODER_BASE, height: 0 }), /height/, 'height 0');
    throwsType(() => e.configure({ ...ENCODER_BASE, displayWidth: 0, displayHeight: 240 }), /displayWidth/, 'displayWidth 0');
    throwsType(() => e.configure({ ...ENCODER_BASE, bitrate: 0 }), /bitrate/, 'bitrate 0');
    // framerate 0 or below is valid but unsupported (NotSupportedError): test/config-validity.test.js
  });
  assert.equal(e.state, 'unconfigured');
  e.close();
});

// ------------------------------------------------------------------ EncodedVideoChunkInit

const CHUNK_BASE = { type: 'key', timestamp: 0, duration: 10, data: new Uint8Array(4) };

test('EncodedVideoChunkInit: wrong types and out-of-range values -> TypeError naming the member', async (t) => {
  await members(t, 'EncodedVideoChunkInit', [
    ['type', ENUM],
    ['timestamp', LONG_LONG],
    ['duration', UNSIGNED_LONG_LONG],
    ['data', BUFFER],
    ['transfer', [...SEQUENCE, [5], [new Uint8Array(4)], [{}]]],
  ], (path, v, label, re) => {
    const init = { ...CHUNK_BASE, data: new Uint8Array(4), [path]: v };
    throwsType(() => new EncodedVideoChunk(init), re, label);
  });
  await t.test('EncodedVideoChunkInit itself and its required members', () => {
    for (const v of DICT) throwsType(() => new EncodedVideoChunk(v), /EncodedVideoChunkInit/, `new EncodedVideoChunk(${show(v)})`);
    throwsType(() => new EncodedVideoChunk(), /EncodedVideoChunk/, 'no argument');
    for (const k of ['type', 'timestamp', 'data']) {
      throwsType(() => new EncodedVideoChunk(without(CHUNK_BASE, k)), new RegExp(`EncodedVideoChunkInit\\.${k}.*required`), `${k} missing`);
    }
  });
  await t.test('a rejected EncodedVideoChunkInit detaches nothing', () => {
    const ab = new ArrayBuffer(8);
    throwsType(() => new EncodedVideoChunk({ type: 'bogus', timestamp: 0, data: ab, transfer: [ab] }), /EncodedVideoChunkInit\.type/, 'bad type');
    throwsType(() => new EncodedVideoChunk({ type: 'key', timestamp: NaN, data: ab, transfer: [ab] }), /EncodedVideoChunkInit\.timestamp/, 'NaN timestamp');
    assert.equal(ab.byteLength, 8, 'the transfer buffer is still attached');
  });
});

test('EncodedVideoChunk.copyTo: a too-small or non-buffer destination -> TypeError naming the destination', () => {
  const c = new EncodedVideoChunk({ type: 'key', timestamp: 0, data: new Uint8Array(10) });
  throwsType(() => c.copyTo(new Uint8Array(9)), /copyTo.*destination/, 'destination 9 bytes for 10');
  throwsType(() => c.copyTo(new ArrayBuffer(0)), /copyTo.*destination/, 'destination 0 bytes');
  for (const v of BUFFER) throwsType(() => c.copyTo(v), /copyTo destination/, `copyTo(${show(v)})`);
  throwsType(() => c.copyTo(), /copyTo/, 'no argument');
  const ok = new Uint8Array(10);
  c.copyTo(ok); // the chunk is still fine
});

// ------------------------------------------------------------------ VideoFrameBufferInit

test('VideoFrameBufferInit: wrong types and out-of-range values -> TypeError naming the member', async (t) => {
  const base = { ...FRAME_BASE, duration: 10, displayWidth: 16, displayHeight: 16, layout: LAYOUT_16, visibleRect: { x: 0, y: 0, width: 16, height: 16 } };
  await members(t, 'VideoFrameBufferInit', [
    ['format', ENUM],
    ['codedWidth', UNSIGNED_LONG],
    ['codedHeight', UNSIGNED_LONG],
    ['timestamp', LONG_LONG],
    ['duration', UNSIGNED_LONG_LONG],
    ['layout', [...SEQUENCE, [5, 5, 5]]],
    ['layout[1].offset', UNSIGNED_LONG],
    ['layout[1].stride', UNSIGNED_LONG],
    ['visibleRect', DICT],
    ['visibleRect.x', DOUBLE],
    ['visibleRect.y', DOUBLE],
    ['visibleRect.width', DOUBLE],
    ['visibleRect.height', DOUBLE],
    ['rotation', DOUBLE],
    ['displayWidth', UNSIGNED_LONG],
    ['displayHeight', UNSIGNED_LONG],
    ['colorSpace', DICT],
    ['colorSpace.primaries', ENUM],
    ['colorSpace.transfer', ENUM],
    ['colorSpace.matrix', ENUM],
    ['transfer', [...SEQUENCE, [5], [new Uint8Array(4)]]],
    ['metadata', DICT],
  ], (path, v, label, re) => {
    throwsType(() => new VideoFrame(I420_16(), withMember(base, path, v)), re, label);
  });
  await t.test('VideoFrameBufferInit itself and its required members', () => {
    for (const v of DICT) throwsType(() => new VideoFrame(I420_16(), v), /VideoFrameBufferInit/, `new VideoFrame(data, ${show(v)})`);
    throwsType(() => new VideoFrame(I420_16()), /VideoFrameBufferInit/, 'no init');
    for (const k of ['format', 'codedWidth', 'codedHeight', 'timestamp']) {
      throwsType(() => new VideoFrame(I420_16(), without(FRAME_BASE, k)), new RegExp(`VideoFrameBufferInit\\.${k}.*required`), `${k} missing`);
    }
    throwsType(() => new VideoFrame(I420_16(), { ...FRAME_BASE, layout: [{ stride: 16 }, LAYOUT_16[1], LAYOUT_16[2]] }), /layout\[0\]\.offset.*required/, 'offset missing');
    throwsType(() => new VideoFrame(I420_16(), { ...FRAME_BASE, layout: [LAYOUT_16[0], { offset: 256 }, LAYOUT_16[2]] }), /layout\[1\]\.stride.*required/, 'stride missing');
  });
  await t.test('VideoFrameBufferInit rules: coded size, display size pairs', () => {
    throwsType(() => new VideoFrame(I420_16(), { ...FRAME_BASE, codedWidth: 0 }), /codedWidth/, 'codedWidth 0');
    throwsType(() => new VideoFrame(I420_16(), { ...FRAME_BASE, codedHeight: 0 }), /codedHeight/, 'codedHeight 0');
    throwsType(() => new VideoFrame(I420_16(), { ...FRAME_BASE, displayWidth: 16 }), /displayHeight/, 'displayWidth alone');
    throwsType(() => new VideoFrame(I420_16(), { ...FRAME_BASE, displayWidth: 0, displayHeight: 16 }), /displayWidth/, 'displayWidth 0');
  });
});

test('VideoFrame data too small -> TypeError naming data and the sizes', () => {
  throwsType(() => new VideoFrame(new Uint8Array(383), FRAME_BASE), /data.*383.*384/, '383 bytes for I420 16x16');
  throwsType(() => new VideoFrame(new Uint8Array(0), FRAME_BASE), /data/, 'empty');
  throwsType(() => new VideoFrame(new Uint8Array(1000), { ...FRAME_BASE, layout: [LAYOUT_16[0], LAYOUT_16[1], { offset: 1000, stride: 8 }] }),
    /data/, 'the layout puts plane 2 beyond the data');
  throwsType(() => new VideoFrame(new Uint8Array(16 * 16 * 3), { ...FRAME_BASE, format: 'RGBA' }), /data/, 'RGBA with 3 bytes a pixel');
  for (const v of [5, 'abc', {}, null]) throwsType(() => new VideoFrame(v, FRAME_BASE), /VideoFrame/, `new VideoFrame(${show(v)}, init)`);
});

// ------------------------------------------------------------------ layouts

const BAD_LAYOUTS = [
  ['overlapping planes (0 and 1)', [LAYOUT_16[0], { offset: 0, stride: 8 }, LAYOUT_16[2]], /layout.*overlap/],
  ['overlapping planes (1 and 2)', [LAYOUT_16[0], LAYOUT_16[1], { offset: 300, stride: 8 }], /layout.*overlap/],
  ['2 plane layouts for I420', [LAYOUT_16[0], LAYOUT_16[1]], /layout.*3 planes.*2/],
  ['4 plane layouts for I420', [...LAYOUT_16, LAYOUT_16[2]], /layout.*3 planes.*4/],
  ['no plane layouts', [], /layout.*3 planes.*0/],
  ['stride below the row size (Y)', [{ offset: 0, stride: 15 }, LAYOUT_16[1], LAYOUT_16[2]], /layout\[0\]\.stride/],
  ['stride below the row size (U)', [LAYOUT_16[0], { offset: 256, stride: 7 }, LAYOUT_16[2]], /layout\[1\]\.stride/],
  ['stride 0', [LAYOUT_16[0], LAYOUT_16[1], { offset: 320, stride: 0 }], /layout\[2\]\.stride/],
];

test('bad plane layouts -> TypeError naming the layout and the rule (constructor, allocationSize, copyTo)', async (t) => {
  const f = frame16();
  for (const [what, layout, re] of BAD_LAYOUTS) {
    const name = `layout: ${what}`;
    await t.test(name, { todo: TODO[name] }, async () => {
      throwsType(() => new VideoFrame(new Uint8Array(4096), { ...FRAME_BASE, layout }), re, `new VideoFrame: ${what}`);
      throwsType(() => f.allocationSize({ layout }), re, `allocationSize: ${what}`);
      await rejectsType(() => f.copyTo(new Uint8Array(4096), { layout }), re, `copyTo: ${what}`);
    });
  }
  await t.test('layout: RGBA conversion with 3 plane layouts, or a stride below 4 x width', async () => {
    await rejectsType(() => f.copyTo(new Uint8Array(4096), { format: 'RGBA', layout: LAYOUT_16 }), /layout.*1 plane/, 'RGBA 3 planes');
    await rejectsType(() => f.copyTo(new Uint8Array(4096), { format: 'RGBA', layout: [{ offset: 0, stride: 63 }] }), /layout\[0\]\.stride/, 'RGBA stride 63');
  });
  // still a working frame
  assert.equal(f.allocationSize(), 384);
  await f.copyTo(new Uint8Array(384));
  f.close();
});

// ------------------------------------------------------------------ rects

const BAD_RECTS = [
  ['out of bounds (x + width)', { x: 8, y: 0, width: 16, height: 16 }, /x \+ width|codedWidth/],
  ['out of bounds (y + height)', { x: 0, y: 2, width: 16, height: 16 }, /y \+ height|codedHeight/],
  ['misaligned x (odd, I420)', { x: 1, y: 0, width: 8, height: 8 }, /multiple|align/],
  ['misaligned y (odd, I420)', { x: 0, y: 1, width: 8, height: 8 }, /multiple|align/],
  ['zero width', { x: 0, y: 0, width: 0, height: 16 }, /width/],
  ['zero height', { x: 0, y: 0, width: 16, height: 0 }, /height/],
  ['negative x', { x: -2, y: 0, width: 8, height: 8 }, /\.x\b/],
  ['negative width', { x: 0, y: 0, width: -8, height: 8 }, /\.width\b/],
  ['NaN y', { x: 0, y: NaN, width: 8, height: 8 }, /\.y\b/],
  ['Infinity height', { x: 0, y: 0, width: 8, height: Infinity }, /\.height\b/],
];

test('bad rects -> TypeError naming the rect member and the rule', async (t) => {
  const f = frame16();
  for (const [what, rect, rule] of BAD_RECTS) {
    let name = `VideoFrameBufferInit.visibleRect: ${what}`;
    await t.test(name, { todo: TODO[name] }, () => {
      throwsType(() => new VideoFrame(I420_16(), { ...FRAME_BASE, visibleRect: rect }), /visibleRect/, name);
      throwsType(() => new VideoFrame(I420_16(), { ...FRAME_BASE, visibleRect: rect }), rule, `${name} (rule)`);
    });
    name = `VideoFrameInit.visibleRect: ${what}`;
    await t.test(name, { todo: TODO[name] }, () => {
      throwsType(() => new VideoFrame(f, { visibleRect: rect }), /visibleRect/, name);
      throwsType(() => new VideoFrame(f, { visibleRect: rect }), rule, `${name} (rule)`);
    });
    name = `VideoFrameCopyToOptions.rect: ${what}`;
    await t.test(name, { todo: TODO[name] }, async () => {
      throwsType(() => f.allocationSize({ rect }), /\brect\b/, `allocationSize: ${name}`);
      throwsType(() => f.allocationSize({ rect }), rule, `allocationSize: ${name} (rule)`);
      await rejectsType(() => f.copyTo(new Uint8Array(4096), { rect }), /\brect\b/, `copyTo: ${name}`);
    });
  }
  await f.copyTo(new Uint8Array(384)); // the frame is still fine
  f.close();
});

// ------------------------------------------------------------------ VideoFrameInit

test('VideoFrameInit: wrong types and out-of-range values -> TypeError naming the member', async (t) => {
  const src = frame16();
  await members(t, 'VideoFrameInit', [
    ['duration', PLAIN_INTEGER],
    ['timestamp', PLAIN_INTEGER],
    ['alpha', ENUM],
    ['visibleRect', DICT],
    ['visibleRect.x', DOUBLE],
    ['visibleRect.width', DOUBLE],
    ['rotation', DOUBLE],
    ['displayWidth', UNSIGNED_LONG],
    ['displayHeight', UNSIGNED_LONG],
    ['metadata', DICT],
  ], (path, v, label, re) => {
    const init = { displayWidth: 16, displayHeight: 16 };
    if (path.startsWith('visibleRect.')) init.visibleRect = { x: 0, y: 0, width: 16, height: 16, [path.split('.')[1]]: v };
    else init[path] = v;
    throwsType(() => new VideoFrame(src, init), re, label);
  });
  await t.test('VideoFrameInit itself', () => {
    for (const v of DICT) throwsType(() => new VideoFrame(src, v), /VideoFrameInit/, `new VideoFrame(frame, ${show(v)})`);
  });
  // timestamp and duration of VideoFrameInit are plain `long long` / `unsigned long long`
  // (no [EnforceRange], unlike VideoFrameBufferInit): NaN and Infinity convert to 0.
  const name = 'VideoFrameInit.timestamp/duration without [EnforceRange]: NaN and Infinity convert, no TypeError';
  await t.test(name, { todo: TODO[name] }, () => {
    const a = new VideoFrame(src, { timestamp: NaN, duration: Infinity });
    assert.equal(a.timestamp, 0);
    assert.equal(a.duration, 0);
    a.close();
  });
  assert.equal(src.timestamp, 0); // the source is unchanged and open
  await src.copyTo(new Uint8Array(384));
  src.close();
});

// ------------------------------------------------------------------ VideoFrameCopyToOptions / PlaneLayout

test('VideoFrameCopyToOptions and PlaneLayout: wrong types -> TypeError naming the member (copyTo rejects, allocationSize throws)', async (t) => {
  const f = frame16();
  await members(t, 'VideoFrameCopyToOptions', [
    ['rect', DICT],
    ['rect.x', DOUBLE],
    ['rect.y', DOUBLE],
    ['rect.width', DOUBLE],
    ['rect.height', DOUBLE],
    ['layout', [...SEQUENCE, [5, 5, 5]]],
    ['layout[0].offset', UNSIGNED_LONG],
    ['layout[0].stride', UNSIGNED_LONG],
    ['layout[2].offset', UNSIGNED_LONG],
    ['layout[2].stride', UNSIGNED_LONG],
    ['format', ENUM],
    ['colorSpace', ENUM],
  ], async (path, v, label, re) => {
    const opts = withMember({ rect: { x: 0, y: 0, width: 16, height: 16 }, layout: LAYOUT_16 }, path, v);
    throwsType(() => f.allocationSize(opts), re, `allocationSize: ${label}`);
    await rejectsType(() => f.copyTo(new Uint8Array(4096), opts), re, `copyTo: ${label}`);
  });
  await t.test('VideoFrameCopyToOptions itself; PlaneLayout required members', async () => {
    for (const v of DICT) {
      throwsType(() => f.allocationSize(v), /VideoFrameCopyToOptions/, `allocationSize(${show(v)})`);
      await rejectsType(() => f.copyTo(new Uint8Array(4096), v), /VideoFrameCopyToOptions/, `copyTo(dst, ${show(v)})`);
    }
    await rejectsType(() => f.copyTo(new Uint8Array(4096), { layout: [{ stride: 16 }, LAYOUT_16[1], LAYOUT_16[2]] }),
      /layout\[0\]\.offset.*required/, 'offset missing');
    await rejectsType(() => f.copyTo(new Uint8Array(4096), { layout: [LAYOUT_16[0], LAYOUT_16[1], { offset: 320 }] }),
      /layout\[2\]\.stride.*required/, 'stride missing');
  });
  await t.test('copyTo destination: too small or not a buffer -> rejected TypeError naming the destination', async () => {
    await rejectsType(() => f.copyTo(new Uint8Array(383)), /destination.*383.*384/, '383 bytes for 384');
    await rejectsType(() => f.copyTo(new ArrayBuffer(0)), /destination/, 'empty ArrayBuffer');
    await rejectsType(() => f.copyTo(new Uint8Array(100), { format: 'RGBA' }), /destination.*1024/, 'RGBA needs 1024');
    await rejectsType(() => f.copyTo(new Uint8Array(100), { rect: { x: 0, y: 0, width: 16, height: 8 } }), /destination.*192/, 'a half-height rect needs 192');
    for (const v of BUFFER) await rejectsType(() => f.copyTo(v), /copyTo destination/, `copyTo(${show(v)})`);
    await rejectsType(() => f.copyTo(), /copyTo/, 'no argument');
  });
  const got = await f.copyTo(new Uint8Array(384)); // the frame is still fine
  assert.equal(got.length, 3);
  f.close();
});

// ------------------------------------------------------------------ VideoColorSpaceInit

test('VideoColorSpaceInit: wrong types -> TypeError naming the member', async (t) => {
  await members(t, 'VideoColorSpaceInit', [
    ['primaries', ENUM],
    ['transfer', ENUM],
    ['matrix', ENUM],
  ], (path, v, label, re) => {
    throwsType(() => new VideoColorSpace({ [path]: v }), re, label);
  });
  await t.test('VideoColorSpaceInit itself', () => {
    for (const v of DICT) throwsType(() => new VideoColorSpace(v), /VideoColorSpaceInit/, `new VideoColorSpace(${show(v)})`);
  });
  // fullRange is a boolean?: anything converts
  assert.equal(new VideoColorSpace({ fullRange: SYM }).fullRange, true);
  assert.equal(new VideoColorSpace({ primaries: null }).primaries, null);
});

// ------------------------------------------------------------------ VideoEncoderEncodeOptions

test('VideoEncoderEncodeOptions: wrong types -> TypeError naming the member; the encoder is unaffected', async (t) => {
  const chunks = [];
  const errors = [];
  const e = new VideoEncoder({ output(c) { chunks.push(c); }, error(err) { errors.push(err); } });
  e.configure({ codec: 'avc1.42000c', width: 160, height: 120, bitrateMode: 'quantizer', latencyMode: 'realtime' });
  const frame = S.makeFrame(0, 160, 120);
  await members(t, 'VideoEncoderEncodeOptions', [
    ['vp9', DICT],
    ['av1', DICT],
    ['avc', DICT],
    ['hevc', DICT],
    ['vp9.quantizer', [SYM, 10n]],
    ['av1.quantizer', [SYM, 10n]],
    ['avc.quantizer', [SYM, 10n]],
    ['hevc.quantizer', [SYM, 10n]],
  ], (path, v, label, re) => {
    const opts = path.includes('.') ? { [path.split('.')[0]]: { quantizer: v } } : { [path]: v };
    throwsType(() => e.encode(frame, opts), re, label);
    assert.equal(e.encodeQueueSize, 0, `${label}: nothing was queued`);
    assert.equal(e.state, 'configured');
  });
  await t.test('VideoEncoderEncodeOptions itself; encode() arguments', () => {
    for (const v of DICT) throwsType(() => e.encode(frame, v), /VideoEncoderEncodeOptions/, `encode(frame, ${show(v)})`);
    throwsType(() => e.encode(), /encode/, 'no argument');
    for (const v of [5, {}, 'frame', null, new Uint8Array(10)]) throwsType(() => e.encode(v), /encode/, `encode(${show(v)})`);
    const closed = S.makeFrame(1, 160, 120);
    closed.close();
    throwsType(() => e.encode(closed), /encode.*closed/, 'encode(closed frame)');
  });
  assert.equal(e.encodeQueueSize, 0);
  e.encode(frame, { keyFrame: true, avc: { quantizer: 30 } });
  frame.close();
  await e.flush();
  assert.equal(chunks.length, 1, 'a valid encode() after all the TypeErrors works');
  assert.deepEqual(errors, []);
  e.close();
});

// ------------------------------------------------------------------ wrong states

function assertClosedDecoder(d, chunk, label) {
  assert.equal(d.state, 'closed', label);
  throwsDom(() => d.configure(DECODER_BASE), 'InvalidStateError', /configure/, `${label}: configure`);
  throwsDom(() => d.decode(chunk), 'InvalidStateError', /decode/, `${label}: decode`);
  throwsDom(() => d.reset(), 'InvalidStateError', /reset/, `${label}: reset`);
  throwsDom(() => d.close(), 'InvalidStateError', /close/, `${label}: close`);
  return rejects(() => d.flush(), DOMException, 'InvalidStateError', /flush/, `${label}: flush`);
}

function assertClosedEncoder(e, frame, label) {
  assert.equal(e.state, 'closed', label);
  throwsDom(() => e.configure(ENCODER_BASE), 'InvalidStateError', /configure/, `${label}: configure`);
  throwsDom(() => e.encode(frame), 'InvalidStateError', /encode/, `${label}: encode`);
  throwsDom(() => e.reset(), 'InvalidStateError', /reset/, `${label}: reset`);
  throwsDom(() => e.close(), 'InvalidStateError', /close/, `${label}: close`);
  return rejects(() => e.flush(), DOMException, 'InvalidStateError', /flush/, `${label}: flush`);
}

test('VideoDecoder in every wrong state -> InvalidStateError naming the method', async (t) => {
  const track = await loadTrack('testsrc2-320x240-vp8.ivf');
  const key = chunkOf(track.chunks[0]);
  await t.test('unconfigured: decode, flush', async () => {
    const d = new VideoDecoder({ output: noop, error: noop });
    throwsDom(() => d.decode(key), 'InvalidStateError', /decode/, 'decode');
    await rejects(() => d.flush(), DOMException, 'InvalidStateError', /flush/, 'flush');
    assert.equal(d.state, 'unconfigured');
    assert.equal(d.decodeQueueSize, 0);
    d.close();
  });
  await t.test('unconfigured again after reset(): decode, flush', async () => {
    const d = new VideoDecoder({ output(f) { f.close(); }, error: noop });
    d.configure(configOf(track));
    d.decode(key);
    d.reset();
    throwsDom(() => d.decode(key), 'InvalidStateError', /decode/, 'decode');
    await rejects(() => d.flush(), DOMException, 'InvalidStateError', /flush/, 'flush');
    d.close();
  });
  await t.test('closed by close(): configure, decode, flush, reset, close', async () => {
    const d = new VideoDecoder({ output: noop, error: noop });
    d.close();
    await assertClosedDecoder(d, key, 'closed');
  });
  await t.test('closed by an error (NotSupportedError): configure, decode, flush, reset, close', async () => {
    const errors = [];
    const d = new VideoDecoder({ output: noop, error(e) { errors.push(e); } });
    d.configure({ codec: 'bogus' });
    await d.flush().catch(() => {});
    assert.equal(errors.length, 1);
    await assertClosedDecoder(d, key, 'error-closed');
  });
});

test('VideoEncoder in every wrong state -> InvalidStateError naming the method', async (t) => {
  const frame = S.makeFrame(0, 160, 120);
  await t.test('unconfigured: encode, flush', async () => {
    const e = new VideoEncoder({ output: noop, error: noop });
    throwsDom(() => e.encode(frame), 'InvalidStateError', /encode/, 'encode');
    await rejects(() => e.flush(), DOMException, 'InvalidStateError', /flush/, 'flush');
    assert.equal(e.state, 'unconfigured');
    assert.equal(e.encodeQueueSize, 0);
    e.close();
  });
  await t.test('unconfigured again after reset(): encode, flush', async () => {
    const e = new VideoEncoder({ output: noop, error: noop });
    e.configure({ codec: 'vp8', width: 160, height: 120 });
    e.encode(frame);
    e.reset();
    throwsDom(() => e.encode(frame), 'InvalidStateError', /encode/, 'encode');
    await rejects(() => e.flush(), DOMException, 'InvalidStateError', /flush/, 'flush');
    e.close();
  });
  await t.test('closed by close(): configure, encode, flush, reset, close', async () => {
    const e = new VideoEncoder({ output: noop, error: noop });
    e.close();
    await assertClosedEncoder(e, frame, 'closed');
  });
  await t.test('closed by an error (NotSupportedError): configure, encode, flush, reset, close', async () => {
    const errors = [];
    const e = new VideoEncoder({ output: noop, error(err) { errors.push(err); } });
    e.configure({ codec: 'bogus', width: 160, height: 120 });
    await e.flush().catch(() => {});
    assert.equal(errors.length, 1);
    await assertClosedEncoder(e, frame, 'error-closed');
  });
  frame.close();
});

test('closed VideoFrame -> InvalidStateError naming the method (copyTo rejects); encode(closed frame) is a TypeError', async () => {
  const f = frame16();
  f.close();
  throwsDom(() => f.clone(), 'InvalidStateError', /clone/, 'clone');
  throwsDom(() => f.allocationSize(), 'InvalidStateError', /allocationSize/, 'allocationSize');
  throwsDom(() => f.metadata(), 'InvalidStateError', /metadata/, 'metadata');
  throwsDom(() => new VideoFrame(f), 'InvalidStateError', /VideoFrame/, 'new VideoFrame(closed)');
  await rejects(() => f.copyTo(new Uint8Array(384)), DOMException, 'InvalidStateError', /copyTo/, 'copyTo');
  f.close(); // closing twice is fine
});

// ------------------------------------------------------------------ DataError

test('decode() of a delta chunk first -> DataError naming decode and the key chunk (after configure, flush; every codec)', async (t) => {
  for (const file of ['testsrc2-320x240-h264.mp4', 'testsrc2-320x240-hevc.hevc', 'testsrc2-320x240-vp8.ivf', 'testsrc2-320x240-vp9.ivf', 'testsrc2-320x240-av1.ivf']) {
    await t.test(file, async () => {
      const track = await loadTrack(file);
      let frames = 0;
      const errors = [];
      const d = new VideoDecoder({ output(f) { frames++; f.close(); }, error(e) { errors.push(e); } });
      d.configure(configOf(track));
      const delta = track.chunks.find((c) => c.type === 'delta');
      throwsDom(() => d.decode(chunkOf(delta)), 'DataError', /decode.*key/, 'delta after configure');
      // the bytes of a delta frame labelled "key": inspected
      throwsDom(() => d.decode(chunkOf({ ...delta, type: 'key' })), 'DataError', /decode.*key/, 'delta bytes labelled key');
      assert.equal(d.state, 'configured');
      assert.equal(d.decodeQueueSize, 0);
      d.decode(chunkOf(track.chunks[0]));
      await d.flush();
      throwsDom(() => d.decode(chunkOf(delta)), 'DataError', /decode.*key/, 'delta after flush');
      assert.equal(frames, 1);
      assert.deepEqual(errors, []);
      d.close();
    });
  }
});

// ------------------------------------------------------------------ NotSupportedError

test('unsupported codec strings -> NotSupportedError through the error callback; isConfigSupported says false', async (t) => {
  // unknown, ambiguous (no profile/level), malformed (profile 0xff, tier "Q", AV1 profile 9, VP9 profile 4), not video
  for (const codec of ['bogus', 'vp9', 'avc1', 'avc1.ff001f', 'hvc1.1.6.Q93.B0', 'av01.9.04M.08', 'vp09.04.10.08', 'mp4a.40.2']) {
    await t.test(`VideoDecoder ${JSON.stringify(codec)}`, async () => {
      const errors = [];
      const d = new VideoDecoder({ output: noop, error(e) { errors.push(e); } });
      d.configure({ codec });
      assert.equal(d.state, 'configured', 'configure() does not throw');
      const flushError = await d.flush().then(() => null, (e) => e);
      assert.equal(errors.length, 1, 'error callback called once');
      checkError(errors[0], DOMException, 'NotSupportedError', /codec/, `error callback for ${codec}`);
      assert.equal(flushError, errors[0], 'the pending flush rejects with the same exception');
      assert.equal(d.state, 'closed');
      const r = await VideoDecoder.isConfigSupported({ codec });
      assert.equal(r.supported, false);
      assert.equal(r.config.codec, codec);
    });
  }
  for (const [what, config] of [
    ['bogus codec', { codec: 'bogus', width: 160, height: 120 }],
    ['ambiguous "vp9"', { codec: 'vp9', width: 160, height: 120 }],
    ['malformed "avc1.ff001f"', { codec: 'avc1.ff001f', width: 160, height: 120 }],
    ['unknown scalabilityMode', { codec: 'vp8', width: 160, height: 120, scalabilityMode: 'L9T9' }],
  ]) {
    await t.test(`VideoEncoder ${what}`, { todo: TODO[`VideoEncoder ${what}`] }, async () => {
      const r = await VideoEncoder.isConfigSupported(config);
      assert.equal(r.supported, false, 'isConfigSupported');
      const errors = [];
      const e = new VideoEncoder({ output: noop, error(err) { errors.push(err); } });
      e.configure(config);
      assert.equal(e.state, 'configured', 'configure() does not throw');
      const flushError = await e.flush().then(() => null, (err) => err);
      assert.equal(errors.length, 1, 'error callback called once');
      checkError(errors[0], DOMException, 'NotSupportedError', /codec|scalabilityMode|width|height|size/, `error callback: ${what}`);
      assert.equal(flushError, errors[0], 'the pending flush rejects with the same exception');
      assert.equal(e.state, 'closed');
    });
  }
});

// [EnforceRange] unsigned long takes every integer up to 2**32 - 1: a size the codec cannot
// handle is an unsupported config (NotSupportedError through the error callback; isConfigSupported
// resolves false), never a TypeError, and configure() never throws after changing the state.
test('unsigned long sizes from 2**31 to 2**32 - 1 are valid IDL values: NotSupportedError, not a TypeError', async (t) => {
  const cases = [
    ['VideoDecoder codedWidth 2**32 - 1', VideoDecoder, { codec: 'vp8', codedWidth: 2 ** 32 - 1, codedHeight: 240 }],
    ['VideoDecoder codedHeight 2**31', VideoDecoder, { codec: 'vp8', codedWidth: 320, codedHeight: 2 ** 31 }],
    ['VideoEncoder width 2**32 - 1', VideoEncoder, { codec: 'vp8', width: 2 ** 32 - 1, height: 240 }],
    ['VideoEncoder displayWidth 2**31', VideoEncoder, { codec: 'vp8', width: 320, height: 240, displayWidth: 2 ** 31, displayHeight: 240 }],
  ];
  for (const [what, Codec, config] of cases) {
    await t.test(what, { todo: TODO[what] }, async () => {
      const errors = [];
      const c = new Codec({ output: noop, error(e) { errors.push(e); } });
      let thrown = null;
      try {
        c.configure(config);
      } catch (e) {
        thrown = e;
      }
      // whatever happens, a configure() that throws must leave the state alone
      if (thrown) assert.equal(c.state, 'unconfigured', `configure() threw (${thrown.message}) but changed the state`);
      assert.equal(thrown, null, 'configure() throws for a valid WebIDL value');
      await c.flush().catch(() => {});
      assert.equal(errors.length, 1, 'error callback');
      checkError(errors[0], DOMException, 'NotSupportedError', /codec|width|height|size|open/i, what);
      assert.equal(c.state, 'closed');
      const r = await Codec.isConfigSupported(config).then((x) => x, (e) => e);
      assert.ok(!(r instanceof Error), `isConfigSupported rejected: ${r.message}`);
      assert.equal(r.supported, false);
    });
  }
});

// ------------------------------------------------------------------ EncodingError

test('corrupt data -> EncodingError through the error callback (truncated AV1 and VP9 key chunks); a fresh decoder still works', async (t) => {
  const cases = [
    ['testsrc2-320x240-av1.ivf', 0.5], // half an AV1 key temporal unit
    ['testsrc2-320x240-av1.ivf', 0.1],
    ['testsrc2-320x240-vp9.ivf', 0.1], // the first tenth of a VP9 key frame
  ];
  for (const [file, fraction] of cases) {
    await t.test(`${file}: first ${fraction * 100}% of the key chunk`, async () => {
      const track = await loadTrack(file);
      const key = track.chunks[0].data;
      const data = key.slice(0, Math.floor(key.length * fraction));
      const errors = [];
      let frames = 0;
      const d = new VideoDecoder({ output(f) { frames++; f.close(); }, error(e) { errors.push(e); } });
      d.configure(configOf(track));
      d.decode(new EncodedVideoChunk({ type: 'key', timestamp: 0, data })); // accepted: the decoder judges it
      const flushError = await d.flush().then(() => null, (e) => e);
      assert.equal(errors.length, 1, `error callback called once (frames: ${frames})`);
      checkError(errors[0], DOMException, 'EncodingError', /avcodec_|decod/, 'error callback');
      assert.equal(flushError, errors[0], 'the pending flush rejects with the same exception');
      assert.equal(frames, 0);
      assert.equal(d.state, 'closed');
      await assertClosedDecoder(d, chunkOf(track.chunks[0]), 'after EncodingError');
      // a fresh decoder decodes the real clip's first 5 chunks
      let good = 0;
      const d2 = new VideoDecoder({ output(f) { good++; f.close(); }, error: noop });
      d2.configure(configOf(track));
      for (const c of track.chunks.slice(0, 5)) d2.decode(chunkOf(c));
      await d2.flush();
      assert.equal(good, 5);
      d2.close();
    });
  }
});

// ------------------------------------------------------------------ nothing is left broken

test('a TypeError from configure() changes nothing: an unconfigured decoder configures, a configured one keeps decoding', async () => {
  const track = await loadTrack('testsrc2-320x240-vp8.ivf');
  const ts = [];
  const errors = [];
  const d = new VideoDecoder({ output(f) { ts.push(f.timestamp); f.close(); }, error(e) { errors.push(e); } });
  throwsType(() => d.configure({ ...configOf(track), codedWidth: -1 }), /codedWidth/, 'unconfigured + bad config');
  assert.equal(d.state, 'unconfigured');
  d.configure(configOf(track));
  d.decode(chunkOf(track.chunks[0]));
  // mid-stream: a bad configure() neither resets the decoder nor asks for a key chunk again
  throwsType(() => d.configure({ ...configOf(track), rotation: NaN }), /rotation/, 'configured + bad config');
  throwsType(() => d.configure({ ...configOf(track), colorSpace: { matrix: 'nope' } }), /colorSpace\.matrix/, 'configured + bad colorSpace');
  throwsType(() => d.decode({ type: 'delta', timestamp: 0, data: new Uint8Array(4) }), /decode/, 'decode(non-chunk)');
  assert.equal(d.state, 'configured');
  d.decode(chunkOf(track.chunks[1])); // a delta chunk: no DataError
  await d.flush();
  assert.deepEqual(ts, [track.chunks[0].timestamp, track.chunks[1].timestamp]);
  // and a valid configure() afterwards works
  d.configure(configOf(track));
  for (const c of track.chunks.slice(0, 3)) d.decode(chunkOf(c));
  await d.flush();
  assert.equal(ts.length, 5);
  assert.deepEqual(errors, []);
  d.close();
});

test('a TypeError from configure()/encode() changes nothing: the encoder keeps encoding, then reconfigures', async () => {
  const chunks = [];
  const errors = [];
  const e = new VideoEncoder({ output(c) { chunks.push(c); }, error(err) { errors.push(err); } });
  throwsType(() => e.configure({ ...ENCODER_BASE, width: 2 ** 32 }), /width/, 'unconfigured + bad config');
  assert.equal(e.state, 'unconfigured');
  e.configure({ codec: 'vp8', width: 160, height: 120, latencyMode: 'realtime' });
  const f0 = S.makeFrame(0, 160, 120);
  e.encode(f0, { keyFrame: true });
  throwsType(() => e.configure({ codec: 'vp8', width: 160, height: 120, bitrate: -1 }), /bitrate/, 'configured + bad config');
  throwsType(() => e.encode(f0, { vp9: 5 }), /vp9/, 'bad options');
  assert.equal(e.state, 'configured');
  assert.ok(e.encodeQueueSize <= 1);
  const f1 = S.makeFrame(1, 160, 120);
  e.encode(f1);
  await e.flush();
  assert.deepEqual(chunks.map((c) => c.timestamp), [f0.timestamp, f1.timestamp]);
  e.configure({ codec: 'avc1.42000c', width: 160, height: 120, latencyMode: 'realtime' });
  e.encode(f0, { keyFrame: true });
  await e.flush();
  assert.equal(chunks.length, 3);
  assert.equal(chunks[2].type, 'key');
  assert.deepEqual(errors, []);
  f0.close();
  f1.close();
  e.close();
});

test('a rejected VideoFrame constructor detaches nothing; a rejected copyTo leaves the frame open', async () => {
  const data = I420_16();
  throwsType(() => new VideoFrame(data, { ...FRAME_BASE, codedWidth: -1, transfer: [data.buffer] }), /codedWidth/, 'bad codedWidth');
  throwsType(() => new VideoFrame(data, { ...FRAME_BASE, visibleRect: { x: 20, y: 0, width: 4, height: 4 }, transfer: [data.buffer] }), /visibleRect/, 'bad rect');
  assert.equal(data.byteLength, 384, 'data is still attached');
  const f = new VideoFrame(data, FRAME_BASE);
  await assert.rejects(f.copyTo(new Uint8Array(10)), TypeError);
  await assert.rejects(f.copyTo(new Uint8Array(4096), { rect: { x: 1, y: 0, width: 2, height: 2 } }), TypeError);
  assert.equal(f.format, 'I420');
  assert.deepEqual(await f.copyTo(new Uint8Array(384)), LAYOUT_16);
  f.close();
});
