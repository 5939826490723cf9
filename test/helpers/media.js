'use strict';
// Test helpers: fixture clips, FFmpeg's own decode of them (the reference), and
// a decode of a whole track with this library.
const { execFileSync } = require('node:child_process');
const { createHash } = require('node:crypto');
const { readFileSync } = require('node:fs');
const path = require('node:path');
const wc = require('../..');

const FIXTURES = path.join(__dirname, '..', 'fixtures');
const fixture = (name) => path.join(FIXTURES, name);

let demuxPromise;
// test/helpers/demux.mjs (the project's demux helpers from shared/media).
function demux() {
  demuxPromise ??= import('./demux.mjs');
  return demuxPromise;
}

async function loadTrack(name, opts = {}) {
  const { loadTrack: load } = await demux();
  return load(fixture(name), opts);
}

const FFMPEG_PIXFMT = {
  I420: 'yuv420p', I420P10: 'yuv420p10le', I420P12: 'yuv420p12le',
  I422: 'yuv422p', I422P10: 'yuv422p10le', I422P12: 'yuv422p12le',
  I444: 'yuv444p', I444P10: 'yuv444p10le', I444P12: 'yuv444p12le',
  I420A: 'yuva420p', NV12: 'nv12', RGBA: 'rgba', BGRA: 'bgra',
};

// md5 of every frame FFmpeg decodes from the file, in output order, as packed planes of pixfmt.
function ffmpegFrameMd5(name, format) {
  const file = fixture(name);
  const dec = /av1/.test(name) ? ['-c:v', 'libdav1d'] : [];
  const out = execFileSync('ffmpeg', ['-v', 'error', ...dec, '-i', file, '-map', '0:v:0', '-fps_mode', 'passthrough',
    '-pix_fmt', FFMPEG_PIXFMT[format], '-f', 'framemd5', '-'], { encoding: 'utf8', maxBuffer: 1 << 26 });
  return out.split('\n').filter((l) => l && !l.startsWith('#')).map((l) => l.split(',').pop().trim());
}

// The timestamp each decoded frame must carry, in output order, for chunks from loadTrack():
// presentation order of container timestamps; for raw Annex B (decode-order timestamps) the
// timestamp of the access unit each picture came from, found from FFmpeg's packet positions.
async function expectedTimestamps(name, track) {
  if (track.container !== 'annexb') return track.chunks.map((c) => c.timestamp).sort((a, b) => a - b);
  const { splitAnnexB } = await demux();
  const buf = new Uint8Array(readFileSync(fixture(name)));
  const aus = splitAnnexB(buf, name.endsWith('.hevc') ? 'hevc' : 'h264').accessUnits;
  const byPos = new Map();
  aus.forEach((au, i) => { for (let d = 3; d <= 4; d++) byPos.set(au.offset - d, i); });
  const probe = JSON.parse(execFileSync('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'frame=pkt_pos',
    '-of', 'json', fixture(name)], { encoding: 'utf8', maxBuffer: 1 << 26 }));
  return probe.frames.map((x) => {
    const i = byPos.get(Number(x.pkt_pos));
    if (i === undefined) throw new Error(`${name}: no access unit at byte ${x.pkt_pos}`);
    return track.chunks[i].timestamp;
  });
}

// Decodes every chunk, then flushes. Returns {frames: [{md5, timestamp, duration, format, ...}], error}.
async function decodeTrack(track, { config = {}, keepFrames = false, onFrame } = {}) {
  const frames = [];
  let error = null;
  const pending = [];
  const decoder = new wc.VideoDecoder({
    output(frame) {
      const info = {
        format: frame.format,
        timestamp: frame.timestamp,
        duration: frame.duration,
        codedWidth: frame.codedWidth,
        codedHeight: frame.codedHeight,
        visibleRect: frame.visibleRect.toJSON(),
        displayWidth: frame.displayWidth,
        displayHeight: frame.displayHeight,
        colorSpace: frame.colorSpace.toJSON(),
      };
      frames.push(info);
      if (onFrame) onFrame(frame, info);
      const buf = new Uint8Array(frame.allocationSize());
      pending.push(frame.copyTo(buf).then(() => {
        info.md5 = createHash('md5').update(buf).digest('hex');
        if (keepFrames) info.frame = frame;
        else frame.close();
      }));
    },
    error(e) { error = e; },
  });
  decoder.configure({ codec: track.codec, codedWidth: track.codedWidth, codedHeight: track.codedHeight, description: track.description, ...config });
  for (const c of track.chunks) decoder.decode(new wc.EncodedVideoChunk(c));
  await decoder.flush().catch((e) => { error ??= e; });
  await Promise.all(pending);
  if (decoder.state !== 'closed') decoder.close();
  return { frames, error };
}

module.exports = { FIXTURES, fixture, loadTrack, ffmpegFrameMd5, expectedTimestamps, decodeTrack, demux };
