'use strict';
// test/helpers/damage.js, which the hostile-input children share: a hostile test is only as good as
// its damage, so each kind must really damage (and leave its input alone), and a seed must replay.
const test = require('node:test');
const assert = require('node:assert/strict');
const { prng, damage } = require('./helpers/damage');

const source = Uint8Array.from({ length: 500 }, (_, i) => (i * 37 + 11) & 255);
const bitsDiffering = (a, b) => a.reduce((n, x, i) => { let v = x ^ b[i]; while (v) { n += v & 1; v >>= 1; } return n; }, 0);

test('the same seed gives the same draws and the same damage; another seed another', () => {
  const a = prng(1234);
  const b = prng('1234');
  const c = prng(1235);
  const da = [0, 1, 2].map(() => damage(a.randInt, source, 'flipped'));
  const db = [0, 1, 2].map(() => damage(b.randInt, source, 'flipped'));
  assert.deepEqual(da, db);
  assert.notDeepEqual(damage(c.randInt, source, 'flipped'), da[0]);
  assert.equal(prng(0).rand(), prng(1).rand(), 'seed 0 is seed 1 (xorshift never leaves 0)');
});

test('every kind damages as it says and never touches its input', () => {
  const before = source.slice();
  const { randInt } = prng(99);
  let undamaged = 0;
  for (let round = 0; round < 200; round++) {
    const flipped = damage(randInt, source, 'flipped');
    assert.equal(flipped.length, source.length);
    const bits = bitsDiffering(flipped, source);
    assert.ok(bits <= 16, `flipped: ${bits} bits`);
    if (bits === 0) undamaged++; // two flips of the same bit cancel: rare
    assert.ok(bitsDiffering(damage(randInt, source, 'flipped', { flips: 1 }), source) === 1, 'one flip is one bit');

    const t = damage(randInt, source, 'truncated');
    assert.ok(t.length <= source.length);
    assert.deepEqual(t, source.subarray(0, t.length));
    const p = damage(randInt, source, 'truncated', { properPrefix: true });
    assert.ok(p.length >= 1 && p.length < source.length, `proper prefix of ${p.length} bytes`);
    assert.deepEqual(p, source.subarray(0, p.length));

    const r = damage(randInt, source, 'random', { randomLength: 64 });
    assert.ok(r.length >= 1 && r.length <= 64);

    const o = damage(randInt, source, 'overwritten');
    const changed = [...o].map((x, i) => i).filter((i) => o[i] !== source[i]);
    if (changed.length) assert.ok(changed[changed.length - 1] - changed[0] < 16, 'one run of at most 16 bytes');

    assert.equal(damage(randInt, source, 'empty').length, 0);
    assert.deepEqual(damage(randInt, source, 'none'), source);
  }
  assert.ok(undamaged <= 2, `${undamaged} of 200 flipped copies came out intact`);
  assert.deepEqual(source, before, 'the input is never modified');
});

test('flipping empty data changes nothing; with drawOnEmpty it still draws (the audio child\'s sequence)', () => {
  const a = prng(7);
  const b = prng(7);
  const ref = prng(7);
  assert.equal(damage(a.randInt, new Uint8Array(0), 'flipped').length, 0);
  assert.equal(damage(b.randInt, new Uint8Array(0), 'flipped', { drawOnEmpty: true }).length, 0);
  const n = 1 + ref.randInt(16);
  assert.equal(a.rand(), ref.rand(), 'without drawOnEmpty: only the count was drawn');
  const c = prng(7);
  c.randInt(16);
  for (let i = 0; i < 2 * n; i++) c.randInt(1);
  assert.equal(b.rand(), c.rand(), 'with drawOnEmpty: the count, then an offset and a bit per flip');
});
