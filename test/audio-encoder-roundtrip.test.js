'use strict';
// Round trip of every audio encoder through the ffmpeg CLI: the chunks are put in the file
// format each codec lives in (Ogg with the OpusHead/Vorbis headers from the description,
// ADTS from the AudioSpecificConfig, native FLAC from fLaC + STREAMINFO, raw MP3/PCM/G.711),
// ffprobe must read it as the configured codec, rate and channels, and ffmpeg's decode must
// match the source: SNR above a floor per codec at the codec's known delay (0 where the
// format signals its priming: Opus pre-skip, Vorbis, FLAC, PCM; AAC's 1024 and LAME's
// 576 + 529 samples where nothing in a raw stream says so).
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const A = require('./helpers/audio-synth');

const CASES = [
  { cfg: { codec: 'opus', sampleRate: 48000, numberOfChannels: 2, bitrate: 128000 }, floor: 32, lag: 0 },
  { cfg: { codec: 'opus', sampleRate: 44100, numberOfChannels: 2, bitrate: 128000, opus: { format: 'ogg' } }, floor: 32, lag: 0, probeRate: 48000 },
  { cfg: { codec: 'opus', sampleRate: 16000, numberOfChannels: 1, bitrate: 32000, opus: { frameDuration: 60000 } }, floor: 20, lag: 0, probeRate: 48000 },
  { cfg: { codec: 'opus', sampleRate: 48000, numberOfChannels: 6, bitrate: 384000 }, floor: 28, lag: 0 },
  { cfg: { codec: 'mp4a.40.2', sampleRate: 48000, numberOfChannels: 2, bitrate: 160000 }, floor: 19, lag: 1024 },
  { cfg: { codec: 'mp4a.40.2', sampleRate: 44100, numberOfChannels: 1, bitrate: 96000, aac: { format: 'adts' } }, floor: 22, lag: 1024 },
  { cfg: { codec: 'mp4a.67', sampleRate: 32000, numberOfChannels: 2, bitrate: 128000, aac: { format: 'adts' } }, floor: 16, lag: 1024 },
  { cfg: { codec: 'flac', sampleRate: 48000, numberOfChannels: 2 }, floor: 130, lag: 0 },
  { cfg: { codec: 'flac', sampleRate: 44100, numberOfChannels: 1, flac: { blockSize: 1152, compressLevel: 8 } }, format: 's16', exact: true, lag: 0 },
  { cfg: { codec: 'mp3', sampleRate: 44100, numberOfChannels: 2, bitrate: 192000 }, floor: 25, lag: 1105 },
  { cfg: { codec: 'mp4a.6B', sampleRate: 22050, numberOfChannels: 1, bitrate: 64000, bitrateMode: 'constant' }, floor: 20, lag: 1105 },
  { cfg: { codec: 'vorbis', sampleRate: 48000, numberOfChannels: 2, bitrate: 160000 }, floor: 30, lag: 0 },
  { cfg: { codec: 'pcm-u8', sampleRate: 48000, numberOfChannels: 2 }, floor: 40, lag: 0 },
  { cfg: { codec: 'pcm-s16', sampleRate: 48000, numberOfChannels: 2 }, floor: 88, lag: 0 },
  { cfg: { codec: 'pcm-s16', sampleRate: 44100, numberOfChannels: 2 }, format: 's16-planar', exact: true, lag: 0 },
  { cfg: { codec: 'pcm-s24', sampleRate: 96000, numberOfChannels: 2 }, floor: 130, lag: 0 },
  { cfg: { codec: 'pcm-s32', sampleRate: 48000, numberOfChannels: 1 }, format: 's32', exact: true, lag: 0 },
  { cfg: { codec: 'pcm-f32', sampleRate: 48000, numberOfChannels: 2 }, exact: true, lag: 0 },
  { cfg: { codec: 'ulaw', sampleRate: 8000, numberOfChannels: 1 }, floor: 35, lag: 0 },
  { cfg: { codec: 'alaw', sampleRate: 8000, numberOfChannels: 1 }, floor: 35, lag: 0 },
];

// The source as the encoder saw it (quantized to the AudioData's format), for exact comparisons.
function asSeen(chans, format) {
  const bytes = A.encodeSamples(chans, format);
  const base = format.replace('-planar', '');
  const planar = format.endsWith('-planar');
  const n = chans[0].length;
  const dv = new DataView(bytes.buffer);
  return chans.map((_, c) => Float32Array.from({ length: n }, (__, i) => {
    const k = planar ? c * n + i : i * chans.length + c;
    if (base === 's16') return dv.getInt16(k * 2, true) / 32768;
    if (base === 's32') return Math.fround(dv.getInt32(k * 4, true) / 2147483648);
    return dv.getFloat32(k * 4, true);
  }));
}

