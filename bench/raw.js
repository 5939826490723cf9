'use strict';
// The raw sources of the encoder cases (bench/cases.js), made once per machine with ffmpeg's
// testsrc2 (video) or aevalsrc (audio) under bench/out/.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

function ensureRaw(raw) {
  const file = path.join(__dirname, '..', raw.raw);
  if (raw.audio) {
    // interleaved f32 from ffmpeg's aevalsrc (bench/cases.js says what)
    if (fs.existsSync(file) && fs.statSync(file).size === raw.rate * raw.channels * 4 * raw.seconds) return;
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const r = spawnSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', `aevalsrc=${raw.expr}:s=${raw.rate}:d=${raw.seconds}`, '-f', 'f32le', file]);
    if (r.status !== 0) throw new Error(`could not make ${file}: ${r.stderr}`);
    return;
  }
  const bpp = raw.pixfmt === 'rgba' ? 4 : 1.5;
  if (fs.existsSync(file) && fs.statSync(file).size === raw.width * raw.height * bpp * raw.frames) return;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const r = spawnSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', `testsrc2=size=${raw.width}x${raw.height}:rate=30`,
    '-frames:v', String(raw.frames), '-pix_fmt', raw.pixfmt, '-f', 'rawvideo', file]);
  if (r.status !== 0) throw new Error(`could not make ${file}: ${r.stderr}`);
}

module.exports = { ensureRaw };
