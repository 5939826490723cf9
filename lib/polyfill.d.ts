// import 'webcodecs-native/polyfill' installs these classes on globalThis where absent.
//
// These globals must type-check both WITHOUT TypeScript's DOM lib (a Node/Bun project:
// "lib": ["es2022"], "types": ["node"]) and WITH it ("lib": ["dom", "es2022"]), with
// skipLibCheck off. lib.dom.d.ts already declares every WebCodecs class as
// `interface X` + `declare var X`, and a second `var X` of another type, or a `type X`
// beside its interface, is an error there. So each global below follows one pattern
// (the one @types/node uses for fetch's classes):
//
//   type _X = DomLib extends true ? {} : wc.X;    // instance type
//   declare global {
//     interface X extends _X {}                   // merges with the DOM's interface, if any
//     var X: DomLib extends true ? DomVar<'X'> : typeof wc.X;  // the DOM's own var type, if any
//   }
//
// With the DOM lib the globals keep the DOM's declarations; without it they are exactly this
// package's classes. test/typescript.test.js checks that every member the DOM declares exists
// on our classes, and that our classes are assignable to the DOM's except where lib.dom's enums
// are narrower than the spec's (VideoPixelFormat, color space values: see DOM_LAG there).
// ADDING A CLASS (ImageDecoder, ...): add it to NAMES in polyfill.js and here in this pattern.
// test/typescript.test.js reads NAMES from polyfill.js and checks every name in both
// configurations with `tsc --noEmit`; a name missing here, or a class in index.d.ts that the
// DOM's declaration does not accept, fails it.
import * as wc from './index';

/** true when TypeScript's DOM (or webworker) lib is in the program: it declares `onmessage` globally. */
type DomLib = typeof globalThis extends { onmessage: any } ? true : false;
/** The DOM lib's own type of the global `var K`. */
type DomVar<K extends string> = typeof globalThis extends { onmessage: any } & { [P in K]: infer T } ? T : never;

type _VideoDecoder = DomLib extends true ? {} : wc.VideoDecoder;
type _VideoEncoder = DomLib extends true ? {} : wc.VideoEncoder;
type _VideoFrame = DomLib extends true ? {} : wc.VideoFrame;
type _EncodedVideoChunk = DomLib extends true ? {} : wc.EncodedVideoChunk;
type _VideoColorSpace = DomLib extends true ? {} : wc.VideoColorSpace;
type _DOMRectReadOnly = DomLib extends true ? {} : wc.DOMRectReadOnly;
type _AudioData = DomLib extends true ? {} : wc.AudioData;
type _EncodedAudioChunk = DomLib extends true ? {} : wc.EncodedAudioChunk;
type _AudioDecoder = DomLib extends true ? {} : wc.AudioDecoder;
type _AudioEncoder = DomLib extends true ? {} : wc.AudioEncoder;
type _ImageDecoder = DomLib extends true ? {} : wc.ImageDecoder;
type _ImageTrackList = DomLib extends true ? {} : wc.ImageTrackList;
type _ImageTrack = DomLib extends true ? {} : wc.ImageTrack;

declare global {
  interface VideoDecoder extends _VideoDecoder {}
  var VideoDecoder: DomLib extends true ? DomVar<'VideoDecoder'> : typeof wc.VideoDecoder;
  interface VideoEncoder extends _VideoEncoder {}
  var VideoEncoder: DomLib extends true ? DomVar<'VideoEncoder'> : typeof wc.VideoEncoder;
  interface VideoFrame extends _VideoFrame {}
  var VideoFrame: DomLib extends true ? DomVar<'VideoFrame'> : typeof wc.VideoFrame;
  interface EncodedVideoChunk extends _EncodedVideoChunk {}
  var EncodedVideoChunk: DomLib extends true ? DomVar<'EncodedVideoChunk'> : typeof wc.EncodedVideoChunk;
  interface VideoColorSpace extends _VideoColorSpace {}
  var VideoColorSpace: DomLib extends true ? DomVar<'VideoColorSpace'> : typeof wc.VideoColorSpace;
  interface DOMRectReadOnly extends _DOMRectReadOnly {}
  var DOMRectReadOnly: DomLib extends true ? DomVar<'DOMRectReadOnly'> : typeof wc.DOMRectReadOnly;
  interface AudioData extends _AudioData {}
  var AudioData: DomLib extends true ? DomVar<'AudioData'> : typeof wc.AudioData;
  interface EncodedAudioChunk extends _EncodedAudioChunk {}
  var EncodedAudioChunk: DomLib extends true ? DomVar<'EncodedAudioChunk'> : typeof wc.EncodedAudioChunk;
  interface AudioDecoder extends _AudioDecoder {}
  var AudioDecoder: DomLib extends true ? DomVar<'AudioDecoder'> : typeof wc.AudioDecoder;
  interface AudioEncoder extends _AudioEncoder {}
  var AudioEncoder: DomLib extends true ? DomVar<'AudioEncoder'> : typeof wc.AudioEncoder;
  interface ImageDecoder extends _ImageDecoder {}
  var ImageDecoder: DomLib extends true ? DomVar<'ImageDecoder'> : typeof wc.ImageDecoder;
  interface ImageTrackList extends _ImageTrackList {}
  var ImageTrackList: DomLib extends true ? DomVar<'ImageTrackList'> : typeof wc.ImageTrackList;
  interface ImageTrack extends _ImageTrack {}
  var ImageTrack: DomLib extends true ? DomVar<'ImageTrack'> : typeof wc.ImageTrack;
}

/** Names of the classes this import installed (those that were absent). */
export declare const installed: string[];
