// import 'webcodecs-native/polyfill' installs these classes on globalThis where absent.
import * as wc from './index';

declare global {
  var VideoDecoder: typeof wc.VideoDecoder;
  type VideoDecoder = wc.VideoDecoder;
  var VideoEncoder: typeof wc.VideoEncoder;
  type VideoEncoder = wc.VideoEncoder;
  var VideoFrame: typeof wc.VideoFrame;
  type VideoFrame = wc.VideoFrame;
  var EncodedVideoChunk: typeof wc.EncodedVideoChunk;
  type EncodedVideoChunk = wc.EncodedVideoChunk;
  var VideoColorSpace: typeof wc.VideoColorSpace;
  type VideoColorSpace = wc.VideoColorSpace;
  var AudioData: typeof wc.AudioData;
  type AudioData = wc.AudioData;
  var EncodedAudioChunk: typeof wc.EncodedAudioChunk;
  type EncodedAudioChunk = wc.EncodedAudioChunk;
  var AudioDecoder: typeof wc.AudioDecoder;
  type AudioDecoder = wc.AudioDecoder;
  var AudioEncoder: typeof wc.AudioEncoder;
  type AudioEncoder = wc.AudioEncoder;
}

/** Names of the classes this import installed (those that were absent). */
export declare const installed: string[];
