#!/usr/bin/env node
'use strict';
// Builds the libFuzzer targets (test/fuzz/out/, build output: keep it out of git) and fuzzes each for a while.
//
//   node test/fuzz/run.js [--seconds N] [--ignore name,...] [--keep-corpus] [--build-only] [target ...]
//
//   --seconds N       fuzzing time per target (default 45)
//   --ignore a,b      behavioural findings to report once and go on past (WC_FUZZ_IGNORE, see fuzz_util.h);
//                     "all" for every one. Memory errors, UB, leaks and timeouts always stop a target.
//   --keep-corpus     keep each run's working corpus (a temporary folder) and print where it is
//   --build-only      build, do not fuzz
//   target ...        some of: codec_string bitstream frame decode_h264 decode_hevc decode_vp8 decode_vp9
//                     decode_av1 (default: all)
//
// Each target runs alone (one libFuzzer process, one target after the other: no -jobs/-fork, which would
// only move libFuzzer's output into fuzz-<n>.log files) on a copy of its seed corpus test/fuzz/corpus/<target>/,
// so runs never grow the repository's corpus, with -max_len suited to the target, -rss_limit_mb=2048,
// -timeout=10 and ASAN_OPTIONS=detect_leaks=1. Per target one JSON line on stdout:
//   {"target", "seconds", "execs" (stat::number_of_executed_units), "exec_per_sec", "new_units", "peak_rss_mb",
//    "status": "ok" | "crash" | "leak" | "timeout" | "oom" | "error", "artifact" (the input that failed), "log"}
// The exit status is 1 when any target crashed, leaked, timed out or ran out of memory. libFuzzer's log of
// each target is in test/fuzz/out/logs/<target>.log, failing inputs in test/fuzz/out/artifacts/<target>/.
// A failing input worth keeping goes to test/fuzz/crashes/<target>/ (replayed by test/fuzz-regressions.test.js).
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { targets, build, checkToolchain, cleanEnv, filesIn, outDir, root } = require('./targets');

function parseArgs(argv) {
  const o = { seconds: 45, ignore: process.env.WC_FUZZ_IGNORE || '', keepCorpus: false, buildOnly: false, names: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      if (a.includes('=')) return a.slice(a.indexOf('=') + 1);
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      return argv[++i];
    };
    if (a.startsWith('--seconds')) o.seconds = Number(value());
    else if (a.startsWith('--ignore')) o.ignore = value();
    else if (a === '--keep-corpus') o.keepCorpus = true;
    else if (a === '--build-only') o.buildOnly = true;
    else if (a === '-h' || a === '--help') {
      console.log(fs.readFileSync(__filename, 'utf8').split('\n').filter((l) => l.startsWith('//')).join('\n'));
      process.exit(0);
    } else if (a.startsWith('-')) throw new Error(`unknown option ${a}`);
    else o.names.push(a);
  }
  if (!Number.isFinite(o.seconds) || o.seconds < 1) throw new Error('--seconds: expected a number >= 1');
  return o;
}

