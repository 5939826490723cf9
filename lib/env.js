'use strict';
// Reads an optional setting from the environment. Under Deno (which runs this package through its
// Node compatibility), process.env[name] without --allow-env throws NotCapable, or stops to ask
// on a terminal; every variable read here is optional, so without that permission it reads as
// unset and `deno run --allow-ffi --allow-read` (what loading a native addon needs) suffices.
function getEnv(name) {
  const perms = globalThis.Deno && globalThis.Deno.permissions;
  if (perms && typeof perms.querySync === 'function') {
    try {
      if (perms.querySync({ name: 'env', variable: name }).state !== 'granted') return undefined;
    } catch {
      return undefined;
    }
  }
  return process.env[name];
}

module.exports = { getEnv };
