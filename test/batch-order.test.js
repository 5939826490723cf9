'use strict';
// The native side hands a codec's events to JS in batches (src/engine/codec.c: one call per up
// to 64 events or 1 ms, dequeue notices of a batch joined into one entry); lib/codec-core.js then
// delivers them one task at a time. These tests pin what a batch must never change: outputs in
// order with their own samples, each flush resolving after its outputs and before any later one,
// an error ending delivery at its place, and close()/reset() from inside a batch dropping the rest
// of it. Each loop runs enough rounds (>= 300: 1 - 0.99^300 > 95%) to catch an ordering that holds
// only by timing, and blocks the JS thread in some rounds so that hundreds of events wait together.
// pcm-s16 chunks are cheap (one output per chunk, content = the chunk's index), so the loops stay
// short under ASan on 2 cores.
const test = require('node:test');
const assert = require('node:assert/strict');
const wc = require('..');

const block = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
const tick = () => new Promise((r) => setImmediate(r));

// A deterministic PRNG (xorshift32): the same rounds on every run.
function rng(seed) {
  let x = seed >>> 0 || 1;
  return (n) => {
    x ^= x << 13; x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5; x >>>= 0;
    return x % n;
  };
}

const config = { codec: 'pcm-s16', sampleRate: 48000, numberOfChannels: 1 };
// Chunk k: 1 ms (48 samples) of the value k (mod 32768), at timestamp k * 1000 + base (us): the
// timestamps lie on the sample timeline, so each output's timestamp is its chunk's.
function chunk(k, base = 0) {
  return new wc.EncodedAudioChunk({ type: 'key', timestamp: base + k * 1000, data: new Int16Array(48).fill(k % 32768) });
}
function sampleOf(a) {
  const d = new Int16Array(1);
  a.copyTo(d, { planeIndex: 0, frameCount: 1 });
  return d[0];
}

test('outputs, dequeue events and flush resolutions keep their order however events are batched', async () => {
  const rand = rng(9);
  const log = [];
  let d;
  const dec = new wc.AudioDecoder({
    output: (a) => {
      log.push({ t: 'o', ts: a.timestamp, v: sampleOf(a), qs: d.decodeQueueSize });
      a.close();
    },
    error: (e) => { throw e; },
  });
  d = dec;
  dec.addEventListener('dequeue', () => log.push({ t: 'd', qs: dec.decodeQueueSize }));
  dec.configure(config);
  for (let round = 0; round < 300; round++) {
    log.length = 0;
    const n = 1 + rand(round % 10 === 0 ? 400 : 90); // some rounds span several native batches
    const flushAt = new Set([n - 1]);
    for (let j = rand(4); j > 0; j--) flushAt.add(rand(n));
    const flushes = [];
    // Each round on its own stretch of the timeline (the decoder's sample clock carries on across
    // a flush and absorbs a jump of up to 1 ms: src/audio/audio_decoder_engine.c).
    const base = round * 1e6;
    for (let k = 0; k < n; k++) {
      dec.decode(chunk(k, base));
      if (flushAt.has(k)) {
        const j = flushes.length;
        flushes.push(k);
        dec.flush().then(() => log.push({ t: 'f', j, qs: dec.decodeQueueSize }));
      }
    }
    assert.equal(dec.decodeQueueSize, n);
    if (round % 3 === 0) block(10 + rand(40)); // every event of the round waits for JS at once
    await new Promise((resolve) => {
      const last = flushes.length - 1;
      const check = () => (log.some((e) => e.t === 'f' && e.j === last) ? resolve() : setImmediate(check));
      check();
    });
    const what = `round ${round} (${n} chunks, flushes after ${flushes.join(',')})`;
    let next = 0; // the next output expected
    let seen = n; // the queue size the last dequeue event saw
    let nf = 0;
    for (const e of log) {
      if (e.t === 'd') {
        assert.ok(e.qs < seen, `${what}: a dequeue event without a decrease (${seen} -> ${e.qs})`);
        seen = e.qs;
      } else if (e.t === 'o') {
        assert.equal(e.ts, base + next * 1000, `${what}: output out of order`);
        assert.equal(e.v, next % 32768, `${what}: output ${next} has another chunk's samples`);
        // Chunk `next` was taken by the worker before its output: its dequeue event has fired.
        assert.ok(seen <= n - next - 1 && e.qs <= seen, `${what}: output ${next} saw queue size ${e.qs}, last dequeue ${seen}`);
        next++;
      } else {
        assert.equal(e.j, nf, `${what}: flushes resolved out of order`);
        assert.equal(next, flushes[nf] + 1, `${what}: flush ${nf} resolved after ${next} outputs, expected ${flushes[nf] + 1}`);
        assert.ok(seen <= n - next && e.qs <= seen, `${what}: flush ${nf} resolved with queue size ${e.qs}, last dequeue ${seen}`);
        nf++;
      }
    }
    assert.equal(next, n, what);
    assert.equal(nf, flushes.length, what);
    assert.equal(seen, 0, `${what}: the last dequeue event before the last flush saw ${seen}`);
    const count = log.length;
    await tick();
    await tick();
    assert.equal(log.length, count, `${what}: an event after the last flush resolved`);
  }
  dec.close();
});

