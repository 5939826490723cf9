'use strict';
// VideoFrame (WebCodecs "VideoFrame Interface"): construction from buffers for
// every VideoPixelFormat, layouts, rectangles, copyTo/allocationSize, transfer,
// clone/close, construction from another frame, orientation, RGB conversion,
// metadata. Expected bytes and PlaneLayouts are computed here from the spec's
// algorithms ("Compute Layout and Allocation Size", with the corrected
// sourceLeftBytes/sourceWidthBytes rule), never read back from the library.
const test = require('node:test');
const assert = require('node:assert/strict');
const wc = require('..');

const { VideoFrame, VideoColorSpace, DOMRectReadOnly } = wc;

// ------------------------------------------------------------------ format table
// Per plane: [sampleBytes, horizontal sub-sampling factor, vertical sub-sampling factor].
// Written out from the "Pixel Format" section (high bit depth: 16-bit little-endian samples).
const Y8 = [1, 1, 1];
const Y16 = [2, 1, 1];
const FORMATS = {
  I420: { bits: 8, planes: [Y8, [1, 2, 2], [1, 2, 2]] },
  I420P10: { bits: 10, planes: [Y16, [2, 2, 2], [2, 2, 2]] },
  I420P12: { bits: 12, planes: [Y16, [2, 2, 2], [2, 2, 2]] },
  I420A: { bits: 8, planes: [Y8, [1, 2, 2], [1, 2, 2], Y8] },
  I420AP10: { bits: 10, planes: [Y16, [2, 2, 2], [2, 2, 2], Y16] },
  I420AP12: { bits: 12, planes: [Y16, [2, 2, 2], [2, 2, 2], Y16] },
  I422: { bits: 8, planes: [Y8, [1, 2, 1], [1, 2, 1]] },
  I422P10: { bits: 10, planes: [Y16, [2, 2, 1], [2, 2, 1]] },
  I422P12: { bits: 12, planes: [Y16, [2, 2, 1], [2, 2, 1]] },
  I422A: { bits: 8, planes: [Y8, [1, 2, 1], [1, 2, 1], Y8] },
  I422AP10: { bits: 10, planes: [Y16, [2, 2, 1], [2, 2, 1], Y16] },
  I422AP12: { bits: 12, planes: [Y16, [2, 2, 1], [2, 2, 1], Y16] },
  I444: { bits: 8, planes: [Y8, Y8, Y8] },
  I444P10: { bits: 10, planes: [Y16, Y16, Y16] },
  I444P12: { bits: 12, planes: [Y16, Y16, Y16] },
  I444A: { bits: 8, planes: [Y8, Y8, Y8, Y8] },
  I444AP10: { bits: 10, planes: [Y16, Y16, Y16, Y16] },
  I444AP12: { bits: 12, planes: [Y16, Y16, Y16, Y16] },
  NV12: { bits: 8, planes: [Y8, [2, 2, 2]] }, // UV plane: one 2-byte U,V element per 2x2 pixels
  RGBA: { bits: 8, planes: [[4, 1, 1]] },
  RGBX: { bits: 8, planes: [[4, 1, 1]] },
  BGRA: { bits: 8, planes: [[4, 1, 1]] },
  BGRX: { bits: 8, planes: [[4, 1, 1]] },
};
const ALL_FORMATS = Object.keys(FORMATS);
const RGB_FORMATS = new Set(['RGBA', 'RGBX', 'BGRA', 'BGRX']);

const SRGB = { primaries: 'bt709', transfer: 'iec61966-2-1', matrix: 'rgb', fullRange: true };
const REC709 = { primaries: 'bt709', transfer: 'bt709', matrix: 'bt709', fullRange: false };

// Geometry of one plane for a rect (x, y, width, height), per "Compute Layout and
// Allocation Size" with the corrected rule:
//   sourceTop = ceil(y / sampleHeight), sourceHeight = ceil(height / sampleHeight),
//   sourceLeftBytes = floor(x / sampleWidth) * sampleBytes,
//   sourceWidthBytes = ceil(width / sampleWidth) * sampleBytes.
function planeGeom([sampleBytes, sw, sh], rect) {
  return {
    top: Math.ceil(rect.y / sh),
    rows: Math.ceil(rect.height / sh),
    leftBytes: Math.floor(rect.x / sw) * sampleBytes,
    widthBytes: Math.ceil(rect.width / sw) * sampleBytes,
  };
}

// Tightly packed PlaneLayouts and allocation size for a rect.
function tightLayout(format, rect) {
  const layouts = [];
  let offset = 0;
  for (const p of FORMATS[format].planes) {
    const g = planeGeom(p, rect);
    layouts.push({ offset, stride: g.widthBytes });
    offset += g.widthBytes * g.rows;
  }
  return { layouts, size: offset };
}

// Full planes (coded size) with a distinct deterministic pattern per plane.
// 16-bit formats hold in-range sample values (< 2^bits), little-endian.
function makePlanes(format, width, height, seed = 0) {
  const { bits, planes } = FORMATS[format];
  return planes.map((p, pi) => {
    const g = planeGeom(p, { x: 0, y: 0, width, height });
    const bytes = new Uint8Array(g.widthBytes * g.rows);
    for (let r = 0; r < g.rows; r++) {
      if (bits === 8) {
        for (let c = 0; c < g.widthBytes; c++) bytes[r * g.widthBytes + c] = (seed + pi * 53 + r * 17 + c * 5 + 1) & 0xff;
      } else {
        for (let s = 0; s < g.widthBytes / 2; s++) {
          const v = (seed + pi * 331 + r * 97 + s * 13 + 1) % (1 << bits);
          bytes[r * g.widthBytes + 2 * s] = v & 0xff;
          bytes[r * g.widthBytes + 2 * s + 1] = v >> 8;
        }
      }
    }
    return { bytes, stride: g.widthBytes, rows: g.rows };
  });
}

function concat(arrays) {
  const total = arrays.reduce((n, a) => n + a.byteLength, 0);
  const out = new Uint8Array(total);
  let o = 0;
  for (const a of arrays) { out.set(a, o); o += a.byteLength; }
  return out;
}

// The tightly packed bytes of `rect` cut out of full planes.
function cutRect(format, planes, rect) {
  const parts = [];
  FORMATS[format].planes.forEach((p, pi) => {
    const g = planeGeom(p, rect);
    const src = planes[pi];
    const out = new Uint8Array(g.widthBytes * g.rows);
    for (let r = 0; r < g.rows; r++) {
      const start = (g.top + r) * src.stride + g.leftBytes;
      out.set(src.bytes.subarray(start, start + g.widthBytes), r * g.widthBytes);
    }
    parts.push(out);
  });
  return concat(parts);
}

function makeFrame(format, width, height, extra = {}, seed = 0) {
  const planes = makePlanes(format, width, height, seed);
  const data = concat(planes.map((p) => p.bytes));
  const frame = new VideoFrame(data, { format, codedWidth: width, codedHeight: height, timestamp: 0, ...extra });
  return { frame, planes, data };
}

function rectOf(r) {
  return { x: r.x, y: r.y, width: r.width, height: r.height };
}

// ------------------------------------------------------------------ error helpers
function checkError(e, ctor, name) {
  assert.ok(e instanceof ctor, `expected ${ctor.name} ${name}, got ${e && e.constructor && e.constructor.name} ${e && e.name}: ${e && e.message}`);
  assert.equal(e.name, name);
  return true;
}
const throwsType = (fn, msg) => assert.throws(fn, (e) => checkError(e, TypeError, 'TypeError'), msg);
const throwsDOM = (fn, name, msg) => assert.throws(fn, (e) => checkError(e, DOMException, name), msg);

// A promise-returning method must not throw synchronously; the promise must reject.
async function rejectsWith(fn, ctor, name) {
  let p;
  try {
    p = fn();
  } catch (e) {
    assert.fail(`threw synchronously instead of returning a rejected promise: ${e && e.name}: ${e && e.message}`);
  }
  assert.ok(p instanceof Promise, 'returns a Promise');
  await assert.rejects(p, (e) => checkError(e, ctor, name));
}

function i420Init(extra = {}) {
  return { format: 'I420', codedWidth: 8, codedHeight: 6, timestamp: 0, ...extra };
}
const I420_8x6_SIZE = 8 * 6 + 2 * 4 * 3; // 72

// ================================================================== 1. every format
for (const format of ALL_FORMATS) {
  for (const [w, h] of [[6, 4], [7, 5]]) {
    test(`${format} ${w}x${h}: buffer constructor, attributes, allocationSize and copyTo round-trip`, async () => {
      const planes = makePlanes(format, w, h, 3);
      const data = concat(planes.map((p) => p.bytes));
      const full = { x: 0, y: 0, width: w, height: h };
      const want = tightLayout(format, full);
      assert.equal(data.byteLength, want.size, 'test data is tightly packed');

      const frame = new VideoFrame(data, { format, codedWidth: w, codedHeight: h, timestamp: -7, duration: 33 });
      assert.equal(frame.format, format);
      assert.equal(frame.codedWidth, w);
      assert.equal(frame.codedHeight, h);
      assert.ok(frame.codedRect instanceof DOMRectReadOnly);
      assert.deepEqual(rectOf(frame.codedRect), full);
      assert.ok(frame.visibleRect instanceof DOMRectReadOnly);
      assert.deepEqual(rectOf(frame.visibleRect), full);
      assert.equal(frame.displayWidth, w);
      assert.equal(frame.displayHeight, h);
      assert.equal(frame.timestamp, -7);
      assert.equal(frame.duration, 33);
      assert.equal(frame.rotation, 0);
      assert.equal(frame.flip, false);
      assert.ok(frame.colorSpace instanceof VideoColorSpace);
      assert.deepEqual(frame.colorSpace.toJSON(), RGB_FORMATS.has(format) ? SRGB : REC709);

      assert.equal(frame.allocationSize(), want.size);
      const dst = new Uint8Array(want.size + 5).fill(0xee);
      const layouts = await frame.copyTo(dst);
      assert.deepEqual(layouts, want.layouts);
      assert.deepEqual(dst.subarray(0, want.size), data);
      assert.ok(dst.subarray(want.size).every((b) => b === 0xee), 'nothing written past allocationSize');
      frame.close();
    });
  }
}

test('every VideoPixelFormat with an explicit colorSpace keeps it, null members included', () => {
  for (const format of ALL_FORMATS) {
    const { frame } = makeFrame(format, 6, 4, { colorSpace: { primaries: 'bt470bg', matrix: 'smpte170m' } });
    assert.deepEqual(frame.colorSpace.toJSON(), { primaries: 'bt470bg', transfer: null, matrix: 'smpte170m', fullRange: null }, format);
    frame.close();
  }
  const { frame } = makeFrame('RGBA', 2, 2, { colorSpace: { primaries: 'smpte432', transfer: 'pq', matrix: 'rgb', fullRange: false } });
  assert.deepEqual(frame.colorSpace.toJSON(), { primaries: 'smpte432', transfer: 'pq', matrix: 'rgb', fullRange: false });
  const { frame: empty } = makeFrame('I420', 2, 2, { colorSpace: {} });
  assert.deepEqual(empty.colorSpace.toJSON(), { primaries: null, transfer: null, matrix: null, fullRange: null });
});

