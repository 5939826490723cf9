// Type definitions for webcodecs-native: the W3C WebCodecs API for Node.js.
// Self-contained (no DOM lib needed, and compiles beside it: test/typescript.test.js); the
// shapes follow the WebCodecs WebIDL.

export type CodecState = 'unconfigured' | 'configured' | 'closed';
export type HardwareAcceleration = 'no-preference' | 'prefer-hardware' | 'prefer-software';
export type AlphaOption = 'keep' | 'discard';
export type LatencyMode = 'quality' | 'realtime';
export type VideoEncoderBitrateMode = 'constant' | 'variable' | 'quantizer';
export type EncodedVideoChunkType = 'key' | 'delta';
export type PredefinedColorSpace = 'srgb' | 'display-p3';
export type VideoPixelFormat =
  | 'I420' | 'I420P10' | 'I420P12' | 'I420A' | 'I420AP10' | 'I420AP12'
  | 'I422' | 'I422P10' | 'I422P12' | 'I422A' | 'I422AP10' | 'I422AP12'
  | 'I444' | 'I444P10' | 'I444P12' | 'I444A' | 'I444AP10' | 'I444AP12'
  | 'NV12' | 'RGBA' | 'RGBX' | 'BGRA' | 'BGRX';
export type VideoColorPrimaries = 'bt709' | 'bt470bg' | 'smpte170m' | 'bt2020' | 'smpte432';
export type VideoTransferCharacteristics = 'bt709' | 'smpte170m' | 'iec61966-2-1' | 'linear' | 'pq' | 'hlg';
export type VideoMatrixCoefficients = 'rgb' | 'bt709' | 'bt470bg' | 'smpte170m' | 'bt2020-ncl';
export type AllowSharedBufferSource = ArrayBuffer | SharedArrayBuffer | ArrayBufferView;
export type BufferSource = ArrayBuffer | ArrayBufferView;

export interface DOMRectInit {
  x?: number;
  y?: number;
  width?: number;
  height?: number;
}

export declare class DOMRectReadOnly {
  constructor(x?: number, y?: number, width?: number, height?: number);
  static fromRect(other?: DOMRectInit): DOMRectReadOnly;
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  readonly top: number;
  readonly right: number;
  readonly bottom: number;
  readonly left: number;
  toJSON(): { x: number; y: number; width: number; height: number; top: number; right: number; bottom: number; left: number };
}

export interface VideoColorSpaceInit {
  primaries?: VideoColorPrimaries | null;
  transfer?: VideoTransferCharacteristics | null;
  matrix?: VideoMatrixCoefficients | null;
  fullRange?: boolean | null;
}

export declare class VideoColorSpace {
  constructor(init?: VideoColorSpaceInit);
  readonly primaries: VideoColorPrimaries | null;
  readonly transfer: VideoTransferCharacteristics | null;
  readonly matrix: VideoMatrixCoefficients | null;
  readonly fullRange: boolean | null;
  toJSON(): VideoColorSpaceInit;
}

export interface EncodedVideoChunkInit {
  type: EncodedVideoChunkType;
  timestamp: number;
  duration?: number;
  data: AllowSharedBufferSource;
  transfer?: ArrayBuffer[];
}

export declare class EncodedVideoChunk {
  constructor(init: EncodedVideoChunkInit);
  readonly type: EncodedVideoChunkType;
  readonly timestamp: number;
  readonly duration: number | null;
  readonly byteLength: number;
  copyTo(destination: AllowSharedBufferSource): void;
}

export interface PlaneLayout {
  offset: number;
  stride: number;
}

/** Members of the VideoFrame Metadata Registry. */
export interface VideoFrameMetadata {
  rtpTimestamp?: number;
}

export interface VideoFrameInit {
  duration?: number;
  timestamp?: number;
  alpha?: AlphaOption;
  visibleRect?: DOMRectInit;
  rotation?: number;
  flip?: boolean;
  displayWidth?: number;
  displayHeight?: number;
  metadata?: VideoFrameMetadata;
}

export interface VideoFrameBufferInit {
  format: VideoPixelFormat;
  codedWidth: number;
  codedHeight: number;
  timestamp: number;
  duration?: number;
  layout?: PlaneLayout[];
  visibleRect?: DOMRectInit;
  rotation?: number;
  flip?: boolean;
  displayWidth?: number;
  displayHeight?: number;
  colorSpace?: VideoColorSpaceInit;
  transfer?: ArrayBuffer[];
  metadata?: VideoFrameMetadata;
}