test('an error inside a batch: the outputs before it, then the error, then nothing', async () => {
  const rand = rng(11);
  for (let round = 0; round < 300; round++) {
    const log = [];
    const dec = new wc.AudioDecoder({
      output: (a) => { log.push(`o${a.timestamp / 1000}`); a.close(); },
      error: (e) => log.push(`E:${e instanceof DOMException ? e.name : e}`),
    });
    dec.configure(config);
    const n = 2 + rand(120);
    const bad = rand(n);
    for (let k = 0; k < n; k++) {
      // A 1-byte chunk is shorter than one s16 sample: avcodec_send_packet fails on it.
      if (k === bad) dec.decode(new wc.EncodedAudioChunk({ type: 'key', timestamp: k * 1000, data: new Uint8Array(1) }));
      else dec.decode(chunk(k));
    }
    const done = dec.flush().then(() => log.push('F'), (e) => log.push(`Frej:${e instanceof DOMException ? e.name : e}`));
    if (round % 2 === 0) block(5 + rand(20));
    await done;
    await tick();
    await tick();
    const want = [];
    for (let k = 0; k < bad; k++) want.push(`o${k}`);
    // Close: the flush is rejected first, the error callback runs in the same step; the
    // rejection's reaction is a microtask, so it follows the callback.
    want.push('E:EncodingError', 'Frej:EncodingError');
    assert.deepEqual(log, want, `round ${round} (${n} chunks, bad chunk ${bad})`);
    assert.equal(dec.state, 'closed');
  }
});

test('close() or reset() from an output callback drops the rest of the batch', async () => {
  const rand = rng(13);
  for (let round = 0; round < 300; round++) {
    const useReset = round % 2 === 1;
    const log = [];
    const n = 5 + rand(150);
    const stopAt = rand(n - 1);
    let errors = 0;
    let dec;
    dec = new wc.AudioDecoder({
      output: (a) => {
        const k = a.timestamp >= 1e9 ? `n${(a.timestamp - 1e9) / 1000}` : `o${a.timestamp / 1000}`;
        log.push(k);
        a.close();
        if (k === `o${stopAt}`) {
          if (useReset) dec.reset();
          else dec.close();
          log.push(useReset ? 'R' : 'C');
        }
      },
      error: () => { errors++; },
    });
    dec.configure(config);
    for (let k = 0; k < n; k++) dec.decode(chunk(k));
    const old = dec.flush().then(() => log.push('F'), (e) => log.push(`Frej:${e instanceof DOMException ? e.name : e}`));
    if (round % 4 < 2) block(5 + rand(20));
    await old;
    const want = [];
    for (let k = 0; k <= stopAt; k++) want.push(`o${k}`);
    want.push(useReset ? 'R' : 'C', 'Frej:AbortError');
    if (useReset) {
      // The reset codec works again, and nothing of the old epoch shows up among the new outputs.
      dec.configure(config);
      const m = 1 + rand(40);
      for (let k = 0; k < m; k++) dec.decode(chunk(k, 1e9));
      await dec.flush();
      for (let k = 0; k < m; k++) want.push(`n${k}`);
      dec.close();
    }
    await tick();
    await tick();
    assert.deepEqual(log, want, `round ${round} (${useReset ? 'reset' : 'close'} at output ${stopAt} of ${n})`);
    assert.equal(errors, 0, 'an AbortError never reaches the error callback');
  }
});
