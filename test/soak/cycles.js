'use strict';
// Soak scenario: many short codec lifetimes.
//   decoder-cycles  200 cycles of new VideoDecoder -> configure -> decode 1-4 chunks ->
//                   (flush, check the frames) or (close at once, mid-decode) -> close,
//                   over the 320x240 clips of every codec.
//   reconfigure     200 configure cycles on ONE decoder, the codec changing every cycle;
//                   each cycle decodes 1-4 chunks, then flush() (frames checked), or
//                   reset() (a pending flush must reject with AbortError, nothing of the
//                   old cycle may arrive later), or nothing (the next configure() follows
//                   a flush of the previous cycle's chunks). A final full decode checks
//                   the decoder still works.
//   encoder-cycles  100 cycles of new VideoEncoder -> configure (H.264, VP8, VP9; 160x120)
//                   -> encode 3 frames -> flush (chunks checked) or close at once -> close.
// Everything is checked here; RESULT carries the counts and the first few problems.
const { wc, loadTrack, configOf, chunkOf, emit, modeOrSkip, tick, sortedTimestamps, i420Bytes, frameOf, errText } = require('./util');

const mode = modeOrSkip(['decoder-cycles', 'reconfigure', 'encoder-cycles']);
const FILES = ['testsrc2-320x240-h264.mp4', 'testsrc2-320x240-hevc.hevc', 'testsrc2-320x240-vp8.ivf',
  'testsrc2-320x240-vp9.ivf', 'testsrc2-320x240-av1.ivf'];
const OFF = 1e9; // timestamps of cycle i are moved by i * OFF

const problems = [];
const problem = (s) => { if (problems.length < 20) problems.push(s); };
const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

async function decoderCycles(tracks) {
  const counts = { cycles: 0, flushed: 0, closedBusy: 0, frames: 0, errors: 0 };
  for (let i = 0; i < 200; i++) {
    const t = tracks[i % tracks.length];
    const k = 1 + (i % 4);
    const ts = [];
    let closed = false;
    let late = 0;
    const d = new wc.VideoDecoder({
      output(f) {
        if (closed) late++;
        ts.push(f.timestamp);
        f.close();
      },
      error(e) { counts.errors++; problem(`cycle ${i}: error callback ${errText(e)}`); },
    });
    d.configure(configOf(t));
    const chunks = t.chunks.slice(0, k).map((c) => chunkOf(c, i * OFF));
    for (const c of chunks) d.decode(c);
    if (i % 3 === 2) {
      d.close(); // mid-decode
      closed = true;
      await tick();
      counts.closedBusy++;
    } else {
      await d.flush();
      const want = sortedTimestamps(chunks);
      if (!same([...ts].sort((a, b) => a - b), want)) problem(`cycle ${i} ${FILES[i % FILES.length]}: frames ${ts} expected ${want}`);
      d.close();
      closed = true;
      counts.flushed++;
    }
    if (late) problem(`cycle ${i}: ${late} output(s) after close()`);
    if (d.state !== 'closed') problem(`cycle ${i}: state ${d.state} after close()`);
    counts.frames += ts.length;
    counts.cycles++;
  }
  return counts;
}

