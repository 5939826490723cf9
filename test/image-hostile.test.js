'use strict';
// Hostile images for every container: truncated, bit-flipped, random and overwritten bytes, as
// buffers and as streams, give frames or EncodingError / RangeError, never a crash or a hang (each
// fixture runs in a child process so that a crash shows as a signal); images declaring 60000x60000
// pixels (or the format's maximum) are refused with EncodingError before anything that size is
// allocated.
const test = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const zlib = require('node:zlib');
const { ImageDecoder } = require('..');
const { make } = require('./helpers/image');
const fx = require('./fixtures/image/make');

const ROUNDS = Number(process.env.WC_HOSTILE_ROUNDS || 24);
const FIXTURES = ['four-colors.png', 'anim-square.apng', 'four-colors.jpg', 'four-colors-progressive.jpg', 'anim-disposal.gif',
  'anim-ffmpeg.gif', 'four-colors.webp', 'four-colors-alpha.webp', 'anim-square.webp', 'four-colors-pal8.bmp',
  'four-colors-alpha.avif', 'avifenc-alpha-irot3-imir1.avif'];

for (const [i, name] of FIXTURES.entries()) {
  test(`hostile copies of ${name}`, () => {
    make(name); // made here, not in the child (which would make its own)
    const r = spawnSync(process.execPath, [path.join(__dirname, 'helpers', 'image-hostile-run.js'), name, String(7000 + i), String(ROUNDS)], {
      encoding: 'utf8', timeout: 120000,
    });
    assert.equal(r.signal, null, `killed by ${r.signal}\n${r.stderr}`);
    assert.equal(r.status, 0, r.stderr);
    const stats = JSON.parse(r.stdout.trim().split('\n').pop());
    assert.equal(stats.rounds, ROUNDS);
    assert.ok(stats.errors > 0, 'some damaged copies are refused');
    assert.equal(stats.freshError === null || stats.freshError === 'RangeError', true, `the intact file decodes (${stats.freshError})`);
    assert.ok(stats.freshFrames > 0);
  });
}

// ---------------------------------------------------------------- huge declared sizes

function pngChunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  return Buffer.concat([len, Buffer.from(type, 'latin1'), data, Buffer.alloc(4)]);
}

function hugePng(w, h) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8;
  ihdr[9] = 2;
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 13, 10, 26, 10]), pngChunk('IHDR', ihdr),
    pngChunk('IDAT', zlib.deflateSync(Buffer.alloc(1024))), pngChunk('IEND', Buffer.alloc(0))]);
}

function patched(name, edits) {
  const b = Buffer.from(fs.readFileSync(make(name)));
  edits(b);
  return b;
}

const HUGE = {
  'PNG 60000x60000': ['image/png', () => hugePng(60000, 60000)],
  'PNG 16385x16': ['image/png', () => hugePng(16385, 16)],
  'GIF 60000x60000': ['image/gif', () => patched('four-colors.gif', (b) => { b.writeUInt16LE(60000, 6); b.writeUInt16LE(60000, 8); })],
  'JPEG 60000x60000': ['image/jpeg', () => patched('four-colors.jpg', (b) => {
    const sof = b.indexOf(Buffer.from([0xff, 0xc0]));
    b.writeUInt16BE(60000, sof + 5);
    b.writeUInt16BE(60000, sof + 7);
  })],
  'WebP 60000x60000': ['image/webp', () => patched('four-colors-alpha.webp', (b) => {
    const x = b.indexOf('VP8X');
    b.writeUIntLE(59999, x + 12, 3);
    b.writeUIntLE(59999, x + 15, 3);
  })],
  'BMP 60000x60000': ['image/bmp', () => patched('four-colors.bmp', (b) => { b.writeInt32LE(60000, 18); b.writeInt32LE(60000, 22); })],
  'AVIF 60000x60000': ['image/avif', () => patched('four-colors-420.avif', (b) => {
    const i = b.indexOf('ispe');
    b.writeUInt32BE(60000, i + 8);
    b.writeUInt32BE(60000, i + 12);
  })],
};

for (const [what, [type, build]] of Object.entries(HUGE)) {
  test(`declared size over the limit: ${what} is EncodingError, memory stays small`, async () => {
    const before = process.memoryUsage().rss;
    const d = new ImageDecoder({ data: build(), type });
    await assert.rejects(d.decode(), (e) => e instanceof DOMException && e.name === 'EncodingError' && /16384|size/.test(e.message));
    assert.ok(process.memoryUsage().rss - before < 64 * 1024 * 1024, 'no canvas of the declared size was allocated');
  });
}

test('a GIF frame far bigger than its canvas is clipped, not drawn out of bounds', async () => {
  const g = fx.gif({ w: 16, h: 16, palette: [[255, 0, 0]], frames: [{ x: 8, y: 8, w: 64, h: 64, indices: new Uint8Array(64 * 64) }] });
  const d = new ImageDecoder({ data: g, type: 'image/gif' });
  const { image } = await d.decode();
  assert.deepEqual([image.codedWidth, image.codedHeight], [16, 16]);
  image.close();
  d.close();
});
