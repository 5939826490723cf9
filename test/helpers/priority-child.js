'use strict';
// Child of test/priority.test.js: decodes 1080p H.264 and, while the decoder is busy, reads the
// scheduling policy and niceness of every thread of this process from /proc.
const fs = require('node:fs');
const wc = require('../..');
const { loadTrack } = require('./media');

function threads() {
  return fs.readdirSync('/proc/self/task').map((tid) => {
    const comm = fs.readFileSync(`/proc/self/task/${tid}/comm`, 'utf8').trim();
    const stat = fs.readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // fields from 3 on
    return { tid: Number(tid), comm, nice: Number(f[16]), policy: Number(f[38]) };
  });
}

(async () => {
  if (process.argv[2] === 'normal') wc.configureThreads({ priority: 'normal' });
  const track = await loadTrack('testsrc2-1920x1080-h264.h264');
  let frames = 0;
  let seen = null;
  const d = new wc.VideoDecoder({
    output(f) {
      if (++frames === 10) seen = threads();
      f.close();
    },
    error(e) { throw e; },
  });
  d.configure({ codec: track.codec });
  for (const c of track.chunks.slice(0, 60)) d.decode(new wc.EncodedVideoChunk(c));
  await d.flush();
  d.close();
  const main = seen.find((t) => t.tid === process.pid);
  const codec = seen.filter((t) => t.comm === 'webcodecs-codec');
  console.log(JSON.stringify({ main, codec, frames }));
})();
