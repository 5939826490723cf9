'use strict';
// ImageDecoder's spec steps that throw or reject, by name and instanceof: the constructor's validity
// rules (TypeError) and transfer checks (DataCloneError), an unsupported type (NotSupportedError
// through tracks.ready and completed, then InvalidStateError from decode), decode() on a closed
// decoder or with no selected track (InvalidStateError), a frame past the end (RangeError), reset()
// and close() (AbortError), malformed data (EncodingError, decoder closed), a failing stream
// (NotReadableError), a chunk that is not a Uint8Array (DataError), isTypeSupported; ImageTrackList
// and ImageTrack attributes and the selected setter.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const { ImageDecoder, ImageTrackList, ImageTrack } = require('..');
const { streamOf, make, rgba } = require('./helpers/image');

const png = () => fs.readFileSync(make('four-colors.png'));
const gif = () => fs.readFileSync(make('anim-4.gif'));

async function rejects(p, name, ctor = DOMException) {
  let err;
  try {
    await p;
  } catch (e) {
    err = e;
  }
  assert.ok(err, `expected a rejection with ${name}`);
  assert.ok(err instanceof ctor, `${err} is not a ${ctor.name}`);
  assert.equal(err.name, name, err.message);
  return err;
}

function throws(fn, name, ctor) {
  assert.throws(fn, (e) => e instanceof ctor && e.name === name);
}

test('constructor: TypeError for an invalid ImageDecoderInit', () => {
  const data = png();
  throws(() => new ImageDecoder(), 'TypeError', TypeError);
  throws(() => new ImageDecoder(null), 'TypeError', TypeError);
  throws(() => new ImageDecoder({ data }), 'TypeError', TypeError); // type missing
  throws(() => new ImageDecoder({ type: 'image/png' }), 'TypeError', TypeError); // data missing
  for (const type of ['', 'png', 'image', 'image/', '/png', 'video/mp4', 'text/plain', 'image/png;', 'image/ png', 'image/png; a', 'image/p ng']) {
    if (type === 'image/png;') continue; // a parameter list may be empty: valid
    throws(() => new ImageDecoder({ data, type }), 'TypeError', TypeError);
  }
  throws(() => new ImageDecoder({ data: new Uint8Array(0), type: 'image/png' }), 'TypeError', TypeError);
  throws(() => new ImageDecoder({ data: 'not bytes', type: 'image/png' }), 'TypeError', TypeError);
  throws(() => new ImageDecoder({ data: {}, type: 'image/png' }), 'TypeError', TypeError);
  const detached = new ArrayBuffer(8);
  structuredClone(detached, { transfer: [detached] });
  throws(() => new ImageDecoder({ data: detached, type: 'image/png' }), 'TypeError', TypeError);
  throws(() => new ImageDecoder({ data, type: 'image/png', desiredWidth: 10 }), 'TypeError', TypeError);
  throws(() => new ImageDecoder({ data, type: 'image/png', desiredHeight: 10 }), 'TypeError', TypeError);
  throws(() => new ImageDecoder({ data, type: 'image/png', desiredWidth: -1, desiredHeight: 1 }), 'TypeError', TypeError);
  throws(() => new ImageDecoder({ data, type: 'image/png', colorSpaceConversion: 'srgb' }), 'TypeError', TypeError);
  const s = streamOf(data);
  s.getReader();
  throws(() => new ImageDecoder({ data: s, type: 'image/png' }), 'TypeError', TypeError); // locked
  // valid ones
  new ImageDecoder({ data, type: 'IMAGE/PNG; charset="x"', colorSpaceConversion: 'none', preferAnimation: true }).close();
  new ImageDecoder({ data, type: 'image/png;' }).close();
  // ImageBufferSource is (AllowSharedBufferSource or ReadableStream) in the current spec (it was BufferSource)
  new ImageDecoder({ data: new Uint8Array(new SharedArrayBuffer(8)), type: 'image/png' }).close();
  new ImageDecoder({ data: new SharedArrayBuffer(8), type: 'image/png' }).close();
  throws(() => new ImageDecoder({ data: new SharedArrayBuffer(0), type: 'image/png' }), 'TypeError', TypeError); // empty
});

