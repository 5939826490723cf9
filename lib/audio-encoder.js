'use strict';
// AudioEncoder (WebCodecs "AudioEncoder Interface" and the Opus, AAC, FLAC, MP3,
// Vorbis, PCM, u-law and A-law codec registrations). The spec's state machine lives
// here (shared with every codec class in codec-core.js); conversion, resampling,
// framing and encoding happen on the codec's native worker (src/audio/).
const idl = require('./webidl');
const { binding, scratch } = require('./binding');
const { kEvent, kHandle, kInternal } = require('./symbols');
const { CodecCore } = require('./codec-core');
const { EncodedAudioChunk } = require('./encoded-audio-chunk');
const { AudioData } = require('./audio-data');
const options = require('./options');

const BITRATE_MODES = ['constant', 'variable'];
const AAC_FORMATS = ['aac', 'adts'];
const OPUS_FORMATS = ['opus', 'ogg'];
const OPUS_SIGNALS = ['auto', 'music', 'voice'];
const OPUS_APPLICATIONS = ['voip', 'audio', 'lowdelay'];

// Scratch indices written by src/audio/audio_encoder_js.c for each output chunk.
const S = { TIMESTAMP: 0, DURATION: 1 };

// Members of each dictionary are converted in lexicographic order (WebIDL), the partial
// dictionaries of the codec registrations included.
function convertOpus(v, what) {
  const d = idl.dictionary(v, what);
  const o = {};
  o.application = d.application === undefined ? 'audio' : idl.enumeration(d.application, `${what}.application`, OPUS_APPLICATIONS);
  if (d.complexity !== undefined) o.complexity = idl.unsignedLong(d.complexity, `${what}.complexity`);
  o.format = d.format === undefined ? 'opus' : idl.enumeration(d.format, `${what}.format`, OPUS_FORMATS);
  o.frameDuration = d.frameDuration === undefined ? 20000 : idl.unsignedLongLong(d.frameDuration, `${what}.frameDuration`);
  o.packetlossperc = d.packetlossperc === undefined ? 0 : idl.unsignedLong(d.packetlossperc, `${what}.packetlossperc`);
  o.signal = d.signal === undefined ? 'auto' : idl.enumeration(d.signal, `${what}.signal`, OPUS_SIGNALS);
  o.usedtx = d.usedtx === undefined ? false : idl.boolean(d.usedtx);
  o.useinbandfec = d.useinbandfec === undefined ? false : idl.boolean(d.useinbandfec);
  return o;
}

function convertConfig(config, what = 'AudioEncoderConfig') {
  const d = idl.dictionary(config, what);
  const c = {};
  if (d.aac !== undefined) {
    const a = idl.dictionary(d.aac, `${what}.aac`);
    c.aac = { format: a.format === undefined ? 'aac' : idl.enumeration(a.format, `${what}.aac.format`, AAC_FORMATS) };
  }
  if (d.bitrate !== undefined) c.bitrate = idl.unsignedLongLong(d.bitrate, `${what}.bitrate`);
  c.bitrateMode = d.bitrateMode === undefined ? 'variable' : idl.enumeration(d.bitrateMode, `${what}.bitrateMode`, BITRATE_MODES);
  if (d.codec === undefined) throw new TypeError(`${what}.codec: required member is missing`);
  c.codec = idl.domString(d.codec, `${what}.codec`);
  if (d.flac !== undefined) {
    const f = idl.dictionary(d.flac, `${what}.flac`);
    c.flac = {
      blockSize: f.blockSize === undefined ? 0 : idl.unsignedLong(f.blockSize, `${what}.flac.blockSize`),
      compressLevel: f.compressLevel === undefined ? 5 : idl.unsignedLong(f.compressLevel, `${what}.flac.compressLevel`),
    };
  }
  if (d.numberOfChannels === undefined) throw new TypeError(`${what}.numberOfChannels: required member is missing`);
  c.numberOfChannels = idl.unsignedLong(d.numberOfChannels, `${what}.numberOfChannels`);
  if (d.opus !== undefined) c.opus = convertOpus(d.opus, `${what}.opus`);
  if (d.sampleRate === undefined) throw new TypeError(`${what}.sampleRate: required member is missing`);
  c.sampleRate = idl.unsignedLong(d.sampleRate, `${what}.sampleRate`);
  return c;
}

// The codec a (recognised) codec string names, for the bitrate ranges below.
function codecFamily(codec) {
  if (codec === 'opus') return 'opus';
  if (/^mp4a\.(40\.(0?2|0?5|29)|67)$/.test(codec)) return 'aac';
  if (codec === 'mp3' || /^mp4a\.(69|6[bB])$/.test(codec)) return 'mp3';
  return null;
}

