'use strict';
// close() takes the native samples off a VideoFrame's or AudioData's handle at once (no finalizer
// is left for the garbage collector: src/node/napi_util.c wc_unwrap_detach). These tests hold the
// handle itself past close(), as nothing in lib/ does, to check what that leaves behind: a second
// close is harmless, any other use is InvalidStateError (never a crash or a read of freed memory),
// and the outputs of a decoder are released whether they are closed or collected.
const test = require('node:test');
const assert = require('node:assert');
const { binding } = require('../lib/binding');
const { kHandle } = require('../lib/symbols');
const wc = require('..');

// A full collection: --expose-gc's gc, Bun's, or V8's switched on for this process.
const gc = globalThis.gc ?? (process.versions.bun ? () => globalThis.Bun.gc(true)
  : (require('node:v8').setFlagsFromString('--expose-gc'), require('node:vm').runInNewContext('gc')));

function frame() {
  return new wc.VideoFrame(new Uint8Array(16 * 16 * 4).fill(200), { format: 'RGBA', codedWidth: 16, codedHeight: 16, timestamp: 0 });
}

function audio() {
  return new wc.AudioData({ format: 'f32', sampleRate: 48000, numberOfFrames: 8, numberOfChannels: 2, timestamp: 0, data: new Float32Array(16).fill(0.5) });
}

test('a closed VideoFrame handle: second close is a no-op, other uses are InvalidStateError', () => {
  const f = frame();
  const { h } = f[kHandle];
  f.close();
  assert.equal(f[kHandle], null);
  assert.doesNotThrow(() => binding.frameClose(h));
  assert.throws(() => binding.frameInfo(h), (e) => e.name === 'InvalidStateError' && /closed/.test(e.message));
  assert.throws(() => binding.frameClone(h, 0), (e) => e.name === 'InvalidStateError');
  // a handle of the other kind is still refused as such
  assert.throws(() => binding.audioDataClose(h), TypeError);
});

test('a closed AudioData handle: second close is a no-op, other uses are InvalidStateError', () => {
  const a = audio();
  const { h } = a[kHandle];
  const b = a.clone();
  a.close();
  assert.doesNotThrow(() => binding.audioDataClose(h));
  assert.throws(() => binding.audioDataClone(h), (e) => e.name === 'InvalidStateError');
  assert.throws(() => binding.frameClose(h), TypeError);
  // the clone shares the samples and keeps them
  const out = new Float32Array(16);
  b.copyTo(out, { planeIndex: 0 });
  assert.deepEqual([...out], new Array(16).fill(0.5));
  b.close();
});

test('decoded AudioData, closed or left to the garbage collector, are all released', async () => {
  // PCM: the samples are the chunk's bytes, so each output can be checked
  const d = new wc.AudioDecoder({
    output(x) {
      outs.push(x);
    },
    error(e) { throw e; },
  });
  const outs = [];
  d.configure({ codec: 'pcm-s16', sampleRate: 8000, numberOfChannels: 1 });
  for (let i = 0; i < 2000; i++) d.decode(new wc.EncodedAudioChunk({ type: 'key', timestamp: i * 1000, data: new Int16Array(8).fill(i) }));
  await d.flush();
  assert.equal(outs.length, 2000);
  const kept = [];
  outs.forEach((x, i) => {
    if (i % 2) x.close();
    else if (i % 4 === 0) kept.push([i, x]);
  });
  outs.length = 0; // the other quarter is left to the collector
  for (let k = 0; k < 4; k++) {
    gc();
    await new Promise(setImmediate);
  }
  for (const [i, x] of kept) {
    const v = new Int16Array(8);
    x.copyTo(v, { planeIndex: 0 });
    assert.deepEqual([...v], new Array(8).fill(i), `output ${i}`);
    x.close();
  }
  for (let k = 0; k < 4; k++) {
    gc();
    await new Promise(setImmediate);
  }
  assert.equal(d.stats.framesAlive, 0);
  d.close();
});
