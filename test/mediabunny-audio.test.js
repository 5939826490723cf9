'use strict';
// Mediabunny with this library's audio classes through the polyfill globals: it decodes the AAC
// track of an MP4 with our AudioDecoder, converts MP4 (H.264 + AAC) -> WebM (VP9 + Opus) -> MP4
// (H.264 + AAC) with our decoders and encoders, and encodes from an AudioSampleSource into
// MP4/AAC and WebM/Opus. Files are checked with ffprobe and decoded by the ffmpeg CLI against
// the source signal: audio present, its length, and its place against the video.
const { test, after } = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

require('webcodecs-native/polyfill');
const A = require('./helpers/audio-synth');
const { spyCodecs } = require('./helpers/muxers-spy');

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wc-mediabunny-audio-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

const RATE = 48000;
const SECONDS = 2; // short: the conversion transcodes the video twice (VP9 and H.264)
// the source audio: a tone pair per channel, as an aevalsrc expression and as numbers
const TONES = [[[0.3, 440], [0.2, 1250]], [[0.3, 660], [0.1, 2500]]];
const EXPR = TONES.map((ch) => ch.map(([a, f]) => `${a}*sin(2*PI*${f}*t)`).join('+')).join('|');
const tone = (c, i) => TONES[c].reduce((s, [a, f]) => s + a * Math.sin((2 * Math.PI * f * i) / RATE), 0);
const reference = (n) => [0, 1].map((c) => Float32Array.from({ length: n }, (_, i) => tone(c, i)));

// MP4 with the first 2 s (60 frames) of the 320x240 H.264 fixture and 2 s of AAC-LC, made by the
// ffmpeg CLI (with the edit list that trims the encoder's 1024 priming samples)
const SOURCE = path.join(dir, 'source.mp4');
execFileSync('ffmpeg', ['-v', 'error', '-y', '-i', path.join(__dirname, 'fixtures', 'testsrc2-320x240-h264.mp4'), '-f', 'lavfi',
  '-i', `aevalsrc=${EXPR}:s=${RATE}:d=${SECONDS}`, '-map', '0:v', '-map', '1:a', '-t', String(SECONDS), '-c:v', 'libx264', '-preset', 'ultrafast',
  '-c:a', 'aac', '-b:a', '128k', SOURCE]);

function probe(file) {
  const j = JSON.parse(execFileSync('ffprobe', ['-v', 'error', '-count_packets', '-show_entries',
    'stream=codec_type,codec_name,sample_rate,channels,nb_read_packets,start_time,duration', '-of', 'json', file], { encoding: 'utf8' }));
  return { video: j.streams.find((s) => s.codec_type === 'video'), audio: j.streams.find((s) => s.codec_type === 'audio'), streams: j.streams };
}

