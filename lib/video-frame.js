'use strict';
// VideoFrame (WebCodecs "VideoFrame Interface"). Pixels live in a native,
// reference-counted AVFrame (lib/binding: frame*); this file owns the spec's
// state: format, sizes, rectangles, timing, colour space, orientation, metadata.
const idl = require('./webidl');
const { binding, pixelFormats } = require('./binding');
const { kInternal, kHandle } = require('./symbols');
const { DOMRectReadOnly } = require('./dom-rect');
const { VideoColorSpace, convertInit: convertColorSpaceInit, MATRIX, SRGB, REC709 } = require('./video-color-space');

const FORMATS = pixelFormats; // index = native enum wc_pixfmt
const FORMAT_INDEX = new Map(FORMATS.map((name, i) => [name, i]));
const RGB_FORMATS = ['RGBA', 'RGBX', 'BGRA', 'BGRX'];
const OPAQUE = {
  I420A: 'I420', I420AP10: 'I420P10', I420AP12: 'I420P12',
  I422A: 'I422', I422AP10: 'I422P10', I422AP12: 'I422P12',
  I444A: 'I444', I444AP10: 'I444P10', I444AP12: 'I444P12',
  RGBA: 'RGBX', BGRA: 'BGRX',
};
const opaqueFormat = (f) => (f && OPAQUE[f]) || f;
const ASYNC_COPY_BYTES = 512 * 1024; // copyTo() of more runs on the thread pool
const isRgb = (f) => RGB_FORMATS.includes(f);

// Chroma sub-sampling of plane 1 (what "Verify Rect Offset Alignment" needs: the largest factors).
function subsampling(format) {
  if (!format || isRgb(format)) return [1, 1];
  if (format === 'NV12' || format.startsWith('I420')) return [2, 2];
  if (format.startsWith('I422')) return [2, 1];
  return [1, 1];
}

// ---------------------------------------------------------------- orientation

// "Parse Rotation": the nearest multiple of 90 (ties towards +infinity), in [0, 360).
function parseRotation(r) {
  const aligned = Math.floor(r / 90 + 0.5) * 90;
  const full = Math.floor(aligned / 360) * 360;
  return aligned - full + 0; // + 0: no -0
}

// "Add Rotations": rotation applied after an existing orientation.
function addRotations(baseRotation, baseFlip, rotation) {
  const combined = baseFlip ? baseRotation - rotation : baseRotation + rotation;
  return parseRotation(combined - Math.floor(combined / 360) * 360);
}

// ---------------------------------------------------------------- conversions

function convertRectInit(v, what) {
  const d = idl.dictionary(v, what);
  const r = {
    height: d.height === undefined ? 0 : idl.unrestrictedDouble(d.height, `${what}.height`),
    width: d.width === undefined ? 0 : idl.unrestrictedDouble(d.width, `${what}.width`),
    x: d.x === undefined ? 0 : idl.unrestrictedDouble(d.x, `${what}.x`),
    y: d.y === undefined ? 0 : idl.unrestrictedDouble(d.y, `${what}.y`),
  };
  return r;
}

function checkRectFinite(r, what) {
  for (const k of ['x', 'y', 'width', 'height']) {
    if (!Number.isFinite(r[k]) || r[k] < 0) throw idl.fail(`${what}.${k}`, 'expected a finite, non-negative number', r[k]);
  }
}

// Truncated rect (pixels are addressed by integers) as native arguments.
function truncRect(r) {
  return { x: Math.trunc(r.x), y: Math.trunc(r.y), width: Math.trunc(r.width), height: Math.trunc(r.height) };
}

function convertPlaneLayout(v, what) {
  const d = idl.dictionary(v, what);
  const offset = d.offset;
  if (offset === undefined) throw new TypeError(`${what}.offset: required member is missing`);
  const o = idl.unsignedLong(offset, `${what}.offset`);
  const stride = d.stride;
  if (stride === undefined) throw new TypeError(`${what}.stride: required member is missing`);
  return { offset: o, stride: idl.unsignedLong(stride, `${what}.stride`) };
}

function convertLayout(v, what) {
  if (v === undefined) return undefined;
  return idl.sequence(v, what, convertPlaneLayout);
}

