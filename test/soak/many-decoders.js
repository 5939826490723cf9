'use strict';
// Soak scenario: 64 decoders decoding at once.
//   decode64  the 320x240 clips of every codec (H.264 in MP4, HEVC Annex B, VP8,
//             VP9, AV1), 64 decoders round-robin over them, all configured and fed
//             every chunk before any flush; then all flushed together.
// Each decoder's frames are compared with a reference decode of the same clip by
// a lone decoder (run first): the frame count must equal the chunk count, the
// timestamps must be the expected ones (presentation order; for the Annex B clip
// FFmpeg's own mapping, test/helpers/media.js expectedTimestamps) and every
// frame's pixels (md5 of copyTo) must match the reference: no cross-talk between
// codecs running side by side.
const { createHash } = require('node:crypto');
const media = require('../helpers/media');
const { wc, configOf, chunkOf, emit, modeOrSkip, errText } = require('./util');

const mode = modeOrSkip(['decode64']);
const FILES = ['testsrc2-320x240-h264.mp4', 'testsrc2-320x240-hevc.hevc', 'testsrc2-320x240-vp8.ivf',
  'testsrc2-320x240-vp9.ivf', 'testsrc2-320x240-av1.ivf'];
const N = 64;

function md5Of(frame) {
  const buf = new Uint8Array(frame.allocationSize());
  frame.copyTo(buf); // a same-format copy is done at once (the promise is already settled)
  return createHash('md5').update(buf).digest('hex');
}

// Starts a decode of every chunk of `track`; returns the record and the decoder.
function start(track) {
  const rec = { timestamps: [], md5: [], errors: [], outputsAfterFlush: 0, flushed: false };
  const d = new wc.VideoDecoder({
    output(f) {
      if (rec.flushed) rec.outputsAfterFlush++;
      rec.timestamps.push(f.timestamp);
      rec.md5.push(md5Of(f));
      f.close();
    },
    error(e) { rec.errors.push(errText(e)); },
  });
  d.configure(configOf(track));
  for (const c of track.chunks) d.decode(chunkOf(c));
  return { rec, d };
}

async function finish({ rec, d }) {
  try {
    await d.flush();
  } catch (e) {
    rec.errors.push(`flush: ${errText(e)}`);
  }
  rec.flushed = true;
  rec.state = d.state;
  if (d.state !== 'closed') d.close();
  return rec;
}

async function main() {
  const t0 = Date.now();
  const tracks = await Promise.all(FILES.map((f) => media.loadTrack(f)));
  const expected = await Promise.all(FILES.map((f, i) => media.expectedTimestamps(f, tracks[i])));
  const reference = [];
  for (const t of tracks) reference.push(await finish(start(t)));
  const tRef = Date.now();

  const running = [];
  for (let i = 0; i < N; i++) running.push(start(tracks[i % FILES.length]));
  const peakQueue = running.reduce((s, r) => s + r.d.decodeQueueSize, 0);
  const recs = await Promise.all(running.map(finish));
  const tAll = Date.now();

  const decoders = recs.map((r, i) => {
    const k = i % FILES.length;
    const ref = reference[k];
    const firstBadFrame = r.md5.findIndex((m, j) => m !== ref.md5[j]);
    return {
      index: i,
      file: FILES[k],
      chunks: tracks[k].chunks.length,
      frames: r.timestamps.length,
      timestampsOk: JSON.stringify(r.timestamps) === JSON.stringify(expected[k]),
      firstTimestamps: r.timestamps.slice(0, 4),
      pixelsOk: firstBadFrame === -1 && r.md5.length === ref.md5.length,
      firstBadFrame,
      errors: r.errors,
      outputsAfterFlush: r.outputsAfterFlush,
      state: r.state,
    };
  });
  emit({
    mode,
    decoders,
    reference: reference.map((r, k) => ({ file: FILES[k], frames: r.timestamps.length, errors: r.errors,
      timestampsOk: JSON.stringify(r.timestamps) === JSON.stringify(expected[k]) })),
    peakQueue,
    ms: { load: tRef - t0, all: tAll - tRef },
  });
}

if (mode) main().catch((e) => { console.error(e); process.exitCode = 99; });
