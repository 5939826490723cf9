'use strict';
// Files written by real browser-oriented muxers from this library's encoder output
// must play: mp4-muxer (H.264, HEVC, AV1 in MP4), webm-muxer (VP8, VP9, AV1 in WebM),
// Mediabunny's Output API (it calls `new VideoEncoder` itself through the polyfill
// globals) and Mediabunny's Conversion (MP4 H.264 -> WebM VP9 -> MP4 H.264, decoding
// with our VideoDecoder and encoding with our VideoEncoder). Every file is checked with
// ffprobe (codec, size, decoded frame count, frame times, first packet a key frame,
// colour tags) and fully decoded by the ffmpeg CLI without a single error message.
const { test, after } = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

require('webcodecs-native/polyfill'); // the muxers test `chunk instanceof EncodedVideoChunk` on the global
const S = require('./helpers/synth');
const { spyCodecs } = require('./helpers/muxers-spy');

const W = 320;
const H = 240;
const N = 60;
const FIXTURE = path.join(__dirname, 'fixtures', 'testsrc2-320x240-h264.mp4');
const BT709_TV = { color_space: 'bt709', color_primaries: 'bt709', color_transfer: 'bt709', color_range: 'tv' };

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wc-muxers-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

function writeTemp(name, data) {
  const file = path.join(dir, name);
  fs.writeFileSync(file, Buffer.from(data));
  return file;
}

// ffprobe of the only stream: stream fields, nb_read_frames, packets and decoded frames (in output order).
function probe(file) {
  const out = execFileSync('ffprobe', ['-v', 'error', '-count_frames',
    '-show_entries', 'stream=codec_name,width,height,nb_frames,nb_read_frames,pix_fmt,color_space,color_transfer,color_primaries,color_range' +
      ':packet=pts_time,flags:frame=pts_time,best_effort_timestamp_time,key_frame:format=duration',
    '-of', 'json', file], { encoding: 'utf8', maxBuffer: 1 << 26 });
  const j = JSON.parse(out);
  const pf = j.packets_and_frames ?? [...(j.packets ?? []).map((p) => ({ type: 'packet', ...p })), ...(j.frames ?? []).map((f) => ({ type: 'frame', ...f }))];
  return {
    streams: j.streams,
    stream: j.streams[0],
    duration: Number(j.format?.duration),
    packets: pf.filter((x) => x.type === 'packet'),
    frames: pf.filter((x) => x.type === 'frame'),
  };
}

// The checks every written file must pass. colour: require BT.709 limited-range tags.
function checkFile(file, { codec, frames = N, fps = S.FPS, colour = true, duration = null }, label) {
  const p = probe(file);
  assert.equal(p.streams.length, 1, `${label}: one stream`);
  const s = p.stream;
  assert.equal(s.codec_name, codec, `${label}: codec_name`);
  assert.equal(s.width, W, `${label}: width`);
  assert.equal(s.height, H, `${label}: height`);
  assert.equal(s.pix_fmt, 'yuv420p', `${label}: pix_fmt`);
  assert.equal(Number(s.nb_read_frames), frames, `${label}: frames decoded by ffprobe -count_frames`);
  if (s.nb_frames !== undefined && s.nb_frames !== 'N/A') assert.equal(Number(s.nb_frames), frames, `${label}: nb_frames in the container`);
  assert.equal(p.frames.length, frames, `${label}: frames shown`);
  p.frames.forEach((f, i) => {
    const t = Number(f.pts_time !== undefined && f.pts_time !== 'N/A' ? f.pts_time : f.best_effort_timestamp_time);
    assert.ok(Math.abs(t - i / fps) <= 0.001, `${label}: frame ${i} at ${t} s, expected ${(i / fps).toFixed(6)} s (+-1 ms)`);
  });
  assert.ok(p.packets.length >= frames, `${label}: packets`);
  assert.match(p.packets[0].flags, /^K/, `${label}: the first packet is a key frame`);
  assert.equal(p.frames[0].key_frame, 1, `${label}: the first frame is a key frame`);
  if (colour) {
    for (const [k, v] of Object.entries(BT709_TV)) assert.equal(s[k], v, `${label}: ${k}`);
  }
  if (duration !== null) assert.ok(Math.abs(p.duration - duration) <= 0.05, `${label}: duration ${p.duration} s, expected ~${duration} s`);
  // a player's view: a full decode without a single error or warning
  const r = spawnSync('ffmpeg', ['-v', 'error', '-i', file, '-f', 'null', '-'], { encoding: 'utf8' });
  assert.equal(r.status, 0, `${label}: ffmpeg decode exit code (${r.stderr})`);
  assert.equal(r.stderr, '', `${label}: ffmpeg decode messages`);
  return p;
}

