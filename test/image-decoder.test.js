'use strict';
// ImageDecoder: every format's four-colour picture (corner colours through copyTo RGBA, sizes, pixel
// formats, colour spaces), EXIF / irot / imir orientation, desiredWidth/Height, animations (frame
// colours, timestamps, durations, frame and repetition counts, GIF disposal and transparency, APNG
// and WebP sub-rectangles), GIF and APNG frames bit-exact against ffmpeg's own decode, streams fed a
// few bytes at a time (tracks.ready before the data ends, decode() waiting for frames, frameCount
// growing), and progressive JPEG partial frames.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const { execFileSync } = require('node:child_process');
const { ImageDecoder } = require('..');
const { COLORS, GIF_DISPOSAL } = require('./fixtures/image/make');
const { typeOf, rgba, pixel, corners, near, streamOf, decodeAll, make } = require('./helpers/image');

const Y = [...COLORS.yellow, 255];
const R = [...COLORS.red, 255];
const B = [...COLORS.blue, 255];
const G = [...COLORS.green, 255];
const GA = [...COLORS.green, 128]; // the alpha fixtures' bottom right quadrant
const T0 = [0, 0, 0, 0];
const SRGB = { primaries: 'bt709', transfer: 'iec61966-2-1', matrix: 'rgb', fullRange: true };
const JPEG_CS = { primaries: 'bt709', transfer: 'iec61966-2-1', matrix: 'smpte170m', fullRange: true };
const YUV_LIMITED = { primaries: 'bt709', transfer: 'iec61966-2-1', matrix: 'smpte170m', fullRange: false };

// name -> [format, tolerance, colour space, bottom-right colour]
const STILLS = {
  'four-colors.png': ['RGBX', 0, SRGB, G],
  'four-colors-alpha.png': ['RGBA', 0, SRGB, GA],
  'four-colors-pal8.png': ['RGBX', 4, SRGB, G], // ffmpeg's pal8 palette is 3-3-2 bits deep (252 for 255)
  'four-colors-16bit.png': ['RGBX', 1, SRGB, G],
  'four-colors.jpg': ['I420', 3, JPEG_CS, G],
  'four-colors-444.jpg': ['I444', 3, JPEG_CS, G],
  'four-colors-progressive.jpg': ['I420', 3, JPEG_CS, G],
  'four-colors.bmp': ['RGBX', 0, SRGB, G],
  'four-colors-32bit.bmp': ['BGRA', 0, SRGB, GA],
  'four-colors-pal8.bmp': ['RGBX', 4, SRGB, G],
  'four-colors.webp': ['I420', 4, YUV_LIMITED, G],
  'four-colors-lossless.webp': ['RGBA', 0, SRGB, G],
  'four-colors-alpha.webp': ['I420A', 4, YUV_LIMITED, [...COLORS.green, 129]],
  'four-colors.gif': ['RGBA', 0, SRGB, G],
  'four-colors-interlaced.gif': ['RGBA', 0, SRGB, G],
  'four-colors-ffmpeg.gif': ['RGBA', 0, SRGB, G],
  'four-colors-420.avif': ['I420', 3, YUV_LIMITED, G],
  'four-colors-444.avif': ['I444', 3, YUV_LIMITED, G],
  'four-colors-420-10bit.avif': ['I420P10', 3, YUV_LIMITED, G],
  'four-colors-alpha.avif': ['I420A', 3, YUV_LIMITED, GA],
  'four-colors-idat.avif': ['I444', 3, YUV_LIMITED, G],
  'avifenc-420.avif': ['I420', 3, JPEG_CS, G], // libavif writes nclx 1/13/6 full range
  'avifenc-444-10bit.avif': ['I444P10', 3, JPEG_CS, G],
};

