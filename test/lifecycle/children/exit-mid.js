'use strict';
// Scenario: the process ends while decoders are busy (outputs queued in the
// worker, frames in flight, VideoFrames left open). It must end with the
// requested exit code and no signal (no crash in environment teardown).
//   exit-in-output  process.exit(3) from the output callback at the 5th frame
//   exit-in-timer   process.exit(3) from a timer while both decoders are busy
//   throw-in-timer  an uncaught Error thrown from a timer while busy (exit code 1)
// Two decoders run: the 1080p clip and the 720p clip, all chunks, no flush.
const { wc, loadTrack, configOf, chunkOf, emit, modeOrSkip } = require('./common');

const mode = modeOrSkip(['exit-in-output', 'exit-in-timer', 'throw-in-timer']);

async function main() {
  const files = ['testsrc2-1920x1080-h264.h264', 'testsrc2-1280x720-h264.mp4'];
  const tracks = await Promise.all(files.map((f) => loadTrack(f)));
  const facts = { mode, frames: [0, 0], kept: 0 };
  const decoders = [];
  const kept = [];
  const snapshot = () => {
    facts.queue = decoders.map((d) => d.decodeQueueSize);
    facts.busy = decoders.map((d) => d.stats.busy);
    facts.states = decoders.map((d) => d.state);
  };
  process.on('exit', (code) => {
    facts.exitCode = code;
    facts.kept = kept.length;
    emit(facts);
  });
  tracks.forEach((t, i) => {
    const d = new wc.VideoDecoder({
      output(f) {
        facts.frames[i]++;
        if (kept.length < 8) kept.push(f); // some frames stay open at exit
        else f.close();
        if (mode === 'exit-in-output' && i === 0 && facts.frames[0] === 5) {
          snapshot();
          process.stdout.write('EXITING\n');
          process.exit(3);
        }
      },
      error(e) { facts.error = `${e.name}: ${e.message}`; },
    });
    decoders.push(d);
    d.configure(configOf(t));
    for (const c of t.chunks) d.decode(chunkOf(c));
  });
  if (mode === 'exit-in-timer') {
    setTimeout(() => {
      snapshot();
      process.stdout.write('EXITING\n');
      process.exit(3);
    }, 30);
  } else if (mode === 'throw-in-timer') {
    setTimeout(() => {
      snapshot();
      process.stdout.write('THROWING\n');
      throw new Error('lifecycle-test: thrown from a timer mid-decode');
    }, 30);
  }
}

if (mode) main().catch((e) => { console.error(e); process.exitCode = 99; });