async function encode(codec) {
  const { chunks, metas, error } = await S.encodeFrames({ codec, width: W, height: H, bitrate: 1_000_000, framerate: S.FPS }, N);
  assert.equal(error, null, error && `${error.name}: ${error.message}`);
  assert.equal(chunks.length, N, 'one chunk per frame');
  assert.equal(chunks[0].type, 'key', 'the first chunk is a key frame');
  assert.ok(metas[0].decoderConfig, 'decoderConfig with the first chunk');
  chunks.forEach((c, i) => assert.equal(c.timestamp, S.timestampOf(i), `chunk ${i} timestamp`));
  return { chunks, metas };
}

// ---- mp4-muxer ---------------------------------------------------------------------------

const MP4_CASES = [
  { codec: 'avc1.42001f', muxCodec: 'avc', probe: 'h264', description: true },
  { codec: 'hvc1.1.6.L93.B0', muxCodec: 'hevc', probe: 'hevc', description: true },
  { codec: 'av01.0.04M.08', muxCodec: 'av1', probe: 'av1', description: false },
];

for (const c of MP4_CASES) {
  test(`mp4-muxer: ${c.codec} -> MP4 plays (${c.probe}, ${W}x${H}, ${N} frames at i/30 s, key first, BT.709 tv)`, async () => {
    const { Muxer, ArrayBufferTarget } = require('mp4-muxer');
    const { chunks, metas } = await encode(c.codec);
    if (c.description) assert.ok(metas[0].decoderConfig.description?.byteLength > 0, 'avcC/hvcC in metadata.decoderConfig.description');
    const muxer = new Muxer({ target: new ArrayBufferTarget(), video: { codec: c.muxCodec, width: W, height: H }, fastStart: 'in-memory' });
    chunks.forEach((ch, i) => muxer.addVideoChunk(ch, metas[i]));
    muxer.finalize();
    const file = writeTemp(`mp4-muxer-${c.muxCodec}.mp4`, muxer.target.buffer);
    checkFile(file, { codec: c.probe }, `mp4-muxer ${c.codec}`);
  });
}

// ---- webm-muxer --------------------------------------------------------------------------

const WEBM_CASES = [
  { codec: 'vp8', muxCodec: 'V_VP8', probe: 'vp8' },
  { codec: 'vp09.00.10.08', muxCodec: 'V_VP9', probe: 'vp9' },
  { codec: 'av01.0.04M.08', muxCodec: 'V_AV1', probe: 'av1' },
];

for (const c of WEBM_CASES) {
  test(`webm-muxer: ${c.codec} -> WebM plays (${c.probe}, ${W}x${H}, ${N} frames at i/30 s, key first, BT.709 tv)`, async () => {
    const { Muxer, ArrayBufferTarget } = require('webm-muxer');
    const { chunks, metas } = await encode(c.codec);
    const muxer = new Muxer({ target: new ArrayBufferTarget(), video: { codec: c.muxCodec, width: W, height: H, frameRate: S.FPS } });
    chunks.forEach((ch, i) => muxer.addVideoChunk(ch, metas[i]));
    muxer.finalize();
    const file = writeTemp(`webm-muxer-${c.probe}.webm`, muxer.target.buffer);
    checkFile(file, { codec: c.probe }, `webm-muxer ${c.codec}`);
  });
}

// ---- Mediabunny Output + VideoSampleSource (Mediabunny creates the VideoEncoder) -------------

const MEDIABUNNY_OUTPUTS = [
  { codec: 'avc', format: 'Mp4OutputFormat', ext: 'mp4', probe: 'h264', prefix: /^avc1\./ },
  { codec: 'vp9', format: 'WebMOutputFormat', ext: 'webm', probe: 'vp9', prefix: /^vp09\./ },
];