function fuzzOne(t, opts) {
  return new Promise((resolve) => {
    const artifacts = path.join(outDir, 'artifacts', t.name);
    const logs = path.join(outDir, 'logs');
    fs.mkdirSync(artifacts, { recursive: true });
    fs.mkdirSync(logs, { recursive: true });
    const before = new Set(fs.readdirSync(artifacts));
    const work = fs.mkdtempSync(path.join(os.tmpdir(), `wc-fuzz-${t.name}-`));
    for (const f of filesIn(t.corpus)) fs.copyFileSync(f, path.join(work, path.basename(f)));
    const logFile = path.join(logs, `${t.name}.log`);
    const log = fs.openSync(logFile, 'w');
    const args = [`-max_total_time=${opts.seconds}`, `-max_len=${t.maxLen}`, '-rss_limit_mb=2048', '-timeout=10',
      '-print_final_stats=1', `-artifact_prefix=${artifacts}${path.sep}`, work];
    const env = {
      ...cleanEnv(),
      ASAN_OPTIONS: 'detect_leaks=1',
      UBSAN_OPTIONS: 'print_stacktrace=1',
      ...(opts.ignore ? { WC_FUZZ_IGNORE: opts.ignore } : {}),
    };
    fs.writeSync(log, `${t.binary} ${args.join(' ')}\n`);
    const started = Date.now();
    const child = spawn(t.binary, args, { env, stdio: ['ignore', log, log] });
    // libFuzzer stops by itself; this only guards against a hang outside the per-input -timeout
    const watchdog = setTimeout(() => child.kill('SIGKILL'), (opts.seconds + 300) * 1000);
    child.on('close', (code, signal) => {
      clearTimeout(watchdog);
      fs.closeSync(log);
      const text = fs.readFileSync(logFile, 'utf8');
      const stat = (name) => {
        const m = text.match(new RegExp(`stat::${name}:\\s*(\\d+)`));
        return m ? Number(m[1]) : null;
      };
      // slow-unit-* files are reports, not failures
      const found = fs.readdirSync(artifacts).filter((f) => !before.has(f) && !f.startsWith('slow-unit-'))
        .map((f) => path.join(artifacts, f));
      let status = 'ok';
      if (found.length) {
        const kind = path.basename(found[0]).split('-')[0];
        status = { crash: 'crash', leak: 'leak', timeout: 'timeout', oom: 'oom' }[kind] || 'crash';
      } else if (code !== 0) {
        status = 'error';
      }
      if (opts.keepCorpus) process.stderr.write(`${t.name}: corpus kept in ${work}\n`);
      else fs.rmSync(work, { recursive: true, force: true });
      resolve({
        target: t.name,
        seconds: Math.round((Date.now() - started) / 100) / 10,
        execs: stat('number_of_executed_units'),
        exec_per_sec: stat('average_exec_per_sec'),
        new_units: stat('new_units_added'),
        peak_rss_mb: stat('peak_rss_mb'),
        status,
        ...(found.length ? { artifact: path.relative(root, found[0]) } : {}),
        ...(status !== 'ok' ? { exit: signal || code } : {}),
        log: path.relative(root, logFile),
      });
    });
  });
}

// What a failure looks like where only this process's output survives (CI): the sanitizer's or the
// harness's report from the log (from its first error line, at most 60 lines) and the failing input as
// base64 (up to 64 KiB), so that it can be written back to a file and replayed:
//   base64 -d > input <<'EOF' ... EOF; test/fuzz/out/fuzz_<target> input
function failureReport(r) {
  const out = [];
  try {
    const lines = fs.readFileSync(path.join(root, r.log), 'utf8').split('\n');
    let i = lines.findIndex((l) => /invariant failed|finding \[|ERROR: |runtime error|SUMMARY: /.test(l));
    if (i < 0) i = Math.max(0, lines.length - 40);
    out.push(`--- ${r.log} from line ${i + 1}:`, ...lines.slice(i, i + 60));
  } catch (e) {
    out.push(`(log unreadable: ${e.message})`);
  }
  if (r.artifact) {
    const data = fs.readFileSync(path.join(root, r.artifact));
    if (data.length <= 65536) {
      out.push(`--- ${r.artifact}, ${data.length} bytes, base64:`);
      out.push(...(data.toString('base64').match(/.{1,76}/g) || ['']));
      out.push('--- end of input');
    } else {
      out.push(`--- ${r.artifact}: ${data.length} bytes, too large to print`);
    }
  }
  return `${out.join('\n')}\n`;
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const unknown = opts.names.filter((n) => !targets.some((t) => t.name === n));
  if (unknown.length) throw new Error(`unknown target(s) ${unknown.join(', ')}; known: ${targets.map((t) => t.name).join(' ')}`);
  const chosen = opts.names.length ? targets.filter((t) => opts.names.includes(t.name)) : targets;
  const why = checkToolchain();
  if (why) {
    console.error(`clang with libFuzzer is needed (Debian/Ubuntu: apt-get install clang; the libFuzzer runtime is in ` +
      `libclang-rt-<version>-dev on newer releases):\n${why}`);
    process.exit(2);
  }
  for (const t of chosen) build(t, { log: (m) => process.stderr.write(`${m}\n`) });
  if (opts.buildOnly) return;
  let failed = 0;
  for (const t of chosen) {
    const r = await fuzzOne(t, opts);
    console.log(JSON.stringify(r));
    if (r.status !== 'ok') {
      failed++;
      process.stderr.write(`${t.name}: ${r.status}${r.artifact ? `, input saved as ${r.artifact}` : ''}; see ${r.log}\n`);
      process.stderr.write(failureReport(r));
    }
  }
  process.exitCode = failed ? 1 : 0;
}

main().catch((e) => {
  console.error(e.message);
  process.exit(2);
});
