'use strict';
// Benchmark cases: what this library runs (bench/child.js) and the equivalent ffmpeg
// command line on the same input ($IN = the fixture file, $RAW = the raw source file).
// ffmpeg1 is the single-threaded CLI run used for the CPU-per-frame comparison.
// The encoder options mirror src/video/encoder_params.c, so both sides run the same
// encoder with the same settings.

const av1dec = (file) => (/av1/.test(file) ? ['-c:v', 'libdav1d'] : []);
const decode = (name, file, extra = {}, ffOut = ['-f', 'null', '-'], ffIn = []) => ({
  name,
  lib: { kind: 'decode', file, ...extra },
  ffmpeg: ['-threads', 'auto', ...av1dec(file), ...ffIn, '-i', '$IN', ...ffOut],
  ffmpeg1: ['-threads', '1', ...av1dec(file), ...ffIn, '-i', '$IN', ...ffOut],
});

// raw sources, made once with ffmpeg's testsrc2 (bench/run.js)
const RAW720 = { raw: 'bench/out/testsrc2-1280x720-300.yuv', width: 1280, height: 720, frames: 300, pixfmt: 'yuv420p' };
const RAW1080 = { raw: 'bench/out/testsrc2-1920x1080-60.yuv', width: 1920, height: 1080, frames: 60, pixfmt: 'yuv420p' };
const RAW1080RGBA = { raw: 'bench/out/testsrc2-1920x1080-10.rgba', width: 1920, height: 1080, frames: 10, pixfmt: 'rgba' };
const rawIn = (r) => ['-f', 'rawvideo', '-pix_fmt', r.pixfmt, '-s', `${r.width}x${r.height}`, '-r', '30', '-i', '$RAW'];

const encode = (name, config, ffmpegArgs, { raw = RAW720, frames = 300, format = 'I420', loops = 0, psnr = false } = {}) => ({
  name,
  raw,
  lib: { kind: 'encode', raw: raw.raw, width: raw.width, height: raw.height, frames, format, psnr,
    config: { width: raw.width, height: raw.height, framerate: 30, ...config } },
  ffmpeg: [...(loops ? ['-stream_loop', String(loops)] : []), ...rawIn(raw), '-frames:v', String(frames), ...ffmpegArgs, '-f', 'null', '-'],
});

const X264_RT = ['-c:v', 'libx264', '-profile:v', 'high', '-level', '3.1', '-preset', 'veryfast', '-tune', 'zerolatency', '-forced-idr', '1',
  '-a53cc', '0', '-x264-params', 'bframes=0:rc-lookahead=0:sync-lookahead=0', '-b:v', '2M', '-g', '3000', '-bf', '0'];
const VPX_RT = ['-deadline', 'realtime', '-cpu-used', '8', '-lag-in-frames', '0', '-auto-alt-ref', '0', '-drop-threshold', '0',
  '-error-resilient', '0', '-b:v', '2M', '-qmin', '2', '-qmax', '56', '-g', '3000', '-threads', '2'];
const VP9_RT = ['-c:v', 'libvpx-vp9', ...VPX_RT, '-row-mt', '1', '-tile-columns', '2', '-frame-parallel', '0'];
// latencyMode "quality" at 1080p, 4 Mb/s VBR (src/video/encoder_params.c: above 720p's area quality mode runs
// the realtime-class speeds, wc_enc_fast_quality)
const VPX_Q1080 = ['-deadline', 'realtime', '-lag-in-frames', '0', '-auto-alt-ref', '0', '-drop-threshold', '0',
  '-error-resilient', '0', '-b:v', '4M', '-qmin', '2', '-qmax', '56', '-g', '3000', '-threads', '2'];
const VP8_Q1080 = ['-c:v', 'libvpx', '-cpu-used', '-6', ...VPX_Q1080];
const VP9_Q1080 = ['-c:v', 'libvpx-vp9', '-cpu-used', '6', ...VPX_Q1080, '-row-mt', '1', '-tile-columns', '2', '-frame-parallel', '0',
  '-aq-mode', '3'];
const AOM_Q1080 = ['-c:v', 'libaom-av1', '-usage', 'realtime', '-cpu-used', '7', '-lag-in-frames', '0', '-auto-alt-ref', '0', '-row-mt', '1',
  '-tile-columns', '1', '-b:v', '4M', '-g', '3000', '-threads', '2'];

