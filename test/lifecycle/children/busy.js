'use strict';
// Scenario: busy decoders that are never flushed or closed keep the process
// alive until every output they can produce without a flush is delivered.
//   one  one decoder, all 300 chunks of the 1080p clip
//   two  two decoders at once (720p H.264 in MP4, 300 chunks; 320x240 VP8, 150 chunks)
// The script's last statement runs synchronously after the decode() calls; the
// frame counts are printed from process.on('exit').
const { wc, loadTrack, configOf, chunkOf, emit, modeOrSkip } = require('./common');

const mode = modeOrSkip(['one', 'two']);

async function main() {
  const files = mode === 'one' ? ['testsrc2-1920x1080-h264.h264'] : ['testsrc2-1280x720-h264.mp4', 'testsrc2-320x240-vp8.ivf'];
  const tracks = await Promise.all(files.map((f) => loadTrack(f)));
  const runs = tracks.map((t, i) => ({ file: files[i], chunks: t.chunks.length, frames: 0, errors: [], lastTs: -1 }));
  process.on('exit', (code) => emit({ mode, code, runs }));
  tracks.forEach((t, i) => {
    const run = runs[i];
    const d = new wc.VideoDecoder({
      output(f) {
        run.frames++;
        run.lastTs = f.timestamp;
        f.close();
      },
      error(e) { run.errors.push(`${e.name}: ${e.message}`); },
    });
    d.configure(configOf(t));
    for (const c of t.chunks) d.decode(chunkOf(c));
    run.queuedAtEnd = d.decodeQueueSize;
  });
  process.stdout.write('DECODE_CALLS_DONE\n');
}

if (mode) main().catch((e) => { console.error(e); process.exitCode = 99; });
