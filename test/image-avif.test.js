'use strict';
// ImageDecoder on animated AVIF (image sequences: the moov track) and grid AVIF (a 'grid' item over
// AV1 tiles): frame colours, sizes, frame counts, timestamps and durations from the sample table,
// repetition counts from the edit list (AVIF 1.1), the two tracks of a file with both a still and a
// sequence and how preferAnimation and the selected setter choose between them, every frame bit-exact
// (I420 planes) against ffmpeg's own decode of the same file, frames out of order (decoding restarts
// at a sync sample), streams, and grids cropped to their output size. Fixtures: our writers
// (test/fixtures/image/make.js), ffmpeg's avif muxer and libavif's avifenc (committed).
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const { execFileSync } = require('node:child_process');
const { ImageDecoder } = require('..');
const { COLORS } = require('./fixtures/image/make');
const { rgba, pixel, corners, near, streamOf, decodeAll, make } = require('./helpers/image');

const R = [...COLORS.red, 255];
const G = [...COLORS.green, 255];
const B = [...COLORS.blue, 255];
const Y = [...COLORS.yellow, 255];
const ANIM = [R, G, B, Y];
const GA = [...COLORS.green, 128];
const TS = [0, 100000, 300000, 600000];
const DUR = [100000, 200000, 300000, 400000];

const open = (name, init = {}) => new ImageDecoder({ data: fs.readFileSync(make(name)), type: 'image/avif', ...init });
const facts = (d) => Array.from({ length: d.tracks.length }, (_, i) => {
  const t = d.tracks[i];
  return [t.animated, t.frameCount, t.repetitionCount, t.selected];
});

async function decodeTrack(d) {
  const out = [];
  for (let i = 0; i < d.tracks.selectedTrack.frameCount; i++) {
    const { image, complete } = await d.decode({ frameIndex: i });
    out.push({ complete, format: image.format, w: image.codedWidth, h: image.codedHeight, timestamp: image.timestamp,
      duration: image.duration, rgba: await rgba(image) });
    image.close();
  }
  return out;
}

// I420 planes of every frame through copyTo, and ffmpeg's own decode of the file (mov demuxer, libdav1d).
async function i420(image) {
  const buf = new Uint8Array(image.allocationSize({ format: 'I420' }));
  await image.copyTo(buf, { format: 'I420' });
  return Buffer.from(buf);
}
function ffmpegI420(file) {
  return execFileSync('ffmpeg', ['-v', 'error', '-i', file, '-map', '0:v:0', '-vsync', '0', '-f', 'rawvideo', '-pix_fmt', 'yuv420p', '-'], { maxBuffer: 1 << 24 });
}

test('AVIF sequence: two tracks (still, sequence), the sequence primary (avis major brand), colours, timing, 2 repetitions', async () => {
  const d = open('anim-4.avif');
  await d.tracks.ready;
  assert.deepEqual(facts(d), [[false, 1, 0, false], [true, 4, 2, true]]);
  assert.equal(d.tracks.selectedIndex, 1);
  const frames = await decodeTrack(d);
  assert.deepEqual(frames.map((f) => [f.format, f.w, f.h, f.complete]), Array(4).fill(['I420', 64, 48, true]));
  assert.deepEqual(frames.map((f) => f.timestamp), TS);
  assert.deepEqual(frames.map((f) => f.duration), DUR);
  frames.forEach((f, i) => corners(f.rgba, 64, 48).forEach((c) => assert.ok(near(c, ANIM[i], 3), `frame ${i}: ${c}`)));
  d.close();
});

test('AVIF sequence repetition count: edit list repeat flag, track duration over segment duration, indefinite, none', async () => {
  const rep = async (name) => {
    const d = open(name);
    await d.tracks.ready;
    const r = [d.tracks.length, d.tracks.selectedTrack.animated, d.tracks.selectedTrack.repetitionCount];
    d.close();
    return r;
  };
  assert.deepEqual(await rep('anim-4-forever.avif'), [2, true, Infinity]); // tkhd duration all ones
  assert.deepEqual(await rep('anim-4-once.avif'), [2, true, 0]); // elst flags 0: no repetition
  assert.deepEqual(await rep('anim-4-noelst.avif'), [2, true, Infinity]); // no edit list: forever (Chrome)
  assert.deepEqual(await rep('anim-4-partial.avif'), [2, true, 2]); // 2.5 plays: a third play begins
  assert.deepEqual(await rep('anim-4-nometa.avif'), [1, true, 1]); // no still item: the sequence alone
  assert.deepEqual(await rep('anim-ffmpeg.avif'), [2, true, Infinity]); // ffmpeg 5.1 writes no edit list
});

