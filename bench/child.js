'use strict';
// One measured run of this library, in a fresh process: node bench/child.js '<json case>'
// Prints one JSON line: {frames, wallMs, cpuMs, firstFrameMs, loop: {p50, p99, max}, maxRssKiB, ...}.
// The clock starts at the first decode()/encode() call (input already demuxed in memory)
// and stops when flush() resolves; CPU time is the whole process's (all threads).
const path = require('node:path');
const { monitorEventLoopDelay } = require('node:perf_hooks');
const { pathToFileURL } = require('node:url');
const wc = require('..');

const spec = JSON.parse(process.argv[2]);
const fixtures = path.join(__dirname, '..', 'test', 'fixtures');

function loopStats(h) {
  const ms = (ns) => Math.round((ns / 1e6) * 100) / 100;
  return { p50: ms(h.percentile(50)), p99: ms(h.percentile(99)), max: ms(h.max) };
}

async function decodeCase() {
  const { loadTrack } = await import(pathToFileURL(path.join(__dirname, '..', 'test', 'helpers', 'demux.mjs')));
  const track = loadTrack(path.join(fixtures, spec.file), spec.demux || {});
  const repeat = spec.repeat || 1;
  let frames = 0;
  let firstFrame = 0;
  let t0 = 0;
  let copies = [];
  const copyBuf = spec.copyTo ? new Uint8Array(track.codedWidth * track.codedHeight * 4) : null;
  const decoder = new wc.VideoDecoder({
    output(frame) {
      if (frames++ === 0) firstFrame = performance.now() - t0;
      if (copyBuf) copies.push(frame.copyTo(copyBuf, spec.copyTo === 'RGBA' ? { format: 'RGBA' } : {}).then(() => frame.close()));
      else frame.close();
    },
    error(e) { console.error(e); process.exit(1); },
  });
  decoder.configure({ codec: track.codec, codedWidth: track.codedWidth, codedHeight: track.codedHeight, description: track.description });
  const chunks = track.chunks.map((c) => new wc.EncodedVideoChunk(c));
  const h = monitorEventLoopDelay({ resolution: 1 });
  const cpu0 = process.cpuUsage();
  h.enable();
  t0 = performance.now();
  for (let r = 0; r < repeat; r++) {
    for (const c of chunks) decoder.decode(c);
    await decoder.flush();
    // the next round starts again at a key chunk, as after a seek
  }
  await Promise.all(copies);
  const wallMs = performance.now() - t0;
  h.disable();
  const cpu = process.cpuUsage(cpu0);
  decoder.close();
  copies = null;
  return { frames, wallMs, cpuMs: (cpu.user + cpu.system) / 1000, firstFrameMs: firstFrame, loop: loopStats(h) };
}

(async () => {
  let r;
  if (spec.kind === 'decode') r = await decodeCase();
  else throw new Error(`unknown case kind ${spec.kind}`);
  r.maxRssKiB = process.resourceUsage().maxRSS;
  process.stdout.write(`${JSON.stringify(r)}\n`);
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
