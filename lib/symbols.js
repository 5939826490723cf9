'use strict';
// Module-private keys shared between lib/ files; never exported from the package.
module.exports = {
  kEvent: Symbol('webcodecs-native.event'), // owner[kEvent](type, arg): an event from the native codec
  kInternal: Symbol('webcodecs-native.internal'), // constructor token for frames made by the library
  kHandle: Symbol('webcodecs-native.handle'), // VideoFrame / AudioData -> {h: native handle, ...} (null once closed)
  kData: Symbol('webcodecs-native.data'), // EncodedVideoChunk / EncodedAudioChunk -> Uint8Array of its bytes
};
