'use strict';
// Every frame of every clip, decoded by this library, matches FFmpeg's own decode
// (md5 of the packed planes copyTo() writes), in presentation order, with the
// exact timestamp and duration of its chunk.
const test = require('node:test');
const assert = require('node:assert/strict');
const { loadTrack, ffmpegFrameMd5, expectedTimestamps, decodeTrack } = require('./helpers/media');

const CASES = [
  // file, demux options, expected VideoPixelFormat
  ['testsrc2-1920x1080-h264.h264', {}, 'I420'], // Annex B, B-frames, 1088 coded lines cropped to 1080
  ['testsrc2-1920x1080-h264.h264', { avcc: true }, 'I420'],
  ['testsrc2-1280x720-h264.mp4', {}, 'I420'], // avcC description, B-frames, presentation timestamps
  ['testsrc2-1280x720-hevc.hevc', {}, 'I420'],
  ['testsrc2-1280x720-hevc.hevc', { avcc: true }, 'I420'], // hvcC description
  ['testsrc2-1280x720-vp8.ivf', {}, 'I420'],
  ['testsrc2-1280x720-vp9.ivf', {}, 'I420'],
  ['testsrc2-1280x720-av1.ivf', {}, 'I420'],
  ['testsrc2-320x240-h264.h264', {}, 'I420'],
  ['testsrc2-320x240-h264.mp4', {}, 'I420'],
  ['testsrc2-320x240-hevc.hevc', {}, 'I420'],
  ['testsrc2-320x240-vp8.ivf', {}, 'I420'],
  ['testsrc2-320x240-vp9.ivf', {}, 'I420'],
  ['testsrc2-320x240-av1.ivf', {}, 'I420'],
  ['testsrc2-320x240-vp9-10bit.ivf', {}, 'I420P10'],
  ['testsrc2-320x240-av1-10bit.ivf', {}, 'I420P10'],
  ['testsrc2-320x240-hevc-10bit.hevc', {}, 'I420P10'],
  ['testsrc2-320x240-vp9-444.ivf', {}, 'I444'],
  ['testsrc2-322x182-h264.h264', {}, 'I420'], // odd visible size inside a 336x192 coded frame
];

for (const [file, opts, format] of CASES) {
  test(`${file}${opts.avcc ? ' (length-prefixed, with description)' : ''} decodes bit-exactly with exact timestamps`, async () => {
    const track = await loadTrack(file, opts);
    const { frames, error } = await decodeTrack(track);
    assert.equal(error, null, error && `${error.name}: ${error.message}`);
    const want = ffmpegFrameMd5(file, format);
    assert.equal(frames.length, want.length, 'frame count');
    assert.equal(frames.length, track.chunks.length, 'one frame per chunk');
    const wantTs = await expectedTimestamps(file, track);
    const durations = new Map(track.chunks.map((c) => [c.timestamp, c.duration ?? null]));
    for (let i = 0; i < frames.length; i++) {
      const f = frames[i];
      assert.equal(f.format, format, `frame ${i} format`);
      assert.equal(f.md5, want[i], `frame ${i} pixels differ from FFmpeg's decode`);
      assert.equal(f.timestamp, wantTs[i], `frame ${i} timestamp`);
      assert.equal(f.duration, durations.get(f.timestamp), `frame ${i} duration`);
      assert.equal(f.visibleRect.width, track.codedWidth, 'visible width');
      assert.equal(f.visibleRect.height, track.codedHeight, 'visible height');
    }
  });
}

test('1080p H.264: coded size 1920x1088, visible rect 1920x1080, display size 1920x1080', async () => {
  const track = await loadTrack('testsrc2-1920x1080-h264.h264');
  track.chunks = track.chunks.slice(0, 60);
  const { frames, error } = await decodeTrack(track);
  assert.equal(error, null);
  const f = frames[0];
  assert.deepEqual([f.codedWidth, f.codedHeight], [1920, 1088]);
  assert.deepEqual([f.visibleRect.x, f.visibleRect.y, f.visibleRect.width, f.visibleRect.height], [0, 0, 1920, 1080]);
  assert.deepEqual([f.displayWidth, f.displayHeight], [1920, 1080]);
  // untagged stream: "Pick Color Space" gives the REC709 colour space
  assert.deepEqual(f.colorSpace, { primaries: 'bt709', transfer: 'bt709', matrix: 'bt709', fullRange: false });
});
