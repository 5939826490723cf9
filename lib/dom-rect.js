'use strict';
// DOMRectReadOnly (Geometry Interfaces), for Node versions that lack it.
const idl = require('./webidl');

class DOMRectReadOnly {
  #x;
  #y;
  #width;
  #height;

  constructor(x = 0, y = 0, width = 0, height = 0) {
    this.#x = idl.unrestrictedDouble(x, 'DOMRectReadOnly.x');
    this.#y = idl.unrestrictedDouble(y, 'DOMRectReadOnly.y');
    this.#width = idl.unrestrictedDouble(width, 'DOMRectReadOnly.width');
    this.#height = idl.unrestrictedDouble(height, 'DOMRectReadOnly.height');
  }

  static fromRect(other) {
    const d = idl.dictionary(other, 'DOMRectInit');
    return new DOMRectReadOnly(d.x ?? 0, d.y ?? 0, d.width ?? 0, d.height ?? 0);
  }

  get x() { return this.#x; }
  get y() { return this.#y; }
  get width() { return this.#width; }
  get height() { return this.#height; }
  get top() { return nanSafeMin(this.#y, this.#y + this.#height); }
  get right() { return nanSafeMax(this.#x, this.#x + this.#width); }
  get bottom() { return nanSafeMax(this.#y, this.#y + this.#height); }
  get left() { return nanSafeMin(this.#x, this.#x + this.#width); }

  toJSON() {
    return { x: this.x, y: this.y, width: this.width, height: this.height, top: this.top, right: this.right, bottom: this.bottom, left: this.left };
  }

  get [Symbol.toStringTag]() { return 'DOMRectReadOnly'; }
}

function nanSafeMin(a, b) { return Number.isNaN(a) || Number.isNaN(b) ? NaN : Math.min(a, b); }
function nanSafeMax(a, b) { return Number.isNaN(a) || Number.isNaN(b) ? NaN : Math.max(a, b); }

module.exports = { DOMRectReadOnly: globalThis.DOMRectReadOnly || DOMRectReadOnly, OwnDOMRectReadOnly: DOMRectReadOnly };
