'use strict';
// Audio tracks written by real browser-oriented muxers from this library's AudioEncoder output
// must play: mp4-muxer (AAC, Opus; and H.264 + AAC together), webm-muxer (Opus, Vorbis). Every
// file is read by ffprobe (codec, rate, channels, packets, start and duration), fully decoded by
// the ffmpeg CLI without a single message, and the decoded audio matches the source (SNR at the
// codec's delay: 0 where the container carries the priming, 1024 for AAC in an MP4 without an
// edit list, which mp4-muxer does not write).
const { test, after } = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

require('webcodecs-native/polyfill'); // the muxers test `chunk instanceof EncodedAudioChunk` on the global
const A = require('./helpers/audio-synth');
const S = require('./helpers/synth');

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wc-muxers-audio-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

function writeTemp(name, data) {
  const file = path.join(dir, name);
  fs.writeFileSync(file, Buffer.from(data));
  return file;
}

function probe(file) {
  return JSON.parse(execFileSync('ffprobe', ['-v', 'error', '-count_packets', '-show_entries',
    'stream=codec_type,codec_name,sample_rate,channels,nb_read_packets,start_time:format=duration', '-of', 'json', file], { encoding: 'utf8' }));
}

// Plays without a message; the audio matches the source at `lag` with at least `floor` dB.
function checkAudio(file, { source, rate, channels, lag, floor }, label) {
  const r = spawnSync('ffmpeg', ['-v', 'error', '-i', file, '-f', 'null', '-'], { encoding: 'utf8' });
  assert.equal(r.status, 0, `${label}: ffmpeg decode exit code (${r.stderr})`);
  assert.equal(r.stderr, '', `${label}: ffmpeg decode messages`);
  const got = A.ffmpegDecode(file, { format: path.extname(file) === '.webm' ? 'matroska' : 'mp4', rate, channels });
  assert.ok(got[0].length >= source[0].length + lag, `${label}: decoded ${got[0].length} samples`);
  const from = Math.max(0, lag - 8);
  const best = A.bestLag(source, got.map((ch) => ch.subarray(from)), 16);
  assert.equal(from + best.lag, lag, `${label}: delay`);
  assert.ok(best.snr >= floor, `${label}: SNR ${best.snr.toFixed(1)} dB >= ${floor}`);
  return best.snr;
}

const CASES = [
  { muxer: 'mp4-muxer', cfg: { codec: 'mp4a.40.2', sampleRate: 48000, numberOfChannels: 2, bitrate: 128000 }, mux: 'aac', probe: 'aac', lag: 1024, floor: 19 },
  { muxer: 'mp4-muxer', cfg: { codec: 'opus', sampleRate: 48000, numberOfChannels: 2, bitrate: 128000 }, mux: 'opus', probe: 'opus', lag: 0, floor: 32 },
  { muxer: 'webm-muxer', cfg: { codec: 'opus', sampleRate: 48000, numberOfChannels: 2, bitrate: 128000 }, mux: 'A_OPUS', probe: 'opus', lag: 0, floor: 32 },
  { muxer: 'webm-muxer', cfg: { codec: 'opus', sampleRate: 44100, numberOfChannels: 1, bitrate: 64000 }, mux: 'A_OPUS', probe: 'opus', lag: 0, floor: 30 },
  { muxer: 'webm-muxer', cfg: { codec: 'vorbis', sampleRate: 48000, numberOfChannels: 2, bitrate: 128000 }, mux: 'A_VORBIS', probe: 'vorbis', lag: 0, floor: 28 },
];

