'use strict';
// EncodedVideoChunk (WebCodecs "EncodedVideoChunk Interface"): construction from
// every BufferSource kind, attributes, WebIDL conversions ([EnforceRange] long long
// timestamp, unsigned long long duration, enum type), copy vs. transfer, copyTo.
const test = require('node:test');
const assert = require('node:assert/strict');
const wc = require('..');

const { EncodedVideoChunk } = wc;

function checkError(e, ctor, name) {
  assert.ok(e instanceof ctor, `expected ${ctor.name} ${name}, got ${e && e.constructor && e.constructor.name} ${e && e.name}: ${e && e.message}`);
  assert.equal(e.name, name);
  return true;
}
const throwsType = (fn, msg) => assert.throws(fn, (e) => checkError(e, TypeError, 'TypeError'), msg);
const throwsDOM = (fn, name, msg) => assert.throws(fn, (e) => checkError(e, DOMException, name), msg);

const BYTES = [0, 1, 2, 3, 250, 251, 252, 253, 127, 128];

function bytesOf(chunk) {
  const out = new Uint8Array(chunk.byteLength);
  chunk.copyTo(out);
  return [...out];
}

function detached(ab) {
  return ab.byteLength === 0;
}

test('constructor with an ArrayBuffer', () => {
  const ab = Uint8Array.from(BYTES).buffer;
  const chunk = new EncodedVideoChunk({ type: 'key', timestamp: 10, data: ab });
  assert.equal(chunk.type, 'key');
  assert.equal(chunk.timestamp, 10);
  assert.equal(chunk.duration, null);
  assert.equal(chunk.byteLength, BYTES.length);
  assert.deepEqual(bytesOf(chunk), BYTES);
});

test('constructor with a Uint8Array view that has a byteOffset: only the view\'s bytes', () => {
  const backing = new Uint8Array(20).fill(0xee);
  backing.set(BYTES, 5);
  const view = new Uint8Array(backing.buffer, 5, BYTES.length);
  const chunk = new EncodedVideoChunk({ type: 'delta', timestamp: -3, duration: 40, data: view });
  assert.equal(chunk.type, 'delta');
  assert.equal(chunk.timestamp, -3);
  assert.equal(chunk.duration, 40);
  assert.equal(chunk.byteLength, BYTES.length);
  assert.deepEqual(bytesOf(chunk), BYTES);
});

test('constructor with a DataView', () => {
  const backing = new Uint8Array(16).fill(9);
  backing.set(BYTES, 3);
  const chunk = new EncodedVideoChunk({ type: 'key', timestamp: 0, data: new DataView(backing.buffer, 3, BYTES.length) });
  assert.equal(chunk.byteLength, BYTES.length);
  assert.deepEqual(bytesOf(chunk), BYTES);
});

test('constructor with an Int16Array: byteLength counts bytes, not elements', () => {
  const data = Int16Array.from([1, -1, 0x1234, -32768]);
  const chunk = new EncodedVideoChunk({ type: 'key', timestamp: 0, data });
  assert.equal(chunk.byteLength, 8);
  const expected = [...new Uint8Array(data.buffer)];
  assert.deepEqual(bytesOf(chunk), expected);
});

test('constructor with a SharedArrayBuffer and a view of one (AllowSharedBufferSource)', () => {
  const sab = new SharedArrayBuffer(BYTES.length);
  new Uint8Array(sab).set(BYTES);
  assert.deepEqual(bytesOf(new EncodedVideoChunk({ type: 'key', timestamp: 0, data: sab })), BYTES);
  assert.deepEqual(bytesOf(new EncodedVideoChunk({ type: 'key', timestamp: 0, data: new Uint8Array(sab, 2, 3) })), BYTES.slice(2, 5));
});

test('an empty data buffer gives byteLength 0', () => {
  const chunk = new EncodedVideoChunk({ type: 'delta', timestamp: 0, data: new Uint8Array(0) });
  assert.equal(chunk.byteLength, 0);
  chunk.copyTo(new Uint8Array(0));
});

