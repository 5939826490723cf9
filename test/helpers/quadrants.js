'use strict';
// Frames whose picture is four flat quadrants of known RGB colours, in any
// VideoPixelFormat and colour space, and the colour checks made on decoded
// frames: the mean RGB of each quadrant's inner half (away from edges, where
// scaling, chroma sub-sampling and lossy coding blur colours) against the
// source's colour.
const wc = require('../..');

// Kr, Kb of each matrix the tests use.
const MATRIX_K = {
  bt709: [0.2126, 0.0722],
  smpte170m: [0.299, 0.114],
  bt470bg: [0.299, 0.114],
  'bt2020-ncl': [0.2627, 0.0593],
};

const clamp8 = (v) => Math.max(0, Math.min(255, Math.round(v)));

// R'G'B' (0-255) -> Y'CbCr code values with the matrix and range given.
function rgbToYuv([r, g, b], matrix = 'bt709', fullRange = false) {
  const [kr, kb] = MATRIX_K[matrix];
  const R = r / 255;
  const G = g / 255;
  const B = b / 255;
  const y = kr * R + (1 - kr - kb) * G + kb * B;
  const cb = (B - y) / (2 * (1 - kb));
  const cr = (R - y) / (2 * (1 - kr));
  if (fullRange) return [clamp8(y * 255), clamp8(128 + cb * 255), clamp8(128 + cr * 255)];
  return [clamp8(16 + y * 219), clamp8(128 + cb * 224), clamp8(128 + cr * 224)];
}

// The inverse, unclamped (to tell how far a misread colour lands from the true one).
function yuvToRgb([Y, U, V], matrix = 'bt709', fullRange = false) {
  const [kr, kb] = MATRIX_K[matrix];
  const y = fullRange ? Y / 255 : (Y - 16) / 219;
  const cb = fullRange ? (U - 128) / 255 : (U - 128) / 224;
  const cr = fullRange ? (V - 128) / 255 : (V - 128) / 224;
  const r = y + 2 * (1 - kr) * cr;
  const b = y + 2 * (1 - kb) * cb;
  const g = (y - kr * r - kb * b) / (1 - kr - kb);
  return [r * 255, g * 255, b * 255];
}

// Quadrant index (0 top-left, 1 top-right, 2 bottom-left, 3 bottom-right) of pixel (x, y) in a w x h picture.
const quadrantOf = (x, y, w, h) => (y >= h / 2 ? 2 : 0) + (x >= w / 2 ? 1 : 0);

const RGB_ORDER = { RGBA: [0, 1, 2], RGBX: [0, 1, 2], BGRA: [2, 1, 0], BGRX: [2, 1, 0] };

/*
 * A w x h VideoFrame in `format` whose picture is colours[q] in quadrant q (inside `rect`, which defaults to
 * the whole frame; outside it the picture is `outside`, a colour the encoder must never show).
 * YUV formats are written with cs.matrix / cs.fullRange and the frame carries that colour space.
 */
function quadrantFrame(format, w, h, colours, { cs = { primaries: 'bt709', transfer: 'bt709', matrix: 'bt709', fullRange: false },
  timestamp = 0, rect = { x: 0, y: 0, width: w, height: h }, outside = [0, 255, 0] } = {}) {
  const colourAt = (x, y) => {
    if (x < rect.x || y < rect.y || x >= rect.x + rect.width || y >= rect.y + rect.height) return outside;
    return colours[quadrantOf(x - rect.x, y - rect.y, rect.width, rect.height)];
  };
  let data;
  let colorSpace = cs;
  if (RGB_ORDER[format]) {
    const o = RGB_ORDER[format];
    data = new Uint8Array(w * h * 4);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const c = colourAt(x, y);
        const p = (y * w + x) * 4;
        data[p + o[0]] = c[0];
        data[p + o[1]] = c[1];
        data[p + o[2]] = c[2];
        data[p + 3] = format.endsWith('X') ? 0x55 : 255; // X bytes are padding: an encoder must ignore them
      }
    }
    colorSpace = { primaries: 'bt709', transfer: 'iec61966-2-1', matrix: 'rgb', fullRange: true };
  } else {
    const yuv = (x, y) => rgbToYuv(colourAt(x, y), cs.matrix, cs.fullRange);
    const [sw, sh] = format === 'NV12' || format.startsWith('I420') ? [2, 2] : format.startsWith('I422') ? [2, 1] : [1, 1];
    const cw = Math.ceil(w / sw);
    const ch = Math.ceil(h / sh);
    const Y = new Uint8Array(w * h);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) Y[y * w + x] = yuv(x, y)[0];
    const U = new Uint8Array(cw * ch);
    const V = new Uint8Array(cw * ch);
    for (let y = 0; y < ch; y++) {
      for (let x = 0; x < cw; x++) {
        const s = yuv(x * sw, y * sh); // the picture is flat inside each sub-sampled block
        U[y * cw + x] = s[1];
        V[y * cw + x] = s[2];
      }
    }
    const parts = [Y];
    if (format === 'NV12') {
      const uv = new Uint8Array(cw * ch * 2);
      for (let i = 0; i < cw * ch; i++) { uv[2 * i] = U[i]; uv[2 * i + 1] = V[i]; }
      parts.push(uv);
    } else {
      parts.push(U, V);
    }
    if (format.includes('A')) parts.push(new Uint8Array(w * h).fill(255));
    data = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let off = 0;
    for (const p of parts) { data.set(p, off); off += p.length; }
  }
  return new wc.VideoFrame(data, { format, codedWidth: w, codedHeight: h, timestamp, duration: 33333, colorSpace });
}

// Mean RGB of each quadrant's inner half of a w x h RGBA picture.
function quadrantMeans(rgba, w, h) {
  const out = [];
  for (let q = 0; q < 4; q++) {
    const x0 = (q & 1) * (w / 2) + w / 8;
    const y0 = (q >> 1) * (h / 2) + h / 8;
    const sum = [0, 0, 0];
    let n = 0;
    for (let y = Math.round(y0); y < Math.round(y0 + h / 4); y++) {
      for (let x = Math.round(x0); x < Math.round(x0 + w / 4); x++) {
        const p = (y * w + x) * 4;
        sum[0] += rgba[p]; sum[1] += rgba[p + 1]; sum[2] += rgba[p + 2];
        n++;
      }
    }
    out.push(sum.map((s) => s / n));
  }
  return out;
}

// Largest channel difference between two RGB triples.
const colourDistance = (a, b) => Math.max(...a.map((v, i) => Math.abs(v - b[i])));

// RGBA pixels of a decoded frame's visible rectangle (converted with the frame's own colour space).
async function frameRgba(frame) {
  const buf = new Uint8Array(frame.allocationSize({ format: 'RGBA' }));
  await frame.copyTo(buf, { format: 'RGBA' });
  return { rgba: buf, w: frame.visibleRect.width, h: frame.visibleRect.height };
}

module.exports = { rgbToYuv, yuvToRgb, quadrantFrame, quadrantMeans, colourDistance, frameRgba, MATRIX_K };
