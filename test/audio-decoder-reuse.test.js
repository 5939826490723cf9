'use strict';
// The audio decoder copies small frames into memory of each output's own and reuses that memory
// once the AudioData is closed (src/audio/audio_decoder.c, output_take). Reuse must never show:
//   - an AudioData still alive (never closed, or a clone() of a closed one) keeps its samples
//     while the decoder goes on writing later frames;
//   - the kept memory is keyed on the frame's shape (sample format, frame count, channels, rate):
//     one decoder reconfigured across clips of other shapes, and frames too large to copy,
//     still gives FFmpeg's own decode of every clip, sample for sample.
const test = require('node:test');
const assert = require('node:assert/strict');
const { createHash } = require('node:crypto');
const wc = require('..');
const { loadAudioTrack, ffmpegDecode } = require('./helpers/audio');

const md5 = (b) => createHash('md5').update(b).digest('hex');
const interleaved = (data, format) => {
  const opts = { planeIndex: 0, format };
  const b = Buffer.alloc(data.allocationSize(opts));
  data.copyTo(b, opts);
  return b;
};

test('AudioData kept alive or cloned keep their samples while the decoder reuses closed outputs\' memory', async () => {
  const track = loadAudioTrack('aac-lc-44100-stereo.m4a');
  const ref = ffmpegDecode(track.file, 'f32', { skipManual: true });
  const kept = []; // [frame index, AudioData]
  let n = 0;
  let error = null;
  const decoder = new wc.AudioDecoder({
    output(data) {
      const i = n++;
      if (i % 3 === 0) {
        kept.push([i, data.clone()]); // shares the samples: the closed original must not give them back for reuse
        data.close();
      } else if (i % 7 === 0) {
        kept.push([i, data]); // never closed while the decoder runs
      } else {
        data.close(); // its memory goes back to the decoder for later frames
      }
    },
    error(e) { error = e; },
  });
  decoder.configure({ codec: track.codec, sampleRate: track.sampleRate, numberOfChannels: track.numberOfChannels, description: track.description });
  // in slices, so that closed outputs come back to the decoder while it still has frames to decode
  for (let k = 0; k < track.chunks.length; k += 4) {
    for (const c of track.chunks.slice(k, k + 4)) decoder.decode(new wc.EncodedAudioChunk(c));
    await new Promise((r) => setTimeout(r, 1));
  }
  await decoder.flush();
  decoder.close();
  assert.equal(error, null);
  assert.equal(n, ref.frames.length, 'frame count');
  assert.ok(kept.length >= 10, `${kept.length} outputs kept`);
  for (const [i, data] of kept) {
    assert.equal(md5(interleaved(data, 'f32')), ref.frames[i].md5, `frame ${i}: samples of a kept AudioData changed`);
    data.close();
  }
});

// [clip, copyTo format, FFmpeg reference type, skip_manual, description]
const CLIPS = [
  ['aac-lc-44100-stereo.m4a', 'f32', 'f32', true], // 1024 x 2 float planar
  ['aac-lc-48000-mono.aac', 'f32', 'f32', true], // 1024 x 1, another rate
  ['flac-48000-mono-s24.flac', 's32', 's32', false], // s32, 4608 frames
  ['pcm-s16-44100-stereo.wav', 's16', 's16', false], // s16 interleaved
  ['mp3-44100-stereo.mp3', 'f32', 'f32', true], // 1152 x 2
  ['aac-lc-44100-stereo.m4a', 'f32', 'f32', true], // back to the first shape
];

test('one AudioDecoder reconfigured across clips of other sample formats, frame sizes, channels and rates decodes each bit-exactly', async () => {
  const outputs = [];
  let error = null;
  const decoder = new wc.AudioDecoder({
    output(data) { outputs.push(data); },
    error(e) { error = e; },
  });
  for (const [clip, format, type, skipManual] of CLIPS) {
    const track = loadAudioTrack(clip);
    const ref = ffmpegDecode(track.file, type, { skipManual });
    decoder.configure({ codec: track.codec, sampleRate: track.sampleRate, numberOfChannels: track.numberOfChannels,
      ...(track.description ? { description: track.description } : {}) });
    for (let k = 0; k < track.chunks.length; k += 32) {
      for (const c of track.chunks.slice(k, k + 32)) decoder.decode(new wc.EncodedAudioChunk(c));
      await new Promise((r) => setTimeout(r, 1));
      // close what came out so far: its memory is reused by the next frames (of this clip's shape)
      for (const d of outputs.splice(0)) d.close();
    }
    await decoder.flush();
    assert.equal(error, null, `${clip}: ${error}`);
    for (const d of outputs.splice(0)) d.close();
    // every frame of the clip again, from a second pass with the outputs held, compared in one piece
    const all = [];
    decoder.configure({ codec: track.codec, sampleRate: track.sampleRate, numberOfChannels: track.numberOfChannels,
      ...(track.description ? { description: track.description } : {}) });
    for (const c of track.chunks) decoder.decode(new wc.EncodedAudioChunk(c));
    await decoder.flush();
    for (const d of outputs.splice(0)) {
      all.push(interleaved(d, format));
      d.close();
    }
    assert.equal(all.length, ref.frames.length, `${clip}: frame count`);
    all.forEach((b, i) => assert.equal(md5(b), ref.frames[i].md5, `${clip}: frame ${i} differs from FFmpeg's decode`));
  }
  decoder.close();
});

