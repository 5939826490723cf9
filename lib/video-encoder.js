'use strict';
// VideoEncoder (WebCodecs "VideoEncoder Interface" and the AVC, HEVC, VP8, VP9
// and AV1 codec registrations). The spec's state machine lives here; encoding,
// pixel conversion and bitstream packaging happen on the codec's native worker.
const idl = require('./webidl');
const { binding, scratch } = require('./binding');
const { kEvent, kInternal, kHandle } = require('./symbols');
const { CodecCore } = require('./codec-core');
const { EncodedVideoChunk } = require('./encoded-video-chunk');
const { VideoFrame, FORMAT_INDEX } = require('./video-frame');
const { PRIMARIES, TRANSFER, MATRIX } = require('./video-color-space');
const options = require('./options');

const HW = ['no-preference', 'prefer-hardware', 'prefer-software'];
const ALPHA = ['keep', 'discard'];
const BITRATE_MODES = ['constant', 'variable', 'quantizer'];
const LATENCY = ['quality', 'realtime'];
const AVC_FORMATS = ['annexb', 'avc'];
const HEVC_FORMATS = ['annexb', 'hevc'];

// Scratch indices written by src/video/encoder.c for each output chunk.
const S = { TIMESTAMP: 0, DURATION: 1, KEY: 2, LAYER: 3 };

function convertConfig(config, what = 'VideoEncoderConfig') {
  const d = idl.dictionary(config, what);
  const c = {};
  c.alpha = d.alpha === undefined ? 'discard' : idl.enumeration(d.alpha, `${what}.alpha`, ALPHA);
  if (d.avc !== undefined) {
    const a = idl.dictionary(d.avc, `${what}.avc`);
    c.avc = { format: a.format === undefined ? 'avc' : idl.enumeration(a.format, `${what}.avc.format`, AVC_FORMATS) };
  }
  if (d.bitrate !== undefined) c.bitrate = idl.unsignedLongLong(d.bitrate, `${what}.bitrate`);
  c.bitrateMode = d.bitrateMode === undefined ? 'variable' : idl.enumeration(d.bitrateMode, `${what}.bitrateMode`, BITRATE_MODES);
  if (d.codec === undefined) throw new TypeError(`${what}.codec: required member is missing`);
  c.codec = idl.domString(d.codec, `${what}.codec`);
  if (d.contentHint !== undefined) c.contentHint = idl.domString(d.contentHint, `${what}.contentHint`);
  if (d.displayHeight !== undefined) c.displayHeight = idl.unsignedLong(d.displayHeight, `${what}.displayHeight`);
  if (d.displayWidth !== undefined) c.displayWidth = idl.unsignedLong(d.displayWidth, `${what}.displayWidth`);
  if (d.framerate !== undefined) c.framerate = idl.double(d.framerate, `${what}.framerate`);
  c.hardwareAcceleration = d.hardwareAcceleration === undefined ? 'no-preference'
    : idl.enumeration(d.hardwareAcceleration, `${what}.hardwareAcceleration`, HW);
  if (d.height === undefined) throw new TypeError(`${what}.height: required member is missing`);
  c.height = idl.unsignedLong(d.height, `${what}.height`);
  if (d.hevc !== undefined) {
    const h = idl.dictionary(d.hevc, `${what}.hevc`);
    c.hevc = { format: h.format === undefined ? 'hevc' : idl.enumeration(h.format, `${what}.hevc.format`, HEVC_FORMATS) };
  }
  c.latencyMode = d.latencyMode === undefined ? 'quality' : idl.enumeration(d.latencyMode, `${what}.latencyMode`, LATENCY);
  if (d.scalabilityMode !== undefined) c.scalabilityMode = idl.domString(d.scalabilityMode, `${what}.scalabilityMode`);
  if (d.width === undefined) throw new TypeError(`${what}.width: required member is missing`);
  c.width = idl.unsignedLong(d.width, `${what}.width`);
  return c;
}

