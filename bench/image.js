#!/usr/bin/env node
'use strict';
// ImageDecoder benchmarks: this library and the ffmpeg CLI alternated on the same file in one run
// (JSON lines, then a Markdown table of medians and per-round ranges).
//
//   node bench/image.js [--rounds N] [--case substring ...] [--json-only]
//
// Inputs (made once into bench/out/image/ with ffmpeg):
//   a 4K JPEG (3840x2160 4:2:0, testsrc2 with film-grain noise, -q:v 2: about 3 MB), decoded 10 times;
//   a 100-frame animated GIF (640x360, 10 fps, one palette, ffmpeg's sub-rectangle/transparency
//   optimisation), every frame decoded once, in order.
// Sides:
//   lib      a fresh node process (this file with --child): the file already in memory; per pass a new
//            ImageDecoder({type, data}), tracks.ready, decode() of every frame in order (each VideoFrame
//            closed); the clock from the first constructor to the last frame; CPU time of the whole
//            process (the decoder's worker thread included); event-loop delay sampled meanwhile
//   ffmpeg   `ffmpeg -benchmark -threads auto [-loop 1 -frames:v 10] -i <file> -f null -` (its
//            processing-loop times: demuxing and decoding, no output conversion: -f null takes any
//            pixel format, as our frames stay in theirs)
// Speed = ffmpeg's time / ours (above 1: faster than the CLI).
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const OUT = path.join(__dirname, 'out', 'image');

const CASES = [
  { name: 'decode a 4K JPEG (x10)', file: 'photo-3840x2160.jpg', type: 'image/jpeg', passes: 10,
    make: ['-f', 'lavfi', '-i', 'testsrc2=s=3840x2160,noise=alls=12:allf=t', '-frames:v', '1', '-pix_fmt', 'yuvj420p', '-q:v', '2'],
    ffmpegIn: ['-loop', '1', '-framerate', '1'], ffmpegOut: ['-frames:v', '10'] },
  { name: 'decode a 100-frame animated GIF', file: 'anim-640x360-100.gif', type: 'image/gif', passes: 1,
    make: ['-f', 'lavfi', '-i', 'testsrc2=s=640x360:r=10:d=10', '-filter_complex',
      'split[a][b];[a]palettegen=stats_mode=full[p];[b][p]paletteuse', '-loop', '0'],
    ffmpegIn: [], ffmpegOut: [] },
];

function ensureInput(c) {
  fs.mkdirSync(OUT, { recursive: true });
  const file = path.join(OUT, c.file);
  if (!fs.existsSync(file)) {
    const tmp = path.join(OUT, `tmp-${process.pid}-${c.file}`); // whole files only under the real name
    const r = spawnSync('ffmpeg', ['-v', 'error', '-y', ...c.make, tmp], { encoding: 'utf8' });
    if (r.status !== 0) {
      fs.rmSync(tmp, { force: true });
      throw new Error(`could not make ${file}\n${r.stderr}`);
    }
    fs.renameSync(tmp, file);
  }
  return file;
}

// ---------------------------------------------------------------- the library side (child process)

async function child(file, type, passes) {
  const { monitorEventLoopDelay } = require('node:perf_hooks');
  const wc = require('..');
  const bytes = new Uint8Array(fs.readFileSync(file));
  let frames = 0;
  let width = 0;
  let height = 0;
  let format = '';
  const h = monitorEventLoopDelay({ resolution: 1 });
  global.gc?.();
  const cpu0 = process.cpuUsage();
  h.enable();
  const t0 = performance.now();
  for (let p = 0; p < passes; p++) {
    const d = new wc.ImageDecoder({ type, data: bytes });
    await d.tracks.ready;
    const n = d.tracks.selectedTrack.frameCount;
    for (let i = 0; i < n; i++) {
      const { image } = await d.decode({ frameIndex: i });
      width = image.codedWidth;
      height = image.codedHeight;
      format = image.format;
      image.close();
      frames++;
    }
    d.close();
  }
  const wallMs = performance.now() - t0;
  h.disable();
  const cpu = process.cpuUsage(cpu0);
  const ms = (ns) => Math.round((ns / 1e6) * 100) / 100;
  process.stdout.write(`${JSON.stringify({ frames, width, height, format, wallMs, cpuMs: (cpu.user + cpu.system) / 1000,
    loop: { p50: ms(h.percentile(50)), p99: ms(h.percentile(99)), max: ms(h.max) }, maxRssKiB: process.resourceUsage().maxRSS })}\n`);
}