test('duration: null when absent, 0 when given 0, integer part of fractions', () => {
  assert.equal(new EncodedVideoChunk({ type: 'key', timestamp: 0, data: new Uint8Array(1) }).duration, null);
  assert.equal(new EncodedVideoChunk({ type: 'key', timestamp: 0, duration: undefined, data: new Uint8Array(1) }).duration, null);
  assert.equal(new EncodedVideoChunk({ type: 'key', timestamp: 0, duration: 0, data: new Uint8Array(1) }).duration, 0);
  assert.equal(new EncodedVideoChunk({ type: 'key', timestamp: 0, duration: 33.9, data: new Uint8Array(1) }).duration, 33);
  // [EnforceRange]: IntegerPart(-0.5) is -0, which is in range; the IDL value is 0.
  const z = new EncodedVideoChunk({ type: 'key', timestamp: 0, duration: -0.5, data: new Uint8Array(1) }).duration;
  assert.ok(Object.is(z, 0), `duration ${z}`);
  assert.equal(new EncodedVideoChunk({ type: 'key', timestamp: 0, duration: 2 ** 53 - 1, data: new Uint8Array(1) }).duration, 2 ** 53 - 1);
});

test('timestamp: [EnforceRange] long long conversions', () => {
  const ts = (v) => new EncodedVideoChunk({ type: 'key', timestamp: v, data: new Uint8Array(1) }).timestamp;
  assert.equal(ts(0), 0);
  assert.equal(ts(-1), -1);
  assert.equal(ts(12.9), 12);
  assert.equal(ts(-12.9), -12);
  assert.ok(Object.is(ts(-0.3), 0), 'no -0');
  assert.equal(ts('42'), 42);
  assert.equal(ts(true), 1);
  assert.equal(ts(null), 0);
  assert.equal(ts(2 ** 53 - 1), 2 ** 53 - 1);
  assert.equal(ts(-(2 ** 53) + 1), -(2 ** 53) + 1);
});

test('timestamp: NaN, Infinity and values outside [-(2^53 - 1), 2^53 - 1] are TypeErrors', () => {
  for (const timestamp of [NaN, Infinity, -Infinity, 2 ** 53, -(2 ** 53), 1e20, 'abc', {}, 10n, Symbol('t')]) {
    throwsType(() => new EncodedVideoChunk({ type: 'key', timestamp, data: new Uint8Array(1) }), String(timestamp));
  }
});

test('duration: negative, NaN, Infinity and 2^53 are TypeErrors', () => {
  for (const duration of [-1, -1e9, NaN, Infinity, -Infinity, 2 ** 53, 'x']) {
    throwsType(() => new EncodedVideoChunk({ type: 'key', timestamp: 0, duration, data: new Uint8Array(1) }), String(duration));
  }
});

test('missing required members are TypeErrors', () => {
  throwsType(() => new EncodedVideoChunk({ timestamp: 0, data: new Uint8Array(1) }), 'type');
  throwsType(() => new EncodedVideoChunk({ type: 'key', data: new Uint8Array(1) }), 'timestamp');
  throwsType(() => new EncodedVideoChunk({ type: 'key', timestamp: 0 }), 'data');
  throwsType(() => new EncodedVideoChunk({ type: 'key', timestamp: undefined, data: new Uint8Array(1) }), 'timestamp undefined');
  throwsType(() => new EncodedVideoChunk({}), 'empty init');
  throwsType(() => new EncodedVideoChunk(), 'no init');
  throwsType(() => new EncodedVideoChunk(null), 'null init');
  throwsType(() => new EncodedVideoChunk(7), 'number init');
  throwsType(() => new EncodedVideoChunk('key'), 'string init');
});

test('type must be an EncodedVideoChunkType', () => {
  for (const type of ['Key', 'KEY', 'keyframe', 'delta ', '', 'I', 0, null]) {
    throwsType(() => new EncodedVideoChunk({ type, timestamp: 0, data: new Uint8Array(1) }), JSON.stringify(type));
  }
  // WebIDL enum conversion goes through ToString.
  assert.equal(new EncodedVideoChunk({ type: { toString: () => 'delta' }, timestamp: 0, data: new Uint8Array(1) }).type, 'delta');
});

test('data must be a buffer source', () => {
  for (const data of [[1, 2, 3], 'abc', 5, null, {}, { byteLength: 3 }]) {
    throwsType(() => new EncodedVideoChunk({ type: 'key', timestamp: 0, data }), JSON.stringify(data));
  }
});