// "valid VideoEncoderConfig": null when valid, else the reason (a TypeError).
// - codec: empty after stripping ASCII whitespace (TAB, LF, FF, CR, SPACE: the infra definition, not
//   String.prototype.trim, which also strips U+00A0, U+000B, U+2028, ...: such a codec string is valid
//   and merely unrecognised, so isConfigSupported resolves supported: false).
// - width/height 0; displayWidth/displayHeight 0 when present. Each display member on its own is valid
//   (the spec gives each a default; Chrome throws unless both are given, Firefox accepts).
// - bitrate 0 when present, except with bitrateMode "quantizer", where bitrate is not used: not in the
//   spec's steps yet (w3c/webcodecs#816), but WPT's video-encoder-config "bitrate is present but zero"
//   expects a TypeError and Chrome throws one in exactly these cases.
// A framerate of 0 or below is valid but not encodable: the engine reports it unsupported
// (src/video/encoder_params.c), as Chrome does.
const ASCII_WS = /^[\t\n\f\r ]+|[\t\n\f\r ]+$/g;
function invalidReason(c, what = 'VideoEncoderConfig') {
  if (c.codec.replace(ASCII_WS, '') === '') return `${what}.codec: must not be empty`;
  if (c.width === 0 || c.height === 0) return `${what}: width and height must not be 0 (got ${c.width}x${c.height})`;
  if (c.displayWidth === 0 || c.displayHeight === 0) return `${what}: displayWidth and displayHeight must not be 0`;
  if (c.bitrate === 0 && c.bitrateMode !== 'quantizer') return `${what}.bitrate: must be greater than 0 when present`;
  return null;
}

function cloneConfig(c) {
  const out = { codec: c.codec, width: c.width, height: c.height };
  for (const k of ['displayWidth', 'displayHeight', 'bitrate', 'framerate', 'scalabilityMode', 'contentHint']) if (c[k] !== undefined) out[k] = c[k];
  out.hardwareAcceleration = c.hardwareAcceleration;
  out.alpha = c.alpha;
  out.bitrateMode = c.bitrateMode;
  out.latencyMode = c.latencyMode;
  if (c.avc) out.avc = { ...c.avc };
  if (c.hevc) out.hevc = { ...c.hevc };
  return out;
}

// Temporal layers of a WebRTC-SVC scalability mode this library implements, or 0 for an unsupported one.
function temporalLayers(mode) {
  if (mode === undefined) return 1;
  const m = /^L1T([123])$/.exec(mode);
  return m ? Number(m[1]) : 0;
}

// Sizes beyond the native int range are unsupported anyway (at most 16384): clamp, let the engine say no.
const nativeSize = (v) => Math.min(v, 0x7fffffff);

function nativeConfig(c) {
  return {
    codec: c.codec,
    width: nativeSize(c.width),
    height: nativeSize(c.height),
    displayWidth: nativeSize(c.displayWidth ?? c.width),
    displayHeight: nativeSize(c.displayHeight ?? c.height),
    bitrate: c.bitrate ?? 0,
    // 0: absent (the engine picks its default); -1: given but not above 0, which the engine reports unsupported
    framerate: c.framerate === undefined ? 0 : c.framerate > 0 ? c.framerate : -1,
    bitrateMode: BITRATE_MODES.indexOf(c.bitrateMode),
    realtime: c.latencyMode === 'realtime',
    alpha: c.alpha === 'keep',
    temporalLayers: temporalLayers(c.scalabilityMode),
    scalabilityMode: c.scalabilityMode ?? '',
    annexb: c.codec.startsWith('avc') ? (c.avc?.format ?? 'avc') === 'annexb'
      : c.codec.startsWith('hev') || c.codec.startsWith('hvc') ? (c.hevc?.format ?? 'hevc') === 'annexb' : false,
    contentHint: c.contentHint ?? '',
    threads: options.encoderThreads,
  };
}

// Per-frame quantizer ranges of the codec registrations: AVC/HEVC 0-51 (QP); VP9/AV1 0-255, the
// quantizer index (w3c/webcodecs PR 915, November 2025; it was 0-63 before). The engine maps the
// index onto the 0-63 scale libvpx and libaom take (src/video/encoder_params.c).
const QUANTIZER = { avc: 51, hevc: 51, vp9: 255, av1: 255 };
function registrationOf(codec) {
  if (codec.startsWith('avc1') || codec.startsWith('avc3')) return 'avc';
  if (codec.startsWith('hvc1') || codec.startsWith('hev1')) return 'hevc';
  if (codec.startsWith('vp09')) return 'vp9';
  if (codec.startsWith('av01')) return 'av1';
  return null;
}