for (const c of MEDIABUNNY_OUTPUTS) {
  test(`Mediabunny Output (${c.format}, VideoSampleSource '${c.codec}') through the polyfill globals plays`, async (t) => {
    const MB = require('mediabunny');
    const spy = spyCodecs();
    try {
      const output = new MB.Output({ format: new MB[c.format](), target: new MB.BufferTarget() });
      const source = new MB.VideoSampleSource({ codec: c.codec, bitrate: 1_000_000 });
      output.addVideoTrack(source, { frameRate: S.FPS });
      await output.start();
      for (let i = 0; i < N; i++) {
        const frame = S.makeFrame(i, W, H);
        const sample = new MB.VideoSample(frame); // wraps our VideoFrame
        await source.add(sample);
        sample.close();
        frame.close();
      }
      await output.finalize();
      t.diagnostic(`Mediabunny called: ${spy.calls.join(' | ')}`);
      const configured = spy.calls.filter((s) => s.startsWith('VideoEncoder.configure'));
      assert.equal(configured.length, 1, 'Mediabunny configured one webcodecs-native VideoEncoder');
      assert.match(JSON.parse(configured[0].slice(configured[0].indexOf('{'))).codec, c.prefix);
      const file = writeTemp(`mediabunny-${c.codec}.${c.ext}`, output.target.buffer);
      checkFile(file, { codec: c.probe }, `Mediabunny ${c.format} ${c.codec}`);
    } finally {
      spy.restore();
    }
  });
}

// ---- Mediabunny Conversion: MP4 (H.264) -> WebM (VP9) -> MP4 (H.264) -------------------------

function meanPsnr(a, b) {
  assert.equal(a.length, b.length, 'frame counts for PSNR');
  return a.reduce((sum, f, i) => sum + S.psnr(f, b[i]), 0) / a.length;
}

test('Mediabunny Conversion: fixture MP4 H.264 -> WebM VP9 -> MP4 H.264 with our decoder/encoder, 150 frames, PSNR >= 28 dB', async (t) => {
  const MB = require('mediabunny');
  const spy = spyCodecs();
  try {
    const convert = async (source, format, video) => {
      const input = new MB.Input({ source, formats: MB.ALL_FORMATS });
      const output = new MB.Output({ format, target: new MB.BufferTarget() });
      const conversion = await MB.Conversion.init({ input, output, video });
      assert.equal(conversion.isValid, true, `conversion valid (discarded: ${JSON.stringify(conversion.discardedTracks.map((d) => d.reason))})`);
      await conversion.execute();
      return output.target.buffer;
    };
    // frameRate: 30 makes Mediabunny write a constant-rate WebM track (DefaultDuration). Without it,
    // Mediabunny's own Matroska demuxer gives the last block of every cluster duration 0 on re-reading,
    // and its Conversion drops those samples (3 of 150 frames lost in the second step) -- a Mediabunny
    // behaviour, not this library's (our decoder correctly carries the chunk's duration 0 to the frame).
    const webm = await convert(new MB.FilePathSource(FIXTURE), new MB.WebMOutputFormat(),
      { codec: 'vp9', bitrate: 1_500_000, forceTranscode: true, frameRate: S.FPS });
    const webmFile = writeTemp('conversion.webm', webm);
    checkFile(webmFile, { codec: 'vp9', frames: 150, colour: false, duration: 5 }, 'Conversion MP4 -> WebM VP9');

    const mp4 = await convert(new MB.BufferSource(fs.readFileSync(webmFile)), new MB.Mp4OutputFormat(),
      { codec: 'avc', bitrate: 1_500_000, forceTranscode: true });
    const mp4File = writeTemp('conversion.mp4', mp4);
    checkFile(mp4File, { codec: 'h264', frames: 150, colour: false, duration: 5 }, 'Conversion WebM -> MP4 H.264');

    t.diagnostic(`Mediabunny called: ${spy.calls.join(' | ')}`);
    for (const [what, re] of [['VideoDecoder.configure', /"codec":"avc1\./], ['VideoEncoder.configure', /"codec":"vp09\./],
      ['VideoDecoder.configure', /"codec":"vp09\./], ['VideoEncoder.configure', /"codec":"avc1\./]]) {
      assert.ok(spy.calls.some((s) => s.startsWith(what) && re.test(s)), `Mediabunny used webcodecs-native's ${what} with ${re}`);
    }

    // the final MP4 is the source picture (decoded by the ffmpeg CLI on both sides)
    const src = S.ffmpegDecodeI420(fs.readFileSync(FIXTURE), 'mp4', W, H);
    const out = S.ffmpegDecodeI420(fs.readFileSync(mp4File), 'mp4', W, H);
    assert.equal(src.length, 150);
    const p = meanPsnr(out, src);
    t.diagnostic(`mean PSNR of the final MP4 against the source: ${p.toFixed(2)} dB`);
    assert.ok(p >= 28, `mean PSNR ${p.toFixed(2)} dB < 28`);
  } finally {
    spy.restore();
  }
});