for (const [name, [format, tol, cs, br]] of Object.entries(STILLS)) {
  test(`four colours: ${name} decodes to ${format} 320x240 with the right corners`, async () => {
    const { frames, track } = await decodeAll(name);
    assert.deepEqual(track.animated, name === 'four-colors-ffmpeg.gif'); // ffmpeg's GIF muxer always writes a loop extension
    assert.equal(track.frameCount, 1);
    assert.equal(frames.length, 1);
    const f = frames[0];
    assert.equal(f.format, format);
    assert.equal(f.complete, true);
    assert.deepEqual([f.codedWidth, f.codedHeight, f.displayWidth, f.displayHeight], [320, 240, 320, 240]);
    assert.equal(f.timestamp, 0);
    assert.deepEqual(f.colorSpace, cs);
    assert.equal(f.rotation, 0);
    assert.equal(f.flip, false);
    const got = corners(f.rgba, 320, 240);
    for (const [i, want] of [Y, R, B, br].entries()) {
      assert.ok(near(got[i], want, tol), `${name} corner ${i}: ${got[i]} is not ${want} (+-${tol})`);
    }
  });
}

// EXIF Orientation -> the frame's rotation/flip (rotate clockwise, then mirror), as the web platform
// tests' testFourColorDecodeWithExifOrientation expects the oriented picture to look.
const ORIENT = { 1: [0, false], 2: [0, true], 3: [180, false], 4: [180, true], 5: [90, true], 6: [90, false], 7: [270, true], 8: [270, false] };

// The 2x2 colour matrix shown after applying rotation (clockwise) then a left-right flip.
function oriented(m, rotation, flip) {
  const rot = (a) => [[a[1][0], a[0][0]], [a[1][1], a[0][1]]];
  let out = m;
  for (let i = 0; i < rotation / 90; i++) out = rot(out);
  if (flip) out = out.map((row) => [row[1], row[0]]);
  return out;
}

test('JPEG EXIF orientations 1-8 become rotation/flip; display size swaps for 5-8; pixels stay as stored', async () => {
  const names = { '255,255,0': 'Y', '255,0,0': 'R', '0,0,255': 'B', '0,255,0': 'G' };
  // The expected displayed matrices of the web platform test, orientation by orientation.
  const wpt = {
    1: [['Y', 'R'], ['B', 'G']], 2: [['R', 'Y'], ['G', 'B']], 3: [['G', 'B'], ['R', 'Y']], 4: [['B', 'G'], ['Y', 'R']],
    5: [['Y', 'B'], ['R', 'G']], 6: [['B', 'Y'], ['G', 'R']], 7: [['G', 'R'], ['B', 'Y']], 8: [['R', 'G'], ['Y', 'B']],
  };
  for (let o = 1; o <= 8; o++) {
    const { frames } = await decodeAll(`four-colors-exif${o}.jpg`);
    const f = frames[0];
    assert.deepEqual([f.rotation, f.flip], ORIENT[o], `orientation ${o}`);
    assert.deepEqual([f.displayWidth, f.displayHeight], o > 4 ? [240, 320] : [320, 240]);
    const c = corners(f.rgba, 320, 240).map((p) => names[p.slice(0, 3).map((v) => (v > 128 ? 255 : 0)).join(',')]);
    assert.deepEqual(c, ['Y', 'R', 'B', 'G'], 'copyTo gives the stored (unrotated) picture');
    assert.deepEqual(oriented([[c[0], c[1]], [c[2], c[3]]], f.rotation, f.flip), wpt[o], `orientation ${o} as displayed`);
  }
});

test('PNG eXIf and AVIF irot/imir orientation', async () => {
  assert.deepEqual((await decodeAll('four-colors-exif6.png')).frames.map((f) => [f.rotation, f.flip, f.displayWidth]), [[90, false, 240]]);
  // irot 1 = 90 degrees anti-clockwise (270 clockwise), then imir 0 = top and bottom exchanged (ISO/IEC 23008-12:2022)
  assert.deepEqual((await decodeAll('four-colors-irot1-imir0.avif')).frames.map((f) => [f.rotation, f.flip]), [[90, true]]);
  // libavif's own writer: irot 3 (90 clockwise), imir 1 (left and right exchanged)
  const a = (await decodeAll('avifenc-alpha-irot3-imir1.avif')).frames[0];
  assert.deepEqual([a.rotation, a.flip, a.displayWidth, a.displayHeight, a.format], [90, true, 240, 320, 'I420A']);
  assert.ok(near(corners(a.rgba, 320, 240)[3], GA, 3));
});

