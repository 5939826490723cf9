'use strict';
// AudioDecoder (WebCodecs "AudioDecoder Interface"). The spec's state machine is
// CodecCore's (shared with the video classes); decoding happens on the codec's
// native worker thread (src/audio/audio_decoder.c).
const idl = require('./webidl');
const { binding, scratch } = require('./binding');
const { kEvent, kInternal, kData } = require('./symbols');
const { CodecCore } = require('./codec-core');
const { EncodedAudioChunk } = require('./encoded-audio-chunk');
const { AudioData, FORMATS } = require('./audio-data');
const options = require('./options');
const { getEnv } = require('./env');

// Scratch indices written by src/audio/audio_decoder.c (adec_output_js).
const S = { FORMAT: 0, SAMPLE_RATE: 1, FRAMES: 2, CHANNELS: 3, TIMESTAMP: 4 };

// Priming samples (Opus pre-skip, decoder delay) are discarded as libavcodec does with a packet
// time base, the output timestamps moved on to match. The spec is moving on this
// (w3c/webcodecs#948, #949): this is the one switch (false: every decoded sample is output).
const DISCARD_PRIMING = getEnv('WEBCODECS_NATIVE_AUDIO_PRIMING') !== 'keep';

function copyBufferSource(v) {
  const bytes = idl.bufferSource(v, 'description');
  const copy = new Uint8Array(bytes); // copies
  if (v instanceof ArrayBuffer || (typeof SharedArrayBuffer !== 'undefined' && v instanceof SharedArrayBuffer)) return copy.buffer;
  if (v instanceof DataView) return new DataView(copy.buffer);
  const Ctor = v.constructor;
  return new Ctor(copy.buffer, 0, copy.byteLength / (Ctor.BYTES_PER_ELEMENT || 1));
}

// WebIDL conversion of an AudioDecoderConfig (members in lexicographic order).
function convertConfig(config, what = 'AudioDecoderConfig') {
  const d = idl.dictionary(config, what);
  const c = {};
  const codec = d.codec;
  if (codec === undefined) throw new TypeError(`${what}.codec: required member is missing`);
  c.codec = idl.domString(codec, `${what}.codec`);
  if (d.description !== undefined) {
    const buf = idl.underlyingBuffer(d.description);
    if (buf instanceof ArrayBuffer && idl.isDetached(buf)) throw new TypeError(`${what}.description: the buffer is detached`);
    idl.bufferSource(d.description, `${what}.description`);
    c.description = d.description;
  }
  const channels = d.numberOfChannels;
  if (channels === undefined) throw new TypeError(`${what}.numberOfChannels: required member is missing`);
  c.numberOfChannels = idl.unsignedLong(channels, `${what}.numberOfChannels`);
  const rate = d.sampleRate;
  if (rate === undefined) throw new TypeError(`${what}.sampleRate: required member is missing`);
  c.sampleRate = idl.unsignedLong(rate, `${what}.sampleRate`);
  return c;
}

// "valid AudioDecoderConfig": null when valid, else the reason. (Zero rates and channel counts are
// TypeErrors, as Chrome has them.)
// The codec is empty after stripping ASCII whitespace (TAB, LF, FF, CR, SPACE), not trim()'s wider set.
const ASCII_WS = /^[\t\n\f\r ]+|[\t\n\f\r ]+$/g;
function invalidReason(c, what = 'AudioDecoderConfig') {
  if (c.codec.replace(ASCII_WS, '') === '') return `${what}.codec: must not be empty`;
  if (c.sampleRate === 0) return `${what}.sampleRate: must not be 0`;
  if (c.numberOfChannels === 0) return `${what}.numberOfChannels: must not be 0`;
  if (c.description !== undefined) {
    const buf = idl.underlyingBuffer(c.description);
    if (buf instanceof ArrayBuffer && idl.isDetached(buf)) return `${what}.description: the buffer is detached`;
  }
  return null;
}

// "Clone Configuration": the recognised members that exist, deep-copied.
function cloneConfig(c) {
  const out = { codec: c.codec, sampleRate: c.sampleRate, numberOfChannels: c.numberOfChannels };
  if (c.description !== undefined) out.description = copyBufferSource(c.description);
  return out;
}

