// Compiled with `tsc --noEmit -p test/types` by test/typescript.test.js: the code a
// TypeScript user writes against webcodecs-native must type-check.
import {
  VideoDecoder, VideoEncoder, VideoFrame, EncodedVideoChunk, VideoColorSpace, DOMRectReadOnly, ffmpegVersions,
  AudioDecoder, AudioEncoder, AudioData, EncodedAudioChunk, ImageDecoder, type ImageTrack, type ImageDecoderInit, type AudioDecoderConfig, type AudioEncoderConfig, type EncodedAudioChunkMetadata, type AudioDecoderSupport, type AudioSampleFormat,
  type VideoDecoderConfig, type VideoEncoderConfig, type EncodedVideoChunkMetadata, type PlaneLayout, type CodecStats,
} from 'webcodecs-native';

async function decode(chunks: EncodedVideoChunk[], description?: Uint8Array): Promise<number> {
  let frames = 0;
  const decoder = new VideoDecoder({
    output(frame: VideoFrame) {
      const rect: DOMRectReadOnly | null = frame.visibleRect;
      const size: number = frame.allocationSize({ rect: rect ?? undefined, format: 'RGBA' });
      void size;
      frames++;
      frame.close();
    },
    error(e: DOMException) {
      console.error(e.name, e.message);
    },
  });
  const config: VideoDecoderConfig = { codec: 'avc1.64001f', codedWidth: 1280, codedHeight: 720, description, optimizeForLatency: true, rotation: 90, flip: false };
  const support = await VideoDecoder.isConfigSupported(config);
  if (!support.supported) return 0;
  decoder.configure(support.config);
  decoder.ondequeue = () => undefined;
  decoder.addEventListener('dequeue', () => undefined);
  for (const c of chunks) decoder.decode(c);
  await decoder.flush();
  const stats: CodecStats = decoder.stats;
  const state: 'unconfigured' | 'configured' | 'closed' = decoder.state;
  void stats; void state;
  decoder.reset();
  decoder.close();
  return frames + decoder.decodeQueueSize;
}

async function frames(): Promise<void> {
  const data = new Uint8Array(16 * 16 * 4);
  const frame = new VideoFrame(data, {
    format: 'RGBA', codedWidth: 16, codedHeight: 16, timestamp: 0, duration: 33333,
    colorSpace: { primaries: 'bt709', transfer: 'iec61966-2-1', matrix: 'rgb', fullRange: true },
    visibleRect: { x: 0, y: 0, width: 16, height: 16 }, transfer: [data.buffer], metadata: { rtpTimestamp: 1 },
  });
  const crop = new VideoFrame(frame, { visibleRect: { x: 0, y: 0, width: 8, height: 8 }, timestamp: 5, alpha: 'discard', rotation: 180 });
  const layout: PlaneLayout[] = await crop.copyTo(new Uint8Array(crop.allocationSize()));
  const cs: VideoColorSpace = frame.colorSpace;
  console.log(layout[0].offset, layout[0].stride, cs.toJSON(), frame.format, frame.codedRect?.width, frame.metadata().rtpTimestamp);
  crop.clone().close();
  crop.close();
  frame.close();
  const chunk = new EncodedVideoChunk({ type: 'key', timestamp: 0, duration: 1, data: new Uint8Array(4) });
  chunk.copyTo(new ArrayBuffer(chunk.byteLength));
  console.log(new VideoColorSpace({ matrix: 'bt709' }).matrix, ffmpegVersions().libavcodec);
}

async function encode(frame: VideoFrame): Promise<void> {
  const config: VideoEncoderConfig = {
    codec: 'avc1.42001f', width: 1280, height: 720, bitrate: 2_000_000, framerate: 30, latencyMode: 'realtime',
    bitrateMode: 'quantizer', avc: { format: 'avc' }, scalabilityMode: 'L1T2',
  };
  const encoder = new VideoEncoder({
    output(chunk: EncodedVideoChunk, metadata?: EncodedVideoChunkMetadata) {
      console.log(chunk.type, chunk.timestamp, metadata?.decoderConfig?.codec, metadata?.svc?.temporalLayerId);
    },
    error(e) {
      console.error(e);
    },
  });
  if ((await VideoEncoder.isConfigSupported(config)).supported) encoder.configure(config);
  encoder.encode(frame, { keyFrame: true, avc: { quantizer: 30 } });
  await encoder.flush();
  console.log(encoder.encodeQueueSize, encoder.state);
  encoder.close();
}