test('desiredWidth/desiredHeight scale the output in its own format', async () => {
  for (const name of ['four-colors.png', 'four-colors.jpg', 'four-colors-alpha.avif', 'anim-4.gif']) {
    const { frames } = await decodeAll(name, { desiredWidth: 160, desiredHeight: 100 });
    const f = frames[0];
    assert.deepEqual([f.codedWidth, f.codedHeight], [160, 100], name);
    if (name !== 'anim-4.gif') {
      const c = corners(f.rgba, 160, 100);
      const want = name.includes('alpha') ? [Y, R, B, GA] : [Y, R, B, G];
      for (let i = 0; i < 4; i++) assert.ok(near(c[i], want[i], 4), `${name} corner ${i}: ${c[i]}`);
    }
  }
});

// ---------------------------------------------------------------- animations

const ANIM = [R, [...COLORS.green, 255], B, Y];

test('animated GIF: frame colours, timestamps and durations from the GCE delays, loop count 0 = Infinity', async () => {
  const { frames, track } = await decodeAll('anim-4.gif');
  assert.deepEqual(track, { animated: true, frameCount: 4, repetitionCount: Infinity });
  assert.deepEqual(frames.map((f) => [f.timestamp, f.duration]), [[0, 100000], [100000, 200000], [300000, 300000], [600000, 400000]]);
  frames.forEach((f, i) => assert.deepEqual(corners(f.rgba, 64, 48), [ANIM[i], ANIM[i], ANIM[i], ANIM[i]], `frame ${i}`));
});

test('GIF disposal (keep, restore to background = transparent, restore to previous) and transparency', async () => {
  const { frames, track } = await decodeAll('anim-disposal.gif');
  assert.deepEqual(track, { animated: true, frameCount: 4, repetitionCount: GIF_DISPOSAL.loop });
  const at = (f, x, y) => pixel(f.rgba, 64, x, y);
  assert.deepEqual([at(frames[0], 5, 5), at(frames[0], 60, 40)], [R, R]);
  assert.deepEqual([at(frames[1], 5, 5), at(frames[1], 31, 23), at(frames[1], 40, 30)], [[0, 255, 0, 255], [0, 255, 0, 255], R]);
  // frame 1 was "restore to background": its rectangle is transparent under frame 2
  assert.deepEqual([at(frames[2], 5, 5), at(frames[2], 40, 30), at(frames[2], 40, 10)], [T0, B, R]);
  // frame 2 was "restore to previous": back to before it; frame 3's transparent left half shows the canvas
  const W4 = [255, 255, 255, 255];
  assert.deepEqual([at(frames[3], 5, 5), at(frames[3], 40, 30), at(frames[3], 26, 20), at(frames[3], 26, 28), at(frames[3], 34, 20), at(frames[3], 34, 28)],
    [T0, R, T0, R, W4, W4]);
});

function ffmpegFrames(file, w, h) {
  const raw = execFileSync('ffmpeg', ['-v', 'error', '-i', file, '-f', 'rawvideo', '-pix_fmt', 'rgba', '-'], { maxBuffer: 1 << 26 });
  const n = raw.length / (w * h * 4);
  return Array.from({ length: n }, (_, i) => raw.subarray(i * w * h * 4, (i + 1) * w * h * 4));
}

test('GIF made by ffmpeg (LZW-compressed, sub-rectangles, transparency): every frame equals ffmpeg\'s own decode', async () => {
  const { frames, track } = await decodeAll('anim-ffmpeg.gif');
  const ref = ffmpegFrames(make('anim-ffmpeg.gif'), 64, 48);
  assert.equal(track.frameCount, ref.length);
  assert.equal(track.repetitionCount, 5);
  frames.forEach((f, i) => assert.ok(Buffer.from(f.rgba).equals(ref[i]), `frame ${i} differs from ffmpeg's`));
  frames.forEach((f, i) => assert.deepEqual(pixel(f.rgba, 64, 16 + i * 12, 16), B, `square of frame ${i}`));
});

