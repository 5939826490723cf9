'use strict';
// Hostile input for every audio codec: random, truncated, bit-flipped and empty chunks and damaged
// descriptions give outputs or EncodingError (NotSupportedError for a damaged description), never a
// crash or a hang; a fresh decoder afterwards still decodes the clip. Each codec runs in a child
// process so that a crash shows as a signal.
const test = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const path = require('node:path');

const ROUNDS = Number(process.env.WC_HOSTILE_ROUNDS || 20);
const CLIPS = ['aac-lc-44100-stereo.m4a', 'aac-lc-48000-mono.aac', 'he-aac-v2-24000-mono.m4a', 'opus-48000-stereo.ogg',
  'opus-48000-5.1-family1.ogg', 'mp3-44100-stereo.mp3', 'flac-48000-mono-s24.flac', 'vorbis-44100-stereo.ogg',
  'pcm-s24-48000-stereo.wav', 'ulaw-8000-mono.wav'];

for (const [i, clip] of CLIPS.entries()) {
  test(`hostile chunks for ${clip}`, () => {
    const r = spawnSync(process.execPath, [path.join(__dirname, 'helpers', 'audio-hostile-run.js'), clip, String(2000 + i), String(ROUNDS)], {
      encoding: 'utf8', timeout: 120000,
    });
    assert.equal(r.signal, null, `killed by ${r.signal}\n${r.stderr}`);
    assert.equal(r.status, 0, r.stderr);
    const stats = JSON.parse(r.stdout.trim().split('\n').pop());
    assert.equal(stats.rounds, ROUNDS);
    assert.equal(stats.freshError, null);
    assert.ok(stats.freshFrames > 0 && stats.freshFrames <= stats.chunks, `a fresh decoder decodes the clip (${stats.freshFrames} frames)`);
  });
}