// Bitrates the codec can represent ([lo, hi] in bit/s). Beyond them the configuration is not a
// valid one (TypeError): libopus clamps to 500 .. 300000 per channel, an AAC frame carries at most
// 6144 bits per channel per 1024 samples, MPEG-1/2 layer III bitrates run from 8 to 320 kbit/s.
// Every codec: at most 2^31 - 1 (the encoders' integer).
function bitrateRange(c) {
  const max32 = 0x7fffffff;
  switch (codecFamily(c.codec)) {
    case 'opus': return [500, Math.min(max32, 300000 * c.numberOfChannels)];
    case 'aac': return [1, Math.min(max32, Math.floor((6144 * c.numberOfChannels * c.sampleRate) / 1024))];
    case 'mp3': return [8000, 320000];
    default: return [1, max32];
  }
}

// "valid AudioEncoderConfig", with the registrations' validity steps: null when valid, else the reason.
function invalidReason(c, what = 'AudioEncoderConfig') {
  if (c.codec.replace(/^[\t\n\f\r ]+|[\t\n\f\r ]+$/g, '') === '') return `${what}.codec: must not be empty`;
  if (c.sampleRate === 0) return `${what}.sampleRate: must not be 0`;
  if (c.numberOfChannels === 0) return `${what}.numberOfChannels: must not be 0`;
  // bitrate 0: w3c/webcodecs#860, WPT audio-encoder-config "Bit rate present but equal to zero", Chrome
  if (c.bitrate === 0) return `${what}.bitrate: must be greater than 0 when present`;
  if (c.bitrate !== undefined) {
    const [lo, hi] = bitrateRange(c);
    if (c.bitrate < lo || c.bitrate > hi) {
      return `${what}.bitrate: expected ${lo} to ${hi} bit/s for "${c.codec}" with ${c.numberOfChannels} channel(s), got ${c.bitrate}`;
    }
  }
  if (c.opus) {
    const o = c.opus;
    // RFC 6716 2.1.4: frames of 2.5, 5, 10 or 20 ms, combined into packets of up to 120 ms
    if (o.frameDuration < 2500 || o.frameDuration > 120000 || o.frameDuration % 2500 !== 0) {
      return `${what}.opus.frameDuration: expected a multiple of 2500 us from 2500 to 120000, got ${o.frameDuration}`;
    }
    if (o.complexity !== undefined && o.complexity > 10) return `${what}.opus.complexity: expected 0 to 10, got ${o.complexity}`;
    if (o.packetlossperc > 100) return `${what}.opus.packetlossperc: expected 0 to 100, got ${o.packetlossperc}`;
  }
  if (c.flac) {
    // FLAC block sizes (RFC 9639 section 5.1): 16 to 65535 samples; 0 lets the encoder choose
    const b = c.flac.blockSize;
    if (b !== 0 && (b < 16 || b > 65535)) return `${what}.flac.blockSize: expected 0 or 16 to 65535, got ${b}`;
    if (c.flac.compressLevel > 8) return `${what}.flac.compressLevel: expected 0 to 8, got ${c.flac.compressLevel}`;
  }
  return null;
}

// The default complexity of the Opus registration for platforms other than mobile ones.
const OPUS_DEFAULT_COMPLEXITY = 9;

// "Clone Configuration": the recognised members, with the registrations' defaults filled in.
function cloneConfig(c) {
  const out = { codec: c.codec, sampleRate: c.sampleRate, numberOfChannels: c.numberOfChannels };
  if (c.bitrate !== undefined) out.bitrate = c.bitrate;
  out.bitrateMode = c.bitrateMode;
  if (c.opus) out.opus = { ...c.opus, complexity: c.opus.complexity ?? OPUS_DEFAULT_COMPLEXITY };
  if (c.aac) out.aac = { ...c.aac };
  if (c.flac) out.flac = { ...c.flac };
  return out;
}

// Values beyond the native int range are unsupported anyway: clamp, let the engine say no.
const nativeInt = (v) => Math.min(v, 0x7fffffff);

function nativeConfig(c) {
  const o = c.opus ?? {};
  return {
    codec: c.codec,
    sampleRate: nativeInt(c.sampleRate),
    numberOfChannels: nativeInt(c.numberOfChannels),
    bitrate: c.bitrate ?? 0,
    constant: c.bitrateMode === 'constant',
    opusOgg: o.format === 'ogg',
    opusSignal: OPUS_SIGNALS.indexOf(o.signal ?? 'auto'),
    opusApplication: OPUS_APPLICATIONS.indexOf(o.application ?? 'audio'),
    opusFrameDuration: nativeInt(o.frameDuration ?? 20000),
    opusComplexity: o.complexity ?? OPUS_DEFAULT_COMPLEXITY,
    opusPacketLoss: o.packetlossperc ?? 0,
    opusFec: o.useinbandfec ?? false,
    opusDtx: o.usedtx ?? false,
    aacAdts: c.aac?.format === 'adts',
    flacBlockSize: c.flac?.blockSize ?? 0,
    flacCompressLevel: c.flac?.compressLevel ?? 5,
  };
}