test('APNG: frames, delays, num_plays (3 plays = 2 repetitions, 0 = Infinity), dispose/blend of sub-rectangles', async () => {
  const a = await decodeAll('anim-4.apng');
  assert.deepEqual(a.track, { animated: true, frameCount: 4, repetitionCount: 2 });
  assert.deepEqual(a.frames.map((f) => [f.timestamp, f.duration]), [[0, 100000], [100000, 100000], [200000, 100000], [300000, 100000]]);
  a.frames.forEach((f, i) => assert.deepEqual(corners(f.rgba, 64, 48)[0], ANIM[i]));
  const s = await decodeAll('anim-square.apng');
  assert.deepEqual(s.track, { animated: true, frameCount: 4, repetitionCount: Infinity });
  assert.deepEqual(s.frames.map((f) => f.duration), [200000, 200000, 200000, 200000]);
  const ref = ffmpegFrames(make('anim-square.apng'), 64, 48);
  s.frames.forEach((f, i) => {
    assert.deepEqual(pixel(f.rgba, 64, 16 + i * 12, 16), B, `square of frame ${i}`);
    if (i > 0) assert.deepEqual(pixel(f.rgba, 64, 9 + (i - 1) * 12, 9), R, `frame ${i}: the previous square is gone`);
    assert.ok(Buffer.from(f.rgba).equals(ref[i]), `frame ${i} equals ffmpeg's apng decode`);
  });
});

test('animated WebP (ANMF frames composited here): colours, durations, loop count', async () => {
  const a = await decodeAll('anim-4.webp');
  assert.deepEqual(a.track, { animated: true, frameCount: 4, repetitionCount: 1 }); // loop 2 = two plays
  assert.deepEqual(a.frames.map((f) => [f.format, f.timestamp, f.duration]), [['RGBA', 0, 100000], ['RGBA', 100000, 100000], ['RGBA', 200000, 100000], ['RGBA', 300000, 100000]]);
  a.frames.forEach((f, i) => assert.deepEqual(corners(f.rgba, 64, 48), [ANIM[i], ANIM[i], ANIM[i], ANIM[i]]));
  const s = await decodeAll('anim-square.webp');
  assert.equal(s.track.repetitionCount, Infinity);
  s.frames.forEach((f, i) => {
    assert.deepEqual(pixel(f.rgba, 64, 16 + i * 12, 16), B, `square of frame ${i}`);
    assert.deepEqual(pixel(f.rgba, 64, 60, 44), R);
    if (i > 0) assert.deepEqual(pixel(f.rgba, 64, 9 + (i - 1) * 12, 9), R, `frame ${i}: the previous square is gone`);
  });
});

test('frames decoded out of order and again give the same pixels', async () => {
  const data = fs.readFileSync(make('anim-disposal.gif'));
  const d = new ImageDecoder({ data, type: 'image/gif' });
  const seq = [];
  for (const i of [0, 1, 2, 3]) seq.push(await rgba((await d.decode({ frameIndex: i })).image));
  for (const i of [3, 1, 1, 0, 2]) {
    const { image } = await d.decode({ frameIndex: i });
    assert.ok(Buffer.from(await rgba(image)).equals(Buffer.from(seq[i])), `frame ${i} again`);
    image.close();
  }
  d.close();
});

// ---------------------------------------------------------------- streams

for (const name of ['four-colors.png', 'four-colors.jpg', 'four-colors-progressive.jpg', 'four-colors.gif', 'four-colors.webp',
  'four-colors-alpha.webp', 'four-colors.bmp', 'four-colors-alpha.avif', 'avifenc-420.avif', 'anim-4.apng', 'anim-disposal.gif', 'anim-4.webp']) {
  test(`stream in 7-byte pieces: ${name} gives the same frames as the whole buffer`, async () => {
    const bytes = fs.readFileSync(make(name));
    const whole = await decodeAll(name);
    const d = new ImageDecoder({ data: streamOf(bytes, 7), type: typeOf(name) });
    assert.equal(d.complete, false);
    // decode() before anything has arrived waits for the data
    const first = d.decode({ frameIndex: 0 });
    const last = d.decode({ frameIndex: whole.track.frameCount - 1 });
    await d.tracks.ready;
    assert.equal(d.tracks.length, 1);
    assert.equal(d.tracks.selectedIndex, 0);
    assert.equal(d.tracks.selectedTrack.animated, whole.track.animated);
    const r0 = await first;
    assert.ok(Buffer.from(await rgba(r0.image)).equals(Buffer.from(whole.frames[0].rgba)));
    const rn = await last;
    assert.ok(Buffer.from(await rgba(rn.image)).equals(Buffer.from(whole.frames[whole.frames.length - 1].rgba)));
    assert.equal(rn.image.timestamp, whole.frames[whole.frames.length - 1].timestamp);
    r0.image.close();
    rn.image.close();
    await d.completed;
    assert.equal(d.complete, true);
    assert.equal(d.tracks.selectedTrack.frameCount, whole.track.frameCount);
    d.close();
  });
}