test('data is copied: changing the source afterwards does not change the chunk', () => {
  const src = Uint8Array.from(BYTES);
  const chunk = new EncodedVideoChunk({ type: 'key', timestamp: 0, data: src });
  src.fill(0);
  assert.deepEqual(bytesOf(chunk), BYTES);
  const ab = Uint8Array.from(BYTES).buffer;
  const c2 = new EncodedVideoChunk({ type: 'key', timestamp: 0, data: ab });
  new Uint8Array(ab).fill(1);
  assert.deepEqual(bytesOf(c2), BYTES);
  assert.equal(ab.byteLength, BYTES.length, 'not detached without transfer');
});

test('transfer: data\'s buffer is detached and its bytes are adopted', () => {
  const ab = Uint8Array.from(BYTES).buffer;
  const chunk = new EncodedVideoChunk({ type: 'key', timestamp: 0, data: ab, transfer: [ab] });
  assert.ok(detached(ab), 'detached');
  assert.equal(chunk.byteLength, BYTES.length);
  assert.deepEqual(bytesOf(chunk), BYTES);
});

test('transfer: a view with a byteOffset keeps just the view\'s bytes', () => {
  const backing = new Uint8Array(32).fill(0xee);
  backing.set(BYTES, 7);
  const view = new Uint8Array(backing.buffer, 7, BYTES.length);
  const chunk = new EncodedVideoChunk({ type: 'delta', timestamp: 1, data: view, transfer: [backing.buffer] });
  assert.ok(detached(backing.buffer));
  assert.equal(view.byteLength, 0);
  assert.equal(chunk.byteLength, BYTES.length);
  assert.deepEqual(bytesOf(chunk), BYTES);
});

test('transfer: other listed buffers are detached too; data not listed is copied', () => {
  const data = Uint8Array.from(BYTES);
  const other = new ArrayBuffer(16);
  const chunk = new EncodedVideoChunk({ type: 'key', timestamp: 0, data, transfer: [other] });
  assert.ok(detached(other), 'other buffer detached');
  assert.equal(data.buffer.byteLength, BYTES.length, 'data not listed: not detached');
  data.fill(0);
  assert.deepEqual(bytesOf(chunk), BYTES);
});

test('transfer: duplicate buffers are a DataCloneError and nothing is detached', () => {
  const data = Uint8Array.from(BYTES);
  const other = new ArrayBuffer(4);
  throwsDOM(() => new EncodedVideoChunk({ type: 'key', timestamp: 0, data, transfer: [data.buffer, data.buffer] }), 'DataCloneError');
  throwsDOM(() => new EncodedVideoChunk({ type: 'key', timestamp: 0, data, transfer: [other, data.buffer, other] }), 'DataCloneError');
  assert.equal(data.buffer.byteLength, BYTES.length);
  assert.equal(other.byteLength, 4);
});

test('transfer: an already detached buffer is a DataCloneError and nothing else is detached', () => {
  const gone = new ArrayBuffer(8);
  structuredClone(gone, { transfer: [gone] });
  const data = Uint8Array.from(BYTES);
  throwsDOM(() => new EncodedVideoChunk({ type: 'key', timestamp: 0, data, transfer: [gone] }), 'DataCloneError');
  throwsDOM(() => new EncodedVideoChunk({ type: 'key', timestamp: 0, data, transfer: [data.buffer, gone] }), 'DataCloneError');
  assert.equal(data.buffer.byteLength, BYTES.length);
});

test('transfer: DataCloneError has the DOMException code 25', () => {
  const ab = new ArrayBuffer(1);
  try {
    new EncodedVideoChunk({ type: 'key', timestamp: 0, data: ab, transfer: [ab, ab] });
    assert.fail('no exception');
  } catch (e) {
    checkError(e, DOMException, 'DataCloneError');
    assert.equal(e.code, 25);
  }
});

test('transfer: entries must be ArrayBuffers, and transfer must be a sequence', () => {
  const data = Uint8Array.from(BYTES);
  throwsType(() => new EncodedVideoChunk({ type: 'key', timestamp: 0, data, transfer: [data] }));
  throwsType(() => new EncodedVideoChunk({ type: 'key', timestamp: 0, data, transfer: data.buffer }));
  throwsType(() => new EncodedVideoChunk({ type: 'key', timestamp: 0, data, transfer: [new SharedArrayBuffer(4)] }));
  throwsType(() => new EncodedVideoChunk({ type: 'key', timestamp: 0, data, transfer: 5 }));
  assert.equal(data.buffer.byteLength, BYTES.length);
});

