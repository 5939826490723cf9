#!/usr/bin/env node
'use strict';
// Seed corpora of the audio fuzz targets (test/fuzz/fuzz_audio_decode.c, fuzz_audio_data.c),
// from the audio fixtures (test/fixtures/audio/make.js, made with ffmpeg): the first chunks of each
// clip with its description, in decode_audio's input format; and copyTo cases for audio_data.
//   node test/fuzz/make-audio-seeds.js
const fs = require('node:fs');
const path = require('node:path');
const { loadAudioTrack } = require('../helpers/audio');

const CODECS = ['mp4a.40.2', 'mp4a.40.5', 'mp4a.40.29', 'mp4a.67', 'opus', 'mp3', 'flac', 'vorbis',
  'pcm-u8', 'pcm-s16', 'pcm-s24', 'pcm-s32', 'pcm-f32', 'ulaw', 'alaw'];
const RATES = [8000, 16000, 22050, 44100, 48000, 96000];
const CLIPS = ['aac-lc-44100-stereo.m4a', 'aac-lc-48000-mono.aac', 'he-aac-v2-24000-mono.m4a', 'opus-48000-stereo.ogg',
  'opus-48000-5.1-family1.ogg', 'mp3-44100-stereo.mp3', 'flac-44100-stereo-s16.flac', 'flac-48000-mono-s24.flac',
  'vorbis-44100-stereo.ogg', 'pcm-u8-8000-mono.wav', 'pcm-s24-48000-stereo.wav', 'pcm-f32-44100-stereo.wav', 'ulaw-8000-mono.wav'];

const dir = (name) => { const d = path.join(__dirname, 'corpus', name); fs.mkdirSync(d, { recursive: true }); return d; };
const u16 = (n) => Buffer.from([n >> 8, n & 255]);
const u32 = (n) => { const b = Buffer.alloc(4); b.writeUInt32BE(n); return b; };

for (const clip of CLIPS) {
  const t = loadAudioTrack(clip);
  const rate = RATES.indexOf(t.sampleRate);
  const parts = [Buffer.from([CODECS.indexOf(t.codec), t.description ? 1 : 0, (t.numberOfChannels - 1) % 8, rate < 0 ? 4 : rate])];
  if (t.description) parts.push(u16(t.description.length), Buffer.from(t.description));
  for (const c of t.chunks.slice(0, 6)) parts.push(u32(c.data.length), Buffer.from(c.data).subarray(0, 4096));
  fs.writeFileSync(path.join(dir('decode_audio'), `seed-${clip}`), Buffer.concat(parts));
}
// audio_data: [src fmt, dst fmt, channels-1, frames u16, planeIndex, frameOffset u16, frameCount u16 (0xffff absent)] + bytes
const cases = [[3, 1, 1, 480, 0, 0, 0xffff], [7, 3, 5, 256, 0, 10, 100], [1, 4, 69, 7, 68, 1, 5], [0, 6, 0, 100, 0, 99, 1],
  [2, 7, 2, 64, 2, 0, 0xffff], [6, 0, 3, 33, 0, 3, 30], [5, 2, 7, 128, 0, 0, 0], [4, 5, 1, 9, 1, 8, 0xffff]];
for (const [i, [s, d, ch, frames, plane, off, count]] of cases.entries()) {
  const head = Buffer.concat([Buffer.from([s, d, ch]), u16(frames - 1), Buffer.from([plane]), u16(off), u16(count)]);
  const body = Buffer.from(Array.from({ length: 512 }, (_, k) => (k * 37 + i * 11) & 255));
  fs.writeFileSync(path.join(dir('audio_data'), `seed-${i}`), Buffer.concat([head, body]));
}
