'use strict';
// AudioData: every AudioDataInit rule, the attributes, "Compute Copy Element Count", and copyTo()
// between all 64 pairs of AudioSampleFormats (planar and interleaved, planeIndex, frameOffset,
// frameCount), against an independent reference of the documented conversions
// (include/wc/audio/sample_format.h: libswresample's formulas).
const test = require('node:test');
const assert = require('node:assert/strict');
const { AudioData } = require('..');

const FORMATS = ['u8', 's16', 's32', 'f32', 'u8-planar', 's16-planar', 's32-planar', 'f32-planar'];
const TYPE = (f) => f.replace('-planar', '');
const planar = (f) => f.endsWith('-planar');
const ARRAY = { u8: Uint8Array, s16: Int16Array, s32: Int32Array, f32: Float32Array };

// Source values per sample type: the edges, zero, the u8 bias, rounding ties.
const VALUES = {
  u8: [0, 1, 64, 127, 128, 129, 200, 254, 255],
  s16: [-32768, -32767, -12345, -256, -255, -1, 0, 1, 255, 256, 12345, 32767],
  s32: [-2147483648, -2147483647, -16777216, -65537, -65536, -1, 0, 1, 65535, 65536, 0x12345678, 0x7fffff00, 2147483647],
  f32: [-Infinity, -2, -1, -0.999, -0.5, -3 / 65536, -1 / 65536, 0, 1 / 65536, 3 / 65536, 1e-9, 0.25, 0.5, 0.999, 1, 1.5,
    Infinity, NaN, 1 / 256, 3 / 256],
};

function halfEven(v) {
  const f = Math.floor(v);
  const d = v - f;
  if (d < 0.5) return f;
  if (d > 0.5) return f + 1;
  return f % 2 === 0 ? f : f + 1;
}

// One sample of type s converted to type d (the reference).
function convert(x, s, d) {
  if (s === d) return x;
  if (s === 'f32') {
    const bits = { u8: 8, s16: 16, s32: 32 }[d];
    const v = Math.fround(x * 2 ** (bits - 1));
    const lo = -(2 ** (bits - 1));
    const hi = 2 ** (bits - 1) - 1;
    let r;
    if (Number.isNaN(v)) r = 0;
    else if (v <= lo) r = lo;
    else if (v >= hi) r = hi;
    else r = halfEven(v);
    return d === 'u8' ? r + 128 : r;
  }
  // integer source: remove the u8 bias, scale to s32 width
  const signed = s === 'u8' ? x - 128 : x;
  const bits = { u8: 8, s16: 16, s32: 32 }[s];
  if (d === 'f32') return Math.fround(Math.fround(signed) * 2 ** -(bits - 1));
  const dbits = { u8: 8, s16: 16, s32: 32 }[d];
  let r;
  if (dbits > bits) r = signed * 2 ** (dbits - bits);
  else r = Math.floor(signed / 2 ** (bits - dbits)); // arithmetic shift right
  return d === 'u8' ? r + 128 : r;
}

// channels[c][i]: sample i of channel c (different values per channel).
function channelsOf(type, nch) {
  const v = VALUES[type];
  return Array.from({ length: nch }, (_, c) => v.map((_, i) => v[(i + c * 3) % v.length]));
}

function bytesOf(format, channels, frames) {
  const A = ARRAY[TYPE(format)];
  const nch = channels.length;
  const out = new A(frames * nch);
  for (let c = 0; c < nch; c++) {
    for (let i = 0; i < frames; i++) out[planar(format) ? c * frames + i : i * nch + c] = channels[c][i];
  }
  return out;
}

const sameBytes = (a, b, msg) => assert.deepEqual(Buffer.from(a.buffer, a.byteOffset, a.byteLength), Buffer.from(b.buffer, b.byteOffset, b.byteLength), msg);

