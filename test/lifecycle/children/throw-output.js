'use strict';
// Scenario: the `output` callback throws.
//   handled    a process 'uncaughtException' handler is installed; the callback
//              throws at the 3rd and the 7th frame. Each Error must reach the
//              handler as the very same object, in order, and decoding goes on.
//   unhandled  no handler; the callback throws at the 3rd frame. The process must
//              die with a non-zero code and the message on stderr (not swallowed).
const { wc, loadTrack, configOf, chunkOf, emit, modeOrSkip } = require('./common');

const mode = modeOrSkip(['handled', 'unhandled']);

async function main() {
  const track = await loadTrack('testsrc2-320x240-h264.mp4');
  const thrown = [];
  const caught = [];
  const errors = [];
  let frames = 0;
  let framesAfterFirstThrow = 0;
  if (mode === 'handled') {
    process.on('uncaughtException', (e) => { caught.push(e); });
  }
  const d = new wc.VideoDecoder({
    output(f) {
      frames++;
      if (thrown.length) framesAfterFirstThrow++;
      f.close();
      if (frames === 3 || (mode === 'handled' && frames === 7)) {
        const e = new Error(`lifecycle-test: thrown by output() at frame ${frames}`);
        thrown.push(e);
        process.stdout.write(`THROWING ${frames}\n`);
        throw e;
      }
    },
    error(e) { errors.push(`${e.name}: ${e.message}`); },
  });
  d.configure(configOf(track));
  for (const c of track.chunks) d.decode(chunkOf(c));
  let flush = 'pending';
  await d.flush().then(() => { flush = 'resolved'; }, (e) => { flush = `${e.name}: ${e.message}`; });
  await new Promise((r) => setImmediate(r));
  emit({
    mode,
    frames,
    framesAfterFirstThrow,
    flush,
    errors,
    state: d.state,
    thrown: thrown.length,
    caught: caught.length,
    sameObjects: caught.length === thrown.length && caught.every((e, i) => e === thrown[i]),
    caughtMessages: caught.map((e) => (e instanceof Error ? e.message : String(e))),
  });
}

if (mode) main().catch((e) => { console.error(e); process.exitCode = 99; });
