'use strict';
// EncodedAudioChunk (WebCodecs "EncodedAudioChunk Interface"): construction from every
// BufferSource kind, attributes, WebIDL conversions, copy vs. transfer, copyTo.
const test = require('node:test');
const assert = require('node:assert/strict');
const { EncodedAudioChunk, EncodedVideoChunk } = require('..');

const typeError = (fn, re) => assert.throws(fn, (e) => e instanceof TypeError && e.name === 'TypeError' && (!re || re.test(e.message)));
const domError = (fn, name) => assert.throws(fn, (e) => e instanceof DOMException && e.name === name);
const bytesOf = (c) => { const o = new Uint8Array(c.byteLength); c.copyTo(o); return [...o]; };

test('constructor from ArrayBuffer, views, DataView and SharedArrayBuffer; attributes', () => {
  const bytes = [1, 2, 3, 250, 251];
  const sab = new SharedArrayBuffer(5);
  new Uint8Array(sab).set(bytes);
  for (const data of [Uint8Array.from(bytes).buffer, Uint8Array.from(bytes), new DataView(Uint8Array.from([9, ...bytes]).buffer, 1), sab,
    new Uint8Array(Uint8Array.from([7, 7, ...bytes, 7]).buffer, 2, 5)]) {
    const c = new EncodedAudioChunk({ type: 'key', timestamp: -5, duration: 20000, data });
    assert.deepEqual([c.type, c.timestamp, c.duration, c.byteLength], ['key', -5, 20000, 5]);
    assert.deepEqual(bytesOf(c), bytes);
  }
  const d = new EncodedAudioChunk({ type: 'delta', timestamp: 0, data: new Uint8Array(0) });
  assert.deepEqual([d.type, d.duration, d.byteLength], ['delta', null, 0]);
  assert.equal(Object.prototype.toString.call(d), '[object EncodedAudioChunk]');
  assert.ok(!(d instanceof EncodedVideoChunk));
});

test('the data is copied unless transferred; transfer detaches every listed buffer without a copy', () => {
  const a = Uint8Array.from([1, 2, 3]);
  const c = new EncodedAudioChunk({ type: 'key', timestamp: 0, data: a });
  a[0] = 9;
  assert.deepEqual(bytesOf(c), [1, 2, 3]);
  const ab = Uint8Array.from([4, 5, 6, 7]).buffer;
  const other = new ArrayBuffer(2);
  const t = new EncodedAudioChunk({ type: 'key', timestamp: 0, data: new Uint8Array(ab, 1, 2), transfer: [ab, other] });
  assert.equal(ab.byteLength, 0);
  assert.equal(other.byteLength, 0);
  assert.deepEqual(bytesOf(t), [5, 6]);
});

test('WebIDL rules: required members, enum, [EnforceRange], transfer errors, copyTo size', () => {
  typeError(() => new EncodedAudioChunk());
  typeError(() => new EncodedAudioChunk({ timestamp: 0, data: new Uint8Array(1) }), /type: required/);
  typeError(() => new EncodedAudioChunk({ type: 'key', data: new Uint8Array(1) }), /timestamp: required/);
  typeError(() => new EncodedAudioChunk({ type: 'key', timestamp: 0 }), /data: required/);
  typeError(() => new EncodedAudioChunk({ type: 'frame', timestamp: 0, data: new Uint8Array(1) }), /type/);
  typeError(() => new EncodedAudioChunk({ type: 'key', timestamp: NaN, data: new Uint8Array(1) }), /timestamp/);
  typeError(() => new EncodedAudioChunk({ type: 'key', timestamp: 2 ** 53, data: new Uint8Array(1) }), /timestamp/);
  typeError(() => new EncodedAudioChunk({ type: 'key', timestamp: 0, duration: -1, data: new Uint8Array(1) }), /duration/);
  typeError(() => new EncodedAudioChunk({ type: 'key', timestamp: 0, data: 'bytes' }), /data/);
  const ab = new ArrayBuffer(4);
  domError(() => new EncodedAudioChunk({ type: 'key', timestamp: 0, data: ab, transfer: [ab, ab] }), 'DataCloneError');
  assert.equal(ab.byteLength, 4, 'nothing detached when the constructor throws');
  const gone = new ArrayBuffer(1);
  structuredClone(gone, { transfer: [gone] });
  domError(() => new EncodedAudioChunk({ type: 'key', timestamp: 0, data: new Uint8Array(1), transfer: [gone] }), 'DataCloneError');
  const c = new EncodedAudioChunk({ type: 'key', timestamp: 1.9, data: new Uint8Array(3) });
  assert.equal(c.timestamp, 1);
  typeError(() => c.copyTo(new Uint8Array(2)), /destination is 2 bytes/);
  typeError(() => c.copyTo());
  c.copyTo(new Uint8Array(3));
});