for (const c of CASES) {
  const { cfg } = c;
  test(`${c.muxer}: ${cfg.codec} ${cfg.sampleRate} Hz x${cfg.numberOfChannels} audio track plays (${c.probe}, every packet, matches the source)`, async () => {
    const r = await A.encodeSignal(cfg, { frames: cfg.sampleRate * 2, per: 1024 });
    assert.equal(r.error, null);
    const { Muxer, ArrayBufferTarget } = require(c.muxer);
    const audio = { codec: c.mux, numberOfChannels: cfg.numberOfChannels, sampleRate: cfg.sampleRate };
    const muxer = c.muxer === 'mp4-muxer' ? new Muxer({ target: new ArrayBufferTarget(), audio, fastStart: 'in-memory' })
      : new Muxer({ target: new ArrayBufferTarget(), audio });
    r.chunks.forEach((ch, i) => muxer.addAudioChunk(ch, r.metas[i]));
    muxer.finalize();
    const file = writeTemp(`${c.muxer}-${cfg.codec}-${cfg.sampleRate}.${c.muxer === 'mp4-muxer' ? 'mp4' : 'webm'}`, muxer.target.buffer);
    const p = probe(file);
    assert.equal(p.streams.length, 1);
    const s = p.streams[0];
    assert.equal(s.codec_name, c.probe);
    // Opus decodes at 48 kHz whatever the input rate (RFC 7845); the rest at the configured rate
    assert.equal(Number(s.sample_rate), c.probe === 'opus' ? 48000 : cfg.sampleRate);
    assert.equal(s.channels, cfg.numberOfChannels);
    assert.equal(Number(s.nb_read_packets), r.chunks.length, 'every chunk is a packet');
    assert.ok(Math.abs(Number(p.format.duration) - 2) < 0.1, `duration ${p.format.duration} s`);
    const decodeRate = c.probe === 'opus' ? 48000 : cfg.sampleRate;
    checkAudio(file, { source: A.signal(decodeRate * 2, cfg.numberOfChannels, decodeRate), rate: decodeRate, channels: cfg.numberOfChannels, lag: c.lag, floor: c.floor },
      `${c.muxer} ${cfg.codec}`);
  });
}

test('mp4-muxer: H.264 video + AAC audio from this library in one MP4: both tracks play, start together, same length', async () => {
  const { Muxer, ArrayBufferTarget } = require('mp4-muxer');
  const N = 60; // 2 s at 30 fps
  const video = await S.encodeFrames({ codec: 'avc1.42001f', width: 320, height: 240, bitrate: 1_000_000, framerate: S.FPS }, N);
  assert.equal(video.error, null);
  const audio = await A.encodeSignal({ codec: 'mp4a.40.2', sampleRate: 44100, numberOfChannels: 2, bitrate: 128000 }, { frames: 88200, per: 1024 });
  assert.equal(audio.error, null);
  const muxer = new Muxer({
    target: new ArrayBufferTarget(), fastStart: 'in-memory',
    video: { codec: 'avc', width: 320, height: 240 }, audio: { codec: 'aac', numberOfChannels: 2, sampleRate: 44100 },
  });
  // interleaved by timestamp, as a live pipeline hands them over
  const items = [...video.chunks.map((ch, i) => ({ t: ch.timestamp, add: () => muxer.addVideoChunk(ch, video.metas[i]) })),
    ...audio.chunks.map((ch, i) => ({ t: ch.timestamp, add: () => muxer.addAudioChunk(ch, audio.metas[i]) }))].sort((a, b) => a.t - b.t);
  for (const it of items) it.add();
  muxer.finalize();
  const file = writeTemp('h264-aac.mp4', muxer.target.buffer);
  const p = probe(file);
  const v = p.streams.find((s) => s.codec_type === 'video');
  const a = p.streams.find((s) => s.codec_type === 'audio');
  assert.equal(v.codec_name, 'h264');
  assert.equal(a.codec_name, 'aac');
  assert.equal(Number(v.nb_read_packets), N);
  assert.equal(Number(a.nb_read_packets), audio.chunks.length);
  assert.equal(Number(v.start_time), 0);
  assert.equal(Number(a.start_time), 0, 'audio and video start together');
  assert.ok(Math.abs(Number(p.format.duration) - 2) < 0.1, `duration ${p.format.duration}`);
  const r = spawnSync('ffmpeg', ['-v', 'error', '-i', file, '-f', 'null', '-'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr, '', 'ffmpeg decode messages');
});