async function audio(packets: Uint8Array[], description?: Uint8Array): Promise<Float32Array[]> {
  const planes: Float32Array[] = [];
  const config: AudioDecoderConfig = { codec: 'opus', sampleRate: 48000, numberOfChannels: 2, description };
  const decoder = new AudioDecoder({
    output(data: AudioData) {
      const fmt: AudioSampleFormat | null = data.format;
      for (let p = 0; p < data.numberOfChannels; p++) {
        const plane = new Float32Array(data.allocationSize({ planeIndex: p, format: 'f32-planar' }) / 4);
        data.copyTo(plane, { planeIndex: p, format: 'f32-planar', frameOffset: 0 });
        planes.push(plane);
      }
      console.log(fmt, data.sampleRate, data.numberOfFrames, data.duration, data.timestamp);
      data.close();
    },
    error(e: DOMException) {
      console.error(e.name);
    },
  });
  decoder.ondequeue = () => console.log(decoder.decodeQueueSize);
  decoder.ondequeue = (ev: Event) => console.log(decoder.stats.queueDepth, ev.type);
  const support: AudioDecoderSupport = await AudioDecoder.isConfigSupported(config);
  if (support.supported) decoder.configure(config);
  packets.forEach((data, i) => decoder.decode(new EncodedAudioChunk({ type: 'key', timestamp: i * 20000, duration: 20000, data })));
  await decoder.flush();
  decoder.close();
  const made = new AudioData({ format: 's16', sampleRate: 8000, numberOfFrames: 1, numberOfChannels: 1, timestamp: 0, data: new Int16Array(1) });
  made.clone().close();
  made.close();
  return planes;
}

async function audioEncode(): Promise<EncodedAudioChunk[]> {
  const chunks: EncodedAudioChunk[] = [];
  const config: AudioEncoderConfig = {
    codec: 'opus', sampleRate: 48000, numberOfChannels: 2, bitrate: 96000, bitrateMode: 'constant',
    opus: { format: 'ogg', signal: 'music', application: 'lowdelay', frameDuration: 10000, complexity: 5, packetlossperc: 5, useinbandfec: true, usedtx: false },
  };
  const encoder = new AudioEncoder({
    output(chunk: EncodedAudioChunk, metadata: EncodedAudioChunkMetadata) {
      if (metadata.decoderConfig) console.log(metadata.decoderConfig.codec, metadata.decoderConfig.description);
      chunks.push(chunk);
    },
    error(e: DOMException) { console.error(e.name); },
  });
  const { supported, config: echoed } = await AudioEncoder.isConfigSupported(config);
  if (supported) encoder.configure({ ...echoed, aac: { format: 'adts' }, flac: { blockSize: 4096, compressLevel: 8 } });
  const data = new AudioData({ format: 'f32-planar', sampleRate: 48000, numberOfFrames: 480, numberOfChannels: 2, timestamp: 0, data: new Float32Array(960) });
  encoder.encode(data);
  data.close();
  encoder.ondequeue = () => console.log(encoder.encodeQueueSize, encoder.state, encoder.stats.inputs);
  await encoder.flush();
  encoder.close();
  return chunks;
}

async function image(bytes: Uint8Array, stream: ReadableStream<Uint8Array>): Promise<number> {
  if (!(await ImageDecoder.isTypeSupported('image/gif'))) return 0;
  const init: ImageDecoderInit = { type: 'image/gif', data: bytes, desiredWidth: 64, desiredHeight: 48, preferAnimation: true, colorSpaceConversion: 'none', transfer: [] };
  const dec = new ImageDecoder(init);
  await dec.tracks.ready;
  const track: ImageTrack | null = dec.tracks.selectedTrack;
  const first: ImageTrack = dec.tracks[0];
  first.selected = true;
  const reps: number = track ? track.repetitionCount : 0;
  const { image, complete } = await dec.decode({ frameIndex: 0, completeFramesOnly: false });
  const d: number | null = image.duration;
  image.close();
  await dec.completed;
  console.log(dec.type, dec.complete, dec.tracks.length, dec.tracks.selectedIndex, track?.animated, track?.frameCount, reps, complete, d);
  dec.reset();
  dec.close();
  new ImageDecoder({ type: 'image/png', data: stream }).close();
  return reps;
}

export { decode, frames, encode, audio, audioEncode, image };