// VideoFrameMetadata: the members of the VideoFrame Metadata Registry.
function convertMetadata(v, what) {
  const d = idl.dictionary(v, what);
  const out = {};
  if (d.rtpTimestamp !== undefined) out.rtpTimestamp = idl.unsignedLong(d.rtpTimestamp, `${what}.rtpTimestamp`);
  return out;
}

const copyMetadata = (m) => structuredClone(m);

// ---------------------------------------------------------------- VideoFrame

class VideoFrame {
  #h = null; // native handle; null once closed
  #keep = null; // ArrayBuffer whose memory the pixels are (transfer), kept alive with the frame
  #format = null;
  #codedWidth = 0;
  #codedHeight = 0;
  #visible = null; // {x, y, width, height}
  #displayWidth = 0;
  #displayHeight = 0;
  #timestamp = 0;
  #duration = null;
  #colorSpace = null;
  #rotation = 0;
  #flip = false;
  #metadata = {};

  constructor(source, init) {
    if (source === kInternal) {
      this.#assign(init);
      return;
    }
    if (arguments.length < 1) throw new TypeError('VideoFrame: 1 argument required');
    if (source instanceof VideoFrame) {
      this.#fromFrame(source, init);
    } else if (source instanceof ArrayBuffer || ArrayBuffer.isView(source) ||
               (typeof SharedArrayBuffer !== 'undefined' && source instanceof SharedArrayBuffer)) {
      if (arguments.length < 2) throw new TypeError('VideoFrame: a VideoFrameBufferInit is required with a buffer');
      this.#fromBuffer(source, init);
    } else {
      throw new TypeError('VideoFrame: expected a VideoFrame or an ArrayBuffer/ArrayBufferView with a VideoFrameBufferInit; ' +
        'image sources (HTMLImageElement, HTMLVideoElement, canvas, ImageBitmap) do not exist in Node.js');
    }
  }

