'use strict';
// Audio test helpers: packets of a clip as EncodedAudioChunks (demuxed by FFmpeg itself, through
// ffprobe -show_packets -show_data, so the chunks are exactly the packets `ffmpeg -i` decodes:
// no demuxer of our own to get wrong), FFmpeg's own decode of the clip (the reference), and a
// decode of a whole track with this library.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const wc = require('../..');
const { make } = require('../fixtures/audio/make');

// ffprobe's hexdump ("00000000: 4f70 7573 ...  OpusHead...") -> bytes
function hexdump(s) {
  return Buffer.from(s.split('\n').filter(Boolean).map((l) => l.slice(10, 49).replace(/ /g, '')).join(''), 'hex');
}

const CODEC = {
  // the object type of the AudioSpecificConfig (its first 5 bits): 5 SBR, 29 SBR+PS
  aac: (st) => ({ 5: 'mp4a.40.5', 29: 'mp4a.40.29' }[st.extradata ? hexdump(st.extradata)[0] >> 3 : 2] ?? 'mp4a.40.2'),
  opus: () => 'opus', mp3: () => 'mp3', flac: () => 'flac', vorbis: () => 'vorbis',
  pcm_u8: () => 'pcm-u8', pcm_s16le: () => 'pcm-s16', pcm_s24le: () => 'pcm-s24', pcm_s32le: () => 'pcm-s32',
  pcm_f32le: () => 'pcm-f32', pcm_mulaw: () => 'ulaw', pcm_alaw: () => 'alaw',
};

// {codec, sampleRate, numberOfChannels, description?, chunks: [{type, timestamp, duration, data}], file}
function loadAudioTrack(name, { description = true } = {}) {
  const file = make(name);
  const j = JSON.parse(execFileSync('ffprobe', ['-v', 'error', '-select_streams', 'a:0', '-show_streams', '-show_packets', '-show_data',
    '-of', 'json', file], { encoding: 'utf8', maxBuffer: 1 << 28 }));
  const st = j.streams[0];
  const [num, den] = st.time_base.split('/').map(Number);
  const us = (t) => Math.round((t * num * 1e6) / den);
  const track = {
    file,
    codec: CODEC[st.codec_name](st),
    sampleRate: Number(st.sample_rate),
    numberOfChannels: st.channels,
    chunks: j.packets.map((p) => ({ type: 'key', timestamp: us(p.pts), duration: p.duration === undefined ? undefined : us(p.duration), data: hexdump(p.data) })),
  };
  if (st.extradata && description) {
    let d = hexdump(st.extradata);
    // FFmpeg keeps FLAC's bare 34-byte STREAMINFO; WebCodecs wants "fLaC" + the block header + STREAMINFO
    if (st.codec_name === 'flac' && d.length === 34) d = Buffer.concat([Buffer.from('fLaC'), Buffer.from([0x80, 0, 0, 34]), d]);
    if (!st.codec_name.startsWith('pcm_') && st.codec_name !== 'mp3') track.description = new Uint8Array(d);
  }
  return track;
}

const PCM = { f32: 'pcm_f32le', s16: 'pcm_s16le', s32: 'pcm_s32le', u8: 'pcm_u8' };

// FFmpeg's decode of the clip: {frames: [{pts (1/rate), samples}], rate, bytes (interleaved, `type`)}.
// skipManual: no priming/padding trimming by the decoder (-flags2 +skip_manual), i.e. exactly
// what the packets hold, as a WebCodecs decoder sees them (no container side data).
function ffmpegDecode(file, type, { skipManual = false } = {}) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'wc-ref-'));
  try {
    const raw = path.join(tmp, 'raw');
    const md5 = path.join(tmp, 'md5');
    // -copyts: the decoder's own timestamps, without the CLI's shift of the file's start to 0
    const pre = ['-copyts', ...(skipManual ? ['-flags2', '+skip_manual'] : [])];
    execFileSync('ffmpeg', ['-v', 'error', ...pre, '-i', file, '-map', '0:a:0', '-c:a', PCM[type], '-f', 'framemd5', md5,
      '-map', '0:a:0', '-c:a', PCM[type], '-f', PCM[type].replace('pcm_', ''), raw], { stdio: ['ignore', 'ignore', 'inherit'] });
    const lines = fs.readFileSync(md5, 'utf8').split('\n').filter((l) => l && !l.startsWith('#'));
    const bps = { f32: 4, s16: 2, s32: 4, u8: 1 }[type];
    const probe = JSON.parse(execFileSync('ffprobe', ['-v', 'error', '-select_streams', 'a:0', '-show_entries', 'stream=sample_rate,channels', '-of', 'json', file], { encoding: 'utf8' }));
    const frames = lines.map((l) => {
      const f = l.split(',').map((x) => x.trim());
      return { pts: Number(f[2]), bytes: Number(f[4]), md5: f[5] };
    });
    return { frames, bytes: fs.readFileSync(raw), bps, probe: probe.streams[0] };
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

// Decodes every chunk, then flushes. Returns {outputs: [{timestamp, format, sampleRate, numberOfFrames,
// numberOfChannels, duration, bytes (interleaved copy in `type`)}], error}.
async function decodeAudio(track, { type, config = {}, onData } = {}) {
  const outputs = [];
  let error = null;
  const decoder = new wc.AudioDecoder({
    output(data) {
      const t = type ?? data.format.replace('-planar', '');
      const o = { timestamp: data.timestamp, format: data.format, sampleRate: data.sampleRate, numberOfFrames: data.numberOfFrames,
        numberOfChannels: data.numberOfChannels, duration: data.duration };
      const opts = { planeIndex: 0, format: t };
      o.bytes = Buffer.alloc(data.allocationSize(opts));
      data.copyTo(o.bytes, opts);
      if (onData) onData(data, o);
      outputs.push(o);
      data.close();
    },
    error(e) { error = e; },
  });
  decoder.configure({ codec: track.codec, sampleRate: track.sampleRate, numberOfChannels: track.numberOfChannels,
    ...(track.description ? { description: track.description } : {}), ...config });
  for (const c of track.chunks) decoder.decode(new wc.EncodedAudioChunk(c));
  await decoder.flush().catch((e) => { error ??= e; });
  if (decoder.state !== 'closed') decoder.close();
  return { outputs, error };
}

module.exports = { loadAudioTrack, ffmpegDecode, decodeAudio, hexdump, make };
