#!/usr/bin/env node
'use strict';
// npm run bench: this library and the ffmpeg CLI, alternated on the same input and
// settings in one run. Prints a JSON line per measurement, then a Markdown table of
// medians and per-round ratios.
//
//   node bench/run.js [--rounds N] [--case name-substring ...] [--hog x264|spinner] [--peers] [--json-only]
//   node bench/run.js --from run.jsonl [--case ...]   (the table again from a saved run's JSON lines)
//
// Library runs are fresh processes (bench/child.js); the clock runs from the first
// decode() to flush() resolving, with the clip already demuxed in memory. FFmpeg runs
// with -benchmark, which reports the wall-clock (rtime) and CPU (utime + stime) of
// its own processing loop, excluding process start-up. On the IVF (VP8, VP9, AV1)
// and H.264 Annex B decode cases a third side runs: bench/ceiling.c, libavcodec's send/receive loop alone
// on the file already in memory (no demuxer, filters, muxer or JS), the ceiling for
// any decoder built on libavcodec. It is built here with cc and pkg-config; without
// them that side is left out.
//
// Contention cases ("contention: ..."): every side runs alone and beside a CPU hog of normal
// priority started just before it (--hog x264: the issue's `ffmpeg ... libx264 -preset medium
// -threads 2`, the default; --hog spinner: bench/spinner.c, one busy thread per core), interleaved,
// and a second table gives each side's speed beside the hog, the share of its own solo speed it
// kept, and this library's ratio to the CLI beside the same hog.
//
// --peers adds other npm WebCodecs implementations (bench/peers.js) as sides running the same
// case code, installed on demand into bench/out/peers (never dependencies); one that cannot be
// installed or loaded here is left out with the reason.
const { spawn, spawnSync } = require('node:child_process');
const os = require('node:os');
const path = require('node:path');
const { CASES } = require('./cases');
const { PEERS, ensurePeer } = require('./peers');

const args = process.argv.slice(2);
const opt = (name, def) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : def;
};
const rounds = Number(opt('--rounds', 5));
const only = args.filter((a, i) => args[i - 1] === '--case');
const jsonOnly = args.includes('--json-only');
const hogKind = opt('--hog', 'x264');
const wantPeers = args.includes('--peers');
const fixtures = path.join(__dirname, '..', 'test', 'fixtures');

const { ensureRaw } = require('./raw');

