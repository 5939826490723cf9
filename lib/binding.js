'use strict';
// Loads the native addon and connects its event dispatcher. WEBCODECS_NATIVE_ADDON
// may name another build of it (the sanitizer build, in CI).
const path = require('node:path');
const { kEvent } = require('./symbols');
const { getEnv } = require('./env');

function load() {
  const override = getEnv('WEBCODECS_NATIVE_ADDON');
  const candidates = override
    ? [path.resolve(override)]
    : [path.join(__dirname, '..', 'build', 'Release', 'webcodecs_native.node'), path.join(__dirname, '..', 'build', 'Debug', 'webcodecs_native.node')];
  let lastError;
  for (const file of candidates) {
    try {
      return require(file);
    } catch (e) {
      lastError = e;
      if (e.code !== 'MODULE_NOT_FOUND' || override) break;
    }
  }
  // Deno refuses to open a native addon without --allow-ffi (a permission, not a broken install).
  const denied = lastError && lastError.name === 'NotCapable';
  const err = new Error(`webcodecs-native: the native addon could not be loaded (${lastError && lastError.message}). ` +
    (denied ? 'Deno loads Node-API addons only with --allow-ffi: `deno run --allow-ffi ...`.'
      : 'Run `npm rebuild webcodecs-native` (it needs FFmpeg development files: see the README).'));
  err.cause = lastError;
  throw err;
}

const binding = load();

// One dispatcher per environment: events carry the owner (a VideoDecoder/VideoEncoder).
const scratch = binding.init(function dispatch(owner, type, arg) {
  owner[kEvent](type, arg);
});

const EVENT = { OUTPUT: 1, DEQUEUE: 2, FLUSHED: 3, ERROR: 4 };
const pixelFormats = binding.pixelFormats();
const colorTables = binding.colorTables();

module.exports = { binding, scratch, EVENT, pixelFormats, colorTables };