function sameConfig(a, b) {
  if (a === b) return true;
  if (!a || !b) return false;
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  for (const k of ka) {
    const x = a[k];
    const y = b[k];
    if (x instanceof ArrayBuffer || y instanceof ArrayBuffer) {
      if (!(x instanceof ArrayBuffer) || !(y instanceof ArrayBuffer) || x.byteLength !== y.byteLength) return false;
      const u = new Uint8Array(x);
      const v = new Uint8Array(y);
      for (let i = 0; i < u.length; i++) if (u[i] !== v[i]) return false;
    } else if (x !== y) {
      return false;
    }
  }
  return true;
}

class AudioEncoder extends EventTarget {
  #core;
  #config = null; // [[active encoder config]]
  #outputConfig = null; // [[active output config]]

  constructor(init) {
    super();
    this.#core = new CodecCore(this, 'AudioEncoder', init, arguments.length);
    this.#core.h = binding.audioEncoderCreate(this, options.workerNice);
  }

  get state() { return this.#core.state; }
  get encodeQueueSize() { return this.#core.queueSize; }
  get ondequeue() { return this.#core.handler; }
  set ondequeue(v) { this.#core.setHandler(v); }

  // Non-standard: counters of the native worker, read without blocking.
  get stats() { return binding.codecStats(this.#core.h); }

  configure(config) {
    if (arguments.length < 1) throw new TypeError('AudioEncoder.configure: 1 argument required');
    const c = convertConfig(config);
    const why = invalidReason(c);
    if (why) throw new TypeError(why);
    const core = this.#core;
    if (core.state === 'closed') throw new DOMException('AudioEncoder.configure: the encoder is closed', 'InvalidStateError');
    binding.audioEncoderConfigure(core.h, nativeConfig(c));
    // nothing above changed any state if it threw
    core.state = 'configured';
    this.#config = cloneConfig(c);
  }

  encode(data) {
    if (arguments.length < 1) throw new TypeError('AudioEncoder.encode: 1 argument required');
    if (!(data instanceof AudioData)) throw idl.fail('AudioEncoder.encode data', 'expected an AudioData', data);
    const d = data[kHandle];
    if (!d) throw new TypeError('AudioEncoder.encode: the AudioData is closed (detached)');
    const core = this.#core;
    core.requireConfigured('encode');
    // "Clone AudioData": the native side takes its own reference to the samples (no copy); the
    // worker converts them to what the encoder takes
    binding.audioEncoderEncode(core.h, d.h, d.timestamp);
    core.queueSize++;
  }

  flush() {
    return this.#core.flush();
  }

  reset() {
    this.#core.reset(new DOMException('AudioEncoder.reset() was called', 'AbortError'));
    this.#config = null;
    this.#outputConfig = null;
  }

  close() {
    this.#core.close(new DOMException('AudioEncoder.close() was called', 'AbortError'));
    this.#config = null;
    this.#outputConfig = null;
  }

  static isConfigSupported(config) {
    try {
      if (arguments.length < 1) throw new TypeError('AudioEncoder.isConfigSupported: 1 argument required');
      const c = convertConfig(config);
      const why = invalidReason(c);
      if (why) throw new TypeError(why);
      const clone = cloneConfig(c);
      return binding.audioEncoderSupport(nativeConfig(c)).then((r) => ({ supported: r.supported, config: clone }));
    } catch (e) {
      return Promise.reject(e);
    }
  }

  [kEvent](type, arg) {
    this.#core.event(type, arg, (out) => this.#makeChunk(out), () => {});
  }

  // "Output EncodedAudioChunks" for one output: [chunk, metadata].
  #makeChunk(out) {
    const chunk = new EncodedAudioChunk(kInternal, {
      type: 'key', // every chunk of these codecs decodes on its own (the registrations)
      timestamp: scratch[S.TIMESTAMP],
      duration: scratch[S.DURATION],
      data: new Uint8Array(out.data),
    });
    const metadata = {};
    // The first chunk of a configure() (marked by the worker, so chunks the old configuration still
    // drains keep theirs): decoderConfig again even when it equals the last one, as Chrome does.
    if (out.fresh) this.#outputConfig = null;
    if (out.config) {
      const oc = out.config;
      const decoderConfig = { codec: oc.codec, sampleRate: oc.sampleRate, numberOfChannels: oc.numberOfChannels };
      if (oc.description) decoderConfig.description = oc.description;
      if (!sameConfig(decoderConfig, this.#outputConfig)) {
        this.#outputConfig = decoderConfig;
        metadata.decoderConfig = { ...decoderConfig };
        if (decoderConfig.description) metadata.decoderConfig.description = decoderConfig.description.slice(0);
      }
    }
    return [chunk, metadata];
  }

  get [Symbol.toStringTag]() { return 'AudioEncoder'; }
}

module.exports = { AudioEncoder, convertConfig, invalidReason, cloneConfig };
