'use strict';
// ImageDecoder, ImageTrackList, ImageTrack (WebCodecs "Image Decoding"). This file owns the
// spec's state: [[type]], [[complete]] and its promise, the track list and selection, the pending
// decode promises, reset and close. Parsing and decoding run on the decoder's native worker thread
// (src/image/image_decoder.c): bytes (a BufferSource, or a ReadableStream's chunks as they are
// read) go there in order, and its answers come back as tasks, in order.
//
// Where the spec text and browsers differ, this follows what the web platform tests check:
// decode() called before the tracks are established waits for them (the algorithm's "Wait for
// [[tracks established]]"); it rejects with InvalidStateError only once tracks exist and none is
// selected (step 2 read literally would reject every decode() made right after construction).
const idl = require('./webidl');
const { binding, scratch, EVENT, colorTables } = require('./binding');
const { kEvent, kInternal } = require('./symbols');
const { VideoFrame, FORMATS, pickColorSpace } = require('./video-frame');
const { VideoColorSpace } = require('./video-color-space');
const options = require('./options');

// Scratch indices written by src/image/image_decoder.c (img_output_js).
const S = {
  KIND: 0, ID: 1, FORMAT: 2, CODED_W: 3, CODED_H: 4, TIMESTAMP: 5, DURATION: 6, COMPLETE: 7, ROTATION: 8, FLIP: 9,
  PRIMARIES: 10, TRANSFER: 11, MATRIX: 12, FULL_RANGE: 13, TRACK_COUNT: 14, SELECTED: 15,
  TRACKS: 16, // then per track: animated, frame count, repetition count
};
const KIND = { TRACKS: 1, FRAMES: 2, RESULT: 3, REJECT: 4 };

// ---------------------------------------------------------------- MIME types

// RFC 9110 media-type: type "/" subtype *( OWS ";" OWS [ parameter ] ), tokens and quoted strings.
const TOKEN = "[!#$%&'*+\\-.^_`|~0-9A-Za-z]+";
const MIME = new RegExp(`^(${TOKEN})/(${TOKEN})((?:[ \\t]*;[ \\t]*(?:${TOKEN}=(?:${TOKEN}|"(?:[^"\\\\]|\\\\.)*"))?)*)$`);

// "valid image MIME type": the essence (lower case) or null.
function imageEssence(type) {
  const m = MIME.exec(type);
  if (!m || m[1].toLowerCase() !== 'image') return null;
  return `image/${m[2].toLowerCase()}`;
}

// ---------------------------------------------------------------- helpers

function deferred() {
  const d = { settled: false };
  d.promise = new Promise((resolve, reject) => {
    d.resolve = (v) => {
      if (d.settled) return;
      d.settled = true;
      resolve(v);
    };
    d.reject = (e) => {
      if (d.settled) return;
      d.settled = true;
      reject(e);
    };
  });
  // Rejections of the decoder's own promises (completed, tracks.ready) are the author's to observe
  // or not: never an unhandled rejection (which would end a Node process).
  d.promise.catch(() => {});
  return d;
}

function isReadableStream(v) {
  if (typeof globalThis.ReadableStream === 'function' && v instanceof globalThis.ReadableStream) return true;
  try {
    // eslint-disable-next-line global-require
    const web = require('node:stream/web');
    if (v instanceof web.ReadableStream) return true;
  } catch { /* not Node */ }
  return false;
}

function streamDisturbed(stream) {
  try {
    // eslint-disable-next-line global-require
    const { isDisturbed } = require('node:stream');
    return typeof isDisturbed === 'function' ? isDisturbed(stream) : false;
  } catch {
    return false;
  }
}

