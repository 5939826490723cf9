#!/usr/bin/env node
'use strict';
// Audio decode benchmarks: this library, the ffmpeg CLI and libavcodec alone, alternated on the
// same input in one run (JSON lines, then a Markdown table of medians and per-round ranges).
//
//   node bench/audio.js [--rounds N] [--case substring ...] [--json-only]
//
// Inputs (made once into bench/out/audio/ with ffmpeg, from pink noise plus a tone, stereo):
// 10 minutes of AAC-LC (m4a, 128 kb/s), Opus (ogg, 96 kb/s, 20 ms), MP3 (128 kb/s), FLAC (16-bit),
// all at 44.1 kHz but Opus (48 kHz); and an hour of AAC and of Opus for the chunk-overhead cases.
// Sides:
//   lib      a fresh node process (this file with --child): every packet of the file already in
//            memory as an EncodedAudioChunk, the clock from the first decode() to flush()
//            resolving, decodeQueueSize kept <= 64 with dequeue events, every AudioData closed;
//            event-loop delay and RSS sampled on the way (every 10,000 chunks)
//   ffmpeg   `ffmpeg -benchmark -threads auto -i <file> -f null -` (its processing-loop times)
//   libavcodec-alone  bench/audio_tool.c decode: avcodec_send_packet/receive_frame over the same
//            packets in memory, nothing else (the ceiling for anything on libavcodec)
//   floor    (the hour cases) bench/audio_tool.c pipe: the same decode split over two threads the
//            way the library splits it (packets copied in by one thread, decoded and the frames
//            copied out by another, handed back with the same queue and wake-up rule), in plain C
//            with nothing else: the best the library's design can do on this machine
// The packets of both our side and the ceiling come from libavformat (bench/audio_tool.c dump):
// benchmark tooling only, the addon does not link libavformat.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { threadCpu, threadSwitches } = require('./threads');

const OUT = path.join(__dirname, 'out', 'audio');
const QUEUE = Number(process.env.WC_BENCH_AUDIO_QUEUE || 64); // decodeQueueSize the producer keeps
const TOOL = path.join(__dirname, 'out', 'audio_tool');

// A source filter graph of pink noise + a tone, stereo (lavfi needs the graph in one -i).
const graph = (seconds, rate) => ['-f', 'lavfi', '-i',
  `anoisesrc=c=pink:r=${rate}:a=0.25:d=${seconds}[n];sine=f=440:r=${rate}:d=${seconds}[s];[n][s]amix=inputs=2,pan=stereo|c0=c0|c1=c0,volume=0.8`];

const CASES = [
  { name: 'decode AAC-LC 10 min', file: 'aac-600.m4a', codec: 'mp4a.40.2', id: 'aac', make: [...graph(600, 44100), '-c:a', 'aac', '-b:a', '128k'] },
  { name: 'decode Opus 10 min', file: 'opus-600.ogg', codec: 'opus', id: 'opus', make: [...graph(600, 48000), '-c:a', 'libopus', '-b:a', '96k'] },
  { name: 'decode MP3 10 min', file: 'mp3-600.mp3', codec: 'mp3', id: 'mp3', make: [...graph(600, 44100), '-c:a', 'libmp3lame', '-b:a', '128k'] },
  { name: 'decode FLAC 10 min', file: 'flac-600.flac', codec: 'flac', id: 'flac', make: [...graph(600, 44100), '-c:a', 'flac', '-sample_fmt', 's16'] },
  { name: 'decode an hour of AAC-LC (155,000 chunks)', file: 'aac-3600.m4a', codec: 'mp4a.40.2', id: 'aac', hour: true,
    make: [...graph(3600, 44100), '-c:a', 'aac', '-b:a', '128k'] },
  { name: 'decode an hour of Opus (180,000 chunks)', file: 'opus-3600.ogg', codec: 'opus', id: 'opus', hour: true,
    make: [...graph(3600, 48000), '-c:a', 'libopus', '-b:a', '96k'] },
];

function ensureTool() {
  if (fs.existsSync(TOOL) && fs.statSync(TOOL).mtimeMs > fs.statSync(path.join(__dirname, 'audio_tool.c')).mtimeMs) return;
  const flags = spawnSync('pkg-config', ['--cflags', '--libs', 'libavformat', 'libavcodec', 'libavutil'], { encoding: 'utf8' });
  if (flags.status !== 0) throw new Error('bench/audio.js needs pkg-config and libavformat-dev for bench/audio_tool.c');
  fs.mkdirSync(path.dirname(TOOL), { recursive: true });
  const r = spawnSync(process.env.CC || 'cc', ['-O2', '-Wall', '-Wextra', path.join(__dirname, 'audio_tool.c'), '-o', TOOL,
    ...flags.stdout.trim().split(/\s+/)], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`could not build bench/audio_tool.c\n${r.stderr}`);
}

