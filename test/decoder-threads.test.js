'use strict';
// Decoder thread count (src/video/decoder_engine.c): FFmpeg's automatic count (cores + 1 frame
// threads), but one thread for frames of at most 320x240 by area when the config gives the coded
// size (faster there: frame threads cost more in hand-offs than they give; benched, not timed
// here), except libdav1d, whose own threads win at that size too. An explicit decoderThreads wins
// over both. Read from the non-standard decoder.stats.threads (libavcodec's count after opening);
// the pictures of each path are checked bit-exact by decoder-bitexact.test.js (which passes the
// coded size, so its 240p clips take the one-thread path and its 720p/1080p clips the threaded one).
const test = require('node:test');
const assert = require('node:assert/strict');
const os = require('node:os');
const wc = require('..');
const { loadTrack, ffmpegFrameMd5, decodeTrack } = require('./helpers/media');

const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
// libavcodec's automatic frame-thread count (libavcodec/pthread.c): cores + 1, or 1 on one core
const AUTO = cores > 1 ? Math.min(cores + 1, 16) : 1;

async function threadsFor(file, config = {}) {
  const track = await loadTrack(file);
  let frames = 0;
  let error = null;
  const d = new wc.VideoDecoder({ output(f) { frames++; f.close(); }, error(e) { error = e; } });
  d.configure({ codec: track.codec, codedWidth: track.codedWidth, codedHeight: track.codedHeight, description: track.description, ...config });
  for (const c of track.chunks.slice(0, 5)) d.decode(new wc.EncodedVideoChunk(c));
  await d.flush();
  const { threads } = d.stats;
  d.close();
  assert.equal(error, null, file);
  assert.ok(frames > 0, `${file}: frames decoded`);
  return threads;
}

for (const file of ['testsrc2-320x240-h264.h264', 'testsrc2-320x240-hevc.hevc', 'testsrc2-320x240-vp8.ivf', 'testsrc2-320x240-vp9.ivf']) {
  test(`${file}: frames of 320x240 decode on one thread`, async () => {
    assert.equal(await threadsFor(file), 1);
  });
}

test('the same 320x240 clip without a coded size in the config: the automatic count', async () => {
  assert.equal(await threadsFor('testsrc2-320x240-vp9.ivf', { codedWidth: undefined, codedHeight: undefined }), AUTO);
});

test('larger frames (720p H.264, VP9): the automatic count, cores + 1', async () => {
  assert.equal(await threadsFor('testsrc2-1280x720-h264.mp4'), AUTO);
  assert.equal(await threadsFor('testsrc2-1280x720-vp9.ivf'), AUTO);
});

test('AV1 (libdav1d) at 320x240 keeps its own automatic threads (0 in libavcodec terms)', async () => {
  assert.equal(await threadsFor('testsrc2-320x240-av1.ivf'), 0);
});

test('configureThreads({decoderThreads}) overrides the small-frame choice; a 240p clip on 3 threads is still bit-exact', async () => {
  wc.configureThreads({ decoderThreads: 3 });
  try {
    assert.equal(await threadsFor('testsrc2-320x240-h264.h264'), 3);
    const track = await loadTrack('testsrc2-320x240-h264.h264');
    const { frames, error } = await decodeTrack(track);
    assert.equal(error, null);
    assert.deepEqual(frames.map((f) => f.md5), ffmpegFrameMd5('testsrc2-320x240-h264.h264', 'I420'));
  } finally {
    wc.configureThreads({ decoderThreads: 0 });
  }
});