test('colorSpace with an invalid enum value is a TypeError', () => {
  throwsType(() => new VideoFrame(new Uint8Array(I420_8x6_SIZE), i420Init({ colorSpace: { matrix: 'bt601' } })));
  throwsType(() => new VideoFrame(new Uint8Array(I420_8x6_SIZE), i420Init({ colorSpace: { primaries: 'BT709' } })));
});

test('data can be any AllowSharedBufferSource; a view is read from its byteOffset', async () => {
  const planes = makePlanes('I420', 8, 6, 9);
  const data = concat(planes.map((p) => p.bytes));
  const backing = new ArrayBuffer(data.byteLength + 16);
  new Uint8Array(backing, 6, data.byteLength).set(data);
  const sab = new SharedArrayBuffer(data.byteLength);
  new Uint8Array(sab).set(data);
  const sources = {
    ArrayBuffer: data.slice().buffer,
    'Uint8Array with offset': new Uint8Array(backing, 6, data.byteLength),
    DataView: new DataView(backing, 6, data.byteLength),
    Uint16Array: new Uint16Array(data.slice().buffer),
    SharedArrayBuffer: sab,
  };
  for (const [kind, source] of Object.entries(sources)) {
    const frame = new VideoFrame(source, i420Init());
    const dst = new Uint8Array(I420_8x6_SIZE);
    await frame.copyTo(dst);
    assert.deepEqual(dst, data, kind);
    frame.close();
  }
});

test('the buffer constructor copies data: later changes to the source do not show', async () => {
  const data = concat(makePlanes('I420', 8, 6, 1).map((p) => p.bytes));
  const keep = data.slice();
  const frame = new VideoFrame(data, i420Init());
  data.fill(0);
  const dst = new Uint8Array(I420_8x6_SIZE);
  await frame.copyTo(dst);
  assert.deepEqual(dst, keep);
});

test('a larger buffer than needed is accepted; only the computed size is read', async () => {
  const data = concat(makePlanes('I420', 8, 6, 2).map((p) => p.bytes));
  const big = new Uint8Array(data.byteLength + 100).fill(0x77);
  big.set(data);
  const frame = new VideoFrame(big, i420Init());
  assert.equal(frame.allocationSize(), I420_8x6_SIZE);
  const dst = new Uint8Array(I420_8x6_SIZE);
  await frame.copyTo(dst);
  assert.deepEqual(dst, data);
});

test('timestamp and duration are [EnforceRange]: truncated, and duration is null when absent', () => {
  const f1 = new VideoFrame(new Uint8Array(I420_8x6_SIZE), i420Init({ timestamp: 12.9, duration: 0 }));
  assert.equal(f1.timestamp, 12);
  assert.equal(f1.duration, 0);
  const f2 = new VideoFrame(new Uint8Array(I420_8x6_SIZE), i420Init({ timestamp: -(2 ** 53) + 1 }));
  assert.equal(f2.timestamp, -(2 ** 53) + 1);
  assert.equal(f2.duration, null);
  throwsType(() => new VideoFrame(new Uint8Array(I420_8x6_SIZE), i420Init({ timestamp: NaN })));
  throwsType(() => new VideoFrame(new Uint8Array(I420_8x6_SIZE), i420Init({ timestamp: 2 ** 53 })));
  throwsType(() => new VideoFrame(new Uint8Array(I420_8x6_SIZE), i420Init({ duration: -1 })));
  throwsType(() => new VideoFrame(new Uint8Array(I420_8x6_SIZE), i420Init({ duration: Infinity })));
});

test('displayWidth/displayHeight given in the init are used as the display size', () => {
  const f = new VideoFrame(new Uint8Array(I420_8x6_SIZE), i420Init({ displayWidth: 16, displayHeight: 9 }));
  assert.equal(f.displayWidth, 16);
  assert.equal(f.displayHeight, 9);
  assert.equal(f.codedWidth, 8);
  assert.deepEqual(rectOf(f.visibleRect), { x: 0, y: 0, width: 8, height: 6 });
});

// ================================================================== 2. layouts and rects
test('constructor with an explicit layout: padded strides, planes in reverse order', async () => {
  const planes = makePlanes('I420', 8, 6, 11); // Y 8x6, U 4x3, V 4x3
  // V at 0 (stride 5), U after it (stride 7), Y last (stride 12); padding bytes 0xee.
  const layout = [{ offset: 40, stride: 12 }, { offset: 15, stride: 7 }, { offset: 0, stride: 5 }];
  const size = 40 + 12 * 6; // 112: max planeEnd
  const buf = new Uint8Array(size).fill(0xee);
  planes.forEach((p, i) => {
    for (let r = 0; r < p.rows; r++) buf.set(p.bytes.subarray(r * p.stride, (r + 1) * p.stride), layout[i].offset + r * layout[i].stride);
  });
  const frame = new VideoFrame(buf, i420Init({ layout }));
  assert.equal(frame.allocationSize(), I420_8x6_SIZE);
  const dst = new Uint8Array(I420_8x6_SIZE);
  const out = await frame.copyTo(dst);
  assert.deepEqual(out, tightLayout('I420', { x: 0, y: 0, width: 8, height: 6 }).layouts);
  assert.deepEqual(dst, concat(planes.map((p) => p.bytes)));

  // The allocation size includes the padding of each plane's last row: one byte less is a TypeError.
  throwsType(() => new VideoFrame(buf.subarray(0, size - 1), i420Init({ layout })));
});

test('constructor with an explicit NV12 layout', async () => {
  const planes = makePlanes('NV12', 6, 4, 5); // Y 6x4, UV 6 bytes x 2 rows
  const layout = [{ offset: 0, stride: 8 }, { offset: 32, stride: 10 }];
  const buf = new Uint8Array(32 + 20).fill(0xaa);
  planes.forEach((p, i) => {
    for (let r = 0; r < p.rows; r++) buf.set(p.bytes.subarray(r * p.stride, (r + 1) * p.stride), layout[i].offset + r * layout[i].stride);
  });
  const frame = new VideoFrame(buf, { format: 'NV12', codedWidth: 6, codedHeight: 4, timestamp: 0, layout });
  const dst = new Uint8Array(frame.allocationSize());
  assert.equal(dst.byteLength, 24 + 6 * 2);
  assert.deepEqual(await frame.copyTo(dst), [{ offset: 0, stride: 6 }, { offset: 24, stride: 6 }]);
  assert.deepEqual(dst, concat(planes.map((p) => p.bytes)));
});

test('copyTo with an explicit destination layout writes rows at the given offsets and strides only', async () => {
  const { frame, planes } = makeFrame('I420', 8, 6, {}, 21);
  const layout = [{ offset: 10, stride: 9 }, { offset: 70, stride: 5 }, { offset: 90, stride: 6 }];
  const size = 90 + 6 * 3; // 108
  assert.equal(frame.allocationSize({ layout }), size);
  const dst = new Uint8Array(size + 3).fill(0xab);
  const out = await frame.copyTo(dst, { layout });
  assert.deepEqual(out, layout);
  const expect = new Uint8Array(size + 3).fill(0xab);
  planes.forEach((p, i) => {
    for (let r = 0; r < p.rows; r++) expect.set(p.bytes.subarray(r * p.stride, (r + 1) * p.stride), layout[i].offset + r * layout[i].stride);
  });
  assert.deepEqual(dst, expect);
});

test('copyTo with a reordered destination layout (V, U, Y)', async () => {
  const { frame, planes } = makeFrame('I420', 8, 6, {}, 4);
  const layout = [{ offset: 24, stride: 8 }, { offset: 12, stride: 4 }, { offset: 0, stride: 4 }];
  assert.equal(frame.allocationSize({ layout }), 72);
  const dst = new Uint8Array(72);
  assert.deepEqual(await frame.copyTo(dst, { layout }), layout);
  assert.deepEqual(dst, concat([planes[2].bytes, planes[1].bytes, planes[0].bytes]));
});

for (const [format, rect] of [
  ['I420', { x: 2, y: 2, width: 4, height: 4 }],
  ['I420', { x: 2, y: 0, width: 3, height: 3 }], // odd size: chroma rounds up
  ['I420', { x: 6, y: 4, width: 2, height: 2 }],
  ['I420P10', { x: 4, y: 2, width: 3, height: 3 }],
  ['I420A', { x: 2, y: 2, width: 5, height: 3 }],
  ['I422', { x: 2, y: 1, width: 3, height: 3 }], // odd y is aligned for 4:2:2
  ['I422P12', { x: 4, y: 3, width: 4, height: 2 }],
  ['I444', { x: 3, y: 1, width: 3, height: 4 }], // any offset for 4:4:4
  ['I444AP10', { x: 1, y: 5, width: 7, height: 1 }],
  ['NV12', { x: 2, y: 2, width: 3, height: 3 }],
  ['RGBA', { x: 1, y: 3, width: 5, height: 2 }],
  ['BGRX', { x: 7, y: 0, width: 1, height: 6 }],
]) {
  test(`copyTo with rect ${JSON.stringify(rect)} on an 8x6 ${format} frame`, async () => {
    const { frame, planes } = makeFrame(format, 8, 6, {}, 8);
    const want = tightLayout(format, rect);
    assert.equal(frame.allocationSize({ rect }), want.size);
    const dst = new Uint8Array(want.size);
    assert.deepEqual(await frame.copyTo(dst, { rect }), want.layouts);
    assert.deepEqual(dst, cutRect(format, planes, rect));
  });
}

test('copyTo rect members are truncated; codedRect is a valid rect', async () => {
  const { frame, planes } = makeFrame('I420', 8, 6, {}, 30);
  const dst = new Uint8Array(64);
  const out = await frame.copyTo(dst, { rect: { x: 2.7, y: 0.2, width: 4.9, height: 2.5 } });
  const r = { x: 2, y: 0, width: 4, height: 2 };
  assert.deepEqual(out, tightLayout('I420', r).layouts);
  assert.deepEqual(dst.subarray(0, tightLayout('I420', r).size), cutRect('I420', planes, r));
  assert.equal(frame.allocationSize({ rect: frame.codedRect }), I420_8x6_SIZE);
});

test('copyTo with a rect and a layout together', async () => {
  const { frame, planes } = makeFrame('I420', 8, 6, {}, 12);
  const rect = { x: 4, y: 2, width: 4, height: 4 };
  const layout = [{ offset: 0, stride: 6 }, { offset: 24, stride: 3 }, { offset: 30, stride: 2 }];
  assert.equal(frame.allocationSize({ rect, layout }), 34);
  const dst = new Uint8Array(34).fill(0xcd);
  assert.deepEqual(await frame.copyTo(dst, { rect, layout }), layout);
  const tight = cutRect('I420', planes, rect); // Y 4x4, U 2x2, V 2x2
  const expect = new Uint8Array(34).fill(0xcd);
  for (let r = 0; r < 4; r++) expect.set(tight.subarray(r * 4, r * 4 + 4), r * 6);
  for (let r = 0; r < 2; r++) expect.set(tight.subarray(16 + r * 2, 18 + r * 2), 24 + r * 3);
  for (let r = 0; r < 2; r++) expect.set(tight.subarray(20 + r * 2, 22 + r * 2), 30 + r * 2);
  assert.deepEqual(dst, expect);
});

