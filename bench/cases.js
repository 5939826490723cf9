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

// Encoder cases: the library's configuration and the ffmpeg options that select the same encoder
// with the same settings (mirroring src/encoder_params.c), on the same raw 720p testsrc2 frames.
const RAW = { raw: 'bench/out/testsrc2-1280x720-300.yuv', width: 1280, height: 720, frames: 300 };
const rawIn = ['-f', 'rawvideo', '-pix_fmt', 'yuv420p', '-s', '1280x720', '-r', '30', '-i', '$RAW'];
const encode = (name, config, ffmpegArgs) => ({
  name,
  lib: { kind: 'encode', ...RAW, config: { width: 1280, height: 720, framerate: 30, ...config } },
  ffmpeg: [...rawIn, ...ffmpegArgs, '-f', 'null', '-'],
  raw: RAW,
});

const CASES = [
  decode('decode 1080p H.264', 'testsrc2-1920x1080-h264.h264'),
  decode('decode 720p HEVC', 'testsrc2-1280x720-hevc.hevc'),
  decode('decode 720p VP8', 'testsrc2-1280x720-vp8.ivf'),
  decode('decode 720p VP9', 'testsrc2-1280x720-vp9.ivf'),
  decode('decode 720p AV1', 'testsrc2-1280x720-av1.ivf'),
  encode('encode 720p H.264 realtime', { codec: 'avc1.64001f', bitrate: 2_000_000, latencyMode: 'realtime' },
    ['-c:v', 'libx264', '-profile:v', 'high', '-level', '3.1', '-preset', 'veryfast', '-tune', 'zerolatency', '-forced-idr', '1',
      '-a53cc', '0', '-x264-params', 'bframes=0:rc-lookahead=0:sync-lookahead=0', '-b:v', '2M', '-g', '3000', '-bf', '0']),
  encode('encode 720p VP8 realtime', { codec: 'vp8', bitrate: 2_000_000, latencyMode: 'realtime' },
    ['-c:v', 'libvpx', '-deadline', 'realtime', '-cpu-used', '8', '-lag-in-frames', '0', '-auto-alt-ref', '0', '-drop-threshold', '0',
      '-error-resilient', '0', '-b:v', '2M', '-qmin', '2', '-qmax', '56', '-g', '3000', '-threads', '2']),
  encode('encode 720p VP9 realtime', { codec: 'vp09.00.31.08', bitrate: 2_000_000, latencyMode: 'realtime' },
    ['-c:v', 'libvpx-vp9', '-deadline', 'realtime', '-cpu-used', '8', '-lag-in-frames', '0', '-auto-alt-ref', '0', '-drop-threshold', '0',
      '-error-resilient', '0', '-row-mt', '1', '-tile-columns', '2', '-frame-parallel', '0', '-b:v', '2M', '-qmin', '2', '-qmax', '56',
      '-g', '3000', '-threads', '2']),
  encode('encode 720p AV1 realtime', { codec: 'av01.0.05M.08', bitrate: 2_000_000, latencyMode: 'realtime' },
    ['-c:v', 'libaom-av1', '-usage', 'realtime', '-cpu-used', '8', '-lag-in-frames', '0', '-auto-alt-ref', '0', '-row-mt', '1',
      '-b:v', '2M', '-g', '3000', '-threads', '2']),
  encode('encode 720p H.264 quality', { codec: 'avc1.64001f', bitrate: 2_000_000, latencyMode: 'quality' },
    ['-c:v', 'libx264', '-profile:v', 'high', '-level', '3.1', '-preset', 'medium', '-forced-idr', '1', '-a53cc', '0',
      '-x264-params', 'bframes=0:rc-lookahead=8:sync-lookahead=0', '-b:v', '2M', '-g', '3000', '-bf', '0']),
];

module.exports = { CASES };