  #assign(o) {
    this.#h = o.h;
    this.#keep = o.keep ?? null;
    this.#format = o.format;
    this.#codedWidth = o.codedWidth;
    this.#codedHeight = o.codedHeight;
    this.#visible = o.visible;
    this.#displayWidth = o.displayWidth;
    this.#displayHeight = o.displayHeight;
    this.#timestamp = o.timestamp;
    this.#duration = o.duration;
    this.#colorSpace = o.colorSpace instanceof VideoColorSpace ? o.colorSpace : new VideoColorSpace(o.colorSpace);
    this.#rotation = o.rotation ?? 0;
    this.#flip = o.flip ?? false;
    this.#metadata = o.metadata ?? {};
  }

  #fromBuffer(data, init) {
    const W = 'VideoFrameBufferInit';
    const d = idl.dictionary(init, W);
    // WebIDL reads members in lexicographic order.
    const codedHeightV = d.codedHeight;
    if (codedHeightV === undefined) throw new TypeError(`${W}.codedHeight: required member is missing`);
    const codedHeight = idl.unsignedLong(codedHeightV, `${W}.codedHeight`);
    const codedWidthV = d.codedWidth;
    if (codedWidthV === undefined) throw new TypeError(`${W}.codedWidth: required member is missing`);
    const codedWidth = idl.unsignedLong(codedWidthV, `${W}.codedWidth`);
    const colorSpaceV = d.colorSpace;
    const colorSpace = colorSpaceV === undefined ? undefined : convertColorSpaceInit(colorSpaceV, `${W}.colorSpace`);
    const displayHeight = d.displayHeight === undefined ? undefined : idl.unsignedLong(d.displayHeight, `${W}.displayHeight`);
    const displayWidth = d.displayWidth === undefined ? undefined : idl.unsignedLong(d.displayWidth, `${W}.displayWidth`);
    const duration = d.duration === undefined ? null : idl.unsignedLongLong(d.duration, `${W}.duration`);
    const flip = d.flip === undefined ? false : idl.boolean(d.flip);
    const formatV = d.format;
    if (formatV === undefined) throw new TypeError(`${W}.format: required member is missing`);
    const format = idl.enumeration(formatV, `${W}.format`, FORMATS);
    const layout = convertLayout(d.layout, `${W}.layout`);
    const metadata = d.metadata === undefined ? {} : convertMetadata(d.metadata, `${W}.metadata`);
    const rotation = d.rotation === undefined ? 0 : idl.double(d.rotation, `${W}.rotation`);
    const timestampV = d.timestamp;
    if (timestampV === undefined) throw new TypeError(`${W}.timestamp: required member is missing`);
    const timestamp = idl.longLong(timestampV, `${W}.timestamp`);
    const transfer = d.transfer === undefined ? [] : idl.sequence(d.transfer, `${W}.transfer`, (x, w) => {
      if (!(x instanceof ArrayBuffer)) throw idl.fail(w, 'expected an ArrayBuffer', x);
      return x;
    });
    const visibleRectInit = d.visibleRect === undefined ? undefined : convertRectInit(d.visibleRect, `${W}.visibleRect`);
    const bytes = idl.bufferSource(data, 'VideoFrame data');

    // "valid VideoFrameBufferInit"
    if (codedWidth === 0 || codedHeight === 0) {
      throw new TypeError(`${W}: codedWidth and codedHeight must not be 0 (got ${codedWidth}x${codedHeight})`);
    }
    if (visibleRectInit) {
      checkRectFinite(visibleRectInit, `${W}.visibleRect`);
      if (visibleRectInit.y + visibleRectInit.height > codedHeight) {
        throw new TypeError(`${W}.visibleRect: y + height (${visibleRectInit.y + visibleRectInit.height}) exceeds codedHeight (${codedHeight})`);
      }
      if (visibleRectInit.x + visibleRectInit.width > codedWidth) {
        throw new TypeError(`${W}.visibleRect: x + width (${visibleRectInit.x + visibleRectInit.width}) exceeds codedWidth (${codedWidth})`);
      }
    }
    if ((displayWidth === undefined) !== (displayHeight === undefined)) {
      throw new TypeError(`${W}: displayWidth and displayHeight must be given together`);
    }
    if (displayWidth === 0 || displayHeight === 0) {
      throw new TypeError(`${W}: displayWidth and displayHeight must not be 0`);
    }
    if (codedWidth > 16384 || codedHeight > 16384) {
      throw new TypeError(`${W}: codedWidth and codedHeight must be at most 16384 (got ${codedWidth}x${codedHeight})`);
    }
    // "Parse Visible Rect", then "Compute Layout and Allocation Size" over the coded size: data is laid out for
    // the whole coded frame (the size check too), as in Chrome, Firefox and Safari (w3c/webcodecs issue 702).
    const rect = visibleRectInit ? truncRect(visibleRectInit) : { x: 0, y: 0, width: codedWidth, height: codedHeight };
    const fmt = FORMAT_INDEX.get(format);
    layoutOrThrow(W, 'visibleRect', () => binding.frameLayout(fmt, codedWidth, codedHeight, rect.x, rect.y, rect.width, rect.height, null));
    const computed = layoutOrThrow(W, 'visibleRect', () => binding.frameLayout(fmt, codedWidth, codedHeight, 0, 0, codedWidth, codedHeight, layout ?? null));
    if (bytes.byteLength < computed[0]) {
      throw new TypeError(`VideoFrame: data is ${bytes.byteLength} bytes, ${format} ${codedWidth}x${codedHeight} with this layout needs ${computed[0]}`);
    }
    if (new Set(transfer).size !== transfer.length) {
      throw new DOMException(`${W}.transfer: the same ArrayBuffer is listed more than once`, 'DataCloneError');
    }
    for (const ab of transfer) {
      if (idl.isDetached(ab)) throw new DOMException(`${W}.transfer: an ArrayBuffer is already detached`, 'DataCloneError');
    }

    // The frame is the visible rect alone (as Chrome makes it; the spec allows it): its coded size is the rect's and
    // its visibleRect starts at (0, 0). A copy of the rect, or, when data's buffer is transferred, its planes in place.
    const buf = idl.underlyingBuffer(data);
    let h;
    let keep = null;
    if (transfer.includes(buf)) {
      const { byteOffset, byteLength } = bytes; // read before the buffer is detached
      keep = idl.transferBuffer(buf);
      h = binding.frameFromBuffer(fmt, codedWidth, codedHeight, new Uint8Array(keep, byteOffset, byteLength),
        rect.x, rect.y, rect.width, rect.height, layout ?? null, true);
    } else {
      h = binding.frameFromBuffer(fmt, codedWidth, codedHeight, bytes, rect.x, rect.y, rect.width, rect.height, layout ?? null, false);
    }
    for (const ab of transfer) if (!idl.isDetached(ab)) idl.transferBuffer(ab);

    const rot = parseRotation(rotation);
    let dw = displayWidth;
    let dh = displayHeight;
    if (dw === undefined) {
      [dw, dh] = rot === 90 || rot === 270 ? [rect.height, rect.width] : [rect.width, rect.height];
    }
    this.#assign({
      h, keep, format, codedWidth: rect.width, codedHeight: rect.height,
      visible: { x: 0, y: 0, width: rect.width, height: rect.height },
      displayWidth: dw, displayHeight: dh,
      timestamp, duration,
      colorSpace: pickColorSpace(colorSpace, format),
      rotation: rot, flip,
      metadata: copyMetadata(metadata),
    });
  }

  #fromFrame(other, init) {
    const W = 'VideoFrameInit';
    const d = idl.dictionary(init, W);
    const alpha = d.alpha === undefined ? 'keep' : idl.enumeration(d.alpha, `${W}.alpha`, ['keep', 'discard']);
    const displayHeight = d.displayHeight === undefined ? undefined : idl.unsignedLong(d.displayHeight, `${W}.displayHeight`);
    const displayWidth = d.displayWidth === undefined ? undefined : idl.unsignedLong(d.displayWidth, `${W}.displayWidth`);
    // VideoFrameInit's duration and timestamp have no [EnforceRange] (unlike VideoFrameBufferInit's)
    const duration = d.duration === undefined ? undefined : idl.unsignedLongLongWrap(d.duration, `${W}.duration`);
    const flip = d.flip === undefined ? false : idl.boolean(d.flip);
    const metadata = d.metadata === undefined ? {} : convertMetadata(d.metadata, `${W}.metadata`);
    const rotation = d.rotation === undefined ? 0 : idl.double(d.rotation, `${W}.rotation`);
    const timestamp = d.timestamp === undefined ? undefined : idl.longLongWrap(d.timestamp, `${W}.timestamp`);
    const visibleRectInit = d.visibleRect === undefined ? undefined : convertRectInit(d.visibleRect, `${W}.visibleRect`);

    const o = other.#snapshot();
    if (!o) throw new DOMException('VideoFrame: the source VideoFrame is closed', 'InvalidStateError');
    const format = alpha === 'discard' ? opaqueFormat(o.format) : o.format;
    // "Validate VideoFrameInit"
    if (visibleRectInit) {
      checkRectFinite(visibleRectInit, `${W}.visibleRect`);
      const [sw, sh] = subsampling(format);
      if (Math.trunc(visibleRectInit.x) % sw !== 0 || Math.trunc(visibleRectInit.y) % sh !== 0) {
        throw new TypeError(`${W}.visibleRect: x and y must be multiples of the ${format} sub-sampling (${sw}x${sh})`);
      }
      if (visibleRectInit.width === 0 || visibleRectInit.height === 0) throw new TypeError(`${W}.visibleRect: width and height must not be 0`);
      if (visibleRectInit.y + visibleRectInit.height > o.codedHeight) throw new TypeError(`${W}.visibleRect: y + height exceeds codedHeight (${o.codedHeight})`);
      if (visibleRectInit.x + visibleRectInit.width > o.codedWidth) throw new TypeError(`${W}.visibleRect: x + width exceeds codedWidth (${o.codedWidth})`);
    }
    if ((displayWidth === undefined) !== (displayHeight === undefined)) throw new TypeError(`${W}: displayWidth and displayHeight must be given together`);
    if (displayWidth === 0 || displayHeight === 0) throw new TypeError(`${W}: displayWidth and displayHeight must not be 0`);

    const visible = visibleRectInit ? truncRect(visibleRectInit) : { ...o.visible };
    const newRotation = addRotations(o.rotation, o.flip, parseRotation(rotation));
    let dw = displayWidth;
    let dh = displayHeight;
    if (dw === undefined) {
      // "Initialize Visible Rect and Display Size", with the source's display size taken before its rotation.
      const swapped = o.rotation === 90 || o.rotation === 270;
      const baseW = swapped ? o.displayHeight : o.displayWidth;
      const baseH = swapped ? o.displayWidth : o.displayHeight;
      dw = Math.round(visible.width * (baseW / o.visible.width));
      dh = Math.round(visible.height * (baseH / o.visible.height));
      if (newRotation === 90 || newRotation === 270) [dw, dh] = [dh, dw];
    }
    this.#assign({
      h: binding.frameClone(o.h, FORMAT_INDEX.get(format)),
      keep: o.keep,
      format,
      codedWidth: o.codedWidth,
      codedHeight: o.codedHeight,
      visible,
      displayWidth: dw,
      displayHeight: dh,
      timestamp: timestamp === undefined ? o.timestamp : timestamp,
      duration: duration === undefined ? o.duration : duration,
      colorSpace: o.colorSpace,
      rotation: newRotation,
      flip: o.flip !== flip,
      metadata: copyMetadata(metadata),
    });
  }

  #snapshot() {
    if (!this.#h) return null;
    return {
      h: this.#h, keep: this.#keep, format: this.#format, codedWidth: this.#codedWidth, codedHeight: this.#codedHeight,
      visible: this.#visible, displayWidth: this.#displayWidth, displayHeight: this.#displayHeight,
      timestamp: this.#timestamp, duration: this.#duration, colorSpace: this.#colorSpace,
      rotation: this.#rotation, flip: this.#flip, metadata: this.#metadata,
    };
  }

  get format() { return this.#format; }
  get codedWidth() { return this.#codedWidth; }
  get codedHeight() { return this.#codedHeight; }
  get codedRect() { return this.#h ? new DOMRectReadOnly(0, 0, this.#codedWidth, this.#codedHeight) : null; }
  get visibleRect() {
    const v = this.#visible;
    return this.#h ? new DOMRectReadOnly(v.x, v.y, v.width, v.height) : null;
  }
  get rotation() { return this.#rotation; }
  get flip() { return this.#flip; }
  get displayWidth() { return this.#displayWidth; }
  get displayHeight() { return this.#displayHeight; }
  get duration() { return this.#duration; }
  get timestamp() { return this.#timestamp; }
  get colorSpace() { return this.#colorSpace; }

  metadata() {
    if (!this.#h) throw new DOMException('VideoFrame.metadata: the frame is closed', 'InvalidStateError');
    return copyMetadata(this.#metadata);
  }

  // "Parse VideoFrameCopyToOptions": {fmt, targetFormat, rect, layout, allocationSize, convert}.
  #parseCopyOptions(options, what) {
    if (!this.#h) throw new DOMException(`VideoFrame.${what}: the frame is closed`, 'InvalidStateError');
    if (this.#format === null) throw new DOMException(`VideoFrame.${what}: the frame's pixel format is not a VideoPixelFormat`, 'NotSupportedError');
    const W = 'VideoFrameCopyToOptions';
    const d = idl.dictionary(options, W);
    const colorSpace = d.colorSpace === undefined ? 'srgb' : idl.enumeration(d.colorSpace, `${W}.colorSpace`, ['srgb', 'display-p3']);
    const formatV = d.format === undefined ? undefined : idl.enumeration(d.format, `${W}.format`, FORMATS);
    const layout = convertLayout(d.layout, `${W}.layout`);
    const rectInit = d.rect === undefined ? undefined : convertRectInit(d.rect, `${W}.rect`);
    const targetFormat = formatV ?? this.#format;
    const convert = targetFormat !== this.#format;
    if (convert && !isRgb(targetFormat)) {
      throw new DOMException(`VideoFrame.${what}: conversion from ${this.#format} to ${targetFormat} is not supported (only to RGBA, RGBX, BGRA, BGRX)`, 'NotSupportedError');
    }
    if (convert && colorSpace !== 'srgb') {
      throw new DOMException(`VideoFrame.${what}: conversion to the "${colorSpace}" colour space is not supported (only "srgb")`, 'NotSupportedError');
    }
    let rect = this.#visible;
    if (rectInit) {
      checkRectFinite(rectInit, `${W}.rect`);
      rect = truncRect(rectInit);
    }
    const fmt = FORMAT_INDEX.get(this.#format);
    // Validates the rect against the frame (alignment per the frame's own format) and the layout.
    const computed = layoutOrThrow(W, 'rect', () => binding.frameLayout(fmt, this.#codedWidth, this.#codedHeight, rect.x, rect.y,
      rect.width, rect.height, convert ? null : (layout ?? null)));
    let allocationSize = computed[0];
    if (convert) {
      const rgb = layoutOrThrow(W, 'rect', () => binding.frameLayout(FORMAT_INDEX.get(targetFormat), rect.width, rect.height, 0, 0,
        rect.width, rect.height, layout ?? null));
      allocationSize = rgb[0];
    }
    return { rect, layout: layout ?? null, allocationSize, convert, targetFormat };
  }

  allocationSize(options = {}) {
    return this.#parseCopyOptions(options, 'allocationSize').allocationSize;
  }

  copyTo(destination, options = {}) {
    // A promise-returning operation: every exception becomes a rejection.
    try {
      if (arguments.length < 1) throw new TypeError('VideoFrame.copyTo: 1 argument required');
      const dst = idl.bufferSource(destination, 'VideoFrame.copyTo destination');
      const p = this.#parseCopyOptions(options, 'copyTo');
      if (dst.byteLength < p.allocationSize) {
        throw new TypeError(`VideoFrame.copyTo: destination is ${dst.byteLength} bytes, ${p.allocationSize} are needed`);
      }
      const { rect } = p;
      if (!p.convert) {
        // A plain copy: small ones here (resolved at once), large ones on the thread pool, so that a
        // consumer copying every decoded 1080p frame does not hold the event loop for each memcpy.
        if (p.allocationSize < ASYNC_COPY_BYTES) {
          return Promise.resolve(toPlaneLayouts(binding.frameCopyTo(this.#h, dst, rect.x, rect.y, rect.width, rect.height, p.layout, false, null)));
        }
        return binding.frameCopyTo(this.#h, dst, rect.x, rect.y, rect.width, rect.height, p.layout, true, this.#keep).then(toPlaneLayouts);
      }
      const cs = this.#colorSpace;
      const matrix = cs.matrix === null ? -1 : MATRIX.indexOf(cs.matrix);
      return binding.frameConvert(this.#h, this.#keep, dst, rect.x, rect.y, rect.width, rect.height, p.layout,
        FORMAT_INDEX.get(p.targetFormat), matrix, cs.fullRange === true).then(toPlaneLayouts);
    } catch (e) {
      return Promise.reject(e);
    }
  }

  clone() {
    const o = this.#snapshot();
    if (!o) throw new DOMException('VideoFrame.clone: the frame is closed', 'InvalidStateError');
    return new VideoFrame(kInternal, { ...o, h: binding.frameClone(o.h, -1) });
  }

  // "Close VideoFrame": format null, coded/visible/display sizes 0, a new metadata. The colour space becomes a
  // new VideoColorSpace with every member null and rotation/flip their defaults, as in Chrome and the WPT
  // ("Test closed VideoFrame"); timestamp and duration are kept.
  close() {
    if (!this.#h) return;
    binding.frameClose(this.#h);
    this.#h = null;
    this.#keep = null;
    this.#format = null;
    this.#codedWidth = this.#codedHeight = 0;
    this.#visible = null;
    this.#displayWidth = this.#displayHeight = 0;
    this.#colorSpace = new VideoColorSpace();
    this.#rotation = 0;
    this.#flip = false;
    this.#metadata = {};
  }

  // For the encoder: {h, keep, format, ...} of an open frame, or null.
  get [kHandle]() { return this.#snapshot(); }
  get [Symbol.toStringTag]() { return 'VideoFrame'; }
}

// The native layout arithmetic says "rect: ..." or "layout...: ..."; name the dictionary member.
function layoutOrThrow(dict, rectMember, fn) {
  try {
    return fn();
  } catch (e) {
    if (!(e instanceof TypeError)) throw e;
    throw new TypeError(e.message.replace(/^rect:/, `${dict}.${rectMember}:`).replace(/^layout/, `${dict}.layout`));
  }
}

function toPlaneLayouts(flat) {
  const out = [];
  for (let i = 0; i < flat.length; i += 2) out.push({ offset: flat[i], stride: flat[i + 1] });
  return out;
}

// "Pick Color Space"
function pickColorSpace(override, format) {
  if (override) return override;
  return isRgb(format) ? { ...SRGB } : { ...REC709 };
}

module.exports = { VideoFrame, FORMATS, FORMAT_INDEX, pickColorSpace, parseRotation, opaqueFormat, isRgb };