test('copyTo/allocationSize option errors: misaligned rect, out-of-bounds rect, bad layouts', async () => {
  const { frame } = makeFrame('I420', 8, 6);
  const dst = new Uint8Array(1000);
  const bad = [
    { rect: { x: 1, y: 0, width: 2, height: 2 } }, // odd x for I420
    { rect: { x: 0, y: 1, width: 2, height: 2 } }, // odd y for I420
    { rect: { x: 0, y: 0, width: 0, height: 2 } }, // zero width
    { rect: { x: 0, y: 0, width: 2, height: 0 } }, // zero height
    { rect: { x: 4, y: 0, width: 6, height: 2 } }, // x + width > codedWidth
    { rect: { x: 0, y: 2, width: 2, height: 6 } }, // y + height > codedHeight
    { rect: { x: -2, y: 0, width: 2, height: 2 } },
    { rect: { x: 0, y: 0, width: NaN, height: 2 } },
    { layout: [{ offset: 0, stride: 8 }, { offset: 48, stride: 4 }] }, // 2 layouts for 3 planes
    { layout: [{ offset: 0, stride: 7 }, { offset: 48, stride: 4 }, { offset: 60, stride: 4 }] }, // Y stride < 8
    { layout: [{ offset: 0, stride: 8 }, { offset: 48, stride: 3 }, { offset: 60, stride: 4 }] }, // U stride < 4
    { layout: [{ offset: 0, stride: 8 }, { offset: 40, stride: 4 }, { offset: 60, stride: 4 }] }, // U overlaps Y
    { layout: [{ offset: 0, stride: 8 }, { offset: 48, stride: 4 }, { offset: 50, stride: 4 }] }, // V overlaps U
    { layout: [{ offset: 0, stride: 8 }, { offset: 48, stride: 4 }, { offset: 0xfffffffc, stride: 4 }] }, // end 0xfffffffc + 12 > 2^32-1
    { layout: [{ stride: 8 }, { offset: 48, stride: 4 }, { offset: 60, stride: 4 }] }, // offset missing
    { layout: [{ offset: -1, stride: 8 }, { offset: 48, stride: 4 }, { offset: 60, stride: 4 }] },
    { layout: 5 },
  ];
  for (const options of bad) {
    throwsType(() => frame.allocationSize(options), `allocationSize(${JSON.stringify(options)})`);
    await rejectsWith(() => frame.copyTo(dst, options), TypeError, 'TypeError');
  }
  // The same rect offsets are fine for 4:4:4.
  const { frame: f444 } = makeFrame('I444', 8, 6);
  assert.equal(f444.allocationSize({ rect: { x: 1, y: 1, width: 2, height: 2 } }), 12);
});

// ================================================================== 3. visibleRect in the constructor
// "new VideoFrame(data, {visibleRect})": data is laid out for the coded size (the size check too: w3c/webcodecs
// issue 702, and what Chrome, Firefox and Safari do), and the frame keeps only the visible rectangle, as Chrome
// does: codedWidth/codedHeight become the rect's size and visibleRect starts at (0, 0) (the spec allows it).
const CROP_CASES = [
  ['I420', 8, 6, { x: 2, y: 2, width: 4, height: 2 }],
  ['I420', 7, 5, { x: 2, y: 2, width: 5, height: 3 }], // odd sizes: chroma rows/columns rounded up
  ['I420P10', 8, 6, { x: 4, y: 0, width: 3, height: 5 }],
  ['I420A', 8, 6, { x: 0, y: 4, width: 8, height: 2 }],
  ['I422', 8, 6, { x: 2, y: 1, width: 6, height: 4 }],
  ['I444AP12', 5, 4, { x: 1, y: 1, width: 3, height: 2 }],
  ['NV12', 8, 6, { x: 2, y: 2, width: 4, height: 4 }], // interleaved chroma: 2 bytes per sample
  ['RGBA', 6, 4, { x: 1, y: 1, width: 4, height: 2 }],
  ['BGRX', 6, 4, { x: 5, y: 3, width: 1, height: 1 }],
];

for (const [format, w, h, rect] of CROP_CASES) {
  test(`constructor visibleRect ${JSON.stringify(rect)} on a ${format} ${w}x${h} buffer: the frame is just the rect`, async () => {
    const planes = makePlanes(format, w, h, 3);
    const data = concat(planes.map((p) => p.bytes));
    const want = cutRect(format, planes, rect);
    const frame = new VideoFrame(data, { format, codedWidth: w, codedHeight: h, timestamp: 5, visibleRect: rect });
    const own = { x: 0, y: 0, width: rect.width, height: rect.height };
    assert.deepEqual([frame.codedWidth, frame.codedHeight], [rect.width, rect.height]);
    assert.deepEqual(rectOf(frame.codedRect), own);
    assert.deepEqual(rectOf(frame.visibleRect), own);
    assert.deepEqual([frame.displayWidth, frame.displayHeight], [rect.width, rect.height]);
    assert.equal(frame.allocationSize(), want.byteLength);
    const dst = new Uint8Array(want.byteLength);
    assert.deepEqual(await frame.copyTo(dst), tightLayout(format, own).layouts);
    assert.deepEqual(dst, want);

    // the same pixels from an explicit layout with padded strides and the planes in reverse order
    const n = planes.length;
    const padded = planes.map((p) => ({ stride: p.stride + 3, rows: p.rows }));
    const layout = new Array(n);
    let off = 5;
    for (let i = n - 1; i >= 0; i--) { layout[i] = { offset: off, stride: padded[i].stride }; off += padded[i].stride * padded[i].rows; }
    const buf = new Uint8Array(off).fill(0xee);
    planes.forEach((p, i) => { for (let r = 0; r < p.rows; r++) buf.set(p.bytes.subarray(r * p.stride, (r + 1) * p.stride), layout[i].offset + r * layout[i].stride); });
    const viaLayout = new VideoFrame(buf, { format, codedWidth: w, codedHeight: h, timestamp: 5, visibleRect: rect, layout });
    const dst2 = new Uint8Array(want.byteLength);
    await viaLayout.copyTo(dst2);
    assert.deepEqual(dst2, want, 'explicit layout');

    // transfer: zero copy (the buffer is detached), the same rect
    const moved = data.slice();
    const transferred = new VideoFrame(moved, { format, codedWidth: w, codedHeight: h, timestamp: 5, visibleRect: rect, transfer: [moved.buffer] });
    assert.equal(moved.buffer.byteLength, 0, 'detached');
    assert.deepEqual([transferred.codedWidth, transferred.codedHeight], [rect.width, rect.height]);
    assert.deepEqual(rectOf(transferred.visibleRect), own);
    const dst3 = new Uint8Array(want.byteLength);
    await transferred.copyTo(dst3);
    assert.deepEqual(dst3, want, 'transferred');
    if (!RGB_FORMATS.has(format) && format !== 'I444AP12') {
      // and through a conversion, which reads the borrowed planes too
      const a = new Uint8Array(rect.width * rect.height * 4);
      const b = new Uint8Array(rect.width * rect.height * 4);
      await frame.copyTo(a, { format: 'RGBA' });
      await transferred.copyTo(b, { format: 'RGBA' });
      assert.deepEqual(b, a, 'RGBA conversion of the transferred frame');
    }

    // the size check is against the coded layout, not the rect's
    throwsType(() => new VideoFrame(data.subarray(0, data.byteLength - 1), { format, codedWidth: w, codedHeight: h, timestamp: 0, visibleRect: rect }));
    for (const f of [frame, viaLayout, transferred]) f.close();
  });
}

test('a frame made with a visibleRect crops again and encodes from its own (0, 0)', async () => {
  const planes = makePlanes('I420', 8, 6, 9);
  const data = concat(planes.map((p) => p.bytes));
  const frame = new VideoFrame(data, i420Init({ visibleRect: { x: 2, y: 2, width: 6, height: 4 } }));
  const sub = new VideoFrame(frame, { visibleRect: { x: 2, y: 0, width: 4, height: 4 } });
  assert.deepEqual(rectOf(sub.visibleRect), { x: 2, y: 0, width: 4, height: 4 });
  const dst = new Uint8Array(sub.allocationSize());
  await sub.copyTo(dst);
  assert.deepEqual(dst, cutRect('I420', planes, { x: 4, y: 2, width: 4, height: 4 }));
  frame.close();
  sub.close();
});

test('constructor visibleRect members are truncated', async () => {
  const planes = makePlanes('I420', 8, 6, 1);
  const frame = new VideoFrame(concat(planes.map((p) => p.bytes)), i420Init({ visibleRect: { x: 2.5, y: 2.9, width: 3.9, height: 2.1 } }));
  // the truncated rect is {2, 2, 3, 2}; the frame is that rect alone
  assert.deepEqual(rectOf(frame.visibleRect), { x: 0, y: 0, width: 3, height: 2 });
  assert.deepEqual([frame.codedWidth, frame.codedHeight], [3, 2]);
  const dst = new Uint8Array(frame.allocationSize());
  await frame.copyTo(dst);
  assert.deepEqual(dst, cutRect('I420', planes, { x: 2, y: 2, width: 3, height: 2 }));
  assert.equal(frame.displayWidth, 3);
  assert.equal(frame.displayHeight, 2);
});

// ================================================================== 4. constructor errors
test('constructor: missing required members are TypeErrors', () => {
  const data = new Uint8Array(I420_8x6_SIZE);
  for (const member of ['format', 'codedWidth', 'codedHeight', 'timestamp']) {
    const init = i420Init();
    delete init[member];
    throwsType(() => new VideoFrame(data, init), `without ${member}`);
  }
  throwsType(() => new VideoFrame(data), 'no init');
  throwsType(() => new VideoFrame(data, null), 'null init');
  throwsType(() => new VideoFrame(data, 5), 'non-object init');
  throwsType(() => new VideoFrame(), 'no arguments');
});

test('constructor: coded size errors are TypeErrors', () => {
  const data = new Uint8Array(1000);
  for (const [codedWidth, codedHeight] of [[0, 6], [8, 0], [0, 0], [-1, 6], [8, NaN], [2 ** 32, 6], [Infinity, 6]]) {
    throwsType(() => new VideoFrame(data, i420Init({ codedWidth, codedHeight })), `${codedWidth}x${codedHeight}`);
  }
});

test('constructor: invalid visibleRect is a TypeError', () => {
  const data = new Uint8Array(1000);
  const bad = [
    { x: 0, y: 0, width: 10, height: 6 }, // wider than coded
    { x: 4, y: 0, width: 6, height: 6 }, // x + width > codedWidth
    { x: 0, y: 2, width: 8, height: 6 }, // y + height > codedHeight
    { x: -2, y: 0, width: 4, height: 4 },
    { x: 0, y: -2, width: 4, height: 4 },
    { x: 0, y: 0, width: -4, height: 4 },
    { x: NaN, y: 0, width: 4, height: 4 },
    { x: 0, y: 0, width: Infinity, height: 4 },
    { x: 0, y: 0, width: 0, height: 4 }, // zero width ("Parse Visible Rect" step 2.1)
    { x: 0, y: 0, width: 4, height: 0 },
    { x: 1, y: 0, width: 4, height: 4 }, // odd x: not aligned to I420's 2x2 chroma
    { x: 0, y: 1, width: 4, height: 4 }, // odd y
  ];
  for (const visibleRect of bad) {
    throwsType(() => new VideoFrame(data, i420Init({ visibleRect })), JSON.stringify(visibleRect));
  }
  // Offsets that are aligned for the format are fine.
  new VideoFrame(data, { format: 'I422', codedWidth: 8, codedHeight: 6, timestamp: 0, visibleRect: { x: 2, y: 1, width: 4, height: 4 } }).close();
  new VideoFrame(data, { format: 'I444', codedWidth: 8, codedHeight: 6, timestamp: 0, visibleRect: { x: 1, y: 1, width: 4, height: 4 } }).close();
  throwsType(() => new VideoFrame(data, { format: 'I422', codedWidth: 8, codedHeight: 6, timestamp: 0, visibleRect: { x: 1, y: 0, width: 4, height: 4 } }));
  throwsType(() => new VideoFrame(data, { format: 'NV12', codedWidth: 8, codedHeight: 6, timestamp: 0, visibleRect: { x: 0, y: 3, width: 4, height: 2 } }));
});

