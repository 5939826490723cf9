'use strict';
// Records what a browser-oriented library (Mediabunny) asks of the WebCodecs globals:
// VideoEncoder/VideoDecoder.isConfigSupported(config) and .configure(config), each as
// "<Class>.<method> <config as JSON>" (buffers shown as "<n bytes>"). The original
// methods are called unchanged; restore() puts them back.
const J = (o) => JSON.stringify(o, (k, v) => (v instanceof ArrayBuffer || ArrayBuffer.isView(v) ? `<${v.byteLength} bytes>` : v));

function spyCodecs(names = ['VideoEncoder', 'VideoDecoder']) {
  const calls = [];
  const undo = [];
  for (const name of names) {
    const C = globalThis[name];
    if (typeof C !== 'function') continue;
    const isc = C.isConfigSupported;
    C.isConfigSupported = function isConfigSupported(config) {
      const entry = `${name}.isConfigSupported ${J(config)}`;
      calls.push(entry);
      const i = calls.length - 1;
      return isc.call(this, config).then((r) => { calls[i] = `${entry} -> ${r.supported}`; return r; });
    };
    const configure = C.prototype.configure;
    C.prototype.configure = function (config) {
      calls.push(`${name}.configure ${J(config)}`);
      return configure.call(this, config);
    };
    undo.push(() => { C.isConfigSupported = isc; C.prototype.configure = configure; });
  }
  return { calls, restore: () => undo.forEach((f) => f()) };
}

module.exports = { spyCodecs };