// ImageDecoderInit (members in lexicographic order) -> plain object; TypeErrors as WebIDL has them.
function convertInit(init) {
  const W = 'ImageDecoderInit';
  if (init === undefined || init === null || (typeof init !== 'object' && typeof init !== 'function')) {
    throw idl.fail(W, 'expected an object (dictionary)', init);
  }
  const colorSpaceConversion = init.colorSpaceConversion === undefined
    ? 'default' : idl.enumeration(init.colorSpaceConversion, `${W}.colorSpaceConversion`, ['none', 'default']);
  const dataV = init.data;
  if (dataV === undefined) throw new TypeError(`${W}.data: required member is missing`);
  let data;
  let stream = null;
  if (dataV instanceof ArrayBuffer || ArrayBuffer.isView(dataV) || Object.prototype.toString.call(dataV) === '[object SharedArrayBuffer]') {
    // ImageBufferSource is (AllowSharedBufferSource or ReadableStream): shared memory is accepted (and copied)
    data = idl.bufferSource(dataV, `${W}.data`, true);
  } else if (isReadableStream(dataV)) {
    stream = dataV;
  } else {
    throw idl.fail(`${W}.data`, 'expected an ArrayBuffer, SharedArrayBuffer, ArrayBufferView or ReadableStream', dataV);
  }
  const desiredHeight = init.desiredHeight === undefined ? undefined : idl.unsignedLong(init.desiredHeight, `${W}.desiredHeight`);
  const desiredWidth = init.desiredWidth === undefined ? undefined : idl.unsignedLong(init.desiredWidth, `${W}.desiredWidth`);
  const preferAnimation = init.preferAnimation === undefined ? null : idl.boolean(init.preferAnimation);
  const transfer = init.transfer === undefined ? [] : idl.sequence(init.transfer, `${W}.transfer`, (x, w) => {
    if (!(x instanceof ArrayBuffer)) throw idl.fail(w, 'expected an ArrayBuffer', x);
    return x;
  });
  const typeV = init.type;
  if (typeV === undefined) throw new TypeError(`${W}.type: required member is missing`);
  const type = idl.domString(typeV, `${W}.type`);
  return { colorSpaceConversion, data, dataValue: dataV, stream, desiredHeight, desiredWidth, preferAnimation, transfer, type };
}

// "valid ImageDecoderInit": null, or why not.
function invalidReason(c) {
  const W = 'ImageDecoderInit';
  if (imageEssence(c.type) === null) return `${W}.type: "${c.type}" is not a valid image MIME type`;
  if (c.stream) {
    if (c.stream.locked) return `${W}.data: the ReadableStream is locked`;
    if (streamDisturbed(c.stream)) return `${W}.data: the ReadableStream has already been read from`;
  } else {
    const buf = idl.underlyingBuffer(c.dataValue);
    if (buf instanceof ArrayBuffer && idl.isDetached(buf)) return `${W}.data: the buffer is detached`;
    if (c.data.byteLength === 0) return `${W}.data: is empty`;
  }
  if ((c.desiredWidth === undefined) !== (c.desiredHeight === undefined)) {
    return `${W}: desiredWidth and desiredHeight must be given together`;
  }
  return null;
}

// ---------------------------------------------------------------- ImageTrack / ImageTrackList

class ImageTrack {
  #ctl; // {closed(), select(track, value)}
  #animated;
  #frameCount;
  #repetitionCount;
  #selected = false;

  constructor(token, ctl, animated, frameCount, repetitionCount) {
    if (token !== kInternal) throw new TypeError('Illegal constructor');
    this.#ctl = ctl;
    this.#animated = animated;
    this.#frameCount = frameCount;
    this.#repetitionCount = repetitionCount;
  }