for (const { cfg, floor, lag, exact, format = 'f32-planar', probeRate } of CASES) {
  const label = `${cfg.codec} ${cfg.sampleRate} Hz x${cfg.numberOfChannels}${cfg.opus || cfg.aac || cfg.flac ? ` ${JSON.stringify(cfg.opus || cfg.aac || cfg.flac)}` : ''}`;
  test(`round trip through the ffmpeg CLI: ${label} (${exact ? 'bit-exact' : `SNR >= ${floor} dB`}, delay ${lag})`, async (t) => {
    const frames = cfg.sampleRate; // one second
    const r = await A.encodeSignal(cfg, { frames, per: 1009, formats: [format], timestamp: 250000 });
    assert.equal(r.error, null, r.error && `${r.error.name}: ${r.error.message}`);
    assert.equal(r.chunks[0].timestamp, 250000, 'the first chunk at the first input');
    assert.ok(r.chunks.reduce((s, c) => s + c.duration, 0) >= 1e6, 'durations cover the input');
    const box = A.containerFor(cfg.codec, r.metas[0], r.chunks, cfg.sampleRate);
    const file = A.writeTemp(box.ext, box.data);
    const rawArgs = box.raw ? ['-f', box.format, '-ar', String(cfg.sampleRate), '-ac', String(cfg.numberOfChannels)] : [];
    const probe = JSON.parse(execFileSync('ffprobe', ['-v', 'error', ...rawArgs, '-show_entries', 'stream=codec_name,sample_rate,channels',
      '-of', 'json', file], { encoding: 'utf8' })).streams;
    assert.equal(probe.length, 1, 'ffprobe: one stream');
    const codecName = { opus: 'opus', vorbis: 'vorbis', flac: 'flac', ulaw: 'pcm_mulaw', alaw: 'pcm_alaw', 'pcm-u8': 'pcm_u8', 'pcm-s16': 'pcm_s16le',
      'pcm-s24': 'pcm_s24le', 'pcm-s32': 'pcm_s32le', 'pcm-f32': 'pcm_f32le' }[cfg.codec] ?? (cfg.codec.startsWith('mp4a.4') || cfg.codec === 'mp4a.67' ? 'aac' : 'mp3');
    assert.equal(probe[0].codec_name, codecName, 'ffprobe: codec');
    assert.equal(Number(probe[0].sample_rate), probeRate ?? cfg.sampleRate, 'ffprobe: sample rate');
    assert.equal(probe[0].channels, cfg.numberOfChannels, 'ffprobe: channels');
    const got = A.ffmpegDecode(file, { ...box, rate: cfg.sampleRate, channels: cfg.numberOfChannels, inRate: cfg.sampleRate });
    assert.ok(got[0].length >= frames + lag, `decoded ${got[0].length} samples, input ${frames} (+ delay ${lag})`);
    const ref = exact ? asSeen(r.source, format) : r.source;
    if (exact) {
      for (let c = 0; c < ref.length; c++) assert.deepEqual(got[c].subarray(lag, lag + frames), ref[c], `channel ${c}: bit-exact`);
      return;
    }
    const best = A.bestLag(ref, got.map((ch) => ch.subarray(Math.max(0, lag - 8))), 16);
    const at = Math.max(0, lag - 8) + best.lag;
    t.diagnostic(`${label}: SNR ${best.snr.toFixed(1)} dB at delay ${at}`);
    assert.equal(at, lag, 'delay');
    assert.ok(best.snr >= floor, `SNR ${best.snr.toFixed(1)} dB >= ${floor}`);
  });
}