// Audio: 60 s of 48 kHz stereo (tones, a vibrato and noise, so both codecs work for their bits),
// interleaved f32 as the library gets it in AudioData of 1024 frames. The encoder options are the
// same on both sides (src/audio/audio_encoder_codecs.c): the outputs are byte-identical
// (test/audio-encoder-roundtrip.test.js), so `frames` is the packet count of both.
const RAW_AUDIO = {
  raw: 'bench/out/aevalsrc-48000-2ch-60s.f32', audio: true, rate: 48000, channels: 2, seconds: 60,
  expr: '0.25*sin(2*PI*440*t)+0.15*sin(2*PI*1250*t+sin(2*PI*0.5*t))+0.05*(random(0)-0.5)|0.25*sin(2*PI*660*t)+0.1*sin(2*PI*2500*t)+0.05*(random(1)-0.5)',
};
const audioEncode = (name, config, codecArgs, packets) => ({
  name,
  raw: RAW_AUDIO,
  frames: packets,
  lib: { kind: 'audio-encode', raw: RAW_AUDIO.raw, rate: RAW_AUDIO.rate, channels: RAW_AUDIO.channels, per: 1024,
    config: { sampleRate: RAW_AUDIO.rate, numberOfChannels: RAW_AUDIO.channels, ...config } },
  ffmpeg: ['-f', 'f32le', '-ar', '48000', '-ac', '2', '-i', '$RAW', ...codecArgs, '-f', 'null', '-'],
  ffmpeg1: ['-threads', '1', '-f', 'f32le', '-ar', '48000', '-ac', '2', '-i', '$RAW', ...codecArgs, '-f', 'null', '-'],
});

const CASES = [
  decode('decode 1080p H.264', 'testsrc2-1920x1080-h264.h264'),
  decode('decode 720p HEVC', 'testsrc2-1280x720-hevc.hevc'),
  decode('decode 720p VP8', 'testsrc2-1280x720-vp8.ivf'),
  decode('decode 720p VP9', 'testsrc2-1280x720-vp9.ivf'),
  decode('decode 720p AV1', 'testsrc2-1280x720-av1.ivf'),
  decode('decode 1080p H.264 + copyTo I420', 'testsrc2-1920x1080-h264.h264', { copyTo: 'I420' }, ['-f', 'rawvideo', '-pix_fmt', 'yuv420p', '-y', '/dev/null']),
  decode('decode 720p H.264 + copyTo RGBA', 'testsrc2-1280x720-h264.mp4', { copyTo: 'RGBA' }, ['-f', 'rawvideo', '-pix_fmt', 'rgba', '-y', '/dev/null']),
  // 320x240: the library decodes frames this small on one thread (src/video/decoder_engine.c), so the
  // libavcodec-alone side runs with one thread too (ceilingThreads); the CLI keeps -threads auto
  { ...decode('decode 240p VP8 (3,000 chunks)', 'testsrc2-320x240-vp8.ivf', { repeat: 20 }, ['-f', 'null', '-'], ['-stream_loop', '19']), ceilingThreads: 1 },
  { ...decode('decode 240p H.264 (3,000 chunks)', 'testsrc2-320x240-h264.h264', { repeat: 20 }, ['-f', 'null', '-'], ['-stream_loop', '19']), ceilingThreads: 1 },
  encode('encode 720p H.264 realtime', { codec: 'avc1.64001f', bitrate: 2_000_000, latencyMode: 'realtime' }, X264_RT),
  // VP8 realtime runs at a fixed speed (cpu-used -6, src/video/encoder_params.c)
  encode('encode 720p VP8 realtime', { codec: 'vp8', bitrate: 2_000_000, latencyMode: 'realtime' },
    ['-c:v', 'libvpx', ...VPX_RT.map((a) => (a === '8' ? '-6' : a))]),
  encode('encode 720p VP9 realtime', { codec: 'vp09.00.31.08', bitrate: 2_000_000, latencyMode: 'realtime' }, VP9_RT),
  encode('encode 720p AV1 realtime', { codec: 'av01.0.05M.08', bitrate: 2_000_000, latencyMode: 'realtime' },
    ['-c:v', 'libaom-av1', '-usage', 'realtime', '-cpu-used', '8', '-lag-in-frames', '0', '-auto-alt-ref', '0', '-row-mt', '1',
      '-b:v', '2M', '-g', '3000', '-threads', '2']),
  // quality mode holds at most 3 frames: a 2-frame lookahead and sliced threads (src/video/encoder_params.c,
  // since 2026-12-04; this case compared against lookahead 8 with frame threads until 2026-12-07)
  encode('encode 720p H.264 quality', { codec: 'avc1.64001f', bitrate: 2_000_000, latencyMode: 'quality' },
    ['-c:v', 'libx264', '-profile:v', 'high', '-level', '3.1', '-preset', 'medium', '-forced-idr', '1', '-a53cc', '0',
      '-x264-params', 'bframes=0:rc-lookahead=2:sync-lookahead=0:sliced-threads=1', '-b:v', '2M', '-g', '3000', '-bf', '0']),
  encode('encode 1080p VP8 quality', { codec: 'vp8', bitrate: 4_000_000 }, VP8_Q1080, { raw: RAW1080, frames: 60, psnr: true }),
  encode('encode 1080p VP9 quality', { codec: 'vp09.00.40.08', bitrate: 4_000_000 }, VP9_Q1080, { raw: RAW1080, frames: 60, psnr: true }),
  encode('encode 1080p AV1 quality', { codec: 'av01.0.08M.08', bitrate: 4_000_000 }, AOM_Q1080, { raw: RAW1080, frames: 60, psnr: true }),
  encode('new VideoFrame(1080p RGBA) + encode H.264', { codec: 'avc1.640028', bitrate: 4_000_000, latencyMode: 'realtime' },
    // the same conversion as ours: BT.709 matrix, limited range, 4:2:0
    ['-vf', 'scale=out_color_matrix=bt709:out_range=tv', '-pix_fmt', 'yuv420p', ...X264_RT.map((a) => (a === '3.1' ? '4.0' : a === '2M' ? '4M' : a))],
    { raw: RAW1080RGBA, frames: 120, format: 'RGBA', loops: 11 }),
  // 60 s: 2,880,000 samples + 312 of pre-skip in 960-sample frames; + 1024 of priming in 1024-sample frames
  audioEncode('encode audio Opus 128 kbit/s (60 s, 48 kHz stereo)', { codec: 'opus', bitrate: 128000 },
    ['-c:a', 'libopus', '-b:a', '128k', '-vbr', 'on', '-compression_level', '9', '-frame_duration', '20', '-application', 'audio'], 3001),
  audioEncode('encode audio AAC-LC 128 kbit/s (60 s, 48 kHz stereo)', { codec: 'mp4a.40.2', bitrate: 128000 }, ['-c:a', 'aac', '-b:a', '128k'], 2814),
  {
    name: 'transcode 720p H.264 -> VP9',
    lib: { kind: 'transcode', file: 'testsrc2-1280x720-h264.mp4', config: { codec: 'vp09.00.31.08', bitrate: 2_000_000, latencyMode: 'realtime' } },
    ffmpeg: ['-threads', 'auto', '-i', '$IN', ...VP9_RT, '-f', 'null', '-'],
  },
  { name: 'copyTo 1080p I420 (ms per call)', lib: { kind: 'copy', file: 'testsrc2-1920x1080-h264.h264', iterations: 300 }, ffmpeg: null },
  { name: 'copyTo 1080p -> RGBA (ms per call)', lib: { kind: 'copy', file: 'testsrc2-1920x1080-h264.h264', iterations: 150, format: 'RGBA' },
    ffmpeg: null },
  { name: 'memory: 60 held (unclosed) decoded 1080p frames', lib: { kind: 'held', file: 'testsrc2-1920x1080-h264.h264', hold: 60 }, ffmpeg: null },
  { name: 'memory: 10,200 decoded-and-closed 720p frames', lib: { kind: 'memory', file: 'testsrc2-1280x720-h264.mp4', repeat: 34 }, ffmpeg: null },
];

