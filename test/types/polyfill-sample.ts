// The polyfill entry point makes the classes available as globals.
import { installed } from 'webcodecs-native/polyfill';

const d: VideoDecoder = new VideoDecoder({ output: (f) => f.close(), error: () => undefined });
d.close();
console.log(installed.join(','), typeof EncodedVideoChunk, typeof VideoFrame, typeof VideoColorSpace, typeof VideoEncoder);
const ae: AudioEncoder = new AudioEncoder({ output: (c) => console.log(c.byteLength), error: () => undefined });
ae.close();
const id: ImageDecoder = new ImageDecoder({ type: 'image/png', data: new Uint8Array(8) });
id.close();
console.log(typeof ImageTrackList, typeof ImageTrack);
