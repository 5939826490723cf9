'use strict';
// Ordering of dequeue events against flush() (issue 10 item 2), for every codec class that
// uses lib/codec-core.js (VideoDecoder, VideoEncoder, AudioDecoder, AudioEncoder): after `await flush()` every dequeue event for the inputs before it
// has fired, the last one saw the queue size at 0, and none fires afterwards; the same after
// reset() and close(). Loops are sized to catch a 1% race with high probability (500 rounds:
// 1 - 0.99^500 > 99%), with small inputs so they stay fast under ASan on 2 cores.
const test = require('node:test');
const assert = require('node:assert/strict');
const wc = require('..');
const { loadTrack } = require('./helpers/media');

const ROUNDS = 500;
const tick = () => new Promise((r) => setImmediate(r));
const block = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

// A codec under test: make() returns { codec, size(), put(i), configure(), close() } where put(i)
// queues the i-th input (decode/encode) and size() reads the spec's queue size attribute.
const kinds = [];

kinds.push({
  name: 'VideoDecoder (VP8 240p)',
  async setup() {
    const t = await loadTrack('testsrc2-320x240-vp8.ivf');
    const config = { codec: t.codec, codedWidth: t.codedWidth, codedHeight: t.codedHeight };
    // Chunks 0..n-1 of a fresh key frame run; every round starts at the key chunk.
    const chunks = t.chunks.slice(0, 8).map((c) => new wc.EncodedVideoChunk(c));
    return () => {
      const codec = new wc.VideoDecoder({ output: (f) => f.close(), error: (e) => { throw e; } });
      return { codec, config, size: () => codec.decodeQueueSize, put: (i) => codec.decode(chunks[i % chunks.length]) };
    };
  },
});

kinds.push({
  name: 'VideoEncoder (VP8 64x48 realtime)',
  async setup() {
    const W = 64;
    const H = 48;
    const config = { codec: 'vp8', width: W, height: H, bitrate: 200000, latencyMode: 'realtime' };
    const data = new Uint8Array(W * H * 3 / 2).fill(128);
    return () => {
      const codec = new wc.VideoEncoder({ output: () => {}, error: (e) => { throw e; } });
      return {
        codec,
        config,
        size: () => codec.encodeQueueSize,
        put: (i) => {
          const f = new wc.VideoFrame(data, { format: 'I420', codedWidth: W, codedHeight: H, timestamp: i * 33333 });
          codec.encode(f, { keyFrame: i === 0 });
          f.close();
        },
      };
    };
  },
});

// Audio: Opus at 48 kHz stereo, 20 ms frames.
const SR = 48000;
const FRAMES = 960;
function pcm(i) {
  const data = new Float32Array(FRAMES * 2);
  for (let k = 0; k < FRAMES; k++) data[k] = data[FRAMES + k] = 0.3 * Math.sin((2 * Math.PI * 440 * (i * FRAMES + k)) / SR);
  return new wc.AudioData({ format: 'f32-planar', sampleRate: SR, numberOfFrames: FRAMES, numberOfChannels: 2, timestamp: Math.round((i * FRAMES * 1e6) / SR), data });
}
const opusConfig = { codec: 'opus', sampleRate: SR, numberOfChannels: 2, bitrate: 64000 };

kinds.push({
  name: 'AudioEncoder (Opus)',
  async setup() {
    return () => {
      const codec = new wc.AudioEncoder({ output: () => {}, error: (e) => { throw e; } });
      return {
        codec,
        config: opusConfig,
        size: () => codec.encodeQueueSize,
        put: (i) => {
          const a = pcm(i);
          codec.encode(a);
          a.close();
        },
      };
    };
  },
});

kinds.push({
  name: 'AudioDecoder (Opus)',
  async setup() {
    // 8 real Opus packets from this library's encoder; every Opus packet is a key chunk.
    const chunks = [];
    let decoderConfig = null;
    const enc = new wc.AudioEncoder({
      output: (c, m) => { chunks.push(c); if (m && m.decoderConfig) decoderConfig = m.decoderConfig; },
      error: (e) => { throw e; },
    });
    enc.configure(opusConfig);
    for (let i = 0; i < 8; i++) { const a = pcm(i); enc.encode(a); a.close(); }
    await enc.flush();
    enc.close();
    assert.ok(chunks.length >= 4 && decoderConfig);
    return () => {
      const codec = new wc.AudioDecoder({ output: (d) => d.close(), error: (e) => { throw e; } });
      return { codec, config: decoderConfig, size: () => codec.decodeQueueSize, put: (i) => codec.decode(chunks[i % chunks.length]) };
    };
  },
});

