// Encode generated frames (a white square moving over a colour gradient) to an H.264 MP4 with
// mp4-muxer.
//
//   npm install webcodecs-native mp4-muxer
//   node encode-mp4.mjs out.mp4 [seconds] [width] [height]
import { writeFileSync } from 'node:fs';
import 'webcodecs-native/polyfill'; // mp4-muxer checks `chunk instanceof EncodedVideoChunk` on the global
import { VideoEncoder, VideoFrame } from 'webcodecs-native';
import { Muxer, ArrayBufferTarget } from 'mp4-muxer';

const [out = 'out.mp4', seconds = '2', width = '640', height = '360'] = process.argv.slice(2);
const W = Number(width), H = Number(height), FPS = 30, FRAMES = Math.round(Number(seconds) * FPS);

const muxer = new Muxer({ target: new ArrayBufferTarget(), video: { codec: 'avc', width: W, height: H }, fastStart: 'in-memory' });
const encoder = new VideoEncoder({
  output: (chunk, meta) => muxer.addVideoChunk(chunk, meta), // meta.decoderConfig carries the avcC
  error(e) { console.error(`encode error: ${e.name}: ${e.message}`); process.exitCode = 1; },
});
const config = { codec: 'avc1.42001f', width: W, height: H, bitrate: 2_000_000, framerate: FPS }; // H.264 Baseline 3.1
const { supported } = await VideoEncoder.isConfigSupported(config);
if (!supported) throw new Error(`not supported: ${JSON.stringify(config)}`);
encoder.configure(config);

const rgba = new Uint8Array(W * H * 4);
for (let i = 0; i < FRAMES; i++) {
  draw(rgba, i);
  // RGBA in, the encoder converts to what H.264 takes (I420)
  const frame = new VideoFrame(rgba, { format: 'RGBA', codedWidth: W, codedHeight: H, timestamp: Math.round(i * 1e6 / FPS), duration: Math.round(1e6 / FPS) });
  encoder.encode(frame, { keyFrame: i % (2 * FPS) === 0 }); // a key frame every 2 s
  frame.close(); // the encoder keeps its own reference
  if (encoder.encodeQueueSize > 4) await new Promise((resolve) => encoder.addEventListener('dequeue', resolve, { once: true }));
}
await encoder.flush();
encoder.close();
muxer.finalize();
writeFileSync(out, Buffer.from(muxer.target.buffer));
console.log(`${out}: ${FRAMES} frames, ${W}x${H}, ${muxer.target.buffer.byteLength} bytes`);

// Frame i: a dark gradient, and a white square (side H/4) whose left edge moves from x = 0 to
// x = W - H/4 over the clip, vertically centred.
function draw(px, i) {
  const side = H >> 2, left = Math.round((i / Math.max(1, FRAMES - 1)) * (W - side)), top = (H - side) >> 1;
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const o = (y * W + x) * 4;
      const inSquare = x >= left && x < left + side && y >= top && y < top + side;
      px[o] = inSquare ? 255 : (x * 120) / W;
      px[o + 1] = inSquare ? 255 : (y * 120) / H;
      px[o + 2] = inSquare ? 255 : 60;
      px[o + 3] = 255;
    }
  }
}