export interface VideoFrameCopyToOptions {
  rect?: DOMRectInit;
  layout?: PlaneLayout[];
  format?: VideoPixelFormat;
  colorSpace?: PredefinedColorSpace;
}

export declare class VideoFrame {
  /** Image sources other than a VideoFrame (canvas, ImageBitmap, media elements) do not exist in Node.js. */
  constructor(image: VideoFrame, init?: VideoFrameInit);
  constructor(data: AllowSharedBufferSource, init: VideoFrameBufferInit);
  readonly format: VideoPixelFormat | null;
  readonly codedWidth: number;
  readonly codedHeight: number;
  readonly codedRect: DOMRectReadOnly | null;
  readonly visibleRect: DOMRectReadOnly | null;
  readonly rotation: number;
  readonly flip: boolean;
  readonly displayWidth: number;
  readonly displayHeight: number;
  readonly duration: number | null;
  readonly timestamp: number;
  readonly colorSpace: VideoColorSpace;
  metadata(): VideoFrameMetadata;
  allocationSize(options?: VideoFrameCopyToOptions): number;
  copyTo(destination: AllowSharedBufferSource, options?: VideoFrameCopyToOptions): Promise<PlaneLayout[]>;
  clone(): VideoFrame;
  close(): void;
}

export type WebCodecsErrorCallback = (error: DOMException) => void;

/** Non-standard: counters of a codec's native worker, read without blocking. */
export interface CodecStats {
  /** chunks (decoder) or frames (encoder) taken by the worker */
  inputs: number;
  /** frames (decoder) or chunks (encoder) produced */
  outputs: number;
  /** commands queued for the worker and not yet taken */
  queueDepth: number;
  /** output VideoFrames of this decoder not yet closed or collected */
  framesAlive: number;
  /** mean and longest time spent in the codec per input, in milliseconds */
  meanMs: number;
  maxMs: number;
  /** whether work is in flight (the codec keeps the process alive while it is) */
  busy: boolean;
  /** VideoDecoder: libavcodec's thread count after the last configure (0: the codec's own automatic
   * count, as libdav1d); 0 for the other codecs */
  threads: number;
}

export interface VideoDecoderConfig {
  codec: string;
  description?: AllowSharedBufferSource;
  codedWidth?: number;
  codedHeight?: number;
  displayAspectWidth?: number;
  displayAspectHeight?: number;
  colorSpace?: VideoColorSpaceInit;
  hardwareAcceleration?: HardwareAcceleration;
  optimizeForLatency?: boolean;
  rotation?: number;
  flip?: boolean;
}

export interface VideoDecoderSupport {
  supported: boolean;
  config: VideoDecoderConfig;
}

export interface VideoDecoderInit {
  output: (frame: VideoFrame) => void;
  error: WebCodecsErrorCallback;
}

export declare class VideoDecoder extends EventTarget {
  constructor(init: VideoDecoderInit);
  readonly state: CodecState;
  readonly decodeQueueSize: number;
  /** Without a `this` type: TypeScript compares a callback's `this` contravariantly, so `this: VideoDecoder`
   * would make this class unassignable to the DOM lib's VideoDecoder (which has no `stats`). */
  ondequeue: ((ev: Event) => any) | null;
  /** Non-standard. */
  readonly stats: CodecStats;
  configure(config: VideoDecoderConfig): void;
  decode(chunk: EncodedVideoChunk): void;
  flush(): Promise<void>;
  reset(): void;
  close(): void;
  static isConfigSupported(config: VideoDecoderConfig): Promise<VideoDecoderSupport>;
}

export interface VideoEncoderConfig {
  codec: string;
  width: number;
  height: number;
  displayWidth?: number;
  displayHeight?: number;
  bitrate?: number;
  framerate?: number;
  hardwareAcceleration?: HardwareAcceleration;
  alpha?: AlphaOption;
  scalabilityMode?: string;
  bitrateMode?: VideoEncoderBitrateMode;
  latencyMode?: LatencyMode;
  contentHint?: string;
  avc?: { format?: 'avc' | 'annexb' };
  hevc?: { format?: 'hevc' | 'annexb' };
}

export interface VideoEncoderEncodeOptions {
  keyFrame?: boolean;
  /** quantizer: the QP, 0-51 */
  avc?: { quantizer?: number | null };
  /** quantizer: the QP, 0-51 */
  hevc?: { quantizer?: number | null };
  /** quantizer: the quantizer index (base_q_idx), 0-255 */
  vp9?: { quantizer?: number | null };
  /** quantizer: the quantizer index (base_q_idx), 0-255 */
  av1?: { quantizer?: number | null };
}

export interface SvcOutputMetadata {
  temporalLayerId?: number;
}