// The delay (in samples, -2100..2100) at which the file's decoded audio best matches the source
// tones, and the SNR there; the file plays without a message.
function audioAgainstSource(file, format) {
  const r = spawnSync('ffmpeg', ['-v', 'error', '-i', file, '-f', 'null', '-'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr, '', `${file}: ffmpeg decode messages`);
  const got = A.ffmpegDecode(file, { format, rate: RATE, channels: 2 });
  const ref = reference(RATE * (SECONDS - 0.2));
  let best = { lag: 0, snr: -Infinity };
  for (let lag = -2100; lag <= 2100; lag++) {
    const s = lag >= 0 ? A.snrAt(ref, got, lag) : A.snrAt(ref.map((c) => c.subarray(-lag)), got, 0);
    if (s > best.snr) best = { lag, snr: s };
  }
  return { ...best, samples: got[0].length };
}

test('Mediabunny decodes the AAC track of an MP4 with our AudioDecoder: the same samples as the ffmpeg CLI', async () => {
  const MB = require('mediabunny');
  const spy = spyCodecs(['AudioDecoder']);
  try {
    const input = new MB.Input({ source: new MB.BufferSource(fs.readFileSync(SOURCE)), formats: MB.ALL_FORMATS });
    const track = await input.getPrimaryAudioTrack();
    assert.equal(track.codec, 'aac');
    const sink = new MB.AudioSampleSink(track);
    const parts = [];
    let firstAtZero = null;
    for await (const s of sink.samples()) {
      // Mediabunny hands over the priming frame at -1024 samples (the edit list); keep from 0 on
      if (s.timestamp >= 0) {
        if (firstAtZero === null) firstAtZero = s.timestamp;
        parts.push([0, 1].map((c) => {
          const p = new Float32Array(s.numberOfFrames);
          s.copyTo(p, { planeIndex: c, format: 'f32-planar' });
          return p;
        }));
      }
      s.close();
    }
    assert.ok(spy.calls.some((c) => c.startsWith('AudioDecoder.configure') && /"codec":"mp4a\.40\.2"/.test(c)), spy.calls.join('\n'));
    assert.equal(firstAtZero, 0);
    const ours = [0, 1].map((c) => {
      const out = new Float32Array(parts.reduce((n, p) => n + p[c].length, 0));
      let o = 0;
      for (const p of parts) { out.set(p[c], o); o += p[c].length; }
      return out;
    });
    // the CLI applies the same edit list; the same libavcodec decoder gives the same floats
    const cli = A.ffmpegDecode(SOURCE, { format: 'mp4', rate: RATE, channels: 2 });
    const n = Math.min(cli[0].length, ours[0].length);
    assert.ok(n >= RATE * SECONDS - 1024, `${n} samples`);
    for (let c = 0; c < 2; c++) assert.deepEqual(ours[c].subarray(0, n), cli[c].subarray(0, n), `channel ${c}: bit-exact with the CLI`);
  } finally {
    spy.restore();
  }
});

test('Mediabunny Conversion MP4 (H.264 + AAC) -> WebM (VP9 + Opus) -> MP4 (H.264 + AAC): audio present, whole, starting with the video', async (t) => {
  const MB = require('mediabunny');
  const spy = spyCodecs(['AudioEncoder', 'AudioDecoder']);
  try {
    const convert = async (data, format, video, audio) => {
      const input = new MB.Input({ source: new MB.BufferSource(data), formats: MB.ALL_FORMATS });
      const output = new MB.Output({ format, target: new MB.BufferTarget() });
      const conversion = await MB.Conversion.init({ input, output, video, audio });
      assert.equal(conversion.isValid, true, JSON.stringify(conversion.discardedTracks.map((d) => d.reason)));
      assert.deepEqual(conversion.discardedTracks, [], 'no track discarded');
      await conversion.execute();
      return output.target.buffer;
    };
    const webmFile = path.join(dir, 'conversion.webm');
    fs.writeFileSync(webmFile, Buffer.from(await convert(fs.readFileSync(SOURCE), new MB.WebMOutputFormat(),
      { codec: 'vp9', bitrate: 1_000_000, forceTranscode: true, frameRate: 30 }, { codec: 'opus', bitrate: 128000, forceTranscode: true })));
    const mp4File = path.join(dir, 'conversion.mp4');
    fs.writeFileSync(mp4File, Buffer.from(await convert(fs.readFileSync(webmFile), new MB.Mp4OutputFormat(),
      { codec: 'avc', bitrate: 1_000_000, forceTranscode: true }, { codec: 'aac', bitrate: 128000, forceTranscode: true })));
    for (const [what, re] of [['AudioDecoder.configure', /"codec":"mp4a\.40\.2"/], ['AudioEncoder.configure', /"codec":"opus"/],
      ['AudioDecoder.configure', /"codec":"opus"/], ['AudioEncoder.configure', /"codec":"mp4a\.40\.2"/]]) {
      assert.ok(spy.calls.some((c) => c.startsWith(what) && re.test(c)), `Mediabunny used our ${what} with ${re}`);
    }
    const w = probe(webmFile);
    assert.equal(w.audio.codec_name, 'opus');
    assert.equal(w.video.codec_name, 'vp9');
    assert.equal(Number(w.audio.start_time), Number(w.video.start_time), 'WebM: audio starts with the video');
    const m = probe(mp4File);
    assert.equal(m.audio.codec_name, 'aac');
    assert.equal(m.video.codec_name, 'h264');
    assert.equal(Number(m.video.nb_read_packets), SECONDS * 30);
    assert.equal(Number(m.audio.start_time), Number(m.video.start_time), 'MP4: audio starts with the video');
    assert.ok(Math.abs(Number(m.audio.duration) - SECONDS) < 0.05, `MP4 audio duration ${m.audio.duration} s`);

    const ws = audioAgainstSource(webmFile, 'matroska');
    const ms = audioAgainstSource(mp4File, 'mp4');
    t.diagnostic(`WebM Opus: ${ws.snr.toFixed(1)} dB at ${ws.lag} samples; MP4 AAC: ${ms.snr.toFixed(1)} dB at ${ms.lag} samples`);
    assert.ok(ws.samples >= RATE * SECONDS && ms.samples >= RATE * SECONDS, 'the whole 5 s of audio');
    // Opus: the OpusHead pre-skip puts the audio exactly where it was
    assert.equal(ws.lag, 0, 'WebM: audio in place');
    assert.ok(ws.snr > 15, `WebM SNR ${ws.snr.toFixed(1)} dB`);
    // AAC: the encoder's first chunk (its priming frame) lies at the first input's timestamp, so
    // without an edit list (nothing asks Mediabunny to write one) the content is 1024 samples late
    assert.equal(ms.lag, 1024, 'MP4: AAC content delayed by exactly the encoder priming');
    assert.ok(ms.snr > 13, `MP4 SNR ${ms.snr.toFixed(1)} dB`);
  } finally {
    spy.restore();
  }
});

for (const [fmt, codec, probeCodec, ext, lag] of [['Mp4OutputFormat', 'aac', 'aac', 'mp4', 1024], ['WebMOutputFormat', 'opus', 'opus', 'webm', 0]]) {
  test(`Mediabunny Output (${fmt}) from an AudioSampleSource ('${codec}'): our AudioEncoder, every sample encoded`, async () => {
    const MB = require('mediabunny');
    const spy = spyCodecs(['AudioEncoder']);
    try {
      const output = new MB.Output({ format: new MB[fmt](), target: new MB.BufferTarget() });
      const source = new MB.AudioSampleSource({ codec, bitrate: 128000 });
      output.addAudioTrack(source);
      await output.start();
      const per = 1000; // not a multiple of any codec's frame
      const ref = reference(RATE * 2);
      for (let off = 0; off < RATE * 2; off += per) {
        const data = new Float32Array(per * 2);
        for (let c = 0; c < 2; c++) data.set(ref[c].subarray(off, off + per), c * per);
        const sample = new MB.AudioSample({ data, format: 'f32-planar', numberOfChannels: 2, sampleRate: RATE, timestamp: off / RATE });
        await source.add(sample);
        sample.close();
      }
      await output.finalize();
      const configured = spy.calls.filter((c) => c.startsWith('AudioEncoder.configure'));
      assert.equal(configured.length, 1, spy.calls.join('\n'));
      const file = path.join(dir, `source-${codec}.${ext}`);
      fs.writeFileSync(file, Buffer.from(output.target.buffer));
      const p = probe(file);
      assert.equal(p.streams.length, 1);
      assert.equal(p.audio.codec_name, probeCodec);
      assert.equal(p.audio.channels, 2);
      const r = spawnSync('ffmpeg', ['-v', 'error', '-i', file, '-f', 'null', '-'], { encoding: 'utf8' });
      assert.equal(r.stderr, '', 'ffmpeg decode messages');
      const got = A.ffmpegDecode(file, { format: ext === 'mp4' ? 'mp4' : 'matroska', rate: RATE, channels: 2 });
      assert.ok(got[0].length >= RATE * 2, `decoded ${got[0].length} samples`);
      const best = A.bestLag(ref, got.map((ch) => ch.subarray(Math.max(0, lag - 8))), 16);
      assert.equal(Math.max(0, lag - 8) + best.lag, lag, 'delay');
      assert.ok(best.snr > 18, `SNR ${best.snr.toFixed(1)} dB`);
    } finally {
      spy.restore();
    }
  });
}