for (const src of FORMATS) {
  test(`copyTo from ${src} into every AudioSampleFormat (planeIndex, frameOffset, frameCount)`, () => {
    const nch = 3;
    const channels = channelsOf(TYPE(src), nch);
    const frames = channels[0].length;
    const data = new AudioData({ format: src, sampleRate: 44100, numberOfFrames: frames, numberOfChannels: nch, timestamp: 0, data: bytesOf(src, channels, frames) });
    for (const dst of FORMATS) {
      const A = ARRAY[TYPE(dst)];
      const conv = channels.map((ch) => ch.map((x) => convert(x, TYPE(src), TYPE(dst))));
      for (const [offset, count] of [[0, undefined], [2, 3], [frames - 1, 1]]) {
        const n = count ?? frames - offset;
        const opts = { format: dst, frameOffset: offset, ...(count === undefined ? {} : { frameCount: count }) };
        if (planar(dst)) {
          for (let p = 0; p < nch; p++) {
            const o = { ...opts, planeIndex: p };
            assert.equal(data.allocationSize(o), n * A.BYTES_PER_ELEMENT);
            const got = new A(n);
            data.copyTo(got, o);
            sameBytes(got, A.from(conv[p].slice(offset, offset + n)), `${src} -> ${dst} plane ${p} [${offset}, +${n})`);
          }
        } else {
          const o = { ...opts, planeIndex: 0 };
          assert.equal(data.allocationSize(o), n * nch * A.BYTES_PER_ELEMENT);
          const got = new A(n * nch);
          data.copyTo(got, o);
          const want = new A(n * nch);
          for (let i = 0; i < n; i++) for (let c = 0; c < nch; c++) want[i * nch + c] = conv[c][offset + i];
          sameBytes(got, want, `${src} -> ${dst} interleaved [${offset}, +${n})`);
        }
      }
    }
    data.close();
  });
}

test('conversions: known values (u8 bias, f32 not clipped when it stays f32, clipping into integers, 24-bit in s32)', () => {
  const one = (format, arr, opts) => {
    const d = new AudioData({ format, sampleRate: 8000, numberOfFrames: arr.length, numberOfChannels: 1, timestamp: 0, data: arr });
    const A = ARRAY[TYPE(opts.format ?? format)];
    const out = new A(arr.length);
    d.copyTo(out, { planeIndex: 0, ...opts });
    return Array.from(out);
  };
  assert.deepEqual(one('u8', new Uint8Array([0, 128, 255]), { format: 'f32' }), [-1, 0, 0.9921875]);
  assert.deepEqual(one('f32', new Float32Array([1.5, -2, 0.5]), { format: 'f32-planar' }), [1.5, -2, 0.5]);
  assert.deepEqual(one('f32', new Float32Array([1.5, -2, 0.5, 1]), { format: 's16' }), [32767, -32768, 16384, 32767]);
  assert.deepEqual(one('f32', new Float32Array([-1, 1, 0]), { format: 'u8' }), [0, 255, 128]);
  assert.deepEqual(one('s16', new Int16Array([-32768, 16384]), { format: 'f32' }), [-1, 0.5]);
  // a 24-bit sample 0x123456 stored as s32 (shifted left by 8) comes out as 16 bits 0x1234
  assert.deepEqual(one('s32', new Int32Array([0x12345600, -256]), { format: 's16' }), [0x1234, -1]);
});

test('AudioDataInit validity: TypeError for each rule, DataCloneError for transfer', () => {
  const ok = () => ({ format: 'f32', sampleRate: 48000, numberOfFrames: 4, numberOfChannels: 2, timestamp: 0, data: new Float32Array(8) });
  const typeError = (init, re) => assert.throws(() => new AudioData(init), (e) => e instanceof TypeError && re.test(e.message));
  assert.throws(() => new AudioData(), TypeError);
  for (const k of ['format', 'sampleRate', 'numberOfFrames', 'numberOfChannels', 'timestamp', 'data']) {
    const init = ok();
    delete init[k];
    typeError(init, new RegExp(`${k}: required`));
  }
  typeError({ ...ok(), sampleRate: 0 }, /sampleRate: must be greater than 0/);
  typeError({ ...ok(), sampleRate: -1 }, /sampleRate/);
  typeError({ ...ok(), sampleRate: NaN }, /sampleRate/);
  typeError({ ...ok(), sampleRate: 1e39 }, /sampleRate/); // not a finite float
  typeError({ ...ok(), numberOfFrames: 0 }, /numberOfFrames: must not be 0/);
  typeError({ ...ok(), numberOfChannels: 0 }, /numberOfChannels: must not be 0/);
  typeError({ ...ok(), numberOfFrames: -1 }, /numberOfFrames/);
  typeError({ ...ok(), data: new Float32Array(7) }, /data: 28 bytes.*need 32/);
  typeError({ ...ok(), format: 'f64' }, /format/);
  typeError({ ...ok(), data: [1, 2] }, /data/);
  typeError({ ...ok(), transfer: [new Uint8Array(4)] }, /transfer\[0\]/);
  const buf = new ArrayBuffer(32);
  assert.throws(() => new AudioData({ ...ok(), data: buf, transfer: [buf, buf] }), (e) => e instanceof DOMException && e.name === 'DataCloneError');
  const gone = new ArrayBuffer(8);
  structuredClone(gone, { transfer: [gone] });
  assert.throws(() => new AudioData({ ...ok(), data: new ArrayBuffer(32), transfer: [gone] }), (e) => e instanceof DOMException && e.name === 'DataCloneError');
  // valid: shared memory and DataView are accepted; data may be longer than needed
  const sab = new SharedArrayBuffer(64);
  new AudioData({ ...ok(), data: sab }).close();
  new AudioData({ ...ok(), data: new DataView(new ArrayBuffer(40)) }).close();
});