test('frames closed as they come out, over reconfigurations, still match FFmpeg\'s decode frame by frame', async () => {
  let error = null;
  let sums = [];
  let fmt = 'f32';
  const decoder = new wc.AudioDecoder({
    output(data) {
      sums.push(md5(interleaved(data, fmt)));
      data.close(); // at once: the next frame reuses this memory
    },
    error(e) { error = e; },
  });
  for (const [clip, format, type, skipManual] of CLIPS) {
    const track = loadAudioTrack(clip);
    const ref = ffmpegDecode(track.file, type, { skipManual });
    fmt = format;
    sums = [];
    decoder.configure({ codec: track.codec, sampleRate: track.sampleRate, numberOfChannels: track.numberOfChannels,
      ...(track.description ? { description: track.description } : {}) });
    for (const c of track.chunks) decoder.decode(new wc.EncodedAudioChunk(c));
    await decoder.flush();
    assert.equal(error, null, `${clip}: ${error}`);
    assert.deepEqual(sums, ref.frames.map((f) => f.md5), `${clip}: frames differ from FFmpeg's decode`);
  }
  decoder.close();
});

test('PCM chunks alternating between small (copied) and large (moved) frames come out as they went in', async () => {
  const channels = 2;
  const sizes = [100, 30000, 1024, 1024, 50000, 7, 1024, 20000, 1]; // frames per chunk: 400 B to 200 KB
  const chunks = [];
  let seed = 12345;
  let before = 0; // frames
  for (let round = 0; round < 4; round++) {
    for (const frames of sizes) {
      const b = Buffer.alloc(frames * channels * 2);
      for (let i = 0; i < b.length; i++) b[i] = (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24;
      chunks.push({ data: b, timestamp: Math.round((before * 1e6) / 48000) }); // on the sample count, as outputs are
      before += frames;
    }
  }
  const got = [];
  let error = null;
  const decoder = new wc.AudioDecoder({
    output(data) {
      got.push({ timestamp: data.timestamp, bytes: interleaved(data, 's16') });
      data.close();
    },
    error(e) { error = e; },
  });
  decoder.configure({ codec: 'pcm-s16', sampleRate: 48000, numberOfChannels: channels });
  for (const c of chunks) {
    decoder.decode(new wc.EncodedAudioChunk({ type: 'key', timestamp: c.timestamp, data: c.data }));
    if (got.length % 3 === 0) await new Promise((r) => setImmediate(r));
  }
  await decoder.flush();
  decoder.close();
  assert.equal(error, null);
  assert.equal(got.length, chunks.length);
  got.forEach((g, i) => {
    assert.ok(g.bytes.equals(chunks[i].data), `chunk ${i} (${chunks[i].data.length} bytes) changed`);
    assert.equal(g.timestamp, chunks[i].timestamp);
  });
});

test('a reconfigure that changes only the sample rate: reused output memory reports the new rate, duration and timestamps', async () => {
  // same format (s16), channels (2) and frames per chunk (1024): only the rate is left to key the reuse on
  const got = [];
  let error = null;
  const decoder = new wc.AudioDecoder({
    output(data) {
      got.push({ sampleRate: data.sampleRate, frames: data.numberOfFrames, channels: data.numberOfChannels,
        duration: data.duration, timestamp: data.timestamp, bytes: interleaved(data, 's16') });
      data.close(); // at once: the next frame reuses this memory
    },
    error(e) { error = e; },
  });
  const sent = [];
  for (const rate of [44100, 48000, 44100]) {
    decoder.configure({ codec: 'pcm-s16', sampleRate: rate, numberOfChannels: 2 });
    for (let i = 0; i < 40; i++) {
      const data = Buffer.alloc(1024 * 2 * 2, (i * 7 + rate) & 0xff);
      const timestamp = Math.round((i * 1024 * 1e6) / rate);
      sent.push({ rate, timestamp, data });
      decoder.decode(new wc.EncodedAudioChunk({ type: 'key', timestamp, data }));
      if (i % 4 === 3) await new Promise((r) => setImmediate(r));
    }
    await decoder.flush();
  }
  decoder.close();
  assert.equal(error, null);
  assert.equal(got.length, sent.length);
  got.forEach((g, i) => {
    const s = sent[i];
    assert.deepEqual([g.sampleRate, g.frames, g.channels], [s.rate, 1024, 2], `output ${i}`);
    assert.equal(g.duration, Math.floor((1024 * 1e6) / s.rate), `output ${i} duration`);
    assert.equal(g.timestamp, s.timestamp, `output ${i} timestamp`);
    assert.ok(g.bytes.equals(s.data), `output ${i} samples`);
  });
});
