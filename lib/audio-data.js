'use strict';
// AudioData (WebCodecs "AudioData Interface"). Samples live in a native,
// reference-counted AVFrame in their own format (lib/binding: audioData*); this
// file owns the spec's state and algorithms: AudioDataInit validity, attributes,
// "Compute Copy Element Count", clone and close.
const idl = require('./webidl');
const { binding } = require('./binding');
const { kInternal, kHandle } = require('./symbols');

const FORMATS = binding.sampleFormats(); // index = native enum wc_sample_format
const FORMAT_INDEX = new Map(FORMATS.map((name, i) => [name, i]));
const BYTES = { u8: 1, s16: 2, s32: 4, f32: 4 };
const bytesPerSample = (f) => BYTES[f.replace('-planar', '')];
const isPlanar = (f) => f.endsWith('-planar');

// WebIDL `float`: a finite number, rounded to single precision (TypeError when it is not finite either way).
function float(v, what) {
  const x = idl.double(v, what);
  const f = Math.fround(x);
  if (!Number.isFinite(f)) throw idl.fail(what, 'expected a finite single-precision number', v);
  return f;
}

function convertCopyToOptions(options, what) {
  const d = idl.dictionary(options, what);
  // members in lexicographic order, as WebIDL reads them
  const format = d.format === undefined ? undefined : idl.enumeration(d.format, `${what}.format`, FORMATS);
  const frameCount = d.frameCount === undefined ? undefined : idl.unsignedLong(d.frameCount, `${what}.frameCount`);
  const frameOffset = d.frameOffset === undefined ? 0 : idl.unsignedLong(d.frameOffset, `${what}.frameOffset`);
  const planeIndexV = d.planeIndex;
  if (planeIndexV === undefined) throw new TypeError(`${what}.planeIndex: required member is missing`);
  const planeIndex = idl.unsignedLong(planeIndexV, `${what}.planeIndex`);
  return { format, frameCount, frameOffset, planeIndex };
}

class AudioData {
  #h = null; // native handle; null once closed ([[Detached]])
  #keep = null; // ArrayBuffer whose memory the samples are (transfer), kept alive with the data
  #format = null;
  #sampleRate = 0;
  #numberOfFrames = 0;
  #numberOfChannels = 0;
  #timestamp = 0;

  constructor(init) {
    if (init === kInternal) {
      // new AudioData(kInternal, {h, keep, format, sampleRate, numberOfFrames, numberOfChannels, timestamp})
      this.#assign(arguments[1]);
      return;
    }
    if (arguments.length < 1) throw new TypeError('AudioData: 1 argument required (an AudioDataInit)');
    const W = 'AudioDataInit';
    const d = idl.dictionary(init, W);
    // WebIDL reads members in lexicographic order.
    const dataV = d.data;
    if (dataV === undefined) throw new TypeError(`${W}.data: required member is missing`);
    const bytes = idl.bufferSource(dataV, `${W}.data`);
    const formatV = d.format;
    if (formatV === undefined) throw new TypeError(`${W}.format: required member is missing`);
    const format = idl.enumeration(formatV, `${W}.format`, FORMATS);
    const channelsV = d.numberOfChannels;
    if (channelsV === undefined) throw new TypeError(`${W}.numberOfChannels: required member is missing`);
    const numberOfChannels = idl.unsignedLong(channelsV, `${W}.numberOfChannels`);
    const framesV = d.numberOfFrames;
    if (framesV === undefined) throw new TypeError(`${W}.numberOfFrames: required member is missing`);
    const numberOfFrames = idl.unsignedLong(framesV, `${W}.numberOfFrames`);
    const rateV = d.sampleRate;
    if (rateV === undefined) throw new TypeError(`${W}.sampleRate: required member is missing`);
    const sampleRate = float(rateV, `${W}.sampleRate`);
    const timestampV = d.timestamp;
    if (timestampV === undefined) throw new TypeError(`${W}.timestamp: required member is missing`);
    const timestamp = idl.longLong(timestampV, `${W}.timestamp`);
    const transfer = d.transfer === undefined ? [] : idl.sequence(d.transfer, `${W}.transfer`, (x, w) => {
      if (!(x instanceof ArrayBuffer)) throw idl.fail(w, 'expected an ArrayBuffer', x);
      return x;
    });

    // "valid AudioDataInit"
    if (!(sampleRate > 0)) throw new TypeError(`${W}.sampleRate: must be greater than 0, got ${sampleRate}`);
    if (numberOfFrames === 0) throw new TypeError(`${W}.numberOfFrames: must not be 0`);
    if (numberOfChannels === 0) throw new TypeError(`${W}.numberOfChannels: must not be 0`);
    const totalSize = bytesPerSample(format) * numberOfFrames * numberOfChannels;
    if (bytes.byteLength < totalSize) {
      throw new TypeError(`${W}.data: ${bytes.byteLength} bytes, ${numberOfFrames} frames of ${numberOfChannels} ${format} channels need ${totalSize}`);
    }
    if (new Set(transfer).size !== transfer.length) {
      throw new DOMException(`${W}.transfer: the same ArrayBuffer is listed more than once`, 'DataCloneError');
    }
    for (const ab of transfer) {
      if (idl.isDetached(ab)) throw new DOMException(`${W}.transfer: an ArrayBuffer is already detached`, 'DataCloneError');
    }

    const fmt = FORMAT_INDEX.get(format);
    const buf = idl.underlyingBuffer(dataV);
    let h;
    let keep = null;
    if (transfer.includes(buf)) {
      // Zero copy: the samples are the transferred memory.
      const { byteOffset, byteLength } = bytes; // read before the buffer is detached
      keep = idl.transferBuffer(buf);
      h = binding.audioDataFromBuffer(fmt, sampleRate, numberOfFrames, numberOfChannels, new Uint8Array(keep, byteOffset, byteLength), true);
    } else {
      h = binding.audioDataFromBuffer(fmt, sampleRate, numberOfFrames, numberOfChannels, bytes, false);
    }
    for (const ab of transfer) if (!idl.isDetached(ab)) idl.transferBuffer(ab);
    this.#assign({ h, keep, format, sampleRate, numberOfFrames, numberOfChannels, timestamp });
  }

