'use strict';
// Child of test/priority.test.js: decodes 1080p H.264 and, while the decoder is busy, reads the
// scheduling policy, niceness and requested slice of every thread of this process; then starts a
// process from the JS thread and reports the slice that process got (it must not inherit ours).
//   node priority-child.js [configureThreads JSON] [decodes JSON]
// decodes: [{file, config}] decoded one after the other by the same decoder (reconfigured between
// them), threads read during each (`codecs`: one list per decode); default one 1080p H.264 decode.
const fs = require('node:fs');
const { execFileSync } = require('node:child_process');
const wc = require('../..');
const { binding } = require('../../lib/binding');
const { loadTrack } = require('./media');

function threads() {
  return fs.readdirSync('/proc/self/task').map((tid) => {
    const comm = fs.readFileSync(`/proc/self/task/${tid}/comm`, 'utf8').trim();
    return { tid: Number(tid), comm, ...binding.threadSched(Number(tid)) };
  });
}

(async () => {
  const before = binding.threadSched(process.pid);
  if (process.argv[2] && process.argv[2] !== 'null') wc.configureThreads(JSON.parse(process.argv[2]));
  const decodes = process.argv[3] ? JSON.parse(process.argv[3]) : [{ file: 'testsrc2-1920x1080-h264.h264' }];
  let frames = 0;
  let seen = null;
  const d = new wc.VideoDecoder({
    output(f) {
      if (++frames === 10) seen = threads();
      f.close();
    },
    error(e) { throw e; },
  });
  const codecs = [];
  let total = 0;
  for (const { file, config } of decodes) {
    const track = await loadTrack(file);
    frames = 0;
    seen = null;
    d.configure({ codec: track.codec, ...(track.description ? { description: track.description } : {}), ...config });
    for (const c of track.chunks.slice(0, 60)) d.decode(new wc.EncodedVideoChunk(c));
    await d.flush();
    codecs.push(seen.filter((t) => t.comm === 'webcodecs-codec'));
    total += frames;
  }
  d.close();
  frames = total;
  const main = seen.find((t) => t.tid === process.pid);
  const codec = codecs[0];
  // A process started from the JS thread now: its slice (ns) from its own /proc/self/sched.
  const m = /se\.slice\s*:\s*(\d+)/.exec(execFileSync('cat', ['/proc/self/sched'], { encoding: 'utf8' }));
  const childSliceUs = m ? Number(m[1]) / 1000 : null;
  console.log(JSON.stringify({ before, main, codec, codecs, frames, childSliceUs }));
})();
