#!/usr/bin/env node
// npm run demo: decodes a bundled clip with VideoDecoder and checks every frame
// against FFmpeg's own decode of the same file (md5 of the I420 planes).
//   node scripts/demo.js [fixture]     default: testsrc2-1280x720-h264.mp4
'use strict';
const { createHash } = require('node:crypto');
const { execFileSync } = require('node:child_process');
const path = require('node:path');
const { pathToFileURL } = require('node:url');
const { VideoDecoder, EncodedVideoChunk, ffmpegVersions } = require('..');

const name = process.argv[2] || 'testsrc2-1280x720-h264.mp4';
const file = path.join(__dirname, '..', 'test', 'fixtures', name);

function ffmpegMd5s() {
  try {
    const out = execFileSync('ffmpeg', ['-v', 'error', ...(/av1/.test(name) ? ['-c:v', 'libdav1d'] : []), '-i', file,
      '-map', '0:v:0', '-fps_mode', 'passthrough', '-pix_fmt', 'yuv420p', '-f', 'framemd5', '-'], { encoding: 'utf8', maxBuffer: 1 << 26 });
    return out.split('\n').filter((l) => l && !l.startsWith('#')).map((l) => l.split(',').pop().trim());
  } catch {
    return null; // no ffmpeg CLI
  }
}

(async () => {
  const { loadTrack } = await import(pathToFileURL(path.join(__dirname, '..', 'test', 'helpers', 'demux.mjs')));
  const track = loadTrack(file);
  const md5s = [];
  const timestamps = [];
  let error = null;
  const copies = [];
  const decoder = new VideoDecoder({
    output(frame) {
      timestamps.push(frame.timestamp);
      const buf = new Uint8Array(frame.allocationSize());
      const i = md5s.length;
      md5s.push(null);
      copies.push(frame.copyTo(buf).then(() => { md5s[i] = createHash('md5').update(buf).digest('hex'); frame.close(); }));
    },
    error(e) { error = e; },
  });
  const t0 = performance.now();
  decoder.configure({ codec: track.codec, codedWidth: track.codedWidth, codedHeight: track.codedHeight, description: track.description });
  for (const c of track.chunks) decoder.decode(new EncodedVideoChunk(c));
  await decoder.flush();
  await Promise.all(copies);
  const ms = performance.now() - t0;
  decoder.close();
  if (error) throw error;

  const ref = ffmpegMd5s();
  const v = ffmpegVersions();
  console.log(`webcodecs-native demo: ${name} (${track.codec}, ${track.codedWidth}x${track.codedHeight}) on FFmpeg ${v.ffmpeg}`);
  console.log(`  frames:          ${timestamps.length} of ${track.chunks.length} chunks`);
  console.log(`  first timestamp: ${timestamps[0]} us, last: ${timestamps[timestamps.length - 1]} us`);
  console.log(`  decode speed:    ${(timestamps.length / (ms / 1000)).toFixed(1)} fps (with copyTo of every frame)`);
  if (ref) {
    const same = ref.length === md5s.length && ref.every((m, i) => m === md5s[i]);
    console.log(`  matches FFmpeg:  ${same ? 'yes, every frame is bit-exact' : 'NO'}`);
    if (!same) process.exitCode = 1;
  } else {
    console.log('  matches FFmpeg:  not checked (the ffmpeg command is not installed)');
  }
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