test('constructor: invalid layouts are TypeErrors', () => {
  const data = new Uint8Array(1000);
  const bad = [
    [{ offset: 0, stride: 8 }, { offset: 48, stride: 4 }], // 2 for 3 planes
    [{ offset: 0, stride: 8 }, { offset: 48, stride: 4 }, { offset: 60, stride: 4 }, { offset: 72, stride: 8 }], // 4 for 3 planes
    [{ offset: 0, stride: 7 }, { offset: 48, stride: 4 }, { offset: 60, stride: 4 }], // Y stride too small
    [{ offset: 0, stride: 8 }, { offset: 48, stride: 3 }, { offset: 60, stride: 4 }], // U stride too small
    [{ offset: 0, stride: 8 }, { offset: 47, stride: 4 }, { offset: 60, stride: 4 }], // U overlaps Y by one byte
    [{ offset: 0, stride: 8 }, { offset: 48, stride: 4 }, { offset: 48, stride: 4 }], // U and V at the same offset
    [{ offset: 20, stride: 8 }, { offset: 0, stride: 8 }, { offset: 100, stride: 4 }], // U (0..24) overlaps Y (20..68)
    [{ offset: 0, stride: 8 }, { offset: 48, stride: 4 }, { offset: 0xfffffffc, stride: 4 }], // planeEnd > 2^32-1
    [{ offset: 0 }, { offset: 48, stride: 4 }, { offset: 60, stride: 4 }], // stride missing
    [{ offset: 0, stride: -8 }, { offset: 48, stride: 4 }, { offset: 60, stride: 4 }],
    'abc',
    {},
  ];
  for (const layout of bad) {
    throwsType(() => new VideoFrame(data, i420Init({ layout })), JSON.stringify(layout));
  }
  // Adjacent, non-overlapping planes are fine.
  new VideoFrame(data, i420Init({ layout: [{ offset: 0, stride: 8 }, { offset: 48, stride: 4 }, { offset: 60, stride: 4 }] })).close();
});

test('constructor: data too small for the format, rect or layout is a TypeError', () => {
  throwsType(() => new VideoFrame(new Uint8Array(I420_8x6_SIZE - 1), i420Init()));
  throwsType(() => new VideoFrame(new Uint8Array(8 * 6 * 4 - 1), { format: 'RGBA', codedWidth: 8, codedHeight: 6, timestamp: 0 }));
  throwsType(() => new VideoFrame(new Uint8Array(2 * I420_8x6_SIZE - 1), { ...i420Init(), format: 'I420P10' }));
  throwsType(() => new VideoFrame(new Uint8Array(0), i420Init()));
  // 7x5 I420 needs 35 + 2 * 4 * 3 = 59 bytes (chroma rounds up).
  new VideoFrame(new Uint8Array(59), { format: 'I420', codedWidth: 7, codedHeight: 5, timestamp: 0 }).close();
  throwsType(() => new VideoFrame(new Uint8Array(58), { format: 'I420', codedWidth: 7, codedHeight: 5, timestamp: 0 }));
});

test('constructor: display size errors are TypeErrors', () => {
  const data = new Uint8Array(I420_8x6_SIZE);
  throwsType(() => new VideoFrame(data, i420Init({ displayWidth: 8 })), 'displayWidth alone');
  throwsType(() => new VideoFrame(data, i420Init({ displayHeight: 6 })), 'displayHeight alone');
  throwsType(() => new VideoFrame(data, i420Init({ displayWidth: 0, displayHeight: 6 })), 'displayWidth 0');
  throwsType(() => new VideoFrame(data, i420Init({ displayWidth: 8, displayHeight: 0 })), 'displayHeight 0');
  throwsType(() => new VideoFrame(data, i420Init({ displayWidth: -8, displayHeight: 6 })), 'negative (EnforceRange)');
});

test('constructor: unknown pixel format is a TypeError', () => {
  for (const format of ['i420', 'YUV420P', 'I420P16', 'RGB', '', 'NV21']) {
    throwsType(() => new VideoFrame(new Uint8Array(1000), i420Init({ format })), format);
  }
});

test('constructor: image sources and other non-buffer first arguments are TypeErrors', () => {
  const init = { timestamp: 0 };
  for (const source of [{}, 'pixels', 42, null, undefined, [1, 2, 3], { width: 2, height: 2, data: new Uint8Array(16) }]) {
    throwsType(() => new VideoFrame(source, init), String(source));
  }
});

test('new VideoFrame(closedFrame) is an InvalidStateError', () => {
  const { frame } = makeFrame('I420', 8, 6);
  frame.close();
  throwsDOM(() => new VideoFrame(frame), 'InvalidStateError');
  throwsDOM(() => new VideoFrame(frame, { timestamp: 1 }), 'InvalidStateError');
});

test('closed frame: copyTo rejects (never throws) with InvalidStateError; allocationSize, clone, metadata throw it', async () => {
  const { frame } = makeFrame('I420', 8, 6);
  frame.close();
  await rejectsWith(() => frame.copyTo(new Uint8Array(1000)), DOMException, 'InvalidStateError');
  throwsDOM(() => frame.allocationSize(), 'InvalidStateError');
  throwsDOM(() => frame.clone(), 'InvalidStateError');
  throwsDOM(() => frame.metadata(), 'InvalidStateError');
});

test('copyTo destination errors reject with TypeError', async () => {
  const { frame } = makeFrame('I420', 8, 6);
  await rejectsWith(() => frame.copyTo(new Uint8Array(I420_8x6_SIZE - 1)), TypeError, 'TypeError');
  await rejectsWith(() => frame.copyTo(new Uint8Array(0)), TypeError, 'TypeError');
  await rejectsWith(() => frame.copyTo([]), TypeError, 'TypeError');
  await rejectsWith(() => frame.copyTo('x'), TypeError, 'TypeError');
  await rejectsWith(() => frame.copyTo(), TypeError, 'TypeError');
  // With a layout, the destination must hold max(planeEnd).
  const layout = [{ offset: 0, stride: 8 }, { offset: 48, stride: 4 }, { offset: 100, stride: 4 }];
  await rejectsWith(() => frame.copyTo(new Uint8Array(111), { layout }), TypeError, 'TypeError');
  await frame.copyTo(new Uint8Array(112), { layout });
  // A rect shrinks the required size.
  await frame.copyTo(new Uint8Array(6), { rect: { x: 0, y: 0, width: 2, height: 2 } });
});

test('copyTo into the destination kinds: ArrayBuffer, DataView, SharedArrayBuffer', async () => {
  const { frame, data } = makeFrame('I420', 8, 6, {}, 40);
  const ab = new ArrayBuffer(I420_8x6_SIZE);
  await frame.copyTo(ab);
  assert.deepEqual(new Uint8Array(ab), data);
  const backing = new ArrayBuffer(I420_8x6_SIZE + 4);
  await frame.copyTo(new DataView(backing, 4));
  assert.deepEqual(new Uint8Array(backing, 4), data);
  assert.deepEqual(new Uint8Array(backing, 0, 4), new Uint8Array(4));
  const sab = new SharedArrayBuffer(I420_8x6_SIZE);
  await frame.copyTo(sab);
  assert.deepEqual(new Uint8Array(sab), data);
});

// ================================================================== 5. transfer
test('transfer: data buffer is detached and the frame keeps the right pixels', async () => {
  const planes = makePlanes('I420', 8, 6, 50);
  const data = concat(planes.map((p) => p.bytes));
  const expected = data.slice();
  const frame = new VideoFrame(data, i420Init({ transfer: [data.buffer] }));
  assert.equal(data.buffer.byteLength, 0, 'detached');
  assert.equal(data.byteLength, 0);
  const dst = new Uint8Array(I420_8x6_SIZE);
  await frame.copyTo(dst);
  assert.deepEqual(dst, expected);
  const c = frame.clone();
  frame.close();
  const dst2 = new Uint8Array(I420_8x6_SIZE);
  await c.copyTo(dst2);
  assert.deepEqual(dst2, expected);
  c.close();
});

test('transfer: a view with a byteOffset into the transferred buffer', async () => {
  const data = concat(makePlanes('RGBA', 4, 2, 60).map((p) => p.bytes));
  const ab = new ArrayBuffer(data.byteLength + 10);
  const view = new Uint8Array(ab, 10, data.byteLength);
  view.set(data);
  const frame = new VideoFrame(view, { format: 'RGBA', codedWidth: 4, codedHeight: 2, timestamp: 0, transfer: [ab] });
  assert.equal(ab.byteLength, 0);
  const dst = new Uint8Array(32);
  await frame.copyTo(dst);
  assert.deepEqual(dst, data);
});

test('transfer: a listed buffer that is not data\'s buffer is detached too', async () => {
  const data = concat(makePlanes('I420', 8, 6, 70).map((p) => p.bytes));
  const other = new ArrayBuffer(16);
  const frame = new VideoFrame(data, i420Init({ transfer: [other] }));
  assert.equal(other.byteLength, 0, 'other buffer detached');
  assert.equal(data.byteLength, I420_8x6_SIZE, 'data not listed: not detached');
  const dst = new Uint8Array(I420_8x6_SIZE);
  await frame.copyTo(dst);
  assert.deepEqual(dst, data);
});

test('transfer: duplicates and detached buffers are DataCloneErrors, and nothing is detached', () => {
  const data = new Uint8Array(I420_8x6_SIZE);
  const other = new ArrayBuffer(8);
  throwsDOM(() => new VideoFrame(data, i420Init({ transfer: [data.buffer, data.buffer] })), 'DataCloneError');
  assert.equal(data.buffer.byteLength, I420_8x6_SIZE, 'not detached after the error');
  throwsDOM(() => new VideoFrame(data, i420Init({ transfer: [other, data.buffer, other] })), 'DataCloneError');
  assert.equal(other.byteLength, 8);
  assert.equal(data.buffer.byteLength, I420_8x6_SIZE);

  const gone = new ArrayBuffer(4);
  structuredClone(gone, { transfer: [gone] });
  throwsDOM(() => new VideoFrame(data, i420Init({ transfer: [gone] })), 'DataCloneError');
  throwsDOM(() => new VideoFrame(data, i420Init({ transfer: [other, gone] })), 'DataCloneError');
  assert.equal(other.byteLength, 8, 'not detached after the error');
  assert.equal(data.buffer.byteLength, I420_8x6_SIZE);
});

test('transfer: non-ArrayBuffer entries are TypeErrors', () => {
  const data = new Uint8Array(I420_8x6_SIZE);
  throwsType(() => new VideoFrame(data, i420Init({ transfer: [data] })));
  throwsType(() => new VideoFrame(data, i420Init({ transfer: data.buffer })));
  assert.equal(data.buffer.byteLength, I420_8x6_SIZE);
});