test('stream: tracks.ready resolves from the header alone; frameCount grows as frames arrive', async () => {
  const bytes = fs.readFileSync(make('anim-4.webp'));
  let release;
  const gate = new Promise((r) => { release = r; });
  let pos = 0;
  const stream = new ReadableStream({
    async pull(c) {
      if (pos >= bytes.length) return c.close();
      if (pos === 64) await gate; // the header and part of frame 0 first
      const end = pos < 64 ? 64 : bytes.length;
      c.enqueue(new Uint8Array(bytes.subarray(pos, end)));
      pos = end;
    },
  });
  const d = new ImageDecoder({ data: stream, type: 'image/webp' });
  await d.tracks.ready;
  const t = d.tracks.selectedTrack;
  assert.equal(t.animated, true);
  assert.equal(t.repetitionCount, 1);
  assert.equal(d.complete, false);
  const counts = [t.frameCount];
  const p = d.decode({ frameIndex: 3 });
  release();
  const { image } = await p;
  counts.push(t.frameCount);
  assert.ok(counts[0] < 4 && counts[1] === 4, `frameCount ${counts}`);
  assert.equal(image.timestamp, 300000);
  image.close();
  await d.completed;
  d.close();
});

test('progressive JPEG streamed: completeFramesOnly false gives partial frames of growing detail, then the full one', async () => {
  const bytes = fs.readFileSync(make('four-colors-progressive.jpg'));
  const d = new ImageDecoder({ data: streamOf(bytes, 40, { yieldEvery: 1 }), type: 'image/jpeg' });
  const results = [];
  for (;;) {
    const r = await d.decode({ frameIndex: 0, completeFramesOnly: false });
    results.push(r.complete);
    const px = corners(await rgba(r.image), 320, 240);
    r.image.close();
    if (r.complete) {
      assert.ok(near(px[0], Y, 3) && near(px[3], G, 3));
      break;
    }
  }
  assert.ok(results.length >= 2, `a partial frame came first (${results})`);
  assert.deepEqual(results.slice(0, -1).every((c) => c === false), true);
  d.close();
});

test('transfer: the data buffer is detached and decoded in place', async () => {
  const bytes = fs.readFileSync(make('four-colors.png'));
  const ab = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  const d = new ImageDecoder({ data: new Uint8Array(ab), type: 'image/png', transfer: [ab] });
  assert.equal(ab.byteLength, 0);
  const { image } = await d.decode();
  assert.deepEqual(corners(await rgba(image), 320, 240), [Y, R, B, G]);
  image.close();
  d.close();
});

test('data in shared memory (ImageBufferSource allows SharedArrayBuffer): copied, decodes; a later write does not change it', async () => {
  const bytes = fs.readFileSync(make('four-colors.png'));
  const sab = new SharedArrayBuffer(bytes.byteLength);
  new Uint8Array(sab).set(bytes);
  for (const data of [sab, new Uint8Array(sab)]) {
    const d = new ImageDecoder({ data, type: 'image/png' });
    new Uint8Array(sab).fill(0, 40); // the decoder holds its own copy of [[encoded data]]
    const { image } = await d.decode();
    assert.deepEqual(corners(await rgba(image), 320, 240), [Y, R, B, G]);
    image.close();
    d.close();
    new Uint8Array(sab).set(bytes);
  }
});
