'use strict';
// Every audio clip (test/fixtures/audio/make.js), decoded by this library, matches FFmpeg's own
// decode of the same file sample for sample (the AudioData copied out interleaved, against
// `ffmpeg -c:a pcm_*` of the same sample type, md5 per frame and the whole stream), with the
// exact frame count, frame sizes, output format, rate, channel count and timestamps.
//
// Priming: the chunks are the container's packets with no side data (as WebCodecs has it), so
// where FFmpeg trims container-signalled priming/padding (MP4 edit lists, the LAME tag, Ogg
// granule positions) the reference is decoded with -flags2 +skip_manual, i.e. the packets as they
// are. Opus with an OpusHead is the exception: its pre-skip is the decoder's own (libavcodec
// discards it with a packet time base set, as we do), so the reference is FFmpeg's default decode;
// FFmpeg also trims the end by the last page's granule position, which no WebCodecs chunk
// carries: our last frame is then longer, and the reference must be its beginning.
//
// Timestamps: FFmpeg's decode with -copyts (no shift of the file's start to 0), in samples; ours
// are sample-accurate across chunks (the WebM clips have millisecond chunk timestamps: the output
// follows the sample count, as FFmpeg's own does). There the reference's timestamps are FFmpeg's
// millisecond arithmetic (it rounds the discarded pre-skip to the packet time base), so ours must
// follow the sample count exactly from the first frame and stay within 1 ms of FFmpeg's.
const test = require('node:test');
const assert = require('node:assert/strict');
const { createHash } = require('node:crypto');
const { loadAudioTrack, ffmpegDecode, decodeAudio } = require('./helpers/audio');

const md5 = (b) => createHash('md5').update(b).digest('hex');
// microseconds of a sample position, rounded as libavutil's av_rescale (halves away from zero)
const usOf = (samples, rate) => Math.sign(samples) * Math.round((Math.abs(samples) * 1e6) / rate);

const CASES = [
  // clip, output AudioSampleFormat, rate, channels, options
  ['aac-lc-44100-stereo.m4a', 'f32-planar', 44100, 2, { skipManual: true }],
  ['aac-lc-48000-mono.aac', 'f32-planar', 48000, 1, { skipManual: true }], // ADTS: no description
  // SBR: the real output rate; FFmpeg's decoder outputs a mono SBR stream as stereo (PS may be signalled implicitly)
  ['he-aac-v1-24000-mono.m4a', 'f32-planar', 48000, 2, { skipManual: true, codec: 'mp4a.40.5' }],
  ['he-aac-v2-24000-mono.m4a', 'f32-planar', 48000, 2, { skipManual: true, codec: 'mp4a.40.29' }], // PS: stereo from a mono core
  ['opus-48000-stereo.ogg', 'f32-planar', 48000, 2, { endTrim: true }],
  ['opus-44100-stereo-10ms.ogg', 'f32-planar', 48000, 2, { endTrim: true }],
  ['opus-48000-mono-20ms.webm', 'f32-planar', 48000, 1, { endTrim: true, ms: true }],
  ['opus-48000-mono-20ms.webm', 'f32-planar', 48000, 1, { skipManual: true, noDescription: true, ms: true }], // raw Opus packets, family 0
  ['opus-48000-5.1-family1.ogg', 'f32-planar', 48000, 6, { endTrim: true }],
  ['opus-48000-4ch-family255.ogg', 'f32-planar', 48000, 4, { endTrim: true }],
  ['mp3-44100-stereo.mp3', 'f32-planar', 44100, 2, { skipManual: true }],
  ['mp3-48000-mono.mp3', 'f32-planar', 48000, 1, { skipManual: true }],
  ['flac-44100-stereo-s16.flac', 's16', 44100, 2, {}],
  ['flac-48000-mono-s24.flac', 's32', 48000, 1, {}], // 24-bit content: s32 shifted left by 8
  ['vorbis-44100-stereo.ogg', 'f32-planar', 44100, 2, { skipManual: true }],
  ['vorbis-48000-mono.webm', 'f32-planar', 48000, 1, { skipManual: true, ms: true }],
  ['pcm-u8-8000-mono.wav', 'u8', 8000, 1, {}],
  ['pcm-s16-44100-stereo.wav', 's16', 44100, 2, {}],
  ['pcm-s24-48000-stereo.wav', 's32', 48000, 2, {}],
  ['pcm-s32-48000-mono.wav', 's32', 48000, 1, {}],
  ['pcm-f32-44100-stereo.wav', 'f32', 44100, 2, {}],
  ['ulaw-8000-mono.wav', 's16', 8000, 1, {}],
  ['alaw-8000-stereo.wav', 's16', 8000, 2, {}],
];

for (const [clip, format, rate, channels, opts] of CASES) {
  test(`${clip}${opts.noDescription ? ' (no description)' : ''} decodes bit-exactly to ${format} ${rate} Hz x${channels} with exact timestamps`, async () => {
    const track = loadAudioTrack(clip, { description: !opts.noDescription });
    if (opts.codec) assert.equal(track.codec, opts.codec, 'the clip is signalled as intended');
    const type = format.replace('-planar', '');
    const { outputs, error } = await decodeAudio(track);
    assert.equal(error, null, error && `${error.name}: ${error.message}`);
    const ref = ffmpegDecode(track.file, type, { skipManual: opts.skipManual });
    const frameBytes = channels * ref.bps;
    assert.equal(Number(ref.probe.channels), channels, 'reference channel count');
    assert.equal(outputs.length, ref.frames.length, 'frame count');
    let offset = 0;
    let samplesBefore = 0;
    for (let i = 0; i < outputs.length; i++) {
      const o = outputs[i];
      const r = ref.frames[i];
      const last = i === outputs.length - 1;
      assert.equal(o.format, format, `frame ${i} format`);
      assert.equal(o.sampleRate, rate, `frame ${i} sampleRate`);
      assert.equal(o.numberOfChannels, channels, `frame ${i} numberOfChannels`);
      if (opts.ms) {
        assert.ok(Math.abs(o.timestamp - usOf(r.pts, rate)) <= 1000, `frame ${i} timestamp ${o.timestamp} vs FFmpeg's ${usOf(r.pts, rate)}`);
        assert.equal(o.timestamp, outputs[0].timestamp + usOf(samplesBefore, rate), `frame ${i} timestamp follows the sample count`);
      } else {
        assert.equal(o.timestamp, usOf(r.pts, rate), `frame ${i} timestamp`);
      }
      samplesBefore += o.numberOfFrames;
      assert.equal(o.duration, Math.floor((o.numberOfFrames * 1e6) / rate), `frame ${i} duration`);
      if (last && opts.endTrim) {
        // FFmpeg trimmed the end padding by the granule position; ours is the whole last frame
        assert.ok(o.bytes.length > r.bytes, 'the reference\'s last frame is trimmed');
        assert.ok(o.bytes.subarray(0, r.bytes).equals(ref.bytes.subarray(offset, offset + r.bytes)), 'last frame: samples differ');
      } else {
        assert.equal(o.bytes.length, r.bytes, `frame ${i} size (${o.numberOfFrames} frames)`);
        assert.equal(o.numberOfFrames, r.bytes / frameBytes);
        assert.equal(md5(o.bytes), r.md5, `frame ${i}: samples differ from FFmpeg's decode`);
      }
      offset += r.bytes;
    }
    assert.equal(offset, ref.bytes.length);
  });
}
