// Convert a media file with Mediabunny, whose encoders and decoders are webcodecs-native's through
// the polyfill, with a progress bar on the terminal. The output's extension picks the format:
// .webm -> VP9 + Opus, .mp4 -> H.264 + AAC.
//
//   npm install webcodecs-native mediabunny
//   node convert.mjs input.mp4 output.webm
import 'webcodecs-native/polyfill'; // installs VideoDecoder, VideoEncoder, AudioDecoder, ... on globalThis
import { Input, Output, Conversion, FilePathSource, FilePathTarget, ALL_FORMATS, WebMOutputFormat, Mp4OutputFormat } from 'mediabunny';

const [from, to] = process.argv.slice(2);
if (!from || !/\.(webm|mp4)$/.test(to ?? '')) throw new Error('usage: node convert.mjs input output.webm|output.mp4');
const webm = to.endsWith('.webm');

const input = new Input({ source: new FilePathSource(from), formats: ALL_FORMATS });
const output = new Output({ format: webm ? new WebMOutputFormat() : new Mp4OutputFormat(), target: new FilePathTarget(to) });
const conversion = await Conversion.init({
  input,
  output,
  video: { codec: webm ? 'vp9' : 'avc', bitrate: 1_500_000, forceTranscode: true },
  audio: { codec: webm ? 'opus' : 'aac', bitrate: 128_000, forceTranscode: true },
});
for (const d of conversion.discardedTracks) console.error(`dropped track ${d.track.id} (${d.track.type}): ${d.reason}`);
if (!conversion.isValid) throw new Error('nothing to convert');

const duration = await input.computeDuration();
const t0 = performance.now();
let shown = -1;
conversion.onProgress = (progress, seconds) => {
  const percent = Math.floor(progress * 100);
  // on a terminal the bar is redrawn in place at each percent; piped to a file, one line per 10%
  const step = process.stdout.isTTY ? percent : Math.floor(percent / 10) * 10;
  if (step === shown) return;
  shown = step;
  const bar = '#'.repeat(Math.round(progress * 30)).padEnd(30, '-');
  const line = `[${bar}] ${String(percent).padStart(3)}%  ${seconds.toFixed(1)} / ${duration.toFixed(1)} s`;
  if (process.stdout.isTTY) process.stdout.write(`\r${line}`);
  else console.log(line);
};
await conversion.execute();
if (process.stdout.isTTY) process.stdout.write('\n');
console.log(`${to}: done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