// ---------------------------------------------------------------- the runner

function runLib(c, file) {
  const r = spawnSync(process.execPath, ['--expose-gc', __filename, '--child', file, c.type, String(c.passes)], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`${c.name}: library run failed\n${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

function runFfmpeg(c, file) {
  const r = spawnSync('ffmpeg', ['-hide_banner', '-nostdin', '-benchmark', '-threads', 'auto', ...c.ffmpegIn, '-i', file, ...c.ffmpegOut, '-f', 'null', '-'],
    { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`${c.name}: ffmpeg failed\n${r.stderr}`);
  const m = /bench: utime=([\d.]+)s stime=([\d.]+)s rtime=([\d.]+)s/.exec(r.stderr);
  const rss = /bench: maxrss=(\d+)/.exec(r.stderr);
  const fr = [...r.stderr.matchAll(/frame=\s*(\d+)/g)].pop();
  return { frames: fr ? Number(fr[1]) : null, wallMs: Number(m[3]) * 1000, cpuMs: (Number(m[1]) + Number(m[2])) * 1000, maxRssKiB: rss ? Number(rss[1]) : null };
}

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const n = s.length; return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2; };
const fix = (x, d = 2) => (x === null || x === undefined || Number.isNaN(x) ? '-' : x.toFixed(d));

function main() {
  const args = process.argv.slice(2);
  if (args[0] === '--child') return child(args[1], args[2], Number(args[3]));
  const opt = (n, def) => { const i = args.indexOf(n); return i >= 0 ? args[i + 1] : def; };
  const rounds = Number(opt('--rounds', 5));
  const only = args.filter((a, i) => args[i - 1] === '--case');
  const cases = CASES.filter((c) => !only.length || only.some((o) => c.name.includes(o)));
  const files = new Map(cases.map((c) => [c.name, ensureInput(c)]));
  const res = new Map(cases.map((c) => [c.name, { lib: [], ffmpeg: [] }]));
  for (let round = 0; round < rounds; round++) {
    for (const c of cases) {
      const sides = [['lib', runLib], ['ffmpeg', runFfmpeg]];
      for (const [side, fn] of round % 2 ? [...sides].reverse() : sides) {
        const r = fn(c, files.get(c.name));
        res.get(c.name)[side].push(r);
        console.log(JSON.stringify({ case: c.name, side, round, ...r }));
      }
    }
  }
  if (args.includes('--json-only')) return;
  console.log('\n| case | frames (lib / ffmpeg) | speed vs `ffmpeg`: median (range) | wall ms: lib / ffmpeg | CPU ms: lib / ffmpeg | event-loop p99 / max (ms) | max RSS MiB: lib / ffmpeg |');
  console.log('|---|---|---|---|---|---|---|');
  for (const c of cases) {
    const r = res.get(c.name);
    const ratios = r.lib.map((l, i) => r.ffmpeg[i].wallMs / l.wallMs);
    const med = (side, k) => median(r[side].map((x) => x[k]));
    console.log(`| ${c.name} | ${r.lib[0].frames} / ${r.ffmpeg[0].frames} | ${fix(median(ratios))}x (${fix(Math.min(...ratios))}-${fix(Math.max(...ratios))}) | ` +
      `${fix(med('lib', 'wallMs'), 0)} / ${fix(med('ffmpeg', 'wallMs'), 0)} | ${fix(med('lib', 'cpuMs'), 0)} / ${fix(med('ffmpeg', 'cpuMs'), 0)} | ` +
      `${fix(median(r.lib.map((x) => x.loop.p99)))} / ${fix(Math.max(...r.lib.map((x) => x.loop.max)))} | ` +
      `${fix(med('lib', 'maxRssKiB') / 1024, 0)} / ${fix(med('ffmpeg', 'maxRssKiB') / 1024, 0)} |`);
  }
}

main();
