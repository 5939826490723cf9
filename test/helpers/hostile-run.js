'use strict';
// Child process for test/hostile.test.js: feeds one codec's decoder random,
// truncated and bit-flipped chunks (and hostile descriptions), then checks that a
// fresh decoder still decodes the clip. Prints one JSON summary line.
// Usage: node hostile-run.js <fixture> <seed> <rounds>
const wc = require('../..');
const { loadTrack } = require('./media');

const [file, seedArg, roundsArg] = process.argv.slice(2);
let seed = Number(seedArg) >>> 0 || 1;
const rand = () => {
  // xorshift32: deterministic per seed
  seed ^= seed << 13; seed >>>= 0;
  seed ^= seed >>> 17;
  seed ^= seed << 5; seed >>>= 0;
  return seed / 0x100000000;
};
const randInt = (n) => Math.floor(rand() * n);

function mutate(data, kind) {
  const d = new Uint8Array(data);
  switch (kind) {
    case 'random': {
      const r = new Uint8Array(1 + randInt(4096));
      for (let i = 0; i < r.length; i++) r[i] = randInt(256);
      return r;
    }
    case 'truncated': return d.slice(0, randInt(d.length + 1));
    case 'flipped': {
      const n = 1 + randInt(16);
      for (let i = 0; i < n && d.length; i++) d[randInt(d.length)] ^= 1 << randInt(8);
      return d;
    }
    case 'empty': return new Uint8Array(0);
    default: return d;
  }
}

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