test('a failed conversion detaches nothing', () => {
  const data = Uint8Array.from(BYTES);
  throwsType(() => new EncodedVideoChunk({ type: 'nope', timestamp: 0, data, transfer: [data.buffer] }));
  throwsType(() => new EncodedVideoChunk({ type: 'key', timestamp: NaN, data, transfer: [data.buffer] }));
  assert.equal(data.buffer.byteLength, BYTES.length);
});

test('copyTo into a too-small destination is a TypeError and writes nothing', () => {
  const chunk = new EncodedVideoChunk({ type: 'key', timestamp: 0, data: Uint8Array.from(BYTES) });
  const dst = new Uint8Array(BYTES.length - 1).fill(0xaa);
  throwsType(() => chunk.copyTo(dst));
  assert.ok(dst.every((b) => b === 0xaa));
  throwsType(() => chunk.copyTo(new ArrayBuffer(0)));
});

test('copyTo into a larger destination writes exactly byteLength bytes at its start', () => {
  const chunk = new EncodedVideoChunk({ type: 'key', timestamp: 0, data: Uint8Array.from(BYTES) });
  const dst = new Uint8Array(BYTES.length + 6).fill(0xee);
  assert.equal(chunk.copyTo(dst), undefined);
  assert.deepEqual([...dst], [...BYTES, 0xee, 0xee, 0xee, 0xee, 0xee, 0xee]);
});

test('copyTo into each destination kind: ArrayBuffer, DataView with offset, Int16Array, SharedArrayBuffer', () => {
  const chunk = new EncodedVideoChunk({ type: 'key', timestamp: 0, data: Uint8Array.from(BYTES) });
  const ab = new ArrayBuffer(BYTES.length);
  chunk.copyTo(ab);
  assert.deepEqual([...new Uint8Array(ab)], BYTES);

  const backing = new Uint8Array(BYTES.length + 4).fill(1);
  chunk.copyTo(new DataView(backing.buffer, 2, BYTES.length));
  assert.deepEqual([...backing], [1, 1, ...BYTES, 1, 1]);

  const i16 = new Int16Array(BYTES.length / 2);
  chunk.copyTo(i16);
  assert.deepEqual([...new Uint8Array(i16.buffer)], BYTES);

  const sab = new SharedArrayBuffer(BYTES.length);
  chunk.copyTo(sab);
  assert.deepEqual([...new Uint8Array(sab)], BYTES);
});

test('copyTo argument errors are TypeErrors', () => {
  const chunk = new EncodedVideoChunk({ type: 'key', timestamp: 0, data: Uint8Array.from(BYTES) });
  throwsType(() => chunk.copyTo());
  throwsType(() => chunk.copyTo([0, 0, 0, 0, 0, 0, 0, 0, 0, 0]));
  throwsType(() => chunk.copyTo('0123456789'));
  throwsType(() => chunk.copyTo(null));
});

test('attributes are read-only accessors', () => {
  const chunk = new EncodedVideoChunk({ type: 'key', timestamp: 5, duration: 6, data: Uint8Array.from(BYTES) });
  for (const name of ['type', 'timestamp', 'duration', 'byteLength']) {
    const desc = Object.getOwnPropertyDescriptor(EncodedVideoChunk.prototype, name);
    assert.equal(typeof desc.get, 'function', name);
    assert.equal(desc.set, undefined, name);
    assert.throws(() => { chunk[name] = 1; }, TypeError, name); // strict mode: no setter
  }
  assert.equal(chunk.type, 'key');
  assert.equal(chunk.timestamp, 5);
  assert.equal(chunk.duration, 6);
  assert.equal(chunk.byteLength, BYTES.length);
});

test('Object.prototype.toString tag', () => {
  const chunk = new EncodedVideoChunk({ type: 'key', timestamp: 0, data: new Uint8Array(1) });
  assert.equal(Object.prototype.toString.call(chunk), '[object EncodedVideoChunk]');
});
