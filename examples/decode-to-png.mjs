// Decode the video track of a file (MP4, WebM, MOV, MKV, ...) to frames: print one line per frame
// (its timestamp and the MD5 of its pixels) and write the first few as PNG files.
//
//   npm install webcodecs-native mediabunny
//   node decode-to-png.mjs input.mp4 [outdir] [pngCount]
//
// Mediabunny only reads the container; the decoding is WebCodecs' own VideoDecoder, as in a browser.
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';
import { VideoDecoder, EncodedVideoChunk } from 'webcodecs-native';
import { Input, FilePathSource, ALL_FORMATS, EncodedPacketSink } from 'mediabunny';

const [file, outdir = 'frames', pngCount = '5'] = process.argv.slice(2);
if (!file) throw new Error('usage: node decode-to-png.mjs input.mp4 [outdir] [pngCount]');
mkdirSync(outdir, { recursive: true });

const input = new Input({ source: new FilePathSource(file), formats: ALL_FORMATS });
const track = await input.getPrimaryVideoTrack();
if (!track) throw new Error(`${file}: no video track`);
const config = await track.getDecoderConfig(); // codec string, coded size, description (avcC, ...)
console.log(`${file}: ${config.codec} ${track.codedWidth}x${track.codedHeight}`);

let count = 0;
let saved = Promise.resolve(); // frames are saved one after another, in output (presentation) order
const decoder = new VideoDecoder({
  output(frame) {
    const n = count++;
    saved = saved.then(() => saveFrame(frame, n)).finally(() => frame.close());
  },
  error(e) { console.error(`decode error: ${e.name}: ${e.message}`); process.exitCode = 1; },
});
decoder.configure(config);

for await (const packet of new EncodedPacketSink(track).packets()) {
  decoder.decode(new EncodedVideoChunk({
    type: packet.type, timestamp: packet.microsecondTimestamp, duration: packet.microsecondDuration, data: packet.data,
  }));
  // back-pressure: do not queue the whole file; wait until the decoder has taken some chunks
  if (decoder.decodeQueueSize > 8) await new Promise((resolve) => decoder.addEventListener('dequeue', resolve, { once: true }));
}
await decoder.flush();
decoder.close();
await saved;
console.log(`${count} frames`);

async function saveFrame(frame, n) {
  // the frame's own pixels (for 8-bit 4:2:0 the same bytes as `ffmpeg -f framemd5 -pix_fmt yuv420p`)
  const yuv = new Uint8Array(frame.allocationSize());
  await frame.copyTo(yuv); // copyTo() runs off the JS thread
  console.log(`frame ${n} ${frame.timestamp} us ${frame.format} ${createHash('md5').update(yuv).digest('hex')}`);
  if (n < Number(pngCount)) {
    const rgba = new Uint8Array(frame.allocationSize({ format: 'RGBA' }));
    await frame.copyTo(rgba, { format: 'RGBA' }); // the colour conversion too
    writeFileSync(`${outdir}/frame-${String(n).padStart(4, '0')}.png`, png(rgba, frame.displayWidth, frame.displayHeight));
  }
}

// A minimal PNG writer: 8-bit RGBA, no filtering, one zlib stream.
function png(rgba, width, height) {
  const raw = Buffer.alloc((width * 4 + 1) * height);
  for (let y = 0; y < height; y++) raw.set(rgba.subarray(y * width * 4, (y + 1) * width * 4), y * (width * 4 + 1) + 1);
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 6, 0, 0, 0], 8); // bit depth 8, colour type RGBA
  const chunk = (type, data) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const out = Buffer.alloc(body.length + 8);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc32(body), body.length + 4);
    return out;
  };
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}
function crc32(bytes) {
  let c = ~0;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}