function convertEncodeOptions(o, what = 'VideoEncoderEncodeOptions') {
  const d = idl.dictionary(o, what);
  const out = { keyFrame: false, quantizer: {} };
  for (const reg of ['av1', 'avc', 'hevc']) {
    if (d[reg] !== undefined) {
      const r = idl.dictionary(d[reg], `${what}.${reg}`);
      if (r.quantizer !== undefined && r.quantizer !== null) out.quantizer[reg] = enforceUnsignedShort(r.quantizer, `${what}.${reg}.quantizer`);
    }
  }
  out.keyFrame = d.keyFrame === undefined ? false : idl.boolean(d.keyFrame);
  if (d.vp9 !== undefined) {
    const r = idl.dictionary(d.vp9, `${what}.vp9`);
    if (r.quantizer !== undefined && r.quantizer !== null) out.quantizer.vp9 = enforceUnsignedShort(r.quantizer, `${what}.vp9.quantizer`);
  }
  return out;
}

// unsigned short (no [EnforceRange]: WebIDL wraps modulo 2^16)
function enforceUnsignedShort(v, what) {
  if (typeof v === 'symbol' || typeof v === 'bigint') throw idl.fail(what, 'expected a number', v);
  const x = Number(v);
  if (!Number.isFinite(x)) return 0;
  return ((Math.trunc(x) % 65536) + 65536) % 65536;
}

function colorIndexes(cs) {
  return [
    cs.primaries === null ? -1 : PRIMARIES.indexOf(cs.primaries),
    cs.transfer === null ? -1 : TRANSFER.indexOf(cs.transfer),
    cs.matrix === null ? -1 : MATRIX.indexOf(cs.matrix),
    cs.fullRange === null ? -1 : cs.fullRange ? 1 : 0,
  ];
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
    } else if (x && typeof x === 'object') {
      if (!sameConfig(x, y)) return false;
    } else if (x !== y) {
      return false;
    }
  }
  return true;
}

class VideoEncoder extends EventTarget {
  #core;
  #config = null; // [[active encoder config]]
  #outputConfig = null; // [[active output config]]
  #registration = null;
  #orientation = null; // [rotation, flip] of the first frame after configure

  constructor(init) {
    super();
    this.#core = new CodecCore(this, 'VideoEncoder', init, arguments.length);
    this.#core.h = binding.encoderCreate(this, options.workerNice);
  }