test('attributes, duration (integer microseconds), timestamp', () => {
  const mk = (frames, rate, ts = 0) => new AudioData({ format: 'u8', sampleRate: rate, numberOfFrames: frames, numberOfChannels: 1, timestamp: ts, data: new Uint8Array(frames) });
  const a = mk(1024, 48000, -21333);
  assert.deepEqual([a.format, a.sampleRate, a.numberOfFrames, a.numberOfChannels, a.timestamp, a.duration], ['u8', 48000, 1024, 1, -21333, 21333]);
  assert.equal(mk(441, 44100).duration, 10000);
  assert.equal(mk(44100, 44100).duration, 1000000);
  assert.equal(mk(1, 3).duration, 333333);
  assert.equal(mk(10, 22050.5).sampleRate, 22050.5); // a float, kept as given
  assert.equal(Object.prototype.toString.call(a), '[object AudioData]');
});

test('copyTo / allocationSize: RangeError for each "Compute Copy Element Count" rule and a short destination', () => {
  const d = new AudioData({ format: 's16-planar', sampleRate: 8000, numberOfFrames: 10, numberOfChannels: 2, timestamp: 0, data: new Int16Array(20) });
  const range = (fn, re) => assert.throws(fn, (e) => e instanceof RangeError && re.test(e.message));
  range(() => d.allocationSize({ planeIndex: 2 }), /planeIndex 2 is out of range/);
  range(() => d.allocationSize({ planeIndex: 1, format: 's16' }), /interleaved/);
  assert.equal(d.allocationSize({ planeIndex: 0, format: 's16' }), 40); // planar -> interleaved: all channels
  assert.equal(d.allocationSize({ planeIndex: 1, format: 'f32-planar' }), 40);
  range(() => d.allocationSize({ planeIndex: 0, frameOffset: 10 }), /frameOffset 10/);
  range(() => d.allocationSize({ planeIndex: 0, frameOffset: 4, frameCount: 7 }), /frameCount 7/);
  assert.equal(d.allocationSize({ planeIndex: 0, frameOffset: 4, frameCount: 6 }), 12);
  assert.equal(d.allocationSize({ planeIndex: 0, frameOffset: 4, frameCount: 0 }), 0);
  range(() => d.copyTo(new Int16Array(9), { planeIndex: 0 }), /destination is 18 bytes, 20 are needed/);
  assert.throws(() => d.copyTo(new Int16Array(10), {}), (e) => e instanceof TypeError && /planeIndex: required/.test(e.message));
  assert.throws(() => d.allocationSize({ planeIndex: -1 }), TypeError);
  assert.throws(() => d.copyTo(new Int16Array(10), { planeIndex: 0, format: 'f64' }), TypeError);
  assert.throws(() => d.copyTo([], { planeIndex: 0 }), TypeError);
  assert.throws(() => d.copyTo(new Int16Array(10)), TypeError);
  d.close();
  const closed = (fn) => assert.throws(fn, (e) => e instanceof DOMException && e.name === 'InvalidStateError');
  closed(() => d.allocationSize({ planeIndex: 0 }));
  closed(() => d.copyTo(new Int16Array(10), { planeIndex: 0 }));
  closed(() => d.clone());
});

