'use strict';
// webcodecs-native: the W3C WebCodecs API for Node.js, on FFmpeg.
const { VideoDecoder } = require('./video-decoder');
const { VideoEncoder } = require('./video-encoder');
const { VideoFrame } = require('./video-frame');
const { EncodedVideoChunk } = require('./encoded-video-chunk');
const { VideoColorSpace } = require('./video-color-space');
const { DOMRectReadOnly } = require('./dom-rect');
const { AudioData } = require('./audio-data');
const { AudioDecoder } = require('./audio-decoder');
const { AudioEncoder } = require('./audio-encoder');
const { EncodedAudioChunk } = require('./encoded-audio-chunk');
const { ImageDecoder, ImageTrackList, ImageTrack } = require('./image-decoder');
const { binding } = require('./binding');

module.exports = {
  VideoDecoder,
  VideoEncoder,
  VideoFrame,
  EncodedVideoChunk,
  VideoColorSpace,
  DOMRectReadOnly,
  AudioData,
  AudioDecoder,
  AudioEncoder,
  EncodedAudioChunk,
  ImageDecoder,
  ImageTrackList,
  ImageTrack,
  // Non-standard: versions of the FFmpeg libraries the addon runs on.
  ffmpegVersions: () => binding.versions(),
  // Non-standard: scheduling priority and thread counts of codecs created afterwards.
  configureThreads: require('./options').configureThreads,
};
