'use strict';
// Child process for test/hostile.test.js: feeds one codec's decoder random,
// truncated and bit-flipped chunks (and hostile descriptions), then checks that a
// fresh decoder still decodes the clip. Prints one JSON summary line.
// Usage: node hostile-run.js <fixture> <seed> <rounds>
const wc = require('../..');
const { loadTrack } = require('./media');
const { prng, damage } = require('./damage');

const [file, seedArg, roundsArg] = process.argv.slice(2);
const { rand, randInt } = prng(seedArg);
const mutate = (data, kind) => damage(randInt, data, kind);

async function round(track, stats) {
  const kinds = ['random', 'truncated', 'flipped', 'flipped', 'empty'];
  let errored = null;
  const decoder = new wc.VideoDecoder({
    output(f) { stats.frames++; f.close(); },
    error(e) { errored = e; },
  });
  let description = track.description;
  if (description && rand() < 0.3) description = mutate(description, rand() < 0.5 ? 'flipped' : 'truncated');
  decoder.configure({ codec: track.codec, codedWidth: track.codedWidth, codedHeight: track.codedHeight, description });
  const n = 8 + randInt(24);
  let i = 0;
  for (const c of track.chunks.slice(0, n)) {
    if (decoder.state !== 'configured') break;
    const kind = i === 0 && rand() < 0.5 ? 'none' : kinds[randInt(kinds.length)];
    const data = kind === 'none' ? c.data : mutate(c.data, kind);
    const type = i === 0 ? 'key' : (rand() < 0.2 ? 'key' : c.type);
    try {
      decoder.decode(new wc.EncodedVideoChunk({ type, timestamp: c.timestamp, duration: c.duration, data }));
    } catch (e) {
      if (!(e instanceof DOMException && e.name === 'DataError')) throw e;
      stats.dataErrors++;
    }
    i++;
  }
  if (decoder.state === 'configured') {
    try {
      await decoder.flush();
    } catch (e) {
      if (!(e instanceof DOMException) || !['EncodingError', 'NotSupportedError'].includes(e.name)) throw e;
    }
  }
  if (errored) {
    if (!(errored instanceof DOMException) || !['EncodingError', 'NotSupportedError'].includes(errored.name)) throw errored;
    stats[errored.name] = (stats[errored.name] || 0) + 1;
  }
  if (decoder.state !== 'closed') decoder.close();
}

(async () => {
  const track = await loadTrack(file);
  const stats = { frames: 0, dataErrors: 0 };
  const rounds = Number(roundsArg) || 20;
  for (let r = 0; r < rounds; r++) await round(track, stats);
  // a fresh decoder afterwards decodes the clip completely
  let good = 0;
  let error = null;
  const d = new wc.VideoDecoder({ output(f) { good++; f.close(); }, error(e) { error = e; } });
  d.configure({ codec: track.codec, codedWidth: track.codedWidth, codedHeight: track.codedHeight, description: track.description });
  for (const c of track.chunks) d.decode(new wc.EncodedVideoChunk(c));
  await d.flush();
  d.close();
  stats.freshFrames = good;
  stats.expected = track.chunks.length;
  stats.freshError = error && error.name;
  console.log(JSON.stringify(stats));
})().catch((e) => {
  console.error(e);
  process.exit(2);
});