function ensureInput(c) {
  fs.mkdirSync(OUT, { recursive: true });
  const file = path.join(OUT, c.file);
  const pkts = `${file}.pkts`;
  if (!fs.existsSync(file)) {
    const r = spawnSync('ffmpeg', ['-v', 'error', '-y', ...c.make, file], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`could not make ${file}\n${r.stderr}`);
  }
  if (!fs.existsSync(pkts)) {
    const r = spawnSync(TOOL, ['dump', file, pkts], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`could not dump ${file}\n${r.stderr}`);
  }
  return { file, pkts };
}

function readPackets(pkts) {
  const b = fs.readFileSync(pkts);
  if (b.toString('latin1', 0, 4) !== 'WCPK') throw new Error('not a packet dump');
  const ex = b.readUInt32LE(4);
  const extradata = new Uint8Array(b.subarray(8, 8 + ex));
  let p = 8 + ex;
  const num = b.readUInt32LE(p);
  const den = b.readUInt32LE(p + 4);
  p += 8;
  const packets = [];
  while (p + 12 <= b.length) {
    const n = b.readUInt32LE(p);
    const pts = Number(b.readBigInt64LE(p + 4));
    p += 12;
    packets.push({ timestamp: Math.round((pts * num * 1e6) / den), data: b.subarray(p, p + n) });
    p += n;
  }
  return { extradata, packets };
}

// ---------------------------------------------------------------- the library side (child process)

async function child(pkts, codec) {
  const { monitorEventLoopDelay } = require('node:perf_hooks');
  const wc = require('..');
  const { extradata, packets } = readPackets(pkts);
  let description = extradata.length ? extradata : undefined;
  if (codec === 'flac' && description && description.length === 34) description = Uint8Array.from([...Buffer.from('fLaC'), 0x80, 0, 0, 34, ...description]);
  if (codec === 'mp3') description = undefined;
  const chunks = packets.map((x) => new wc.EncodedAudioChunk({ type: 'key', timestamp: x.timestamp, data: x.data }));
  let frames = 0;
  let samples = 0;
  const rss = [];
  const d = new wc.AudioDecoder({
    output(a) { frames++; samples += a.numberOfFrames; a.close(); },
    error(e) { console.error(e); process.exit(1); },
  });
  d.configure({ codec, sampleRate: 48000, numberOfChannels: 2, ...(description ? { description } : {}) });
  const h = monitorEventLoopDelay({ resolution: 1 });
  const dequeued = () => new Promise((res) => d.addEventListener('dequeue', res, { once: true }));
  global.gc?.();
  const rss0 = process.memoryUsage().rss;
  const cpu0 = process.cpuUsage();
  const taskCpu0 = threadCpu();
  const taskSw0 = threadSwitches();
  h.enable();
  const t0 = performance.now();
  for (let i = 0; i < chunks.length; i++) {
    d.decode(chunks[i]);
    while (d.decodeQueueSize > QUEUE) await dequeued();
    if (i % 10000 === 9999) rss.push(Math.round(process.memoryUsage().rss / 1024));
  }
  await d.flush();
  const wallMs = performance.now() - t0;
  h.disable();
  const cpu = process.cpuUsage(cpu0);
  const stats = d.stats; // non-standard: time the worker spent in the codec per chunk
  const threads = threadCpu(taskCpu0);
  const switches = threadSwitches(taskSw0);
  d.close();
  const ms = (ns) => Math.round((ns / 1e6) * 100) / 100;
  process.stdout.write(`${JSON.stringify({ packets: chunks.length, frames, samples, wallMs, cpuMs: (cpu.user + cpu.system) / 1000,
    loop: { p50: ms(h.percentile(50)), p99: ms(h.percentile(99)), max: ms(h.max) }, rssStartKiB: Math.round(rss0 / 1024), rssKiB: rss,
    workerCodecMs: Math.round(stats.meanMs * stats.inputs), threadCpuMs: threads.cpu, threadRunqueueMs: threads.runqueue,
    threadSwitches: switches })}\n`);
}

// ---------------------------------------------------------------- the runner

