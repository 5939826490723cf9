'use strict';
// EncodedVideoChunk (WebCodecs "EncodedVideoChunk Interface").
const idl = require('./webidl');
const { kData, kInternal } = require('./symbols');

const TYPES = ['key', 'delta'];

// Adopts the bytes of `data` without copying when its buffer is in `transfer`
// (detaching it), else copies them; detaches every other buffer in `transfer`.
function takeBytes(data, transfer, what) {
  const view = idl.bufferSource(data, `${what}.data`);
  const buf = idl.underlyingBuffer(data);
  let bytes;
  if (transfer.includes(buf)) {
    const { byteOffset, byteLength } = view; // read before the buffer is detached
    const moved = idl.transferBuffer(buf);
    bytes = new Uint8Array(moved, byteOffset, byteLength);
  } else {
    bytes = new Uint8Array(view); // copy
  }
  for (const ab of transfer) if (ab !== buf && !idl.isDetached(ab)) idl.transferBuffer(ab);
  return bytes;
}

class EncodedVideoChunk {
  #type;
  #timestamp;
  #duration;
  #data;

  constructor(init) {
    if (init === kInternal) {
      // new EncodedVideoChunk(kInternal, {type, timestamp, duration, data}) from the encoder: data is ours already.
      const o = arguments[1];
      this.#type = o.type;
      this.#timestamp = o.timestamp;
      this.#duration = o.duration;
      this.#data = o.data;
      return;
    }
    if (arguments.length < 1) throw new TypeError("EncodedVideoChunk: 1 argument required (an EncodedVideoChunkInit)");
    const d = idl.dictionary(init, 'EncodedVideoChunkInit');
    // members in lexicographic order, as WebIDL reads them
    const data = d.data;
    if (data === undefined) throw new TypeError('EncodedVideoChunkInit.data: required member is missing');
    const durationV = d.duration;
    const duration = durationV === undefined ? null : idl.unsignedLongLong(durationV, 'EncodedVideoChunkInit.duration');
    const timestampV = d.timestamp;
    if (timestampV === undefined) throw new TypeError('EncodedVideoChunkInit.timestamp: required member is missing');
    const timestamp = idl.longLong(timestampV, 'EncodedVideoChunkInit.timestamp');
    const transfer = idl.transferList(d.transfer, 'EncodedVideoChunkInit.transfer');
    const typeV = d.type;
    if (typeV === undefined) throw new TypeError('EncodedVideoChunkInit.type: required member is missing');
    const type = idl.enumeration(typeV, 'EncodedVideoChunkInit.type', TYPES);
    idl.bufferSource(data, 'EncodedVideoChunkInit.data'); // type check before anything is detached
    this.#type = type;
    this.#timestamp = timestamp;
    this.#duration = duration;
    this.#data = takeBytes(data, transfer, 'EncodedVideoChunkInit');
  }

  get type() { return this.#type; }
  get timestamp() { return this.#timestamp; }
  get duration() { return this.#duration; }
  get byteLength() { return this.#data.byteLength; }

  copyTo(destination) {
    if (arguments.length < 1) throw new TypeError('EncodedVideoChunk.copyTo: 1 argument required');
    const dst = idl.bufferSource(destination, 'EncodedVideoChunk.copyTo destination');
    if (dst.byteLength < this.#data.byteLength) {
      throw new TypeError(`EncodedVideoChunk.copyTo: destination is ${dst.byteLength} bytes, the chunk has ${this.#data.byteLength}`);
    }
    dst.set(this.#data);
  }

  get [kData]() { return this.#data; }
  get [Symbol.toStringTag]() { return 'EncodedVideoChunk'; }
}

module.exports = { EncodedVideoChunk, takeBytes };