// Watches one codec's dequeue events: each must see a smaller queue size than the events it covers
// put there (never fired on an empty change).
function watch(c) {
  const w = { events: 0, lastSize: -1, ceiling: 0, bad: null };
  const listener = () => {
    const s = c.size();
    if (s >= w.ceiling && !w.bad) w.bad = `a dequeue event saw size ${s} without a decrease (ceiling ${w.ceiling})`;
    w.events++;
    w.lastSize = s;
    w.ceiling = s;
  };
  c.codec.addEventListener('dequeue', listener);
  w.put = (i) => {
    c.put(i);
    w.ceiling = Math.max(w.ceiling, c.size());
  };
  w.stop = () => c.codec.removeEventListener('dequeue', listener);
  return w;
}

// After `await flush()`: the events it covers have fired (the last saw 0) and none fires later.
async function checkSettled(c, w, what) {
  assert.equal(w.bad, null, what);
  assert.ok(w.events >= 1, `${what}: no dequeue event before flush() resolved`);
  assert.equal(w.lastSize, 0, `${what}: the last dequeue event before flush() resolved saw size ${w.lastSize}`);
  assert.equal(c.size(), 0, what);
  const n = w.events;
  await tick();
  await tick();
  assert.equal(w.events, n, `${what}: a dequeue event fired after flush() resolved`);
}

for (const kind of kinds) {
  test(`${kind.name}: every dequeue event fires before flush() resolves, even when all events arrive in one batch`, async () => {
    const make = await kind.setup();
    const c = make();
    c.codec.configure(c.config);
    const w = watch(c);
    for (let i = 0; i < 8; i++) w.put(i);
    const p = c.codec.flush();
    // Hold the JS thread until the worker has done everything: DEQUEUE and FLUSHED reach JS together.
    block(200);
    await p;
    await checkSettled(c, w, 'one batch');
    c.codec.close();
  });

  test(`${kind.name}: ${ROUNDS} rounds of put + flush, the ordering holds in every round`, async () => {
    const make = await kind.setup();
    const c = make();
    c.codec.configure(c.config);
    for (let r = 0; r < ROUNDS; r++) {
      const w = watch(c);
      const n = 1 + (r % 4);
      for (let i = 0; i < n; i++) w.put(i);
      await c.codec.flush();
      await checkSettled(c, w, `round ${r}`);
      w.stop(); // a settled round leaves nothing behind: a new watcher for the next one
    }
    c.codec.close();
  });

  test(`${kind.name}: after reset() the reset's dequeue event and the new inputs' events fire before flush() resolves`, async () => {
    const make = await kind.setup();
    for (let r = 0; r < ROUNDS / 5; r++) {
      const c = make();
      c.codec.configure(c.config);
      const w = watch(c);
      for (let i = 0; i < 4; i++) w.put(i);
      const old = c.codec.flush();
      if (r % 2) block(5); // sometimes with the old events already waiting for JS
      c.codec.reset();
      await assert.rejects(old, (e) => e instanceof DOMException && e.name === 'AbortError');
      assert.equal(c.size(), 0);
      c.codec.configure(c.config);
      for (let i = 0; i < 3; i++) w.put(i);
      await c.codec.flush();
      await checkSettled(c, w, `reset round ${r}`);
      c.codec.close();
    }
  });

  test(`${kind.name}: close() with inputs queued fires one dequeue event, then none`, async () => {
    const make = await kind.setup();
    for (let r = 0; r < ROUNDS / 5; r++) {
      const c = make();
      c.codec.configure(c.config);
      const w = watch(c);
      for (let i = 0; i < 4; i++) w.put(i);
      const sizeBefore = c.size();
      if (r % 2) block(5);
      c.codec.close();
      assert.equal(c.size(), 0);
      const before = w.events;
      await tick();
      await tick();
      await new Promise((res) => setTimeout(res, 2));
      assert.equal(w.bad, null);
      // Spec: Close runs Reset, which schedules one dequeue event when the size was above zero.
      // Nothing was delivered before close() (it ran in the same task as the inputs), so exactly that one.
      assert.equal(sizeBefore, 4);
      assert.equal(w.events, before + 1, `close round ${r}: one dequeue event after close()`);
      assert.equal(w.lastSize, 0, `close round ${r}`);
      const n = w.events;
      await tick();
      await tick();
      assert.equal(w.events, n, `close round ${r}: a dequeue event after the close's own`);
    }
  });
}
