#!/usr/bin/env node
'use strict';
// Seed corpora of the image fuzz targets from the image fixtures (test/fixtures/image/make.js):
// image_container gets every format's files (at most 64 KiB each), image_decode the same files
// behind its two control bytes (format, flags: whole / streamed / scaled / backwards). Small BMPs
// are made here (the four-colour ones are larger than the targets' input limit).
//   node test/fuzz/make-image-seeds.js
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { make, FIXTURES, DERIVED } = require('../fixtures/image/make');

const corpus = path.join(__dirname, 'corpus');
const FORMATS = { png: ['png', 'apng'], jpeg: ['jpg'], gif: ['gif'], webp: ['webp'], bmp: ['bmp'], heif: ['avif'] };
const CODE = { png: 1, jpeg: 2, gif: 3, webp: 4, bmp: 5, heif: 6 };
const names = [...Object.keys(FIXTURES), ...Object.keys(DERIVED), ...fs.readdirSync(path.join(__dirname, '..', 'fixtures', 'image'))
  .filter((f) => /\.(jpg|avif)$/.test(f))];

function smallBmps(dir) {
  const out = [];
  for (const fmt of ['bgr24', 'bgra', 'pal8', 'rgb565le', 'rgb555le', 'monob']) {
    const f = path.join(dir, `small-${fmt}.bmp`);
    execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=s=16x12', '-frames:v', '1', '-pix_fmt', fmt, f]);
    out.push(f);
  }
  return out;
}

const dir = path.join(corpus, 'image_container');
for (const d of [dir, path.join(corpus, 'image_decode')]) {
  fs.rmSync(d, { recursive: true, force: true });
  fs.mkdirSync(d, { recursive: true });
}
for (const [target, exts] of Object.entries(FORMATS)) {
  const files = target === 'bmp' ? smallBmps(dir) : names.filter((n) => exts.includes(n.split('.').pop())).map((n) => make(n));
  for (const [k, f] of files.entries()) {
    const bytes = fs.readFileSync(f);
    if (bytes.length > 65536) continue;
    const base = path.basename(f);
    if (path.dirname(f) !== dir) fs.writeFileSync(path.join(dir, base), bytes);
    for (const flags of k === 0 ? [0, 1, 2, 9] : [0, 1]) {
      fs.writeFileSync(path.join(corpus, 'image_decode', `${target}-${flags}-${base}`), Buffer.concat([Buffer.from([CODE[target], flags]), bytes]));
    }
  }
}
for (const d of [dir, path.join(corpus, 'image_decode')]) console.log(d, fs.readdirSync(d).length);