test('constructor: DataCloneError for a repeated or detached transfer buffer', () => {
  const ab = new ArrayBuffer(16);
  throws(() => new ImageDecoder({ data: png(), type: 'image/png', transfer: [ab, ab] }), 'DataCloneError', DOMException);
  const det = new ArrayBuffer(8);
  structuredClone(det, { transfer: [det] });
  throws(() => new ImageDecoder({ data: png(), type: 'image/png', transfer: [det] }), 'DataCloneError', DOMException);
  throws(() => new ImageDecoder({ data: png(), type: 'image/png', transfer: [new Uint8Array(4)] }), 'TypeError', TypeError);
  const other = new ArrayBuffer(4);
  new ImageDecoder({ data: png(), type: 'image/png', transfer: [other] }).close();
  assert.equal(other.byteLength, 0, 'every transfer buffer is detached');
});

test('attributes: type, complete, completed, tracks', async () => {
  const d = new ImageDecoder({ data: png(), type: 'image/PNG' });
  assert.equal(d.type, 'image/PNG');
  assert.equal(d.complete, true);
  assert.ok(d.tracks instanceof ImageTrackList);
  assert.equal(await d.completed, undefined);
  assert.equal(d.tracks.length, 0, 'tracks are established in a task, not in the constructor');
  assert.equal(d.tracks.selectedIndex, -1);
  assert.equal(d.tracks.selectedTrack, null);
  assert.equal(await d.tracks.ready, undefined);
  assert.equal(d.tracks.length, 1);
  assert.ok(d.tracks[0] instanceof ImageTrack);
  assert.equal(d.tracks[0], d.tracks.selectedTrack);
  assert.equal(d.tracks[1], undefined);
  assert.deepEqual([d.tracks[0].animated, d.tracks[0].frameCount, d.tracks[0].repetitionCount, d.tracks[0].selected], [false, 1, 0, true]);
  assert.throws(() => new ImageTrack(), TypeError);
  assert.throws(() => new ImageTrackList(), TypeError);
  assert.equal(Object.prototype.toString.call(d), '[object ImageDecoder]');
  d.close();
  assert.equal(d.tracks.length, 0, 'Close ImageDecoder removes the tracks');
  assert.equal(d.tracks.selectedIndex, -1);
  assert.equal(d.tracks[0], undefined);
});

test('unsupported type: NotSupportedError through tracks.ready (and completed of a stream); decode() then InvalidStateError', async () => {
  const d = new ImageDecoder({ data: png(), type: 'image/x-unknown' });
  await rejects(d.tracks.ready, 'NotSupportedError');
  await d.completed; // a BufferSource is complete before configure runs
  await rejects(d.decode(), 'InvalidStateError');
  const s = new ImageDecoder({ data: streamOf(png()), type: 'image/tiff' });
  await rejects(s.tracks.ready, 'NotSupportedError');
  await rejects(s.completed, 'NotSupportedError');
});

test('decode(): InvalidStateError after close(); AbortError for pending decodes on close() and reset()', async () => {
  const d = new ImageDecoder({ data: streamOf(gif(), 64), type: 'image/gif' });
  const p1 = d.decode({ frameIndex: 3 });
  d.reset();
  await rejects(p1, 'AbortError');
  const { image } = await d.decode({ frameIndex: 3 }); // still works after reset
  assert.equal(image.timestamp, 600000);
  image.close();
  const p2 = d.decode({ frameIndex: 2 });
  const p3 = d.decode({ frameIndex: 1 });
  d.close();
  await rejects(p2, 'AbortError');
  await rejects(p3, 'AbortError');
  await rejects(d.decode(), 'InvalidStateError');
  d.close(); // again: nothing happens
  d.reset();
});

test('decode(): RangeError for a frame past the end of complete data; TypeError for bad options', async () => {
  const d = new ImageDecoder({ data: gif(), type: 'image/gif' });
  await rejects(d.decode({ frameIndex: 4 }), 'RangeError', RangeError);
  await rejects(d.decode({ frameIndex: -1 }), 'TypeError', TypeError);
  await rejects(d.decode({ frameIndex: 2 ** 32 }), 'TypeError', TypeError);
  await rejects(d.decode(5), 'TypeError', TypeError);
  const { image, complete } = await d.decode({ frameIndex: 3, completeFramesOnly: true });
  assert.equal(complete, true);
  image.close();
  d.close();
});

