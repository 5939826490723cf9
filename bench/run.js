#!/usr/bin/env node
'use strict';
// npm run bench: this library and the ffmpeg CLI, alternated on the same input and
// settings in one run. Prints a JSON line per measurement, then a Markdown table of
// medians and per-round ratios.
//
//   node bench/run.js [--rounds N] [--case name-substring ...] [--json-only]
//   node bench/run.js --from run.jsonl [--case ...]   (the table again from a saved run's JSON lines)
//
// Library runs are fresh processes (bench/child.js); the clock runs from the first
// decode() to flush() resolving, with the clip already demuxed in memory. FFmpeg runs
// with -benchmark, which reports the wall-clock (rtime) and CPU (utime + stime) of
// its own processing loop, excluding process start-up. On the IVF decode cases (VP8,
// VP9, AV1) a third side runs: bench/ceiling.c, libavcodec's send/receive loop alone
// on the file already in memory (no demuxer, filters, muxer or JS), the ceiling for
// any decoder built on libavcodec. It is built here with cc and pkg-config; without
// them that side is left out.
const { spawnSync } = require('node:child_process');
const os = require('node:os');
const path = require('node:path');
const { CASES } = require('./cases');

const args = process.argv.slice(2);
const opt = (name, def) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : def;
};
const rounds = Number(opt('--rounds', 5));
const only = args.filter((a, i) => args[i - 1] === '--case');
const jsonOnly = args.includes('--json-only');
const fixtures = path.join(__dirname, '..', 'test', 'fixtures');

const { ensureRaw } = require('./raw');

function runLib(c) {
  if (c.raw) ensureRaw(c.raw);
  const lib = c.lib.raw ? { ...c.lib, raw: path.join(__dirname, '..', c.lib.raw) } : c.lib;
  const r = spawnSync(process.execPath, [path.join(__dirname, 'child.js'), JSON.stringify(lib)], {
    encoding: 'utf8', env: { ...process.env, ...(c.env || {}) }, maxBuffer: 1 << 24,
  });
  if (r.status !== 0) throw new Error(`${c.name}: library run failed\n${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

function runFfmpeg(c) {
  if (c.raw) ensureRaw(c.raw);
  const argv = ['-hide_banner', '-nostdin', '-benchmark', ...c.ffmpeg.map((a) => (a === '$IN' ? path.join(fixtures, c.lib.file)
    : a === '$RAW' ? path.join(__dirname, '..', c.raw.raw) : a))];
  const r = spawnSync('ffmpeg', argv, { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`${c.name}: ffmpeg failed\n${r.stderr}`);
  const m = /bench: utime=([\d.]+)s stime=([\d.]+)s rtime=([\d.]+)s/.exec(r.stderr);
  const rss = /bench: maxrss=(\d+)/.exec(r.stderr);
  const frames = [...r.stderr.matchAll(/frame=\s*(\d+)/g)].pop();
  if (!m) throw new Error(`${c.name}: no -benchmark line from ffmpeg\n${r.stderr}`);
  return {
    frames: frames ? Number(frames[1]) : c.frames,
    wallMs: Number(m[3]) * 1000,
    cpuMs: (Number(m[1]) + Number(m[2])) * 1000,
    maxRssKiB: rss ? Number(rss[1]) : null,
  };
}

let ceilingBin; // path of the built bench/ceiling.c, or null when it cannot be built
function ceilingAvailable() {
  if (ceilingBin !== undefined) return ceilingBin;
  const fs = require('node:fs');
  const out = path.join(__dirname, 'out', 'ceiling');
  const flags = spawnSync('pkg-config', ['--cflags', '--libs', 'libavcodec', 'libavutil'], { encoding: 'utf8' });
  fs.mkdirSync(path.dirname(out), { recursive: true });
  const cc = flags.status === 0 && spawnSync(process.env.CC || 'cc', ['-O2', '-Wall', '-Wextra', path.join(__dirname, 'ceiling.c'), '-o', out,
    ...flags.stdout.trim().split(/\s+/)], { encoding: 'utf8' });
  ceilingBin = cc && cc.status === 0 ? out : null;
  if (!ceilingBin) console.error(`bench: the libavcodec-alone side is left out (could not build bench/ceiling.c)${cc ? `\n${cc.stderr}` : ''}`);
  return ceilingBin;
}

// threads 0: FFmpeg's auto count, as the library and `ffmpeg -threads auto` use
function runCeiling(c) {
  const r = spawnSync(ceilingBin, [path.join(fixtures, c.lib.file), String(c.lib.repeat || 1), '0'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${c.name}: bench/ceiling failed\n${r.stderr}`);
  const j = JSON.parse(r.stdout.trim());
  return { frames: j.frames, wallMs: j.wall_s * 1000, cpuMs: j.cpu_ms_per_frame * j.frames, decoder: j.decoder };
}
const hasCeiling = (c) => c.lib.kind === 'decode' && /\.ivf$/.test(c.lib.file) && !c.lib.copyTo;

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
};
const fix = (x, d = 1) => (x === null || x === undefined || Number.isNaN(x) ? '-' : x.toFixed(d));

