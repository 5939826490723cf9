'use strict';
// EncodedAudioChunk (WebCodecs "EncodedAudioChunk Interface"): as EncodedVideoChunk.
const idl = require('./webidl');
const { kData, kInternal } = require('./symbols');
const { takeBytes } = require('./encoded-video-chunk');

const TYPES = ['key', 'delta'];

class EncodedAudioChunk {
  #type;
  #timestamp;
  #duration;
  #data;

  constructor(init) {
    if (init === kInternal) {
      // new EncodedAudioChunk(kInternal, {type, timestamp, duration, data}) from the encoder: data is ours already.
      const o = arguments[1];
      this.#type = o.type;
      this.#timestamp = o.timestamp;
      this.#duration = o.duration;
      this.#data = o.data;
      return;
    }
    if (arguments.length < 1) throw new TypeError('EncodedAudioChunk: 1 argument required (an EncodedAudioChunkInit)');
    const W = 'EncodedAudioChunkInit';
    const d = idl.dictionary(init, W);
    // members in lexicographic order, as WebIDL reads them
    const data = d.data;
    if (data === undefined) throw new TypeError(`${W}.data: required member is missing`);
    const durationV = d.duration;
    const duration = durationV === undefined ? null : idl.unsignedLongLong(durationV, `${W}.duration`);
    const timestampV = d.timestamp;
    if (timestampV === undefined) throw new TypeError(`${W}.timestamp: required member is missing`);
    const timestamp = idl.longLong(timestampV, `${W}.timestamp`);
    const transfer = idl.transferList(d.transfer, `${W}.transfer`);
    const typeV = d.type;
    if (typeV === undefined) throw new TypeError(`${W}.type: required member is missing`);
    const type = idl.enumeration(typeV, `${W}.type`, TYPES);
    idl.bufferSource(data, `${W}.data`); // type check before anything is detached
    this.#type = type;
    this.#timestamp = timestamp;
    this.#duration = duration;
    this.#data = takeBytes(data, transfer, W);
  }

  get type() { return this.#type; }
  get timestamp() { return this.#timestamp; }
  get duration() { return this.#duration; }
  get byteLength() { return this.#data.byteLength; }

  copyTo(destination) {
    if (arguments.length < 1) throw new TypeError('EncodedAudioChunk.copyTo: 1 argument required');
    const dst = idl.bufferSource(destination, 'EncodedAudioChunk.copyTo destination');
    if (dst.byteLength < this.#data.byteLength) {
      throw new TypeError(`EncodedAudioChunk.copyTo: destination is ${dst.byteLength} bytes, the chunk has ${this.#data.byteLength}`);
    }
    dst.set(this.#data);
  }

  get [kData]() { return this.#data; }
  get [Symbol.toStringTag]() { return 'EncodedAudioChunk'; }
}

module.exports = { EncodedAudioChunk };