test('malformed data: EncodingError, the decoder closes, later decodes are InvalidStateError', async () => {
  const bad = Buffer.from(png());
  bad.write('XXXX', 12, 'latin1'); // IHDR's chunk type
  const d = new ImageDecoder({ data: bad, type: 'image/png' });
  const p = d.decode();
  await rejects(p, 'EncodingError');
  await rejects(d.tracks.ready, 'EncodingError');
  await rejects(d.decode(), 'InvalidStateError');
  // a PNG given as a JPEG
  const j = new ImageDecoder({ data: png(), type: 'image/jpeg' });
  await rejects(j.decode(), 'EncodingError');
});

test('truncated data: EncodingError; data ending before any header: EncodingError', async () => {
  const full = fs.readFileSync(make('four-colors.jpg'));
  await rejects(new ImageDecoder({ data: full.subarray(0, full.length - 40), type: 'image/jpeg' }).decode(), 'EncodingError');
  await rejects(new ImageDecoder({ data: full.subarray(0, 3), type: 'image/jpeg' }).decode(), 'EncodingError');
  const g = gif();
  await rejects(new ImageDecoder({ data: g.subarray(0, g.length - 300), type: 'image/gif' }).decode({ frameIndex: 3 }), 'EncodingError');
});

test('stream errors: NotReadableError; a chunk that is not a Uint8Array: DataError', async () => {
  const d = new ImageDecoder({ data: streamOf(png(), 100, { failAt: 300 }), type: 'image/png' });
  const p = d.decode();
  await rejects(p, 'NotReadableError');
  await rejects(d.completed, 'NotReadableError');
  const s = new ReadableStream({ start(c) { c.enqueue('text'); c.close(); } });
  const e = new ImageDecoder({ data: s, type: 'image/png' });
  await rejects(e.decode(), 'DataError');
  await rejects(e.tracks.ready, 'DataError');
});

test('close() cancels the stream it reads', async () => {
  let cancelled = false;
  const s = new ReadableStream({ pull() {}, cancel() { cancelled = true; } });
  const d = new ImageDecoder({ data: s, type: 'image/png' });
  d.close();
  await new Promise(setImmediate);
  assert.equal(cancelled, true);
});

test('selected setter: reset (AbortError) then the selection applies; no selection: decode InvalidStateError', async () => {
  const d = new ImageDecoder({ data: gif(), type: 'image/gif' });
  await d.tracks.ready;
  const t = d.tracks[0];
  const p = d.decode({ frameIndex: 3 });
  t.selected = false;
  await rejects(p, 'AbortError');
  assert.equal(d.tracks.selectedIndex, -1);
  assert.equal(d.tracks.selectedTrack, null);
  await rejects(d.decode(), 'InvalidStateError');
  t.selected = true;
  assert.equal(d.tracks.selectedIndex, 0);
  const { image } = await d.decode({ frameIndex: 2 });
  assert.equal(image.timestamp, 300000);
  image.close();
  d.close();
  t.selected = false; // closed: ignored
  assert.equal(t.selected, true);
});

test('isTypeSupported: TypeError for an invalid type, booleans otherwise, answered in a task', async () => {
  await rejects(ImageDecoder.isTypeSupported('png'), 'TypeError', TypeError);
  await rejects(ImageDecoder.isTypeSupported('video/mp4'), 'TypeError', TypeError);
  await rejects(ImageDecoder.isTypeSupported(), 'TypeError', TypeError);
  for (const t of ['image/png', 'image/apng', 'image/jpeg', 'image/gif', 'image/webp', 'image/bmp', 'image/avif', 'IMAGE/JPEG']) {
    assert.equal(await ImageDecoder.isTypeSupported(t), true, t);
  }
  for (const t of ['image/tiff', 'image/svg+xml', 'image/heic', 'image/jxl']) assert.equal(await ImageDecoder.isTypeSupported(t), false, t);
  const order = [];
  const p = ImageDecoder.isTypeSupported('image/png').then(() => order.push('answer'));
  await null;
  order.push('microtask');
  await p;
  assert.deepEqual(order, ['microtask', 'answer']);
});

test('results: image is a VideoFrame the caller owns; a rejected promise leaves no frame behind', async () => {
  const { VideoFrame } = require('..');
  const d = new ImageDecoder({ data: png(), type: 'image/png' });
  const r = await d.decode();
  assert.ok(r.image instanceof VideoFrame);
  assert.deepEqual(Object.keys(r).sort(), ['complete', 'image']);
  const copy = r.image.clone();
  r.image.close();
  assert.equal((await rgba(copy)).length, 320 * 240 * 4);
  copy.close();
  d.close();
});