// Contention family (bench/run.js): the same cases, each side alone and beside a CPU hog.
const contention = (c) => ({ ...c, name: `contention: ${c.name}`, contention: true, ffmpeg1: undefined });
const byName = (n) => CASES.find((c) => c.name === n);
CASES.push(...['decode 1080p H.264', 'decode 720p VP9', 'decode 720p HEVC', 'decode 720p AV1', 'decode 1080p H.264 + copyTo I420',
  'encode 720p H.264 realtime', 'encode 720p VP9 realtime'].map((n) => contention(byName(n))));

// bench/encoder-quality.js: every encoder in both latency modes at the same bitrate (720p, 60
// frames, 2 Mb/s), for PSNR, size, delay and CPU per frame; and the 1080p quality cases above.
const QUALITY_CODECS = [
  ['H.264', 'avc1.64001f', { avc: { format: 'annexb' } }],
  ['HEVC', 'hvc1.1.6.L93.B0', { hevc: { format: 'annexb' } }],
  ['VP8', 'vp8', {}],
  ['VP9', 'vp09.00.31.08', {}],
  ['AV1', 'av01.0.05M.08', {}],
];
const QUALITY_CASES = [
  ...QUALITY_CODECS.flatMap(([label, codec, extra]) => ['quality', 'realtime'].map((latencyMode) => ({
    name: `720p ${label} ${latencyMode}`,
    raw: RAW720,
    lib: { kind: 'encode', raw: RAW720.raw, width: 1280, height: 720, frames: 60, psnr: true,
      config: { codec, width: 1280, height: 720, framerate: 30, bitrate: 2_000_000, latencyMode, ...extra } },
  }))),
  ...CASES.filter((c) => c.name.startsWith('encode 1080p')).map((c) => ({ ...c, name: c.name.replace('encode ', '') })),
];

module.exports = { CASES, QUALITY_CASES };
