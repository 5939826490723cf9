'use strict';
// Child-side helpers for the soak scenarios (test/soak/*.js), on top of the
// lifecycle children's helpers (test/lifecycle/children/common.js). Requiring
// this file has no side effects (a bare `node --test` may load it as a test file).
const common = require('../lifecycle/children/common');
const { packI420, i420 } = require('../helpers/synth');

const { wc } = common;
const MB = 1024 * 1024;

const rss = () => process.memoryUsage().rss;
const mb = (bytes) => Math.round((bytes / MB) * 10) / 10;

// A few full collections with turns of the event loop in between (finalizers
// of native objects run from the loop), then a short pause.
async function collectGarbage(rounds = 6) {
  if (typeof global.gc !== 'function') throw new Error('run with --expose-gc');
  for (let i = 0; i < rounds; i++) {
    global.gc();
    await common.tick();
    await common.sleep(5);
  }
}

// Demuxed chunks' timestamps sorted: the presentation order of a decode of all of them.
const sortedTimestamps = (chunks) => chunks.map((c) => c.timestamp).sort((a, b) => a - b);

// Packed I420 bytes of synthetic frame i (test/helpers/synth.js picture).
const i420Bytes = (i, w, h) => packI420(i420(i, w, h));

// A VideoFrame over packed I420 bytes.
function frameOf(bytes, w, h, timestamp, duration = 33333) {
  return new wc.VideoFrame(bytes, { format: 'I420', codedWidth: w, codedHeight: h, timestamp, duration });
}

const errText = (e) => (e && typeof e === 'object' ? `${e.name}: ${e.message}` : String(e));

module.exports = { ...common, MB, rss, mb, collectGarbage, sortedTimestamps, i420Bytes, frameOf, errText };
