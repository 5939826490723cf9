'use strict';
// WebIDL conversions used by the WebCodecs interfaces (https://webidl.spec.whatwg.org/#es-type-mapping).
// Every failure is a TypeError whose message names the member and the rule, e.g.
//   "VideoDecoderConfig.codedWidth: expected an integer in [0, 4294967295], got -1".

function describe(v) {
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}...` : v);
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'symbol') return v.toString();
  if (v === null) return 'null';
  if (typeof v === 'function') return 'a function';
  if (typeof v === 'object') return Array.isArray(v) ? 'an array' : `an object (${Object.prototype.toString.call(v).slice(8, -1)})`;
  return String(v);
}

function fail(what, rule, v) {
  return new TypeError(`${what}: ${rule}, got ${describe(v)}`);
}

function toNumber(v, what) {
  if (typeof v === 'number') return v;
  if (typeof v === 'symbol' || typeof v === 'bigint') throw fail(what, 'expected a number', v);
  return Number(v);
}

// [EnforceRange] integer types.
function enforceRange(v, what, lo, hi) {
  const x = toNumber(v, what);
  if (!Number.isFinite(x)) throw fail(what, `expected an integer in [${lo}, ${hi}]`, v);
  const t = Math.trunc(x);
  if (t < lo || t > hi) throw fail(what, `expected an integer in [${lo}, ${hi}]`, v);
  return t === 0 ? 0 : t; // no -0
}

const MAX_SAFE = Number.MAX_SAFE_INTEGER;
const unsignedLong = (v, what) => enforceRange(v, what, 0, 0xffffffff);
const longLong = (v, what) => enforceRange(v, what, -MAX_SAFE, MAX_SAFE);
const unsignedLongLong = (v, what) => enforceRange(v, what, 0, MAX_SAFE);

// Integer types without [EnforceRange] (WebIDL ConvertToInt): NaN and infinities become 0,
// other values are truncated and wrapped modulo 2^64 (exact up to 2^53, as doubles are).
function wrapInt64(v, what, signed) {
  const x = toNumber(v, what);
  if (!Number.isFinite(x)) return 0;
  let t = Math.trunc(x);
  const m = 2 ** 64;
  if (signed ? t < -(2 ** 63) || t >= 2 ** 63 : t < 0 || t >= m) {
    t %= m; // now in (-2^64, 2^64)
    if (signed) {
      if (t >= 2 ** 63) t -= m;
      else if (t < -(2 ** 63)) t += m;
    } else if (t < 0) {
      t += m;
    }
  }
  return t === 0 ? 0 : t;
}
const longLongWrap = (v, what) => wrapInt64(v, what, true);
const unsignedLongLongWrap = (v, what) => wrapInt64(v, what, false);

function double(v, what) {
  const x = toNumber(v, what);
  if (!Number.isFinite(x)) throw fail(what, 'expected a finite number', v);
  return x;
}

function unrestrictedDouble(v, what) {
  return toNumber(v, what);
}

function boolean(v) {
  return !!v;
}

function domString(v, what) {
  if (typeof v === 'string') return v;
  if (typeof v === 'symbol') throw fail(what, 'expected a string', v);
  return String(v);
}

function enumeration(v, what, values) {
  const s = domString(v, what);
  if (!values.includes(s)) throw fail(what, `expected one of ${values.map((x) => `"${x}"`).join(', ')}`, v);
  return s;
}

function callback(v, what) {
  if (typeof v !== 'function') throw fail(what, 'expected a function', v);
  return v;
}

// A dictionary argument: undefined/null give {} (all members absent); other non-objects throw.
function dictionary(v, what) {
  if (v === undefined || v === null) return {};
  if (typeof v !== 'object' && typeof v !== 'function') throw fail(what, 'expected an object (dictionary)', v);
  return v;
}

function isArrayBufferView(v) {
  return ArrayBuffer.isView(v);
}

function isSharedArrayBuffer(v) {
  return typeof SharedArrayBuffer !== 'undefined' && v instanceof SharedArrayBuffer;
}

// AllowSharedBufferSource / BufferSource: returns a Uint8Array view of the same memory.
function bufferSource(v, what, allowShared = true) {
  if (v instanceof ArrayBuffer) return new Uint8Array(v);
  if (allowShared && isSharedArrayBuffer(v)) return new Uint8Array(v);
  if (isArrayBufferView(v)) {
    if (!allowShared && isSharedArrayBuffer(v.buffer)) throw fail(what, 'expected a BufferSource not backed by a SharedArrayBuffer', v);
    return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
  }
  throw fail(what, `expected an ArrayBuffer${allowShared ? ', SharedArrayBuffer' : ''} or ArrayBufferView`, v);
}

// The ArrayBuffer (or SharedArrayBuffer) behind a buffer source value.
function underlyingBuffer(v) {
  if (v instanceof ArrayBuffer || isSharedArrayBuffer(v)) return v;
  if (isArrayBufferView(v)) return v.buffer;
  return null;
}

function sequence(v, what, each) {
  if (v === null || (typeof v !== 'object' && typeof v !== 'function') || typeof v[Symbol.iterator] !== 'function') {
    throw fail(what, 'expected a sequence (an iterable object)', v);
  }
  const out = [];
  let i = 0;
  for (const x of v) out.push(each(x, `${what}[${i++}]`));
  return out;
}

// Whether an ArrayBuffer is detached (byteLength 0 alone does not tell).
function isDetached(ab) {
  if (typeof ab.detached === 'boolean') return ab.detached;
  if (ab.byteLength !== 0) return false;
  try {
    // eslint-disable-next-line no-new
    new Uint8Array(ab);
    return false;
  } catch {
    return true;
  }
}

// Detaches ab and returns a new ArrayBuffer owning the same memory (no copy).
function transferBuffer(ab) {
  if (typeof ab.transfer === 'function') return ab.transfer();
  return structuredClone(ab, { transfer: [ab] });
}

// sequence<ArrayBuffer> transfer member: TypeError for non-ArrayBuffers, DataCloneError for duplicates/detached.
function transferList(v, what) {
  if (v === undefined) return [];
  const list = sequence(v, what, (x, w) => {
    if (!(x instanceof ArrayBuffer)) throw fail(w, 'expected an ArrayBuffer', x);
    return x;
  });
  if (new Set(list).size !== list.length) {
    throw new DOMException(`${what}: the same ArrayBuffer is listed more than once`, 'DataCloneError');
  }
  for (const ab of list) {
    if (isDetached(ab)) throw new DOMException(`${what}: an ArrayBuffer is already detached`, 'DataCloneError');
  }
  return list;
}

module.exports = {
  fail,
  unsignedLong,
  longLong,
  unsignedLongLong,
  longLongWrap,
  unsignedLongLongWrap,
  double,
  unrestrictedDouble,
  boolean,
  domString,
  enumeration,
  callback,
  dictionary,
  bufferSource,
  underlyingBuffer,
  sequence,
  isDetached,
  transferBuffer,
  transferList,
};
