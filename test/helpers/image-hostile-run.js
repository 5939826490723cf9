'use strict';
// Child process for test/image-hostile.test.js: decodes damaged copies of one image fixture
// (truncated, bit-flipped, random bytes, byte runs overwritten), as a buffer and as a stream of small
// pieces; every decode must give frames or reject with EncodingError / RangeError (and nothing
// else), and every decoder must settle. Then the intact file must still decode. Prints one JSON line.
// Usage: node image-hostile-run.js <fixture> <seed> <rounds>
const fs = require('node:fs');
const { ImageDecoder } = require('../..');
const { make, typeOf, streamOf } = require('./image');
const { prng, damage } = require('./damage');

const [name, seedArg, roundsArg] = process.argv.slice(2);
const { randInt } = prng(seedArg);
const mutate = (data, kind) => damage(randInt, data, kind, { flips: 8, properPrefix: true });

const OK = new Set(['EncodingError', 'RangeError']);

async function round(bytes, stream) {
  const d = new ImageDecoder({ data: stream ? streamOf(bytes, 1 + randInt(64), { yieldEvery: 8 }) : bytes, type: typeOf(name) });
  let frames = 0;
  let error = null;
  try {
    for (let i = 0; i < 6; i++) {
      const { image } = await d.decode({ frameIndex: i });
      frames++;
      image.close();
    }
  } catch (e) {
    error = e.name;
    if (e.name === 'InvalidStateError' && stream && frames > 0) {
      // bytes that arrived after the frames decoded so far were malformed: the decoder closed itself
      // (EncodingError) while no decode() was pending; completed may have resolved before (the stream
      // itself ended fine), so the next decode() finds it closed
    } else if (!OK.has(e.name)) {
      throw new Error(`${name}: ${e.name}: ${e.message}`);
    }
  }
  await d.tracks.ready.catch(() => {});
  d.close();
  return { frames, error };
}

(async () => {
  const data = fs.readFileSync(make(name));
  const stats = { rounds: 0, frames: 0, errors: 0 };
  const kinds = ['truncated', 'flipped', 'random', 'overwritten'];
  for (let i = 0; i < Number(roundsArg); i++) {
    const r = await round(mutate(data, kinds[i % kinds.length]), i % 3 === 2);
    stats.rounds++;
    stats.frames += r.frames;
    if (r.error) stats.errors++;
  }
  const fresh = await round(data, true);
  process.stdout.write(`${JSON.stringify({ ...stats, freshFrames: fresh.frames, freshError: fresh.error })}\n`);
})().catch((e) => { process.stderr.write(`${e.stack}\n`); process.exit(1); });