// impl: a peer's module path (bench/peers.js), or undefined for this library.
function runLib(c, impl) {
  if (c.raw) ensureRaw(c.raw);
  const lib = c.lib.raw ? { ...c.lib, raw: path.join(__dirname, '..', c.lib.raw) } : c.lib;
  const env = { ...process.env, ...(c.env || {}) };
  if (impl) env.WEBCODECS_BENCH_IMPL = impl;
  const r = spawnSync(process.execPath, [path.join(__dirname, 'child.js'), JSON.stringify(lib)], {
    encoding: 'utf8', env, maxBuffer: 1 << 24,
  });
  if (r.status !== 0) {
    if (impl) return { error: r.stderr.trim().split('\n').find((l) => /Error/.test(l)) || 'failed' };
    throw new Error(`${c.name}: library run failed\n${r.stderr}`);
  }
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

// The CPU hog of the contention cases: normal priority, started ~300 ms before the measured run
// (so it is at full demand), killed right after it.
let spinnerBin;
function hogCommand() {
  if (hogKind === 'spinner') {
    if (spinnerBin === undefined) {
      const fs = require('node:fs');
      const out = path.join(__dirname, 'out', 'spinner');
      fs.mkdirSync(path.dirname(out), { recursive: true });
      const cc = spawnSync(process.env.CC || 'cc', ['-O2', '-pthread', path.join(__dirname, 'spinner.c'), '-o', out], { encoding: 'utf8' });
      if (cc.status !== 0) throw new Error(`bench: cannot build bench/spinner.c\n${cc.stderr}`);
      spinnerBin = out;
    }
    return [spinnerBin, []];
  }
  if (hogKind !== 'x264') throw new Error(`--hog: expected x264 or spinner, got ${hogKind}`);
  return ['ffmpeg', ['-v', 'quiet', '-nostdin', '-f', 'lavfi', '-i', 'testsrc2=size=1280x720:rate=30', '-c:v', 'libx264', '-preset', 'medium',
    '-threads', '2', '-f', 'null', '-']];
}
const sleepMs = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
function besideHog(fn) {
  const [cmd, argv] = hogCommand();
  const hog = spawn(cmd, argv, { stdio: 'ignore' });
  sleepMs(300);
  try {
    return fn();
  } finally {
    hog.kill('SIGKILL');
    sleepMs(100); // let the CPU go quiet before the next run
  }
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

// threads 0: FFmpeg's auto count, as the library and `ffmpeg -threads auto` use; a case's
// ceilingThreads when the library picks another count for it (one thread for 320x240)
function runCeiling(c) {
  const r = spawnSync(ceilingBin, [path.join(fixtures, c.lib.file), String(c.lib.repeat || 1), String(c.ceilingThreads || 0)], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${c.name}: bench/ceiling failed\n${r.stderr}`);
  const j = JSON.parse(r.stdout.trim());
  return { frames: j.frames, wallMs: j.wall_s * 1000, cpuMs: j.cpu_ms_per_frame * j.frames, decoder: j.decoder, threads: j.threads };
}
const hasCeiling = (c) => c.lib.kind === 'decode' && /\.(ivf|h264)$/.test(c.lib.file) && !c.lib.copyTo && !c.contention;

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
};
const fix = (x, d = 1) => (x === null || x === undefined || Number.isNaN(x) ? '-' : x.toFixed(d));

const from = opt('--from', null);
// contention cases run when asked for by name (or with no --case at all)
const cases = CASES.filter((c) => only.length === 0 || (only.some((o) => c.name.includes(o)) && (!c.contention || only.some((o) => o.includes('contention')))));
// res.sides: every side's runs by side name ("lib", "ffmpeg", "peer:node-webcodecs", each also with
// " + hog" in contention cases); lib/ffmpeg/ffmpeg1/ceiling are the main table's shortcuts.
const newResult = () => ({ lib: [], ffmpeg: [], ffmpeg1: [], ceiling: [], sides: {} });
const results = new Map(cases.map((c) => [c.name, newResult()]));
const record = (res, side, r) => {
  (res.sides[side] ||= []).push(r);
  const main = { lib: 'lib', ffmpeg: 'ffmpeg', 'ffmpeg-threads1': 'ffmpeg1', 'libavcodec-alone': 'ceiling' }[side];
  if (main) res[main].push(r);
};
let roundsRun = rounds;
if (from) {
  // the table again from the JSON lines of an earlier run
  roundsRun = 0;
  for (const line of require('node:fs').readFileSync(from, 'utf8').split('\n')) {
    if (!line.startsWith('{')) continue;
    const { case: name, side, ...r } = JSON.parse(line);
    delete r.round;
    const res = results.get(name);
    if (!res) continue;
    record(res, side, r);
    if (side === 'lib') roundsRun = Math.max(roundsRun, res.lib.length); // files of several runs may be concatenated
  }
  for (const [name, r] of results) if (!r.lib.length) results.delete(name);
}
const peers = [];
if (wantPeers && !from) {
  for (const p of PEERS) {
    const got = ensurePeer(p);
    if (got.error) console.error(`bench: peer ${p.name} left out: ${got.error}`);
    else peers.push({ ...p, path: got.path });
  }
}
for (let round = 0; !from && round < rounds; round++) {
  for (const c of cases) {
    const res = results.get(c.name);
    // every side of the case, alone, and beside the hog in contention cases
    let order = ['lib', ...(c.ffmpeg ? ['ffmpeg'] : []), ...(c.peers === false ? [] : peers.map((p) => `peer:${p.name}`))];
    if (c.contention) order = order.flatMap((s) => [s, `${s} + hog`]);
    // alternate the order each round so no side always runs on a warmer machine
    if (round % 2) order.reverse();
    for (const side of order) {
      const base = side.replace(/ \+ hog$/, '');
      const peer = base.startsWith('peer:') ? peers.find((p) => `peer:${p.name}` === base) : null;
      const go = () => (base === 'lib' ? runLib(c) : peer ? runLib(c, peer.path) : runFfmpeg(c));
      const r = side.endsWith(' + hog') ? besideHog(go) : go();
      record(res, side, r);
      console.log(JSON.stringify({ case: c.name, round, side, ...r }));
    }
    if (c.ffmpeg1) {
      const r = runFfmpeg({ ...c, ffmpeg: c.ffmpeg1 });
      record(res, 'ffmpeg-threads1', r);
      console.log(JSON.stringify({ case: c.name, round, side: 'ffmpeg-threads1', ...r }));
    }
    if (hasCeiling(c) && ceilingAvailable()) {
      const r = runCeiling(c);
      record(res, 'libavcodec-alone', r);
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
  const fps = (x) => (x.frames / x.wallMs) * 1000;
  const range = (xs) => (xs.length ? `${fix(median(xs), 3)} (${fix(Math.min(...xs), 2)}-${fix(Math.max(...xs), 2)})` : '-');
  const ok = (xs) => (xs || []).filter((x) => !x.error);
  const loop = (xs) => (xs.length && xs[0].loop ? `${fix(median(xs.map((x) => x.loop.p99)), 2)} / ${fix(median(xs.map((x) => x.loop.max)), 2)}` : '-');
  for (const c of cases) {
    const r = results.get(c.name);
    if (!r || c.contention) continue;
    const libFps = median(r.lib.map(fps));
    const ffFps = r.ffmpeg.length ? median(r.ffmpeg.map(fps)) : null;
    const ratios = r.ffmpeg.length ? r.lib.map((x, i) => fps(x) / fps(r.ffmpeg[i])) : [];
    const ratio = ratios.length ? `${fix(median(ratios), 3)} (${fix(Math.min(...ratios), 2)}-${fix(Math.max(...ratios), 2)})` : '-';
    const other = [];
    if (r.lib[0].copyMsMedian !== undefined) other.push(`copyTo median ${fix(median(r.lib.map((x) => x.copyMsMedian)), 3)} ms, p99 ${fix(median(r.lib.map((x) => x.copyMsP99)), 3)} ms`);
    if (r.lib[0].rssSlopeKiBPerFrame !== undefined) other.push(`RSS slope ${fix(median(r.lib.map((x) => x.rssSlopeKiBPerFrame)), 4)} KiB/frame after 2,000 frames, end ${fix(median(r.lib.map((x) => x.rssEndMiB)), 0)} MiB`);
    if (r.ceiling.length) {
      const cr = r.lib.slice(0, r.ceiling.length).map((x, i) => fps(x) / fps(r.ceiling[i]));
      other.push(`libavcodec alone (${r.ceiling[0].decoder}${r.ceiling[0].threads ? `, ${r.ceiling[0].threads} thread${r.ceiling[0].threads > 1 ? 's' : ''}` : ''}, no pipeline) ${fix(median(r.ceiling.map(fps)))} fps: lib/it ${fix(median(cr), 3)} (${fix(Math.min(...cr), 2)}-${fix(Math.max(...cr), 2)})`);
    }
    if (r.lib[0].heldMiBPerFrame !== undefined) other.push(`${fix(median(r.lib.map((x) => x.heldMiBPerFrame)), 2)} MiB of RSS per held frame (${fix(r.lib[0].frameBytes / 1048576, 2)} MiB of pixels)`);
    const libCpu = median(r.lib.map((x) => x.cpuMs / x.frames));
    const ff1 = r.ffmpeg1.length ? median(r.ffmpeg1.map((x) => x.cpuMs / x.frames)) : null;
    console.log(`| ${c.name} | ${r.lib[0].frames} | ${fix(libFps)} | ${fix(ffFps)} | ${ratio} | ${fix(libCpu, 3)} | ${fix(ff1, 3)} | ${ff1 ? fix(libCpu / ff1, 3) : '-'} | ` +
      `${fix(median(r.lib.map((x) => x.loop.p50)), 2)} / ${fix(median(r.lib.map((x) => x.loop.p99)), 2)} / ${fix(median(r.lib.map((x) => x.loop.max)), 2)} | ` +
      `${fix(median(r.lib.map((x) => x.firstFrameMs)), 1)} | ${fix(median(r.lib.map((x) => x.maxRssKiB / 1024)), 0)} | ${other.join('; ')} |`);
  }

  // Contention: per side, speed alone and beside the hog in the same round, and the share kept.
  const contended = cases.filter((c) => c.contention && results.get(c.name));
  if (contended.length) {
    console.log(`\nBeside a normal-priority CPU hog (--hog ${hogKind}), interleaved with the same sides alone. Share kept: ` +
      'fps beside the hog / fps alone, per round. lib/ffmpeg: the two beside the same hog, per round.\n');
    console.log('| case | side | fps alone | fps beside the hog | share kept | lib / this side beside the hog | loop p99 / max ms alone | loop p99 / max ms beside the hog |');
    console.log('|---|---|---:|---:|---:|---:|---:|---:|');
    for (const c of contended) {
      const r = results.get(c.name);
      const libHog = ok(r.sides['lib + hog']);
      for (const side of Object.keys(r.sides).filter((k) => !k.endsWith(' + hog'))) {
        const alone = r.sides[side];
        const hog = r.sides[`${side} + hog`] || [];
        if (!ok(alone).length || !ok(hog).length) {
          const err = [...alone, ...hog].find((x) => x.error);
          if (err) console.log(`| ${c.name} | ${side} | failed: ${err.error} | | | | | |`);
          continue;
        }
        const shares = alone.map((x, i) => (x.error || !hog[i] || hog[i].error ? null : fps(hog[i]) / fps(x))).filter((x) => x !== null);
        const vsLib = side === 'lib' ? [] : hog.map((x, i) => (x.error || !libHog[i] ? null : fps(libHog[i]) / fps(x))).filter((x) => x !== null);
        console.log(`| ${c.name} | ${side} | ${fix(median(ok(alone).map(fps)))} | ${fix(median(ok(hog).map(fps)))} | ${range(shares)} | ${side === 'lib' ? '-' : range(vsLib)} | ` +
          `${loop(ok(alone))} | ${loop(ok(hog))} |`);
      }
    }
  }

  // Peers: each against the CLI and against this library, same case code, same round.
  const peerNames = [...new Set(cases.flatMap((c) => Object.keys(results.get(c.name)?.sides || {})).filter((k) => k.startsWith('peer:') && !k.endsWith(' + hog')))];
  if (peerNames.length) {
    console.log('\nPeers (bench/peers.js): fps ratio to the ffmpeg CLI in the same round, median (range); lib/peer: this library against the peer.\n');
    console.log(`| case | lib / ffmpeg | ${peerNames.map((p) => `${p.slice(5)} / ffmpeg | lib / ${p.slice(5)} | ${p.slice(5)} loop p99 / max ms`).join(' | ')} |`);
    console.log(`|---|---:|${peerNames.map(() => '---:|---:|---:').join('|')}|`);
    for (const c of cases) {
      const r = results.get(c.name);
      if (!r || c.contention || !r.ffmpeg.length) continue;
      const cells = peerNames.map((p) => {
        const xs = r.sides[p] || [];
        if (!ok(xs).length) return `${xs.length ? `failed: ${xs[0].error}` : '-'} | - | -`;
        const vsFf = xs.map((x, i) => (x.error || !r.ffmpeg[i] ? null : fps(x) / fps(r.ffmpeg[i]))).filter((x) => x !== null);
        const libVs = xs.map((x, i) => (x.error || !r.lib[i] ? null : fps(r.lib[i]) / fps(x))).filter((x) => x !== null);
        return `${range(vsFf)} | ${range(libVs)} | ${loop(ok(xs))}`;
      });
      console.log(`| ${c.name} | ${range(r.lib.map((x, i) => fps(x) / fps(r.ffmpeg[i])))} | ${cells.join(' | ')} |`);
    }
  }
}
