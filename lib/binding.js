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

// END is never sent by the native side: the dispatcher tells the owner a batch is complete.
const EVENT = { OUTPUT: 1, DEQUEUE: 2, FLUSHED: 3, ERROR: 4, END: 5 };

// The scratch array's layout (include/wc/node/env.h): slot 0 holds the facts of the output a
// class is turning into its object; slots 1..n one batch of events, each with its type and
// number (dequeue count, flush sequence number) in the slot's last two doubles.
const STRIDE = 64;
const FACTS = STRIDE - 2;

// One dispatcher per environment, called once per batch of a codec's events (src/engine/codec.c):
// dispatch(owner, n, ...values), the values being the outputs' handles and the errors' exceptions
// in event order. Every event reaches the owner (a codec class) before any callback runs; END
// then starts their delivery (lib/codec-core.js).
// END also follows a batch that a class's handler threw in (a bug in lib/: reported as an uncaught
// exception by the native side), so the items already queued are still delivered.
const scratch = binding.init(function dispatch(owner, n, ...values) {
  let v = 0;
  try {
    for (let i = 1; i <= n; i++) {
      const o = i * STRIDE;
      const type = scratch[o + FACTS];
      if (type === EVENT.OUTPUT) {
        scratch.copyWithin(0, o, o + FACTS);
        owner[kEvent](type, values[v++]);
      } else if (type === EVENT.ERROR) {
        owner[kEvent](type, values[v++]);
      } else {
        owner[kEvent](type, scratch[o + FACTS + 1]);
      }
    }
  } finally {
    owner[kEvent](EVENT.END);
  }
});
if (scratch.length % STRIDE !== 0) throw new Error('webcodecs-native: the addon and lib/binding.js disagree on the scratch layout');
const pixelFormats = binding.pixelFormats();
const colorTables = binding.colorTables();

module.exports = { binding, scratch, EVENT, pixelFormats, colorTables };