test('transfer: a too-small buffer is a TypeError and is not detached', () => {
  const data = new Uint8Array(I420_8x6_SIZE - 1);
  throwsType(() => new VideoFrame(data, i420Init({ transfer: [data.buffer] })));
  assert.equal(data.buffer.byteLength, I420_8x6_SIZE - 1);
});

// ================================================================== 6. clone and close
test('clone() shares pixels and all attributes; closing either does not affect the other', async () => {
  const { frame, data } = makeFrame('I420', 8, 6, {
    timestamp: 99, duration: 10, displayWidth: 16, displayHeight: 6, visibleRect: undefined,
    colorSpace: { primaries: 'bt2020', transfer: 'pq', matrix: 'bt2020-ncl', fullRange: false },
    metadata: { rtpTimestamp: 1234 }, rotation: 90, flip: true,
  }, 80);
  const c = frame.clone();
  assert.notEqual(c, frame);
  for (const k of ['format', 'codedWidth', 'codedHeight', 'displayWidth', 'displayHeight', 'timestamp', 'duration', 'rotation', 'flip']) {
    assert.equal(c[k], frame[k], k);
  }
  assert.deepEqual(rectOf(c.visibleRect), rectOf(frame.visibleRect));
  assert.deepEqual(rectOf(c.codedRect), rectOf(frame.codedRect));
  assert.deepEqual(c.colorSpace.toJSON(), frame.colorSpace.toJSON());
  assert.deepEqual(c.metadata(), { rtpTimestamp: 1234 });

  c.close();
  assert.equal(frame.format, 'I420');
  const dst = new Uint8Array(I420_8x6_SIZE);
  await frame.copyTo(dst);
  assert.deepEqual(dst, data);

  const c2 = frame.clone();
  frame.close();
  assert.equal(c2.format, 'I420');
  const dst2 = new Uint8Array(I420_8x6_SIZE);
  await c2.copyTo(dst2);
  assert.deepEqual(dst2, data);
  c2.close();
});

// Every attribute of a closed frame, as "Close VideoFrame" leaves it (format null; coded, visible and display
// sizes 0; rects null; a new metadata) and as Chrome and the WPT ("Test closed VideoFrame") read it: colorSpace a
// new VideoColorSpace with every member null, rotation 0, flip false; timestamp and duration are not reset.
function assertClosed(frame, { timestamp, duration }, label) {
  assert.equal(frame.format, null, `${label}: format`);
  assert.equal(frame.codedWidth, 0, `${label}: codedWidth`);
  assert.equal(frame.codedHeight, 0, `${label}: codedHeight`);
  assert.equal(frame.codedRect, null, `${label}: codedRect`);
  assert.equal(frame.visibleRect, null, `${label}: visibleRect`);
  assert.equal(frame.displayWidth, 0, `${label}: displayWidth`);
  assert.equal(frame.displayHeight, 0, `${label}: displayHeight`);
  assert.equal(frame.rotation, 0, `${label}: rotation`);
  assert.equal(frame.flip, false, `${label}: flip`);
  assert.equal(frame.timestamp, timestamp, `${label}: timestamp`);
  assert.equal(frame.duration, duration, `${label}: duration`);
  assert.ok(frame.colorSpace instanceof VideoColorSpace, `${label}: colorSpace is a VideoColorSpace`);
  assert.deepEqual(frame.colorSpace.toJSON(), { primaries: null, transfer: null, matrix: null, fullRange: null }, `${label}: colorSpace`);
  assert.throws(() => frame.metadata(), (e) => e instanceof DOMException && e.name === 'InvalidStateError', `${label}: metadata()`);
  assert.throws(() => frame.clone(), (e) => e instanceof DOMException && e.name === 'InvalidStateError', `${label}: clone()`);
}

test('close() leaves every attribute as "Close VideoFrame" does; closing twice is fine', () => {
  const { frame } = makeFrame('I420', 8, 6, {
    timestamp: 42, duration: 7, displayWidth: 10, displayHeight: 4, rotation: 90, flip: true,
    colorSpace: { primaries: 'bt2020', transfer: 'pq', matrix: 'bt2020-ncl', fullRange: true }, metadata: { rtpTimestamp: 5 },
  });
  const before = frame.colorSpace;
  assert.equal(frame.close(), undefined);
  assertClosed(frame, { timestamp: 42, duration: 7 }, 'I420');
  assert.deepEqual(before.toJSON(), { primaries: 'bt2020', transfer: 'pq', matrix: 'bt2020-ncl', fullRange: true },
    'a VideoColorSpace read before close() is not changed by it');
  frame.close();
  assertClosed(frame, { timestamp: 42, duration: 7 }, 'I420 closed twice');

  // an RGB frame (sRGB colour space by default), a clone, and a frame made from another frame
  const rgba = new VideoFrame(new Uint8Array(4 * 4 * 4), { format: 'RGBA', codedWidth: 4, codedHeight: 4, timestamp: -3 });
  assert.deepEqual(rgba.colorSpace.toJSON(), { primaries: 'bt709', transfer: 'iec61966-2-1', matrix: 'rgb', fullRange: true });
  const clone = rgba.clone();
  const derived = new VideoFrame(rgba, { timestamp: 9, duration: 1, rotation: 180 });
  rgba.close();
  assertClosed(rgba, { timestamp: -3, duration: null }, 'RGBA');
  assert.deepEqual(clone.colorSpace.toJSON(), { primaries: 'bt709', transfer: 'iec61966-2-1', matrix: 'rgb', fullRange: true },
    'closing a frame leaves its clone alone');
  clone.close();
  assertClosed(clone, { timestamp: -3, duration: null }, 'clone');
  assert.equal(derived.rotation, 180);
  derived.close();
  assertClosed(derived, { timestamp: 9, duration: 1 }, 'new VideoFrame(frame)');
});

// One VP8 key chunk of a 32x32 grey frame (timestamp 1000, duration 500) and its decoderConfig.
async function encodeOne() {
  let chunk;
  let config;
  const enc = new wc.VideoEncoder({ output(c, m) { chunk = c; config = m.decoderConfig; }, error(e) { throw e; } });
  enc.configure({ codec: 'vp8', width: 32, height: 32 });
  const f = new VideoFrame(new Uint8Array(32 * 32 * 3 / 2).fill(128), { format: 'I420', codedWidth: 32, codedHeight: 32, timestamp: 1000, duration: 500 });
  enc.encode(f);
  f.close();
  await enc.flush();
  enc.close();
  return { chunk, config };
}

test('a closed decoded frame reads as "Close VideoFrame" leaves it', async () => {
  const enc = await encodeOne();
  let frame;
  const dec = new wc.VideoDecoder({ output(f) { frame ??= f; }, error(e) { throw e; } });
  dec.configure(enc.config);
  dec.decode(enc.chunk);
  await dec.flush();
  dec.close();
  assert.equal(frame.format, 'I420');
  assert.notEqual(frame.colorSpace.matrix, null);
  frame.close();
  assertClosed(frame, { timestamp: 1000, duration: 500 }, 'decoded');
});

test('visibleRect and codedRect return fresh DOMRectReadOnly objects', () => {
  const { frame } = makeFrame('I420', 8, 6);
  assert.notEqual(frame.visibleRect, frame.visibleRect);
  const r = frame.visibleRect;
  assert.equal(r.right, 8);
  assert.equal(r.bottom, 6);
});

// ================================================================== 7. new VideoFrame(frame, init)
test('new VideoFrame(frame) with no init copies the attributes and shares the pixels', async () => {
  const { frame, data } = makeFrame('I420', 8, 6, { timestamp: 5, duration: 6, colorSpace: { matrix: 'bt470bg' } }, 90);
  const f = new VideoFrame(frame);
  assert.equal(f.format, 'I420');
  assert.equal(f.timestamp, 5);
  assert.equal(f.duration, 6);
  assert.equal(f.displayWidth, 8);
  assert.equal(f.displayHeight, 6);
  assert.deepEqual(f.colorSpace.toJSON(), { primaries: null, transfer: null, matrix: 'bt470bg', fullRange: null });
  frame.close();
  const dst = new Uint8Array(I420_8x6_SIZE);
  await f.copyTo(dst);
  assert.deepEqual(dst, data);
});

test('new VideoFrame(frame, {timestamp, duration}) overrides timing only', () => {
  const { frame } = makeFrame('I420', 8, 6, { timestamp: 5, duration: 6 });
  const a = new VideoFrame(frame, { timestamp: -100 });
  assert.equal(a.timestamp, -100);
  assert.equal(a.duration, 6);
  const b = new VideoFrame(frame, { duration: 0 });
  assert.equal(b.timestamp, 5);
  assert.equal(b.duration, 0);
  const noDur = makeFrame('I420', 8, 6).frame;
  assert.equal(new VideoFrame(noDur, { timestamp: 1 }).duration, null);
  // VideoFrameInit's timestamp and duration have no [EnforceRange] (VideoFrameBufferInit's do):
  // WebIDL converts NaN to 0 and wraps out-of-range values modulo 2^64
  assert.equal(new VideoFrame(frame, { timestamp: NaN }).timestamp, 0);
  assert.equal(new VideoFrame(frame, { duration: -1 }).duration, 2 ** 64 - 1);
});

test('new VideoFrame(frame, {visibleRect}) crops: copyTo() gives the cropped pixels', async () => {
  const { frame, planes } = makeFrame('I420', 8, 6, {}, 100);
  const rect = { x: 2, y: 2, width: 4, height: 4 };
  const f = new VideoFrame(frame, { visibleRect: rect });
  assert.equal(f.codedWidth, 8);
  assert.equal(f.codedHeight, 6);
  assert.deepEqual(rectOf(f.visibleRect), rect);
  assert.equal(f.displayWidth, 4);
  assert.equal(f.displayHeight, 4);
  const want = tightLayout('I420', rect);
  assert.equal(f.allocationSize(), want.size);
  const dst = new Uint8Array(want.size);
  assert.deepEqual(await f.copyTo(dst), want.layouts);
  assert.deepEqual(dst, cutRect('I420', planes, rect));
  // The source frame is unchanged.
  assert.deepEqual(rectOf(frame.visibleRect), { x: 0, y: 0, width: 8, height: 6 });
});

test('new VideoFrame(frame, {visibleRect}) scales the display size by the source\'s display/visible ratio', () => {
  // 8x6 shown at 16x6 (2:1 pixel aspect).
  const { frame } = makeFrame('I420', 8, 6, { displayWidth: 16, displayHeight: 6 });
  const a = new VideoFrame(frame, { visibleRect: { x: 2, y: 2, width: 4, height: 2 } });
  assert.equal(a.displayWidth, 8); // 4 * 16/8
  assert.equal(a.displayHeight, 2); // 2 * 6/6
  // 8x6 shown at 9x6: crop width 6 -> 6.75 -> 7; width 2 -> 2.25 -> 2.
  const { frame: g } = makeFrame('I444', 8, 6, { displayWidth: 9, displayHeight: 6 });
  const b = new VideoFrame(g, { visibleRect: { x: 1, y: 0, width: 6, height: 3 } });
  assert.equal(b.displayWidth, 7);
  assert.equal(b.displayHeight, 3);
  const c = new VideoFrame(g, { visibleRect: { x: 1, y: 0, width: 2, height: 3 } });
  assert.equal(c.displayWidth, 2);
  // Explicit display size wins.
  const d = new VideoFrame(frame, { visibleRect: { x: 2, y: 2, width: 4, height: 2 }, displayWidth: 100, displayHeight: 50 });
  assert.equal(d.displayWidth, 100);
  assert.equal(d.displayHeight, 50);
  // Display size without visibleRect.
  const e = new VideoFrame(frame, { displayWidth: 3, displayHeight: 5 });
  assert.equal(e.displayWidth, 3);
  assert.equal(e.displayHeight, 5);
  assert.deepEqual(rectOf(e.visibleRect), { x: 0, y: 0, width: 8, height: 6 });
});