export interface EncodedVideoChunkMetadata {
  decoderConfig?: VideoDecoderConfig;
  svc?: SvcOutputMetadata;
  alphaSideData?: ArrayBuffer;
}

export interface VideoEncoderSupport {
  supported: boolean;
  config: VideoEncoderConfig;
}

export interface VideoEncoderInit {
  output: (chunk: EncodedVideoChunk, metadata?: EncodedVideoChunkMetadata) => void;
  error: WebCodecsErrorCallback;
}

export declare class VideoEncoder extends EventTarget {
  constructor(init: VideoEncoderInit);
  readonly state: CodecState;
  readonly encodeQueueSize: number;
  ondequeue: ((ev: Event) => any) | null;
  /** Non-standard. */
  readonly stats: CodecStats;
  configure(config: VideoEncoderConfig): void;
  encode(frame: VideoFrame, options?: VideoEncoderEncodeOptions): void;
  flush(): Promise<void>;
  reset(): void;
  close(): void;
  static isConfigSupported(config: VideoEncoderConfig): Promise<VideoEncoderSupport>;
}

export type AudioSampleFormat = 'u8' | 's16' | 's32' | 'f32' | 'u8-planar' | 's16-planar' | 's32-planar' | 'f32-planar';
export type EncodedAudioChunkType = 'key' | 'delta';

export interface AudioDataInit {
  format: AudioSampleFormat;
  sampleRate: number;
  numberOfFrames: number;
  numberOfChannels: number;
  timestamp: number;
  data: AllowSharedBufferSource;
  transfer?: ArrayBuffer[];
}

export interface AudioDataCopyToOptions {
  planeIndex: number;
  frameOffset?: number;
  frameCount?: number;
  format?: AudioSampleFormat;
}

export declare class AudioData {
  constructor(init: AudioDataInit);
  readonly format: AudioSampleFormat | null;
  readonly sampleRate: number;
  readonly numberOfFrames: number;
  readonly numberOfChannels: number;
  readonly duration: number;
  readonly timestamp: number;
  allocationSize(options: AudioDataCopyToOptions): number;
  copyTo(destination: AllowSharedBufferSource, options: AudioDataCopyToOptions): void;
  clone(): AudioData;
  close(): void;
}

export interface EncodedAudioChunkInit {
  type: EncodedAudioChunkType;
  timestamp: number;
  duration?: number;
  data: AllowSharedBufferSource;
  transfer?: ArrayBuffer[];
}

export declare class EncodedAudioChunk {
  constructor(init: EncodedAudioChunkInit);
  readonly type: EncodedAudioChunkType;
  readonly timestamp: number;
  readonly duration: number | null;
  readonly byteLength: number;
  copyTo(destination: AllowSharedBufferSource): void;
}

export interface AudioDecoderConfig {
  codec: string;
  sampleRate: number;
  numberOfChannels: number;
  description?: AllowSharedBufferSource;
}

export interface AudioDecoderSupport {
  supported: boolean;
  config: AudioDecoderConfig;
}

export interface AudioDecoderInit {
  output: (output: AudioData) => void;
  error: (error: DOMException) => void;
}

export declare class AudioDecoder extends EventTarget {
  constructor(init: AudioDecoderInit);
  readonly state: CodecState;
  readonly decodeQueueSize: number;
  ondequeue: ((ev: Event) => any) | null;
  /** Non-standard. */
  readonly stats: CodecStats;
  configure(config: AudioDecoderConfig): void;
  decode(chunk: EncodedAudioChunk): void;
  flush(): Promise<void>;
  reset(): void;
  close(): void;
  static isConfigSupported(config: AudioDecoderConfig): Promise<AudioDecoderSupport>;
}

export type BitrateMode = 'constant' | 'variable';
export type OpusBitstreamFormat = 'opus' | 'ogg';
export type OpusSignal = 'auto' | 'music' | 'voice';
export type OpusApplication = 'voip' | 'audio' | 'lowdelay';
export type AacBitstreamFormat = 'aac' | 'adts';

/** Opus registration: frameDuration in microseconds (a multiple of 2500 up to 120000; libopus encodes 2.5-60 ms and 80/100/120 ms). */
export interface OpusEncoderConfig {
  format?: OpusBitstreamFormat;
  signal?: OpusSignal;
  application?: OpusApplication;
  frameDuration?: number;
  /** 0-10; default 9 */
  complexity?: number;
  /** 0-100 */
  packetlossperc?: number;
  useinbandfec?: boolean;
  usedtx?: boolean;
}
export interface AacEncoderConfig {
  format?: AacBitstreamFormat;
}
export interface FlacEncoderConfig {
  /** 0 (the encoder's choice) or 16-65535 */
  blockSize?: number;
  /** 0-8; default 5 */
  compressLevel?: number;
}