// The same chunks decoded back by this library's AudioDecoder, configured with nothing but the
// encoder's metadata.decoderConfig. The decoder discards the priming it knows of (Opus pre-skip from
// the OpusHead, Vorbis's first packet) and moves its first output's timestamp on by it (w3c/webcodecs
// PR 948), while the encoder puts its first chunk at the first input's timestamp (as Chrome does):
// through this library the audio is sample-aligned, and the first AudioData says t0 + the discarded
// priming. (Both sides have a one-switch for this; see README "Audio encoding".)
for (const { cfg, floor, lag, exact, format = 'f32-planar' } of CASES) {
  const label = `${cfg.codec} ${cfg.sampleRate} Hz x${cfg.numberOfChannels}${cfg.opus || cfg.aac || cfg.flac ? ` ${JSON.stringify(cfg.opus || cfg.aac || cfg.flac)}` : ''}`;
  test(`round trip through this library's AudioDecoder: ${label}`, async (t) => {
    const t0 = 250000;
    const r = await A.encodeSignal(cfg, { frames: cfg.sampleRate, per: 1009, formats: [format], timestamp: t0 });
    assert.equal(r.error, null);
    const dec = await A.libraryDecode(r.metas[0].decoderConfig, r.chunks);
    assert.equal(dec.error, null, dec.error && `${dec.error.name}: ${dec.error.message}`);
    assert.equal(dec.chans.length, cfg.numberOfChannels, 'channels');
    const isOpus = cfg.codec === 'opus';
    assert.equal(dec.rate, isOpus ? 48000 : cfg.sampleRate, 'output rate (Opus decodes at 48 kHz)');
    const dLag = isOpus || cfg.codec === 'vorbis' ? 0 : lag; // the priming the decoder discards
    const discarded = isOpus ? 6500 : cfg.codec === 'vorbis' ? r.chunks[0].duration : 0;
    // (the decoder snaps its timeline to the output's sample grid: within a sample)
    assert.ok(Math.abs(dec.first - (t0 + discarded)) <= 1e6 / dec.rate, `first AudioData timestamp ${dec.first}, expected ${t0 + discarded}`);
    // the reference at the decoder's rate (the test signal is a function of time)
    const ref = exact ? asSeen(r.source, format) : A.signal(Math.floor((cfg.sampleRate * dec.rate) / cfg.sampleRate), cfg.numberOfChannels, dec.rate);
    assert.ok(dec.chans[0].length >= ref[0].length + dLag, `decoded ${dec.chans[0].length} samples`);
    if (exact) {
      for (let c = 0; c < ref.length; c++) assert.deepEqual(dec.chans[c].subarray(dLag, dLag + ref[c].length), ref[c], `channel ${c}: bit-exact`);
      return;
    }
    const from = Math.max(0, dLag - 8);
    const best = A.bestLag(ref, dec.chans.map((ch) => ch.subarray(from)), 16);
    t.diagnostic(`${label}: SNR ${best.snr.toFixed(1)} dB at delay ${from + best.lag}`);
    assert.equal(from + best.lag, dLag, 'delay');
    assert.ok(best.snr >= floor, `SNR ${best.snr.toFixed(1)} dB >= ${floor}`);
  });
}

// The same encoder with the same options as the CLI gives the same bitstream: every Opus packet
// (libopus here, FFmpeg's libopus wrapper there) and every AAC frame byte for byte, and our
// timestamps are the CLI's packet times shifted by the priming (-312 and -1024 samples there).
test('Opus and AAC chunks are byte-identical to `ffmpeg -c:a libopus` / `-c:a aac` with the same options on the same samples', async () => {
  const fs = require('node:fs');
  const { createHash } = require('node:crypto');
  const wc = require('..');
  const src = A.writeTemp('f32', new Uint8Array(0));
  execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i',
    'aevalsrc=0.3*sin(2*PI*440*t)+0.2*sin(2*PI*1250*t)|0.3*sin(2*PI*660*t)+0.05*sin(2*PI*3000*t):s=48000:d=1', '-f', 'f32le', src]);
  const raw = fs.readFileSync(src);
  const frames = raw.length / 8;
  const CASES_CLI = [
    [{ codec: 'opus', sampleRate: 48000, numberOfChannels: 2, bitrate: 96000, opus: { complexity: 10, frameDuration: 10000 } },
      ['-c:a', 'libopus', '-b:a', '96k', '-vbr', 'on', '-compression_level', '10', '-frame_duration', '10', '-application', 'audio'], 312],
    [{ codec: 'opus', sampleRate: 48000, numberOfChannels: 2, bitrate: 64000, bitrateMode: 'constant', opus: { application: 'voip' } },
      ['-c:a', 'libopus', '-b:a', '64k', '-vbr', 'off', '-compression_level', '9', '-frame_duration', '20', '-application', 'voip'], 312],
    [{ codec: 'mp4a.40.2', sampleRate: 48000, numberOfChannels: 2, bitrate: 128000 }, ['-c:a', 'aac', '-b:a', '128k'], 1024],
  ];
  for (const [cfg, args, priming] of CASES_CLI) {
    const chunks = [];
    const enc = new wc.AudioEncoder({ output(c) { chunks.push(c); }, error(e) { throw e; } });
    enc.configure(cfg);
    for (let off = 0; off < frames; off += 1024) {
      const n = Math.min(1024, frames - off);
      const d = new wc.AudioData({ format: 'f32', sampleRate: 48000, numberOfChannels: 2, numberOfFrames: n, timestamp: Math.round((off * 1e6) / 48000),
        data: raw.subarray(off * 8, (off + n) * 8) });
      enc.encode(d);
      d.close();
    }
    await enc.flush();
    enc.close();
    const cli = execFileSync('ffmpeg', ['-v', 'error', '-f', 'f32le', '-ar', '48000', '-ac', '2', '-i', src, ...args, '-f', 'framemd5', '-'], { encoding: 'utf8' })
      .split('\n').filter((l) => l && !l.startsWith('#')).map((l) => l.split(',').map((s) => s.trim()));
    assert.equal(chunks.length, cli.length, `${cfg.codec}: packet count`);
    chunks.forEach((c, i) => {
      assert.equal(createHash('md5').update(A.bytesOf(c)).digest('hex'), cli[i][5], `${JSON.stringify(cfg)}: packet ${i}`);
      assert.equal(c.timestamp, Math.round(((Number(cli[i][1]) + priming) * 1e6) / 48000), `packet ${i} time`);
    });
  }
});
