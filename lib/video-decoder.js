'use strict';
// VideoDecoder (WebCodecs "VideoDecoder Interface"). The spec's state machine
// lives here; decoding happens on the codec's native worker thread.
const idl = require('./webidl');
const { binding, scratch } = require('./binding');
const { kEvent, kInternal, kData } = require('./symbols');
const { CodecCore } = require('./codec-core');
const { EncodedVideoChunk } = require('./encoded-video-chunk');
const { VideoFrame, FORMATS, pickColorSpace, parseRotation } = require('./video-frame');
const { VideoColorSpace, convertInit: convertColorSpaceInit, PRIMARIES, TRANSFER, MATRIX } = require('./video-color-space');
const { isKeyChunk } = require('./keyframe');
const options = require('./options');

const HW = ['no-preference', 'prefer-hardware', 'prefer-software'];
const COLOR_MEMBERS = ['primaries', 'transfer', 'matrix', 'fullRange'];

// Scratch indices written by src/video/decoder.c (dec_output_js).
const S = { FORMAT: 0, CODED_W: 1, CODED_H: 2, VIS_X: 3, VIS_Y: 4, VIS_W: 5, VIS_H: 6, SAR_NUM: 7, SAR_DEN: 8,
  TIMESTAMP: 9, DURATION: 10, PRIMARIES: 11, TRANSFER: 12, MATRIX: 13, FULL_RANGE: 14, COLOR_KNOWN: 15 };

function copyBufferSource(v) {
  // A copy of the same kind (ArrayBuffer, or a view of the same type over a new buffer).
  const bytes = idl.bufferSource(v, 'description');
  const copy = new Uint8Array(bytes); // copies
  if (v instanceof ArrayBuffer || (typeof SharedArrayBuffer !== 'undefined' && v instanceof SharedArrayBuffer)) return copy.buffer;
  if (v instanceof DataView) return new DataView(copy.buffer);
  const Ctor = v.constructor;
  return new Ctor(copy.buffer, 0, copy.byteLength / (Ctor.BYTES_PER_ELEMENT || 1));
}

// WebIDL conversion of a VideoDecoderConfig; members that are absent stay absent.
function convertConfig(config, what = 'VideoDecoderConfig') {
  const d = idl.dictionary(config, what);
  const c = {};
  const codec = d.codec;
  if (codec === undefined) throw new TypeError(`${what}.codec: required member is missing`);
  c.codec = idl.domString(codec, `${what}.codec`);
  if (d.codedHeight !== undefined) c.codedHeight = idl.unsignedLong(d.codedHeight, `${what}.codedHeight`);
  if (d.codedWidth !== undefined) c.codedWidth = idl.unsignedLong(d.codedWidth, `${what}.codedWidth`);
  if (d.colorSpace !== undefined) c.colorSpace = convertColorSpaceInit(d.colorSpace, `${what}.colorSpace`);
  if (d.description !== undefined) {
    const buf = idl.underlyingBuffer(d.description);
    if (buf instanceof ArrayBuffer && idl.isDetached(buf)) throw new TypeError(`${what}.description: the buffer is detached`);
    idl.bufferSource(d.description, `${what}.description`);
    c.description = d.description;
  }
  if (d.displayAspectHeight !== undefined) c.displayAspectHeight = idl.unsignedLong(d.displayAspectHeight, `${what}.displayAspectHeight`);
  if (d.displayAspectWidth !== undefined) c.displayAspectWidth = idl.unsignedLong(d.displayAspectWidth, `${what}.displayAspectWidth`);
  c.flip = d.flip === undefined ? false : idl.boolean(d.flip);
  c.hardwareAcceleration = d.hardwareAcceleration === undefined ? 'no-preference'
    : idl.enumeration(d.hardwareAcceleration, `${what}.hardwareAcceleration`, HW);
  if (d.optimizeForLatency !== undefined) c.optimizeForLatency = idl.boolean(d.optimizeForLatency);
  c.rotation = d.rotation === undefined ? 0 : idl.double(d.rotation, `${what}.rotation`);
  return c;
}

// "valid VideoDecoderConfig": null when valid, else the reason. The codec is empty after stripping
// ASCII whitespace (TAB, LF, FF, CR, SPACE), not String.prototype.trim's wider set: "\u00a0" is a valid,
// unrecognised codec string (supported: false).
const ASCII_WS = /^[\t\n\f\r ]+|[\t\n\f\r ]+$/g;
function invalidReason(c, what = 'VideoDecoderConfig') {
  if (c.codec.replace(ASCII_WS, '') === '') return `${what}.codec: must not be empty`;
  if ((c.codedWidth === undefined) !== (c.codedHeight === undefined)) return `${what}: codedWidth and codedHeight must be given together`;
  if (c.codedWidth === 0 || c.codedHeight === 0) return `${what}: codedWidth and codedHeight must not be 0`;
  if ((c.displayAspectWidth === undefined) !== (c.displayAspectHeight === undefined)) return `${what}: displayAspectWidth and displayAspectHeight must be given together`;
  if (c.displayAspectWidth === 0 || c.displayAspectHeight === 0) return `${what}: displayAspectWidth and displayAspectHeight must not be 0`;
  if (c.description !== undefined) {
    const buf = idl.underlyingBuffer(c.description);
    if (buf instanceof ArrayBuffer && idl.isDetached(buf)) return `${what}.description: the buffer is detached`;
  }
  return null;
}