function nativeConfig(c, description) {
  return {
    codec: c.codec,
    sampleRate: c.sampleRate,
    numberOfChannels: c.numberOfChannels,
    description,
    discardPriming: DISCARD_PRIMING,
    threads: options.decoderThreads,
  };
}

class AudioDecoder extends EventTarget {
  #core;
  #keyRequired = true;

  constructor(init) {
    super();
    this.#core = new CodecCore(this, 'AudioDecoder', init, arguments.length);
    this.#core.h = binding.audioDecoderCreate(this, options.workerNice);
  }

  get state() { return this.#core.state; }
  get decodeQueueSize() { return this.#core.queueSize; }
  get ondequeue() { return this.#core.handler; }
  set ondequeue(v) { this.#core.setHandler(v); }

  // Non-standard: counters of the native worker, read without blocking.
  get stats() { return binding.codecStats(this.#core.h); }

  configure(config) {
    if (arguments.length < 1) throw new TypeError('AudioDecoder.configure: 1 argument required');
    const c = convertConfig(config);
    const why = invalidReason(c);
    if (why) throw new TypeError(why);
    const core = this.#core;
    if (core.state === 'closed') throw new DOMException('AudioDecoder.configure: the decoder is closed', 'InvalidStateError');
    const description = c.description === undefined ? null : new Uint8Array(idl.bufferSource(c.description, 'description'));
    binding.audioDecoderConfigure(core.h, nativeConfig(c, description));
    // nothing above changed any state if it threw
    core.state = 'configured';
    this.#keyRequired = true;
  }

  decode(chunk) {
    if (arguments.length < 1) throw new TypeError('AudioDecoder.decode: 1 argument required');
    if (!(chunk instanceof EncodedAudioChunk)) throw idl.fail('AudioDecoder.decode chunk', 'expected an EncodedAudioChunk', chunk);
    const core = this.#core;
    core.requireConfigured('decode');
    if (this.#keyRequired) {
      // Every chunk of the registered audio codecs is a key chunk; the data cannot contradict it.
      if (chunk.type !== 'key') {
        throw new DOMException('AudioDecoder.decode: a key chunk is required after configure() or flush()', 'DataError');
      }
      this.#keyRequired = false;
    }
    core.queueSize++;
    binding.audioDecoderDecode(core.h, chunk[kData], chunk.timestamp);
  }

  flush() {
    const p = this.#core.flush();
    if (this.#core.state === 'configured') this.#keyRequired = true;
    return p;
  }

  reset() {
    this.#core.reset(new DOMException('AudioDecoder.reset() was called', 'AbortError'));
  }

  close() {
    this.#core.close(new DOMException('AudioDecoder.close() was called', 'AbortError'));
  }

  static isConfigSupported(config) {
    try {
      if (arguments.length < 1) throw new TypeError('AudioDecoder.isConfigSupported: 1 argument required');
      const c = convertConfig(config);
      const why = invalidReason(c);
      if (why) throw new TypeError(why);
      const clone = cloneConfig(c);
      const description = c.description === undefined ? null : new Uint8Array(idl.bufferSource(c.description, 'description'));
      return binding.audioDecoderSupport(nativeConfig(c, description)).then((r) => ({ supported: r.supported, config: clone }));
    } catch (e) {
      return Promise.reject(e);
    }
  }

  [kEvent](type, arg) {
    this.#core.event(type, arg, (h) => [this.#makeData(h)], (args) => args[0].close());
  }

  // "Output AudioData" for one decoded frame; the facts are in the scratch array.
  #makeData(h) {
    const s = scratch;
    return new AudioData(kInternal, {
      h,
      format: FORMATS[s[S.FORMAT]],
      sampleRate: s[S.SAMPLE_RATE],
      numberOfFrames: s[S.FRAMES],
      numberOfChannels: s[S.CHANNELS],
      timestamp: s[S.TIMESTAMP],
    });
  }

  get [Symbol.toStringTag]() { return 'AudioDecoder'; }
}

module.exports = { AudioDecoder, convertConfig, invalidReason, cloneConfig, DISCARD_PRIMING };
