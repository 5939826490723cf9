'use strict';
// Scenario: close() while a flush() is pending.
//   sync       close() right after flush(), same task
//   timer      close() 5 ms after the first output, while the worker decodes
//              and outputs stream in
//   in-output  close() from inside the output callback at the 10th frame
//              (other events of the same delivery batch must not reach JS)
// The 1080p clip (300 chunks) keeps the worker busy far longer than that.
// Reported: how the flush settled, error callback calls, state, outputs
// delivered after close(); then the child waits 300 ms more for stray outputs.
const { wc, loadTrack, configOf, chunkOf, emit, modeOrSkip, sleep, tick } = require('./common');

const mode = modeOrSkip(['sync', 'timer', 'in-output']);

async function main() {
  const track = await loadTrack('testsrc2-1920x1080-h264.h264');
  let closed = false;
  let frames = 0;
  let firstOutput;
  const gotFirstOutput = new Promise((r) => { firstOutput = r; });
  let afterClose = 0;
  const errors = [];
  const d = new wc.VideoDecoder({
    output(f) {
      f.close();
      if (closed) { afterClose++; return; }
      frames++;
      firstOutput();
      if (mode === 'in-output' && frames === 10) {
        d.close();
        closed = true;
      }
    },
    error(e) { errors.push(`${e.name}: ${e.message}`); },
  });
  d.configure(configOf(track));
  for (const c of track.chunks) d.decode(chunkOf(c));
  let flushSettledBeforeClose = false;
  const flush = d.flush().then(
    () => ({ resolved: true }),
    (e) => ({ rejected: true, isDOMException: e instanceof DOMException, name: e && e.name, message: e && e.message }),
  );
  flush.then(() => { if (!closed) flushSettledBeforeClose = true; });
  if (mode === 'sync') {
    d.close();
    closed = true;
  } else if (mode === 'timer') {
    await gotFirstOutput;
    await sleep(5);
    d.close();
    closed = true;
  }
  let timer;
  const outcome = await Promise.race([flush, new Promise((r) => { timer = setTimeout(() => r({ pending: true }), 20000); })]);
  clearTimeout(timer);
  const stateAtSettle = d.state;
  await sleep(300);
  for (let i = 0; i < 5; i++) await tick();
  emit({ mode, closed, flush: outcome, flushSettledBeforeClose, errors, state: d.state, stateAtSettle, frames, afterClose,
    queueAfter: d.decodeQueueSize });
}

if (mode) main().catch((e) => { console.error(e); process.exitCode = 99; });