  get state() { return this.#core.state; }
  get encodeQueueSize() { return this.#core.queueSize; }
  get ondequeue() { return this.#core.handler; }
  set ondequeue(v) { this.#core.setHandler(v); }

  // Non-standard: counters of the native worker, read without blocking.
  get stats() { return binding.codecStats(this.#core.h); }

  configure(config) {
    if (arguments.length < 1) throw new TypeError('VideoEncoder.configure: 1 argument required');
    const c = convertConfig(config);
    const why = invalidReason(c);
    if (why) throw new TypeError(why);
    const core = this.#core;
    if (core.state === 'closed') throw new DOMException('VideoEncoder.configure: the encoder is closed', 'InvalidStateError');
    binding.encoderConfigure(core.h, nativeConfig(c));
    // nothing above changed any state if it threw
    core.state = 'configured';
    this.#config = cloneConfig(c);
    this.#registration = registrationOf(c.codec);
    this.#orientation = null;
  }

  encode(frame, opts = {}) {
    if (arguments.length < 1) throw new TypeError('VideoEncoder.encode: 1 argument required');
    if (!(frame instanceof VideoFrame)) throw idl.fail('VideoEncoder.encode frame', 'expected a VideoFrame', frame);
    const o = convertEncodeOptions(opts);
    const f = frame[kHandle];
    if (!f) throw new TypeError('VideoEncoder.encode: the VideoFrame is closed');
    const core = this.#core;
    core.requireConfigured('encode');
    const reg = this.#registration;
    let quantizer = -1;
    if (this.#config.bitrateMode === 'quantizer' && reg && o.quantizer[reg] !== undefined) {
      quantizer = o.quantizer[reg];
      if (quantizer > QUANTIZER[reg]) {
        throw new TypeError(`VideoEncoderEncodeOptions.${reg}.quantizer: expected an integer in [0, ${QUANTIZER[reg]}], got ${quantizer}`);
      }
    }
    if (this.#orientation === null) {
      this.#orientation = [f.rotation, f.flip];
    } else if (this.#orientation[0] !== f.rotation || this.#orientation[1] !== f.flip) {
      throw new DOMException(`VideoEncoder.encode: the frame's orientation (rotation ${f.rotation}, flip ${f.flip}) differs from the ` +
        `first frame's (rotation ${this.#orientation[0]}, flip ${this.#orientation[1]}); configure() again to change it`, 'DataError');
    }
    const v = f.visible;
    core.queueSize++;
    binding.encoderEncode(core.h, f.h, f.keep, f.timestamp, f.duration ?? -1, o.keyFrame, quantizer,
      v.x, v.y, v.width, v.height, FORMAT_INDEX.get(f.format), colorIndexes(f.colorSpace));
  }

  flush() {
    return this.#core.flush();
  }

  reset() {
    this.#core.reset(new DOMException('VideoEncoder.reset() was called', 'AbortError'));
    this.#config = null;
    this.#outputConfig = null;
  }

  close() {
    this.#core.close(new DOMException('VideoEncoder.close() was called', 'AbortError'));
    this.#config = null;
    this.#outputConfig = null;
  }

  static isConfigSupported(config) {
    try {
      if (arguments.length < 1) throw new TypeError('VideoEncoder.isConfigSupported: 1 argument required');
      const c = convertConfig(config);
      const why = invalidReason(c);
      if (why) throw new TypeError(why);
      const clone = cloneConfig(c);
      return binding.encoderSupport(nativeConfig(c)).then((r) => ({ supported: r.supported, config: clone }));
    } catch (e) {
      return Promise.reject(e);
    }
  }

  [kEvent](type, arg) {
    this.#core.event(type, arg, (out) => this.#makeChunk(out), () => {});
  }

  // "Output EncodedVideoChunks" for one output: [chunk, metadata].
  #makeChunk(out) {
    const s = scratch;
    const chunk = new EncodedVideoChunk(kInternal, {
      type: s[S.KEY] ? 'key' : 'delta',
      timestamp: s[S.TIMESTAMP],
      duration: s[S.DURATION] < 0 ? null : s[S.DURATION],
      data: new Uint8Array(out.data),
    });
    const metadata = {};
    if (out.config) {
      const oc = out.config;
      const decoderConfig = {
        codec: oc.codec,
        codedWidth: oc.codedWidth,
        codedHeight: oc.codedHeight,
        displayAspectWidth: oc.displayAspectWidth,
        displayAspectHeight: oc.displayAspectHeight,
        colorSpace: oc.colorSpace,
        hardwareAcceleration: 'no-preference',
        rotation: this.#orientation ? this.#orientation[0] : 0,
        flip: this.#orientation ? this.#orientation[1] : false,
      };
      if (oc.description) decoderConfig.description = oc.description;
      if (!sameConfig(decoderConfig, this.#outputConfig)) {
        this.#outputConfig = decoderConfig;
        metadata.decoderConfig = { ...decoderConfig, colorSpace: { ...decoderConfig.colorSpace } };
        if (decoderConfig.description) metadata.decoderConfig.description = decoderConfig.description.slice(0);
      }
    }
    if (s[S.LAYER] >= 0) metadata.svc = { temporalLayerId: s[S.LAYER] };
    if (out.alpha) metadata.alphaSideData = out.alpha;
    return [chunk, metadata];
  }

  get [Symbol.toStringTag]() { return 'VideoEncoder'; }
}

module.exports = { VideoEncoder, convertConfig, invalidReason, cloneConfig, temporalLayers };
