#!/usr/bin/env node
// The whole test suite against the AddressSanitizer + UndefinedBehaviorSanitizer
// build of the addon (node scripts/build.js --sanitize), with the sanitizer
// runtimes preloaded into the stock `node` and leak detection on.
//
//   node scripts/test-sanitized.js [pattern...]
//
// External tools the tests run (ffmpeg, ffprobe, the C compiler) go through shims
// that drop LD_PRELOAD: they are not ours to check. Leak reports are suppressed
// only for frames listed in test/lsan.supp (Node's and V8's own allocations at
// exit), never by the node binary's name, which would hide the addon's leaks too.
'use strict';
const { execFileSync, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const addon = path.join(root, 'build-asan', 'webcodecs_native.node');
if (!fs.existsSync(addon)) {
  console.error('no sanitizer build: run `node scripts/build.js --sanitize` first');
  process.exit(1);
}
const cc = process.env.CC || 'cc';
const lib = (name) => execFileSync(cc, [`-print-file-name=${name}`], { encoding: 'utf8' }).trim();
const preload = [lib('libasan.so'), lib('libubsan.so')];
for (const p of preload) {
  if (!path.isAbsolute(p) || !fs.existsSync(p)) {
    console.error(`sanitizer runtime not found (${p}); install gcc`);
    process.exit(1);
  }
}

const shims = fs.mkdtempSync(path.join(os.tmpdir(), 'wc-shims-'));
for (const tool of ['ffmpeg', 'ffprobe', 'cc', 'gcc', 'clang', 'pkg-config']) {
  const real = spawnSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).stdout.trim();
  if (!real) continue;
  fs.writeFileSync(path.join(shims, tool), `#!/bin/sh\nunset LD_PRELOAD ASAN_OPTIONS UBSAN_OPTIONS LSAN_OPTIONS\nexec ${real} "$@"\n`, { mode: 0o755 });
}

const logs = fs.mkdtempSync(path.join(os.tmpdir(), 'wc-sanitizer-logs-'));
const env = {
  ...process.env,
  WEBCODECS_NATIVE_ADDON: addon,
  LD_PRELOAD: preload.join(':'),
  PATH: `${shims}:${process.env.PATH}`,
  ASAN_OPTIONS: `detect_leaks=1:abort_on_error=0:allocator_may_return_null=1:detect_odr_violation=0:log_path=${logs}/asan`,
  // leaks are judged below, from the logs, rather than by each process's exit code
  LSAN_OPTIONS: 'exitcode=0',
  UBSAN_OPTIONS: `halt_on_error=1:print_stacktrace=1:log_path=${logs}/ubsan`,
  WC_SANITIZED: '1',
};
const r = spawnSync(process.execPath, [path.join(root, 'scripts', 'test.js'), ...process.argv.slice(2)], { cwd: root, stdio: 'inherit', env });
fs.rmSync(shims, { recursive: true, force: true });

// ---- judge the sanitizer logs
// every C file under src/, as "group/file.c" (src/engine/codec.c, ...)
const ours = fs.readdirSync(path.join(root, 'src'), { recursive: true }).filter((f) => f.endsWith('.c')).map((f) => f.split(path.sep).join('/'));
const ourFrame = new RegExp(`(^|[\\s/(])src/(${ours.map((f) => f.replace('.', '\\.')).join('|')}):\\d+|webcodecs_native\\.node\\+`);
// The allocation's first frame past the allocator (and libc) decides who made it: Node/V8 (or JIT code),
// or something else (the addon, FFmpeg, a codec library) called from the addon.
function madeByAddon(block) {
  const frames = block.split('\n').filter((l) => /^\s+#\d+ /.test(l));
  if (!frames.some((l) => ourFrame.test(l))) return false;
  for (const l of frames.slice(1)) {
    if (/libsanitizer|\/libc\.so|\/libstdc\+\+/.test(l)) continue;
    return !/\(\/usr\/bin\/node\+|<unknown module>|\bnode::|\bv8::/.test(l);
  }
  return false;
}

let processes = 0;
let nodeLeaks = 0;
const failures = [];
for (const f of fs.readdirSync(logs)) {
  const text = fs.readFileSync(path.join(logs, f), 'utf8');
  processes++;
  if (/ERROR: AddressSanitizer|runtime error:|ERROR: ThreadSanitizer/.test(text)) {
    failures.push(`${f}:\n${text}`);
    continue;
  }
  if (!/ERROR: LeakSanitizer/.test(text)) continue;
  for (const block of text.split(/\n(?=(?:Direct|Indirect) leak of )/).slice(1)) {
    if (madeByAddon(block)) failures.push(`${f} (a leak through the addon):\n${block}`);
    else nodeLeaks++;
  }
}
fs.rmSync(logs, { recursive: true, force: true });
console.log(`\nsanitizers: ${processes} report file(s); ${failures.length} finding(s) in the addon; ` +
  `${nodeLeaks} leak record(s) of Node/V8 itself at exit (no addon frame) ignored`);
for (const x of failures) console.log(`\n${x}`);
process.exit(r.status === null ? 1 : r.status || (failures.length ? 1 : 0));