// "Clone Configuration": recognised members that exist, deep-copied.
function cloneConfig(c) {
  const out = { codec: c.codec };
  if (c.description !== undefined) out.description = copyBufferSource(c.description);
  for (const k of ['codedWidth', 'codedHeight', 'displayAspectWidth', 'displayAspectHeight']) if (c[k] !== undefined) out[k] = c[k];
  if (c.colorSpace !== undefined) out.colorSpace = { ...c.colorSpace };
  out.hardwareAcceleration = c.hardwareAcceleration;
  if (c.optimizeForLatency !== undefined) out.optimizeForLatency = c.optimizeForLatency;
  out.rotation = c.rotation;
  out.flip = c.flip;
  return out;
}

// Sizes beyond the native int range are unsupported anyway (at most 16384): clamp, let the engine say no.
const nativeSize = (v) => Math.min(v ?? 0, 0x7fffffff);

function nativeConfig(c, description) {
  return {
    codec: c.codec,
    description,
    codedWidth: nativeSize(c.codedWidth),
    codedHeight: nativeSize(c.codedHeight),
    lowDelay: c.optimizeForLatency === true,
    threads: options.decoderThreads,
  };
}

class VideoDecoder extends EventTarget {
  #core;
  #config = null; // [[active decoder config]] (a clone)
  #description = null; // Uint8Array copy, for key-chunk inspection
  #keyRequired = true;
  #rotation = 0;
  #colorKey = null; // the colour description #colorSpace was made for
  #colorSpace = null;

  constructor(init) {
    super();
    this.#core = new CodecCore(this, 'VideoDecoder', init, arguments.length);
    this.#core.h = binding.decoderCreate(this, options.workerNice);
  }