export interface AudioEncoderConfig {
  codec: string;
  sampleRate: number;
  numberOfChannels: number;
  bitrate?: number;
  bitrateMode?: BitrateMode;
  opus?: OpusEncoderConfig;
  aac?: AacEncoderConfig;
  flac?: FlacEncoderConfig;
}

export interface AudioEncoderSupport {
  supported: boolean;
  config: AudioEncoderConfig;
}

export interface EncodedAudioChunkMetadata {
  decoderConfig?: AudioDecoderConfig;
}

export interface AudioEncoderInit {
  output: (chunk: EncodedAudioChunk, metadata: EncodedAudioChunkMetadata) => void;
  error: WebCodecsErrorCallback;
}

export declare class AudioEncoder extends EventTarget {
  constructor(init: AudioEncoderInit);
  readonly state: CodecState;
  readonly encodeQueueSize: number;
  ondequeue: ((ev: Event) => any) | null;
  /** Non-standard: counters of the native worker. */
  readonly stats: CodecStats;
  configure(config: AudioEncoderConfig): void;
  encode(data: AudioData): void;
  flush(): Promise<void>;
  reset(): void;
  close(): void;
  static isConfigSupported(config: AudioEncoderConfig): Promise<AudioEncoderSupport>;
}

/** Non-standard: versions of the FFmpeg libraries the addon runs on. */
export declare function ffmpegVersions(): { libavcodec: string; libavutil: string; libswscale: string; libswresample: string; ffmpeg: string };

/**
 * Non-standard: how codecs created afterwards schedule their threads (Linux).
 * priority: "fair" (default: normal weight, long requested slice; the JS thread asks for a short one), "idle" (SCHED_IDLE: the JS thread always wins the CPU, and so does every other process), "batch" (as "fair" with SCHED_BATCH: a waking codec thread never preempts; "fair" uses it for VP9 and HEVC decoding), "normal", or a niceness 1-19.
 * decoderThreads / encoderThreads: threads per codec; 0 = automatic (decoders: FFmpeg's count, cores + 1, one per core for H.264; encoders: the encoder's own count, one per core for libvpx and libaom).
 */
export declare function configureThreads(options: { priority?: 'fair' | 'idle' | 'batch' | 'normal' | number; eventLoopSlice?: number; decoderThreads?: number; encoderThreads?: number }): void;

export type ColorSpaceConversion = 'none' | 'default';

export interface ImageDecoderInit {
  /** A MIME type: image/png, image/apng, image/jpeg, image/gif, image/webp, image/bmp, image/avif. */
  type: string;
  /** The whole file (shared memory is copied), or a stream of Uint8Array chunks of it (parsed as they arrive). */
  data: AllowSharedBufferSource | ReadableStream;
  /** Accepted; no ICC profile is applied with either value. */
  colorSpaceConversion?: ColorSpaceConversion;
  desiredWidth?: number;
  desiredHeight?: number;
  preferAnimation?: boolean;
  /** ArrayBuffers to detach; data's own buffer among them is decoded in place. */
  transfer?: ArrayBuffer[];
}

export interface ImageDecodeOptions {
  frameIndex?: number;
  completeFramesOnly?: boolean;
}

export interface ImageDecodeResult {
  image: VideoFrame;
  complete: boolean;
}

export declare class ImageTrack {
  /** Not constructible: throws TypeError ("Illegal constructor"), as in browsers (the DOM lib declares it so too). */
  constructor();
  readonly animated: boolean;
  readonly frameCount: number;
  /** Infinity for an animation that loops forever. */
  readonly repetitionCount: number;
  selected: boolean;
}

export declare class ImageTrackList {
  /** Not constructible: throws TypeError ("Illegal constructor"), as in browsers (the DOM lib declares it so too). */
  constructor();
  readonly ready: Promise<void>;
  readonly length: number;
  readonly selectedIndex: number;
  readonly selectedTrack: ImageTrack | null;
  readonly [index: number]: ImageTrack;
}

export declare class ImageDecoder {
  constructor(init: ImageDecoderInit);
  readonly type: string;
  readonly complete: boolean;
  readonly completed: Promise<void>;
  readonly tracks: ImageTrackList;
  decode(options?: ImageDecodeOptions): Promise<ImageDecodeResult>;
  reset(): void;
  close(): void;
  static isTypeSupported(type: string): Promise<boolean>;
}
