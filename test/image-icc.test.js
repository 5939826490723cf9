'use strict';
// colorSpaceConversion and embedded ICC profiles (PNG iCCP, JPEG APP2, WebP ICCP, AVIF colr 'prof'):
// "default" converts the picture to sRGB (as browsers draw it) and the frame says sRGB; "none" keeps the
// stored values and the frame's own format. Expected colours are computed here from the profiles' own
// definitions (test/fixtures/image/make.js writes them: a linear one with sRGB colorants, and one with
// Display P3 colorants and gamma 2.2), not taken from the decoder.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const { ImageDecoder } = require('..');
const { ICC_COLORANTS, ICC_PATCHES } = require('./fixtures/image/make');
const { typeOf, rgba, pixel, near, make } = require('./helpers/image');

const SRGB = { primaries: 'bt709', transfer: 'iec61966-2-1', matrix: 'rgb', fullRange: true };
const encode = (v) => {
  const c = Math.min(1, Math.max(0, v));
  return Math.round(255 * (c <= 0.0031308 ? 12.92 * c : 1.055 * c ** (1 / 2.4) - 0.055));
};
// row-major 3x3 matrices; a profile's colorants are the columns of its RGB -> XYZ matrix
const fromColorants = (c) => [0, 1, 2].map((i) => [c[0][i], c[1][i], c[2][i]]);
const apply = (m, v) => m.map((row) => row[0] * v[0] + row[1] * v[1] + row[2] * v[2]);
function inverse(m) {
  const [[a, b, c], [d, e, f], [g, h, k]] = m;
  const det = a * (e * k - f * h) - b * (d * k - f * g) + c * (d * h - e * g);
  return [[e * k - f * h, c * h - b * k, b * f - c * e], [f * g - d * k, a * k - c * g, c * d - a * f],
    [d * h - e * g, b * g - a * h, a * e - b * d]].map((row) => row.map((v) => v / det));
}
// a stored colour under a matrix/gamma profile, as sRGB: linearise, to XYZ (D50), to linear sRGB, encode
function toSrgb(rgb, colorants, gamma) {
  const xyz = apply(fromColorants(colorants), rgb.map((v) => (v / 255) ** gamma));
  return [...apply(inverse(fromColorants(ICC_COLORANTS.srgb)), xyz).map(encode), 255];
}

async function decodeWith(name, colorSpaceConversion) {
  const d = new ImageDecoder({ data: fs.readFileSync(make(name)), type: typeOf(name), colorSpaceConversion });
  const { image } = await d.decode();
  const px = await rgba(image);
  const r = { format: image.format, colorSpace: image.colorSpace.toJSON(), patches: [[10, 10], [50, 10], [10, 40], [50, 40]].map(([x, y]) => pixel(px, 64, x, y)) };
  image.close();
  d.close();
  return r;
}

// name -> [tolerance, format with "none"]
const LINEAR = { 'icc-linear.png': [1, 'RGBX'], 'icc-linear.jpg': [3, 'I444'], 'icc-linear.webp': [1, 'RGBA'], 'icc-linear.avif': [3, 'I444'] };
for (const [name, [tol, noneFormat]] of Object.entries(LINEAR)) {
  test(`${name}: "default" converts the linear profile to sRGB; "none" keeps the stored values`, async () => {
    const want = ICC_PATCHES.map((c) => toSrgb(c, ICC_COLORANTS.srgb, 1));
    const def = await decodeWith(name, 'default');
    assert.equal(def.format, noneFormat === 'RGBA' ? 'RGBA' : 'RGBX');
    assert.deepEqual(def.colorSpace, SRGB);
    def.patches.forEach((p, i) => assert.ok(near(p, want[i], tol), `default patch ${i}: ${p} is not ${want[i]}`));
    const none = await decodeWith(name, 'none');
    assert.equal(none.format, noneFormat);
    none.patches.forEach((p, i) => assert.ok(near(p, [...ICC_PATCHES[i], 255], tol), `none patch ${i}: ${p}`));
    // the default of the init dictionary is "default"
    const d = new ImageDecoder({ data: fs.readFileSync(make(name)), type: typeOf(name) });
    const { image } = await d.decode();
    assert.deepEqual(pixel(await rgba(image), 64, 10, 10), def.patches[0]);
    image.close();
    d.close();
  });
}

test('Display P3 colorants (gamma 2.2) become sRGB values (out-of-gamut ones clipped); "none" leaves them', async () => {
  const want = ICC_PATCHES.map((c) => toSrgb(c, ICC_COLORANTS.p3, 2.2));
  const def = await decodeWith('icc-p3.png', 'default');
  def.patches.forEach((p, i) => assert.ok(near(p, want[i], 2), `patch ${i}: ${p} is not ${want[i]}`));
  assert.ok(want.some((c) => Math.abs(c[0] - ICC_PATCHES[0][0]) > 5), 'the profile moves the colours (a test that can fail)');
  const none = await decodeWith('icc-p3.png', 'none');
  none.patches.forEach((p, i) => assert.deepEqual(p, [...ICC_PATCHES[i], 255]));
});

test('a profile lcms2 cannot read is ignored: "default" gives the stored values, no error', async () => {
  const def = await decodeWith('icc-garbage.png', 'default');
  assert.equal(def.format, 'RGBX');
  def.patches.forEach((p, i) => assert.deepEqual(p, [...ICC_PATCHES[i], 255]));
});