test('AVIF sequence timing at a 90 kHz timescale; a file without a still item has one track', async () => {
  const d = open('anim-4-ts90k.avif');
  await d.tracks.ready;
  const f = await decodeTrack(d);
  assert.deepEqual([f.map((x) => x.timestamp), f.map((x) => x.duration)], [TS, DUR]);
  d.close();
  const n = open('anim-4-nometa.avif');
  await n.tracks.ready;
  assert.deepEqual(facts(n), [[true, 4, 1, true]]);
  assert.deepEqual((await decodeTrack(n)).map((x) => x.timestamp), TS);
  n.close();
});

test('preferAnimation chooses between the still and the sequence ("Get Default Selected Track Index")', async () => {
  // major brand avis: the sequence is primary; preferAnimation false picks the still
  const still = open('anim-4.avif', { preferAnimation: false });
  await still.tracks.ready;
  assert.deepEqual([still.tracks.selectedIndex, still.tracks[0].selected, still.tracks[1].selected], [0, true, false]);
  const s = (await decodeTrack(still))[0];
  assert.deepEqual([s.timestamp, s.duration, s.w], [0, null, 64]);
  assert.ok(near(corners(s.rgba, 64, 48)[0], R, 3));
  still.close();
  const anim = open('anim-4.avif', { preferAnimation: true });
  await anim.tracks.ready;
  assert.equal(anim.tracks.selectedIndex, 1);
  anim.close();
  // major brand avif (avis compatible): the still is primary unless preferAnimation is true
  for (const [init, want] of [[{}, 0], [{ preferAnimation: false }, 0], [{ preferAnimation: true }, 1]]) {
    const d = open('anim-4-major-avif.avif', init);
    await d.tracks.ready;
    assert.equal(d.tracks.selectedIndex, want, JSON.stringify(init));
    d.close();
  }
  // a decode() made before the tracks exist is answered from the track preferAnimation selects
  const early = open('anim-4-major-avif.avif', { preferAnimation: true });
  const r = await early.decode({ frameIndex: 3 });
  assert.equal(r.image.timestamp, TS[3]);
  assert.ok(near(pixel(await rgba(r.image), 64, 10, 10), Y, 3));
  r.image.close();
  early.close();
});

test('selected setter switches between the still and the sequence; pending decodes are aborted', async () => {
  const d = open('anim-4.avif');
  await d.tracks.ready;
  const pending = d.decode({ frameIndex: 3 });
  d.tracks[0].selected = true;
  await assert.rejects(pending, (e) => e.name === 'AbortError');
  assert.deepEqual([d.tracks.selectedIndex, d.tracks[1].selected], [0, false]);
  await assert.rejects(d.decode({ frameIndex: 1 }), RangeError); // the still has one frame
  const s = await d.decode({ frameIndex: 0 });
  assert.equal(s.image.duration, null);
  s.image.close();
  d.tracks[1].selected = true;
  const f = await d.decode({ frameIndex: 2 });
  assert.deepEqual([f.image.timestamp, f.image.duration], [TS[2], DUR[2]]);
  assert.ok(near(pixel(await rgba(f.image), 64, 10, 10), B, 3));
  f.image.close();
  d.close();
});

for (const name of ['anim-4.avif', 'anim-ffmpeg.avif', 'avifenc-anim.avif']) {
  test(`AVIF sequence ${name}: every frame equals ffmpeg's decode, in order, out of order and again`, async () => {
    const ref = ffmpegI420(make(name));
    const size = 64 * 48 * 3 / 2;
    assert.equal(ref.length, 4 * size);
    const d = open(name);
    await d.tracks.ready;
    // 1 and 3 are inter frames (keyframes 0 and 2 in our writer's files): out of order they restart at a sync sample
    for (const i of [0, 1, 2, 3, 3, 1, 0, 2, 1, 3]) {
      const { image } = await d.decode({ frameIndex: i });
      assert.ok((await i420(image)).equals(ref.subarray(i * size, (i + 1) * size)), `frame ${i}`);
      image.close();
    }
    d.close();
  });
}

