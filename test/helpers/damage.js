'use strict';
// Seeded damage for the hostile-input children (hostile-run.js, audio-hostile-run.js,
// image-hostile-run.js): one PRNG and one set of ways to break bytes, so that a seed names the
// same damage in every run and a failure can be replayed with `node <child> <input> <seed> <rounds>`.

// xorshift32, deterministic per seed (0 and non-numbers count as 1: xorshift never leaves 0).
function prng(seedArg) {
  let seed = Number(seedArg) >>> 0 || 1;
  const rand = () => {
    seed ^= seed << 13; seed >>>= 0;
    seed ^= seed >>> 17;
    seed ^= seed << 5; seed >>>= 0;
    return seed / 0x100000000;
  };
  const randInt = (n) => Math.floor(rand() * n);
  return { rand, randInt };
}

// A damaged copy of data (the input is never modified), drawing from randInt:
//   random       1..randomLength random bytes (not derived from data)
//   truncated    a prefix: 0..length bytes, or with properPrefix 1..length-1 (a non-empty, shorter file)
//   flipped      1..flips single-bit flips at random offsets
//   overwritten  a run of bytes from one offset (at most 16; the bound is redrawn at each byte) set to 0, 255 or a random value
//   empty        no bytes
//   anything else: an unchanged copy
// Options: randomLength, flips, properPrefix as above; drawOnEmpty: flipping empty data still draws an offset and a bit
// per flip (nothing changes; the audio child always did, and keeps its seeds' sequences by it).
function damage(randInt, data, kind, { randomLength = 4096, flips = 16, properPrefix = false, drawOnEmpty = false } = {}) {
  const d = new Uint8Array(data);
  switch (kind) {
    case 'random': return Uint8Array.from({ length: 1 + randInt(randomLength) }, () => randInt(256));
    case 'truncated': return properPrefix ? d.slice(0, 1 + randInt(d.length - 1)) : d.slice(0, randInt(d.length + 1));
    case 'flipped':
      for (let n = 1 + randInt(flips); n > 0 && (d.length || drawOnEmpty); n--) {
        const i = randInt(d.length);
        d[i] ^= 1 << randInt(8);
      }
      return d;
    case 'overwritten': {
      const at = randInt(d.length);
      for (let i = at; i < Math.min(d.length, at + 1 + randInt(16)); i++) d[i] = [0, 255, randInt(256)][randInt(3)];
      return d;
    }
    case 'empty': return new Uint8Array(0);
    default: return d;
  }
}

module.exports = { prng, damage };
