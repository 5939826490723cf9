'use strict';
// VideoColorSpace (WebCodecs "Video Color Space Interface"): defaults, the
// VideoColorPrimaries / VideoTransferCharacteristics / VideoMatrixCoefficients
// enums, boolean conversion of fullRange, toJSON.
const test = require('node:test');
const assert = require('node:assert/strict');
const wc = require('..');

const { VideoColorSpace } = wc;

// Enum values from the spec's IDL.
const PRIMARIES = ['bt709', 'bt470bg', 'smpte170m', 'bt2020', 'smpte432'];
const TRANSFER = ['bt709', 'smpte170m', 'iec61966-2-1', 'linear', 'pq', 'hlg'];
const MATRIX = ['rgb', 'bt709', 'bt470bg', 'smpte170m', 'bt2020-ncl'];

const throwsType = (fn, msg) => assert.throws(fn, (e) => {
  assert.ok(e instanceof TypeError, `expected TypeError, got ${e && e.name}: ${e && e.message}`);
  assert.equal(e.name, 'TypeError');
  return true;
}, msg);

const ALL_NULL = { primaries: null, transfer: null, matrix: null, fullRange: null };

function members(cs) {
  return { primaries: cs.primaries, transfer: cs.transfer, matrix: cs.matrix, fullRange: cs.fullRange };
}

test('defaults: every member is null (no argument, undefined, {}, null)', () => {
  for (const args of [[], [undefined], [{}], [null]]) {
    const cs = new VideoColorSpace(...args);
    assert.deepEqual(members(cs), ALL_NULL, JSON.stringify(args));
  }
});

test('members given as null or undefined stay null', () => {
  const cs = new VideoColorSpace({ primaries: null, transfer: undefined, matrix: null, fullRange: null });
  assert.deepEqual(members(cs), ALL_NULL);
});

test('each VideoColorPrimaries value is accepted', () => {
  for (const primaries of PRIMARIES) {
    const cs = new VideoColorSpace({ primaries });
    assert.deepEqual(members(cs), { ...ALL_NULL, primaries });
  }
});

test('each VideoTransferCharacteristics value is accepted', () => {
  for (const transfer of TRANSFER) {
    const cs = new VideoColorSpace({ transfer });
    assert.deepEqual(members(cs), { ...ALL_NULL, transfer });
  }
});

test('each VideoMatrixCoefficients value is accepted', () => {
  for (const matrix of MATRIX) {
    const cs = new VideoColorSpace({ matrix });
    assert.deepEqual(members(cs), { ...ALL_NULL, matrix });
  }
});

test('all members together', () => {
  const init = { primaries: 'bt2020', transfer: 'hlg', matrix: 'bt2020-ncl', fullRange: true };
  assert.deepEqual(members(new VideoColorSpace(init)), init);
});

test('invalid enum values are TypeErrors', () => {
  const bad = [
    { primaries: 'BT709' }, { primaries: 'bt601' }, { primaries: 'rgb' }, { primaries: '' }, { primaries: 'smpte431' },
    { transfer: 'srgb' }, { transfer: 'bt2020' }, { transfer: 'gamma22' }, { transfer: 'PQ' },
    { matrix: 'bt2020' }, { matrix: 'bt2020-cl' }, { matrix: 'ycgco' }, { matrix: 'RGB' }, { matrix: 'bt709 ' },
    { primaries: 1 }, { matrix: {} },
  ];
  for (const init of bad) throwsType(() => new VideoColorSpace(init), JSON.stringify(init));
});

test('enum members are converted with ToString', () => {
  const cs = new VideoColorSpace({ primaries: { toString: () => 'bt709' }, matrix: ['rgb'] });
  assert.equal(cs.primaries, 'bt709');
  assert.equal(cs.matrix, 'rgb');
  throwsType(() => new VideoColorSpace({ transfer: Symbol('pq') }));
});

test('fullRange is converted to a boolean; null stays null', () => {
  const cases = [
    [true, true], [false, false], [1, true], [0, false], ['', false], ['yes', true],
    [{}, true], [NaN, false], [null, null], [undefined, null],
  ];
  for (const [fullRange, want] of cases) {
    assert.equal(new VideoColorSpace({ fullRange }).fullRange, want, String(fullRange));
  }
});

test('a non-object init is a TypeError', () => {
  for (const init of [5, 'bt709', true, Symbol('x')]) {
    throwsType(() => new VideoColorSpace(init), String(init));
  }
});

test('toJSON returns the four members as a plain object', () => {
  const cs = new VideoColorSpace({ primaries: 'smpte432', transfer: 'iec61966-2-1', matrix: 'rgb', fullRange: false });
  const json = cs.toJSON();
  assert.equal(Object.getPrototypeOf(json), Object.prototype);
  assert.deepEqual(Object.keys(json).sort(), ['fullRange', 'matrix', 'primaries', 'transfer']);
  assert.deepEqual(json, { primaries: 'smpte432', transfer: 'iec61966-2-1', matrix: 'rgb', fullRange: false });
  assert.deepEqual(new VideoColorSpace().toJSON(), ALL_NULL);
  assert.deepEqual(JSON.parse(JSON.stringify(cs)), json);
  assert.deepEqual(JSON.parse(JSON.stringify(new VideoColorSpace({ matrix: 'bt709' }))), { ...ALL_NULL, matrix: 'bt709' });
  // toJSON gives a fresh object: changing it does not change the colour space.
  json.matrix = 'bt709';
  assert.equal(cs.matrix, 'rgb');
});

test('a VideoColorSpace can be built from another one\'s toJSON()', () => {
  const a = new VideoColorSpace({ primaries: 'bt470bg', transfer: 'smpte170m', matrix: 'smpte170m', fullRange: true });
  assert.deepEqual(members(new VideoColorSpace(a.toJSON())), members(a));
});

test('members are read-only accessors; the init object is not kept', () => {
  const init = { primaries: 'bt709', transfer: 'bt709', matrix: 'bt709', fullRange: false };
  const cs = new VideoColorSpace(init);
  init.primaries = 'bt2020';
  assert.equal(cs.primaries, 'bt709');
  for (const name of ['primaries', 'transfer', 'matrix', 'fullRange']) {
    const desc = Object.getOwnPropertyDescriptor(VideoColorSpace.prototype, name);
    assert.equal(typeof desc.get, 'function', name);
    assert.equal(desc.set, undefined, name);
    assert.throws(() => { cs[name] = null; }, TypeError, name);
  }
  assert.deepEqual(members(cs), { primaries: 'bt709', transfer: 'bt709', matrix: 'bt709', fullRange: false });
});

test('unknown init members are ignored', () => {
  const cs = new VideoColorSpace({ matrix: 'rgb', gamma: 2.2, range: 'full' });
  assert.deepEqual(members(cs), { ...ALL_NULL, matrix: 'rgb' });
  assert.deepEqual(Object.keys(cs.toJSON()).sort(), ['fullRange', 'matrix', 'primaries', 'transfer']);
});

test('Object.prototype.toString tag', () => {
  assert.equal(Object.prototype.toString.call(new VideoColorSpace()), '[object VideoColorSpace]');
});