const from = opt('--from', null);
const cases = CASES.filter((c) => only.length === 0 || only.some((o) => c.name.includes(o)));
const results = new Map(cases.map((c) => [c.name, { lib: [], ffmpeg: [], ffmpeg1: [], ceiling: [] }]));
let roundsRun = rounds;
if (from) {
  // the table again from the JSON lines of an earlier run
  const sides = { lib: 'lib', ffmpeg: 'ffmpeg', 'ffmpeg-threads1': 'ffmpeg1', 'libavcodec-alone': 'ceiling' };
  roundsRun = 0;
  for (const line of require('node:fs').readFileSync(from, 'utf8').split('\n')) {
    if (!line.startsWith('{')) continue;
    const { case: name, side, ...r } = JSON.parse(line);
    delete r.round;
    const res = results.get(name);
    if (!res || !sides[side]) continue;
    res[sides[side]].push(r);
    if (side === 'lib') roundsRun = Math.max(roundsRun, res.lib.length); // files of several runs may be concatenated
  }
  for (const [name, r] of results) if (!r.lib.length) results.delete(name);
}
for (let round = 0; !from && round < rounds; round++) {
  for (const c of cases) {
    const res = results.get(c.name);
    // alternate the order each round so neither side always runs on a warmer machine
    const order = round % 2 ? ['ffmpeg', 'lib'] : ['lib', 'ffmpeg'];
    for (const side of order) {
      if (side === 'ffmpeg' && !c.ffmpeg) continue;
      const r = side === 'lib' ? runLib(c) : runFfmpeg(c);
      res[side].push(r);
      console.log(JSON.stringify({ case: c.name, round, side, ...r }));
    }
    if (c.ffmpeg1) {
      const r = runFfmpeg({ ...c, ffmpeg: c.ffmpeg1 });
      res.ffmpeg1.push(r);
      console.log(JSON.stringify({ case: c.name, round, side: 'ffmpeg-threads1', ...r }));
    }
    if (hasCeiling(c) && ceilingAvailable()) {
      const r = runCeiling(c);
      res.ceiling.push(r);
      console.log(JSON.stringify({ case: c.name, round, side: 'libavcodec-alone', ...r }));
    }
  }
}

if (!jsonOnly) {
  const cpu = os.cpus();
  console.log(`\n${roundsRun} interleaved rounds${from ? ` (from ${from})` : ''}; ${cpu.length} x ${cpu[0] && cpu[0].model}; node ${process.version}; ` +
    `${spawnSync('ffmpeg', ['-version'], { encoding: 'utf8' }).stdout.split('\n')[0]}\n`);
  console.log('| case | frames | lib fps | ffmpeg fps | fps ratio: median (min-max of rounds) | lib CPU ms/frame | ffmpeg -threads 1 CPU ms/frame | CPU ratio | loop p50 / p99 / max ms | first frame ms | lib peak RSS MiB | other |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|');
  for (const c of cases) {
    const r = results.get(c.name);
    if (!r) continue;
    const fps = (x) => (x.frames / x.wallMs) * 1000;
    const libFps = median(r.lib.map(fps));
    const ffFps = r.ffmpeg.length ? median(r.ffmpeg.map(fps)) : null;
    const ratios = r.ffmpeg.length ? r.lib.map((x, i) => fps(x) / fps(r.ffmpeg[i])) : [];
    const ratio = ratios.length ? `${fix(median(ratios), 3)} (${fix(Math.min(...ratios), 2)}-${fix(Math.max(...ratios), 2)})` : '-';
    const other = [];
    if (r.lib[0].copyMsMedian !== undefined) other.push(`copyTo median ${fix(median(r.lib.map((x) => x.copyMsMedian)), 3)} ms, p99 ${fix(median(r.lib.map((x) => x.copyMsP99)), 3)} ms`);
    if (r.lib[0].rssSlopeKiBPerFrame !== undefined) other.push(`RSS slope ${fix(median(r.lib.map((x) => x.rssSlopeKiBPerFrame)), 4)} KiB/frame after 2,000 frames, end ${fix(median(r.lib.map((x) => x.rssEndMiB)), 0)} MiB`);
    if (r.ceiling.length) {
      const cr = r.lib.slice(0, r.ceiling.length).map((x, i) => fps(x) / fps(r.ceiling[i]));
      other.push(`libavcodec alone (${r.ceiling[0].decoder}, no pipeline) ${fix(median(r.ceiling.map(fps)))} fps: lib/it ${fix(median(cr), 3)} (${fix(Math.min(...cr), 2)}-${fix(Math.max(...cr), 2)})`);
    }
    if (r.lib[0].heldMiBPerFrame !== undefined) other.push(`${fix(median(r.lib.map((x) => x.heldMiBPerFrame)), 2)} MiB of RSS per held frame (${fix(r.lib[0].frameBytes / 1048576, 2)} MiB of pixels)`);
    const libCpu = median(r.lib.map((x) => x.cpuMs / x.frames));
    const ff1 = r.ffmpeg1.length ? median(r.ffmpeg1.map((x) => x.cpuMs / x.frames)) : null;
    console.log(`| ${c.name} | ${r.lib[0].frames} | ${fix(libFps)} | ${fix(ffFps)} | ${ratio} | ${fix(libCpu, 3)} | ${fix(ff1, 3)} | ${ff1 ? fix(libCpu / ff1, 3) : '-'} | ` +
      `${fix(median(r.lib.map((x) => x.loop.p50)), 2)} / ${fix(median(r.lib.map((x) => x.loop.p99)), 2)} / ${fix(median(r.lib.map((x) => x.loop.max)), 2)} | ` +
      `${fix(median(r.lib.map((x) => x.firstFrameMs)), 1)} | ${fix(median(r.lib.map((x) => x.maxRssKiB / 1024)), 0)} | ${other.join('; ')} |`);
  }
}
