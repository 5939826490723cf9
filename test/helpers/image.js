'use strict';
// Helpers of the ImageDecoder tests: decoding a fixture whole or as a stream, and reading pixels.
const fs = require('node:fs');
const { ImageDecoder } = require('../..');
const { make } = require('../fixtures/image/make');

const TYPES = { png: 'image/png', apng: 'image/apng', jpg: 'image/jpeg', gif: 'image/gif', webp: 'image/webp', bmp: 'image/bmp', avif: 'image/avif' };
const typeOf = (name) => TYPES[name.split('.').pop()];

// RGBA bytes of a frame (its visible rect), via copyTo({format: 'RGBA'}).
async function rgba(frame) {
  const buf = new Uint8Array(frame.allocationSize({ format: 'RGBA' }));
  await frame.copyTo(buf, { format: 'RGBA' });
  return buf;
}

function pixel(buf, w, x, y) {
  const o = (y * w + x) * 4;
  return [buf[o], buf[o + 1], buf[o + 2], buf[o + 3]];
}

// The four corners (2 pixels in from the edge) of an RGBA image.
function corners(buf, w, h) {
  return [pixel(buf, w, 2, 2), pixel(buf, w, w - 3, 2), pixel(buf, w, 2, h - 3), pixel(buf, w, w - 3, h - 3)];
}

function near(actual, expected, tol) {
  return actual.length === expected.length && actual.every((v, i) => Math.abs(v - expected[i]) <= tol);
}

// A ReadableStream of the bytes in pieces of `size`, yielding to the event loop between some of them.
function streamOf(bytes, size = 7, { failAt = -1, error = null, yieldEvery = 16 } = {}) {
  let pos = 0;
  let n = 0;
  return new ReadableStream({
    async pull(c) {
      if (failAt >= 0 && pos >= failAt) {
        c.error(error || new Error('network went away'));
        return;
      }
      if (pos >= bytes.length) {
        c.close();
        return;
      }
      if (++n % yieldEvery === 0) await new Promise(setImmediate);
      const end = Math.min(bytes.length, pos + size);
      c.enqueue(new Uint8Array(bytes.subarray(pos, end)));
      pos = end;
    },
  });
}

// Every frame of a fixture: [{rgba, frame facts}], the decoder's track facts.
async function decodeAll(name, init = {}) {
  const data = fs.readFileSync(make(name));
  const d = new ImageDecoder({ data, type: typeOf(name), ...init });
  await d.tracks.ready;
  const t = d.tracks.selectedTrack;
  const out = [];
  for (let i = 0; i < Math.max(1, t.frameCount); i++) {
    const { image, complete } = await d.decode({ frameIndex: i });
    out.push({
      complete, format: image.format, codedWidth: image.codedWidth, codedHeight: image.codedHeight,
      displayWidth: image.displayWidth, displayHeight: image.displayHeight, timestamp: image.timestamp,
      duration: image.duration, rotation: image.rotation, flip: image.flip, colorSpace: image.colorSpace.toJSON(),
      rgba: await rgba(image),
    });
    image.close();
  }
  const track = { animated: t.animated, frameCount: t.frameCount, repetitionCount: t.repetitionCount };
  d.close();
  return { frames: out, track };
}

module.exports = { TYPES, typeOf, rgba, pixel, corners, near, streamOf, decodeAll, make };
