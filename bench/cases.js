'use strict';
// Benchmark cases: what this library runs (bench/child.js) and the equivalent ffmpeg
// command line ($IN = the same fixture file). ffmpeg1 is the single-threaded CLI run
// used for the CPU-per-frame comparison.
const decode = (name, file, extra = {}) => ({
  name,
  lib: { kind: 'decode', file, ...extra },
  ffmpeg: ['-threads', 'auto', ...(/av1/.test(file) ? ['-c:v', 'libdav1d'] : []), '-i', '$IN', '-f', 'null', '-'],
  ffmpeg1: ['-threads', '1', ...(/av1/.test(file) ? ['-c:v', 'libdav1d'] : []), '-i', '$IN', '-f', 'null', '-'],
});

const CASES = [
  decode('decode 1080p H.264', 'testsrc2-1920x1080-h264.h264'),
  decode('decode 720p HEVC', 'testsrc2-1280x720-hevc.hevc'),
  decode('decode 720p VP8', 'testsrc2-1280x720-vp8.ivf'),
  decode('decode 720p VP9', 'testsrc2-1280x720-vp9.ivf'),
  decode('decode 720p AV1', 'testsrc2-1280x720-av1.ivf'),
];

module.exports = { CASES };
