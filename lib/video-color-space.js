'use strict';
// VideoColorSpace (WebCodecs "VideoColorSpace Interface").
const idl = require('./webidl');
const { colorTables } = require('./binding');

const PRIMARIES = colorTables.primaries; // bt709, bt470bg, smpte170m, bt2020, smpte432
const TRANSFER = colorTables.transfer; // bt709, smpte170m, iec61966-2-1, linear, pq, hlg
const MATRIX = colorTables.matrix; // rgb, bt709, bt470bg, smpte170m, bt2020-ncl

function nullableEnum(v, what, values) {
  if (v === undefined || v === null) return null;
  return idl.enumeration(v, what, values);
}

// VideoColorSpaceInit -> plain {primaries, transfer, matrix, fullRange} (members null when absent).
function convertInit(init, what = 'VideoColorSpaceInit') {
  const d = idl.dictionary(init, what);
  const fullRange = d.fullRange;
  const matrix = d.matrix;
  const primaries = d.primaries;
  const transfer = d.transfer;
  return {
    fullRange: fullRange === undefined || fullRange === null ? null : idl.boolean(fullRange),
    matrix: nullableEnum(matrix, `${what}.matrix`, MATRIX),
    primaries: nullableEnum(primaries, `${what}.primaries`, PRIMARIES),
    transfer: nullableEnum(transfer, `${what}.transfer`, TRANSFER),
  };
}

class VideoColorSpace {
  #primaries;
  #transfer;
  #matrix;
  #fullRange;

  constructor(init = {}) {
    const c = convertInit(init);
    this.#primaries = c.primaries;
    this.#transfer = c.transfer;
    this.#matrix = c.matrix;
    this.#fullRange = c.fullRange;
  }

  get primaries() { return this.#primaries; }
  get transfer() { return this.#transfer; }
  get matrix() { return this.#matrix; }
  get fullRange() { return this.#fullRange; }

  toJSON() {
    return { primaries: this.#primaries, transfer: this.#transfer, matrix: this.#matrix, fullRange: this.#fullRange };
  }

  get [Symbol.toStringTag]() { return 'VideoColorSpace'; }
}

const SRGB = Object.freeze({ primaries: 'bt709', transfer: 'iec61966-2-1', matrix: 'rgb', fullRange: true });
const REC709 = Object.freeze({ primaries: 'bt709', transfer: 'bt709', matrix: 'bt709', fullRange: false });

module.exports = { VideoColorSpace, convertInit, PRIMARIES, TRANSFER, MATRIX, SRGB, REC709 };