  #assign(o) {
    this.#h = o.h;
    this.#keep = o.keep ?? null;
    this.#format = o.format;
    this.#sampleRate = o.sampleRate;
    this.#numberOfFrames = o.numberOfFrames;
    this.#numberOfChannels = o.numberOfChannels;
    this.#timestamp = o.timestamp;
  }

  get format() { return this.#format; }
  get sampleRate() { return this.#sampleRate; }
  get numberOfFrames() { return this.#numberOfFrames; }
  get numberOfChannels() { return this.#numberOfChannels; }
  get timestamp() { return this.#timestamp; }
  // [[number of frames]] / [[sample rate]] x 1,000,000 as an unsigned long long (truncated):
  // computed as frames x 10^6 / rate so that exact values stay exact (1024 at 48 kHz: 21333).
  get duration() {
    if (!this.#h || !(this.#sampleRate > 0)) return 0;
    return Math.floor((this.#numberOfFrames * 1e6) / this.#sampleRate);
  }

  // "Compute Copy Element Count" (RangeError) and the destination format.
  #copyElements(o, what) {
    if (!this.#h) throw new DOMException(`AudioData.${what}: the AudioData is closed`, 'InvalidStateError');
    const destFormat = o.format ?? this.#format;
    if (!isPlanar(destFormat) && o.planeIndex > 0) {
      throw new RangeError(`AudioData.${what}: planeIndex ${o.planeIndex} is out of range: ${destFormat} is interleaved (one plane, index 0)`);
    }
    if (isPlanar(destFormat) && o.planeIndex >= this.#numberOfChannels) {
      throw new RangeError(`AudioData.${what}: planeIndex ${o.planeIndex} is out of range: ${destFormat} has ${this.#numberOfChannels} planes (one per channel)`);
    }
    // Every conversion is supported (no NotSupportedError step).
    const frameCount = this.#numberOfFrames;
    if (o.frameOffset >= frameCount) {
      throw new RangeError(`AudioData.${what}: frameOffset ${o.frameOffset} is out of range: the AudioData has ${frameCount} frames`);
    }
    let copyFrameCount = frameCount - o.frameOffset;
    if (o.frameCount !== undefined) {
      if (o.frameCount > copyFrameCount) {
        throw new RangeError(`AudioData.${what}: frameCount ${o.frameCount} is out of range: ${copyFrameCount} frames follow frameOffset ${o.frameOffset}`);
      }
      copyFrameCount = o.frameCount;
    }
    const elementCount = isPlanar(destFormat) ? copyFrameCount : copyFrameCount * this.#numberOfChannels;
    return { destFormat, elementCount };
  }

  allocationSize(options) {
    if (arguments.length < 1) throw new TypeError('AudioData.allocationSize: 1 argument required (an AudioDataCopyToOptions)');
    const o = convertCopyToOptions(options, 'AudioDataCopyToOptions');
    const { destFormat, elementCount } = this.#copyElements(o, 'allocationSize');
    return bytesPerSample(destFormat) * elementCount;
  }

  copyTo(destination, options) {
    if (arguments.length < 2) throw new TypeError('AudioData.copyTo: 2 arguments required (destination, AudioDataCopyToOptions)');
    const dst = idl.bufferSource(destination, 'AudioData.copyTo destination');
    const o = convertCopyToOptions(options, 'AudioDataCopyToOptions');
    const { destFormat, elementCount } = this.#copyElements(o, 'copyTo');
    const need = bytesPerSample(destFormat) * elementCount;
    if (need > dst.byteLength) {
      throw new RangeError(`AudioData.copyTo: destination is ${dst.byteLength} bytes, ${need} are needed`);
    }
    binding.audioDataCopyTo(this.#h, dst, o.planeIndex, o.frameOffset, o.frameCount ?? -1, FORMAT_INDEX.get(destFormat));
  }

  clone() {
    if (!this.#h) throw new DOMException('AudioData.clone: the AudioData is closed', 'InvalidStateError');
    return new AudioData(kInternal, {
      h: binding.audioDataClone(this.#h), keep: this.#keep, format: this.#format, sampleRate: this.#sampleRate,
      numberOfFrames: this.#numberOfFrames, numberOfChannels: this.#numberOfChannels, timestamp: this.#timestamp,
    });
  }

  close() {
    if (!this.#h) return;
    binding.audioDataClose(this.#h);
    this.#h = null;
    this.#keep = null;
    this.#format = null;
    this.#sampleRate = 0;
    this.#numberOfFrames = 0;
    this.#numberOfChannels = 0;
  }

  // For native consumers (the AudioEncoder): {h, keep, format, sampleRate, numberOfFrames,
  // numberOfChannels, timestamp} of an open AudioData, or null once closed. See include/wc/audio/audio_data.h.
  get [kHandle]() {
    if (!this.#h) return null;
    return {
      h: this.#h, keep: this.#keep, format: this.#format, sampleRate: this.#sampleRate,
      numberOfFrames: this.#numberOfFrames, numberOfChannels: this.#numberOfChannels, timestamp: this.#timestamp,
    };
  }

  get [Symbol.toStringTag]() { return 'AudioData'; }
}

module.exports = { AudioData, FORMATS: FORMATS, FORMAT_INDEX, bytesPerSample, isPlanar };
