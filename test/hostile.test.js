'use strict';
// Hostile input: random, truncated, bit-flipped and empty chunks and damaged
// descriptions, for every codec. The decoder gives frames or an EncodingError
// (NotSupportedError for a damaged description), never a crash or a hang; a
// fresh decoder afterwards still decodes the clip. Each codec runs in a child
// process so that a crash shows as a signal.
const test = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const path = require('node:path');

const ROUNDS = Number(process.env.WC_HOSTILE_ROUNDS || 25);
const FILES = ['testsrc2-320x240-h264.h264', 'testsrc2-320x240-h264.mp4', 'testsrc2-320x240-hevc.hevc', 'testsrc2-320x240-vp8.ivf',
  'testsrc2-320x240-vp9.ivf', 'testsrc2-320x240-av1.ivf', 'testsrc2-320x240-vp9-10bit.ivf'];

for (const [i, file] of FILES.entries()) {
  test(`hostile chunks for ${file}`, () => {
    const r = spawnSync(process.execPath, [path.join(__dirname, 'helpers', 'hostile-run.js'), file, String(1000 + i), String(ROUNDS)], {
      encoding: 'utf8', timeout: 240000,
    });
    assert.equal(r.signal, null, `killed by ${r.signal}\n${r.stderr}`);
    assert.equal(r.status, 0, r.stderr);
    const stats = JSON.parse(r.stdout.trim().split('\n').pop());
    assert.equal(stats.freshError, null);
    assert.equal(stats.freshFrames, stats.expected, 'a fresh decoder decodes every frame');
  });
}
