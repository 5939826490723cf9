'use strict';
// Child-side helpers shared by the lifecycle scenario scripts.
const path = require('node:path');
const { pathToFileURL } = require('node:url');

const ROOT = path.join(__dirname, '..', '..', '..');
const FIXTURES = path.join(ROOT, 'test', 'fixtures');
const wc = require(ROOT);

let demux;
async function loadTrack(name, opts = {}) {
  demux ??= import(pathToFileURL(path.join(ROOT, 'test', 'helpers', 'demux.mjs')).href);
  const { loadTrack: load } = await demux;
  return load(path.join(FIXTURES, name), opts);
}

function configOf(track) {
  const c = { codec: track.codec, codedWidth: track.codedWidth, codedHeight: track.codedHeight };
  if (track.description) c.description = track.description;
  return c;
}

// An EncodedVideoChunk for a demuxed chunk, its timestamp moved by `offset` microseconds.
function chunkOf(c, offset = 0) {
  return new wc.EncodedVideoChunk({ type: c.type, timestamp: c.timestamp + offset, duration: c.duration, data: c.data });
}

function emit(obj) {
  process.stdout.write(`RESULT ${JSON.stringify(obj)}\n`);
}

// Each scenario script takes its mode as argv[2]; run without one (e.g. picked up by a bare
// `node --test`), it does nothing.
function modeOrSkip(modes) {
  const mode = process.argv[2];
  if (mode === undefined) return null;
  if (!modes.includes(mode)) throw new Error(`unknown mode ${mode}; expected one of ${modes.join(', ')}`);
  return mode;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const tick = () => new Promise((r) => setImmediate(r));

function threadCount() {
  try {
    return require('node:fs').readdirSync('/proc/self/task').length;
  } catch {
    return -1;
  }
}

module.exports = { wc, ROOT, FIXTURES, loadTrack, configOf, chunkOf, emit, modeOrSkip, sleep, tick, threadCount };