test('new VideoFrame(frame, init): cropping a cropped frame uses the source\'s visible rect as the scale base', () => {
  const { frame } = makeFrame('I420', 8, 6, { displayWidth: 16, displayHeight: 12 });
  const a = new VideoFrame(frame, { visibleRect: { x: 2, y: 2, width: 4, height: 2 }, displayWidth: 4, displayHeight: 4 });
  const b = new VideoFrame(a, { visibleRect: { x: 2, y: 2, width: 2, height: 2 } });
  assert.equal(b.displayWidth, 2); // 2 * 4/4
  assert.equal(b.displayHeight, 4); // 2 * 4/2
});

test('new VideoFrame(frame, init) validation errors ("Validate VideoFrameInit")', () => {
  const { frame } = makeFrame('I420', 8, 6);
  const bad = [
    { visibleRect: { x: 1, y: 0, width: 4, height: 4 } }, // misaligned
    { visibleRect: { x: 0, y: 1, width: 4, height: 4 } },
    { visibleRect: { x: 0, y: 0, width: 0, height: 4 } },
    { visibleRect: { x: 0, y: 0, width: 4, height: 0 } },
    { visibleRect: { x: 6, y: 0, width: 4, height: 4 } },
    { visibleRect: { x: 0, y: 4, width: 4, height: 4 } },
    { visibleRect: { x: -2, y: 0, width: 4, height: 4 } },
    { visibleRect: { x: 0, y: 0, width: NaN, height: 4 } },
    { visibleRect: { x: 0, y: 0, width: Infinity, height: 4 } },
    { displayWidth: 4 },
    { displayHeight: 4 },
    { displayWidth: 0, displayHeight: 4 },
    { displayWidth: 4, displayHeight: 0 },
    { alpha: 'drop' },
    { rotation: NaN },
    { rotation: Infinity },
  ];
  for (const init of bad) throwsType(() => new VideoFrame(frame, init), JSON.stringify(init));
  throwsType(() => new VideoFrame(frame, 7), 'non-object init');
  // After alpha: 'discard' the alignment of the opaque format applies (4:4:4: any offset).
  const { frame: f444a } = makeFrame('I444A', 8, 6);
  new VideoFrame(f444a, { alpha: 'discard', visibleRect: { x: 1, y: 1, width: 2, height: 2 } }).close();
});

test('alpha: "discard" gives the equivalent opaque format; "keep" keeps it', async () => {
  const { frame, planes } = makeFrame('I420A', 8, 6, {}, 110);
  const opaque = new VideoFrame(frame, { alpha: 'discard' });
  assert.equal(opaque.format, 'I420');
  const size = tightLayout('I420', { x: 0, y: 0, width: 8, height: 6 }).size;
  assert.equal(opaque.allocationSize(), size);
  const dst = new Uint8Array(size);
  assert.deepEqual(await opaque.copyTo(dst), [{ offset: 0, stride: 8 }, { offset: 48, stride: 4 }, { offset: 60, stride: 4 }]);
  assert.deepEqual(dst, concat(planes.slice(0, 3).map((p) => p.bytes)));
  assert.equal(new VideoFrame(frame, { alpha: 'keep' }).format, 'I420A');
  assert.equal(new VideoFrame(frame).format, 'I420A');
  assert.equal(frame.format, 'I420A', 'source unchanged');

  const pairs = {
    I420AP10: 'I420P10', I420AP12: 'I420P12', I422A: 'I422', I422AP10: 'I422P10', I422AP12: 'I422P12',
    I444A: 'I444', I444AP10: 'I444P10', I444AP12: 'I444P12', RGBA: 'RGBX', BGRA: 'BGRX',
    I420: 'I420', NV12: 'NV12', RGBX: 'RGBX', BGRX: 'BGRX', I444P10: 'I444P10',
  };
  for (const [from, to] of Object.entries(pairs)) {
    const { frame: f } = makeFrame(from, 4, 2);
    assert.equal(new VideoFrame(f, { alpha: 'discard' }).format, to, from);
  }
});

test('alpha: "discard" on RGBA keeps the colour bytes of the RGBX frame', async () => {
  const { frame, data } = makeFrame('RGBA', 4, 2, {}, 120);
  const x = new VideoFrame(frame, { alpha: 'discard' });
  const dst = new Uint8Array(32);
  await x.copyTo(dst);
  for (let i = 0; i < 32; i++) if (i % 4 !== 3) assert.equal(dst[i], data[i], `byte ${i}`);
});

test('metadata from VideoFrameInit; rotation/flip composition with the source frame', () => {
  const { frame } = makeFrame('RGBA', 4, 2, { rotation: 90 });
  assert.equal(frame.displayWidth, 2);
  assert.equal(frame.displayHeight, 4);
  // 90 then 90: 180, the display size of an upright 4x2.
  const a = new VideoFrame(frame, { rotation: 90 });
  assert.equal(a.rotation, 180);
  assert.equal(a.flip, false);
  assert.equal(a.displayWidth, 4);
  assert.equal(a.displayHeight, 2);
  // 90 then 270: 0.
  const b = new VideoFrame(frame, { rotation: 270 });
  assert.equal(b.rotation, 0);
  assert.equal(b.displayWidth, 4);
  // 90 then 180: 270 (still on its side).
  const c = new VideoFrame(frame, { rotation: 180 });
  assert.equal(c.rotation, 270);
  assert.equal(c.displayWidth, 2);
  assert.equal(c.displayHeight, 4);
  // No rotation in init: unchanged.
  const d = new VideoFrame(frame);
  assert.equal(d.rotation, 90);
  assert.equal(d.displayWidth, 2);
  assert.equal(d.displayHeight, 4);

  // A flipped source rotates the other way ("Add Rotations"): flip XOR.
  const { frame: flipped } = makeFrame('RGBA', 4, 2, { rotation: 90, flip: true });
  assert.equal(flipped.flip, true);
  const e = new VideoFrame(flipped, { rotation: 90 });
  assert.equal(e.rotation, 0); // 90 - 90
  assert.equal(e.flip, true); // true XOR false
  const f = new VideoFrame(flipped, { rotation: 180, flip: true });
  assert.equal(f.rotation, 270); // 90 - 180 = -90 -> 270
  assert.equal(f.flip, false); // true XOR true
  const g = new VideoFrame(flipped, { rotation: 270 });
  assert.equal(g.rotation, 180); // 90 - 270 = -180 -> 180
  const { frame: plain } = makeFrame('RGBA', 4, 2);
  const h = new VideoFrame(plain, { flip: true, rotation: 270 });
  assert.equal(h.flip, true);
  assert.equal(h.rotation, 270);
  assert.equal(h.displayWidth, 2);
  assert.equal(h.displayHeight, 4);
});

test('new VideoFrame(rotatedFrame, {visibleRect}) scales in the unrotated orientation', () => {
  // RGBA 4x2 with rotation 90 and an explicit display size of 8x2 (post-rotation):
  // unrotated display 2x8, so the scale is 0.5 horizontally and 4 vertically.
  const { frame } = makeFrame('RGBA', 4, 2, { rotation: 90, displayWidth: 8, displayHeight: 2 });
  assert.equal(frame.displayWidth, 8);
  assert.equal(frame.displayHeight, 2);
  const f = new VideoFrame(frame, { visibleRect: { x: 0, y: 0, width: 2, height: 2 } });
  assert.equal(f.rotation, 90);
  // unrotated: 2 * 0.5 = 1 wide, 2 * 4 = 8 tall; rotated 90: 8 x 1.
  assert.equal(f.displayWidth, 8);
  assert.equal(f.displayHeight, 1);
});

// ================================================================== 8. rotation and flip
test('rotation is parsed to the nearest multiple of 90 (ties up), in [0, 360)', () => {
  const cases = [
    [0, 0], [90, 90], [180, 180], [270, 270], [360, 0], [-90, 270], [450, 90], [-180, 180],
    [45, 90], [44.9, 0], [-45, 0], [-45.1, 270], [135, 180], [225, 270], [315, 0], [719, 0], [-720, 0],
    [89, 90], [1e6, 270], ['90', 90], // 1e6 -> 999990 = 2777 * 360 + 270
  ];
  for (const [rotation, want] of cases) {
    const { frame } = makeFrame('RGBA', 4, 2, { rotation });
    assert.equal(frame.rotation, want, `rotation ${rotation}`);
    assert.ok(!Object.is(frame.rotation, -0), `rotation ${rotation} is not -0`);
    const swapped = want === 90 || want === 270;
    assert.equal(frame.displayWidth, swapped ? 2 : 4, `displayWidth for ${rotation}`);
    assert.equal(frame.displayHeight, swapped ? 4 : 2, `displayHeight for ${rotation}`);
    // The coded and visible geometry does not rotate.
    assert.equal(frame.codedWidth, 4);
    assert.deepEqual(rectOf(frame.visibleRect), { x: 0, y: 0, width: 4, height: 2 });
  }
});

test('rotation: invalid values are TypeErrors; explicit display size is not swapped', () => {
  throwsType(() => makeFrame('RGBA', 4, 2, { rotation: NaN }));
  throwsType(() => makeFrame('RGBA', 4, 2, { rotation: -Infinity }));
  const { frame } = makeFrame('RGBA', 4, 2, { rotation: 90, displayWidth: 10, displayHeight: 20 });
  assert.equal(frame.displayWidth, 10);
  assert.equal(frame.displayHeight, 20);
  // With a visibleRect the display size is the rect's, swapped.
  const { frame: g } = makeFrame('I444', 8, 6, { rotation: 270, visibleRect: { x: 0, y: 0, width: 4, height: 2 } });
  assert.equal(g.displayWidth, 2);
  assert.equal(g.displayHeight, 4);
});

test('flip defaults to false and is converted as a boolean', () => {
  assert.equal(makeFrame('RGBA', 4, 2).frame.flip, false);
  assert.equal(makeFrame('RGBA', 4, 2, { flip: true }).frame.flip, true);
  assert.equal(makeFrame('RGBA', 4, 2, { flip: 1 }).frame.flip, true);
  assert.equal(makeFrame('RGBA', 4, 2, { flip: '' }).frame.flip, false);
  const { frame } = makeFrame('RGBA', 4, 2, { flip: true });
  assert.equal(frame.displayWidth, 4, 'flip does not change the display size');
});

test('copyTo copies the stored (unrotated) pixels of a rotated frame', async () => {
  const { frame, data } = makeFrame('RGBA', 4, 2, { rotation: 90, flip: true }, 130);
  const dst = new Uint8Array(32);
  assert.deepEqual(await frame.copyTo(dst), [{ offset: 0, stride: 16 }]);
  assert.deepEqual(dst, data);
});

