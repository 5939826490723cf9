#!/usr/bin/env node
'use strict';
// Encoder quality, size, delay and speed: every encoder in both latency modes at the same
// bitrate, each run in a fresh process (bench/child.js), one JSON line per run, then a table.
//
//   node bench/encoder-quality.js [--case substring ...] [--rounds N] [--threads N]
//
// PSNR: the chunks decoded by the ffmpeg CLI against the raw source (average over the frames
// from the mean squared error, and the worst frame). Delay: frames the encoder held before its
// first chunk, and the most it held at any time (bench/child.js). --threads sets
// WEBCODECS_NATIVE_ENCODER_THREADS (0: automatic), e.g. to see the delay of a many-core machine.
// fps numbers are only worth reporting from a quiet machine (/work/bin/quiet here); CPU ms per
// frame is the load-independent figure.
const { spawnSync } = require('node:child_process');
const path = require('node:path');
const { QUALITY_CASES } = require('./cases');
const { ensureRaw } = require('./raw');

const args = process.argv.slice(2);
const opt = (name, def) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : def;
};
const only = args.filter((a, i) => args[i - 1] === '--case');
const rounds = Number(opt('--rounds', 1));
const threads = opt('--threads', null);
const cases = QUALITY_CASES.filter((c) => only.length === 0 || only.some((o) => c.name.includes(o)));
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const rows = [];
for (const c of cases) {
  ensureRaw(c.raw);
  const runs = [];
  for (let round = 0; round < rounds; round++) {
    const lib = { ...c.lib, raw: path.join(__dirname, '..', c.lib.raw), psnr: round === 0 };
    const env = { ...process.env, ...(threads !== null ? { WEBCODECS_NATIVE_ENCODER_THREADS: threads } : {}) };
    const r = spawnSync(process.execPath, [path.join(__dirname, 'child.js'), JSON.stringify(lib)], { encoding: 'utf8', env, maxBuffer: 1 << 24 });
    if (r.status !== 0) throw new Error(`${c.name}: run failed\n${r.stderr}`);
    const j = JSON.parse(r.stdout.trim().split('\n').pop());
    console.log(JSON.stringify({ case: c.name, round, threads, ...j }));
    runs.push(j);
  }
  rows.push([c, runs]);
}
console.log(`\n${rounds} round(s); encoder threads ${threads ?? 'default'}; ${spawnSync('ffmpeg', ['-version'], { encoding: 'utf8' }).stdout.split('\n')[0]}\n`);
console.log('| case | frames | kb/s | PSNR avg dB | PSNR worst frame dB | first chunk after (frames) | max held (frames) | fps | CPU ms/frame |');
console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const [c, runs] of rows) {
  const p = runs[0].psnr;
  const fps = median(runs.map((x) => (x.frames / x.wallMs) * 1000));
  const cpu = median(runs.map((x) => x.cpuMs / x.frames));
  console.log(`| ${c.name} | ${runs[0].frames} | ${runs[0].kbps} | ${p.avg.toFixed(2)} | ${p.min.toFixed(2)} | ${runs[0].delay.firstChunkAfter} | ` +
    `${runs[0].delay.max} | ${fps.toFixed(1)} | ${cpu.toFixed(1)} |`);
}