  get animated() { return this.#animated; }
  get frameCount() { return this.#frameCount; }
  get repetitionCount() { return this.#repetitionCount; }
  get selected() { return this.#selected; }

  set selected(value) {
    const v = idl.boolean(value);
    if (this.#ctl.closed()) return;
    if (v === this.#selected) return;
    this.#ctl.select(this, v);
  }

  // lib-internal
  setSelected(token, v) { if (token === kInternal) this.#selected = v; }
  setFrameCount(token, n) { if (token === kInternal) this.#frameCount = n; }

  get [Symbol.toStringTag]() { return 'ImageTrack'; }
}

class ImageTrackList {
  #tracks = [];
  #selectedIndex = -1;
  #ready = deferred();

  constructor(token) {
    if (token !== kInternal) throw new TypeError('Illegal constructor');
  }

  get ready() { return this.#ready.promise; }
  get length() { return this.#tracks.length; }
  get selectedIndex() { return this.#selectedIndex; }
  get selectedTrack() { return this.#selectedIndex === -1 ? null : this.#tracks[this.#selectedIndex]; }

  // lib-internal: the track list's slots, and its indexed properties (WebIDL "getter ImageTrack (unsigned long index)").
  setTracks(token, tracks, selectedIndex) {
    if (token !== kInternal) return;
    for (let i = 0; i < this.#tracks.length; i++) delete this[i];
    this.#tracks = tracks;
    this.#selectedIndex = selectedIndex;
    for (let i = 0; i < tracks.length; i++) {
      Object.defineProperty(this, i, { get: () => this.#tracks[i], enumerable: true, configurable: true });
    }
  }

  setSelectedIndex(token, i) { if (token === kInternal) this.#selectedIndex = i; }
  trackIndex(token, t) { return token === kInternal ? this.#tracks.indexOf(t) : -1; }
  trackAt(token, i) { return token === kInternal ? this.#tracks[i] : undefined; }
  readyDeferred(token) { return token === kInternal ? this.#ready : null; }

  get [Symbol.toStringTag]() { return 'ImageTrackList'; }
}

// ---------------------------------------------------------------- ImageDecoder

class ImageDecoder {
  #type;
  #complete = false;
  #completed = deferred();
  #tracks = new ImageTrackList(kInternal);
  #tracksEstablished = false;
  #closed = false;
  #preferAnimation;
  #pending = new Map(); // request id -> deferred ("[[pending decode promises]]")
  #nextId = 0;
  #h = null; // native handle (null when the type is not supported)
  #reader = null;
  #colorKey = '';
  #colorSpace = null;

  constructor(init) {
    if (arguments.length < 1) throw new TypeError('ImageDecoder: 1 argument required (an ImageDecoderInit)');
    const c = convertInit(init);
    const why = invalidReason(c);
    if (why) throw new TypeError(why);
    const transfer = idl.transferList(c.transfer, 'ImageDecoderInit.transfer');
    this.#type = c.type;
    this.#preferAnimation = c.preferAnimation;
    const essence = imageEssence(c.type);
    const supported = binding.imageTypeSupported(essence);
    if (supported) {
      // "configure the image decoder": desiredWidth/desiredHeight and colorSpaceConversion go to the decoder
      // ("default": an embedded ICC profile is converted to sRGB, as browsers draw the image; "none": ignored).
      // [[prefer animation]] goes to the worker, which runs "Get Default Selected Track Index" as it establishes
      // the tracks (decode() calls made before then are answered from the track it selects).
      const prefer = c.preferAnimation === null ? -1 : c.preferAnimation ? 1 : 0;
      this.#h = binding.imageDecoderCreate(this, options.workerNice, essence, c.desiredWidth ?? 0, c.desiredHeight ?? 0, prefer,
        c.colorSpaceConversion === 'default');
    }
    if (c.stream) {
      if (!supported) this.#close(new DOMException(`ImageDecoder: the type "${c.type}" is not supported`, 'NotSupportedError'));
      this.#reader = c.stream.getReader();
      if (this.#closed) {
        this.#reader.cancel().catch(() => {});
      } else {
        this.#pump(this.#reader);
      }
    } else {
      this.#complete = true;
      this.#completed.resolve();
      if (!supported) {
        this.#close(new DOMException(`ImageDecoder: the type "${c.type}" is not supported`, 'NotSupportedError'));
      } else {
        const buf = idl.underlyingBuffer(c.dataValue);
        if (buf instanceof ArrayBuffer && transfer.includes(buf)) {
          // [[encoded data]] references the transferred bytes: the worker reads them in place.
          const { byteOffset, byteLength } = c.data;
          const owned = idl.transferBuffer(buf);
          binding.imageDecoderData(this.#h, new Uint8Array(owned, byteOffset, byteLength), true);
        } else {
          binding.imageDecoderData(this.#h, c.data, false); // copied
        }
        binding.imageDecoderEnd(this.#h); // "decode track metadata" with the whole data
      }
    }
    for (const ab of transfer) if (!idl.isDetached(ab)) idl.transferBuffer(ab);
  }

  get type() { return this.#type; }
  get complete() { return this.#complete; }
  get completed() { return this.#completed.promise; }
  get tracks() { return this.#tracks; }

  decode(opts) {
    try {
      if (this.#closed) throw new DOMException('ImageDecoder.decode: the decoder is closed', 'InvalidStateError');
      if (this.#tracksEstablished && this.#tracks.selectedIndex === -1) {
        throw new DOMException('ImageDecoder.decode: no track is selected', 'InvalidStateError');
      }
      const W = 'ImageDecodeOptions';
      const d = idl.dictionary(opts, W);
      const completeFramesOnly = d.completeFramesOnly === undefined ? true : idl.boolean(d.completeFramesOnly);
      const frameIndex = d.frameIndex === undefined ? 0 : idl.unsignedLong(d.frameIndex, `${W}.frameIndex`);
      const p = deferred();
      const id = ++this.#nextId;
      this.#pending.set(id, p);
      binding.imageDecoderDecode(this.#h, id, frameIndex, completeFramesOnly);
      return p.promise;
    } catch (e) {
      return Promise.reject(e);
    }
  }

  reset() {
    this.#reset(new DOMException('ImageDecoder.reset() was called', 'AbortError'));
  }

  close() {
    if (this.#closed) return;
    this.#close(new DOMException('ImageDecoder.close() was called', 'AbortError'));
  }

  static isTypeSupported(type) {
    try {
      if (arguments.length < 1) throw new TypeError('ImageDecoder.isTypeSupported: 1 argument required');
      const t = idl.domString(type, 'type');
      const essence = imageEssence(t);
      if (essence === null) throw new TypeError(`ImageDecoder.isTypeSupported: "${t}" is not a valid image MIME type`);
      // "In parallel, resolve p": the answer comes in a task of its own.
      return new Promise((resolve) => setImmediate(() => resolve(binding.imageTypeSupported(essence))));
    } catch (e) {
      return Promise.reject(e);
    }
  }

  // "Reset ImageDecoder"
  #reset(exception) {
    if (this.#h && !this.#closed) binding.imageDecoderAbort(this.#h);
    const pending = [...this.#pending.values()];
    this.#pending.clear();
    for (const p of pending) p.reject(exception);
  }

  // "Close ImageDecoder"
  #close(exception) {
    this.#reset(exception);
    this.#closed = true;
    if (this.#h) binding.codecClose(this.#h);
    this.#tracks.setTracks(kInternal, [], -1);
    // Promises nobody can wait for any more settle with the reason (Chrome does the same).
    this.#tracks.readyDeferred(kInternal).reject(exception);
    this.#completed.reject(exception);
    if (this.#reader) this.#reader.cancel().catch(() => {});
  }

  // "Fetch Stream Data Loop"
  async #pump(reader) {
    for (;;) {
      let r;
      try {
        r = await reader.read();
      } catch (e) {
        if (!this.#closed) {
          this.#close(new DOMException(`ImageDecoder: the data stream failed: ${e && e.message ? e.message : e}`, 'NotReadableError'));
        }
        return;
      }
      if (this.#closed) return;
      if (r.done) {
        this.#complete = true;
        this.#completed.resolve();
        binding.imageDecoderEnd(this.#h);
        return;
      }
      if (!(r.value instanceof Uint8Array)) {
        this.#close(new DOMException('ImageDecoder: the data stream gave a chunk that is not a Uint8Array', 'DataError'));
        return;
      }
      binding.imageDecoderData(this.#h, r.value, false);
    }
  }

  #select(track, value) {
    const list = this.#tracks;
    track.setSelected(kInternal, value);
    const old = list.selectedIndex;
    if (old !== -1 && list.trackAt(kInternal, old) !== track) list.trackAt(kInternal, old).setSelected(kInternal, false);
    const index = value ? list.trackIndex(kInternal, track) : -1;
    list.setSelectedIndex(kInternal, index);
    this.#reset(new DOMException('ImageDecoder: the selected track changed', 'AbortError'));
    binding.imageDecoderSelect(this.#h, index);
  }

  // "Establish Tracks" (its queued task) with what the worker found; it ran "Get Default Selected Track
  // Index" (the primary track, unless preferAnimation asks for the other kind).
  #establish(s) {
    const ctl = { closed: () => this.#closed, select: (t, v) => this.#select(t, v) };
    const tracks = [];
    for (let i = 0; i < s[S.TRACK_COUNT]; i++) {
      const o = S.TRACKS + 3 * i;
      tracks.push(new ImageTrack(kInternal, ctl, s[o] === 1, s[o + 1], s[o + 2]));
    }
    const selected = s[S.SELECTED];
    if (selected >= 0) tracks[selected].setSelected(kInternal, true);
    this.#tracksEstablished = true;
    this.#tracks.setTracks(kInternal, tracks, selected);
    this.#tracks.readyDeferred(kInternal).resolve();
  }

  [kEvent](type, arg) {
    if (this.#closed) {
      if (type === EVENT.OUTPUT && scratch[S.KIND] === KIND.RESULT) binding.frameClose(arg);
      return;
    }
    if (type === EVENT.ERROR) {
      this.#close(arg);
      return;
    }
    if (type !== EVENT.OUTPUT) return;
    const s = scratch;
    switch (s[S.KIND]) {
      case KIND.TRACKS:
        this.#establish(s);
        break;
      case KIND.FRAMES: {
        // "Update Tracks"
        for (let i = 0; i < s[S.TRACK_COUNT]; i++) {
          const t = this.#tracks.trackAt(kInternal, i);
          const n = s[S.TRACKS + 3 * i + 1];
          if (t && n > t.frameCount) t.setFrameCount(kInternal, n);
        }
        break;
      }
      case KIND.RESULT: {
        const id = s[S.ID];
        const p = this.#pending.get(id);
        const image = this.#makeFrame(arg);
        const complete = s[S.COMPLETE] === 1;
        if (!p) {
          image.close(); // its promise was rejected by reset()
          break;
        }
        this.#pending.delete(id);
        p.resolve({ image, complete });
        break;
      }
      case KIND.REJECT: {
        const p = this.#pending.get(s[S.ID]);
        if (p) {
          this.#pending.delete(s[S.ID]);
          p.reject(arg);
        }
        break;
      }
      default:
        break;
    }
  }

  // "Create a VideoFrame" with the decoded output, its timestamp, duration and orientation.
  #makeFrame(h) {
    const s = scratch;
    const format = FORMATS[s[S.FORMAT]];
    const w = s[S.CODED_W];
    const hgt = s[S.CODED_H];
    const rotation = s[S.ROTATION];
    const key = `${s[S.FORMAT]},${s[S.PRIMARIES]},${s[S.TRANSFER]},${s[S.MATRIX]},${s[S.FULL_RANGE]}`;
    if (key !== this.#colorKey) {
      this.#colorKey = key;
      this.#colorSpace = new VideoColorSpace(pickColorSpace({
        primaries: s[S.PRIMARIES] >= 0 ? colorTables.primaries[s[S.PRIMARIES]] : null,
        transfer: s[S.TRANSFER] >= 0 ? colorTables.transfer[s[S.TRANSFER]] : null,
        matrix: s[S.MATRIX] >= 0 ? colorTables.matrix[s[S.MATRIX]] : null,
        fullRange: s[S.FULL_RANGE] < 0 ? null : s[S.FULL_RANGE] === 1,
      }, format));
    }
    const swap = rotation === 90 || rotation === 270;
    return new VideoFrame(kInternal, {
      h,
      format,
      codedWidth: w,
      codedHeight: hgt,
      visible: { x: 0, y: 0, width: w, height: hgt },
      displayWidth: swap ? hgt : w,
      displayHeight: swap ? w : hgt,
      timestamp: s[S.TIMESTAMP],
      duration: s[S.DURATION] < 0 ? null : s[S.DURATION],
      colorSpace: this.#colorSpace,
      rotation,
      flip: s[S.FLIP] === 1,
    });
  }

  get [Symbol.toStringTag]() { return 'ImageDecoder'; }
}

module.exports = { ImageDecoder, ImageTrackList, ImageTrack, imageEssence };