async function reconfigureCycles(tracks) {
  const counts = { cycles: 0, flushed: 0, resets: 0, abortedFlushes: 0, unflushed: 0, unflushedLost: 0, frames: 0, errors: 0 };
  let cycle = -1;
  let byCycle = new Map();
  let stale = 0;
  const dead = new Set(); // cycles ended by reset(): none of their outputs may arrive afterwards
  const d = new wc.VideoDecoder({
    output(f) {
      const c = Math.floor(f.timestamp / OFF);
      if (dead.has(c) || (c !== cycle && c !== cycle - 1)) stale++;
      if (!byCycle.has(c)) byCycle.set(c, []);
      byCycle.get(c).push(f.timestamp);
      f.close();
    },
    error(e) { counts.errors++; problem(`cycle ${cycle}: error callback ${errText(e)}`); },
  });
  let carried = null; // [cycle, chunks] of an unflushed cycle, flushed by the next one's flush
  for (let i = 0; i < 200; i++) {
    cycle = i;
    const t = tracks[i % tracks.length];
    const k = 1 + (i % 4);
    d.configure(configOf(t));
    const chunks = t.chunks.slice(0, k).map((c) => chunkOf(c, i * OFF));
    for (const c of chunks) d.decode(c);
    const kind = i % 5 === 4 ? 'reset' : i % 5 === 2 ? 'none' : 'flush';
    if (kind === 'reset') {
      const p = d.flush();
      d.reset();
      const err = await p.then(() => null, (e) => e);
      if (!(err instanceof DOMException && err.name === 'AbortError')) problem(`cycle ${i}: flush after reset: ${errText(err)}`);
      else counts.abortedFlushes++;
      counts.resets++;
      if (d.state !== 'unconfigured') problem(`cycle ${i}: state ${d.state} after reset()`);
      // whatever of cycle i arrived before reset() may stay; nothing may arrive from now on
      dead.add(i);
      byCycle = new Map();
      await tick();
      carried = null;
    } else if (kind === 'none') {
      // The next cycle's configure() is queued behind these decodes; check them after its flush.
      carried = [i, sortedTimestamps(chunks)];
      counts.unflushed++;
    } else {
      await d.flush();
      const got = (byCycle.get(i) || []).slice().sort((a, b) => a - b);
      if (!same(got, sortedTimestamps(chunks))) problem(`cycle ${i} ${FILES[i % FILES.length]}: frames ${got} expected ${sortedTimestamps(chunks)}`);
      if (carried) {
        // Frames of the unflushed cycle may be lost by the reconfigure (held in the old
        // codec): only check that none is foreign and none is duplicated.
        const [ci, want] = carried;
        const prev = (byCycle.get(ci) || []).slice().sort((a, b) => a - b);
        if (prev.some((x) => !want.includes(x)) || new Set(prev).size !== prev.length) problem(`cycle ${ci} (unflushed): frames ${prev} of ${want}`);
        counts.frames += prev.length;
        counts.unflushedLost += want.length - prev.length;
        carried = null;
      }
      counts.frames += got.length;
      counts.flushed++;
      byCycle = new Map();
    }
    counts.cycles++;
  }
  // The decoder still decodes a whole clip correctly.
  cycle = 1000;
  byCycle = new Map();
  const t = tracks[0];
  d.configure(configOf(t));
  for (const c of t.chunks) d.decode(chunkOf(c, 1000 * OFF));
  await d.flush();
  const finalTs = byCycle.get(1000) || [];
  counts.finalFrames = finalTs.length;
  counts.finalChunks = t.chunks.length;
  counts.finalTimestampsOk = same(finalTs, sortedTimestamps(t.chunks.map((c) => chunkOf(c, 1000 * OFF))));
  counts.stale = stale;
  d.close();
  return counts;
}

async function encoderCycles() {
  const W = 160;
  const H = 120;
  const CODECS = ['avc1.42000c', 'vp8', 'vp09.00.10.08'];
  const pics = [0, 1, 2].map((i) => i420Bytes(i, W, H));
  const counts = { cycles: 0, flushed: 0, closedBusy: 0, chunks: 0, errors: 0 };
  for (let i = 0; i < 100; i++) {
    const codec = CODECS[i % CODECS.length];
    const got = [];
    let closed = false;
    let late = 0;
    const e = new wc.VideoEncoder({
      output(chunk, meta) {
        if (closed) late++;
        got.push({ type: chunk.type, timestamp: chunk.timestamp, bytes: chunk.byteLength, hasConfig: !!(meta && meta.decoderConfig) });
      },
      error(err) { counts.errors++; problem(`encoder cycle ${i} ${codec}: error callback ${errText(err)}`); },
    });
    e.configure({ codec, width: W, height: H, bitrate: 200000, framerate: 30, latencyMode: 'realtime' });
    for (let j = 0; j < 3; j++) {
      const f = frameOf(pics[j], W, H, i * OFF + j * 33333);
      e.encode(f, { keyFrame: j === 0 });
      f.close();
    }
    if (i % 4 === 3) {
      e.close();
      closed = true;
      await tick();
      counts.closedBusy++;
    } else {
      await e.flush();
      const want = [0, 1, 2].map((j) => i * OFF + j * 33333);
      if (!same(got.map((c) => c.timestamp), want)) problem(`encoder cycle ${i} ${codec}: timestamps ${got.map((c) => c.timestamp)}`);
      if (!got.length || got[0].type !== 'key' || !got[0].hasConfig) problem(`encoder cycle ${i} ${codec}: first chunk ${JSON.stringify(got[0])}`);
      if (got.some((c) => c.bytes === 0)) problem(`encoder cycle ${i} ${codec}: an empty chunk`);
      e.close();
      closed = true;
      counts.flushed++;
    }
    if (late) problem(`encoder cycle ${i}: ${late} output(s) after close()`);
    counts.chunks += got.length;
    counts.cycles++;
  }
  return counts;
}

async function main() {
  const t0 = Date.now();
  let counts;
  if (mode === 'encoder-cycles') {
    counts = await encoderCycles();
  } else {
    const tracks = await Promise.all(FILES.map((f) => loadTrack(f)));
    counts = mode === 'decoder-cycles' ? await decoderCycles(tracks) : await reconfigureCycles(tracks);
  }
  emit({ mode, ...counts, problems, ms: Date.now() - t0 });
}

if (mode) main().catch((e) => { console.error(e); process.exitCode = 99; });