// ================================================================== 9. conversion to RGB
// Independent reference: Y'CbCr -> R'G'B' (8-bit), clamped and rounded.
function yuvToRgb(Y, U, V, matrix, fullRange) {
  const u = U - 128;
  const v = V - 128;
  let r;
  let g;
  let b;
  if (fullRange) { // BT.709 full range
    r = Y + 1.5748 * v;
    g = Y - 0.1873 * u - 0.4681 * v;
    b = Y + 1.8556 * u;
  } else {
    const y = 1.164 * (Y - 16);
    if (matrix === 'bt709') {
      r = y + 1.793 * v;
      g = y - 0.213 * u - 0.533 * v;
      b = y + 2.112 * u;
    } else { // BT.601 (smpte170m / bt470bg)
      r = y + 1.596 * v;
      g = y - 0.392 * u - 0.813 * v;
      b = y + 2.017 * u;
    }
  }
  const c = (x) => Math.min(255, Math.max(0, Math.round(x)));
  return [c(r), c(g), c(b)];
}

const QUAD = [[110, 80, 200], [150, 150, 100], [60, 170, 120], [170, 100, 60]]; // [Y, U, V] per 8x8 quadrant
const TOL = 2;

// 16x16 frame of four flat 8x8 quadrants (TL, TR, BL, BR), in the given 4:2:0 layout.
function quadrantData(format) {
  const W = 16;
  const H = 16;
  const q = (x, y) => QUAD[(y >= 8 ? 2 : 0) + (x >= 8 ? 1 : 0)];
  const y8 = new Uint8Array(W * H);
  const u8 = new Uint8Array(64);
  const v8 = new Uint8Array(64);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) y8[y * W + x] = q(x, y)[0];
  for (let y = 0; y < 8; y++) for (let x = 0; x < 8; x++) { u8[y * 8 + x] = q(2 * x, 2 * y)[1]; v8[y * 8 + x] = q(2 * x, 2 * y)[2]; }
  if (format === 'I420') return concat([y8, u8, v8]);
  if (format === 'NV12') {
    const uv = new Uint8Array(128);
    for (let i = 0; i < 64; i++) { uv[2 * i] = u8[i]; uv[2 * i + 1] = v8[i]; }
    return concat([y8, uv]);
  }
  if (format === 'I420P10') {
    const to16 = (a) => { const o = new Uint16Array(a.length); for (let i = 0; i < a.length; i++) o[i] = a[i] * 4; return new Uint8Array(o.buffer); };
    return concat([to16(y8), to16(u8), to16(v8)]);
  }
  if (format === 'I420A') {
    const a = Uint8Array.from({ length: 256 }, (_, i) => (i * 7) & 0xff);
    return concat([y8, u8, v8, a]);
  }
  throw new Error(format);
}

// Checks the interior of each quadrant (2 pixels away from colour edges) of an RGB(A) image.
function checkQuadrants(rgba, width, height, order, matrix, fullRange, alphaAt, x0 = 0, y0 = 0) {
  const idx = { R: order.indexOf('R'), G: order.indexOf('G'), B: order.indexOf('B') };
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const fx = x + x0;
      const fy = y + y0;
      const edge = (v) => (v % 8 < 2 || v % 8 > 5);
      if (edge(fx) || edge(fy)) continue;
      const [Y, U, V] = QUAD[(fy >= 8 ? 2 : 0) + (fx >= 8 ? 1 : 0)];
      const [r, g, b] = yuvToRgb(Y, U, V, matrix, fullRange);
      const p = (y * width + x) * 4;
      const got = [rgba[p + idx.R], rgba[p + idx.G], rgba[p + idx.B]];
      for (let k = 0; k < 3; k++) {
        assert.ok(Math.abs(got[k] - [r, g, b][k]) <= TOL,
          `pixel (${fx},${fy}) ${'RGB'[k]}: got ${got[k]}, want ${[r, g, b][k]} ±${TOL} (YUV ${Y},${U},${V}, ${matrix}${fullRange ? ' full' : ''})`);
      }
      if (alphaAt) assert.equal(rgba[p + order.indexOf('A')], alphaAt(fx, fy), `alpha at (${fx},${fy})`);
    }
  }
}

test('the BT.601 and BT.709 references differ enough for the conversion tests to tell them apart', () => {
  const diffs = QUAD.map(([Y, U, V]) => {
    const a = yuvToRgb(Y, U, V, 'bt709', false);
    const b = yuvToRgb(Y, U, V, 'smpte170m', false);
    return Math.max(...a.map((x, i) => Math.abs(x - b[i])));
  });
  assert.ok(Math.max(...diffs) > 3 * TOL, `max difference ${Math.max(...diffs)}`);
});

for (const target of ['RGBA', 'BGRA', 'RGBX', 'BGRX']) {
  test(`copyTo({format: '${target}'}) from I420 (BT.709 limited range)`, async () => {
    const frame = new VideoFrame(quadrantData('I420'), { format: 'I420', codedWidth: 16, codedHeight: 16, timestamp: 0 });
    assert.equal(frame.allocationSize({ format: target }), 16 * 16 * 4);
    const dst = new Uint8Array(16 * 16 * 4);
    const layouts = await frame.copyTo(dst, { format: target });
    assert.deepEqual(layouts, [{ offset: 0, stride: 64 }]);
    const opaqueAlpha = target.endsWith('A') ? () => 255 : null;
    checkQuadrants(dst, 16, 16, target, 'bt709', false, opaqueAlpha);
    assert.equal(frame.format, 'I420', 'the frame itself is unchanged');
  });
}

for (const source of ['NV12', 'I420P10']) {
  test(`copyTo({format: 'RGBA'}) from ${source}`, async () => {
    const frame = new VideoFrame(quadrantData(source), { format: source, codedWidth: 16, codedHeight: 16, timestamp: 0 });
    const dst = new Uint8Array(1024);
    await frame.copyTo(dst, { format: 'RGBA' });
    checkQuadrants(dst, 16, 16, 'RGBA', 'bt709', false, () => 255);
  });
}

test('copyTo({format: "RGBA"}) uses the BT.601 matrix when the frame\'s colorSpace says smpte170m or bt470bg', async () => {
  for (const matrix of ['smpte170m', 'bt470bg']) {
    const frame = new VideoFrame(quadrantData('I420'), {
      format: 'I420', codedWidth: 16, codedHeight: 16, timestamp: 0,
      colorSpace: { primaries: 'smpte170m', transfer: 'smpte170m', matrix, fullRange: false },
    });
    const dst = new Uint8Array(1024);
    await frame.copyTo(dst, { format: 'RGBA' });
    checkQuadrants(dst, 16, 16, 'RGBA', 'smpte170m', false, () => 255);
  }
});

test('copyTo({format: "RGBA"}) honours fullRange: true', async () => {
  const frame = new VideoFrame(quadrantData('I420'), {
    format: 'I420', codedWidth: 16, codedHeight: 16, timestamp: 0,
    colorSpace: { primaries: 'bt709', transfer: 'bt709', matrix: 'bt709', fullRange: true },
  });
  const dst = new Uint8Array(1024);
  await frame.copyTo(dst, { format: 'RGBA' });
  checkQuadrants(dst, 16, 16, 'RGBA', 'bt709', true, () => 255);
});

test('copyTo({format: "RGBA"}) from I444: every pixel its own colour', async () => {
  const W = 4;
  const H = 4;
  const yuv = Array.from({ length: W * H }, (_, i) => [40 + i * 11, 90 + ((i * 37) % 80), 100 + ((i * 53) % 70)]);
  const data = concat([0, 1, 2].map((k) => Uint8Array.from(yuv, (p) => p[k])));
  const frame = new VideoFrame(data, { format: 'I444', codedWidth: W, codedHeight: H, timestamp: 0 });
  const dst = new Uint8Array(W * H * 4);
  await frame.copyTo(dst, { format: 'RGBA' });
  yuv.forEach(([Y, U, V], i) => {
    const want = yuvToRgb(Y, U, V, 'bt709', false);
    for (let k = 0; k < 3; k++) {
      assert.ok(Math.abs(dst[4 * i + k] - want[k]) <= TOL, `pixel ${i} ${'RGB'[k]}: got ${dst[4 * i + k]}, want ${want[k]}`);
    }
    assert.equal(dst[4 * i + 3], 255);
  });
});

test('copyTo({format: "RGBA"}) from I420A carries the alpha plane', async () => {
  const frame = new VideoFrame(quadrantData('I420A'), { format: 'I420A', codedWidth: 16, codedHeight: 16, timestamp: 0 });
  const dst = new Uint8Array(1024);
  await frame.copyTo(dst, { format: 'RGBA' });
  checkQuadrants(dst, 16, 16, 'RGBA', 'bt709', false, (x, y) => ((y * 16 + x) * 7) & 0xff);
});

test('copyTo({format}) with a rect converts just that rect', async () => {
  const frame = new VideoFrame(quadrantData('I420'), { format: 'I420', codedWidth: 16, codedHeight: 16, timestamp: 0 });
  const rect = { x: 8, y: 0, width: 8, height: 8 };
  assert.equal(frame.allocationSize({ format: 'RGBA', rect }), 8 * 8 * 4);
  const dst = new Uint8Array(256);
  assert.deepEqual(await frame.copyTo(dst, { format: 'RGBA', rect }), [{ offset: 0, stride: 32 }]);
  checkQuadrants(dst, 8, 8, 'RGBA', 'bt709', false, () => 255, 8, 0);
  // A cropped frame converts its visible rect by default.
  const crop = new VideoFrame(frame, { visibleRect: { x: 0, y: 8, width: 8, height: 8 } });
  assert.equal(crop.allocationSize({ format: 'BGRA' }), 256);
  const d2 = new Uint8Array(256);
  await crop.copyTo(d2, { format: 'BGRA' });
  checkQuadrants(d2, 8, 8, 'BGRA', 'bt709', false, () => 255, 0, 8);
  // The rect must still be aligned for the frame's own format.
  await rejectsWith(() => frame.copyTo(dst, { format: 'RGBA', rect: { x: 1, y: 0, width: 4, height: 4 } }), TypeError, 'TypeError');
});

test('copyTo({format}) with a destination layout', async () => {
  const frame = new VideoFrame(quadrantData('I420'), { format: 'I420', codedWidth: 16, codedHeight: 16, timestamp: 0 });
  const layout = [{ offset: 12, stride: 72 }];
  const size = 12 + 72 * 16;
  assert.equal(frame.allocationSize({ format: 'RGBA', layout }), size);
  const dst = new Uint8Array(size).fill(0x5a);
  assert.deepEqual(await frame.copyTo(dst, { format: 'RGBA', layout }), layout);
  assert.ok(dst.subarray(0, 12).every((b) => b === 0x5a), 'bytes before the offset untouched');
  for (let r = 0; r < 16; r++) {
    assert.ok(dst.subarray(12 + r * 72 + 64, 12 + (r + 1) * 72).every((b) => b === 0x5a), `row ${r} padding untouched`);
  }
  const tight = new Uint8Array(1024);
  for (let r = 0; r < 16; r++) tight.set(dst.subarray(12 + r * 72, 12 + r * 72 + 64), r * 64);
  checkQuadrants(tight, 16, 16, 'RGBA', 'bt709', false, () => 255);
  throwsType(() => frame.allocationSize({ format: 'RGBA', layout: [{ offset: 0, stride: 63 }] }));
  throwsType(() => frame.allocationSize({ format: 'RGBA', layout: [{ offset: 0, stride: 64 }, { offset: 1024, stride: 64 }] }));
  await rejectsWith(() => frame.copyTo(new Uint8Array(size - 1), { format: 'RGBA', layout }), TypeError, 'TypeError');
});