  get state() { return this.#core.state; }
  get decodeQueueSize() { return this.#core.queueSize; }
  get ondequeue() { return this.#core.handler; }
  set ondequeue(v) { this.#core.setHandler(v); }

  // Non-standard: counters of the native worker, read without blocking.
  get stats() { return binding.codecStats(this.#core.h); }

  configure(config) {
    if (arguments.length < 1) throw new TypeError('VideoDecoder.configure: 1 argument required');
    const c = convertConfig(config);
    const why = invalidReason(c);
    if (why) throw new TypeError(why);
    const core = this.#core;
    if (core.state === 'closed') throw new DOMException('VideoDecoder.configure: the decoder is closed', 'InvalidStateError');
    const description = c.description === undefined ? null : new Uint8Array(idl.bufferSource(c.description, 'description'));
    binding.decoderConfigure(core.h, nativeConfig(c, description));
    // nothing above changed any state if it threw
    core.state = 'configured';
    this.#keyRequired = true;
    this.#config = cloneConfig(c);
    this.#description = description;
    this.#rotation = parseRotation(c.rotation);
    this.#colorKey = null;
  }

  decode(chunk) {
    if (arguments.length < 1) throw new TypeError('VideoDecoder.decode: 1 argument required');
    if (!(chunk instanceof EncodedVideoChunk)) throw idl.fail('VideoDecoder.decode chunk', 'expected an EncodedVideoChunk', chunk);
    const core = this.#core;
    core.requireConfigured('decode');
    const data = chunk[kData];
    if (this.#keyRequired) {
      if (chunk.type !== 'key') {
        throw new DOMException('VideoDecoder.decode: a key chunk is required after configure() or flush()', 'DataError');
      }
      if (isKeyChunk(this.#config.codec, data, this.#description) === false) {
        throw new DOMException(`VideoDecoder.decode: the chunk is marked "key" but its data is not a ${this.#config.codec} key frame` +
          (this.#config.codec.startsWith('avc') && !this.#description ? ' (length-prefixed "avc" H.264 needs the avcC in VideoDecoderConfig.description)' : ''),
        'DataError');
      }
      this.#keyRequired = false;
    }
    core.queueSize++;
    binding.decoderDecode(core.h, data, chunk.timestamp, chunk.duration ?? -1, chunk.type === 'key');
  }

  flush() {
    const p = this.#core.flush();
    if (this.#core.state === 'configured') this.#keyRequired = true;
    return p;
  }

  reset() {
    this.#core.reset(new DOMException('VideoDecoder.reset() was called', 'AbortError'));
  }

  close() {
    // "Close VideoDecoder" runs "Reset VideoDecoder", which throws InvalidStateError when already closed.
    this.#core.close(new DOMException('VideoDecoder.close() was called', 'AbortError'));
  }

  static isConfigSupported(config) {
    try {
      if (arguments.length < 1) throw new TypeError('VideoDecoder.isConfigSupported: 1 argument required');
      const c = convertConfig(config);
      const why = invalidReason(c);
      if (why) throw new TypeError(why);
      const clone = cloneConfig(c);
      const description = c.description === undefined ? null : new Uint8Array(idl.bufferSource(c.description, 'description'));
      return binding.decoderSupport(nativeConfig(c, description)).then((r) => ({ supported: r.supported, config: clone }));
    } catch (e) {
      return Promise.reject(e);
    }
  }

  [kEvent](type, arg) {
    this.#core.event(type, arg, (h) => [this.#makeFrame(h)], (args) => args[0].close());
  }

  // "Output VideoFrames" for one decoded frame; the facts are in the scratch array.
  #makeFrame(h) {
    const s = scratch;
    const c = this.#config;
    const visible = { x: s[S.VIS_X], y: s[S.VIS_Y], width: s[S.VIS_W], height: s[S.VIS_H] };
    let dw = visible.width;
    let dh = visible.height;
    const sarNum = s[S.SAR_NUM];
    const sarDen = s[S.SAR_DEN];
    if (sarNum > sarDen) dw = Math.round((dw * sarNum) / sarDen);
    else if (sarNum < sarDen) dh = Math.round((dh * sarDen) / sarNum);
    if (c.displayAspectWidth !== undefined) {
      // increase one side until the ratio is displayAspectWidth : displayAspectHeight
      const aw = c.displayAspectWidth;
      const ah = c.displayAspectHeight;
      if (dw * ah < dh * aw) dw = Math.round((dh * aw) / ah);
      else if (dw * ah > dh * aw) dh = Math.round((dw * ah) / aw);
    }
    if (this.#rotation === 90 || this.#rotation === 270) [dw, dh] = [dh, dw];
    const format = FORMATS[s[S.FORMAT]];
    // One (immutable) VideoColorSpace per distinct colour description, not one per frame.
    const key = `${s[S.FORMAT]},${s[S.COLOR_KNOWN]},${s[S.PRIMARIES]},${s[S.TRANSFER]},${s[S.MATRIX]},${s[S.FULL_RANGE]}`;
    if (key !== this.#colorKey) {
      // "Output VideoFrames" steps 4-5: the colour space the decoder detected, then the config's colorSpace over
      // it. The spec's text assigns the whole dictionary; like Chrome we override only the members it sets (a
      // null member says nothing), so `colorSpace: {}` keeps the in-band description and Mediabunny's
      // `{fullRange: false}` does not wipe a stream's matrix. A complete override is the same either way.
      let colorSpace;
      if (s[S.COLOR_KNOWN]) {
        colorSpace = {
          primaries: s[S.PRIMARIES] >= 0 ? PRIMARIES[s[S.PRIMARIES]] : null,
          transfer: s[S.TRANSFER] >= 0 ? TRANSFER[s[S.TRANSFER]] : null,
          matrix: s[S.MATRIX] >= 0 ? MATRIX[s[S.MATRIX]] : null,
          fullRange: s[S.FULL_RANGE] < 0 ? null : s[S.FULL_RANGE] === 1,
        };
      }
      const o = c.colorSpace;
      if (o !== undefined && COLOR_MEMBERS.some((k) => o[k] !== null)) {
        colorSpace = { ...(colorSpace ?? { primaries: null, transfer: null, matrix: null, fullRange: null }) };
        for (const k of COLOR_MEMBERS) if (o[k] !== null) colorSpace[k] = o[k];
      }
      this.#colorKey = key;
      this.#colorSpace = new VideoColorSpace(pickColorSpace(colorSpace, format));
    }
    return new VideoFrame(kInternal, {
      h,
      format,
      codedWidth: s[S.CODED_W],
      codedHeight: s[S.CODED_H],
      visible,
      displayWidth: dw,
      displayHeight: dh,
      timestamp: s[S.TIMESTAMP],
      duration: s[S.DURATION] < 0 ? null : s[S.DURATION],
      colorSpace: this.#colorSpace,
      rotation: this.#rotation,
      flip: c.flip,
      metadata: {},
    });
  }

  get [Symbol.toStringTag]() { return 'VideoDecoder'; }
}

module.exports = { VideoDecoder, convertConfig, invalidReason, cloneConfig };