test('AVIF sequence with an alpha track (libavif): I420A, the alpha of each frame', async () => {
  const d = open('avifenc-anim-alpha.avif');
  await d.tracks.ready;
  assert.deepEqual(facts(d), [[false, 1, 0, false], [true, 4, Infinity, true]]);
  const frames = await decodeTrack(d);
  frames.forEach((f, i) => {
    assert.equal(f.format, 'I420A');
    assert.deepEqual([f.timestamp, f.duration], [i * 100000, 100000]);
    assert.ok(near(pixel(f.rgba, 64, 10, 10), ANIM[i], 4), `frame ${i} left: ${pixel(f.rgba, 64, 10, 10)}`);
    assert.ok(near(pixel(f.rgba, 64, 50, 30), [...ANIM[i].slice(0, 3), 40 + 60 * i], 4), `frame ${i} right: ${pixel(f.rgba, 64, 50, 30)}`);
  });
  d.close();
});

test('AVIF sequence as a stream in 7-byte pieces: tracks once moov is here, decode() waits for its sample', async () => {
  const bytes = fs.readFileSync(make('anim-4.avif'));
  const whole = open('anim-4.avif');
  await whole.tracks.ready;
  const ref = await decodeTrack(whole);
  whole.close();
  const d = new ImageDecoder({ data: streamOf(bytes, 7), type: 'image/avif' });
  const last = d.decode({ frameIndex: 3 });
  await d.tracks.ready;
  // established once moov has arrived: the sequence's frame count is its sample table's; the still's becomes
  // 1 once its data (in mdat, after moov) has arrived (an update that may already have come)
  assert.deepEqual(facts(d).map((f) => [f[0], f[2]]), [[false, 0], [true, 2]]);
  assert.equal(d.tracks[1].frameCount, 4);
  const r = await last;
  assert.ok(Buffer.from(await rgba(r.image)).equals(Buffer.from(ref[3].rgba)));
  assert.equal(r.image.timestamp, TS[3]);
  r.image.close();
  await d.completed;
  assert.equal(d.tracks[0].frameCount, 1);
  d.close();
});

test('AVIF sequence cut inside its samples: earlier frames decode, the cut one is an EncodingError', async () => {
  const bytes = fs.readFileSync(make('anim-4.avif'));
  const d = new ImageDecoder({ data: bytes.subarray(0, bytes.length - 10), type: 'image/avif' });
  await d.tracks.ready;
  const f = await d.decode({ frameIndex: 2 });
  f.image.close();
  await assert.rejects(d.decode({ frameIndex: 3 }), (e) => e.name === 'EncodingError' && e instanceof DOMException);
});

// ---------------------------------------------------------------- grids

test('grid AVIF: 3 x 2 tiles of 128 x 128 cropped to 320 x 240, quadrants across the tile seams', async () => {
  const { frames, track } = await decodeAll('four-colors-grid.avif');
  assert.deepEqual(track, { animated: false, frameCount: 1, repetitionCount: 0 });
  const f = frames[0];
  assert.deepEqual([f.format, f.codedWidth, f.codedHeight, f.timestamp, f.duration], ['I420', 320, 240, 0, null]);
  const at = (x, y) => pixel(f.rgba, 320, x, y);
  const want = [[2, 2, Y], [317, 2, R], [2, 237, B], [317, 237, G], // corners
    [125, 60, Y], [131, 60, Y], [155, 60, Y], [165, 60, R], [254, 60, R], [258, 60, R], // across the x = 128, 256 seams
    [60, 115, Y], [60, 125, B], [60, 126, B], [60, 131, B], [300, 131, G], [300, 115, R]]; // across y = 120 and the y = 128 seam
  for (const [x, y, c] of want) assert.ok(near(at(x, y), c, 4), `(${x}, ${y}): ${at(x, y)} is not ${c}`);
});

test('grid AVIF from libavif (2 x 2, colour and alpha grids)', async () => {
  const g = (await decodeAll('avifenc-grid.avif')).frames[0];
  assert.deepEqual([g.format, g.codedWidth, g.codedHeight], ['I420', 320, 240]);
  corners(g.rgba, 320, 240).forEach((c, i) => assert.ok(near(c, [Y, R, B, G][i], 3), `corner ${i}: ${c}`));
  const a = (await decodeAll('avifenc-grid-alpha.avif')).frames[0];
  assert.equal(a.format, 'I420A');
  corners(a.rgba, 320, 240).forEach((c, i) => assert.ok(near(c, [Y, R, B, GA][i], 3), `alpha corner ${i}: ${c}`));
});

test('grid AVIF with fewer dimg references than rows x columns: EncodingError', async () => {
  const d = open('grid-missing-tile.avif');
  await assert.rejects(d.tracks.ready, (e) => e.name === 'EncodingError' && /rows x columns/.test(e.message));
});
