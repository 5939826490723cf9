// ESM entry point of webcodecs-native (the same objects as the CommonJS entry).
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const wc = require('./index.js');

export const { VideoDecoder, VideoEncoder, VideoFrame, EncodedVideoChunk, VideoColorSpace, DOMRectReadOnly, AudioData, AudioDecoder, AudioEncoder, EncodedAudioChunk, ImageDecoder, ImageTrackList, ImageTrack, ffmpegVersions, configureThreads } = wc;
export default wc;