function runLib(c, io) {
  const r = spawnSync(process.execPath, ['--expose-gc', __filename, '--child', io.pkts, c.codec], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`${c.name}: library run failed\n${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

function runFfmpeg(c, io) {
  const r = spawnSync('ffmpeg', ['-hide_banner', '-nostdin', '-benchmark', '-threads', 'auto', '-i', io.file, '-f', 'null', '-'], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`${c.name}: ffmpeg failed\n${r.stderr}`);
  const m = /bench: utime=([\d.]+)s stime=([\d.]+)s rtime=([\d.]+)s/.exec(r.stderr);
  const rss = /bench: maxrss=(\d+)/.exec(r.stderr);
  return { wallMs: Number(m[3]) * 1000, cpuMs: (Number(m[1]) + Number(m[2])) * 1000, maxRssKiB: rss ? Number(rss[1]) : null };
}

function runCeiling(c, io) {
  const r = spawnSync(TOOL, ['decode', io.pkts, c.id], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${c.name}: audio_tool decode failed\n${r.stderr}`);
  const j = JSON.parse(r.stdout.trim());
  return { packets: j.packets, frames: j.frames, samples: j.samples, wallMs: j.wall_s * 1000, cpuMs: j.cpu_ms, decoder: j.decoder };
}

function runFloor(c, io) {
  const r = spawnSync(TOOL, ['pipe', io.pkts, c.id, String(QUEUE)], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${c.name}: audio_tool pipe failed\n${r.stderr}`);
  const j = JSON.parse(r.stdout.trim());
  return { packets: j.packets, frames: j.frames, samples: j.samples, wallMs: j.wall_s * 1000, cpuMs: j.cpu_ms, decoderThreadCpuMs: j.decoder_thread_cpu_ms,
    queue: j.queue, producerWakes: j.producer_wakes, decoderWakes: j.decoder_wakes };
}

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const n = s.length; return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2; };
const fix = (x, d = 2) => (x === null || x === undefined || Number.isNaN(x) ? '-' : x.toFixed(d));

function main() {
  const args = process.argv.slice(2);
  if (args[0] === '--child') return child(args[1], args[2]);
  const opt = (n, def) => { const i = args.indexOf(n); return i >= 0 ? args[i + 1] : def; };
  const rounds = Number(opt('--rounds', 3));
  const only = args.filter((a, i) => args[i - 1] === '--case');
  const cases = CASES.filter((c) => !only.length || only.some((o) => c.name.includes(o)));
  ensureTool();
  const ios = new Map(cases.map((c) => [c.name, ensureInput(c)]));
  const res = new Map(cases.map((c) => [c.name, { lib: [], ffmpeg: [], ceiling: [], floor: [] }]));
  for (let round = 0; round < rounds; round++) {
    for (const c of cases) {
      const io = ios.get(c.name);
      const sides = c.hour ? [['lib', runLib], ['ceiling', runCeiling], ['floor', runFloor]] : [['lib', runLib], ['ffmpeg', runFfmpeg], ['ceiling', runCeiling]];
      for (const [side, fn] of round % 2 ? [...sides].reverse() : sides) {
        const r = fn(c, io);
        res.get(c.name)[side].push(r);
        console.log(JSON.stringify({ case: c.name, side, round, ...r }));
      }
    }
  }
  if (args.includes('--json-only')) return;
  console.log(`\n(queue: ${QUEUE} chunks; floor: the two-thread C pipeline, bench/audio_tool.c pipe)`);
  console.log('| case | speed vs `ffmpeg`: median (range) | speed vs libavcodec alone: median (range) | floor vs alone; lib vs floor | CPU ms: lib / ffmpeg / alone | event-loop p99 / max (ms) | RSS KiB at 10k chunks -> end |');
  console.log('|---|---|---|---|---|---|---|');
  for (const c of cases) {
    const r = res.get(c.name);
    const ratio = (other) => (r[other].length ? r.lib.map((l, i) => r[other][i].wallMs / l.wallMs) : []);
    const vsFf = ratio('ffmpeg');
    const vsC = ratio('ceiling');
    const floorVsC = r.floor.map((f, i) => r.ceiling[i].wallMs / f.wallMs);
    const vsFloor = ratio('floor');
    const range = (xs) => (xs.length ? `${fix(median(xs))}x (${fix(Math.min(...xs))}-${fix(Math.max(...xs))})` : '-');
    const last = r.lib[r.lib.length - 1];
    const mem = last.rssKiB.length ? `${last.rssKiB[0]} -> ${last.rssKiB[last.rssKiB.length - 1]}` : '-';
    const floor = r.floor.length ? `${range(floorVsC)}; ${range(vsFloor)}` : '-';
    console.log(`| ${c.name} | ${range(vsFf)} | ${range(vsC)} | ${floor} | ${fix(median(r.lib.map((x) => x.cpuMs)), 0)} / ${r.ffmpeg.length ? fix(median(r.ffmpeg.map((x) => x.cpuMs)), 0) : '-'} / ${fix(median(r.ceiling.map((x) => x.cpuMs)), 0)} | ${fix(median(r.lib.map((x) => x.loop.p99)))} / ${fix(Math.max(...r.lib.map((x) => x.loop.max)))} | ${mem} |`);
  }
}

main();