test('RGB to RGB conversions swizzle exactly; an X source byte reads as opaque', async () => {
  const px = [[10, 20, 30, 40], [50, 60, 70, 80], [90, 100, 110, 120], [130, 140, 150, 160]]; // 2x2, as R,G,B,A
  const rgba = Uint8Array.from(px.flat());
  const f = new VideoFrame(rgba, { format: 'RGBA', codedWidth: 2, codedHeight: 2, timestamp: 0 });
  const bgra = new Uint8Array(16);
  await f.copyTo(bgra, { format: 'BGRA' });
  assert.deepEqual([...bgra], px.flatMap(([r, g, b, a]) => [b, g, r, a]));
  const rgbx = new Uint8Array(16);
  await f.copyTo(rgbx, { format: 'RGBX' });
  px.forEach(([r, g, b], i) => assert.deepEqual([...rgbx.subarray(4 * i, 4 * i + 3)], [r, g, b]));

  // BGRX source: the 4th byte is padding, so RGBA output is opaque.
  const bgrx = Uint8Array.from(px.flatMap(([r, g, b]) => [b, g, r, 7]));
  const g2 = new VideoFrame(bgrx, { format: 'BGRX', codedWidth: 2, codedHeight: 2, timestamp: 0 });
  const out = new Uint8Array(16);
  await g2.copyTo(out, { format: 'RGBA' });
  assert.deepEqual([...out], px.flatMap(([r, g, b]) => [r, g, b, 255]));
});

test('conversion errors: non-RGB target and display-p3 are NotSupportedError', async () => {
  const { frame } = makeFrame('I420', 8, 6);
  const dst = new Uint8Array(10000);
  for (const format of ['I444', 'NV12', 'I420A', 'I420P10']) {
    throwsDOM(() => frame.allocationSize({ format }), 'NotSupportedError', format);
    await rejectsWith(() => frame.copyTo(dst, { format }), DOMException, 'NotSupportedError');
  }
  throwsDOM(() => frame.allocationSize({ format: 'RGBA', colorSpace: 'display-p3' }), 'NotSupportedError');
  await rejectsWith(() => frame.copyTo(dst, { format: 'RGBA', colorSpace: 'display-p3' }), DOMException, 'NotSupportedError');
  // Explicit 'srgb' is fine.
  assert.equal(frame.allocationSize({ format: 'RGBA', colorSpace: 'srgb' }), 8 * 6 * 4);
  // Unknown enum values are TypeErrors (WebIDL), not NotSupportedErrors.
  throwsType(() => frame.allocationSize({ format: 'RGB24' }));
  throwsType(() => frame.allocationSize({ format: 'RGBA', colorSpace: 'rec2020' }));
  await rejectsWith(() => frame.copyTo(dst, { format: 'rgba' }), TypeError, 'TypeError');
  // A too-small destination for the converted size.
  await rejectsWith(() => frame.copyTo(new Uint8Array(8 * 6 * 4 - 1), { format: 'RGBA' }), TypeError, 'TypeError');
});

test('closed frame: conversion copyTo rejects with InvalidStateError', async () => {
  const { frame } = makeFrame('I420', 8, 6);
  frame.close();
  await rejectsWith(() => frame.copyTo(new Uint8Array(1000), { format: 'RGBA' }), DOMException, 'InvalidStateError');
});

test('conversion reads the frame while the source buffer was transferred', async () => {
  const data = quadrantData('I420');
  const frame = new VideoFrame(data, { format: 'I420', codedWidth: 16, codedHeight: 16, timestamp: 0, transfer: [data.buffer] });
  assert.equal(data.byteLength, 0);
  const dst = new Uint8Array(1024);
  const p = frame.copyTo(dst, { format: 'RGBA' });
  await p;
  checkQuadrants(dst, 16, 16, 'RGBA', 'bt709', false, () => 255);
});

test('a conversion in flight survives close() of the frame', async () => {
  const frame = new VideoFrame(quadrantData('I420'), { format: 'I420', codedWidth: 16, codedHeight: 16, timestamp: 0 });
  const dst = new Uint8Array(1024);
  const p = frame.copyTo(dst, { format: 'RGBA' });
  frame.close();
  await p;
  checkQuadrants(dst, 16, 16, 'RGBA', 'bt709', false, () => 255);
});

// ================================================================== 10. metadata
test('metadata(): rtpTimestamp round-trips, is a copy each time, unknown members dropped', () => {
  const { frame } = makeFrame('I420', 8, 6, { metadata: { rtpTimestamp: 5, somethingElse: 'x' } });
  const m = frame.metadata();
  assert.deepEqual(m, { rtpTimestamp: 5 });
  m.rtpTimestamp = 99;
  m.extra = 1;
  assert.deepEqual(frame.metadata(), { rtpTimestamp: 5 });
  assert.notEqual(frame.metadata(), frame.metadata());
  assert.deepEqual(makeFrame('I420', 8, 6).frame.metadata(), {});
  assert.deepEqual(makeFrame('I420', 8, 6, { metadata: { foo: 1 } }).frame.metadata(), {});
});

test('metadata: the init object is copied at construction', () => {
  const md = { rtpTimestamp: 10 };
  const { frame } = makeFrame('I420', 8, 6, { metadata: md });
  md.rtpTimestamp = 11;
  assert.deepEqual(frame.metadata(), { rtpTimestamp: 10 });
});

test('metadata: from VideoFrameInit, kept by clone()', () => {
  const { frame } = makeFrame('I420', 8, 6, { metadata: { rtpTimestamp: 1 } });
  const f = new VideoFrame(frame, { metadata: { rtpTimestamp: 2, other: true } });
  assert.deepEqual(f.metadata(), { rtpTimestamp: 2 });
  assert.deepEqual(frame.metadata(), { rtpTimestamp: 1 });
  assert.deepEqual(f.clone().metadata(), { rtpTimestamp: 2 });
  throwsType(() => makeFrame('I420', 8, 6, { metadata: 5 }));
});

// Uniform-colour frames of every format converted to RGBA: no chroma interpolation
// can blur a flat image, so every pixel must match the reference.
for (const format of ALL_FORMATS) {
  test(`copyTo({format: 'RGBA'}) from a flat ${format} frame`, async () => {
    const W = 6;
    const H = 4;
    const { bits, planes } = FORMATS[format];
    let data;
    let want;
    if (RGB_FORMATS.has(format)) {
      const [r, g, b, a] = [200, 30, 90, 77];
      const px = { R: r, G: g, B: b, A: a, X: 13 };
      data = new Uint8Array(W * H * 4);
      for (let i = 0; i < W * H; i++) for (let k = 0; k < 4; k++) data[4 * i + k] = px[format[k]];
      want = [r, g, b, format.includes('A') ? a : 255];
    } else {
      const [Y, U, V, A] = [110, 80, 200, 150];
      const scale = 1 << (bits - 8);
      const values = format === 'NV12' ? [Y, null] : [Y, U, V, A];
      data = concat(planes.map((p, pi) => {
        const g = planeGeom(p, { x: 0, y: 0, width: W, height: H });
        const out = new Uint8Array(g.widthBytes * g.rows);
        if (format === 'NV12' && pi === 1) {
          for (let i = 0; i < out.length; i += 2) { out[i] = U; out[i + 1] = V; }
        } else if (bits === 8) {
          out.fill(values[pi]);
        } else {
          const v16 = new Uint16Array(out.buffer);
          v16.fill(values[pi] * scale);
        }
        return out;
      }));
      want = [...yuvToRgb(Y, U, V, 'bt709', false), planes.length === 4 ? A : 255];
    }
    const frame = new VideoFrame(data, { format, codedWidth: W, codedHeight: H, timestamp: 0 });
    const dst = new Uint8Array(W * H * 4);
    assert.deepEqual(await frame.copyTo(dst, { format: 'RGBA' }), [{ offset: 0, stride: W * 4 }]);
    for (let i = 0; i < W * H; i++) {
      for (let k = 0; k < 3; k++) {
        assert.ok(Math.abs(dst[4 * i + k] - want[k]) <= TOL, `pixel ${i} ${'RGB'[k]}: got ${dst[4 * i + k]}, want ${want[k]} ±${TOL}`);
      }
      assert.equal(dst[4 * i + 3], want[3], `pixel ${i} alpha`);
    }
  });
}

test('allocationSize() and copyTo() accept null/undefined options as an empty dictionary', async () => {
  const { frame, data } = makeFrame('I420', 8, 6, {}, 140);
  assert.equal(frame.allocationSize(null), I420_8x6_SIZE);
  assert.equal(frame.allocationSize(undefined), I420_8x6_SIZE);
  const dst = new Uint8Array(I420_8x6_SIZE);
  await frame.copyTo(dst, null);
  assert.deepEqual(dst, data);
  throwsType(() => frame.allocationSize(5));
  await rejectsWith(() => frame.copyTo(dst, 'x'), TypeError, 'TypeError');
});

test('after alpha: "discard", conversion to RGBA/BGRA is opaque', async () => {
  const px = [1, 2, 3, 4, 5, 6, 7, 8]; // 2x1 RGBA, alpha 4 and 8
  const rgba = new VideoFrame(Uint8Array.from(px), { format: 'RGBA', codedWidth: 2, codedHeight: 1, timestamp: 0 });
  const rgbx = new VideoFrame(rgba, { alpha: 'discard' });
  const a = new Uint8Array(8);
  await rgbx.copyTo(a, { format: 'RGBA' });
  assert.deepEqual([...a], [1, 2, 3, 255, 5, 6, 7, 255]);
  const b = new Uint8Array(8);
  await rgbx.copyTo(b, { format: 'BGRA' });
  assert.deepEqual([...b], [3, 2, 1, 255, 7, 6, 5, 255]);

  const i420a = new VideoFrame(quadrantData('I420A'), { format: 'I420A', codedWidth: 16, codedHeight: 16, timestamp: 0 });
  const opaque = new VideoFrame(i420a, { alpha: 'discard' });
  const c = new Uint8Array(1024);
  await opaque.copyTo(c, { format: 'RGBA' });
  checkQuadrants(c, 16, 16, 'RGBA', 'bt709', false, () => 255);
});

test('DOMException codes of the errors VideoFrame raises', async () => {
  const { frame } = makeFrame('I420', 8, 6);
  try {
    frame.allocationSize({ format: 'I444' });
    assert.fail('no exception');
  } catch (e) {
    checkError(e, DOMException, 'NotSupportedError');
    assert.equal(e.code, 9);
  }
  const data = new Uint8Array(I420_8x6_SIZE);
  try {
    new VideoFrame(data, i420Init({ transfer: [data.buffer, data.buffer] }));
    assert.fail('no exception');
  } catch (e) {
    checkError(e, DOMException, 'DataCloneError');
    assert.equal(e.code, 25);
  }
  frame.close();
  try {
    frame.clone();
    assert.fail('no exception');
  } catch (e) {
    checkError(e, DOMException, 'InvalidStateError');
    assert.equal(e.code, 11);
  }
});
