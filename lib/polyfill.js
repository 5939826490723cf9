'use strict';
// require('webcodecs-native/polyfill'): installs the WebCodecs classes on globalThis
// where they are absent, so browser-oriented libraries (Mediabunny, Remotion, muxers)
// find them as they would in a browser. Existing globals are left alone.
const wc = require('./index.js');

const NAMES = ['VideoDecoder', 'VideoFrame', 'EncodedVideoChunk', 'VideoColorSpace', 'DOMRectReadOnly', 'VideoEncoder', 'AudioData', 'EncodedAudioChunk', 'AudioDecoder', 'AudioEncoder', 'ImageDecoder', 'ImageTrackList', 'ImageTrack'];
const installed = [];
for (const name of NAMES) {
  if (wc[name] && typeof globalThis[name] === 'undefined') {
    Object.defineProperty(globalThis, name, { value: wc[name], writable: true, configurable: true, enumerable: false });
    installed.push(name);
  }
}

module.exports = { installed };
