'use strict';
// Child process for test/audio-hostile.test.js: feeds one audio codec's decoder random, truncated,
// bit-flipped and empty chunks, and damaged descriptions; every round must end with outputs or an
// EncodingError (NotSupportedError for a damaged description), and its flush must settle. Then a
// fresh decoder must still decode the clip. Prints one JSON summary line.
// Usage: node audio-hostile-run.js <clip> <seed> <rounds>
const wc = require('../..');
const { loadAudioTrack } = require('./audio');
const { prng, damage } = require('./damage');

const [clip, seedArg, roundsArg] = process.argv.slice(2);
const { rand, randInt } = prng(seedArg);
const mutate = (data, kind) => damage(randInt, data, kind, { randomLength: 2048, drawOnEmpty: true });

const cfg = (t, description) => ({ codec: t.codec, sampleRate: t.sampleRate, numberOfChannels: t.numberOfChannels,
  ...(description ? { description } : {}) });

async function round(track, kind) {
  let outputs = 0;
  const errors = [];
  const d = new wc.AudioDecoder({ output(x) { outputs++; x.close(); }, error(e) { errors.push(e.name); } });
  let description = track.description;
  if (kind === 'description' && description) description = mutate(description, ['truncated', 'flipped', 'random'][randInt(3)]);
  d.configure(cfg(track, description));
  for (const c of track.chunks) {
    if (d.state !== 'configured') break;
    const k = kind === 'description' ? 'none' : rand() < 0.3 ? kind : 'none';
    d.decode(new wc.EncodedAudioChunk({ type: 'key', timestamp: c.timestamp, data: mutate(c.data, k) }));
  }
  if (d.state === 'configured') await d.flush().catch(() => {});
  if (d.state !== 'closed') d.close();
  for (const e of errors) {
    if (e !== 'EncodingError' && !(kind === 'description' && e === 'NotSupportedError')) throw new Error(`${clip} ${kind}: ${e}`);
  }
  return { outputs, errors: errors.length };
}

(async () => {
  const track = loadAudioTrack(clip);
  const stats = { rounds: 0, outputs: 0, errors: 0 };
  const kinds = ['random', 'truncated', 'flipped', 'empty', 'description'];
  for (let i = 0; i < Number(roundsArg); i++) {
    const r = await round(track, kinds[i % kinds.length]);
    stats.rounds++;
    stats.outputs += r.outputs;
    stats.errors += r.errors;
  }
  let fresh = 0;
  let freshError = null;
  const d = new wc.AudioDecoder({ output(x) { fresh++; x.close(); }, error(e) { freshError = `${e.name}: ${e.message}`; } });
  d.configure(cfg(track, track.description));
  for (const c of track.chunks) d.decode(new wc.EncodedAudioChunk({ type: 'key', timestamp: c.timestamp, data: c.data }));
  await d.flush();
  d.close();
  process.stdout.write(`${JSON.stringify({ ...stats, freshFrames: fresh, freshError, chunks: track.chunks.length })}\n`);
})().catch((e) => { process.stderr.write(`${e.stack}\n`); process.exit(1); });