test('close() releases at once; clone() shares the samples and lives on; close is idempotent', () => {
  const samples = new Float32Array([0.1, 0.2, 0.3, 0.4]);
  const d = new AudioData({ format: 'f32', sampleRate: 16000, numberOfFrames: 2, numberOfChannels: 2, timestamp: 7, data: samples });
  const c = d.clone();
  d.close();
  d.close();
  assert.deepEqual([d.format, d.sampleRate, d.numberOfFrames, d.numberOfChannels, d.duration, d.timestamp], [null, 0, 0, 0, 0, 7]);
  assert.deepEqual([c.format, c.sampleRate, c.numberOfFrames, c.numberOfChannels, c.timestamp], ['f32', 16000, 2, 2, 7]);
  const out = new Float32Array(4);
  c.copyTo(out, { planeIndex: 0 });
  assert.deepEqual(out, samples);
  samples[0] = 9; // the AudioData copied the samples (no transfer)
  c.copyTo(out, { planeIndex: 0 });
  assert.equal(out[0], Math.fround(0.1));
  c.close();
});

test('transfer: the buffer is adopted without a copy (detached), the samples stay readable, clones too', () => {
  const ab = new ArrayBuffer(16 + 8);
  new Float32Array(ab, 8, 4).set([1, 2, 3, 4]);
  const other = new ArrayBuffer(4);
  const d = new AudioData({ format: 'f32-planar', sampleRate: 8000, numberOfFrames: 2, numberOfChannels: 2, timestamp: 0,
    data: new Float32Array(ab, 8, 4), transfer: [ab, other] });
  assert.equal(ab.byteLength, 0, 'data buffer detached');
  assert.equal(other.byteLength, 0, 'every transfer buffer detached');
  const c = d.clone();
  d.close();
  const out = new Float32Array(2);
  c.copyTo(out, { planeIndex: 1 });
  assert.deepEqual(Array.from(out), [3, 4]);
  const inter = new Int16Array(4);
  c.copyTo(inter, { planeIndex: 0, format: 's16' });
  assert.deepEqual(Array.from(inter), [32767, 32767, 32767, 32767]);
  c.close();
});

test('many channels (more than FFmpeg data pointers and swresample channels) copy and convert', () => {
  const nch = 70;
  const frames = 3;
  const src = new Int16Array(nch * frames).map((_, i) => i * 7 - 500);
  for (const transfer of [false, true]) {
    const data = new Int16Array(src);
    const d = new AudioData({ format: 's16-planar', sampleRate: 8000, numberOfFrames: frames, numberOfChannels: nch, timestamp: 0, data,
      ...(transfer ? { transfer: [data.buffer] } : {}) });
    const out = new Int32Array(nch * frames);
    d.copyTo(out, { planeIndex: 0, format: 's32' });
    for (let c = 0; c < nch; c++) for (let i = 0; i < frames; i++) assert.equal(out[i * nch + c], src[c * frames + i] * 65536);
    const p = new Float32Array(frames);
    d.clone().copyTo(p, { planeIndex: 69, format: 'f32-planar' });
    assert.deepEqual(Array.from(p), Array.from(src.subarray(69 * frames, 70 * frames), (x) => x / 32768));
    d.close();
  }
});

test('sample memory is reported to V8: 3,000 unclosed 1 MiB AudioData are collected, RSS stays bounded', () => {
  const { spawnSync } = require('node:child_process');
  const script = `
    const { AudioData } = require(${JSON.stringify(require.resolve('..'))});
    const data = new Float32Array(262144);
    let peak = 0;
    (async () => {
      for (let i = 0; i < 3000; i++) {
        new AudioData({ format: 'f32', sampleRate: 48000, numberOfFrames: 131072, numberOfChannels: 2, timestamp: i, data });
        // Node-API finalizers run between turns of the event loop, as they would for outputs of a decoder
        if (i % 20 === 0) await new Promise(setImmediate);
        if (i % 100 === 0) peak = Math.max(peak, process.memoryUsage().rss);
      }
      console.log(JSON.stringify({ peakMiB: Math.round(peak / 1048576) }));
    })();`;
  const env = { ...process.env };
  delete env.NODE_TEST_CONTEXT;
  const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', env, timeout: 120000 });
  assert.equal(r.status, 0, r.stderr);
  const { peakMiB } = JSON.parse(r.stdout.trim().split('\n').pop());
  // 3,000 MiB of samples were made; without external-memory reporting V8 would not collect them in time
  assert.ok(peakMiB < 1500, `peak RSS ${peakMiB} MiB`);
});
